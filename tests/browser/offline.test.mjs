// Offline after one visit, and a new deploy picked up through the update
// prompt, in Debian's Chromium, with the site served by scripts/serve (the
// production headers) from a copy of the dist that the second test rebuilds:
//
// 1. Visit once; the service worker (sw.js) installs what the page loaded (the
//    shell, its code so far, the engine) and takes control; once the page is
//    idle it stores the rest of the page's code and the lab and server modules
//    (store-lazy): <html data-sw-lazy="stored"> is "offline-ready", and the test
//    waits for it. Go offline (context.setOffline), reload: the page,
//    its code and the engine come from the worker; a handshake in each mode
//    (classic, TLS 1.2 + ECDHE, TLS 1.3, each to a message each way) and
//    Eve's attack run; no console error.
// 2. Rebuild the served folder with another engine (the same wasm with a
//    custom section appended, so its hash changes) by scripts/sitebuild, as a
//    deploy would; registration.update(): "A new version is ready — Reload"
//    appears; until it is pressed, even a reload keeps the old engine (which
//    the server no longer has: the worker serves it); after it, the page
//    reloads onto the new shell and the new engine, and the old cache is gone.
// 3. Chromium deems the page installable (its own check of the manifest, the
//    icons and the worker, in a profile on disk).
//
//   bash scripts/build.sh && node --test tests/browser/offline.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { useSite, build, launchOptions, out, root, waitReady, waitStep, chooseMode, hashAfterIdle } from './helpers.mjs';

const site = useSite({
  // A copy of the dist, which the second test rebuilds.
  prepare: async (dist) => {
    const dir = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'tls-playground-offline-')), 'dist');
    await fs.cp(dist, dir, { recursive: true });
    process.once('exit', () => execFileSync('rm', ['-rf', path.dirname(dir)]));
    return dir;
  },
});

/** engineRequests records the engine URLs a page asks for (the worker's requests included). */
function engineRequests(page) {
  const urls = [];
  page.on('request', (req) => {
    const m = /\/assets\/engine-[0-9a-f]+\.wasm$/.exec(new URL(req.url()).pathname);
    if (m) urls.push(m[0].slice(1));
  });
  return urls;
}

/**
 * engineFromStorage adds to urls the engine the page's worker read from Cache Storage itself
 * (js/engine-worker.js reads a stored module without a request a page could see), from the
 * detail of its engine:response mark ({url, from}); a worker that fetched it added nothing.
 */
async function engineFromStorage(page, urls) {
  const worker = page.workers().find((w) => /engine-worker\.js/.test(w.url()));
  const detail = await worker?.evaluate(() => performance.getEntriesByName('engine:response').at(-1)?.detail ?? null);
  if (detail?.from === 'cache-storage') urls.push(new URL(detail.url).pathname.slice(1));
}

/** controlled waits until the service worker controls the page (installed: precached, and active). */
async function controlled(page) {
  await page.waitForFunction(() => navigator.serviceWorker.controller && document.documentElement.dataset.sw === 'controlled', null, { timeout: 60_000 });
}

/** stored returns the names of the worker's caches and how many files each holds. */
function stored(page) {
  return page.evaluate(async () => {
    const out = {};
    for (const name of await caches.keys()) out[name] = (await (await caches.open(name)).keys()).length;
    return out;
  });
}

/** handshake runs the session of the mode shown to step 7 and sends a message each way. */
async function handshake(page, mode) {
  await page.locator('[data-step-link="7"]').click();
  await waitStep(page, 7);
  await page.waitForFunction(() => !document.querySelector('[data-testid="send-client"]').disabled);
  const sent = [['client', `GET /offline/${mode}`], ['server', `200 OK offline (${mode})`]];
  const before = await page.locator('[data-testid="decrypted"]').count();
  for (const [i, [from, text]] of sent.entries()) {
    await page.getByTestId('message-input').fill(text);
    await page.getByTestId(`send-${from}`).click();
    const decrypted = page.locator('[data-testid="decrypted"]').nth(before + i);
    await decrypted.waitFor({ timeout: 10_000 });
    assert.equal(await decrypted.textContent(), text, `${mode}: the ${from}'s message round-trips`);
  }
}

