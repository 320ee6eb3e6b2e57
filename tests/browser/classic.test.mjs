// The classic TLS 1.2 RSA handshake, clicked through in Debian's Chromium.
//
// A tiny static server (below) serves the built site (site/dist, built by
// scripts/build.sh) on 127.0.0.1 with the production CSP; playwright-core
// drives /usr/bin/chromium through all seven steps, Run all, a message in each
// direction, Export and Close. The test fails on any console error, page
// error, CSP violation, or request to a host other than this machine.
//
//   bash scripts/build.sh && node --test tests/browser/
//
// Environment: TLS_PLAYGROUND_DIST (default site/dist), CHROMIUM (default
// /usr/bin/chromium). Screenshots go to tests/browser/out/ (ignored by git).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const dist = path.resolve(process.env.TLS_PLAYGROUND_DIST || path.join(root, 'site/dist'));
const out = path.join(here, 'out');
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

// CSP is the policy of scripts/serve and netlify.toml.
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
  "img-src 'self' data:; connect-src 'self'; worker-src 'self'; base-uri 'none'; " +
  "form-action 'none'; frame-ancestors 'self'";

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** serve starts a static server for dir on 127.0.0.1 and a free port. */
async function serve(dir) {
  const server = http.createServer(async (req, res) => {
    const { pathname } = new URL(req.url, 'http://127.0.0.1');
    let file = path.join(dir, decodeURIComponent(pathname));
    if (!file.startsWith(dir + path.sep) && file !== dir) {
      res.writeHead(403).end();
      return;
    }
    try {
      if ((await fs.stat(file)).isDirectory()) file = path.join(file, 'index.html');
      const body = await fs.readFile(file);
      res.writeHead(200, {
        'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
        'Content-Security-Policy': CSP,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
      });
      res.end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

let browser;
let site;

before(async () => {
  assert.ok(existsSync(path.join(dist, 'index.html')) && existsSync(path.join(dist, 'engine.wasm')),
    `${dist} has no index.html or engine.wasm: build the site first with "bash scripts/build.sh"`);
  assert.ok(existsSync(executablePath),
    `${executablePath} not found: install Chromium with "apt-get install -y chromium" (or set CHROMIUM)`);
  await fs.mkdir(out, { recursive: true });
  site = await serve(dist);
  browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (site ? site.server.close(resolve) : resolve()));
});

/**
 * openPage opens a page that records every problem the test must fail on:
 * console errors (page and workers), uncaught page errors, CSP violations,
 * failed requests, and requests to any host other than this machine (which
 * are also blocked).
 */
async function openPage(t) {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1360, height: 1000 } });
  t.after(() => context.close());
  const problems = [];
  const isLocal = (url) => {
    const u = new URL(url);
    if (u.protocol === 'blob:' || u.protocol === 'data:') return true;
    return u.hostname === '127.0.0.1' || u.hostname === 'localhost';
  };
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLocal(url)) return route.continue();
    problems.push(`request to another host: ${url}`);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  // A worker's console messages reach both the page and the worker listener: keep one of each.
  const onConsole = (msg) => {
    if (msg.type() !== 'error') return;
    const text = `console error: ${msg.text()}`;
    if (!problems.includes(text)) problems.push(text);
  };
  page.on('console', onConsole);
  page.on('worker', (worker) => worker.on('console', onConsole));
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('request', (req) => {
    if (!isLocal(req.url())) problems.push(`request to another host: ${req.url()}`);
  });
  page.on('requestfailed', (req) => {
    if (isLocal(req.url())) problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()} for ${res.url()}`);
  });
  return { page, problems };
}

/** waitReady waits for the first session to be shown, failing fast if the engine could not start. */
async function waitReady(page) {
  await page.waitForSelector('body[data-state="ready"], body[data-state="failed"]', { timeout: 60_000 });
  const state = await page.getAttribute('body', 'data-state');
  if (state !== 'ready') {
    const status = await page.textContent('[data-testid="engine-status"]');
    assert.fail(`the page did not become ready: ${status.trim()}`);
  }
}

/** stepOf returns the step number the (first) step panel shows. */
function stepOf(page) {
  return page.getAttribute('tls-step-panel', 'data-step').then(Number);
}

async function waitStep(page, n) {
  await page.waitForSelector(`tls-step-panel[data-step="${n}"] .step-panel h2`, { timeout: 10_000 });
}

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
    assert.equal(await page.evaluate(() => location.hash), `#step=${n}`);
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
