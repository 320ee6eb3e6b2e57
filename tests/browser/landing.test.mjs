// Arrival and reading position, in Debian's Chromium at 1280 and 390 px wide:
// every kind of deep link (a step, a step of another mode, the comparison, the
// key schedule, an attack, a scenario) lands with its view in the viewport
// once the page has run it, below the sticky controls; a plain visit stays at
// the top; and on a phone Next and Previous keep the step's text in view.
// Fails on any console error, CSP violation or request leaving this machine.
//
//   bash scripts/build.sh && node --test tests/browser/landing.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useSite, out, waitReady } from './helpers.mjs';

const site = useSite();

// Each link: the element that must be in view, and what shows it has run.
const LINKS = [
  { hash: '#step=5', target: 'tls-step-panel h2', ready: 'tls-step-panel[data-step="5"] .step-panel:not(.pending)' },
  { hash: '#mode=tls13&step=5', target: 'tls-step-panel h2', ready: 'body[data-session-mode="tls13"] tls-step-panel[data-step="5"] .step-panel:not(.pending)' },
  { hash: '#compare', target: 'tls-comparison h2', ready: 'tls-comparison[data-state="done"]' },
  { hash: '#view=schedule&mode=tls13', target: 'tls-key-schedule h2', ready: 'body[data-session-mode="tls13"][data-busy="false"] tls-key-schedule svg' },
  { hash: '#attack=eve', target: 'tls-attack-lab h3', ready: 'tls-eve [data-testid="wire-eve"]' },
  { hash: '#scenario=expired', target: '.scenario-result', ready: '[data-testid="scenario-result"][data-scenario="expired"][data-state="done"]' },
];

/** placement says where el is: its top relative to the viewport, and the bottom of the sticky controls. */
function placement(page, selector) {
  return page.evaluate((sel) => {
    const el = [...document.querySelectorAll(sel)].find((e) => e.getClientRects().length);
    const bar = document.querySelector('tls-controls');
    const sticky = bar && getComputedStyle(bar).position === 'sticky' ? Math.max(0, bar.getBoundingClientRect().bottom) : 0;
    return el ? { top: el.getBoundingClientRect().top, sticky, height: innerHeight, scrollY } : null;
  }, selector);
}

function assertInView(where, what) {
  assert.ok(where, `${what}: the element is on the page`);
  assert.ok(where.top >= where.sticky - 4, `${what}: its top (${Math.round(where.top)} px) is not under the sticky controls (${Math.round(where.sticky)} px)`);
  assert.ok(where.top < where.height * 0.6, `${what}: its top (${Math.round(where.top)} px) is in the upper part of the ${where.height} px viewport`);
}

for (const [width, height] of [[1280, 900], [390, 844]]) {
  test(`deep links land on their view at ${width} px`, async (t) => {
    const { page, problems } = await site.openPage(t);
    await page.setViewportSize({ width, height });
    for (const link of LINKS) {
      await page.goto('about:blank');
      await page.goto(`${site.origin}/${link.hash}`);
      await waitReady(page);
      await page.waitForSelector(link.ready, { timeout: 60_000 });
      await page.waitForFunction(() => document.body.dataset.busy === 'false', null, { timeout: 30_000 });
      // Arrival scrolling is instant; give layout one frame to settle.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      assertInView(await placement(page, link.target), `${link.hash} at ${width} px`);
      await page.screenshot({ path: path.join(out, `landing-${width}-${link.hash.replace(/[^a-z0-9]+/gi, '-')}.png`) });
    }
    assert.deepEqual(problems, [], problems.join('\n'));
  });
}

test('a plain visit stays at the top', async (t) => {
  const { page, problems } = await site.openPage(t);
  await page.goto(site.origin);
  await waitReady(page);
  assert.equal(await page.evaluate(() => scrollY), 0);
  assert.deepEqual(problems, [], problems.join('\n'));
});

