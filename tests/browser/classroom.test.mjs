// The classroom edition, in Debian's Chromium:
//   - the single file (DIST/tls-playground.html, scripts/singlefile) opened from
//     file://: the classic handshake to step 7 with a message sent and decrypted,
//     and the in-page server (modules the worker bundle carries) answering a
//     TLS 1.3 handshake; no console error, no CSP violation, nothing fetched;
//   - tlsplay built with -tags embedsite (the site of DIST compiled in) running
//     `tlsplay web 127.0.0.1:0 --no-open`: all three modes in the page it serves,
//     and the single file served over HTTP too;
//   - a page that cannot start says what failed (js/boot.js, the engine loader):
//     index.html from file://, no WebAssembly, the engine answering 404, the
//     page's modules failing to load.
//
//   bash scripts/build.sh && node --test tests/browser/classroom.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { useSite, root, dist, out, waitReady, waitStep, chooseMode } from './helpers.mjs';

const site = useSite();
const single = path.join(dist, 'tls-playground.html');

/**
 * runMode chooses mode (when it is not on screen), steps through the seven
 * steps and sends a message from the client, which the server decrypts.
 */
async function runMode(page, mode) {
  await chooseMode(page, mode);
  assert.equal(await page.getAttribute('body', 'data-session-mode'), mode);
  assert.equal(await page.locator('[data-testid="session-error"]').isHidden(), true, `${mode}: no error is shown`);
  await page.locator('[data-step-link="1"]').click();
  await waitStep(page, 1);
  for (let n = 2; n <= 7; n++) {
    await page.getByTestId('next').click();
    await waitStep(page, n);
  }
  await page.waitForFunction(() => !document.querySelector('[data-testid="send-client"]').disabled);
  const sent = await page.locator('[data-testid="decrypted"]').count();
  const text = `GET /${mode} — from the classroom ✓`;
  await page.getByTestId('message-input').fill(text);
  await page.getByTestId('send-client').click();
  await page.locator('[data-testid="decrypted"]').nth(sent).waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('[data-testid="decrypted"]').nth(sent).textContent(), text, `${mode}: the message is decrypted`);
}

/**
 * openFilePage opens a page as site.openPage does, which lets file: URLs load
 * too (its guard lets only this machine's http through).
 */
async function openFilePage(t) {
  const opened = await site.openPage(t);
  await opened.page.context().route(/^file:/, (route) => route.continue());
  return opened;
}

/** status returns the status line: {text, error, failure} and the body's state. */
async function status(page) {
  return page.evaluate(() => {
    const el = document.getElementById('engine-status');
    return {
      state: document.body.dataset.state,
      text: el.querySelector('.status-text').textContent.trim(),
      error: el.dataset.error,
      failure: el.dataset.failure,
    };
  });
}

test('the single file runs the classic handshake from file://', { skip: !existsSync(single) && `${single} not built (scripts/build.sh makes it)` }, async (t) => {
  const { page, problems } = await openFilePage(t);
  const fetched = [];
  page.on('request', (req) => {
    if (!/^(file|blob|data):/.test(req.url())) fetched.push(req.url());
  });
  await page.goto(pathToFileURL(single).href);
  await waitReady(page);
  assert.equal(await page.getAttribute('html', 'data-edition'), 'single-file');
  await runMode(page, 'classic');
  await page.screenshot({ path: path.join(out, 'single-file-step7.png') });

  // The in-page server runs network.js and server-runtime.js, which only the worker's bundle carries here.
  await page.evaluate(() => { location.hash = '#server=page&mode=tls13&step=1'; });
  await page.waitForFunction(() => {
    const b = document.body.dataset;
    return b.busy === 'false' && b.server === 'page' && b.sessionMode === 'tls13' && Number(b.exchanges) >= 1;
  }, null, { timeout: 30_000 });
  assert.equal(await page.locator('[data-testid="session-error"]').isHidden(), true,
    `the in-page server: ${await page.locator('[data-testid="session-error"]').textContent()}`);
  assert.ok(await page.locator('[data-testid="http-exchange"]').count() >= 1, 'the Network panel shows the in-page server\'s exchanges');

  // The helpers count file: as another host; what was fetched is checked just below.
  assert.deepEqual(problems.filter((p) => !p.startsWith('request to another host: file:')), [],
    'no console error, page error or CSP violation');
  assert.deepEqual(fetched, [], 'nothing fetched but the file itself, blob: and data: URLs');
});

// ---- tlsplay web ------------------------------------------------------------------

let web = null; // {origin, child, dir}

