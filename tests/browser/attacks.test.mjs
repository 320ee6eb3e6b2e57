// The attack lab, clicked through in Debian's Chromium: every certificate
// scenario and every attack, each reached by its link (#scenario=<id>,
// #attack=eve|mallory|downgrade|tamper|bleichenbacher), with the side and the
// alert each one must end in. The test fails on any console error, page
// error, CSP violation, or request to a host other than this machine
// (helpers.mjs).
//
//   bash scripts/build.sh && node --test tests/browser/attacks.test.mjs
//
// Screenshots go to tests/browser/out/attack-*.png (ignored by git).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useSite, out, waitReady, idle, hashAfterIdle } from './helpers.mjs';

const site = useSite();

/**
 * SCENARIOS is, per scenario, the side that refuses and the alert it sends,
 * written independently of the engine's catalogue (as in
 * playground/scenario's tests), and a piece of the exact error.
 */
const SCENARIOS = {
  valid: null,
  expired: ['client', 'bad_certificate', 'x509: certificate has expired or is not yet valid: current time'],
  'not-yet-valid': ['client', 'bad_certificate', 'x509: certificate has expired or is not yet valid: current time'],
  'wrong-host': ['client', 'bad_certificate', 'x509: certificate is valid for other.test, not playground.test'],
  'self-signed': ['client', 'bad_certificate', 'x509: certificate signed by unknown authority'],
  'untrusted-root': ['client', 'bad_certificate', 'x509: certificate signed by unknown authority'],
  'missing-intermediate': ['client', 'bad_certificate', 'x509: certificate signed by unknown authority'],
  'tampered-signature': ['client', 'bad_certificate', 'crypto/rsa: verification error'],
  'intermediate-not-ca': ['client', 'bad_certificate', 'parent certificate cannot sign this kind of certificate'],
  'no-server-auth': ['client', 'bad_certificate', 'x509: certificate specifies an incompatible key usage'],
  'rsa-1024': ['client', 'bad_certificate', 'RSA-1024 key'],
  sha1: ['client', 'bad_certificate', 'insecure algorithm SHA1-RSA'],
  'no-common-suite': ['server', 'handshake_failure', 'no cipher suite in common'],
};

/** go follows a link of the page (a fragment), as a click on it would. */
async function go(page, hash) {
  await page.evaluate((h) => { location.hash = h; }, hash);
}


/** refusalOf reads a refusal block: {side, alert, text}. */
async function refusalOf(page, testid) {
  const el = page.getByTestId(testid);
  await el.waitFor({ timeout: 30_000 });
  return { side: await el.getAttribute('data-side'), alert: await el.getAttribute('data-alert'), text: await el.textContent() };
}

