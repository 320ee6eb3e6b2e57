// helpers.mjs is what every browser test shares: the built site served by the
// project's own server (scripts/serve: site.Handler, the production headers of
// site/site.go that netlify.toml mirrors, so there is no second copy of the
// CSP here), Debian's Chromium driven by playwright-core, and a page that
// records every problem a test must fail on.
// Not a test file itself (node --test runs only *.test.mjs).
//
// Environment: TLS_PLAYGROUND_DIST (default site/dist), CHROMIUM (default
// /usr/bin/chromium), TLSPLAY_SERVE and TLSPLAY_BIN (scripts/serve and tlsplay already
// built; default: goBinary builds them). Screenshots go to tests/browser/out/ (ignored by git).
//
// Usage, in a test file:
//   const site = useSite();                  // registers before/after hooks
//   const { page, problems } = await site.openPage(t);
//   await page.goto(`${site.origin}/#step=2`);
//
//   useSite({ go: true }) also runs the engine's TLS server at /tls/ on the
//   same origin (scripts/serve -tls-server). useSite({ prepare }) serves the
//   folder that `await prepare(dist)` returns instead of the dist itself
//   (a copy a test may rebuild); site.dir is the folder served.

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '../..');
export const dist = path.resolve(process.env.TLS_PLAYGROUND_DIST || path.join(root, 'site/dist'));
export const out = path.join(here, 'out');
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

/** build reads dir/build.json (scripts/sitebuild): {version, engine, assets, precache, sizes}. */
export function build(dir = dist) {
  const file = path.join(dir, 'build.json');
  assert.ok(existsSync(file), `${file} not found: build the site first with "bash scripts/build.sh"`);
  return JSON.parse(readFileSync(file, 'utf8'));
}

const binaries = new Map();

/**
 * goBinary builds a Go program of this repository (pkg: './scripts/serve', './playground/cmd/tlsplay')
 * once per test process, into a temporary folder, unless the environment variable env names one
 * already built (scripts/test.sh builds them once for every file: TLSPLAY_SERVE, TLSPLAY_BIN).
 */