test('offline after one visit: every mode and Eve, from the service worker', async (t) => {
  const { page, problems } = await site.openPage(t);
  const engines = engineRequests(page);
  const b = build(site.dir);
  await page.goto(`${site.origin}/`);
  await waitReady(page);
  await controlled(page);
  // Offline-ready: the page's code the install left (not loaded by the page: a first visit does not
  // download it before it is idle) and the lab and server modules (build.json lazy) are stored once
  // the page is idle (js/pwa.js store-lazy).
  await page.waitForFunction(() => document.documentElement.dataset.swLazy === 'stored', null, { timeout: 120_000 });
  const deferred = Number(await page.evaluate(() => document.documentElement.dataset.swDeferred));
  t.diagnostic(`store-lazy stored ${deferred} of the ${b.precache.length} precached files (the install left them: the page had not loaded them)`);
  assert.ok(deferred > 0 && deferred < b.precache.length, `a first visit's install leaves the page code the page did not load to store-lazy: ${deferred} of ${b.precache.length} files`);
  assert.deepEqual(await stored(page), { [`tls-playground-${b.version}`]: b.precache.length, [`tls-playground-${b.version}-lazy`]: b.lazy?.length ?? 0 },
    'the caches of this version: every file of the precache list, and (apart) the modules loaded on first use');
  assert.deepEqual(engines, [b.engine], 'the page loads the engine named in build.json');

  await page.context().setOffline(true);
  const fromNetwork = [];
  page.on('response', (res) => {
    if (new URL(res.url()).origin === site.origin && !res.fromServiceWorker()) fromNetwork.push(res.url());
  });
  await page.reload();
  await waitReady(page);
  await engineFromStorage(page, engines);
  assert.equal(await page.evaluate(() => navigator.onLine), false, 'the browser is offline');
  const ready = await page.evaluate(() => performance.getEntriesByName('tls-playground:engine-ready')[0]?.startTime);
  if (ready) t.diagnostic(`offline reload: engine ready ${Math.round(ready)} ms after navigation, everything from the service worker`);
  assert.deepEqual(engines, [b.engine, b.engine], 'offline, the same engine again');
  // The page's code came from the routes the worker declared (sw.js routes: Cache Storage without
  // running the worker's fetch handler), where the browser has them (Chromium 123 and later).
  const sources = await page.evaluate((assets) => performance.getEntriesByType('resource')
    .filter((e) => new URL(e.name).pathname.startsWith(`/${assets}`))
    .map((e) => `${new URL(e.name).pathname} ${e.workerFinalSourceType}`), b.assets);
  if (await page.evaluate(() => 'workerFinalSourceType' in PerformanceResourceTiming.prototype)) {
    assert.ok(sources.length > 10, `the page's code was loaded: ${sources.length} files`);
    assert.deepEqual(sources.filter((s) => !s.endsWith(' cache')), [], 'every file of the page\'s code answered by the static route (Cache Storage)');
  }

  await t.test('classic', async () => {
    await chooseMode(page, 'classic');
    await handshake(page, 'classic');
  });
  await t.test('TLS 1.2 + ECDHE', async () => {
    await chooseMode(page, 'ecdhe');
    await handshake(page, 'ecdhe');
  });
  await t.test('TLS 1.3', async () => {
    await chooseMode(page, 'tls13');
    await handshake(page, 'tls13');
  });
  await t.test('Eve, on a classic session', async () => {
    await chooseMode(page, 'classic');
    await page.evaluate(() => { location.hash = '#attack=eve'; });
    const eve = page.locator('tls-eve');
    await eve.getByTestId('wire-eve').waitFor({ timeout: 30_000 });
    await eve.getByTestId('eve-secret').fill('GET /offline?pin=1234');
    await eve.getByTestId('eve-send').click();
    await eve.getByTestId('eve-leak').click();
    await page.waitForSelector('[data-testid="eve-verdict"][data-ok="true"]', { timeout: 20_000 });
    assert.match(await eve.getByTestId('eve-plaintexts').textContent(), /GET \/offline\?pin=1234/);
  });
  await page.screenshot({ path: path.join(out, 'offline-eve.png') });
  assert.deepEqual(fromNetwork, [], 'offline, every response of this site came from the service worker');
  assert.deepEqual(problems, [], 'no console error, page error, CSP violation or foreign request');
});

