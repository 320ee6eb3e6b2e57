// Accessibility, in Debian's Chromium: axe-core (the npm package) finds no
// WCAG 2.0/2.1 A or AA violation on every view of the page (the first session
// of each mode, each of the seven steps, the comparison, the key schedule,
// every attack once it ran, a scenario's result, the in-page server with its
// Network panel) and on every embed view, in the light and in the dark colour
// scheme. Then the keyboard: Tab reaches every step and every message of the
// sequence diagram, Enter on a message selects its step (with a visible focus
// ring), and the step change is announced in a polite live region
// ("Step 5 of 7: …"), once per change.
//
// axe-core is injected with page.evaluate (DevTools evaluation is not subject
// to the page's Content-Security-Policy), so the page keeps its CSP; like the
// other browser tests, each fails on a console error, a page error, a CSP
// violation or a request that leaves this machine.
//
//   bash scripts/build.sh && node --test tests/browser/a11y.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { useSite, out, waitReady, waitStep, idle, ATTACKS } from './helpers.mjs';

const site = useSite();
const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(process.env.TLS_PLAYGROUND_DIST || path.join(here, '../../site/dist'));


/**
 * axe runs axe-core on the whole document in the light and the dark colour
 * scheme and fails with every violation's rule, help and elements.
 */
async function axe(page, label) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE);
  const found = [];
  for (const colorScheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme });
    // Colours fade in (CSS transitions): measure them once they have settled.
    await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
    const violations = await page.evaluate(async (values) => {
      const r = await window.axe.run(document, { runOnly: { type: 'tag', values }, resultTypes: ['violations'] });
      return r.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map((n) => `${n.target.join(' ')}${n.failureSummary ? ` (${n.failureSummary.replace(/\s+/g, ' ').slice(0, 160)})` : ''}`),
      }));
    }, TAGS);
    for (const v of violations) {
      found.push(`[${colorScheme}] ${v.id} (${v.impact}): ${v.help}\n      ${v.nodes.slice(0, 12).join('\n      ')}${v.nodes.length > 12 ? `\n      … and ${v.nodes.length - 12} more` : ''}`);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  assert.equal(found.length, 0, `${label}: axe-core found ${found.length} WCAG 2.1 A/AA violation(s):\n  ${found.join('\n  ')}`);
}

/** open loads a URL of the site and waits for the first session and for ready. */
async function open(t, url, ready) {
  const { page, problems } = await site.openPage(t);
  await page.goto(`${site.origin}/${url}`);
  await waitReady(page);
  if (ready) await page.waitForSelector(ready, { timeout: 30_000 });
  await idle(page);
  return { page, problems };
}

for (const mode of ['classic', 'ecdhe', 'tls13']) {
  test(`axe: the full page after the first ${mode} session`, async (t) => {
    const { page, problems } = await open(t, mode === 'classic' ? '' : `#mode=${mode}`,
      `body[data-session-mode="${mode}"]`);
    await axe(page, `the ${mode} page`);
    if (mode === 'tls13') {
      // The key schedule with a secret chosen (its detail and lineage shown).
      await page.locator('tls-key-schedule .ks-node').nth(3).click();
      await axe(page, 'the key schedule with a secret selected');
    }
    assert.deepEqual(problems, [], 'no console error, page error, CSP violation or foreign request');
  });
}

test('axe: each of the seven steps (TLS 1.3)', async (t) => {
  const { page, problems } = await open(t, '#mode=tls13&step=1', 'body[data-session-mode="tls13"]');
  for (let n = 1; n <= 7; n++) {
    if (n > 1) await page.evaluate((k) => { location.hash = `#mode=tls13&step=${k}`; }, n);
    await waitStep(page, n);
    if (n === 7) {
      await page.getByTestId('message-input').fill('hello over TLS 1.3');
      await page.getByTestId('send-client').click();
      await page.waitForSelector('tls-message-composer .exchange', { timeout: 20_000 });
      await idle(page);
    }
    await axe(page, `step ${n}`);
  }
  assert.deepEqual(problems, []);
});

test('axe: the comparison once it ran', async (t) => {
  const { page, problems } = await open(t, '#compare', 'tls-comparison[data-state="done"]');
  await axe(page, 'the comparison');
  assert.deepEqual(problems, []);
});


for (const [attack, ready, run] of ATTACKS) {
  test(`axe: the attack ${attack}, once it ran`, async (t) => {
    const { page, problems } = await open(t, `#attack=${attack}`, ready);
    if (run) {
      await run(page);
      await idle(page);
    }
    await axe(page, `#attack=${attack}`);
    assert.deepEqual(problems, []);
  });
}

test('axe: a scenario’s result (expired, then no-common-suite)', async (t) => {
  const { page, problems } = await open(t, '#scenario=expired',
    '[data-testid="scenario-result"][data-scenario="expired"][data-state="done"]');
  await axe(page, '#scenario=expired');
  await page.evaluate(() => { location.hash = '#scenario=no-common-suite'; });
  await page.waitForSelector('[data-testid="scenario-result"][data-scenario="no-common-suite"][data-state="done"]', { timeout: 30_000 });
  await idle(page);
  await axe(page, '#scenario=no-common-suite');
  assert.deepEqual(problems, []);
});