test('certificate failures: every scenario from its link shows the error, the alert, the browser and why', async (t) => {
  const { page, problems } = await site.openPage(t);
  const t0 = Date.now();
  await page.goto(`${site.origin}/#scenario=valid`);
  await waitReady(page);
  await page.locator('tls-scenarios [data-scenario-link]').first().waitFor({ timeout: 30_000 });
  const ids = await page.locator('tls-scenarios [data-scenario-link]').evaluateAll((as) => as.map((a) => a.dataset.scenarioLink));
  // The WebPKI scenarios (stapled OCSP, SCTs) refuse beside the handshake: tests/browser/webpki.test.mjs.
  const webpki = ['revoked', 'ocsp-expired', 'no-sct'];
  assert.deepEqual(ids.filter((id) => !webpki.includes(id)).sort(), Object.keys(SCENARIOS).sort(), 'the page lists every scenario of the catalogue');
  assert.deepEqual(ids.filter((id) => webpki.includes(id)).sort(), [...webpki].sort(), 'and the WebPKI ones');
  assert.equal(await page.getAttribute('body', 'data-attack'), 'certificates');

  for (const id of Object.keys(SCENARIOS)) {
    if (id !== 'valid') await go(page, `#scenario=${id}`);
    const result = page.locator(`[data-testid="scenario-result"][data-scenario="${id}"][data-state="done"]`);
    await result.waitFor({ timeout: 30_000 });
    assert.equal(await page.locator(`[data-scenario-link="${id}"]`).getAttribute('aria-current'), 'true', `${id} is marked in the list`);
    const want = SCENARIOS[id];
    if (!want) {
      assert.match(await result.getByTestId('scenario-ok').textContent(), /completed/);
      assert.match(await result.getByTestId('scenario-error').textContent(), /none: the chain verifies/);
    } else {
      const [side, alert, error] = want;
      const r = await refusalOf(page, 'scenario-refusal');
      assert.equal(r.side, side, `${id}: the side that refuses`);
      assert.equal(r.alert, alert, `${id}: the alert`);
      assert.ok(r.text.includes(error), `${id}: the engine's message contains ${JSON.stringify(error)}: ${r.text}`);
      assert.match(await result.getByTestId('scenario-alert').textContent(), new RegExp(`the ${side} sends ${alert}`));
      if (id === 'no-common-suite') {
        assert.ok(await result.getByTestId('scenario-client-suites').locator('li').count() >= 1, 'the client’s suites');
        assert.ok(await result.getByTestId('scenario-server-suites').locator('li').count() >= 1, 'the server’s suites');
      } else {
        assert.ok((await result.getByTestId('scenario-error').textContent()).includes(error), `${id}: the verification error`);
      }
      assert.ok((await result.locator('.wire-record.fatal .badge.fatal').textContent()).includes(alert), `${id}: the alert on the wire`);
    }
    assert.match(await result.getByTestId('scenario-browser').textContent(), /Chrome: .+Firefox: /s);
    assert.ok((await result.getByTestId('scenario-why').textContent()).length > 80, `${id}: why the check exists`);
    if (id === 'wrong-host') await page.screenshot({ path: path.join(out, 'attack-scenario-wrong-host.png'), fullPage: false });
  }
  assert.equal(await hashAfterIdle(page), '#scenario=no-common-suite', 'the URL links to the scenario shown');

  // The scenarios run in the handshake chosen by the link.
  await go(page, '#mode=tls13&scenario=expired');
  await page.locator('[data-testid="scenario-result"][data-scenario="expired"][data-state="done"]').waitFor({ timeout: 30_000 });
  await idle(page);
  assert.match(await page.getByTestId('scenario-result').textContent(), /Ran a TLS 1\.3 handshake/);
  assert.equal((await refusalOf(page, 'scenario-refusal')).alert, 'bad_certificate');
  t.diagnostic(`${ids.length} scenarios in ${Date.now() - t0} ms (with the page load)`);
  assert.deepEqual(problems, [], 'no console error, page error, CSP violation or foreign request');
});

