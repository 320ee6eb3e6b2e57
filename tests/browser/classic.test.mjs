// The classic TLS 1.2 RSA handshake, clicked through in Debian's Chromium.
//
// A tiny static server (helpers.mjs) serves the built site (site/dist, built by
// scripts/build.sh) on 127.0.0.1 with the production CSP; playwright-core
// drives /usr/bin/chromium through all seven steps, Run all, a message in each
// direction, Export and Close. The test fails on any console error, page
// error, CSP violation, or request to a host other than this machine.
//
//   bash scripts/build.sh && node --test tests/browser/
//
// Environment: TLS_PLAYGROUND_DIST (default site/dist), CHROMIUM (default
// /usr/bin/chromium). Screenshots go to tests/browser/out/ (ignored by git).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { useSite, out, waitReady, stepOf, waitStep, hashAfterIdle } from './helpers.mjs';

const site = useSite();
const openPage = (t) => site.openPage(t);

test('classic handshake: seven steps, run all, messages both ways, export, close', async (t) => {
  const { page, problems } = await openPage(t);
  const t0 = Date.now();
  await page.goto(`${site.origin}/`);

  // Before the engine: the seven steps are readable as plain text.
  assert.equal(await page.locator('nav.steps li').count(), 7);

  await waitReady(page);
  const readyMs = Date.now() - t0;
  t.diagnostic(`ready (engine + RSA-2048 setup + first handshake) ${readyMs} ms after navigation`);
  const engineReady = await page.getAttribute('body', 'data-engine-ready-ms');
  if (engineReady) t.diagnostic(`engine ready ${engineReady} ms after navigation (performance.now)`);

  // Step 1, then Next through all seven steps.
  assert.equal(await stepOf(page), 1);
  const titles = [];
  for (let n = 1; n <= 7; n++) {
    if (n > 1) await page.getByTestId('next').click();
    await waitStep(page, n);
    const panel = page.locator(`tls-step-panel[data-step="${n}"]`);
    assert.match(await panel.locator('.step-number').textContent(), new RegExp(`Step ${n} of 7`));
    const title = (await panel.locator('h2').textContent()).trim();
    assert.ok(title.length > 0, `step ${n} has a title`);
    titles.push(title);
    assert.ok((await panel.locator('.article-says p').textContent()).trim().length > 0, `step ${n}: what articles say`);
    assert.ok((await panel.locator('.really-happens').textContent()).trim().length > 20, `step ${n}: what really happens`);
    if (n < 7) assert.ok(await panel.locator('.event').count() > 0, `step ${n} shows events`);
    assert.equal(await hashAfterIdle(page), `#step=${n}`);
    assert.equal(await page.locator('svg.sequence .band.current').getAttribute('data-band'), String(n));
    if (n === 2) await page.screenshot({ path: path.join(out, 'classic-step2.png'), fullPage: true });
  }
  assert.equal(new Set(titles).size, 7, 'seven different step titles');
  assert.ok(await page.getByTestId('next').isDisabled(), 'Next is disabled at step 7');

  // Steps 2 and 3 show a decoded certificate; the diagram has one arrow per message.
  await page.getByTestId('prev').click();
  await waitStep(page, 6);
  await page.keyboard.press('ArrowLeft'); // keyboard navigation works too (focus is not in a field)
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await waitStep(page, 2);
  assert.ok(await page.locator('tls-step-panel table.cert').count() >= 1, 'step 2 shows the certificate');
  assert.match(await page.locator('tls-step-panel table.cert').first().textContent(), /playground\.test/);
  assert.ok(await page.locator('svg.sequence .message').count() >= 8, 'the diagram draws the handshake messages');

  // Run all ends on step 7.
  await page.getByTestId('run-all').click();
  await waitStep(page, 7);
  await page.waitForFunction(() => !document.querySelector('[data-testid="send-client"]').disabled);

  // Step 7: a message each way, decrypted by the other side.
  const messages = [['client', 'GET / HTTP/1.1 — héllo, sérver ✓'], ['server', 'HTTP/1.1 200 OK, hello client']];
  for (const [i, [from, text]] of messages.entries()) {
    await page.getByTestId('message-input').fill(text);
    await page.getByTestId(`send-${from}`).click();
    await page.locator('[data-testid="decrypted"]').nth(i).waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('[data-testid="decrypted"]').nth(i).textContent(), text,
      `the message sent as the ${from} round-trips`);
  }
  assert.equal(await page.locator('[data-testid="decrypted"]').count(), 2);
  assert.ok(await page.locator('svg.sequence .message.encrypted').count() >= 2, 'application data is drawn encrypted');
  await page.screenshot({ path: path.join(out, 'classic-step7.png'), fullPage: true });

  // Export: a download of the Session JSON.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export').click()]);
  const exported = JSON.parse(await fs.readFile(await download.path(), 'utf8'));
  assert.match(exported.suite, /^TLS_RSA_WITH_AES_(128_GCM_SHA256|256_GCM_SHA384)$/);
  assert.ok(Array.isArray(exported.records) && exported.records.length >= 5, 'records');
  for (const r of exported.records) {
    assert.ok(r.from === 'client' || r.from === 'server', `record from ${r.from}`);
    assert.match(r.hex, /^(14|15|16|17)030[13][0-9a-f]{4}/, 'a TLS record (the ClientHello may say 03 01)');
  }
  const appData = exported.records.filter((r) => r.hex.startsWith('17'));
  assert.deepEqual(appData.map((r) => r.from), ['client', 'server'], 'one application-data record each way');
  const keylog = /^CLIENT_RANDOM ([0-9a-f]{64}) ([0-9a-f]{96})$/m.exec(exported.keylog);
  assert.ok(keylog, `keylog line: ${exported.keylog}`);
  if (exported.secrets) {
    assert.equal(keylog[1], exported.secrets.clientRandom);
    assert.equal(keylog[2], exported.secrets.masterSecret);
  }
  assert.equal(exported.steps.length, 7);
  assert.equal(exported.closed, false);

  // Close: close_notify both ways, no more sending.
  await page.getByTestId('close').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="send-client"]').disabled);
  assert.ok(await page.getByTestId('send-server').isDisabled());
  const [closedDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export').click()]);
  const closed = JSON.parse(await fs.readFile(await closedDownload.path(), 'utf8'));
  assert.equal(closed.closed, true);
  assert.ok(closed.records.length > exported.records.length, 'close_notify records were added');

  // New session: fresh randoms, back to an open connection.
  await page.getByTestId('new-session').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid="send-client"]').disabled);
  const [freshDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export').click()]);
  const fresh = JSON.parse(await fs.readFile(await freshDownload.path(), 'utf8'));
  assert.equal(fresh.closed, false);
  assert.notEqual(fresh.keylog, exported.keylog, 'a new session has a new client random and master secret');

  assert.deepEqual(problems, [], 'no console error, page error, CSP violation or foreign request');
});

test('deep link #step=5 opens step 5', async (t) => {
  const { page, problems } = await openPage(t);
  await page.goto(`${site.origin}/#step=5`);
  await waitReady(page);
  await waitStep(page, 5);
  assert.equal(await page.locator('[data-step-link="5"]').getAttribute('aria-current'), 'step');
  assert.equal(await page.locator('tls-message-composer').isHidden(), true, 'the composer belongs to step 7');
  // Following a step link of the static list moves the panel.
  await page.locator('[data-step-link="3"]').click();
  await waitStep(page, 3);
  await page.screenshot({ path: path.join(out, 'classic-step3.png'), fullPage: false });
  assert.deepEqual(problems, []);
});
