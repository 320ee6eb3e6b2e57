// The page on a phone, in Debian's Chromium at 390x844. On every view — the
// first session of each mode, each of the seven steps, the comparison once it
// ran, every attack once it ran, every scenario of the catalogue, the in-page
// server with its Network panel — the page is no wider than the viewport
// (document.documentElement.scrollWidth <= 390). Wide content (the key
// schedule tree, hex dumps, PEM) scrolls inside its own box, which says so and
// takes keyboard focus. The sticky controls take one row (at most 64 px), the
// rest of them in a "More" menu that the keyboard opens and closes. A
// scenario's result appears right after the case chosen, not below all of
// them. Like the other browser tests, each fails on a console error, a page
// error, a CSP violation or a request that leaves this machine. Screenshots
// go to tests/browser/out/narrow-*.png.
//
//   bash scripts/build.sh && node --test tests/browser/narrow.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useSite, out, waitReady, waitStep, idle, ATTACKS } from './helpers.mjs';

const site = useSite();

const WIDTH = 390;
const HEIGHT = 844;
const BAR_MAX = 64;


/** go follows a link of the page (a fragment), as a click on it would. */
async function go(page, hash) {
  await page.evaluate((h) => { location.hash = h; }, hash);
}

/** open loads a URL of the site at phone size and waits for the first session. */
async function open(t, hash, ready) {
  const { page, problems } = await site.openPage(t);
  await page.setViewportSize({ width: WIDTH, height: HEIGHT });
  await page.goto(`${site.origin}/${hash}`);
  await waitReady(page);
  if (ready) await page.waitForSelector(ready, { timeout: 30_000 });
  await idle(page);
  return { page, problems };
}

/** fits asserts that the page is no wider than the phone, naming what sticks out. */
async function fits(page, name) {
  const { scrollWidth, culprits } = await page.evaluate((width) => ({
    scrollWidth: document.documentElement.scrollWidth,
    // What sticks out of the page (not out of a box that scrolls), for the failure message:
    // elements, and text that overflows its element (a long word).
    culprits: (() => {
      const inScroller = (el) => {
        for (let a = el; a && a !== document.body; a = a.parentElement) {
          if (a !== el && getComputedStyle(a).overflowX !== 'visible') return true;
        }
        return false;
      };
      const name = (el) => `${el.localName}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''}`;
      const found = [];
      for (const el of document.querySelectorAll('body *')) {
        const right = el.getBoundingClientRect().right;
        if (right > width + 0.5 && !inScroller(el)) found.push(`${name(el)} (${Math.round(right)} px)`);
      }
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (inScroller(n.parentElement)) continue;
        const range = document.createRange();
        range.selectNodeContents(n);
        const right = Math.max(0, ...[...range.getClientRects()].map((r) => r.right));
        if (right > width + 0.5) found.push(`text “${n.textContent.trim().slice(0, 40)}” in ${name(n.parentElement)} (${Math.round(right)} px)`);
      }
      return found.slice(0, 8);
    })(),
  }), WIDTH);
  await page.screenshot({ path: path.join(out, `narrow-${name}.png`) });
  assert.ok(scrollWidth <= WIDTH, `${name}: the page is ${scrollWidth} px wide at ${WIDTH} px; sticking out: ${culprits.join(', ')}`);
}

for (const mode of ['classic', 'ecdhe', 'tls13']) {
  test(`at ${WIDTH} px, the ${mode} handshake fits, step by step; the key schedule scrolls inside its box`, async (t) => {
    const { page, problems } = await open(t, mode === 'classic' ? '' : `#mode=${mode}`, `body[data-session-mode="${mode}"]`);
    await fits(page, `${mode}-front`);
    for (let n = 1; n <= 7; n++) {
      await go(page, mode === 'classic' ? `#step=${n}` : `#mode=${mode}&step=${n}`);
      await waitStep(page, n);
      await fits(page, `${mode}-step${n}`);
    }
    // The diagram keeps readable text: it is drawn for a narrow box.
    assert.equal(await page.getAttribute('tls-sequence-diagram', 'data-layout'), 'narrow');

    // The key schedule: wider than the phone, it scrolls inside its box, which says so.
    // Where the visitor sees it: below the first screen it is laid out only once near the view
    // (content-visibility), and the hint is measured then.
    const ks = page.locator('tls-key-schedule .ks-scroll');
    await ks.scrollIntoViewIfNeeded();
    await page.waitForSelector('tls-key-schedule .ks-scroll.scrolls', { timeout: 5_000 });
    const box = await ks.evaluate((el) => ({
      client: el.clientWidth, scroll: el.scrollWidth, tabindex: el.getAttribute('tabindex'),
      role: el.getAttribute('role'), label: el.getAttribute('aria-label'),
      hint: getComputedStyle(el.closest('.key-schedule').querySelector('.ks-hint')).display,
    }));
    assert.ok(box.client <= WIDTH && box.scroll > box.client, `the tree scrolls inside its box (${box.client} of ${box.scroll} px)`);
    assert.equal(box.tabindex, '0', 'the keyboard can reach the scrolling box');
    assert.equal(box.role, 'region');
    assert.match(box.label, /scrolls sideways/);
    assert.notEqual(box.hint, 'none', 'a hint says the tree scrolls');
    // The arrow keys scroll it (not the page's step).
    const step = await page.getAttribute('tls-step-panel', 'data-step');
    await ks.focus();
    const before = await ks.evaluate((el) => el.scrollLeft);
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction((b) => document.querySelector('tls-key-schedule .ks-scroll').scrollLeft !== b, before, { timeout: 5_000 });
    assert.equal(await page.getAttribute('tls-step-panel', 'data-step'), step, 'the step did not change');
    await ks.screenshot({ path: path.join(out, `narrow-${mode}-key-schedule.png`) });
    t.diagnostic(`key schedule: ${box.client} px shown of ${box.scroll} px, scrolled inside its container`);
    assert.deepEqual(problems, [], 'no console error, page error, CSP violation or foreign request');
  });
}

