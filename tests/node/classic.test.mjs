// The classic handshake (TLS 1.2, RSA key transport) through the engine's JS API, with the
// built wasm running under Node exactly as it does in the page's worker.
//
//   bash scripts/build.sh && node --test tests/node/
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { loadEngine } from './engine.mjs';

const SUITES = ['TLS_RSA_WITH_AES_128_GCM_SHA256', 'TLS_RSA_WITH_AES_256_GCM_SHA384'];
const KEY_BYTES = { TLS_RSA_WITH_AES_128_GCM_SHA256: 16, TLS_RSA_WITH_AES_256_GCM_SHA384: 32 };
const SEED_A = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
const SEED_B = 'ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100';
const HEX = /^[0-9a-f]*$/;
const TIMEOUT = 120_000;

/** allValues yields [step, event, value] for every value of every event of every step. */
function* allValues(session) {
  for (const step of session.steps) {
    for (const event of step.events ?? []) {
      for (const value of event.values ?? []) yield [step, event, value];
    }
  }
}

/**
 * derivedBySide collects, for each actor, the hex values whose label names a secret, key
 * or IV (a value each side derives on its own), keyed by lower-case label.
 */
function derivedBySide(session) {
  const sides = { client: new Map(), server: new Map() };
  for (const [step, event, value] of allValues(session)) {
    if (!(event.actor in sides) || value.kind !== 'hex') continue;
    if (!/secret|key|\biv\b/i.test(value.label)) continue;
    const label = value.label.toLowerCase();
    const seen = sides[event.actor].get(label);
    if (seen === undefined) sides[event.actor].set(label, { hex: value.hex, step: step.n });
  }
  return sides;
}

function checkHandshake(session, { suite } = {}) {
  assert.equal(session.error, null, `handshake failed: ${JSON.stringify(session.error)}`);
  assert.equal(session.version, 'TLS 1.2');
  assert.equal(session.mode, 'classic');
  assert.ok(SUITES.includes(session.suite), `suite ${session.suite} is not one of ${SUITES}`);
  if (suite) assert.equal(session.suite, suite);
  assert.equal(session.closed, false);
  assert.match(session.seed, /^[0-9a-f]+$/);

  // Seven steps, numbered 1..7; step 7 (application data) is empty until something is sent.
  assert.equal(session.steps.length, 7);
  session.steps.forEach((step, i) => {
    assert.equal(step.n, i + 1);
    assert.ok(step.title, `step ${step.n} has no title`);
    assert.ok(step.article, `step ${step.n} has no article sentence`);
    assert.ok(step.really, `step ${step.n} has no "what really happens"`);
  });
  for (const step of session.steps.slice(0, 6)) {
    assert.ok(step.events.length > 0, `step ${step.n} has no events`);
  }
  assert.equal(session.steps[6].events.length, 0, 'step 7 should be empty right after the handshake');

  // Records: every TLS record, in wire order; the first is the ClientHello (handshake, 0x16).
  assert.ok(session.records.length > 0, 'no records');
  for (const r of session.records) {
    assert.ok(r.from === 'client' || r.from === 'server', `record from ${r.from}`);
    assert.match(r.hex, HEX);
    assert.ok(r.hex.length >= 10, `record too short: ${r.hex}`);
    // Record header: type, version 03 0x, length.
    assert.equal(r.hex.length / 2 - 5, parseInt(r.hex.slice(6, 10), 16), 'record length field');
  }
  assert.equal(session.records[0].from, 'client');
  assert.ok(session.records[0].hex.startsWith('16'), `first record ${session.records[0].hex.slice(0, 10)}… is not a handshake record`);
  assert.ok(session.records.some((r) => r.from === 'server' && r.hex.startsWith('16')), 'no server handshake record');
  assert.ok(session.records.some((r) => r.hex.startsWith('14')), 'no ChangeCipherSpec record');

  // Messages point into records.
  assert.ok(session.messages.length > 0, 'no messages');
  assert.equal(session.messages[0].name, 'ClientHello');
  for (const m of session.messages) {
    assert.ok(m.record >= 0 && m.record < session.records.length, `message ${m.name} points at record ${m.record}`);
    assert.equal(session.records[m.record].from, m.from, `message ${m.name} and its record disagree on the sender`);
  }

  // Key log: one NSS CLIENT_RANDOM line that agrees with the secrets.
  const line = session.keylog.match(/^CLIENT_RANDOM ([0-9a-f]{64}) ([0-9a-f]{96})$/m);
  assert.ok(line, `keylog has no CLIENT_RANDOM line: ${JSON.stringify(session.keylog)}`);
  const s = session.secrets;
  assert.equal(line[1], s.clientRandom, 'keylog client random');
  assert.equal(line[2], s.masterSecret, 'keylog master secret');
  assert.match(s.serverRandom, /^[0-9a-f]{64}$/);
  assert.match(s.preMasterSecret, /^0303[0-9a-f]{92}$/, 'pre-master secret: version 3,3 + 46 random bytes');
  const keyHex = 2 * KEY_BYTES[session.suite];
  assert.match(s.clientWriteKey, new RegExp(`^[0-9a-f]{${keyHex}}$`));
  assert.match(s.serverWriteKey, new RegExp(`^[0-9a-f]{${keyHex}}$`));
  assert.notEqual(s.clientWriteKey, s.serverWriteKey);
  assert.match(s.clientWriteIV, /^[0-9a-f]{8}$/, 'GCM implicit nonce (salt) is 4 bytes (RFC 5288)');
  assert.match(s.serverWriteIV, /^[0-9a-f]{8}$/);
  if (session.ems) assert.match(s.sessionHash ?? '', /^[0-9a-f]{64,96}$/, 'EMS session hash');
}

