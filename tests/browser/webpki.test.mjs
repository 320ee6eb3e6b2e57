// The WebPKI beyond path validation, in Debian's Chromium: the certificate
// scenarios whose chain verifies but whose stapled OCSP response (revoked,
// ocsp-expired) or embedded SCTs (no-sct) a client refuses, each reached by
// its link (#scenario=<id>), and the control, whose OCSP and CT checks pass.
// The engine's server staples the OCSP response and its client checks it and
// the SCTs right after path validation, so the handshake itself ends with
// the WebPKI check's alert; the control completes. axe-core on one
// result. Fails on any console error, page error, CSP violation or foreign
// request (helpers.mjs).
//
//   TLSPLAY_DIST=/tmp/dist bash scripts/build.sh &&
//   TLS_PLAYGROUND_DIST=/tmp/dist node --test tests/browser/webpki.test.mjs
//
// Screenshot: tests/browser/out/webpki-revoked.png (ignored by git).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { useSite, out, waitReady, idle } from './helpers.mjs';

const site = useSite();
const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * WEBPKI is, per scenario, written independently of the catalogue: the
 * alert the client would send, a piece of the check's error, the WebPKI
 * check that fails (its testid) and the steps of it that fail.
 */
const WEBPKI = {
  revoked: ['certificate_revoked', 'was revoked at', 'scenario-revocation', ['certificate status']],
  'ocsp-expired': ['bad_certificate_status_response', 'the stapled OCSP response is out of date', 'scenario-revocation', ['OCSP response is current']],
  'no-sct': ['bad_certificate', 'is not publicly logged', 'scenario-transparency', ['Certificate Transparency policy']],
};

/** failedSteps lists the names of the failing steps of a checks list. */
async function failedSteps(list) {
  return list.locator('li.check.fail strong').allTextContents();
}

test('WebPKI scenarios: a revoked certificate, a stale OCSP response and a certificate without SCTs end the handshake with the WebPKI check’s alert; the control passes both checks', async (t) => {
  const { page, problems } = await site.openPage(t);
  const t0 = Date.now();
  await page.goto(`${site.origin}/#scenario=valid`);
  await waitReady(page);
  const valid = page.locator('[data-testid="scenario-result"][data-scenario="valid"][data-state="done"]');
  await valid.waitFor({ timeout: 30_000 });
  assert.match(await valid.getByTestId('scenario-ok').textContent(), /completed/);
  assert.equal(await valid.getByTestId('scenario-revocation').locator('dd').textContent(), 'passes');
  assert.equal(await valid.getByTestId('scenario-transparency').locator('dd').textContent(), 'passes');
  const sctSteps = await valid.getByTestId('scenario-transparency-checks').locator('li.check.ok strong').allTextContents();
  assert.deepEqual(sctSteps, ['SCT 1', 'SCT 2', 'Certificate Transparency policy'], 'two SCTs and the policy');
  assert.match(await valid.getByTestId('scenario-revocation-checks').textContent(), /good: the CA has not revoked this certificate/);

  for (const [id, [alert, error, failing, steps]] of Object.entries(WEBPKI)) {
    await page.evaluate((h) => { location.hash = h; }, `#scenario=${id}`);
    const result = page.locator(`[data-testid="scenario-result"][data-scenario="${id}"][data-state="done"]`);
    await result.waitFor({ timeout: 30_000 });
    const box = result.getByTestId('scenario-refusal');
    assert.equal(await box.getAttribute('data-alert'), alert, `${id}: the alert`);
    assert.equal(await box.getAttribute('data-side'), 'client', `${id}: the client refuses`);
    assert.ok((await box.textContent()).includes(error), `${id}: the check's error`);
    assert.match(await result.getByTestId('scenario-webpki-note').textContent(), /RFC 8446 §4\.4\.2\.1/, `${id}: says where the staple travels`);
    assert.match(await result.getByTestId('scenario-error').textContent(), /none: the chain verifies/, `${id}: path validation passes`);
    assert.ok((await result.getByTestId(failing).textContent()).includes(error), `${id}: the failing check's fact`);
    assert.match(await result.getByTestId('scenario-alert').textContent(), new RegExp(alert));
    assert.deepEqual(await failedSteps(result.getByTestId(`${failing}-checks`)), steps, `${id}: the failing steps`);
    assert.match(await result.getByTestId('scenario-browser').textContent(), /Chrome: .+Firefox: /s);
    assert.ok((await result.getByTestId('scenario-rfc').textContent()).match(/RFC (6960|6962)/), `${id}: cites its RFC`);
    if (id === 'revoked') {
      await idle(page);
      await box.scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(out, 'webpki-revoked.png'), fullPage: false });
    }
  }

  // axe-core on the last result, light and dark.
  await idle(page);
  await page.evaluate(AXE);
  for (const colorScheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme });
    await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
    const violations = await page.evaluate(async () => {
      const r = await window.axe.run(document.querySelector('tls-scenarios'), { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
      return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    });
    assert.deepEqual(violations, [], `axe (${colorScheme})`);
  }
  t.diagnostic(`4 WebPKI results in ${Date.now() - t0} ms (with the page load)`);
  assert.deepEqual(problems, [], 'no console error, page error, CSP violation or foreign request');
});
