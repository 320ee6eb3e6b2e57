// "What TLS never hides" (<tls-exposure>, beside Eve's view in the attack
// lab), in Debian's Chromium: the server name, the certificate and the
// length of what the client types, read from the session on screen with no
// key; the record of a 50-byte message is exactly 45 bytes longer than that
// of a 5-byte one; the padding choice evens them out; over HTTP, the real
// requests. axe-core finds nothing in it, and it fits a 390-pixel screen.
//
//   TLSPLAY_DIST=/tmp/x bash scripts/build.sh && TLS_PLAYGROUND_DIST=/tmp/x node --test tests/browser/exposure.test.mjs
//
// Screenshots go to tests/browser/out/exposure-*.png (ignored by git).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { useSite, out, waitReady, idle } from './helpers.mjs';

const site = useSite();
const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** send types text as Eve's client and waits for its record. */
async function send(page, text) {
  const eve = page.locator('tls-eve');
  const before = await eve.locator('.wire-record').count();
  await eve.getByTestId('eve-secret').fill(text);
  await eve.getByTestId('eve-send').click();
  await page.waitForFunction((n) => document.querySelectorAll('tls-eve .wire-record').length > n, before);
  await idle(page);
}

/** clientData reads the client's data rows of the sizes table: [{wire, plaintext}]. */
function clientData(page) {
  return page.locator('tls-exposure [data-testid="exposure-records"] tbody tr[data-phase="data"]').evaluateAll((rows) => rows
    .filter((r) => r.querySelector('.actor.client'))
    .map((r) => ({ wire: Number(r.dataset.wire), plaintext: Number(r.dataset.plaintext) })));
}

/** axe runs axe-core on the exposure element in both colour schemes. */
async function axe(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE);
  const found = [];
  for (const colorScheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme });
    await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
    const v = await page.evaluate(async () => {
      const r = await window.axe.run(document.querySelector('tls-exposure'), { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
      return r.violations.map((x) => `${x.id}: ${x.help} — ${x.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(', ')}`);
    });
    found.push(...v.map((x) => `[${colorScheme}] ${x}`));
  }
  await page.emulateMedia({ colorScheme: 'light' });
  assert.deepEqual(found, [], 'axe-core violations in <tls-exposure>');
}

