// Embeds as a blog reader meets them, in Debian's Chromium: the full page's
// "Embed this" gives the code for a classic step, a TLS 1.3 step, an attack
// and a certificate scenario; a host page on ANOTHER origin (another port),
// under a strict Content-Security-Policy that allows the site only as a
// script and a frame, pastes that code. Each embed becomes usable and runs
// its handshake, nothing reports a console error or a CSP violation, the
// host never scrolls and never loses focus to an embed, and each iframe is as
// tall as its content, at 1280 px and again after the host shrinks to 390 px
// and to an embed 280 px wide.
// Screenshots: tests/browser/out/embed-*.png.
//
//   bash scripts/build.sh && node --test tests/browser/embed.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useSite, out, waitReady, snippet, hostServer, embedFrames } from './helpers.mjs';

const site = useSite({ go: true });

// What shows, inside an embed, that its view has run.
const READY = {
  step: 'tls-step-panel .step-panel:not(.pending) h2',
  attack: 'tls-eve [data-testid="wire-eve"]',
  scenario: '[data-testid="scenario-result"][data-scenario="expired"][data-state="done"]',
};

/** heights compares each iframe's height in the host with its content's height inside. */
async function heights(frames) {
  return Promise.all(frames.map(async ({ el, frame }) => ({
    url: frame.url(),
    outer: await el.evaluate((f) => f.getBoundingClientRect().height),
    inner: await frame.evaluate(() => document.documentElement.getBoundingClientRect().height),
    overflow: await frame.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth),
  })));
}

/** settle waits until every iframe's height equals its content's (within 3 px) twice in a row. */
async function settle(page, frames) {
  let last = null;
  let stable = 0;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    last = await heights(frames);
    stable = last.every((x) => Math.abs(x.outer - x.inner) <= 3) ? stable + 1 : 0;
    if (stable >= 2) return last;
    await page.waitForTimeout(250);
  }
  return last;
}

