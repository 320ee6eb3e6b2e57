// The first view's modules come in one file per page (scripts/sitebuild/bundle.go):
// the page asks for its bundle and the registry, none of the bundled modules'
// own files; the parts it loads later (below-fold.js, the lab) import the
// bundled modules through their stand-ins and get the bundle's instances:
// each custom element is defined once, the lab runs an attack on the page's
// session, and nothing fails on the console. The modules run in the tasks
// after the bundle's own, once the document's parse has ended.
//
//   bash scripts/build.sh && node --test tests/browser/bundle.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSite, waitReady, idle, reach, build, ATTACKS } from './helpers.mjs';

const site = useSite();

// The page's own scripts that are not modules of a bundle.
const CLASSIC = ['js/engine-start.js', 'js/first-session-start.js', 'js/boot.js', 'js/engine-worker.js', 'js/modules.js'];

/**
 * assertNoStandIns fails when the page asked for a bundled module's own file (its stand-in) before
 * it asked for a module the bundle does not hold: a part below the fold that came near the screen
 * imports them, the first view does not.
 */
function assertNoStandIns(requested, held, bundle) {
  const later = requested.findIndex((p) => p.endsWith('.js') && p !== bundle && !CLASSIC.includes(p) && !held.includes(p.slice('js/'.length)));
  const before = later < 0 ? requested : requested.slice(0, later);
  const stand = before.filter((p) => held.includes(p.slice('js/'.length)) && p !== bundle);
  assert.deepEqual(stand, [], `the first view asked for bundled modules' own files: ${stand.join(', ')} (all: ${requested.join(', ')})`);
}

test('one module file for the first view; the parts loaded later share its modules', async (t) => {
  const b = build();
  const held = b.bundles['js/app.js'];
  assert.ok(held?.length > 20, `build.json names no bundle of index.html's modules: ${JSON.stringify(b.bundles)}`);
  const { page, problems } = await site.openPage(t);
  await page.addInitScript(() => {
    // Count each element's definitions: a module evaluated twice would define its elements twice
    // (customElements.define throws then, and the count says which).
    window.__defined = {};
    const define = customElements.define.bind(customElements);
    customElements.define = (name, ...rest) => {
      window.__defined[name] = (window.__defined[name] || 0) + 1;
      return define(name, ...rest);
    };
  });
  const requested = [];
  page.on('request', (req) => {
    const p = new URL(req.url()).pathname;
    if (p.startsWith(`/${b.assets}js/`)) requested.push(p.slice(`/${b.assets}`.length));
  });

  await page.goto(`${site.origin}/`);
  await waitReady(page);
  const firstView = [...requested];
  assert.ok(firstView.includes('js/app.js') && firstView.includes('js/modules.js'), `the first view asked for ${firstView.join(', ')}`);
  assertNoStandIns(firstView, held, 'js/app.js');

  // The lab: its panels import dom.js, views.js, the step panel… through the stand-ins.
  const [name, arrived, run] = ATTACKS.find(([n]) => n === 'tamper');
  await page.evaluate((n) => { location.hash = `attack=${n}`; }, name);
  await reach(page, 'tls-attack-lab');
  await page.waitForSelector(arrived, { timeout: 30_000 });
  await idle(page);
  await run(page);
  // Every other part too (the comparison, the browser's hello, the downloads, Embed this).
  for (const sel of ['tls-comparison', 'tls-hello-compare', 'tls-capture-download', 'tls-embed-code']) await reach(page, sel);
  await idle(page);

  const later = requested.filter((p) => !firstView.includes(p));
  assert.ok(later.some((p) => held.includes(p.slice('js/'.length))), `no stand-in was loaded with the parts (asked for ${later.join(', ')})`);
  const defined = await page.evaluate(() => window.__defined);
  const twice = Object.entries(defined).filter(([, n]) => n > 1);
  assert.deepEqual(twice, [], `elements defined more than once: ${JSON.stringify(twice)}`);
  assert.ok(defined['tls-attack-lab'] === 1 && defined['tls-step-panel'] === 1, `defined: ${JSON.stringify(defined)}`);
  assert.deepEqual(problems, []);
});

// The bundle evaluates its modules in the tasks after its own (jsbundle.WriteSplit): the
// document's parse ends (DOMContentLoaded) before any of them has run, with boot.js's mark set.
test('each page ends its parse before its modules run, and marks that they run', async (t) => {
  for (const path of ['/', '/embed.html']) {
    const { page, problems } = await site.openPage(t);
    await page.addInitScript(() => {
      document.addEventListener('DOMContentLoaded', () => {
        window.__atParseEnd = {
          modules: document.documentElement.dataset.modules,
          defined: ['tls-step-panel', 'tls-sequence-diagram', 'tls-controls'].filter((n) => customElements.get(n)),
        };
      }, { once: true });
    });
    await page.goto(`${site.origin}${path}`);
    await waitReady(page);
    const at = await page.evaluate(() => window.__atParseEnd);
    assert.deepEqual(at, { modules: 'ran', defined: [] }, `${path} at DOMContentLoaded`);
    assert.deepEqual(problems, []);
  }
});

test('embed.html: one module file too, and it works', async (t) => {
  const b = build();
  const held = b.bundles['js/embed.js'];
  assert.ok(held?.length > 20, `build.json names no bundle of embed.html's modules: ${JSON.stringify(b.bundles)}`);
  const { page, problems } = await site.openPage(t);
  const requested = [];
  page.on('request', (req) => {
    const p = new URL(req.url()).pathname;
    if (p.startsWith(`/${b.assets}js/`)) requested.push(p.slice(`/${b.assets}`.length));
  });
  await page.goto(`${site.origin}/embed.html`);
  await waitReady(page);
  assertNoStandIns(requested, held, 'js/embed.js');
  assert.deepEqual(problems, []);
});