test('what TLS never hides: the name, the certificate and the length of each message, with no key', async (t) => {
  const { page, problems } = await site.openPage(t);
  await page.goto(`${site.origin}/#attack=eve&mode=ecdhe`);
  await waitReady(page);
  const eve = page.locator('tls-eve');
  await eve.getByTestId('wire-eve').waitFor({ timeout: 30_000 });
  await idle(page);
  await send(page, 'hello');
  await send(page, 'x'.repeat(50));
  // Eve's attempt carries the exposure too (shown even where no engine is connected to the element).
  await eve.getByTestId('eve-leak').click();
  await eve.getByTestId('eve-verdict').waitFor({ timeout: 30_000 });
  const x = page.locator('tls-exposure[data-ready="true"]');
  await x.waitFor({ timeout: 30_000 });

  assert.match(await x.getByTestId('exposure-summary').textContent(), /^TLS 1\.2, TLS_ECDHE_/);
  assert.match(await x.getByTestId('exposure-sni-sees').textContent(), /playground\.test/);
  assert.equal(await x.locator('[data-item="sni"]').getAttribute('data-status'), 'clear');
  assert.match(await x.locator('[data-item="sni"]').textContent(), /ext\.server_name\.host_name/, 'the bytes named by the analyzer’s kind');
  assert.match(await x.locator('[data-item="sni"] a.rfc-cite').first().getAttribute('href'), /rfc6066#section-3$/);
  assert.match(await x.getByTestId('exposure-certificate-sees').textContent(), /CN=playground\.test/, 'TLS 1.2: the certificate in the clear');
  assert.match(await x.getByTestId('exposure-addresses-sees').textContent(), /10\.0\.0\.1:50000.*10\.0\.0\.2:443/);
  assert.match(await x.getByTestId('exposure-alpn-sees').textContent(), /h2.*http\/1\.1.*encrypted_client_hello/, 'Chromium’s ALPN and ECH GREASE');

  const data = await clientData(page);
  assert.equal(data.length, 2, 'two client messages');
  assert.deepEqual(data.map((d) => d.plaintext), [5, 50], 'Eve counts the typed bytes from the record lengths');
  assert.equal(data[1].wire - data[0].wire, 45, 'the records differ by exactly 45 bytes');
  assert.match(await x.getByTestId('exposure-leak').textContent(), /differ by 45 bytes/);
  assert.equal(await x.getByTestId('exposure-flights').getAttribute('data-kind'), 'tls12-full');
  // TLS 1.2's AEAD records cannot be padded: the choice is off.
  assert.equal(await x.getByTestId('exposure-pad').isDisabled(), true);
  await axe(page);
  await x.screenshot({ path: path.join(out, 'exposure-ecdhe.png') });
  assert.deepEqual(problems, []);
});

test('TLS 1.3 before any key leaks: the certificate hidden but measured, padding evens the lengths, and a phone’s width', async (t) => {
  const { page, problems } = await site.openPage(t);
  await page.setViewportSize({ width: 390, height: 900 });
  await page.goto(`${site.origin}/#attack=eve&mode=tls13`);
  await waitReady(page);
  await page.locator('tls-eve').getByTestId('wire-eve').waitFor({ timeout: 30_000 });
  await idle(page);
  const x = page.locator('tls-exposure[data-ready="true"]');
  await x.waitFor({ timeout: 30_000 });
  assert.equal(await x.locator('[data-item="certificate"]').getAttribute('data-status'), 'encrypted');
  assert.match(await x.getByTestId('exposure-certificate-sees').textContent(), /encrypted handshake records hold [\d,]+ bytes/);
  assert.match(await x.getByTestId('exposure-sni-sees').textContent(), /playground\.test.*TLS 1\.3 too/);
  assert.equal(await x.getByTestId('exposure-flights').getAttribute('data-kind'), 'tls13-full');

  // The exposure follows the session: each message's record appears at once.
  await send(page, 'hello');
  await page.waitForFunction(() => document.querySelectorAll('tls-exposure tr[data-phase="data"] .actor.client').length === 1);
  await send(page, 'x'.repeat(50));
  await page.waitForFunction(() => document.querySelectorAll('tls-exposure tr[data-phase="data"] .actor.client').length === 2);
  const data = await clientData(page);
  assert.deepEqual(data.map((d) => d.plaintext), [5, 50]);
  assert.equal(data[1].wire - data[0].wire, 45);
  // Padded to 256 bytes, both are 5 + 256 + 16 bytes on the wire.
  await x.getByTestId('exposure-pad').selectOption({ label: 'padded to a multiple of 256 bytes' });
  const padded = await x.locator('tr[data-phase="data"]:has(.actor.client) td:last-child').allTextContents();
  assert.deepEqual(padded, ['277', '277']);

  // A phone: nothing wider than the screen but the scrolling tables.
  const wide = await page.evaluate(() => {
    const el = document.querySelector('tls-exposure');
    return [...el.querySelectorAll('*')].filter((n) => !n.closest('.table-scroll') && n.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
      .map((n) => `${n.tagName}.${n.className}`).slice(0, 5);
  });
  assert.deepEqual(wide, [], 'elements wider than 390 px');
  await axe(page);
  await x.screenshot({ path: path.join(out, 'exposure-tls13-390.png') });
  assert.deepEqual(problems, []);
});

test('over HTTP: the real requests, their sizes and times', async (t) => {
  const { page, problems } = await site.openPage(t);
  await page.goto(`${site.origin}/#attack=eve&server=page&mode=tls13`);
  await waitReady(page);
  await page.waitForSelector('body[data-server="page"]');
  await idle(page);
  const x = page.locator('tls-exposure[data-ready="true"]');
  await x.waitFor({ timeout: 30_000 });
  const rows = x.getByTestId('exposure-http').locator('tbody tr');
  await rows.first().waitFor({ timeout: 30_000 });
  const n = await rows.count();
  assert.equal(String(n), await page.getAttribute('body', 'data-exchanges'), 'one row per HTTP exchange');
  assert.match(await x.locator('.exposure-requests').textContent(), /never reach a network/);
  await send(page, 'over http');
  await page.waitForFunction((k) => document.querySelectorAll('tls-exposure [data-testid="exposure-http"] tbody tr').length > k, n);
  // The sizes table follows from the worker's exposure, which may land after the HTTP row.
  await page.waitForFunction(() => document.querySelectorAll('tls-exposure tr[data-phase="data"] .actor.client').length === 1);
  assert.deepEqual((await clientData(page)).map((d) => d.plaintext), [9]);
  await x.locator('.exposure-requests').screenshot({ path: path.join(out, 'exposure-http.png') });
  await axe(page);
  assert.deepEqual(problems, []);
});