export function goBinary(pkg, env) {
  if (!binaries.has(pkg)) {
    binaries.set(pkg, (async () => {
      if (process.env[env]) {
        assert.ok(existsSync(process.env[env]), `${env}=${process.env[env]}: no such file`);
        return process.env[env];
      }
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tls-playground-bin-'));
      const bin = path.join(dir, path.basename(pkg));
      execFileSync('go', ['build', '-o', bin, pkg], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
      return bin;
    })());
  }
  return binaries.get(pkg);
}

/**
 * serve runs scripts/serve for dir on 127.0.0.1 and a free port (with tls,
 * the engine's TLS server at /tls/ too) and resolves {origin, close}.
 */
export async function serve(dir, { tls = false } = {}) {
  const bin = await goBinary('./scripts/serve', 'TLSPLAY_SERVE');
  const child = spawn(bin, ['-addr', '127.0.0.1:0', '-dir', dir, `-tls-server=${tls}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  const origin = await new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`scripts/serve did not start within 30 s:\n${log}`)), 30_000);
    child.stderr.on('data', (chunk) => {
      log += chunk;
      const m = /serving .* at (http:\/\/127\.0\.0\.1:\d+)\//.exec(log);
      if (m && (!tls || /tls\/flight/.test(log))) {
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
    close: () => new Promise((resolve) => {
      if (child.exitCode !== null) { resolve(); return; }
      child.once('exit', resolve);
      child.kill();
    }),
  };
}

/** launchOptions start Debian's Chromium headless, offline from anything but this machine. */
export const launchOptions = {
  executablePath,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};

let browser;
let site;

/**
 * useSite registers the hooks that serve the site and start Chromium for the
 * test file, and returns {origin, dir, openPage} (origin and dir are set once
 * the hooks ran). With {go: true}, the engine's TLS server answers at /tls/;
 * with {backForwardCache: true}, Chromium keeps pages in its back/forward cache
 * (Playwright turns it off by default).
 */
export function useSite({ go = false, prepare, backForwardCache = false } = {}) {
  const handle = { origin: '', dir: '', openPage };
  before(async () => {
    const b = build(dist);
    assert.ok(existsSync(path.join(dist, 'index.html')) && existsSync(path.join(dist, b.engine)),
      `${dist} has no index.html or ${b.engine}: build the site first with "bash scripts/build.sh"`);
    assert.ok(existsSync(executablePath),
      `${executablePath} not found: install Chromium with "apt-get install -y chromium" (or set CHROMIUM)`);
    await fs.mkdir(out, { recursive: true });
    handle.dir = prepare ? await prepare(dist) : dist;
    site = await serve(handle.dir, { tls: go });
    handle.origin = site.origin;
    browser = await chromium.launch(backForwardCache
      ? { ...launchOptions, ignoreDefaultArgs: ['--disable-back-forward-cache'] }
      : launchOptions);
  });
  after(async () => {
    await browser?.close();
    await site?.close();
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
  // A navigation cancels what the previous document was still loading (a module
  // imported when idle, a background fetch): that is the browser's doing, not a failure.
  let navigations = 0;
  const startedIn = new WeakMap();
  page.on('request', (req) => {
    if (req.isNavigationRequest() && req.frame() === page.mainFrame()) navigations++;
    else startedIn.set(req, navigations);
    if (!isLocal(req.url())) problems.push(`request to another host: ${req.url()}`);
  });
  // A navigation to about:blank makes no request: count the main frame's new documents
  // too (not a change of the #fragment alone, which cancels nothing).
  let documentURL = '';
  page.on('framenavigated', (frame) => {
    if (frame !== page.mainFrame()) return;
    const u = frame.url().replace(/#.*$/, '');
    if (u !== documentURL) { documentURL = u; navigations++; }
  });
  page.on('requestfailed', (req) => {
    // The lab and server modules are fetched in the background once the page is idle
    // (sw.js store-lazy); a navigation that cancels that fetch is not a failure.
    const lazy = /\/assets\/(lab|server)-[0-9a-f]+\.wasm$/.test(new URL(req.url()).pathname);
    if (lazy && req.failure()?.errorText === 'net::ERR_ABORTED') return;
    const aborted = req.failure()?.errorText === 'net::ERR_ABORTED' && startedIn.has(req);
    if (aborted && startedIn.get(req) < navigations) return;
    if (aborted) {
      // The abort can reach us just before the navigation that caused it: decide a moment later.
      const at = navigations;
      setTimeout(() => { if (navigations === at) problems.push(`request failed: ${req.url()} net::ERR_ABORTED`); }, 1000);
      return;
    }
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

/** idle waits until the engine is not working for the page. */
export async function idle(page) {
  await page.waitForFunction(() => document.body.dataset.busy === 'false', null, { timeout: 30_000 });
}

/**
 * reach scrolls to the first element matching selector, of a part of the page that loads only as it
 * comes near the screen (site/js/below-fold.js), and waits until its module has run. Playwright's click
 * scrolls only to an element that exists, and what such a part shows does not until then.
 */
export async function reach(page, selector) {
  await page.waitForFunction((sel) => {
    const el = document.querySelector(sel);
    if (!el) return false;
    if (customElements.get(el.localName)) return true;
    el.scrollIntoView({ block: 'center' });
    return false;
  }, selector, { timeout: 30_000, polling: 100 });
}

/** chooseMode selects a mode with the mode switch (if it is not on screen) and waits for its new session. */
export async function chooseMode(page, mode) {
  if (await page.getByTestId(`mode-${mode}`).isChecked()) return;
  const seed = await page.getAttribute('body', 'data-session-seed');
  await page.getByTestId(`mode-${mode}`).check();
  await page.waitForFunction(({ mode, seed }) => {
    const b = document.body.dataset;
    return b.busy === 'false' && b.sessionMode === mode && b.sessionSeed !== seed;
  }, { mode, seed }, { timeout: 30_000 });
}

/**
 * pageState says what the page is doing, for a failure's message: busy, the status
 * line, the lab's error, the fragment, the visitor's key generation, what waits for the engine.
 */
export async function pageState(page) {
  return page.evaluate(() => {
    const text = (sel) => (document.querySelector(sel)?.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 300);
    const lab = document.querySelector('tls-attack-lab [data-testid="lab-error"]:not([hidden])');
    const d = document.body.dataset;
    return `busy=${d.busy} state=${d.state} key generation=${d.keyGeneration || ''}${d.waiting ? ` waiting for the engine: ${d.waiting}` : ''} hash=${location.hash} status="${text('[data-testid="engine-status"]')}"${lab ? ` lab error="${text('tls-attack-lab [data-testid="lab-error"]')}"` : ''}`;
  }).catch((err) => `(the page could not be read: ${err.message})`);
}

/**
 * outcome waits for what an attack's action shows (selector, within timeout ms). When
 * the lab shows an error instead (the action failed: the page then shows no result),
 * it fails at once with that error; past the timeout it fails with what the page was
 * doing (pageState), so that a failure on a loaded CI machine says why.
 */
export async function outcome(page, selector, timeout) {
  const failed = 'tls-attack-lab [data-testid="lab-error"]:not([hidden])';
  try {
    await page.locator(`${selector}, ${failed}`).first().waitFor({ timeout });
  } catch (err) {
    throw new Error(`${selector} did not show within ${timeout} ms; the page: ${await pageState(page)}`, { cause: err });
  }
  if (await page.locator(failed).count()) {
    assert.fail(`the lab failed instead of showing ${selector}: ${await pageState(page)}`);
  }
}

/**
 * ATTACKS lists each attack of the lab: its name (#attack=NAME), what shows it
 * arrived, and what runs it further (null: it runs on arrival).
 */
export const ATTACKS = [
  ['eve', 'tls-eve [data-testid="wire-eve"]', async (page) => {
    await page.getByTestId('eve-send').click();
    await page.locator('tls-eve').getByTestId('eve-leak').click();
    await outcome(page, '[data-testid="eve-verdict"]', 20_000);
  }],
  ['mallory', '[data-testid="mallory-refusal"]', async (page) => {
    await page.getByTestId('mallory-trust').click();
    await outcome(page, '[data-testid="mallory-sessions"]', 30_000);
    await idle(page);
    await page.getByTestId('mallory-input').fill('Transfer 100 EUR to Bob');
    await page.getByTestId('mallory-send-client').click();
    await outcome(page, '[data-testid="mallory-delivered"]', 20_000);
  }],
  ['downgrade', '[data-testid="downgrade-refusal"]', null],
  ['certificates', 'tls-scenarios [data-scenario-link]', null],
  ['tamper', '[data-testid="tamper-preset-aead"]', async (page) => {
    await page.getByTestId('tamper-preset-aead').click();
    await outcome(page, '[data-testid="tamper-result"]', 30_000);
  }],
  ['bleichenbacher', '[data-testid="bleich-leaky-refusal"]', null],
  ['resumption', 'tls-resumption [data-testid="resume-second"], tls-resumption [data-testid="lab-error"]:not([hidden])', async (page) => {
    await page.locator('tls-resumption').getByTestId('resume-eve').click();
    await outcome(page, 'tls-resumption [data-testid="resume-eve-result"]', 20_000);
  }],
];

/**
 * FLOWS lists what a visitor does after the page is ready, each as [name, run]:
 * New session, Run all, the mode switches, the comparison, every attack. The
 * long-task bench (tests/bench/flows-bench.mjs) and guard (longtasks.test.mjs)
 * run them in this order.
 */
export const FLOWS = [
  ['"New session"', async (page) => {
    const seed = await page.getAttribute('body', 'data-session-seed');
    await page.getByTestId('new-session').click();
    await page.waitForFunction((s) => document.body.dataset.sessionSeed !== s && document.body.dataset.busy === 'false', seed);
  }],
  ['"Run all"', async (page) => {
    await page.getByTestId('run-all').click();
    await idle(page);
  }],
  ['mode switch → ECDHE', (page) => chooseMode(page, 'ecdhe')],
  ['mode switch → TLS 1.3', (page) => chooseMode(page, 'tls13')],
  ['mode switch → classic', (page) => chooseMode(page, 'classic')],
  ['the comparison (#compare)', async (page) => {
    await page.evaluate(() => { location.hash = '#compare'; });
    await page.waitForSelector('tls-comparison[data-state="done"], tls-comparison[data-state="failed"]', { timeout: 60_000 });
    await idle(page);
  }],
  ...ATTACKS.map(([attack, ready, run]) => [`attack: ${attack}`, async (page) => {
    await page.evaluate((a) => { location.hash = `#attack=${a}`; }, attack);
    await page.waitForSelector(ready, { timeout: 60_000 });
    await idle(page);
    if (run) {
      await run(page);
      await idle(page);
    }
  }]),
];

