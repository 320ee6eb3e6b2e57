// import.test.mjs: "bring your own capture" and "a real browser's hello"
// (issue 12, points 3 and 4). The page opens a pcap or pcapng with its key
// log in the engine's worker (<tls-capture-import>), and puts a browser's
// ClientHello beside the engine's (<tls-hello-compare>).
//
// - The two real captures of ../shared/testdata/captures (The Illustrated
//   TLS 1.2 and 1.3 Connection, with their key logs): every record
//   decrypted, both Finished values verified, the analyzer's fields of a
//   decrypted record shown.
// - Bad files get the engine's own message: a PNG (not a capture), a
//   capture cut short (the packets before the cut are read, the cut is
//   named), a key log of the other capture (no secret for this connection).
// - A capture this test records itself: `tlsplay serve` (tls13), dumpcap on
//   the loopback interface, headless Chromium fetching the page with
//   SSLKEYLOGFILE set; imported with the key log, it decrypts and both
//   Finished values verify, and its ClientHello, beside the engine's, shows
//   GREASE and both key shares (the hybrid and X25519).
//
// Screenshots: tests/browser/out/import-*.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { chromium } from 'playwright-core';
import { useSite, waitReady, launchOptions, root, out, goBinary } from './helpers.mjs';

const site = useSite();
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const captures = path.resolve(root, '../shared/testdata/captures');
const serverName = 'playground.test';
let tmp;
let tlsplay;

before(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'tlsplay-import-'));
  tlsplay = await goBinary('./playground/cmd/tlsplay', 'TLSPLAY_BIN');
});

after(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * axe runs axe-core (WCAG 2.1 A and AA) on the two elements, light and dark,
 * and fails with every violation (a11y.test.mjs checks the rest of the page).
 */
async function axe(page, label) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE);
  const found = [];
  for (const colorScheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme });
    const violations = await page.evaluate(async () => {
      const r = await window.axe.run({ include: [['tls-capture-import'], ['tls-hello-compare']] },
        { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
      return r.violations.map((v) => `${v.id}: ${v.help}: ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(', ')}`);
    });
    found.push(...violations.map((v) => `[${colorScheme}] ${v}`));
  }
  await page.emulateMedia({ colorScheme: 'light' });
  assert.deepEqual(found, [], `${label}: axe-core found WCAG 2.1 A/AA violations`);
}

/** openImport opens the page, waits for the engine and scrolls to the import. */
async function openImport(t) {
  const { page, problems } = await site.openPage(t);
  await page.goto(`${site.origin}/#import`);
  await waitReady(page);
  // The link lands on the import, though the page above it grew as the engine filled it in.
  await page.waitForFunction(() => {
    const top = document.querySelector('tls-capture-import').getBoundingClientRect().top;
    return top >= 0 && top < innerHeight / 2;
  }, null, { timeout: 5000 });
  return { page, problems, imp: page.locator('tls-capture-import') };
}

/**
 * importFiles chooses a capture (and a key log, or none) and opens them;
 * it resolves the element's state once this import has finished.
 */
async function importFiles(page, capture, keylog) {
  const imp = page.locator('tls-capture-import');
  const runs = Number(await imp.getAttribute('data-runs') || 0);
  await imp.getByTestId('import-capture-file').setInputFiles(capture);
  await imp.getByTestId('import-keylog-file').setInputFiles(keylog ? [keylog] : []);
  await imp.getByTestId('import-open').click();
  await page.waitForFunction((n) => Number(document.querySelector('tls-capture-import').dataset.runs || 0) > n, runs, { timeout: 30_000 });
  return imp.getAttribute('data-state');
}

/** expectDecrypted checks connection 0: every record decrypted, both Finished verified, the analyzer's tree of an encrypted record. */
async function expectDecrypted(page, name) {
  const imp = page.locator('tls-capture-import');
  const row = imp.getByTestId('import-connection-0');
  assert.equal(await row.locator('td.decrypted').getAttribute('data-decrypted'), 'true',
    `${name}: connection 0 not decrypted: ${await row.textContent()}`);
  assert.match(await row.locator('td.decrypted').textContent(), /^yes: (\d+) of \1 encrypted records$/);
  const finished = imp.getByTestId('import-finished').locator('li');
  assert.equal(await finished.count(), 2, `${name}: ${await imp.getByTestId('import-finished').textContent().catch(() => 'no Finished checks')}`);
  for (const side of ['client', 'server']) {
    assert.equal(await imp.locator(`[data-testid="import-finished"] li[data-side="${side}"]`).getAttribute('data-ok'), 'true', `${name}: the ${side} Finished`);
  }
  // The sequence diagram's and the key schedule's first drawings come a frame or two after the
  // rest (dom.js laterFrame): waited for, not read at once.
  await imp.locator('tls-sequence-diagram svg .message').nth(3).waitFor({ timeout: 10_000 })
    .catch(() => assert.fail(`${name}: the sequence diagram has fewer than 4 messages`));
  await imp.locator('tls-key-schedule:not([data-nodes="0"])[data-nodes]').waitFor({ timeout: 10_000 })
    .catch(() => assert.fail(`${name}: no key schedule`));
  // The analyzer's fields of the first encrypted record, wire and plaintext.
  const rec = imp.locator('tls-wire li.wire-record.encrypted').first();
  await rec.locator('summary').click();
  await rec.getByTestId('record-plain').waitFor({ timeout: 15_000 });
  assert.ok(await rec.getByTestId('record-wire').locator('.byte[data-offset]').count() > 5, `${name}: no bytes on the wire`);
  const plain = rec.getByTestId('record-plain');
  await plain.locator('details.fields > summary').click(); // "Every field", built when opened
  await plain.locator('button.field-item').nth(1).waitFor({ timeout: 15_000 }).catch(() => {});
  assert.ok(await plain.locator('button.field-item').count() > 1, `${name}: no decrypted fields`);
}

