// Every byte, in Debian's Chromium: the page's wire view names each byte with
// the engine's analyzer (playground/analyze). Hovering a byte of the
// ClientHello's random, or of a TLS 1.2 GCM record's explicit nonce, shows
// that field's name, value, explanation and RFC section, and highlights the
// whole field; the keyboard reaches the same (one tab stop, arrow keys) and
// the current byte is described by the live detail line; a decrypted record
// shows its plaintext beside the wire; the tampering view names the field of
// the byte it changed, and says where the receiver stopped. Like every
// browser test, it fails on a console error, a page error, a CSP violation or
// a request that leaves this machine.
//
//   TLS_PLAYGROUND_DIST=/tmp/dist node --test tests/browser/wire.test.mjs
//
// Screenshots: tests/browser/out/wire-*.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { useSite, out, waitReady, idle } from './helpers.mjs';

const site = useSite();
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe runs axe-core (WCAG 2.1 A and AA) on the elements sel selects, in both colour schemes → violations. */
async function axe(page, sel) {
  await page.evaluate(AXE);
  const found = [];
  for (const colorScheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme });
    await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
    found.push(...await page.evaluate(async (sel) => {
      const r = await window.axe.run({ include: [...document.querySelectorAll(sel)].map((e) => [e]) }, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
      return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(', ')})`);
    }, sel));
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return found;
}

// Offsets in a record, written from the RFCs, not from the page: a 5-byte
// record header (RFC 8446 §5.1), a 4-byte handshake header (§4), the
// ClientHello's 2-byte legacy_version, then its 32-byte random (§4.1.2). A
// TLS 1.2 GCM record's fragment starts with its 8-byte explicit nonce
// (RFC 5288 §3).
const RANDOM = 5 + 4 + 2;
const NONCE = 5;

/** openRecord opens record i of the page's wire view and waits for its bytes. */
async function openRecord(page, i) {
  const wire = page.locator('tls-wire[data-page-wire]');
  await wire.getByTestId(`wire-record-${i}`).click();
  const rb = wire.locator(`details[data-record="${i}"] tls-record-bytes`);
  await rb.and(page.locator('[data-state="ready"]')).waitFor({ timeout: 20_000 });
  return rb;
}

/** detailOf reads a byte view's detail line: {kind, offset, text}. */
async function detailOf(side) {
  const d = side.getByTestId('byte-legend');
  return { kind: await d.getAttribute('data-kind'), offset: Number(await d.getAttribute('data-offset')), text: (await d.textContent()).replace(/\s+/g, ' ') };
}

test('every byte: the ClientHello random and a TLS 1.2 explicit nonce, by mouse and keyboard, the plaintext beside the wire', async (t) => {
  const { page, problems } = await site.openPage(t);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${site.origin}/#mode=ecdhe&step=7`);
  await waitReady(page);
  const wire = page.locator('tls-wire[data-page-wire]');
  await wire.getByTestId('wire-record-0').waitFor();

  // The ClientHello: hover a byte of its random.
  const hello = await openRecord(page, 0);
  const helloWire = hello.getByTestId('record-wire');
  await helloWire.locator(`.byte[data-offset="${RANDOM + 3}"]`).hover();
  let d = await detailOf(helloWire);
  assert.equal(d.kind, 'client_hello.random', d.text);
  assert.equal(d.offset, RANDOM + 3);
  assert.match(d.text, /random/i);
  assert.match(d.text, /RFC (8446|5246)/, 'the RFC section is shown');
  // The whole field is highlighted: its 32 bytes, not one more.
  const lit = await helloWire.locator('.byte.in-field').evaluateAll((bs) => bs.map((b) => Number(b.dataset.offset)));
  assert.deepEqual(lit, Array.from({ length: 32 }, (_, k) => RANDOM + k));

  // The keyboard: the grid is one tab stop (Tab from the record's summary
  // reaches it); the arrow keys move the current byte, and the grid is
  // described by the detail line, a polite live region.
  await page.mouse.move(0, 0);
  await wire.getByTestId('wire-record-0').focus();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Home');
  for (let k = 0; k < RANDOM; k++) await page.keyboard.press('ArrowRight');
  d = await detailOf(helloWire);
  assert.equal(d.kind, 'client_hello.random');
  assert.equal(d.offset, RANDOM);
  const focused = await page.evaluate(() => {
    const el = document.activeElement;
    const desc = document.getElementById(el.getAttribute('aria-describedby'));
    return { testid: el.dataset.testid, current: el.dataset.current, tabindex: el.tabIndex, live: desc && desc.getAttribute('aria-live'), describes: desc && desc.dataset.kind, stops: el.querySelectorAll('[tabindex]').length };
  });
  assert.deepEqual(focused, { testid: 'byte-grid', current: String(RANDOM), tabindex: 0, live: 'polite', describes: 'client_hello.random', stops: 0 });
  await page.keyboard.press('ArrowLeft');
  assert.equal((await detailOf(helloWire)).kind, 'client_hello.legacy_version');
  await page.keyboard.press('ArrowDown');
  assert.equal((await detailOf(helloWire)).offset, RANDOM - 1 + 16);
  // The field list: focusing a field names it and lights all its bytes.
  await hello.locator('details.fields summary').first().click();
  await hello.locator('button.field-item[data-kind="client_hello.random"]').first().focus();
  d = await detailOf(helloWire);
  assert.equal(d.kind, 'client_hello.random');
  assert.equal(await helloWire.locator('.byte.in-field').count(), 32);

  // A message, then its record: TLS 1.2 GCM sends an 8-byte explicit nonce first.
  await page.getByTestId('message-input').fill('every byte has a name');
  await page.getByTestId('send-client').click();
  await page.locator('[data-testid="decrypted"]').first().waitFor({ timeout: 20_000 });
  await idle(page);
  const last = (await wire.locator('li.wire-record').count()) - 1;
  const app = await openRecord(page, last);
  const appWire = app.getByTestId('record-wire');
  await appWire.locator(`.byte[data-offset="${NONCE + 2}"]`).hover();
  d = await detailOf(appWire);
  assert.equal(d.kind, 'aead.explicit_nonce', d.text);
  assert.match(d.text, /explicit nonce/i);
  assert.match(d.text, /RFC 5288/);
  assert.equal(await appWire.locator('.byte.in-field').count(), 8);
  // Decrypted with the key log: the plaintext's own tree beside the wire's.
  const plain = app.getByTestId('record-plain');
  await plain.waitFor();
  const text = Buffer.from('every byte has a name').toString('hex');
  const plainHex = (await plain.locator('.byte').allTextContents()).join('');
  assert.ok(plainHex.includes(text), `the plaintext bytes hold the message: ${plainHex}`);
  await appWire.locator(`.byte[data-offset="${NONCE + 2}"]`).hover();
  await app.screenshot({ path: path.join(out, 'wire-nonce.png') });
  await helloWire.locator(`.byte[data-offset="${RANDOM + 3}"]`).click();
  await hello.screenshot({ path: path.join(out, 'wire-random.png') });
  // Both open records, their field lists open too: no WCAG 2.1 A/AA violation.
  await app.locator('details.fields summary').first().click();
  assert.deepEqual(await axe(page, 'tls-wire[data-page-wire] tls-record-bytes'), []);
  assert.deepEqual(problems, []);
});

