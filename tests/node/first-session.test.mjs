// The recorded first session (model/first-session.js): where the page finds it
// in a build (beside its code, no build.json request first), and what it reads.
//
//   bash scripts/build.sh && node --test tests/node/first-session.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import { besideCode, loadFirstSession, takeEarlyFirstSession } from '../../site/js/model/first-session.js';
import { distDir } from './engine.mjs';

const site = 'https://example.test/';

/** fakeFetch serves files from a map of URL → JSON value, and lists the URLs asked for. */
function fakeFetch(files) {
  const asked = [];
  const fetch = async (url) => {
    asked.push(String(url));
    const body = files[String(url)];
    return { ok: body !== undefined, json: async () => body };
  };
  return { fetch, asked };
}

const session = { mode: 'classic', version: 'TLS 1.2', records: [{ from: 'client' }], recorded: { by: 'scripts/firstsession' } };

describe('the recorded first session', () => {
  it('is beside the page code in a build, and nowhere outside one', () => {
    assert.equal(besideCode(`${site}assets/0123abcd/js/app.js`), `${site}assets/0123abcd/first-session.json`);
    assert.equal(besideCode(`${site}sub/assets/0123abcd/js/embed.js`), `${site}sub/assets/0123abcd/first-session.json`);
    assert.equal(besideCode(`${site}js/app.js`), '', 'a development tree has no recorded session beside its code');
    assert.equal(besideCode(`${site}assets/0123abcd/js/components/step-panel.js`), '', 'only a module directly in js/ names it');
  });

  it('is read with one request when named, and through build.json when not', async () => {
    const file = `${site}assets/0123abcd/first-session.json`;
    const named = fakeFetch({ [file]: { session, setup: { serverName: 'playground.test' } } });
    const got = await loadFirstSession({ base: site, fetch: named.fetch, path: file });
    assert.deepEqual(named.asked, [file]);
    assert.equal(got.session.source, 'recorded');
    assert.equal(got.setup.serverName, 'playground.test');

    const looked = fakeFetch({ [`${site}build.json`]: { firstSession: 'assets/0123abcd/first-session.json' }, [file]: session });
    assert.equal((await loadFirstSession({ base: site, fetch: looked.fetch })).session.source, 'recorded');
    assert.deepEqual(looked.asked, [`${site}build.json`, file]);

    const none = fakeFetch({});
    assert.equal(await loadFirstSession({ base: site, fetch: none.fetch, path: file }), null, 'a build without one: the page waits for the engine');
    assert.equal(await loadFirstSession({ base: site, fetch: fakeFetch({ [file]: { ...session, error: { alert: 'x' } } }).fetch, path: file }), null);
  });

  it('is taken from the fetch first-session-start.js began with the page: itself once parsed, else a promise', async () => {
    assert.equal(takeEarlyFirstSession(undefined), undefined, 'no early fetch (not a build): the page loads it itself');
    assert.equal(takeEarlyFirstSession({}), undefined);

    const here = { json: { session, setup: { serverName: 'playground.test' } }, promise: Promise.resolve() };
    const now = takeEarlyFirstSession(here);
    assert.equal(typeof now.then, 'undefined', 'arrived: the session itself, for the first render');
    assert.equal(now.session.source, 'recorded');
    assert.equal(now.setup.serverName, 'playground.test');

    let arrive;
    const coming = { json: undefined, promise: new Promise((resolve) => { arrive = resolve; }) };
    const later = takeEarlyFirstSession(coming);
    assert.equal(typeof later.then, 'function', 'still on its way: a promise of it');
    arrive(session);
    assert.equal((await later).session.source, 'recorded');

    assert.equal(takeEarlyFirstSession({ json: null, promise: Promise.resolve(null) }), null, 'it could not be fetched: none');
    assert.equal(takeEarlyFirstSession({ json: { ...session, records: [] }, promise: Promise.resolve() }), null, 'not a complete session: none');
  });

  it('is where the build put it (build.json firstSession)', (t) => {
    const buildFile = path.join(distDir, 'build.json');
    if (!fs.existsSync(buildFile)) return t.skip(`no build in ${distDir}`);
    const build = JSON.parse(fs.readFileSync(buildFile, 'utf8'));
    if (!build.firstSession) return t.skip('this build recorded no first session');
    assert.equal(besideCode(`${site}${build.assets}js/app.js`), `${site}${build.firstSession}`);
    assert.ok(fs.existsSync(path.join(distDir, build.firstSession)));
  });
});
