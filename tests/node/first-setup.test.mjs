// The page's first live session takes back the certificates the build issued to the starter
// keys (issue 9: the first setup signs nothing), and says so; once the visitor's own keys are
// made, the next setup signs its own, and a later visit takes those back. The built dist (TLS_PLAYGROUND_DIST) in headless
// Chromium, a first visit.
//
//   bash scripts/build.sh && node --test tests/node/first-setup.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import { distDir } from './engine.mjs';
import { useSite } from './site-page.mjs';

/** bodyData waits until <body data-NAME> passes ok (polled: the page's CSP allows no eval) and returns it. */
async function bodyData(page, name, ok = (v) => Boolean(v)) {
  for (const until = Date.now() + 120_000; Date.now() < until; await page.waitForTimeout(50)) {
    const v = await page.evaluate((n) => document.body.dataset[n], name);
    if (ok(v)) return v;
  }
  throw new Error(`body data-${name} did not come in 120 s`);
}

describe('the first setup of a first visit', { timeout: 240_000 }, () => {
  const site = useSite();

  it('takes back the build’s certificates for the starter keys, and says when they were issued', async () => {
    const first = JSON.parse(fs.readFileSync(path.join(distDir, site.build.firstSession), 'utf8'));
    const built = new Date(first.recorded.at).toISOString().replace('.000Z', 'Z');
    const page = await site.browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(`${site.server.origin}/`);
    await bodyData(page, 'state', (v) => v === 'ready');
    assert.equal(await page.evaluate(() => document.body.dataset.keySource), 'starter');
    assert.equal(await page.evaluate(() => document.body.dataset.certsIssued), built, 'the live session uses the build’s certificates');
    // The same leaf as the recording's: the certificate on screen is the one the build issued.
    const fingerprint = await page.evaluate(() => document.body.dataset.keyFingerprint);
    assert.equal(fingerprint, first.setup.serverKey.fingerprint);

    // The visitor's own keys, made in the worker: the next session's setup signs its own.
    await bodyData(page, 'keyGeneration', (v) => v === 'done' || v === 'failed');
    assert.equal(await page.evaluate(() => document.body.dataset.keyGeneration), 'done');
    await bodyData(page, 'busy', (v) => v === 'false');
    await page.click('[data-testid="new-session"]');
    await bodyData(page, 'certsIssued', (v) => v === 'now');
    await bodyData(page, 'busy', (v) => v === 'false');
    const status = await page.textContent('[data-testid="engine-status"]');
    assert.match(status, /Server key: generated in this browser at .*; certificates issued in this browser at \d{4}-\d\d-\d\d \d\d:\d\d UTC\./);
    const own = await page.evaluate(() => document.body.dataset.keyFingerprint);

    // A later visit (the same browser profile): the kept pair, and the certificates issued to it
    // on the first visit, taken back (nothing signed).
    await page.reload();
    await bodyData(page, 'state', (v) => v === 'ready');
    assert.equal(await page.evaluate(() => document.body.dataset.keySource), 'kept');
    assert.equal(await page.evaluate(() => document.body.dataset.keyFingerprint), own);
    const issued = await page.evaluate(() => document.body.dataset.certsIssued);
    assert.match(issued, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, 'the certificates of the first visit, taken back');
    assert.ok(Date.now() - Date.parse(issued) < 10 * 60_000, 'issued on the first visit, minutes ago');
    // And the page says so: issued in this browser (on the first visit), not by the build.
    const row = await page.getByTestId('key-origin').first().textContent();
    assert.match(row, /certificates issued in this browser at \d{4}-\d\d-\d\d \d\d:\d\d UTC, kept since/);
    assert.doesNotMatch(row, /when this site was built/);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