test('four views embedded in a strict-CSP page of another origin', async (t) => {
  // 1. The full page offers the code for exactly what it shows.
  const { page, problems } = await site.openPage(t);
  await page.goto(`${site.origin}/#mode=tls13&step=5`);
  await waitReady(page);
  const tls13 = await snippet(page, 'step');
  assert.match(tls13.element, /<tls-playground mode="tls13" step="5"><\/tls-playground>/);
  assert.match(tls13.iframe, /embed\.html#mode=tls13&amp;step=5"/);
  assert.match(tls13.element, new RegExp(`<script src="${site.origin}/tls-playground.js" defer></script>`));

  await page.evaluate(() => { location.hash = '#mode=classic&step=3'; });
  await page.waitForSelector('body[data-session-mode="classic"][data-busy="false"] tls-step-panel[data-step="3"]');
  const classic = await snippet(page, 'step');
  assert.match(classic.element, /<tls-playground step="3"><\/tls-playground>/);

  await page.evaluate(() => { location.hash = '#attack=eve'; });
  await page.waitForSelector(READY.attack);
  const eve = await snippet(page, 'attack');
  assert.match(eve.element, /<tls-playground attack="eve"><\/tls-playground>/);

  await page.evaluate(() => { location.hash = '#scenario=expired'; });
  await page.waitForSelector(READY.scenario, { timeout: 30_000 });
  const expired = await snippet(page, 'attack');
  assert.match(expired.iframe, /embed\.html#scenario=expired"/);
  assert.deepEqual(problems, [], `the full page reported problems:\n${problems.join('\n')}`);

  // 2. A blog on another origin pastes them: the scenario as a plain iframe
  // (an HTML-only host), the others as elements; the script tag once.
  const script = classic.element.split('\n')[0];
  const elementOnly = (s) => s.element.split('\n')[1];
  const body = [expired.iframe, elementOnly(classic), elementOnly(tls13), elementOnly(eve)].join('\n') + script;
  const host = await hostServer(site.origin, body);
  t.after(() => new Promise((resolve) => host.server.close(resolve)));
  assert.notEqual(new URL(host.origin).origin, new URL(site.origin).origin);

  const blog = await site.openPage(t);
  const hostPage = blog.page;
  await hostPage.setViewportSize({ width: 1280, height: 900 });
  await hostPage.goto(host.origin);
  // The host records every scroll and every change of its focused element.
  await hostPage.evaluate(() => {
    window.moves = [];
    addEventListener('scroll', () => window.moves.push(`scroll to ${scrollY}`));
    addEventListener('blur', () => window.moves.push(`focus left the host for ${document.activeElement && document.activeElement.tagName}`));
  });

  const frames = await embedFrames(hostPage);
  assert.equal(frames.length, 4, 'four embeds on the host page');
  const kinds = ['scenario', 'step', 'step', 'attack'];
  for (const [i, { frame }] of frames.entries()) {
    await frame.waitForSelector('body[data-state="ready"], body[data-state="failed"]', { timeout: 90_000 });
    assert.equal(await frame.getAttribute('body', 'data-state'), 'ready', `${frame.url()} became ready`);
    await frame.waitForSelector(READY[kinds[i]], { timeout: 60_000 });
  }
  // The TLS 1.3 embed ran a TLS 1.3 handshake, the classic one a classic one.
  assert.equal(await frames[1].frame.getAttribute('body', 'data-session-mode'), 'classic');
  assert.equal(await frames[2].frame.getAttribute('body', 'data-session-mode'), 'tls13');
  assert.equal(await frames[2].frame.getAttribute('tls-step-panel', 'data-step'), '5');

  assert.equal(await hostPage.evaluate(() => scrollY), 0, 'the host did not scroll');
  assert.deepEqual(await hostPage.evaluate(() => window.moves), [], 'no embed scrolled or focused the host');
  assert.equal(await hostPage.evaluate(() => document.activeElement === document.body), true);

  const wide = await settle(hostPage, frames);
  for (const x of wide) assert.ok(Math.abs(x.outer - x.inner) <= 3, `${x.url}: iframe ${x.outer} px for ${x.inner} px of content at 1280 px`);
  await hostPage.screenshot({ path: path.join(out, 'embed-host-1280.png') });

  // A message that claims to be an embed's but comes from elsewhere changes nothing.
  await hostPage.evaluate(() => postMessage({ type: 'tls-playground:resize', version: 1, height: 7 }, '*'));
  await hostPage.waitForTimeout(200);
  for (const x of await heights(frames)) assert.ok(x.outer > 100, `${x.url}: a forged resize message was ignored`);

  // The reader uses one: Next in the classic embed moves its step, and only its own.
  await frames[1].frame.click('button[data-command="next"]');
  await frames[1].frame.waitForSelector('tls-step-panel[data-step="4"] .step-panel h2');
  assert.equal(await hostPage.evaluate(() => scrollY), 0, 'Next inside the embed did not scroll the host');

  // 3. The host shrinks to a phone: every embed reflows, and its iframe follows.
  await hostPage.setViewportSize({ width: 390, height: 844 });
  const narrow = await settle(hostPage, frames);
  for (const x of narrow) {
    assert.ok(Math.abs(x.outer - x.inner) <= 3, `${x.url}: iframe ${x.outer} px for ${x.inner} px of content at 390 px`);
    assert.ok(x.overflow <= 0, `${x.url}: ${x.overflow} px wider than its iframe at 390 px`);
  }
  await hostPage.screenshot({ path: path.join(out, 'embed-host-390.png') });

  // The narrowest an embed is made for: 280 px inside the host's column.
  await hostPage.setViewportSize({ width: 294, height: 800 });
  for (const { frame } of frames) {
    const w = await frame.evaluate(() => innerWidth);
    assert.ok(w >= 270 && w <= 280, `${frame.url()}: the embed is ${w} px wide`);
  }
  for (const x of await settle(hostPage, frames)) {
    assert.ok(Math.abs(x.outer - x.inner) <= 3, `${x.url}: iframe ${x.outer} px for ${x.inner} px of content at 280 px`);
    assert.ok(x.overflow <= 0, `${x.url}: ${x.overflow} px wider than its 280 px iframe`);
  }
  assert.deepEqual(blog.problems, [], `the host page or an embed reported problems:\n${blog.problems.join('\n')}`);
});

test('the embed route may be framed by any origin; the full page may not', async () => {
  const embed = await fetch(`${site.origin}/embed.html`);
  const page = await fetch(`${site.origin}/`);
  const ancestors = (res) => (res.headers.get('content-security-policy') || '').split(',')
    .flatMap((policy) => policy.split(';').map((d) => d.trim()).filter((d) => d.startsWith('frame-ancestors')));
  assert.deepEqual(ancestors(embed), [], `embed.html sends no frame-ancestors (got ${ancestors(embed)})`);
  assert.deepEqual(ancestors(page), ["frame-ancestors 'self'"]);
});

test('the host script is well under 5 KB', async () => {
  const res = await fetch(`${site.origin}/tls-playground.js`);
  assert.equal(res.status, 200);
  const bytes = (await res.arrayBuffer()).byteLength;
  assert.ok(bytes < 5 * 1024, `tls-playground.js is ${bytes} bytes`);
});
