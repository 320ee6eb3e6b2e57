// Sessions as handles (issue 13), through the engine's JS API under Node: two
// sessions live in one engine at once, each answering for itself; the page's
// default session is untouched by both; a released handle is gone, with an
// error that says so.
//
//   bash scripts/build.sh && node --test tests/node/
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { loadEngine } from './engine.mjs';
import { STARTER_KEYS } from '../../site/js/starter-keys.js';

describe('sessions as handles', { timeout: 120_000 }, () => {
  let engine;
  let page;
  before(async () => {
    engine = await loadEngine();
    await engine.setup({ caKeyPem: STARTER_KEYS.ca, keyPem: STARTER_KEYS.server });
    page = await engine.newSession({ mode: 'classic' });
  });

  it('keeps two own sessions and the page\'s apart', async () => {
    assert.equal(page.session, 'default');
    const a = await engine.newSession({ own: true, mode: 'tls13' });
    const b = await engine.newSession({ own: true, mode: 'ecdhe' });
    assert.match(a.session, /^s\d+$/);
    assert.match(b.session, /^s\d+$/);
    assert.notEqual(a.session, b.session);
    assert.equal(a.version, 'TLS 1.3');
    assert.equal(b.mode, 'ecdhe');

    const toA = await engine.send({ session: a.session, from: 'client', text: 'to a' });
    const toB = await engine.send({ session: b.session, from: 'server', text: 'to b' });
    assert.equal(toA.decrypted, 'to a');
    assert.equal(toB.decrypted, 'to b');
    await engine.call('keyUpdate', { session: a.session, from: 'client' });

    const [ea, eb, ep] = await Promise.all([
      engine.call('exportSession', { session: a.session }),
      engine.call('exportSession', { session: b.session }),
      engine.exportSession(),
    ]);
    assert.ok(ea.records.length >= a.records.length + 2, 'a: the message and the KeyUpdate');
    assert.equal(eb.records.length, b.records.length + 1, 'b: the message');
    assert.equal(ep.records.length, page.records.length, 'the page\'s session is untouched');
    assert.equal(ep.seed, page.seed);

    const closed = await engine.call('close', { session: b.session });
    assert.equal(closed.closed, true);
    assert.equal((await engine.call('exportSession', { session: a.session })).closed, false);
    for (const s of [a.session, b.session]) await engine.call('releaseSession', { session: s });
  });

  it('says when a handle is gone or there are too many', async () => {
    const a = await engine.newSession({ own: true, mode: 'tls13' });
    const released = await engine.call('releaseSession', { session: a.session });
    assert.equal(released.released, a.session);
    await assert.rejects(engine.send({ session: a.session, from: 'client', text: 'x' }),
      new RegExp(`^Error: send: no session "${a.session}": it was released or never made`));
    await assert.rejects(engine.call('releaseSession', { session: 'default' }), /cannot be released/);
    const made = [];
    let err;
    for (let i = 0; i < 40 && !err; i++) {
      try { made.push((await engine.newSession({ own: true, mode: 'tls13' })).session); } catch (e) { err = e; }
    }
    assert.match(String(err), /newSession: \d+ sessions are live already.*releaseSession/);
    await engine.call('releaseSession', { session: made[0] });
    made.push((await engine.newSession({ own: true, mode: 'tls13' })).session);
    for (const s of made.slice(1)) await engine.call('releaseSession', { session: s });
    assert.equal((await engine.exportSession()).seed, page.seed, 'the page\'s session outlived them all');
  });
});
