// TLS 1.2 with ECDHE and TLS 1.3 through the engine's JS API, with the built
// wasm under Node as in the page's worker: every server key type and group,
// a HelloRetryRequest, a KeyUpdate, and the key share and key schedule the
// page draws.
//
//   bash scripts/build.sh && node --test tests/node/
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { loadEngine } from './engine.mjs';

const TIMEOUT = 120_000;

describe('ecdhe and tls13 modes through the JS API', { timeout: TIMEOUT }, () => {
  let engine;
  before(async () => {
    engine = await loadEngine();
  });

  for (const keyType of ['rsa', 'ecdsa', 'ed25519']) {
    it(`tls13 with a ${keyType} server key, every group`, async () => {
      await engine.setup({ keyType, ...(keyType === 'rsa' ? { keyBits: 2048 } : {}) });
      for (const group of ['X25519MLKEM768', 'x25519', 'secp256r1']) {
        const s = await engine.newSession({ mode: 'tls13', group });
        assert.equal(s.error, null, JSON.stringify(s.error));
        assert.equal(s.version, 'TLS 1.3');
        assert.equal(s.group, group);
        assert.equal(s.roundTrips, 1);
        assert.ok(s.forwardSecrecy);
        assert.ok(s.keyShare.match, 'both sides computed the same shared secret');
        assert.equal(s.keyShare.clientShared, s.keyShare.serverShared);
        assert.match(s.keylog, /^CLIENT_HANDSHAKE_TRAFFIC_SECRET [0-9a-f]{64} [0-9a-f]+$/m);
        const ids = new Set(s.keySchedule.nodes.map((n) => n.id));
        for (const id of ['early', 'handshake', 'master', 'c_ap_key', 's_ap_iv']) assert.ok(ids.has(id), id);
        const ex = await engine.send({ from: 'client', text: `hello over ${group}` });
        assert.equal(ex.decrypted, `hello over ${group}`);
      }
    });
  }

  it('ecdhe with an RSA and an ECDSA key', async () => {
    for (const keyType of ['rsa', 'ecdsa']) {
      await engine.setup({ keyType });
      for (const group of ['x25519', 'secp256r1']) {
        const s = await engine.newSession({ mode: 'ecdhe', group });
        assert.equal(s.error, null, JSON.stringify(s.error));
        assert.equal(s.version, 'TLS 1.2');
        assert.match(s.suite, keyType === 'rsa' ? /^TLS_ECDHE_RSA_/ : /^TLS_ECDHE_ECDSA_/);
        assert.ok(s.keyShare.match);
        assert.ok(s.messages.some((m) => m.name === 'ServerKeyExchange'));
        const ex = await engine.send({ from: 'server', text: 'pong' });
        assert.equal(ex.decrypted, 'pong');
      }
    }
  });

  it('HelloRetryRequest and KeyUpdate', async () => {
    await engine.setup({ keyType: 'ecdsa' });
    const s = await engine.newSession({ mode: 'tls13', group: 'x25519', serverGroups: ['secp256r1'] });
    assert.equal(s.error, null);
    assert.ok(s.helloRetry);
    assert.equal(s.roundTrips, 2);
    assert.deepEqual(s.messages.slice(0, 3).map((m) => m.name), ['ClientHello', 'HelloRetryRequest', 'ClientHello']);
    const after = await engine.keyUpdate({ from: 'client' });
    assert.ok(after.messages.filter((m) => m.name === 'KeyUpdate').length >= 2, 'a KeyUpdate each way');
    const ex = await engine.send({ from: 'client', text: 'after the update' });
    assert.equal(ex.decrypted, 'after the update');
  });

  it('refuses what a mode cannot do, with the reason', async () => {
    await engine.setup({ keyType: 'ed25519' });
    await assert.rejects(engine.newSession({ mode: 'classic' }), /RSA/);
    await assert.rejects(engine.newSession({ mode: 'ecdhe', group: 'X25519MLKEM768' }), /TLS 1\.3/);
    await assert.rejects(engine.newSession({ mode: 'ssl3' }), /ssl3/);
  });
});