test('Eve: the wire as she sees it, the leaked key opens a classic session, not a TLS 1.3 one', async (t) => {
  const { page, problems } = await site.openPage(t);
  await page.goto(`${site.origin}/#attack=eve`);
  await waitReady(page);
  const eve = page.locator('tls-eve');
  await eve.getByTestId('wire-eve').waitFor();

  // What Eve sees: the clear records readable, the encrypted ones opaque.
  const before = await eve.locator('.wire-record').count();
  await eve.getByTestId('eve-secret').fill('GET /account?pin=4321');
  await eve.getByTestId('eve-send').click();
  await page.waitForFunction((n) => document.querySelectorAll('tls-eve .wire-record').length === n + 1, before);
  const encrypted = await eve.locator('.wire-record.encrypted').count();
  assert.ok(encrypted >= 3, 'both Finished and the message are encrypted');
  assert.equal(await eve.locator('.wire-record.encrypted .opaque-bytes').count(), encrypted, 'encrypted records are opaque bytes');
  assert.ok(!(await eve.getByTestId('wire-eve').textContent()).includes('pin=4321'), 'the secret is not readable on the wire');
  // The analyzer is in the lab module, loaded on first use: its fields arrive a moment later.
  await page.waitForFunction(() => /client random/i.test(document.querySelector('tls-eve .wire-record')?.textContent || ''), null, { timeout: 30_000 });
  assert.match(await eve.locator('.wire-record').first().textContent(), /client random/i, 'the ClientHello is readable');

  // Later, the key leaks: Eve decrypts the classic session, the secret included.
  await eve.getByTestId('eve-leak').click();
  const verdict = eve.getByTestId('eve-verdict');
  await verdict.waitFor({ timeout: 20_000 });
  assert.equal(await verdict.getAttribute('data-ok'), 'true');
  assert.match(await eve.getByTestId('eve-plaintexts').textContent(), /GET \/account\?pin=4321/);
  assert.equal(await eve.getByTestId('eve-fs').getAttribute('data-forward-secrecy'), 'false');
  await eve.screenshot({ path: path.join(out, 'attack-eve-classic.png') });

  // The same on TLS 1.3: she gives up, and forward secrecy is explained with the session's key shares.
  await eve.getByTestId('eve-mode-tls13').click();
  await page.waitForSelector('[data-testid="eve-verdict"][data-ok="false"]', { timeout: 30_000 });
  assert.equal(await page.getAttribute('body', 'data-session-mode'), 'tls13');
  const fs = eve.getByTestId('eve-fs');
  assert.equal(await fs.getAttribute('data-forward-secrecy'), 'true');
  assert.match(await fs.textContent(), /key shares.+ephemeral private keys/s);
  assert.match(await eve.getByTestId('wire-eve').textContent(), /encrypted application_data/);
  assert.equal(await hashAfterIdle(page), '#mode=tls13&attack=eve');

  // And on ECDHE.
  await eve.getByTestId('eve-mode-ecdhe').click();
  await page.waitForFunction(() => document.body.dataset.sessionMode === 'ecdhe' && document.querySelector('[data-testid="eve-verdict"]'), null, { timeout: 30_000 });
  assert.equal(await eve.getByTestId('eve-verdict').getAttribute('data-ok'), 'false');
  assert.match(await eve.getByTestId('eve-verdict').textContent(), /ECDHE/);
  assert.deepEqual(problems, []);
});

test('Mallory: refused with x509’s error and bad_certificate, then trusted: two sessions, messages read and rewritten', async (t) => {
  const { page, problems } = await site.openPage(t);
  await page.goto(`${site.origin}/#attack=mallory`);
  await waitReady(page);
  const r = await refusalOf(page, 'mallory-refusal');
  assert.equal(r.side, 'client');
  assert.equal(r.alert, 'bad_certificate');
  assert.match(r.text, /x509: certificate signed by unknown authority/);
  // The wire renders in a task of its own, after the panel (issue 9).
  await page.locator('[data-testid="mallory-left"] .wire-record.fatal').first().waitFor();
  assert.ok(await page.locator('[data-testid="mallory-left"] .wire-record.fatal').count() === 1, 'the alert on the wire');

  await page.getByTestId('mallory-trust').click();
  await page.getByTestId('mallory-sessions').waitFor({ timeout: 30_000 });
  assert.match(await page.getByTestId('mallory-accepted').textContent(), /accepts Mallory’s certificate/);
  const left = await page.getByTestId('mallory-left-session').textContent();
  const right = await page.getByTestId('mallory-right-session').textContent();
  assert.match(left, /Master secret/);
  assert.match(right, /Master secret/);

  await page.getByTestId('mallory-input').fill('Transfer 100 EUR to Bob');
  await page.getByTestId('mallory-send-client').click();
  await page.getByTestId('mallory-delivered').first().waitFor({ timeout: 20_000 });
  assert.equal(await page.getByTestId('mallory-delivered').first().textContent(), 'Transfer 10000 EUR to Bob');
  await page.getByTestId('mallory-input').fill('Balance: 100 EUR');
  await page.getByTestId('mallory-send-server').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="mallory-delivered"]').length === 2);
  assert.equal(await page.getByTestId('mallory-delivered').nth(1).textContent(), 'Balance: 10000 EUR');
  await page.locator('tls-mallory').screenshot({ path: path.join(out, 'attack-mallory.png') });

  // The downgrade: Mallory strips TLS 1.3 and the sentinel gives her away.
  await go(page, '#attack=downgrade');
  const d = await refusalOf(page, 'downgrade-refusal');
  assert.equal(d.side, 'client');
  assert.equal(d.alert, 'illegal_parameter');
  assert.match(d.text, /downgrade detected/);
  assert.match(await page.getByTestId('downgrade-clean').textContent(), /agree on TLS 1\.3/);
  assert.equal(await page.locator('[data-testid="downgrade-stripped"] .server-random').getAttribute('data-sentinel'), 'true');
  assert.equal(await page.locator('[data-testid="downgrade-clean"] .server-random').getAttribute('data-sentinel'), 'false');
  await page.locator('tls-downgrade').screenshot({ path: path.join(out, 'attack-downgrade.png') });
  assert.deepEqual(problems, []);
});