/** checkBothSidesAgree: what the client and the server derived on their own is identical. */
function checkBothSidesAgree(session) {
  const { client, server } = derivedBySide(session);
  const common = [...client.keys()].filter((label) => server.has(label));
  assert.ok(
    common.some((l) => l.includes('master secret')),
    `no "master secret" shown by both client and server; client labels: ${[...client.keys()]}; server labels: ${[...server.keys()]}`,
  );
  assert.ok(
    common.some((l) => /write.?key/.test(l)),
    `no write key shown by both client and server; common labels: ${common}`,
  );
  for (const label of common) {
    assert.equal(
      client.get(label).hex,
      server.get(label).hex,
      `client's and server's "${label}" differ (client step ${client.get(label).step}, server step ${server.get(label).step})`,
    );
  }
  // And both agree with the exported secrets.
  const master = common.find((l) => l === 'master secret') ?? common.find((l) => l.includes('master secret'));
  assert.equal(client.get(master).hex, session.secrets.masterSecret);
  return common;
}

function checkExchange(x, from, text, session) {
  const to = from === 'client' ? 'server' : 'client';
  assert.equal(x.from, from);
  assert.equal(x.to, to);
  assert.equal(x.plaintext, text);
  assert.equal(x.decrypted, text, 'the receiver decrypted something else');
  assert.ok(x.recordHex.startsWith('170303'), `application data record ${x.recordHex.slice(0, 10)}…`);
  assert.equal(session.records[x.record].hex, x.recordHex, 'exchange record is not in session.records');
  assert.equal(session.records[x.record].from, from);
  // AES-GCM: 8-byte explicit nonce + ciphertext (same length as the plaintext) + 16-byte tag.
  assert.equal(x.explicitNonceHex.length, 16);
  assert.equal(x.tagHex.length, 32);
  assert.equal(x.ciphertextHex.length, 2 * Buffer.byteLength(text));
  assert.ok(!x.recordHex.includes(Buffer.from(text).toString('hex')), 'plaintext visible in the record');
  assert.equal(x.recordHex, '170303' + x.recordHex.slice(6, 10) + x.explicitNonceHex + x.ciphertextHex + x.tagHex);
  assert.equal(x.nonceHex.length, 24, 'GCM nonce is 12 bytes: 4 implicit + 8 explicit');
  assert.equal(x.aadHex.length, 26, 'additional data: seq(8) type(1) version(2) length(2)');
  assert.equal(x.nonceHex, session.secrets[`${from}WriteIV`] + x.explicitNonceHex, 'nonce = write IV (salt) + explicit nonce');
  assert.ok(['client', 'server', 'wire'].includes(x.event.actor), `event actor ${x.event.actor}`);
}

