// Keys made ahead (issue 9: nobody waits for RSA key generation), through the
// engine's JS API under Node: the starter pair shipped with the site
// (site/js/starter-keys.js) sets up a working classic handshake without
// generating anything; generateKey makes a pair while leaving the session
// alone; a setup given kept keys reuses them.
//
//   bash scripts/build.sh && node --test tests/node/
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { loadEngine } from './engine.mjs';
import { STARTER_KEYS } from '../../site/js/starter-keys.js';

describe('keys made ahead', { timeout: 120_000 }, () => {
  let engine;
  before(async () => { engine = await loadEngine(); });

  let starter;
  it('sets up with the starter pair shipped with the site, generating nothing', async () => {
    assert.equal(STARTER_KEYS.bits, 2048);
    assert.ok(Number.isFinite(Date.parse(STARTER_KEYS.made)));
    const stages = [];
    starter = JSON.parse(await engine.api.setup(JSON.stringify({ caKeyPem: STARTER_KEYS.ca, keyPem: STARTER_KEYS.server }), (s) => stages.push(s)));
    assert.deepEqual(stages, ['ca-cert', 'leaf-cert'], 'only the two certificates are made');
    assert.equal(starter.caKeyGiven, true);
    assert.equal(starter.keyGiven, true);
    assert.equal(starter.serverKey.bits, 2048);
    assert.match(starter.serverKey.fingerprint, /^[0-9a-f]{64}$/);
    assert.equal(starter.serverKey.pem.replace(/\s/g, ''), STARTER_KEYS.server.replace(/\s/g, ''));
    const session = await engine.newSession({ mode: 'classic' });
    assert.equal(session.error, null);
  });

  it('generateKey makes an RSA key and leaves the session alone', async () => {
    const g = await engine.generateKey({ bits: 2048 });
    assert.equal(g.bits, 2048);
    assert.match(g.pem, /^-----BEGIN PRIVATE KEY-----/);
    assert.ok(g.ms > 0);
    const ex = await engine.send({ from: 'client', text: 'still the starter key' });
    assert.equal(ex.decrypted, 'still the starter key');
    const again = await engine.setup({ caKeyPem: STARTER_KEYS.ca, keyPem: g.pem });
    assert.equal(again.keyGiven, true);
    assert.notEqual(again.serverKey.fingerprint, starter.serverKey.fingerprint);
    assert.equal((await engine.newSession({ mode: 'tls13' })).error, null);
  });

  it('refuses a key that is not one', async () => {
    await assert.rejects(engine.setup({ keyPem: 'nope' }), /setup: keyPem: the server's key: no PEM private key in it/);
    await assert.rejects(engine.generateKey({ bits: 512 }), /generateKey: bits 512 is not offered/);
  });
});