test(`at ${WIDTH} px, the controls take one row of at most ${BAR_MAX} px; "More" opens the rest, by keyboard too`, async (t) => {
  const { page, problems } = await open(t, '#mode=tls13&step=2', 'tls-step-panel[data-step="2"] .step-panel h2');
  const bar = page.locator('tls-controls');
  const height = await bar.evaluate((el) => el.getBoundingClientRect().height);
  t.diagnostic(`controls bar: ${height.toFixed(1)} px high at ${WIDTH} px`);
  assert.ok(height <= BAR_MAX, `the controls bar is ${height} px high (at most ${BAR_MAX})`);
  for (const id of ['prev', 'next', 'controls-more']) assert.ok(await page.getByTestId(id).isVisible(), `${id} is on the bar`);
  for (const id of ['run-all', 'new-session', 'close', 'export', 'copy']) assert.ok(await page.getByTestId(id).isHidden(), `${id} waits under More`);

  // The headings land below the bar, not under it.
  const margin = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('tls-step-panel h2')).scrollMarginTop));
  assert.ok(margin >= height, `headings keep clear of the bar (scroll-margin-top ${margin} px)`);

  // Keyboard: Enter opens the menu, its commands are reachable, Escape closes it and returns focus.
  const more = page.getByTestId('controls-more');
  await more.focus();
  await page.keyboard.press('Enter');
  assert.equal(await more.getAttribute('aria-expanded'), 'true');
  await page.getByTestId('run-all').waitFor({ state: 'visible' });
  await page.screenshot({ path: path.join(out, 'narrow-controls-more.png') });
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'run-all', 'Tab goes into the menu');
  await page.keyboard.press('Escape');
  assert.equal(await more.getAttribute('aria-expanded'), 'false');
  assert.ok(await page.getByTestId('run-all').isHidden());
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'controls-more', 'focus is back on More');

  // A command from the menu runs and closes it.
  await page.keyboard.press('Enter');
  await page.getByTestId('new-session').click();
  await idle(page);
  assert.equal(await more.getAttribute('aria-expanded'), 'false');
  await waitStep(page, 2);
  assert.deepEqual(problems, []);
});

test(`at ${WIDTH} px, the comparison once it ran fits`, async (t) => {
  const { page, problems } = await open(t, '#compare', 'tls-comparison[data-state="done"]');
  await fits(page, 'compare');
  assert.deepEqual(problems, []);
});


test(`at ${WIDTH} px, every attack fits once it ran`, async (t) => {
  const { page, problems } = await open(t, '', 'body[data-session-mode="classic"]');
  for (const [attack, ready, run] of ATTACKS) {
    await go(page, `#attack=${attack}`);
    await page.waitForSelector(`tls-attack-lab[data-attack="${attack}"]`, { timeout: 10_000 });
    await page.waitForSelector(ready, { timeout: 30_000 });
    await idle(page);
    await fits(page, `attack-${attack}`);
    if (run) {
      await run(page);
      await idle(page);
      await fits(page, `attack-${attack}-ran`);
    }
  }
  assert.deepEqual(problems, []);
});

test(`at ${WIDTH} px, every scenario fits, its result right after the case chosen`, async (t) => {
  const { page, problems } = await open(t, '#scenario=valid', '[data-testid="scenario-result"][data-scenario="valid"][data-state="done"]');
  const ids = await page.locator('tls-scenarios [data-scenario-link]').evaluateAll((as) => as.map((a) => a.dataset.scenarioLink));
  assert.ok(ids.length >= 13, `the catalogue lists every scenario (${ids.length})`);
  for (const id of ids) {
    if (id !== 'valid') await go(page, `#scenario=${id}`);
    await page.waitForSelector(`[data-testid="scenario-result"][data-scenario="${id}"][data-state="done"]`, { timeout: 30_000 });
    await idle(page);
    await fits(page, `scenario-${id}`);
    const gap = await page.evaluate((sid) => {
      const link = document.querySelector(`[data-scenario-link="${sid}"]`).getBoundingClientRect();
      const result = document.querySelector('[data-testid="scenario-result"]').getBoundingClientRect();
      return result.top - link.bottom;
    }, id);
    assert.ok(gap >= 0 && gap < 40, `${id}: the result starts right below the chosen case (${gap.toFixed(0)} px)`);
  }
  assert.deepEqual(problems, []);
});

test(`at ${WIDTH} px, the in-page server and its Network panel fit`, async (t) => {
  const { page, problems } = await open(t, '#server=page&mode=tls13', 'body[data-server="page"]');
  await page.waitForFunction(() => Number(document.body.dataset.exchanges) > 0, null, { timeout: 30_000 });
  await idle(page);
  await page.locator('tls-network .http-exchange summary').first().click();
  await fits(page, 'server-page');
  assert.deepEqual(problems, []);
});
