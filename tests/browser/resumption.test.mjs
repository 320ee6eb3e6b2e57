// Resumption and 0-RTT (#attack=resumption, <tls-resumption>) in Debian's
// Chromium: a TLS 1.3 connection and the same client resuming it with the
// ticket, Certificate and CertificateVerify skipped; a 0-RTT request
// accepted in zero round trips; its replay refused with anti-replay on and
// accepted a second time with it off; psk_ke not forward secret; Eve with
// the leaked ticket key reads the psk_ke connection and, with psk_dhe_ke,
// only the 0-RTT request; TLS 1.2 ECDHE resumes with a session ticket and
// the ticket key opens both connections. axe-core finds nothing in the panel.
//
//   TLSPLAY_DIST=/tmp/x bash scripts/build.sh && TLS_PLAYGROUND_DIST=/tmp/x node --test tests/browser/resumption.test.mjs
//
// Screenshots go to tests/browser/out/resumption-*.png (ignored by git).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { useSite, out, waitReady, idle } from './helpers.mjs';

const site = useSite();
const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

async function axe(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE);
  const found = [];
  for (const colorScheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme });
    const v = await page.evaluate(async () => {
      const r = await window.axe.run(document.querySelector('tls-resumption'), { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
      return r.violations.map((x) => `${x.id}: ${x.help} — ${x.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(', ')}`);
    });
    found.push(...v.map((x) => `[${colorScheme}] ${x}`));
  }
  await page.emulateMedia({ colorScheme: 'light' });
  assert.deepEqual(found, [], 'axe-core violations in <tls-resumption>');
}

/** resume sets the panel's controls and runs a first connection and its resumption. */
async function resume(panel, page, { pskOnly = false, early = true, anti = true }) {
  await panel.getByTestId(pskOnly ? 'resume-psk-only' : 'resume-dhe').check();
  await panel.getByTestId('resume-early').setChecked(early);
  await panel.getByTestId('resume-anti-replay').setChecked(anti);
  await panel.getByTestId('resume-run').click();
  await idle(page);
  await panel.getByTestId('resume-second').waitFor();
}

test('resumption: the second connection skips the certificate; 0-RTT is replayed only without anti-replay; the ticket key opens psk_ke', async (t) => {
  const { page, problems } = await site.openPage(t);
  await page.goto(`${site.origin}/#mode=tls13&attack=resumption`);
  await waitReady(page);
  const panel = page.locator('tls-resumption');
  await panel.getByTestId('resume-second').waitFor({ timeout: 60_000 });
  await idle(page);

  // Arrival: psk_dhe_ke with a 0-RTT request, anti-replay on.
  await panel.locator('h3').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(out, 'resumption-arrival.png'), fullPage: false });
  const skipped = await panel.getByTestId('resume-skipped').allTextContents();
  assert.deepEqual(skipped.map((s) => s.replace('skipped: ', '')), ['Certificate', 'CertificateVerify']);
  assert.match(await panel.getByTestId('resume-first').textContent(), /Certificate/);
  assert.doesNotMatch(await panel.getByTestId('resume-second').locator('.resume-msg:not(.skipped)').allTextContents().then((x) => x.join(' ')), /Certificate/);
  assert.equal(await panel.getByTestId('resume-early-verdict').getAttribute('data-accepted'), 'true');
  assert.equal(await panel.getByTestId('resume-second-rtt').textContent(), '0 (0-RTT)');
  assert.equal(await panel.getByTestId('resume-second-fs').getAttribute('data-fs'), 'true');

  await panel.getByTestId('resume-replay').click();
  await idle(page);
  assert.equal(await panel.getByTestId('replay-verdict').last().getAttribute('data-accepted'), 'false', 'anti-replay on: the replay is refused');
  await axe(page);
  await page.screenshot({ path: path.join(out, 'resumption-anti-replay.png'), fullPage: false });

  // Eve with the ticket key: psk_dhe_ke, only the 0-RTT request.
  await panel.getByTestId('resume-eve').click();
  await idle(page);
  const eveText = await panel.getByTestId('resume-eve-result').textContent();
  assert.match(eveText, /POST \/transfer/);
  assert.doesNotMatch(eveText, /GET \/account/, 'psk_dhe_ke: the 1-RTT request stays secret');

  // Anti-replay off: the replay is accepted a second time.
  await resume(panel, page, { anti: false });
  await panel.getByTestId('resume-replay').click();
  await idle(page);
  assert.equal(await panel.getByTestId('replay-verdict').last().getAttribute('data-accepted'), 'true', 'anti-replay off: the replay is accepted');
  assert.match(await panel.getByTestId('resume-replay-count').textContent(), /accepted 1/);
  await panel.getByTestId('replay-verdict').last().scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(out, 'resumption-replayed.png'), fullPage: false });

  // psk_ke: not forward secret; the ticket key opens everything.
  await resume(panel, page, { pskOnly: true, early: false });
  assert.equal(await panel.getByTestId('resume-second-fs').getAttribute('data-fs'), 'false');
  await panel.getByTestId('resume-eve').click();
  await idle(page);
  assert.match(await panel.getByTestId('resume-eve-result').textContent(), /GET \/account/);
  await panel.getByTestId('resume-eve-result').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(out, 'resumption-eve-psk-ke.png'), fullPage: false });
  await axe(page);

  // TLS 1.2 ECDHE: the abbreviated handshake with a session ticket; the
  // ticket key opens both connections (the same master secret).
  await panel.getByTestId('resume-version').selectOption('ecdhe');
  assert.equal(await panel.getByTestId('resume-early').isVisible(), false, 'no 0-RTT in TLS 1.2');
  await panel.getByTestId('resume-run').click();
  await idle(page);
  await panel.getByTestId('resume-second').waitFor();
  const skipped12 = (await panel.getByTestId('resume-skipped').allTextContents()).join(' ');
  assert.match(skipped12, /Certificate/);
  assert.match(skipped12, /ClientKeyExchange/);
  assert.equal(await panel.getByTestId('resume-second-fs').getAttribute('data-fs'), 'false');
  await panel.getByTestId('resume-eve').click();
  await idle(page);
  const eve12 = await panel.getByTestId('resume-eve-result').textContent();
  assert.match(eve12, /first connection/);
  assert.match(eve12, /GET \/account/);
  await panel.getByTestId('resume-second').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(out, 'resumption-tls12.png'), fullPage: false });
  await axe(page);
  assert.deepEqual(problems, []);
});