describe('classic handshake through the JS API (wasm under Node)', { timeout: TIMEOUT }, () => {
  let engine;
  let setup;

  before(async () => {
    engine = await loadEngine();
    assert.equal(globalThis.tlsPlaygroundReady, true, 'globalThis.tlsPlaygroundReady');
    setup = await engine.setup({ keyBits: 2048 });
  });

  it('sets up a CA, a leaf certificate and an RSA-2048 server key', () => {
    assert.equal(setup.keyBits, 2048);
    assert.equal(setup.serverKey.type, 'RSA');
    assert.equal(setup.serverKey.bits, 2048);
    assert.equal(setup.serverKey.exponent, 65537);
    assert.equal(setup.serverKey.modulusHex.length, 512);
    assert.match(setup.ca.pem, /^-----BEGIN CERTIFICATE-----/);
    assert.match(setup.leaf.pem, /^-----BEGIN CERTIFICATE-----/);
    assert.equal(setup.ca.cert.isCA, true);
    assert.equal(setup.leaf.cert.isCA, false);
    assert.equal(setup.leaf.cert.issuer, setup.intermediate.cert.subject, 'the intermediate issued the leaf');
    assert.equal(setup.intermediate.cert.issuer, setup.ca.cert.subject, 'the root issued the intermediate');
    assert.ok(setup.leaf.cert.dnsNames.includes(setup.serverName), 'leaf SAN has the server name');
    assert.ok(setup.leaf.cert.extKeyUsage.includes('serverAuth'));
    assert.equal(setup.leaf.cert.publicKey, 'RSA-2048');
    assert.ok(setup.generatedMs >= 0);
  });

  let first;
  it('runs the handshake: suite, seven steps, records, key log', async () => {
    first = await engine.newSession({});
    checkHandshake(first);
  });

  it('client and server derive the same secrets and keys', () => {
    const common = checkBothSidesAgree(first);
    assert.ok(common.length >= 2);
  });

  it('sends application data both ways and decrypts it', async () => {
    const c = await engine.send({ from: 'client', text: 'hello server' });
    let session = await engine.exportSession();
    checkExchange(c, 'client', 'hello server', session);
    assert.equal(c.seq, 1, 'first application record after Finished has sequence number 1');

    const s = await engine.send({ from: 'server', text: 'hello client, ünïcødé ✓' });
    session = await engine.exportSession();
    checkExchange(s, 'server', 'hello client, ünïcødé ✓', session);
    assert.equal(s.seq, 1);

    const c2 = await engine.send({ from: 'client', text: 'hello server' });
    session = await engine.exportSession();
    checkExchange(c2, 'client', 'hello server', session);
    assert.equal(c2.seq, 2);
    assert.notEqual(c2.ciphertextHex, c.ciphertextHex, 'same message, same ciphertext: nonce reused');

    // Step 7 holds each exchange's events (the sender's, and the receiver's if reported).
    const eventsOf = (x) => x.events ?? [x.event];
    const step7 = session.steps[6].events;
    assert.equal(step7.length, [c, s, c2].reduce((n, x) => n + eventsOf(x).length, 0), 'step 7 events');
    assert.deepEqual(step7[0], c.event, "step 7 starts with the first exchange's event");
    assert.equal(session.records.at(-1).hex, c2.recordHex);
  });

  it('close() sends close_notify and discards the keys', async () => {
    const closed = await engine.close();
    assert.equal(closed.closed, true);
    const alerts = closed.records.filter((r) => r.hex.startsWith('15'));
    assert.ok(alerts.length >= 1, 'no alert (close_notify) record after close');
    assert.ok(closed.messages.some((m) => m.name === 'Alert'));
  });

  it('the same seed replays the same bytes; another seed gives new randoms', async () => {
    const a = await engine.newSession({ seed: SEED_A });
    checkHandshake(a);
    assert.equal(a.seed, SEED_A);
    const again = await engine.newSession({ seed: SEED_A });
    assert.deepEqual(again.records, a.records, 'same seed, different records');
    assert.equal(again.keylog, a.keylog);

    const b = await engine.newSession({ seed: SEED_B });
    checkHandshake(b);
    assert.notEqual(b.secrets.clientRandom, a.secrets.clientRandom);
    assert.notEqual(b.secrets.masterSecret, a.secrets.masterSecret);
    assert.notDeepEqual(b.records, a.records);

    // A session without a seed reports the one it used, and replays from it.
    assert.notEqual(first.seed, '');
    const replay = await engine.newSession({ seed: first.seed });
    assert.deepEqual(replay.records, first.records, 'replaying the first session from its seed');
  });

  it('a new session sends the same message under new keys', async () => {
    await engine.newSession({});
    const x1 = await engine.send({ from: 'client', text: 'same message' });
    await engine.newSession({});
    const x2 = await engine.send({ from: 'client', text: 'same message' });
    assert.equal(x1.decrypted, x2.decrypted);
    assert.notEqual(x1.ciphertextHex, x2.ciphertextHex);
  });

  for (const suite of SUITES) {
    for (const ems of [true, false]) {
      it(`negotiates ${suite} ${ems ? 'with' : 'without'} extended master secret`, async () => {
        const session = await engine.newSession({ ems, clientSuites: [suite], serverSuites: SUITES });
        checkHandshake(session, { suite });
        assert.equal(session.ems, ems);
        if (!ems) assert.ok(!session.secrets.sessionHash, 'session hash without EMS');
        checkBothSidesAgree(session);
        const x = await engine.send({ from: 'server', text: 'ok' });
        assert.equal(x.decrypted, 'ok');
      });
    }
  }

  it('rejects a bad argument with an error that names the bad value', async () => {
    await assert.rejects(engine.raw.setup('{"keyBits":1000}'), (err) => {
      assert.ok(err instanceof Error, `rejected with ${typeof err} ${err}, want an Error`);
      assert.match(err.message, /1000/);
      return true;
    });
    await assert.rejects(engine.raw.newSession('not json'), Error);
    await assert.rejects(engine.raw.send('{"from":"nobody","text":"x"}'), /nobody/);
  });

  it('no common suite: the handshake fails with handshake_failure, reported not thrown', async () => {
    const session = await engine.newSession({ clientSuites: [SUITES[0]], serverSuites: [SUITES[1]] });
    assert.ok(session.error, 'expected an error');
    assert.equal(session.error.side, 'server');
    assert.equal(session.error.alert, 'handshake_failure');
    assert.match(session.error.message, /^tls: /);
    assert.equal(session.suite, '');
    assert.equal(session.steps.length, 7);
  });
});
