// helpers.mjs is what every browser test shares: a static server for the
// built site with the production CSP, Debian's Chromium driven by
// playwright-core, and a page that records every problem a test must fail on.
// Not a test file itself (node --test runs only *.test.mjs).
//
// Environment: TLS_PLAYGROUND_DIST (default site/dist), CHROMIUM (default
// /usr/bin/chromium). Screenshots go to tests/browser/out/ (ignored by git).
//
// Usage, in a test file:
//   const site = useSite();                  // registers before/after hooks
//   const { page, problems } = await site.openPage(t);
//   await page.goto(`${site.origin}/#step=2`);
//
//   useSite({ go: true }) serves the site with the project's own server
//   (go run ./scripts/serve, built once into a temporary file), which also
//   answers as the engine's TLS server at /tls/ on the same origin.

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const dist = path.resolve(process.env.TLS_PLAYGROUND_DIST || path.join(root, 'site/dist'));
export const out = path.join(here, 'out');
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

// CSP is the policy of scripts/serve and netlify.toml.
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
  "img-src 'self' data:; connect-src 'self' https: http://localhost:* http://127.0.0.1:*; worker-src 'self'; base-uri 'none'; " +
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

/**
 * serveGo builds scripts/serve into a temporary file and runs it on
 * 127.0.0.1 and a free port: the site, and the engine's TLS server at /tls/.
 */
async function serveGo(dir) {
  const bin = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'tls-playground-serve-')), 'serve');
  execFileSync('go', ['build', '-o', bin, './scripts/serve'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  const child = spawn(bin, ['-addr', '127.0.0.1:0', '-dir', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  const origin = await new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`scripts/serve did not start within 30 s:\n${log}`)), 30_000);
    child.stderr.on('data', (chunk) => {
      log += chunk;
      const m = /serving .* at (http:\/\/127\.0\.0\.1:\d+)\//.exec(log);
      if (m && /tls\/flight/.test(log)) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`scripts/serve exited (${code}):\n${log}`));
    });
  });
  child.stderr.resume();
  return {
    origin,
    close: async () => {
      child.kill();
      await fs.rm(path.dirname(bin), { recursive: true, force: true });
    },
  };
}

let browser;
let site;

/**
 * useSite registers the hooks that serve the site and start Chromium for the
 * test file, and returns {origin, openPage} (origin is set once the hooks ran).
 * With {go: true}, the site is served by scripts/serve (with /tls/).
 */
export function useSite({ go = false } = {}) {
  const handle = { origin: '', openPage };
  before(async () => {
    assert.ok(existsSync(path.join(dist, 'index.html')) && existsSync(path.join(dist, 'engine.wasm')),
      `${dist} has no index.html or engine.wasm: build the site first with "bash scripts/build.sh"`);
    assert.ok(existsSync(executablePath),
      `${executablePath} not found: install Chromium with "apt-get install -y chromium" (or set CHROMIUM)`);
    await fs.mkdir(out, { recursive: true });
    if (go) {
      const s = await serveGo(dist);
      site = { origin: s.origin, server: { close: (done) => s.close().then(done) } };
    } else {
      site = await serve(dist);
    }
    handle.origin = site.origin;
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
  return handle;
}

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
export async function waitReady(page) {
  await page.waitForSelector('body[data-state="ready"], body[data-state="failed"]', { timeout: 60_000 });
  const state = await page.getAttribute('body', 'data-state');
  if (state !== 'ready') {
    const status = await page.textContent('[data-testid="engine-status"]');
    assert.fail(`the page did not become ready: ${status.trim()}`);
  }
}

/** stepOf returns the step number the (first) step panel shows. */
export function stepOf(page) {
  return page.getAttribute('tls-step-panel', 'data-step').then(Number);
}

export async function waitStep(page, n) {
  await page.waitForSelector(`tls-step-panel[data-step="${n}"] .step-panel h2`, { timeout: 10_000 });
}