before(async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tlsplay-web-'));
  const bin = path.join(dir, process.platform === 'win32' ? 'tlsplay.exe' : 'tlsplay');
  const args = ['build', '-tags', 'embedsite', '-o', bin];
  // go:embed reads site/dist: a build elsewhere (TLS_PLAYGROUND_DIST) is mapped onto it.
  const siteDist = path.join(root, 'site/dist');
  if (path.resolve(dist) !== siteDist) {
    const replace = {};
    const walk = async (d) => {
      for (const e of await fs.readdir(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) await walk(p);
        else replace[path.join(siteDist, path.relative(dist, p))] = p;
      }
    };
    await walk(dist);
    const overlay = path.join(dir, 'overlay.json');
    await fs.writeFile(overlay, JSON.stringify({ Replace: replace }));
    args.push('-overlay', overlay);
  }
  execFileSync('go', [...args, './playground/cmd/tlsplay'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  const child = spawn(bin, ['web', '127.0.0.1:0', '--no-open'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const origin = await new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`tlsplay web did not start within 30 s:\n${log}`)), 30_000);
    const read = (chunk) => {
      log += chunk;
      const m = /The TLS Playground is at (http:\/\/127\.0\.0\.1:\d+)\//.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tlsplay web exited (${code}):\n${log}`));
    });
  });
  web = { origin, child, dir };
});

after(async () => {
  if (!web) return;
  if (web.child.exitCode === null) {
    await new Promise((resolve) => {
      web.child.once('exit', resolve);
      web.child.kill('SIGINT');
    });
  }
  await fs.rm(web.dir, { recursive: true, force: true });
});

test('tlsplay web serves a page that runs all three modes', async (t) => {
  const { page, problems } = await site.openPage(t);
  await page.goto(`${web.origin}/`);
  await waitReady(page);
  for (const mode of ['classic', 'ecdhe', 'tls13']) {
    await t.test(mode, () => runMode(page, mode));
  }
  await page.screenshot({ path: path.join(out, 'tlsplay-web-tls13.png') });
  const info = await page.evaluate(async () => (await fetch('/tls/info')).json());
  assert.match(info.rootPem, /BEGIN CERTIFICATE/, 'the engine\'s TLS server answers at /tls/');
  assert.deepEqual(problems, [], 'no console error, page error, CSP violation or foreign request');
});

test('tlsplay web serves the single file too', { skip: !existsSync(single) && `${single} not built` }, async (t) => {
  const { page, problems } = await site.openPage(t);
  await page.goto(`${web.origin}/tls-playground.html`);
  await waitReady(page);
  await runMode(page, 'tls13');
  assert.deepEqual(problems, []);
});

// ---- a page that cannot start says what failed -------------------------------------

test('index.html from file:// points to the single file and tlsplay web', async (t) => {
  const { page } = await openFilePage(t); // the browser refuses the modules: console errors are expected
  await page.goto(pathToFileURL(path.join(dist, 'index.html')).href);
  await page.waitForSelector('body[data-state="failed"]', { timeout: 10_000 });
  const s = await status(page);
  assert.equal(s.failure, 'file');
  assert.equal(s.error, 'true');
  assert.match(s.text, /opened as a file \(file:\/\/\).*tls-playground\.html.*tlsplay web/);
  assert.equal(await page.locator('#engine-status a').getAttribute('href'), 'tls-playground.html');
  assert.equal(await page.locator('#engine-status progress').isHidden(), true, 'no progress bar once it failed');
  await page.locator('#engine-status').screenshot({ path: path.join(out, 'boot-file.png') });
});

test('without WebAssembly the page says so', async (t) => {
  const { page } = await site.openPage(t);
  await page.addInitScript(() => { delete globalThis.WebAssembly; });
  await page.goto(`${web.origin}/`);
  await page.waitForSelector('body[data-state="failed"]', { timeout: 10_000 });
  const s = await status(page);
  assert.equal(s.error, 'true');
  assert.match(s.text, /no WebAssembly/);
  assert.match(s.text, /allow WebAssembly for this page, or use another browser/);
});

test('an engine that answers 404 is named, with its status', async (t) => {
  const { page } = await site.openPage(t);
  await page.context().route(/\/engine[^/]*\.wasm$/, (route) => route.fulfill({ status: 404, contentType: 'text/plain', body: 'not found' }));
  await page.goto(`${web.origin}/`);
  await page.waitForSelector('body[data-state="failed"]', { timeout: 30_000 });
  const s = await status(page);
  assert.equal(s.error, 'true');
  assert.match(s.text, /fetching the engine from http:\/\/127\.0\.0\.1:\d+\/\S*engine\S*\.wasm failed: HTTP 404/);
});

test('a worker script that cannot load is named', async (t) => {
  const { page } = await site.openPage(t);
  await page.context().route(/\/js\/engine-worker\.js(\?.*)?$/, (route) => route.fulfill({ status: 404, contentType: 'text/plain', body: 'not found' }));
  await page.goto(`${web.origin}/`);
  await page.waitForSelector('body[data-state="failed"]', { timeout: 30_000 });
  const s = await status(page);
  assert.equal(s.error, 'true');
  assert.match(s.text, /the engine worker \(http:\/\/127\.0\.0\.1:\d+\/\S*engine-worker\.js\) did not start/);
});

test('modules that never run are reported', async (t) => {
  const { page } = await site.openPage(t);
  await page.context().route(/\/js\/app\.js$/, (route) => route.fulfill({ status: 404, contentType: 'text/plain', body: 'not found' }));
  await page.goto(`${web.origin}/`);
  await page.waitForSelector('body[data-state="failed"]', { timeout: 10_000 });
  const s = await status(page);
  assert.equal(s.failure, 'no-modules');
  assert.match(s.text, /scripts did not run/);
});
