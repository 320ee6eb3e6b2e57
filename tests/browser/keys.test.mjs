// Nobody waits for RSA key generation (issue 9), in Debian's Chromium: a first
// visit shows its first session with the starter key shipped with the page
// (the engine is asked to generate nothing before it), then the engine makes
// the visitor's own pair in the worker and the next session uses it; a reload
// in the same browser profile uses the kept pair and generates nothing. The
// page names the key's source and when it was made, as the engine did it.
// No timing is asserted.
//
//   bash scripts/build.sh && node --test tests/browser/keys.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSite, waitReady, idle } from './helpers.mjs';

const site = useSite();

/** logCalls records, in the page, every call the page makes to its engine worker: {method, keys}. */
function logCalls() {
  const post = Worker.prototype.postMessage;
  window.__engineCalls = [];
  Worker.prototype.postMessage = function (msg, ...rest) {
    if (msg && typeof msg.method === 'string') {
      let arg = {};
      try { arg = msg.arg ? JSON.parse(msg.arg) : {}; } catch { /* not JSON */ }
      window.__engineCalls.push({ method: msg.method, caKey: Boolean(arg.caKeyPem), key: Boolean(arg.keyPem), bits: arg.bits });
    }
    return post.call(this, msg, ...rest);
  };
}

const calls = (page) => page.evaluate(() => window.__engineCalls);
const body = (page, name) => page.getAttribute('body', `data-${name}`);
const origin = (page) => page.getByTestId('key-origin').first().textContent();

test('the first session uses the starter key, a fresh key is made in the background and used next, a reload keeps it', async (t) => {
  const { page, problems } = await site.openPage(t);
  await page.addInitScript(logCalls);
  await page.goto(`${site.origin}/`);
  await waitReady(page);

  // The first session: the engine was given both keys, generated none, and the page says so.
  let log = await calls(page);
  const first = log.findIndex((c) => c.method === 'newSession');
  assert.ok(first > 0, `a first session was run: ${JSON.stringify(log)}`);
  const before = log.slice(0, first);
  assert.ok(before.some((c) => c.method === 'setup' && c.caKey && c.key), `setup was given both keys: ${JSON.stringify(before)}`);
  assert.ok(!before.some((c) => c.method === 'generateKey' || (c.method === 'setup' && !(c.caKey && c.key))), `nothing generated before the first session: ${JSON.stringify(before)}`);
  assert.equal(await body(page, 'key-source'), 'starter');
  assert.equal(await body(page, 'setup-generated'), '');
  assert.equal(await body(page, 'key-created'), '2026-11-30T04:40:00.000Z');
  const starterPrint = await body(page, 'key-fingerprint');
  assert.match(starterPrint, /^[0-9a-f]{64}$/);
  assert.match(await origin(page), /RSA-2048: the starter key shipped with this page, made 2026-11-30 04:40 UTC: everyone has it/);
  assert.equal(await page.getByTestId('key-fingerprint').first().textContent(), starterPrint);

  // The fresh pair, made in the worker after the first session.
  await page.waitForSelector('body[data-key-generation="done"]', { timeout: 120_000 });
  log = await calls(page);
  assert.deepEqual(log.filter((c) => c.method === 'generateKey').map((c) => c.bits), [2048, 2048], 'the root key and the server key');
  assert.ok(log.findIndex((c) => c.method === 'generateKey') > first, 'generated after the first session');
  assert.match(await page.textContent('[data-testid="engine-status"]'), /Your own RSA-2048 keys are ready .* the next session uses them/);
  assert.equal(await body(page, 'key-source'), 'starter', 'the session on screen is not replaced');

  // New session uses it: a setup given the fresh keys, then the handshake.
  const seed = await body(page, 'session-seed');
  await page.getByTestId('new-session').click();
  await page.waitForFunction((s) => document.body.dataset.sessionSeed !== s && document.body.dataset.busy === 'false', seed);
  assert.equal(await body(page, 'key-source'), 'generated');
  assert.equal(await body(page, 'setup-generated'), '');
  const fresh = await body(page, 'key-fingerprint');
  assert.notEqual(fresh, starterPrint);
  const made = await body(page, 'key-created');
  const shown = `${made.slice(0, 16).replace('T', ' ')} UTC`;
  assert.match(await origin(page), new RegExp(`RSA-2048: generated in this browser at ${shown}`));
  assert.match(await page.textContent('[data-testid="engine-status"]'), /Server key: generated in this browser at/);
  // The certificate on screen carries that key.
  const modulus = await page.evaluate(() => document.body.dataset.keyFingerprint);
  assert.equal(modulus, fresh);

  // A reload in the same profile: the kept pair, nothing generated.
  await page.reload();
  await waitReady(page);
  await idle(page);
  await page.waitForTimeout(500);
  log = await calls(page);
  assert.ok(!log.some((c) => c.method === 'generateKey'), `nothing generated on a later visit: ${JSON.stringify(log)}`);
  assert.ok(log.some((c) => c.method === 'setup' && c.caKey && c.key));
  assert.equal(await body(page, 'key-source'), 'kept');
  assert.equal(await body(page, 'key-fingerprint'), fresh);
  assert.equal(await body(page, 'key-created'), made);
  assert.equal(await body(page, 'key-generation'), null);
  assert.match(await origin(page), new RegExp(`RSA-2048: generated in this browser on ${shown}, kept since`));

  // Another RSA size is generated on demand (the server key only: the root's is kept), then kept.
  let before3072 = await body(page, 'session-seed');
  await page.getByTestId('key-size').selectOption('3072');
  await page.waitForFunction((s) => document.body.dataset.sessionSeed !== s && document.body.dataset.busy === 'false' && document.body.dataset.keySource === 'generated', before3072, { timeout: 120_000 });
  assert.equal(await body(page, 'setup-generated'), 'server');
  assert.match(await origin(page), /RSA-3072: generated in this browser at/);
  before3072 = await body(page, 'session-seed');
  await page.getByTestId('key-size').selectOption('2048');
  await page.waitForFunction((s) => document.body.dataset.sessionSeed !== s && document.body.dataset.busy === 'false', before3072);
  assert.equal(await body(page, 'key-source'), 'kept');
  assert.equal(await body(page, 'key-fingerprint'), fresh);
  assert.deepEqual(problems, []);
});
