// peers.test.mjs: Chromium (BoringSSL) as an independent TLS client of the
// engine's server. `tlsplay serve` runs in each mode on 127.0.0.1 and a
// free port; Chromium loads https://playground.test:PORT/ from it and the
// page must be the engine's answer, which names the version, suite and
// group the two agreed on.
//
// Trust: Chromium is not told to ignore certificate errors in general. It
// is given the SHA-256 of the server certificate's public key
// (--ignore-certificate-errors-spki-list, as a pin) — without it the same
// page load fails with ERR_CERT_AUTHORITY_INVALID, which the test checks
// first: the engine's CA is no CA Chromium knows.
//
// The classic mode (TLS 1.2 with RSA key transport) is not refused, as one
// might expect: Debian's Chromium 156 still offers the four TLS_RSA_* suites,
// after every ECDHE one. A server that enables only RSA key transport gets
// it: the browser's preference order protects a user only from servers that
// could do better. The test checks both halves of that lesson.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import tls from 'node:tls';
import { chromium } from 'playwright-core';
import { launchOptions, goBinary } from './helpers.mjs';

const serverName = 'playground.test';
let bin;

before(async () => {
  assert.ok(existsSync(launchOptions.executablePath),
    `${launchOptions.executablePath} not found: install Chromium with "apt-get install -y chromium" (or set CHROMIUM)`);
  bin = await goBinary('./playground/cmd/tlsplay', 'TLSPLAY_BIN');
});

/** serve runs `tlsplay serve` in a mode and resolves {port, log(), close()}. */
async function serve(mode) {
  const child = spawn(bin, ['serve', '127.0.0.1:0', '--mode', mode, '--name', serverName], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (c) => { log += c; });
  child.stderr.on('data', (c) => { log += c; });
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tlsplay serve did not start within 30 s:\n${log}`)), 30_000);
    const poll = setInterval(() => {
      const m = /Listening on 127\.0\.0\.1:(\d+)/.exec(log);
      if (m) { clearInterval(poll); clearTimeout(timer); resolve(Number(m[1])); }
    }, 50);
    child.on('exit', (code) => { clearInterval(poll); clearTimeout(timer); reject(new Error(`tlsplay serve exited (${code}):\n${log}`)); });
  });
  return {
    port,
    log: () => log,
    close: () => new Promise((resolve) => {
      if (child.exitCode !== null) { resolve(); return; }
      child.once('exit', resolve);
      child.kill('SIGINT');
    }),
  };
}

/**
 * spkiHash fetches the server's certificate (Node's TLS client, which does
 * not verify it) and returns base64(SHA-256(SubjectPublicKeyInfo)): the
 * form --ignore-certificate-errors-spki-list takes.
 */
function spkiHash(port) {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, servername: serverName, rejectUnauthorized: false }, () => {
      const cert = new X509Certificate(s.getPeerCertificate(false).raw);
      const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
      s.end();
      resolve(createHash('sha256').update(spki).digest('base64'));
    });
    s.on('error', reject);
  });
}

/** load opens https://playground.test:PORT/ in a fresh Chromium; {body} or {error}. */
async function load(port, spki) {
  const args = [...launchOptions.args, `--host-resolver-rules=MAP ${serverName} 127.0.0.1`];
  if (spki) args.push(`--ignore-certificate-errors-spki-list=${spki}`);
  const browser = await chromium.launch({ ...launchOptions, args });
  try {
    const page = await browser.newPage();
    try {
      const res = await page.goto(`https://${serverName}:${port}/`, { timeout: 20_000 });
      return { status: res.status(), body: await res.text() };
    } catch (e) {
      return { error: e.message };
    }
  } finally {
    await browser.close();
  }
}

for (const mode of ['ecdhe', 'tls13']) {
  test(`Chromium loads a page from the engine's server: ${mode}`, async () => {
    const srv = await serve(mode);
    try {
      const untrusted = await load(srv.port, null);
      assert.match(untrusted.error ?? `loaded: ${untrusted.body}`, /ERR_CERT_AUTHORITY_INVALID/,
        'without the pin, Chromium must refuse a certificate from an unknown CA');
      const spki = await spkiHash(srv.port);
      const r = await load(srv.port, spki);
      assert.ok(!r.error, `Chromium could not load the page: ${r.error}\n--- tlsplay serve:\n${srv.log().slice(-4000)}`);
      assert.equal(r.status, 200);
      assert.match(r.body, /hello from the TLS Playground engine/);
      assert.match(r.body, /you sent: GET \/ HTTP\/1\.1/);
      if (mode === 'tls13') {
        // Chromium offers the post-quantum hybrid first, and the engine has it.
        assert.match(r.body, /over TLS 1\.3 · TLS_AES_\w+ · X25519MLKEM768 · /, r.body);
      } else {
        assert.match(r.body, /over TLS 1\.2 · TLS_ECDHE_RSA_WITH_\w+ · x25519 · /, r.body);
      }
    } finally {
      await srv.close();
    }
  });
}

test('Chromium still accepts the classic handshake (RSA key transport), offering it last', async () => {
  const srv = await serve('classic');
  try {
    const spki = await spkiHash(srv.port);
    const r = await load(srv.port, spki);
    assert.ok(!r.error, `Chromium could not load the page: ${r.error}\n--- tlsplay serve:\n${srv.log().slice(-4000)}`);
    assert.match(r.body, /over TLS 1\.2 · TLS_RSA_WITH_AES_\w+_GCM_SHA\d+ · extended master secret/, r.body);
    // Chromium's ClientHello as the engine's server printed it: every
    // TLS_RSA_* suite comes after every TLS_ECDHE_* one.
    const offered = /Client offers:\n((?:\s+\d+\. \S+\n)+)/.exec(srv.log());
    assert.ok(offered, `no "Client offers" list in the server's log:\n${srv.log().slice(0, 4000)}`);
    const suites = offered[1].trim().split('\n').map((l) => l.trim().replace(/^\d+\. /, ''));
    const lastECDHE = suites.findLastIndex((s) => s.startsWith('TLS_ECDHE_'));
    const firstRSA = suites.findIndex((s) => s.startsWith('TLS_RSA_'));
    assert.ok(lastECDHE >= 0 && firstRSA > lastECDHE, `Chromium offered: ${suites.join(', ')}`);
  } finally {
    await srv.close();
  }
});
