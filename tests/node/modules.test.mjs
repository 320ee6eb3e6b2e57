// The engine's modules (issue 9 "lazy modules", issue 13 "sessions as handles"), under Node
// as in the page's worker: the core (build.json "engine") has what the first view uses and
// lists the lab's methods without having them; the lab (build.json "lab") runs beside it in
// the same process under another global, and reads a core handle's session from the core's
// state (sessionState → adoptSession), never by running it again.
//
//   bash scripts/build.sh && node --test tests/node/
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { labWasmPath, loadEngine, wasmPath } from './engine.mjs';
import { STARTER_KEYS } from '../../site/js/starter-keys.js';

describe('the core and the lab', { timeout: 180_000 }, () => {
  let core;
  let lab;
  before(async () => {
    core = await loadEngine();
    lab = await loadEngine({ wasm: labWasmPath, global: 'tlsPlaygroundLab' });
  });

  it('the core lists the lab\'s methods and, when split, has none of them', () => {
    const modules = globalThis.tlsPlaygroundModules;
    assert.ok(modules.core.includes('newSession') && modules.core.includes('sessionState'));
    assert.ok(modules.lab.includes('eve') && modules.lab.includes('analyze') && modules.lab.includes('adoptSession'));
    if (wasmPath !== labWasmPath) {
      assert.equal(modules.built, 'core');
      for (const m of modules.lab) assert.equal(typeof core.api[m], 'undefined', `the core has the lab's ${m}`);
    }
    assert.equal(globalThis.tlsPlaygroundLabModules.built, 'full');
  });

  it('the lab reads a core handle\'s session by its state', async () => {
    await core.setup({ caKeyPem: STARTER_KEYS.ca, keyPem: STARTER_KEYS.server });
    const page = await core.newSession({ mode: 'classic' });
    const own = await core.newSession({ own: true, mode: 'classic' });
    await core.send({ session: own.session, from: 'client', text: 'only in the own session' });
    const state = await core.call('sessionState', { session: own.session });
    assert.equal(state.session, own.session);
    assert.equal(state.data.records.length, own.records.length + 1);
    assert.equal((await lab.call('adoptSession', state)).session, own.session);

    const eve = await lab.call('eve', { session: own.session });
    assert.equal(eve.ok, true);
    assert.ok(eve.plaintexts.some((p) => p.text === 'only in the own session'), 'Eve reads the message sent in the core');
    const last = await lab.call('analyze', { session: own.session, record: own.records.length });
    assert.equal(last.decrypted, true);
    assert.equal(last.records, own.records.length + 1);

    // The page's handle is another session: adopted, Eve reads it, and not the message.
    await lab.call('adoptSession', await core.call('sessionState', {}));
    const evePage = await lab.call('eve', {});
    assert.ok(!evePage.plaintexts.some((p) => p.text === 'only in the own session'));
    assert.equal((await lab.call('analyze', { record: 0 })).records, page.records.length);
    await core.call('releaseSession', { session: own.session });
  });
});