/**
 * hashAfterIdle returns the page's URL fragment once a write the page left for
 * idle time has run: a routed view writes its place with history.replaceState
 * from requestIdleCallback (timeout 500 ms), and idle callbacks run in order.
 */
export async function hashAfterIdle(page) {
  await page.evaluate(() => new Promise((resolve) => (globalThis.requestIdleCallback || setTimeout)(() => resolve(), { timeout: 2000 })));
  return page.evaluate(() => location.hash);
}

/** snippet opens "Embed this" for the view on screen and returns its two snippets. */
export async function snippet(page, forView) {
  const code = page.locator(`tls-embed-code[for="${forView}"]`);
  const toggle = code.getByTestId('embed-toggle');
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  return {
    iframe: await code.getByTestId('embed-iframe').inputValue(),
    element: await code.getByTestId('embed-element').inputValue(),
  };
}

/** hostServer serves a blog page made of the snippets (embed.test.mjs, bfcache.test.mjs), with a strict CSP, on its own port. */
export async function hostServer(siteOrigin, body) {
  const csp = `default-src 'none'; script-src ${siteOrigin}/tls-playground.js; frame-src ${siteOrigin}; `
    + "style-src 'self'; img-src 'none'; base-uri 'none'; form-action 'none'";
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>A blog post about TLS</title><link rel="stylesheet" href="/host.css"></head>
<body><h1>How HTTPS really works</h1><p>My readers can try it right here:</p>
<main>${body}</main>
${'<p>The rest of the post, long enough for the host page to scroll.</p>\n'.repeat(80)}
</body></html>`;
  const css = 'body { margin: 0 auto; max-width: 1400px; font: 16px/1.5 sans-serif; padding: 0 8px; }\n'
    + 'main { display: grid; grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); gap: 12px; align-items: start; }\n'
    + 'main > * { min-width: 0; border: 1px solid #999; }\n';
  const server = http.createServer((req, res) => {
    if (req.url === '/host.css') { res.writeHead(200, { 'Content-Type': 'text/css' }).end(css); return; }
    if (req.url === '/favicon.ico') { res.writeHead(204).end(); return; }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': csp }).end(html);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

/** embedFrames lists the host's embed iframes (plain ones and those inside <tls-playground>), with their Playwright frames. */
export async function embedFrames(page) {
  const handles = await page.evaluateHandle(() => [
    ...document.querySelectorAll('main > iframe'),
    ...[...document.querySelectorAll('tls-playground')].map((el) => el.shadowRoot.querySelector('iframe')),
  ]);
  const n = await handles.evaluate((list) => list.length);
  const result = [];
  for (let i = 0; i < n; i++) {
    const el = await handles.evaluateHandle((list, j) => list[j], i);
    result.push({ el, frame: await el.asElement().contentFrame() });
  }
  return result;
}