/** rebuild lays out the served folder again with engine + a custom section: a deploy of a new engine. */
async function rebuild(dir, engine) {
  const b = build(dir);
  const wasm = await fs.readFile(path.join(dir, engine));
  const name = Buffer.from('tls-playground-test');
  const payload = Buffer.concat([Buffer.from([name.length]), name, Buffer.from(`rebuilt ${Date.now()}`)]);
  const section = Buffer.concat([Buffer.from([0, payload.length]), payload]); // id 0: custom; size < 128
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'tls-playground-engine-'));
  try {
    await fs.writeFile(path.join(tmp, 'engine.wasm'), Buffer.concat([wasm, section]));
    // The deploy keeps the other modules of the split and the recorded first session as they were.
    const extra = [];
    for (const [flag, key] of [['-lab', 'lab'], ['-server', 'server'], ['-first-session', 'firstSession']]) {
      if (!b[key]) continue;
      const copy = path.join(tmp, path.basename(b[key]));
      await fs.copyFile(path.join(dir, b[key]), copy);
      extra.push(flag, copy);
    }
    const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
    execFileSync('go', ['run', './scripts/sitebuild', '-site', 'site', '-wasm', path.join(tmp, 'engine.wasm'), ...extra,
      '-wasm-exec', path.join(goroot, 'lib/wasm/wasm_exec.js'), '-out', dir], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

test('a new deploy: the update prompt, the old engine until Reload, then the new shell and engine', async (t) => {
  const { page, problems } = await site.openPage(t);
  const engines = engineRequests(page);
  const before = build(site.dir);
  await page.goto(`${site.origin}/#mode=tls13&step=3`);
  await waitReady(page);
  await controlled(page);
  await page.waitForFunction(() => document.documentElement.dataset.swLazy === 'stored', null, { timeout: 120_000 });
  assert.equal(await page.getByTestId('pwa-update').textContent(), '', 'no prompt yet');

  await rebuild(site.dir, before.engine);
  const after = build(site.dir);
  assert.notEqual(after.engine, before.engine, 'the new deploy has another engine');
  assert.notEqual(after.version, before.version);
  assert.equal((await fetch(`${site.origin}/${before.engine}`)).status, 404, 'the server no longer has the old engine');

  await page.evaluate(async () => { await (await navigator.serviceWorker.getRegistration()).update(); });
  const prompt = page.getByTestId('pwa-update');
  await page.getByTestId('pwa-reload').waitFor({ timeout: 60_000 });
  assert.match(await prompt.textContent(), /A new version is ready — Reload/);
  assert.equal((await stored(page))[`tls-playground-${after.version}`], after.precache.length, 'an update installs every file of its precache (it waits, complete, for Reload)');
  assert.equal(await prompt.getAttribute('role'), 'status', 'the prompt is announced');
  await page.screenshot({ path: path.join(out, 'offline-update-prompt.png') });

  // Until Reload is pressed, the page keeps its version, even across a reload.
  await page.reload();
  await waitReady(page);
  await engineFromStorage(page, engines);
  assert.deepEqual(engines, [before.engine, before.engine], 'the old engine, from the old worker\'s cache');
  const scripts = () => page.evaluate(() => [...document.querySelectorAll('script[src]')].map((s) => new URL(s.src).pathname));
  assert.ok((await scripts()).every((p) => p.startsWith(`/${before.assets}`)), 'the old shell');
  await page.getByTestId('pwa-reload').waitFor({ timeout: 10_000 });

  // Reload: the new worker takes over and the page reloads once, onto the new version.
  const navigated = page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame());
  await page.getByTestId('pwa-reload').click();
  await navigated;
  // From the new worker's activation until its reload, an old page may still import its own files
  // (the modules below the fold load one by one when idle): the new worker answers them until a
  // page of its version is idle, though the server no longer has them.
  const old = await page.evaluate(async (paths) => Promise.all(paths.map(async (p) => (await fetch(p)).status)),
    before.precache.filter((p) => p.startsWith(before.assets)).map((p) => `/${p}`));
  assert.ok(old.length > 10 && old.every((status) => status === 200), `the old version's files, just after Reload: ${old.join(' ')}`);
  await waitReady(page);
  await controlled(page);
  await engineFromStorage(page, engines);
  assert.deepEqual(engines, [before.engine, before.engine, after.engine], 'the new engine after Reload');
  assert.ok((await scripts()).every((p) => p.startsWith(`/${after.assets}`)), 'the new shell');
  assert.equal(await hashAfterIdle(page), '#mode=tls13&step=3', 'the reload keeps the view');
  await page.waitForFunction(() => document.documentElement.dataset.swLazy === 'stored', null, { timeout: 120_000 });
  assert.deepEqual(await stored(page), { [`tls-playground-${after.version}`]: after.precache.length, [`tls-playground-${after.version}-lazy`]: after.lazy?.length ?? 0 }, 'only the new version is stored');
  assert.equal(await page.getByTestId('pwa-update').textContent(), '', 'no prompt after the update');
  assert.deepEqual(problems, [], 'no console error, page error, CSP violation or foreign request');
});

test('installable: Chromium finds the manifest, its icons and the worker enough to install the app', async () => {
  // A profile on disk: Chromium does not install from an incognito context (the tests' newContext).
  const profile = await fs.mkdtemp(path.join(os.tmpdir(), 'tls-playground-profile-'));
  const context = await chromium.launchPersistentContext(profile, launchOptions);
  try {
    const page = await context.newPage();
    await page.goto(`${site.origin}/`);
    await controlled(page);
    const cdp = await context.newCDPSession(page);
    const { url, errors } = await cdp.send('Page.getAppManifest');
    assert.equal(url, `${site.origin}/manifest.webmanifest`);
    assert.deepEqual(errors, [], 'the manifest parses without error');
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    assert.deepEqual(installabilityErrors, [], 'Chromium deems the page installable');
  } finally {
    await context.close();
    await fs.rm(profile, { recursive: true, force: true });
  }
});