test('the two real captures with their key logs decrypt and verify; bad files get the engine\'s message', async (t) => {
  const { page, problems, imp } = await openImport(t);
  assert.match(await imp.getByTestId('import-privacy').textContent(), /Nothing is uploaded/);
  // Not a capture at all; the next import works as if nothing happened.
  assert.equal(await importFiles(page, path.join(root, 'site/icons/icon-192.png'), null), 'failed');
  assert.match(await imp.getByTestId('import-error-message').textContent(), /not a capture file \(first bytes 89504e470d0a1a0a\)/);

  for (const [dir, version] of [['illustrated-tls12', 'TLS 1.2'], ['illustrated-tls13', 'TLS 1.3']]) {
    const state = await importFiles(page, path.join(captures, dir, 'capture.pcap'), path.join(captures, dir, 'keylog.txt'));
    assert.equal(state, 'done', await imp.getByTestId('import-error').textContent());
    assert.match(await imp.getByTestId('import-connection-0').textContent(), new RegExp(`example\\.ulfheim\\.net.*${version.replace('.', '\\.')}`));
    await expectDecrypted(page, dir);
    if (dir === 'illustrated-tls13') await imp.screenshot({ path: path.join(out, 'import-illustrated-tls13.png') });
  }

  // Cut short: the packets before the cut are read, and the cut is named.
  const whole = readFileSync(path.join(captures, 'illustrated-tls13/capture.pcap'));
  const cut = path.join(tmp, 'cut.pcap');
  await fs.writeFile(cut, whole.subarray(0, whole.length / 2));
  assert.equal(await importFiles(page, cut, path.join(captures, 'illustrated-tls13/keylog.txt')), 'done');
  assert.match(await imp.getByTestId('import-warning').textContent(), /the capture file is truncated/);
  assert.equal(await imp.getByTestId('import-error').isVisible(), false);

  // The other capture's key log: nothing opens, and the row says why.
  assert.equal(await importFiles(page, path.join(captures, 'illustrated-tls12/capture.pcap'), path.join(captures, 'illustrated-tls13/keylog.txt')), 'done');
  const cell = imp.getByTestId('import-connection-0').locator('td.decrypted');
  assert.equal(await cell.getAttribute('data-decrypted'), 'false');
  assert.match(await cell.textContent(), /the key log has no CLIENT_RANDOM line/);
  assert.equal(await imp.getByTestId('import-finished').count(), 0);
  assert.deepEqual(problems, []);
});

