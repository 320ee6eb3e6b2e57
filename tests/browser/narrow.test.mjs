// The page on a phone, in Debian's Chromium at 390x844: for the front page and
// each deep link (a TLS 1.3 step with the key schedule, the comparison once it
// ran, Eve, the tamper lab, a refused certificate, the in-page server), the page
// is no wider than the viewport (document.documentElement.scrollWidth <= 390).
// Wide content (the key schedule tree) scrolls inside its own container. Like
// the other browser tests, each fails on a console error, a page error, a CSP
// violation or a request that leaves this machine. Screenshots go to
// tests/browser/out/narrow-*.png.
//
//   bash scripts/build.sh && node --test tests/browser/narrow.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useSite, out, waitReady } from './helpers.mjs';

const site = useSite();

const WIDTH = 390;
const HEIGHT = 844;

// Each URL, with what shows that its content is on the page.
const PAGES = [
  { hash: '', name: 'front', ready: 'tls-mode-switch select[data-testid="group"]' },
  { hash: '#mode=tls13&step=5', name: 'tls13-step5', ready: 'tls-step-panel[data-step="5"] .step-panel h2' },
  { hash: '#compare', name: 'compare', ready: 'tls-comparison[data-state="done"]' },
  { hash: '#attack=eve', name: 'eve', ready: 'tls-eve [data-testid="wire-eve"]' },
  { hash: '#attack=tamper', name: 'tamper', ready: 'tls-tamper' },
  { hash: '#scenario=expired', name: 'expired', ready: '[data-testid="scenario-result"][data-scenario="expired"][data-state="done"]' },
  { hash: '#server=page', name: 'server-page', ready: 'body[data-server="page"]' },
];

for (const { hash, name, ready } of PAGES) {
  test(`at ${WIDTH} px, /${hash} is no wider than the viewport`, async (t) => {
    const { page, problems } = await site.openPage(t);
    await page.setViewportSize({ width: WIDTH, height: HEIGHT });
    await page.goto(`${site.origin}/${hash}`);
    await waitReady(page);
    await page.waitForSelector(ready, { timeout: 30_000 });
    await page.waitForFunction(() => document.body.dataset.busy === 'false', null, { timeout: 30_000 });
    const { scrollWidth, culprits } = await page.evaluate((width) => ({
      scrollWidth: document.documentElement.scrollWidth,
      // What sticks out, for the failure message.
      culprits: [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > width + 0.5)
        .slice(0, 8)
        .map((el) => `${el.localName}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''}`),
    }), WIDTH);
    await page.screenshot({ path: path.join(out, `narrow-${name}.png`) });
    assert.ok(scrollWidth <= WIDTH, `/${hash}: the page is ${scrollWidth} px wide at ${WIDTH} px; sticking out: ${culprits.join(', ')}`);
    if (hash === '#mode=tls13&step=5') {
      const ks = await page.locator('.ks-scroll').first().evaluate((el) => ({ client: el.clientWidth, scroll: el.scrollWidth }));
      assert.ok(ks.client <= WIDTH, 'the key schedule fits the viewport');
      t.diagnostic(`key schedule: ${ks.client} px shown of ${ks.scroll} px, scrolled inside its container`);
    }
    assert.deepEqual(problems, [], 'no console error, page error, CSP violation or foreign request');
  });
}
