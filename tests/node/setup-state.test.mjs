// The certificates the build issued to the starter keys, taken back by the
// engine's first setup instead of signing its own (issue 9: the setup was the
// longest call before the first live session). The recording's file
// (scripts/firstsession: "setup" and "setupState") read by the page's model
// (model/first-session.js setupStateOf) and given to the built engine's setup
// under Node, as the page's first setup does.
//
//   bash scripts/build.sh && node --test tests/node/setup-state.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';

import { distDir, loadEngine } from './engine.mjs';
import { readFirstSession, setupStateOf } from '../../site/js/model/first-session.js';
import { certOrigin } from '../../site/js/model/keys.js';
import { STARTER_KEYS } from '../../site/js/starter-keys.js';

const build = JSON.parse(fs.readFileSync(path.join(distDir, 'build.json'), 'utf8'));
const file = JSON.parse(fs.readFileSync(path.join(distDir, build.firstSession), 'utf8'));
const starter = { caKeyPem: STARTER_KEYS.ca, keyPem: STARTER_KEYS.server, keyType: 'rsa', keyBits: 2048, serverName: 'playground.test' };

describe('the build’s certificates for the starter keys', { timeout: 120_000 }, () => {
  let engine;
  before(async () => { engine = await loadEngine(); });

  it('are read from the recording with the intermediate’s key and the OCSP response', () => {
    const rec = readFirstSession(file);
    assert.ok(rec.state, 'the recording carries a state');
    assert.equal(rec.state.serverName, 'playground.test');
    assert.equal(rec.state.keyType, 'rsa');
    assert.equal(setupStateOf(rec.setup, null), null, 'no setupState member: none');
    assert.equal(setupStateOf({ ...rec.setup, intermediate: undefined }, file.setupState), null, 'no intermediate: none');
    assert.equal(readFirstSession({ ...file, setupState: undefined }).state, null);
  });

  it('are taken back by setup: nothing signed, the recording’s certificates, the time they were issued', async () => {
    const rec = readFirstSession(file);
    const stages = [];
    const setup = JSON.parse(await engine.api.setup(JSON.stringify({ ...starter, state: rec.state }), (s) => stages.push(s)));
    assert.equal(setup.stateRefused, undefined);
    assert.deepEqual(stages, [], 'no stage: nothing is signed');
    assert.equal(setup.issuedAt, new Date(file.recorded.at).toISOString().replace('.000Z', 'Z'));
    assert.equal(setup.leaf.pem, rec.setup.leaf.pem);
    assert.equal(setup.intermediate.pem, rec.setup.intermediate.pem);
    assert.equal(setup.ca.pem, rec.setup.ca.pem);
    assert.equal(setup.serverKey.fingerprint, rec.setup.serverKey.fingerprint);
    assert.equal(setup.caKeyGiven && setup.keyGiven, true);
    assert.match(certOrigin(setup, { built: true }), /^issued when this site was built, \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    const session = await engine.newSession({ mode: 'classic' });
    assert.equal(session.error, null);
    assert.equal((await engine.newSession({ mode: 'tls13' })).error, null);
  });

  it('are issued anew, and the answer says why, when they do not fit', async () => {
    const rec = readFirstSession(file);
    const leaf = rec.state.leaf;
    const changed = { ...rec.state, leaf: leaf.slice(0, -8) + (leaf.slice(-8, -7) === 'A' ? 'B' : 'A') + leaf.slice(-7) };
    const stages = [];
    const setup = JSON.parse(await engine.api.setup(JSON.stringify({ ...starter, state: changed }), (s) => stages.push(s)));
    assert.match(setup.stateRefused, /^the state given was not taken: its server certificate/);
    assert.equal(setup.issuedAt, undefined);
    assert.deepEqual(stages, ['ca-cert', 'leaf-cert'], 'signed anew');
    assert.notEqual(setup.leaf.pem, rec.setup.leaf.pem);
    assert.equal(certOrigin(setup, { now: Date.parse('2026-12-01T00:05:09Z') }), 'issued in this browser at 2026-12-01 00:05 UTC');
    assert.equal(certOrigin({ issuedAt: '2026-11-30T22:10:00Z', ocspSignedAt: '2026-12-08T09:00:00Z' }, { built: true }),
      'issued when this site was built, 2026-11-30 22:10 UTC (the OCSP response signed in this browser at 2026-12-08 09:00 UTC)');
    // The visitor's own keys' certificates, kept from an earlier visit and given back: issued in this browser, not by the build.
    assert.equal(certOrigin({ issuedAt: '2026-11-30T22:10:00Z' }, { now: Date.parse('2026-12-03T08:00:00Z') }),
      'issued in this browser at 2026-11-30 22:10 UTC, kept since');
    assert.equal((await engine.newSession({ mode: 'classic' })).error, null);
  });

  it('answer as before to a setup without a state', async () => {
    const setup = JSON.parse(await engine.api.setup(JSON.stringify(starter)));
    for (const k of ['issuedAt', 'stateRefused', 'ocspSignedAt', 'state']) assert.equal(k in setup, false, k);
  });
});
