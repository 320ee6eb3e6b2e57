// Back to the page: a visitor who follows a link away and comes back with the
// browser's Back button gets the same page from Chromium's back/forward cache,
// its engine worker still running: no engine download, no compile, no Go start
// (issue 9, a repeat visit). The page must stay eligible: no unload handler,
// no Cache-Control: no-store on its HTML, nothing else Chromium refuses to keep.
// Checked in Debian's Chromium with the cache on (Playwright turns it off by
// default): the document comes back as it was (a mark set before leaving is
// still there, pageshow says persisted), Chromium reports no reason for not
// using the cache, the engine answers New session at once with a fresh session,
// and no engine module is requested again. The same for a blog post that
// embeds a view both ways (the iframe, and <tls-playground> with its script):
// the embeds must not cost the host its back/forward cache, and come back with
// it (nothing of the site requested again). Like the other browser tests, each
// fails on a console error, a page error, a CSP violation or a request that
// leaves this machine.
//
//   bash scripts/build.sh && node --test tests/browser/bfcache.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSite, waitReady, idle, snippet, hostServer, embedFrames } from './helpers.mjs';

const site = useSite({ backForwardCache: true });

test('back to the page: restored with its engine from the back/forward cache', async (t) => {
  const { page, problems } = await site.openPage(t);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Page.enable');
  const notUsed = [];
  cdp.on('Page.backForwardCacheNotUsed', (e) => {
    notUsed.push(...e.notRestoredExplanations.map((x) => `${x.type}: ${x.reason}`));
  });

  await page.goto(`${site.origin}/`);
  await waitReady(page);
  await idle(page);
  const before = await page.evaluate(() => document.body.dataset.sessionSeed);
  assert.ok(before, 'the first session has a seed');
  await page.evaluate(() => {
    window.tlsPlaygroundLeftAt = performance.now();
    addEventListener('pageshow', (e) => { window.tlsPlaygroundShown = e.persisted ? 'persisted' : 'loaded'; });
  });

  // Away to another site (localhost is another site than 127.0.0.1), then Back.
  await page.goto(`${site.origin.replace('127.0.0.1', 'localhost')}/favicon.svg`);
  const engineRequests = [];
  page.on('request', (req) => {
    if (/\/assets\/(engine|lab|server)-[0-9a-f]+\.wasm$/.test(new URL(req.url()).pathname)) engineRequests.push(req.url());
  });
  // A page restored from the cache fires no load event: wait for the commit, then for pageshow.
  await page.goBack({ waitUntil: 'commit' });
  await page.waitForFunction(() => window.tlsPlaygroundShown !== undefined, null, { timeout: 10_000 })
    .catch(() => assert.fail(`the page was loaded again, not restored from the back/forward cache: ${notUsed.join('; ') || 'no reason reported'}`));
  assert.deepEqual(notUsed, [], 'Chromium reports no reason for not restoring the page');
  assert.equal(await page.evaluate(() => window.tlsPlaygroundShown), 'persisted');
  assert.equal(typeof await page.evaluate(() => window.tlsPlaygroundLeftAt), 'number', 'the same document, not a new one');

  // The engine worker came back with the page: New session runs a fresh handshake.
  assert.equal(await page.getAttribute('body', 'data-state'), 'ready');
  await page.getByTestId('new-session').click();
  await page.waitForFunction((b) => document.body.dataset.sessionSeed !== b && document.body.dataset.busy === 'false', before, { timeout: 10_000 });
  assert.deepEqual(engineRequests, [], 'no engine module requested again');
  assert.deepEqual(problems, [], 'no console error, page error, CSP violation or foreign request');
});

test('back to a blog post with two embeds: the host page restored, its embeds with it', async (t) => {
  const { page, problems } = await site.openPage(t);
  await page.goto(`${site.origin}/#step=3`);
  await waitReady(page);
  const code = await snippet(page, 'step');
  // The two ways a blog embeds a view: the iframe, and <tls-playground> with its script.
  const host = await hostServer(site.origin, code.iframe + code.element);
  t.after(() => host.server.close());
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Page.enable');
  const notUsed = [];
  cdp.on('Page.backForwardCacheNotUsed', (e) => {
    notUsed.push(...e.notRestoredExplanations.map((x) => `${x.type}: ${x.reason}`));
  });

  await page.goto(host.origin);
  const frames = await embedFrames(page);
  assert.equal(frames.length, 2, 'an iframe and a <tls-playground> element');
  for (const { frame } of frames) {
    await frame.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
  }
  await page.evaluate(() => {
    addEventListener('pageshow', (e) => { window.tlsPlaygroundShown = e.persisted ? 'persisted' : 'loaded'; });
  });

  await page.goto(`${site.origin.replace('127.0.0.1', 'localhost')}/favicon.svg`);
  // Restored, the post keeps its embeds' documents (the cache keeps a page with its frames, or
  // not at all): nothing of the site is requested again. (Playwright no longer knows the frames
  // of a page restored from the cache: they are checked through the requests.)
  const again = [];
  page.on('request', (req) => { if (req.url().startsWith(site.origin)) again.push(req.url()); });
  await page.goBack({ waitUntil: 'commit' });
  await page.waitForFunction(() => window.tlsPlaygroundShown !== undefined, null, { timeout: 10_000 })
    .catch(() => assert.fail(`the blog post was loaded again, not restored from the back/forward cache: ${notUsed.join('; ') || 'no reason reported'}`));
  assert.deepEqual(notUsed, [], 'Chromium reports no reason for not restoring the blog post');
  assert.equal(await page.evaluate(() => window.tlsPlaygroundShown), 'persisted');
  await page.waitForTimeout(500);
  assert.deepEqual(again, [], 'no embed, script or engine of the site requested again');
  assert.deepEqual(problems, [], 'no console error, page error, CSP violation or foreign request');
});