/** tamperWith runs a ready-made change and returns the result's {side, alert, text}. */
async function tamperWith(page, preset) {
  const panel = page.locator('tls-tamper');
  const runs = Number(await panel.getAttribute('data-runs') || 0);
  await panel.getByTestId(`tamper-preset-${preset}`).click();
  await page.waitForFunction((n) => Number(document.querySelector('tls-tamper').dataset.runs || 0) > n, runs, { timeout: 30_000 });
  await idle(page);
  const result = panel.getByTestId('tamper-result');
  return { side: await result.getAttribute('data-side'), alert: await result.getAttribute('data-alert'), text: await result.textContent() };
}

test('tampering: each kind of change trips its check, no plaintext is released, the session on screen is unchanged', async (t) => {
  const { page, problems } = await site.openPage(t);
  await page.goto(`${site.origin}/#attack=eve`);
  await waitReady(page);
  // A message in the session on screen, so that application data can be changed too.
  await page.getByTestId('eve-send').click();
  await page.waitForFunction(() => document.querySelectorAll('tls-eve .wire-record.encrypted').length === 3);
  const keylog = await page.getByTestId('keylog').textContent();

  await go(page, '#attack=tamper');
  await page.getByTestId('tamper-preset-aead').waitFor();
  const cases = [
    ['aead', 'server', 'bad_record_mac', /AEAD tag/],
    ['appdata', 'server', 'bad_record_mac', /application received nothing — the record was refused/],
    ['certificate', 'client', 'bad_certificate', /Like crypto\/tls, the client sends bad_certificate/],
    ['length', 'server', 'decode_error', /malformed ClientHello/],
    ['grow', 'server', '', /waits for more bytes/],
    ['finished', 'server', 'decrypt_error', /Finished/],
  ];
  for (const [preset, side, alert, text] of cases) {
    const r = await tamperWith(page, preset);
    assert.equal(r.side, side, `${preset}: the side that refuses`);
    assert.equal(r.alert, alert, `${preset}: the alert`);
    assert.match(r.text, text, `${preset}: ${r.text}`);
    assert.match(r.text, /No plaintext was released/, `${preset}: no plaintext released`);
  }
  assert.equal(await page.getByTestId('tamper-ems').isChecked(), false, 'the Finished case turned the extended master secret off');

  // Any byte: pick a record, then a byte, then a value.
  await page.getByTestId('tamper-ems').check();
  await idle(page);
  await page.getByTestId('pick-record-7').click(); // the client's Finished (after CertificateStatus, ServerHelloDone, ClientKeyExchange, ChangeCipherSpec)
  const byte20 = page.locator('tls-tamper [data-testid="byte-20"]');
  await byte20.click();
  assert.match(await page.getByTestId('byte-legend').textContent(), /Byte 20/);
  // A new value, whatever the byte is: it is ciphertext, so 00 in about one session in 256,
  // and writing the value a byte already has changes nothing (the handshake succeeds).
  const from = (await byte20.textContent()).trim();
  const to = from === '00' ? 'ff' : '00';
  await page.getByTestId('tamper-value').fill(to);
  const runs = Number(await page.locator('tls-tamper').getAttribute('data-runs'));
  await page.getByTestId('tamper-run').click();
  await page.waitForFunction((n) => Number(document.querySelector('tls-tamper').dataset.runs) > n, runs);
  await idle(page);
  assert.equal(await page.getByTestId('tamper-result').getAttribute('data-alert'), 'bad_record_mac');
  assert.match(await page.locator('tls-tamper .wire-record.changed').textContent(), new RegExp(`byte 20 changed: ${from} → ${to}`));
  await page.locator('tls-tamper').screenshot({ path: path.join(out, 'attack-tamper.png') });

  // The session on screen is what it was: the same keys, the message still there.
  assert.equal(await page.getByTestId('keylog').textContent(), keylog, 'the session on screen was restored');
  assert.equal(await page.locator('[data-testid="session-error"]').isHidden(), true);

  // ECDHE: the ServerKeyExchange signature. TLS 1.3: the CertificateVerify is encrypted.
  await go(page, '#mode=ecdhe&attack=tamper');
  await page.waitForFunction(() => document.body.dataset.sessionMode === 'ecdhe');
  await page.getByTestId('tamper-preset-ske').waitFor();
  let r = await tamperWith(page, 'ske');
  assert.deepEqual([r.side, r.alert], ['client', 'decrypt_error']);
  assert.match(r.text, /ServerKeyExchange signature/);
  await go(page, '#mode=tls13&attack=tamper');
  await page.waitForFunction(() => document.body.dataset.sessionMode === 'tls13');
  await page.getByTestId('tamper-preset-certverify').waitFor();
  r = await tamperWith(page, 'certverify');
  assert.deepEqual([r.side, r.alert], ['client', 'bad_record_mac']);
  assert.deepEqual(problems, []);
});

