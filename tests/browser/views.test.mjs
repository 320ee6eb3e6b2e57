// Two different views of the playground in one document, each a <tls-view>
// element configured by its attributes (tls-view.js): a TLS 1.3 step view
// and the classic-against-TLS-1.3 comparison. Both run from one shared
// engine; each is driven on its own, neither disturbs the other (the step
// view's session and step stay as they were while the comparison runs), ids
// are unique in the document, and a view taken out of the document ends
// (its store stops notifying it) while the other keeps working.
// No console error, no CSP violation.
//
//   bash scripts/build.sh && node --test tests/browser/views.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useSite, out, build } from './helpers.mjs';

const site = useSite();

/** viewsPage is a document of the site's origin, under the site's own CSP, holding the two views. */
async function viewsPage(page) {
  const { assets } = build(site.dir);
  const csp = (await page.request.get(`${site.origin}/`)).headers()['content-security-policy'];
  assert.ok(csp, 'the site sends a Content-Security-Policy');
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Two views</title>
<link rel="stylesheet" href="/${assets}css/playground.css">
<script type="module" src="/${assets}js/tls-view.js"></script></head>
<body><main>
<h1>Two views</h1>
<tls-view id="step-view" mode="tls13" step="3"></tls-view>
<tls-view id="compare-view" view="compare"></tls-view>
</main></body></html>`;
  await page.route(`${site.origin}/two-views.html`, (route) => route.fulfill({
    status: 200, contentType: 'text/html; charset=utf-8', headers: { 'Content-Security-Policy': csp }, body: html,
  }));
  await page.goto(`${site.origin}/two-views.html`);
}

test('two views in one document: a TLS 1.3 step and the comparison, each driven on its own', async (t) => {
  const { page, problems } = await site.openPage(t);
  await viewsPage(page);
  const stepView = page.locator('#step-view');
  const compareView = page.locator('#compare-view');

  // The step view runs its own TLS 1.3 session and lands on its step 3.
  await page.waitForSelector('#step-view[data-state="ready"]', { timeout: 60_000 });
  assert.equal(await stepView.getAttribute('data-view'), 'step');
  assert.equal(await stepView.getAttribute('data-session-mode'), 'tls13');
  assert.equal(await stepView.getAttribute('data-session-source'), 'live');
  await page.waitForSelector('#step-view tls-step-panel[data-step="3"] .step-panel h2', { timeout: 10_000 });
  const seed = await stepView.getAttribute('data-session-seed');
  assert.match(seed, /^[0-9a-f]{64}$/);

  // The comparison view holds no session of its own on screen: it waits for a click.
  await page.waitForSelector('#compare-view[data-state="ready"]', { timeout: 60_000 });
  assert.equal(await compareView.getAttribute('data-view'), 'compare');
  assert.equal(await compareView.locator('tls-step-panel').count(), 0);

  // Drive the step view: Next moves its step (and only its own fragment).
  await stepView.getByTestId('next').click();
  await page.waitForSelector('#step-view tls-step-panel[data-step="4"] .step-panel h2', { timeout: 10_000 });
  assert.match(await stepView.getAttribute('data-fragment'), /(^|[#&])step=4(&|$)/);
  assert.match(await stepView.getAttribute('data-fragment'), /mode=tls13/);
  assert.equal(page.url(), `${site.origin}/two-views.html`, 'a view beside others never writes the page’s URL');

  // Drive the comparison view: both handshakes run and carry the message.
  await compareView.getByTestId('compare-input').fill('GET /two-views HTTP/1.1');
  await compareView.getByTestId('compare-run').click();
  await page.waitForSelector('#compare-view tls-comparison[data-state="done"]', { timeout: 60_000 });
  const table = await compareView.locator('tls-comparison').textContent();
  assert.match(table, /TLS 1\.3/);
  assert.match(table, /GET \/two-views HTTP\/1\.1/);

  // The step view was not disturbed: same session, same step; and it still works.
  assert.equal(await stepView.getAttribute('data-session-seed'), seed);
  assert.equal(await stepView.getAttribute('data-session-mode'), 'tls13');
  assert.equal(await page.getAttribute('#step-view tls-step-panel', 'data-step'), '4');
  await stepView.getByTestId('new-session').click();
  await page.waitForFunction(({ seed }) => {
    const v = document.getElementById('step-view').dataset;
    return v.busy === 'false' && v.sessionSeed && v.sessionSeed !== seed && v.sessionMode === 'tls13';
  }, { seed }, { timeout: 30_000 });

  // Every id in the document is unique (each view's parts have ids of their own).
  const dupes = await page.evaluate(() => {
    const seen = new Map();
    for (const el of document.querySelectorAll('[id]')) seen.set(el.id, (seen.get(el.id) || 0) + 1);
    return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
  });
  assert.deepEqual(dupes, [], 'duplicate ids in a document with two views');

  await page.screenshot({ path: path.join(out, 'views-two.png'), fullPage: true });

  // A view taken out of the document ends: its store no longer reaches it, its children go.
  const ended = await page.evaluate(() => {
    const el = document.getElementById('step-view');
    const store = el.store;
    el.remove();
    let heard = 0;
    // A new subscriber hears; the removed view's own controllers are gone with it.
    const off = store.subscribe('step', () => { heard++; });
    store.set('step', 6);
    off();
    return { view: el.view, children: el.childElementCount, heard };
  });
  assert.equal(ended.view, null);
  assert.equal(ended.children, 0);
  assert.equal(ended.heard, 1);

  // The comparison view keeps working after the other view ended.
  await compareView.getByTestId('compare-input').fill('again');
  await compareView.getByTestId('compare-run').click();
  await page.waitForFunction(() => {
    const c = document.querySelector('#compare-view tls-comparison');
    return c.dataset.state === 'done' && /again/.test(c.textContent);
  }, null, { timeout: 60_000 });

  assert.deepEqual(problems, []);
});