test('tampering names the field of the changed byte, and the record where the receiver stopped', async (t) => {
  const { page, problems } = await site.openPage(t);
  await page.goto(`${site.origin}/#attack=tamper`);
  await waitReady(page);
  const panel = page.locator('tls-tamper');
  await panel.getByTestId('tamper-preset-length').waitFor({ timeout: 30_000 });
  // Record #1 (the ClientHello), a byte of its random.
  await panel.getByTestId('pick-record-0').click();
  await panel.locator(`[data-testid="byte-${RANDOM + 1}"]`).click();
  await page.waitForFunction(() => document.querySelector('tls-tamper [data-testid="byte-legend"]').dataset.kind === 'client_hello.random');
  assert.match(await panel.getByTestId('byte-legend').textContent(), new RegExp(`Byte ${RANDOM + 1}`));
  const runs = Number(await panel.getAttribute('data-runs') || 0);
  await panel.getByTestId('tamper-run').click();
  await page.waitForFunction((n) => Number(document.querySelector('tls-tamper').dataset.runs || 0) > n, runs, { timeout: 30_000 });
  await idle(page);
  const field = panel.getByTestId('tamper-field');
  await page.waitForFunction(() => document.querySelector('tls-tamper [data-testid="tamper-field"]').dataset.kind);
  assert.equal(await field.getAttribute('data-kind'), 'client_hello.random');
  assert.match(await field.textContent(), /random/i);
  // A changed client random: the server's keys differ from the client's, and
  // it stops at the client's first encrypted record, later than the change.
  const result = panel.getByTestId('tamper-result');
  assert.equal(await result.getAttribute('data-side'), 'server');
  const released = panel.getByTestId('tamper-released');
  const stopped = Number(await released.getAttribute('data-stopped'));
  assert.ok(stopped > 0, `stopped at record ${stopped}`);
  assert.match(await released.textContent(), new RegExp(`stopped at record #${stopped + 1} .*after the changed one \\(#1\\)`));
  // The changed record opens at the changed byte, named by the analyzer.
  const changed = panel.locator('tls-wire li.wire-record.changed tls-record-bytes');
  await changed.and(page.locator('[data-state="ready"]')).waitFor({ timeout: 20_000 });
  assert.equal(await changed.getByTestId('byte-legend').first().getAttribute('data-kind'), 'client_hello.random');
  await panel.screenshot({ path: path.join(out, 'wire-tamper.png') });

  // Two runs that differ in one byte of the client's Finished (record #8), the
  // last record sent before the alert, so nothing else differs: each result
  // shows its own run's bytes.
  const byteIn = (loc, o) => loc.locator(`[data-testid="record-wire"] .byte[data-offset="${o}"]`).textContent();
  const run = async (offset) => {
    await panel.getByTestId('pick-record-7').click();
    await panel.locator(`[data-testid="byte-${offset}"]`).click();
    const to = await panel.getByTestId('tamper-value').inputValue();
    const n = Number(await panel.getAttribute('data-runs'));
    await panel.getByTestId('tamper-run').click();
    await page.waitForFunction((k) => Number(document.querySelector('tls-tamper').dataset.runs || 0) > k, n, { timeout: 30_000 });
    await idle(page);
    const rec = panel.locator('tls-wire li.wire-record.changed tls-record-bytes');
    await rec.and(page.locator('[data-state="ready"]')).waitFor({ timeout: 20_000 });
    return { rec, to };
  };
  const one = await run(19);
  assert.equal(await byteIn(one.rec, 19), one.to, 'the changed byte, as delivered');
  const two = await run(20);
  assert.equal(await byteIn(two.rec, 20), two.to, 'the changed byte, as delivered');
  assert.notEqual(await byteIn(two.rec, 19), one.to, 'not the run before’s bytes');
  assert.deepEqual(problems, []);
});