test('Bleichenbacher: the real server fails only at Finished, the labelled padding oracle answers decrypt_error', async (t) => {
  const { page, problems } = await site.openPage(t);
  await page.goto(`${site.origin}/#mode=tls13&attack=bleichenbacher`);
  await waitReady(page);
  const real = await refusalOf(page, 'bleich-real-refusal');
  const leaky = await refusalOf(page, 'bleich-leaky-refusal');
  assert.deepEqual([real.side, real.alert], ['server', 'bad_record_mac']);
  assert.deepEqual([leaky.side, leaky.alert], ['server', 'decrypt_error']);
  assert.match(leaky.text, /PKCS#1 padding/);
  assert.match(await page.getByTestId('bleich-leaky').textContent(), /deliberately leaky/);
  assert.match(await page.getByTestId('bleich-real').textContent(), /RFC 5246/);

  // Another byte of the ClientKeyExchange, from the picker.
  await page.locator('tls-bleichenbacher [data-testid="byte-200"]').click();
  await page.getByTestId('bleichenbacher-run').click();
  await page.waitForFunction(() => /Byte 200 /.test(document.querySelector('[data-testid="bleichenbacher-result"] h4').textContent), null, { timeout: 30_000 });
  await idle(page);
  assert.equal(await page.getByTestId('bleich-real-refusal').getAttribute('data-alert'), 'bad_record_mac');
  assert.equal(await page.getByTestId('bleich-leaky-refusal').getAttribute('data-alert'), 'decrypt_error');
  await page.locator('tls-bleichenbacher').screenshot({ path: path.join(out, 'attack-bleichenbacher.png') });
  assert.deepEqual(problems, []);
});
