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
// leaves this machine. A refusal that is the moment's and not the page's
// (Chromium's reasons all Circumstantial) is tried again, three times in all.
//
//   bash scripts/build.sh && node --test tests/browser/bfcache.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSite, waitReady, idle, snippet, hostServer, embedFrames } from './helpers.mjs';

const site = useSite({ backForwardCache: true });

/**
 * awayAndBack follows a link from page to another site (localhost is another
 * site than 127.0.0.1) and comes back with Back, as a visitor does, once ready()
 * says the page is settled. It fails unless Chromium restored the page from its
 * back/forward cache, with Chromium's reasons. A refusal that is the moment's,
 * not the page's (every reason of type Circumstantial: a busy machine that took
 * too long to put the page in the cache) is tried again, three times in all.
 * It returns the URLs of the site that the page requested after Back.
 */
async function awayAndBack(page, ready) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Page.enable');
  let reasons = [];
  cdp.on('Page.backForwardCacheNotUsed', (e) => { reasons = e.notRestoredExplanations; });
  for (let attempt = 1; ; attempt++) {
    await ready();
    reasons = [];
    await page.evaluate(() => {
      window.tlsPlaygroundShown = '';
      addEventListener('pageshow', (e) => { window.tlsPlaygroundShown = e.persisted ? 'persisted' : 'loaded'; }, { once: true });
    });
    await page.goto(`${site.origin.replace('127.0.0.1', 'localhost')}/favicon.svg`);
    const requested = [];
    const record = (req) => { if (req.url().startsWith(site.origin)) requested.push(req.url()); };
    page.on('request', record);
    // A page restored from the cache fires no load event: wait for the commit, then for pageshow.
    await page.goBack({ waitUntil: 'commit' });
    // The same document says how it was shown ('' until its pageshow); a new one has no mark.
    const shown = await page.waitForFunction(() => (window.tlsPlaygroundShown === undefined
      ? document.readyState === 'complete' && 'loaded' : window.tlsPlaygroundShown), null, { timeout: 30_000 })
      .then((h) => h.jsonValue());
    await page.waitForTimeout(500); // what a restored page would still ask for
    page.off('request', record);
    if (shown === 'persisted') return requested;
    const said = reasons.map((x) => `${x.type}: ${x.reason}`).join('; ') || 'no reason reported';
    if (attempt < 3 && reasons.length > 0 && reasons.every((x) => x.type === 'Circumstantial')) continue;
    assert.fail(`the page was loaded again, not restored from the back/forward cache: ${said}`);
  }
}

test('back to the page: restored with its engine from the back/forward cache', async (t) => {
  const { page, problems } = await site.openPage(t);
  await page.goto(`${site.origin}/`);
  const requested = await awayAndBack(page, async () => {
    await waitReady(page);
    await idle(page);
  });
  assert.deepEqual(requested.filter((u) => /\/assets\/(engine|lab|server)-[0-9a-f]+\.wasm$/.test(new URL(u).pathname)), [],
    'no engine module requested again');

  // The engine worker came back with the page: New session runs a fresh handshake.
  assert.equal(await page.getAttribute('body', 'data-state'), 'ready');
  const before = await page.evaluate(() => document.body.dataset.sessionSeed);
  await page.getByTestId('new-session').click();
  await page.waitForFunction((b) => document.body.dataset.sessionSeed !== b && document.body.dataset.busy === 'false', before, { timeout: 10_000 });
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

  await page.goto(host.origin);
  // Restored, the post keeps its embeds' documents (the cache keeps a page with its frames, or
  // not at all): nothing of the site is requested again. (Playwright no longer knows the frames
  // of a page restored from the cache: they are checked through the requests.)
  const requested = await awayAndBack(page, async () => {
    const frames = await embedFrames(page);
    assert.equal(frames.length, 2, 'an iframe and a <tls-playground> element');
    for (const { frame } of frames) await frame.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
  });
  assert.deepEqual(requested, [], 'no embed, script or engine of the site requested again');
  assert.deepEqual(problems, [], 'no console error, page error, CSP violation or foreign request');
});