test('axe: the in-page server and its Network panel', async (t) => {
  const { page, problems } = await open(t, '#server=page&mode=tls13', 'body[data-server="page"]');
  await page.waitForFunction(() => Number(document.body.dataset.exchanges) > 0, null, { timeout: 30_000 });
  // One exchange opened, with its request and response.
  await page.locator('tls-network .http-exchange summary').first().click();
  await axe(page, '#server=page');
  assert.deepEqual(problems, []);
});

// The embed views (site/embed.html), each once its handshake or attack ran.
const EMBEDS = [
  ['embed.html#mode=tls13&step=5', 'tls-step-panel[data-step="5"] .step-panel h2'],
  ['embed.html#step=3', 'tls-step-panel[data-step="3"] .step-panel h2'],
  ['embed.html#attack=eve', 'tls-eve [data-testid="wire-eve"]'],
  ['embed.html#scenario=expired', '[data-testid="scenario-result"][data-scenario="expired"][data-state="done"]'],
  ['embed.html#compare', 'tls-comparison[data-state="done"]'],
  ['embed.html#view=schedule&mode=tls13', 'tls-key-schedule .ks-node'],
];
const noEmbed = existsSync(path.join(dist, 'embed.html')) ? false
  : `${path.join(dist, 'embed.html')} does not exist: the embed views are not in this build`;

for (const [url, ready] of EMBEDS) {
  test(`axe: the embed view ${url}`, { skip: noEmbed }, async (t) => {
    const { page, problems } = await open(t, url, ready);
    await page.setViewportSize({ width: 390, height: 844 });
    await axe(page, url);
    assert.deepEqual(problems, []);
  });
}

test('keyboard: Tab reaches every step and message of the diagram, Enter selects, the change is announced once', async (t) => {
  const { page, problems } = await open(t, '#mode=tls13', 'body[data-session-mode="tls13"]');
  const diagram = page.locator('tls-sequence-diagram');
  const targets = await diagram.locator('[data-focus-key]').evaluateAll((els) => els.map((el) => el.dataset.focusKey));
  const messages = await page.evaluate(() => document.querySelector('tls-sequence-diagram').session.messages.length);
  assert.equal(targets.filter((k) => k.startsWith('message')).length, messages, 'every message of the session is a focus target');
  assert.equal(targets.filter((k) => k.startsWith('step')).length, 7, 'every step is a focus target');

  // Tab from the element before the diagram through all of it, in order.
  await page.locator('tls-controls [data-command="next"]').focus();
  const reached = [];
  for (let i = 0; i < 60 && reached.length < targets.length; i++) {
    await page.keyboard.press('Tab');
    const key = await page.evaluate(() => {
      const a = document.activeElement;
      return a && a.closest('tls-sequence-diagram') ? a.dataset.focusKey || '(unnamed)' : null;
    });
    if (key) reached.push(key);
  }
  assert.deepEqual(reached, targets, 'Tab visits every step and message of the diagram, in order');

  // Each focus target has a name and a visible focus ring.
  const unnamed = await diagram.locator('[data-focus-key]').evaluateAll((els) => els.filter((el) => !el.getAttribute('aria-label')).length);
  assert.equal(unnamed, 0, 'every focus target of the diagram has a name');

  // Enter on a message of step 6 (the server's Finished, say) selects step 6.
  const live = page.locator('tls-step-panel [data-testid="step-announce"]');
  assert.equal((await live.textContent()).trim(), '', 'nothing announced on arrival');
  const target = await diagram.locator('[data-focus-key^="message"][data-step="6"]').first().getAttribute('data-focus-key');
  await diagram.locator(`[data-focus-key="${target}"]`).focus();
  const ring = await page.evaluate(() => {
    const el = document.activeElement.querySelector('.focus-ring');
    return el ? getComputedStyle(el).strokeWidth : '';
  });
  assert.ok(parseFloat(ring) >= 2, `the focused message shows a focus ring (stroke-width ${ring})`);
  await page.keyboard.press('Enter');
  await waitStep(page, 6);
  assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.dataset.focusKey), target,
    'focus stays on the message after the diagram redraws');
  const title = await page.locator('tls-step-panel .step-panel h2').textContent();
  assert.equal((await live.textContent()).trim(), `Step 6 of 7: ${title.trim()}`, 'the step change is announced');
  assert.equal(await live.getAttribute('aria-live'), 'polite');

  // Space on a step's number selects it too; the announcement follows; a re-render of the same step does not repeat it.
  await diagram.locator('[data-focus-key="step-2"]').focus();
  await page.keyboard.press('Space');
  await waitStep(page, 2);
  assert.match((await live.textContent()).trim(), /^Step 2 of 7: /);
  const announced = [];
  await page.exposeFunction('__announced', (text) => announced.push(text));
  await page.evaluate(() => {
    const el = document.querySelector('tls-step-panel [data-testid="step-announce"]');
    new MutationObserver(() => window.__announced(el.textContent)).observe(el, { childList: true, characterData: true, subtree: true });
    document.querySelector('tls-step-panel').step = 2;
  });
  await page.locator('tls-controls [data-command="new-session"]').click();
  await idle(page);
  await page.waitForTimeout(100);
  assert.deepEqual(announced, [], 'a new session on the same step announces nothing');
  await page.keyboard.press('ArrowRight');
  await waitStep(page, 3);
  await page.waitForTimeout(100);
  assert.equal(announced.length, 1, `one announcement per change: ${JSON.stringify(announced)}`);
  await page.screenshot({ path: path.join(out, 'a11y-keyboard.png') });
  assert.deepEqual(problems, []);
});
