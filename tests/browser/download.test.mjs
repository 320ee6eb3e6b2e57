// Wireshark out, in Debian's Chromium: "Download capture (.pcapng)" saves the
// session as the engine writes it — its TCP stream with the key log inside —
// and tshark, given no key log option, prints the message the test typed,
// decrypted: in every mode, and for Mallory's interception (two TCP streams,
// the message as the client sent it and as Mallory forwarded it). "Download
// key log (.txt)" saves the NSS key log, named like the capture with the
// mode and the seed. Nothing is fetched for it (helpers.mjs fails the test on
// any request that leaves this machine).
//
//   TLS_PLAYGROUND_DIST=/tmp/dist node --test tests/browser/download.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { useSite, waitReady, idle, chooseMode, dist, reach } from './helpers.mjs';

const site = useSite();
const single = path.join(dist, 'tls-playground.html');
const TSHARK = ['/usr/bin/tshark', '/usr/local/bin/tshark'].find(existsSync);
const dir = mkdtempSync(path.join(os.tmpdir(), 'tls-playground-download-'));
process.once('exit', () => rmSync(dir, { recursive: true, force: true }));

/** save clicks a download button and saves the file: → {file, name}. */
async function save(page, testid) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
  const name = download.suggestedFilename();
  const file = path.join(dir, name);
  await download.saveAs(file);
  return { file, name };
}

/**
 * tshark reads file once, with no key log option: → {streams: the TCP
 * streams' numbers, follow: [what it prints for TLS stream 0, 1…]}.
 */
function tshark(file, n = 1) {
  const args = ['-n', '-r', file, '-q', '-z', 'conv,tcp'];
  for (let i = 0; i < n; i++) args.push('-z', `follow,tls,ascii,${i}`);
  const out = execFileSync(TSHARK, args, { encoding: 'utf8' });
  // Each statistic is a block between lines of "="; tshark prints them in any order.
  const follow = [];
  for (const m of out.matchAll(/Follow: tls,ascii\nFilter: tcp\.stream eq (\d+)\n([\s\S]*?)\n={20,}/g)) follow[Number(m[1])] = m[2];
  return { streams: (out.match(/<->/g) || []).length, follow };
}

test('every mode: the capture opens decrypted in tshark, the key log is the engine\'s', { skip: !TSHARK && 'tshark is not installed' }, async (t) => {
  const { page, problems } = await site.openPage(t);
  await page.goto(`${site.origin}/#mode=classic&step=7`);
  await waitReady(page);
  await reach(page, 'tls-capture-download'); // below the first screen: loaded as it comes near
  for (const mode of ['classic', 'ecdhe', 'tls13']) {
    await chooseMode(page, mode);
    const text = `typed in ${mode}: pin 2468`;
    await page.getByTestId('message-input').fill(text);
    await page.getByTestId('send-client').click();
    await page.waitForFunction((t) => [...document.querySelectorAll('[data-testid="decrypted"]')].some((d) => d.textContent === t), text, { timeout: 20_000 });
    await idle(page);
    const seed = await page.getAttribute('body', 'data-session-seed');

    const cap = await save(page, 'download-pcapng');
    assert.equal(cap.name, `tls-playground-${mode}-${seed.slice(0, 16)}.pcapng`);
    assert.equal(readFileSync(cap.file).subarray(0, 4).toString('hex'), '0a0d0d0a', 'a pcapng Section Header Block');
    const read = tshark(cap.file);
    assert.equal(read.streams, 1, `${mode}: one TCP stream`);
    assert.ok(read.follow[0].includes(text), `${mode}: tshark shows the message decrypted:\n${read.follow[0]}`);

    const kl = await save(page, 'download-keylog');
    assert.equal(kl.name, `tls-playground-${mode}-${seed.slice(0, 16)}-keylog.txt`);
    const keylog = readFileSync(kl.file, 'utf8');
    assert.match(keylog, mode === 'tls13' ? /^CLIENT_TRAFFIC_SECRET_0 [0-9a-f]{64} [0-9a-f]+$/m : /^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$/m);
    assert.equal(keylog, await page.getByTestId('keylog').textContent(), `${mode}: the key log the page shows`);
  }
  assert.deepEqual(problems, []);
});

test('Mallory: one file, two TCP streams, the message as sent and as she forwarded it', { skip: !TSHARK && 'tshark is not installed' }, async (t) => {
  const { page, problems } = await site.openPage(t);
  await page.goto(`${site.origin}/#attack=mallory`);
  await waitReady(page);
  await page.getByTestId('mallory-refusal').waitFor({ timeout: 30_000 });
  await page.getByTestId('mallory-trust').click();
  await page.getByTestId('mallory-sessions').waitFor({ timeout: 30_000 });
  await page.getByTestId('mallory-input').fill('Transfer 100 EUR to Bob');
  await page.getByTestId('mallory-send-client').click();
  await page.getByTestId('mallory-delivered').first().waitFor({ timeout: 20_000 });
  await idle(page);

  const cap = await save(page, 'download-pcapng-mitm');
  assert.match(cap.name, /^tls-playground-mallory-classic-[0-9a-f]{16}\.pcapng$/);
  const read = tshark(cap.file, 2);
  assert.equal(read.streams, 2, 'two TCP streams');
  assert.ok(read.follow[0].includes('Transfer 100 EUR to Bob'), `the client’s stream, as the client sent it:\n${read.follow[0]}`);
  assert.ok(!read.follow[0].includes('10000'));
  assert.ok(read.follow[1].includes('Transfer 10000 EUR to Bob'), `Mallory’s stream to the server, as she rewrote it:\n${read.follow[1]}`);
  const kl = await save(page, 'download-keylog-mitm');
  assert.equal((readFileSync(kl.file, 'utf8').match(/^CLIENT_RANDOM /gm) || []).length, 2, 'both connections’ keys');
  assert.deepEqual(problems, []);
});

test('the single-file edition, offline from file://: the bytes are named and the capture downloads', { skip: (!TSHARK && 'tshark is not installed') || (!existsSync(single) && `${single} not built`) }, async (t) => {
  const { page, problems } = await site.openPage(t);
  await page.context().route(/^file:/, (route) => route.continue());
  const fetched = [];
  page.on('request', (req) => { if (!/^(file|blob|data):/.test(req.url())) fetched.push(req.url()); });
  await page.context().setOffline(true);
  await page.goto(`${pathToFileURL(single).href}#mode=tls13&step=7`);
  await waitReady(page);
  const text = 'from a USB stick, offline';
  await page.getByTestId('message-input').fill(text);
  await page.getByTestId('send-client').click();
  await page.locator('[data-testid="decrypted"]').first().waitFor({ timeout: 20_000 });
  await idle(page);
  // The analyzer answers in the bundled worker too.
  const wire = page.locator('tls-wire[data-page-wire]');
  await wire.getByTestId('wire-record-0').click();
  await wire.locator('tls-record-bytes[data-state="ready"]').first().waitFor({ timeout: 20_000 });
  await wire.locator('.byte[data-offset="11"]').first().hover();
  assert.equal(await wire.getByTestId('byte-legend').first().getAttribute('data-kind'), 'client_hello.random');
  const cap = await save(page, 'download-pcapng');
  const read = tshark(cap.file);
  assert.ok(read.follow[0].includes(text), `tshark shows the message decrypted:\n${read.follow[0]}`);
  assert.deepEqual(fetched, [], 'nothing fetched from a network');
  // The page itself is the one file: helpers.mjs counts its file: URL as another host.
  assert.deepEqual(problems.filter((p) => !p.startsWith('request to another host: file:')), []);
});