test('on a phone, Next and Previous keep the step text in view', async (t) => {
  const { page, problems } = await site.openPage(t);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${site.origin}/#step=1`);
  await waitReady(page);
  for (const [command, step] of [['next', 2], ['next', 3], ['next', 4], ['prev', 3]]) {
    await page.click(`tls-controls button[data-command="${command}"]:visible`);
    await page.waitForSelector(`tls-step-panel[data-step="${step}"] .step-panel:not(.pending) h2`);
    // Smooth scrolling may be running: wait until the position stops changing.
    await page.waitForFunction(() => new Promise((r) => {
      const y = scrollY;
      setTimeout(() => r(scrollY === y), 150);
    }), null, { timeout: 5_000 });
    assertInView(await placement(page, 'tls-step-panel h2'), `after ${command} to step ${step}`);
  }
  await page.screenshot({ path: path.join(out, 'landing-390-next.png') });
  assert.deepEqual(problems, [], problems.join('\n'));
});

// The first view (issue 9): while the engine loads (held back here), the session the build
// recorded is on screen, said to be recorded in the step panel and the summary, and found
// beside the page's code (no build.json request first); the live one replaces it at the same
// step once the engine runs, and nothing says "recorded" any more. The first live session is
// asked for while the engine loads (setup and handshake queued in the worker, the catalogue after).
test('the recorded first session is on screen while the engine loads, labelled, then the live one replaces it', async (t) => {
  const { page, problems } = await site.openPage(t);
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  t.after(() => release());
  await page.route(/\/assets\/engine-[0-9a-f]+\.wasm$/, async (route) => { await held; await route.continue(); });
  const asked = [];
  page.on('request', (req) => asked.push(new URL(req.url()).pathname));
  // The calls the page posts to the engine worker, in order.
  await page.addInitScript(() => {
    const post = Worker.prototype.postMessage;
    globalThis.postedToEngine = [];
    Worker.prototype.postMessage = function postMessage(msg, ...rest) {
      if (msg && msg.method) globalThis.postedToEngine.push(msg.method);
      return post.call(this, msg, ...rest);
    };
  });
  await page.goto(`${site.origin}/#step=2`);
  await page.waitForSelector('body[data-first-view="recorded"][data-session-source="recorded"]', { timeout: 60_000 });
  assert.equal(await page.getAttribute('body', 'data-state'), 'loading', 'the engine is held back: nothing live yet');
  assert.equal(await page.getAttribute('tls-step-panel .step-panel', 'data-source'), 'recorded');
  assert.match(await page.textContent('[data-testid="step-recorded"]'), /recorded/i);
  assert.match(await page.textContent('[data-testid="session-source"]'), /^Recorded: /);
  assert.match(await page.textContent('#engine-status .status-text'), /at build time/);
  assert.deepEqual(asked.filter((p) => p.endsWith('/build.json')), [], 'the recorded session is read without build.json');
  assert.equal(asked.filter((p) => /\/assets\/[0-9a-f]+\/first-session\.json$/.test(p)).length, 1);
  // That one request is first-session-start.js's, made with the page (the modules took its answer).
  assert.equal(await page.evaluate(() => typeof globalThis.tlsPlaygroundFirstSession?.json?.records), 'object');
  // The first live session is asked for already (queued in the worker behind its start), the catalogue after it.
  await page.waitForFunction(() => globalThis.postedToEngine.includes('catalogue'), null, { timeout: 30_000 });
  assert.deepEqual(await page.evaluate(() => globalThis.postedToEngine.filter((m) => ['setup', 'newSession', 'catalogue'].includes(m))),
    ['setup', 'newSession', 'catalogue']);
  assert.equal(await page.getAttribute('body', 'data-state'), 'loading');

  release();
  await waitReady(page);
  await page.waitForSelector('body[data-session-source="live"][data-busy="false"]', { timeout: 60_000 });
  assert.equal(await page.getAttribute('tls-step-panel', 'data-step'), '2', 'the live session replaces it at the same step');
  assert.equal(await page.getAttribute('tls-step-panel .step-panel', 'data-source'), 'live');
  assert.equal(await page.locator('[data-testid="step-recorded"], [data-testid="session-source"][data-source="recorded"]').count(), 0);
  assert.deepEqual(problems, [], problems.join('\n'));
});
