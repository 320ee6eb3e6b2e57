// The headers as Chromium acts on them, with the site served by scripts/serve
// (site.Handler: the table that netlify.toml mirrors, compared path by path in
// site/site_test.go):
// - a page on ANOTHER origin frames the full page and the embed: Chromium
//   refuses the first (frame-ancestors 'self') and runs the second;
// - a repeat visit takes the content-hashed files (assets/<hash>/…) from the HTTP
//   cache without asking the server (immutable), and revalidates the page (304).
//
//   bash scripts/build.sh && node --test tests/browser/headers.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { useSite, build, launchOptions } from './helpers.mjs';

const site = useSite();

test('another origin may frame the embed, not the full page', async (t) => {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>host</title></head><body>
<iframe id="page" title="full page" src="${site.origin}/#step=2"></iframe>
<iframe id="embed" title="embed" src="${site.origin}/embed.html#step=2"></iframe></body></html>`;
  const host = http.createServer((req, res) => res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html));
  await new Promise((resolve) => host.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => host.close(resolve)));
  const hostOrigin = `http://127.0.0.1:${host.address().port}`;
  assert.notEqual(hostOrigin, site.origin);

  // The refusal is a console error on purpose: this test reads the page's messages itself.
  const { page } = await site.openPage(t);
  const refused = page.waitForEvent('console', {
    predicate: (msg) => msg.type() === 'error' && /frame-ancestors/.test(msg.text()) && msg.text().includes(site.origin),
    timeout: 30_000,
  });
  await page.goto(`${hostOrigin}/`);
  const frame = async (id) => (await page.locator(`#${id}`).elementHandle()).contentFrame();

  const embed = await frame('embed');
  await embed.waitForSelector('body[data-state="ready"], body[data-state="failed"]', { timeout: 60_000 });
  assert.equal(await embed.getAttribute('body', 'data-state'), 'ready', 'the embed runs inside another origin');

  assert.match((await refused).text(), /frame-ancestors 'self'/, 'Chromium refuses the full page, naming the directive');
  const full = await frame('page');
  assert.equal(await full.locator('body[data-state]').count(), 0, `the full page did not load in the frame (${full.url()})`);
});

test('a repeat visit takes the hashed files from the HTTP cache; the page is revalidated (304)', async (t) => {
  const b = build(site.dir);
  // Not the tests' usual context: their routing turns the HTTP cache off, an incognito
  // context keeps little in it, and the service worker would answer before it. A profile
  // on disk, no worker: the headers alone decide.
  const profile = await fs.mkdtemp(path.join(os.tmpdir(), 'tls-playground-profile-'));
  const context = await chromium.launchPersistentContext(profile, { ...launchOptions, serviceWorkers: 'block' });
  t.after(async () => {
    await context.close();
    await fs.rm(profile, { recursive: true, force: true });
  });
  const page = await context.newPage();
  await page.goto(`${site.origin}/`);
  await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });

  await page.goto(`${site.origin}/`); // a repeat visit (a navigation, not the reload button)
  await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });

  // Resource Timing: transferSize 0 is a response from the HTTP cache, the server not asked.
  const loaded = await page.evaluate(() => [
    ...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource'),
  ].map((e) => ({ path: new URL(e.name).pathname, transfer: e.transferSize, body: e.encodedBodySize })));
  const hashed = loaded.filter((e) => e.path.startsWith('/assets/'));
  assert.ok(hashed.some((e) => e.path === `/${b.assets}js/app.js`), `the page loaded /${b.assets}js/app.js (saw ${loaded.map((e) => e.path).join(', ')})`);
  assert.ok(hashed.length >= 5, `${hashed.length} hashed files on a repeat visit`);
  for (const e of hashed) assert.equal(e.transfer, 0, `${e.path}: from the HTTP cache, the server not asked`);
  const doc = loaded.find((e) => e.path === '/');
  assert.ok(doc.transfer > 0, 'the page itself is revalidated with the server');
  assert.ok(doc.transfer < 1000, `the page's revalidation costs no body (304): ${doc.transfer} bytes`);
});

test('the single-file edition, downloaded from the site, runs under its own CSP and the site\'s framing policy', async (t) => {
  const { page, problems } = await site.openPage(t);
  const res = await page.goto(`${site.origin}/tls-playground.html#step=2`);
  assert.equal(res.headers()['content-security-policy'], "frame-ancestors 'self'");
  await page.waitForSelector('body[data-state="ready"], body[data-state="failed"]', { timeout: 60_000 });
  assert.equal(await page.getAttribute('body', 'data-state'), 'ready', await page.textContent('[data-testid="engine-status"]'));
  assert.deepEqual(problems, [], 'no console error, page error, CSP violation or foreign request');
});