/** serveTLS runs `tlsplay serve` (tls13) on a free port → {port, close}. */
async function serveTLS() {
  const child = spawn(tlsplay, ['serve', '127.0.0.1:0', '--mode', 'tls13', '--name', serverName], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (c) => { log += c; });
  child.stderr.on('data', (c) => { log += c; });
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tlsplay serve did not start:\n${log}`)), 20_000);
    const poll = setInterval(() => {
      const m = /Listening on 127\.0\.0\.1:(\d+)/.exec(log);
      if (m) { clearInterval(poll); clearTimeout(timer); resolve(Number(m[1])); }
    }, 50);
    child.on('exit', (code) => { clearInterval(poll); clearTimeout(timer); reject(new Error(`tlsplay serve exited (${code}):\n${log}`)); });
  });
  return { port, close: () => new Promise((r) => { if (child.exitCode !== null) r(); else { child.once('exit', r); child.kill('SIGINT'); } }) };
}

/** spkiHash is base64(SHA-256(SubjectPublicKeyInfo)) of the server's certificate: Chromium's pin. */
function spkiHash(port) {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, servername: serverName, rejectUnauthorized: false }, () => {
      const cert = new X509Certificate(s.getPeerCertificate(false).raw);
      s.end();
      resolve(createHash('sha256').update(cert.publicKey.export({ type: 'spki', format: 'der' })).digest('base64'));
    });
    s.on('error', reject);
  });
}

/** record captures Chromium loading https://playground.test:PORT/ with dumpcap → {pcap, keys}. */
async function record() {
  const srv = await serveTLS();
  const pcap = path.join(tmp, 'chromium.pcapng');
  const keys = path.join(tmp, 'chromium-keys.txt');
  try {
    const spki = await spkiHash(srv.port);
    const cap = spawn('dumpcap', ['-i', 'lo', '-f', `tcp port ${srv.port}`, '-w', pcap], { stdio: ['ignore', 'ignore', 'pipe'] });
    let caplog = '';
    cap.stderr.on('data', (c) => { caplog += c; });
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`dumpcap did not start:\n${caplog}`)), 10_000);
      const poll = setInterval(() => { if (/Capturing on/.test(caplog)) { clearInterval(poll); clearTimeout(timer); resolve(); } }, 20);
      cap.on('exit', (code) => { clearInterval(poll); clearTimeout(timer); reject(new Error(`dumpcap exited (${code}):\n${caplog}`)); });
    });
    const browser = await chromium.launch({
      ...launchOptions,
      env: { ...process.env, SSLKEYLOGFILE: keys },
      args: [...launchOptions.args, `--host-resolver-rules=MAP ${serverName} 127.0.0.1`, `--ignore-certificate-errors-spki-list=${spki}`],
    });
    try {
      const page = await browser.newPage();
      const res = await page.goto(`https://${serverName}:${srv.port}/`, { timeout: 20_000 });
      assert.match(await res.text(), /over TLS 1\.3 .* X25519MLKEM768/);
      // Chromium writes its key log from another thread: closing it before that write left the file
      // empty once (a1e1103's suite at load 14). Wait for the line while the browser is open.
      for (const until = Date.now() + 10_000; Date.now() < until; await new Promise((r) => setTimeout(r, 50))) {
        if (existsSync(keys) && /^CLIENT_HANDSHAKE_TRAFFIC_SECRET /m.test(readFileSync(keys, 'utf8'))) break;
      }
    } finally {
      await browser.close();
    }
    await new Promise((r) => setTimeout(r, 300)); // the last packets reach the capture
    cap.removeAllListeners('exit');
    await new Promise((r) => { cap.once('exit', r); cap.kill('SIGINT'); });
  } finally {
    await srv.close();
  }
  assert.ok(existsSync(pcap) && existsSync(keys), 'no capture or no key log was written');
  assert.match(readFileSync(keys, 'utf8'), /^CLIENT_HANDSHAKE_TRAFFIC_SECRET [0-9a-f]{64} /m);
  return { pcap, keys };
}

test('a capture of Chromium made here: decrypted, Finished verified, its hello beside the engine\'s', async (t) => {
  const { pcap, keys } = await record();
  const { page, problems, imp } = await openImport(t);

  // The bundled Chromium hello is compared first.
  const hello = page.locator('tls-hello-compare');
  await page.waitForSelector('tls-hello-compare[data-state="done"][data-source="bundled"]', { timeout: 20_000 });
  const bundledShares = await hello.getByTestId('hello-row-key_share').locator('td.browser').textContent();
  assert.match(bundledShares, /X25519MLKEM768: 1216 bytes/);
  assert.match(bundledShares, /x25519: 32 bytes/);
  await hello.screenshot({ path: path.join(out, 'import-hello-bundled.png') });

  assert.equal(await importFiles(page, pcap, keys), 'done', await imp.getByTestId('import-error').textContent());
  assert.match(await imp.getByTestId('import-connection-0').textContent(), /playground\.test.*TLS 1\.3/);
  await expectDecrypted(page, 'Chromium ↔ tlsplay serve');
  await imp.screenshot({ path: path.join(out, 'import-chromium.png') });

  // Its ClientHello beside the engine's: GREASE, and both key shares.
  await imp.getByTestId('import-compare-hello').click();
  await page.waitForSelector('tls-hello-compare[data-state="done"][data-source="import"]', { timeout: 20_000 });
  const shares = await hello.getByTestId('hello-row-key_share').locator('td.browser').textContent();
  assert.match(shares, /X25519MLKEM768: 1216 bytes = ML-KEM-768 encapsulation key \(1184\) ‖ X25519 public key \(32\)/);
  assert.match(shares, /x25519: 32 bytes/);
  assert.match(await hello.getByTestId('hello-row-key_share').locator('td.engine').textContent(), /^X25519MLKEM768: 1216 bytes/);
  assert.match(await hello.getByTestId('hello-row-grease_extensions').locator('td.browser').textContent(), /GREASE 0x([0-9a-f])a\1a/);
  assert.ok(await hello.locator('td.browser mark.grease').count() >= 4, 'GREASE values are marked in the suites, groups, versions and shares');
  assert.match(await hello.getByTestId('hello-row-server_name').locator('td.browser').textContent(), /playground\.test/);
  await hello.screenshot({ path: path.join(out, 'import-hello-capture.png') });
  await axe(page, 'an imported capture and its hello');
  assert.deepEqual(problems, []);
});
