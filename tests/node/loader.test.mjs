// The engine loader (site/js/engine.js, issue 13 point 6): an engine started from a worker's
// source text and the modules' bytes, not from URLs, as an embed or the single-file edition
// does; the lab's bytes are read only when the worker first asks for them (the first lab
// call), and a lab call reads the session of the core's handle. In headless Chromium, on a
// page of the built dist (TLS_PLAYGROUND_DIST) whose script is this test's.
//
//   bash scripts/build.sh && node --test tests/node/
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { blankPage, useSite } from './site-page.mjs';

describe('the engine loader', { timeout: 240_000 }, () => {
  const site = useSite();

  it('starts from a worker source and bytes, and asks for the lab only when a lab method runs', async () => {
    const { page, errors } = await blankPage(site, 'loader-test');
    const out = await page.evaluate(async ({ assets, engine, lab }) => {
      const text = async (p) => (await fetch(`/${p}`)).text();
      const bytes = async (p) => (await fetch(`/${p}`)).arrayBuffer();
      const { Engine } = await import(`/${assets}js/engine.js`);
      const workerSource = `self.tlsPlaygroundWorker = { wasm: 'message' };\n${await text(`${assets}wasm_exec.js`)}\n${await text(`${assets}js/engine-worker.js`)}`;
      const asked = [];
      const e = new Engine({
        workerSource,
        wasmBytes: () => bytes(engine),
        labBytes: () => { asked.push('lab'); return bytes(lab); },
      });
      const ready = await e.ready;
      await e.setup({ keyType: 'ecdsa' });
      await e.newSession({ mode: 'tls13' });
      const own = await e.newSession({ own: true, mode: 'tls13' });
      await e.send({ session: own.session, from: 'client', text: 'hello from a blob worker' });
      const beforeLab = [...asked];
      const tree = await e.analyze({ session: own.session, record: own.records.length });
      const page = await e.exportSession();
      e.terminate();
      return { ready, beforeLab, asked, tree: { decrypted: tree.decrypted, records: tree.records }, ownRecords: own.records.length, pageSession: page.session };
    }, { assets: site.build.assets, engine: site.build.engine, lab: site.build.lab });
    assert.ok(out.ready.ms > 0 && out.ready.timing && out.ready.timing.goStart >= 0, `ready: ${JSON.stringify(out.ready)}`);
    assert.deepEqual(out.beforeLab, [], 'no lab bytes before a lab method');
    if (site.build.lab !== site.build.engine) assert.deepEqual(out.asked, ['lab'], 'the lab asked for once');
    assert.deepEqual(out.tree, { decrypted: true, records: out.ownRecords + 1 }, 'the lab analysed the message of the own handle');
    assert.equal(out.pageSession, 'default');
    assert.deepEqual(errors, []);
  });
});
