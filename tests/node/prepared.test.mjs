// The prepared session (issue 9, "New session" without a handshake on the critical path):
// engine.prepareSession(opts) runs the next session in the worker while it is idle, and
// engine.takePrepared(opts) makes it the handle's session. Through site/js/engine.js and its
// worker, in headless Chromium, on a page of the built dist (TLS_PLAYGROUND_DIST) whose
// script is this test's: a take gives a fresh session (other randoms), every later call (the
// core's and the lab's) acts on it, other options or new keys give null, and the page's
// previous session is gone.
//
//   bash scripts/build.sh && node --test tests/node/prepared.test.mjs
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { blankPage, useSite } from './site-page.mjs';

describe('the prepared session', { timeout: 240_000 }, () => {
  const site = useSite();

  it('is taken as the page\'s next session, and every later call acts on it', async () => {
    const { page, errors } = await blankPage(site, 'prepared-test');
    const out = await page.evaluate(async ({ assets, engine, lab }) => {
      const text = async (p) => (await fetch(`/${p}`)).text();
      const bytes = async (p) => (await fetch(`/${p}`)).arrayBuffer();
      const { Engine } = await import(`/${assets}js/engine.js`);
      const workerSource = `self.tlsPlaygroundWorker = { wasm: 'message' };\n${await text(`${assets}wasm_exec.js`)}\n${await text(`${assets}js/engine-worker.js`)}`;
      const e = new Engine({ workerSource, wasmBytes: () => bytes(engine), labBytes: () => bytes(lab) });
      await e.ready;
      // The client's random, from the key log (NSS: label, client random, secret).
      const random = (s) => s.keylog.split(/\s+/)[1];
      const hello = async () => (await e.analyze({ record: 0 })).wireHex.replace(/\s/g, '').toLowerCase();
      const opts = { mode: 'tls13', group: 'x25519' };
      const r = {};

      await e.setup({ keyType: 'ecdsa' });
      const first = await e.newSession(opts);
      r.labSawFirst = (await hello()).includes(random(first)); // the lab adopted the first session
      const ready = e.prepareSession(opts);
      r.sameCall = e.prepareSession({ group: 'x25519', mode: 'tls13' }) === ready; // equal options: nothing new
      r.ready = await ready;
      r.unchanged = random(await e.exportSession()) === random(first);

      // Take, and without waiting ask the lab for the first record, then send a message and
      // export: all act on the taken session.
      const [taken, labHello, sent, now] = await Promise.all([
        e.takePrepared({ group: 'x25519', mode: 'tls13' }),
        hello(),
        e.send({ from: 'client', text: 'after the take' }),
        e.exportSession(),
      ]);
      r.taken = taken && {
        session: taken.session, version: taken.version, group: taken.group, fresh: random(taken) !== random(first),
        prepared: taken.prepared, records: taken.records.length,
      };
      r.sent = sent.decrypted;
      r.now = { same: random(now) === random(taken), records: now.records.length };
      r.labSawTaken = labHello.includes(random(taken));
      r.labSawFirstAfter = (await hello()).includes(random(first));
      r.again = await e.takePrepared(opts); // taken once

      // Other options, new keys: null.
      await e.prepareSession(opts);
      r.otherGroup = await e.takePrepared({ ...opts, group: 'secp256r1' });
      await e.prepareSession(opts);
      r.otherOrder = await e.takePrepared({ ...opts, suiteOrder: 'client' });
      await e.prepareSession(opts);
      await e.setup({ keyType: 'ecdsa' });
      r.newKeys = await e.takePrepared(opts);
      await e.prepareSession(opts);
      await e.setup({ keyType: 'ecdsa' });
      r.newKeysEngine = await e.callJSON('takePrepared', opts); // the engine itself says no

      // Many takes hold no more handles than one (more than the 16 own handles an engine keeps).
      const seen = new Set();
      for (let i = 0; i < 20; i++) {
        await e.prepareSession(opts);
        const t = await e.takePrepared(opts);
        if (t) seen.add(random(t));
      }
      r.cycles = seen.size;
      // A session that is here is taken without a round trip (the page renders it in the click's task).
      await e.prepareSession(opts);
      let resolved = false;
      const quick = e.takePrepared(opts).then((t) => { resolved = Boolean(t); });
      await null;
      await null;
      r.immediate = resolved;
      await quick;
      // A take right after prepareSession (not awaited) runs it before the take: a session.
      e.prepareSession(opts);
      const eager = await e.takePrepared(opts);
      r.eager = Boolean(eager) && random(await e.exportSession()) === random(eager);
      const own = await e.newSession({ own: true, mode: 'ecdhe' });
      await e.prepareSession({ session: own.session, mode: 'ecdhe' });
      r.pageTakesOwn = await e.takePrepared({ mode: 'ecdhe' });
      await e.prepareSession({ session: own.session, mode: 'ecdhe' });
      const ownTaken = await e.takePrepared({ session: own.session, mode: 'ecdhe' });
      r.ownTaken = ownTaken && { session: ownTaken.session === own.session, fresh: random(ownTaken) !== random(own) };
      await e.releaseSession(own.session);
      e.terminate();
      return r;
    }, { assets: site.build.assets, engine: site.build.engine, lab: site.build.lab });

    assert.equal(out.labSawFirst, true, 'the lab read the first session');
    assert.equal(out.sameCall, true, 'a second prepareSession with equal options is the first one');
    assert.equal(out.ready, true);
    assert.equal(out.unchanged, true, 'preparing leaves the session on screen alone');
    assert.ok(out.taken, 'takePrepared with equal options gave a session');
    assert.equal(out.taken.session, 'default');
    assert.equal(out.taken.version, 'TLS 1.3');
    assert.equal(out.taken.group, 'x25519');
    assert.equal(out.taken.fresh, true, 'the taken session has randoms of its own');
    assert.match(out.taken.prepared.ranAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(out.taken.prepared.handshakeMs > 0);
    assert.equal(out.sent, 'after the take');
    assert.deepEqual(out.now, { same: true, records: out.taken.records + 1 }, 'send and exportSession acted on the taken session');
    assert.equal(out.labSawTaken, true, 'a lab method after the take reads the taken session');
    assert.equal(out.labSawFirstAfter, false, 'the first session is gone');
    assert.equal(out.again, null, 'a prepared session is taken once');
    assert.equal(out.otherGroup, null, 'another group');
    assert.equal(out.otherOrder, null, 'another suite order');
    assert.equal(out.newKeys, null, 'new keys');
    assert.equal(out.newKeysEngine, null, 'new keys, the engine asked directly');
    assert.equal(out.cycles, 20, 'twenty takes, twenty fresh sessions, no handle left behind');
    assert.equal(out.immediate, true, 'a prepared session that is here resolves in a microtask');
    assert.equal(out.eager, true, 'a take right after prepareSession gets that session');
    assert.equal(out.pageTakesOwn, null, 'the page does not take an own handle\'s prepared session');
    assert.deepEqual(out.ownTaken, { session: true, fresh: true });
    assert.deepEqual(errors, []);
  });
});
