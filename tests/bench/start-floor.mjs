// start-floor.mjs measures the floor under issue 9's "repeat visit engine ready": how soon
// an engine worker is ready on a repeat visit when the page does nothing else, with the
// build's core engine and with the smallest Go program there is, beside the playground's
// own page, in the same browser, visits of each kind interleaved.
//
//   node tests/bench/start-floor.mjs [DIST] [rounds] [--js-flags=V8FLAGS]
//
// DIST defaults to TLS_PLAYGROUND_DIST or site/dist (scripts/build.sh); rounds (default 6)
// repeat each kind of visit of each page once. It serves a copy of DIST with two more
// files: floor.html (+ floor.js), a page that only starts the engine worker
// (js/engine-worker.js, the build's), keeps the compiled module it posts as js/engine.js
// does, and marks the same moments as the page (tls-playground:engine-worker when it asks
// for the worker, tls-playground:engine-ready when the worker says ready); and
// assets/floor-hello-<hash>.wasm, tests/bench/testdata/floor-hello built for js/wasm: an
// engine that only installs an empty API. The pages measured:
//   page   the playground (/), as start-bench measures it
//   core   floor.html with the build's core engine
//   hello  floor.html with floor-hello
// Both floors name their engine on the worker's URL (?wasm=), so the browser asks the
// service worker's fetch handler for the worker's script, where the page's comes by a
// static route; both engines come from Cache Storage (the core from the service worker's
// cache, floor-hello from one the bench fills), as the page's does.
// The kinds of repeat visit, as start-bench's: a reload, a navigation from about:blank,
// and a new tab (the old one closed: a renderer process that never held an engine).
//
// Per page and kind it prints, median (p90), from navigation: ready, when the page asked
// for the worker (made), when the worker started (worker), and inside the worker the
// compile (Cache Storage read → compiled) and Go's start (instantiated → API installed).
// --js-flags passes V8 flags to the browser, for experiments on what the platform would need
// (e.g. --js-flags=--no-wasm-lazy-compilation: what no web page can ask for), never the product's.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { launchArgs, stats, bodyState } from './chromium.mjs';
import { serve, root } from '../browser/helpers.mjs';

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const source = path.resolve(positional[0] || process.env.TLS_PLAYGROUND_DIST || path.join(root, 'site/dist'));
const rounds = Number(positional[1] || 6);
const settleMs = 1500;
const jsFlags = (process.argv.find((a) => a.startsWith('--js-flags=')) || '').slice('--js-flags='.length);

const build = JSON.parse(fs.readFileSync(path.join(source, 'build.json'), 'utf8'));
const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'start-floor-'));
fs.cpSync(source, dist, { recursive: true });
process.on('exit', () => fs.rmSync(dist, { recursive: true, force: true })); // also when a step below fails

// floor-hello, named by its content as the build names the engine.
const helloTmp = path.join(dist, 'floor-hello.wasm');
execFileSync('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', helloTmp, './tests/bench/testdata/floor-hello'], {
  cwd: root, env: { ...process.env, GOOS: 'js', GOARCH: 'wasm' }, stdio: 'inherit',
});
const helloBytes = fs.readFileSync(helloTmp);
const hello = `assets/floor-hello-${crypto.createHash('sha256').update(helloBytes).digest('hex').slice(0, 12)}.wasm`;
fs.renameSync(helloTmp, path.join(dist, hello));
const workerURL = `/${build.assets}js/engine-worker.js`;
fs.writeFileSync(path.join(dist, 'floor.html'), '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>floor</title><script src="floor.js"></script></head><body data-state="loading">starting the engine worker</body></html>\n');
fs.writeFileSync(path.join(dist, 'floor.js'), `// start-floor.mjs's page: the engine worker alone.
const engines = { core: ${JSON.stringify(`/${build.engine}`)}, hello: ${JSON.stringify(`/${hello}`)} };
const wasm = engines[new URLSearchParams(location.search).get('engine')];
const worker = new Worker(${JSON.stringify(workerURL)} + '?wasm=' + encodeURIComponent(wasm));
performance.mark('tls-playground:engine-worker');
let kept = null; // the compiled module, kept as js/engine.js keeps it
worker.onmessage = (event) => {
  const msg = event.data || {};
  if (msg.type === 'engine-module') kept = msg.module;
  if (msg.type === 'ready' || msg.type === 'failed') {
    if (msg.type === 'ready') performance.mark('tls-playground:engine-ready');
    document.body.textContent = msg.type === 'ready' ? 'ready' : 'failed: ' + msg.error;
    document.body.dataset.state = msg.type;
  }
};
`);

const site = await serve(dist);
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'start-floor-profile-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: jsFlags ? [...launchArgs, `--js-flags=${jsFlags}`] : launchArgs,
});

const targets = [['page', '/'], ['core', '/floor.html?engine=core'], ['hello', '/floor.html?engine=hello']];
const kinds = ['reload', 'from about:blank', 'new tab'];

/** measure waits for the page's engine and returns its times from navigation. */
async function measure(page) {
  const state = await bodyState(page, 'state', ['ready', 'failed'], 120_000);
  if (state !== 'ready') throw new Error(`${page.url()}: the engine ${state}: ${await page.evaluate(() => document.body.textContent.slice(0, 300))}`);
  const at = await page.evaluate(() => ({
    ready: performance.getEntriesByName('tls-playground:engine-ready')[0]?.startTime,
    made: performance.getEntriesByName('tls-playground:engine-worker')[0]?.startTime,
    origin: performance.timeOrigin,
  }));
  const worker = page.workers().find((w) => /engine-worker\.js/.test(w.url()));
  const inWorker = await worker.evaluate((pageOrigin) => {
    const m = Object.fromEntries(performance.getEntriesByType('mark').filter((e) => e.name.startsWith('engine:'))
      .map((e) => [e.name.slice(7), e.startTime + performance.timeOrigin - pageOrigin]));
    return { start: performance.timeOrigin - pageOrigin, ...m };
  }, at.origin);
  return {
    ready: at.ready,
    made: at.made,
    worker: inWorker.start,
    compile: inWorker.compiled - (inWorker.response ?? inWorker.fetch),
    go: inWorker.ready - inWorker.instantiated,
  };
}

const results = new Map(); // "target kind" → [{ready, made, worker, compile, go}]
try {
  let page = context.pages()[0] || await context.newPage();
  // The first visit installs the service worker, which stores the page and the core.
  await page.goto(`${site.origin}/`);
  await bodyState(page, 'state', ['ready'], 120_000);
  await page.waitForFunction(() => document.documentElement.dataset.sw === 'controlled', null, { timeout: 120_000 });
  await page.evaluate(async (url) => { await (await caches.open('start-floor')).add(url); }, `/${hello}`);
  for (const [, where] of targets) { // each page once, not measured: the HTTP cache, V8's caches
    await page.goto(`${site.origin}${where}`);
    await bodyState(page, 'state', ['ready'], 120_000);
    await page.waitForTimeout(settleMs);
  }
  for (let r = 0; r < rounds; r++) {
    for (const kind of kinds) {
      // Each round turns the pages' order, so that none always follows the same one.
      for (const [name, where] of [...targets.slice(r % 3), ...targets.slice(0, r % 3)]) {
        const url = `${site.origin}${where}`;
        if (kind === 'new tab') {
          await page.close();
          await new Promise((resolve) => { setTimeout(resolve, 1000); });
          page = await context.newPage();
          await page.goto(url);
        } else if (kind === 'reload') {
          await page.goto(url);
          await bodyState(page, 'state', ['ready'], 120_000);
          await page.waitForTimeout(settleMs);
          await page.reload();
        } else {
          await page.goto('about:blank');
          await page.goto(url);
        }
        const key = `${name} ${kind}`;
        if (!results.has(key)) results.set(key, []);
        results.get(key).push(await measure(page));
        await page.waitForTimeout(settleMs);
      }
    }
    console.error(`start-floor: round ${r + 1} of ${rounds} done`);
  }
} finally {
  await context.close();
  await site.close();
  fs.rmSync(profile, { recursive: true, force: true });
}

const size = (p) => fs.statSync(path.join(source, p)).size;
console.log(`${source}: the core ${build.engine} (${size(build.engine).toLocaleString('en')} bytes), floor-hello (${helloBytes.length.toLocaleString('en')} bytes); ${rounds} visits of each kind, interleaved${jsFlags ? `, V8 flags ${jsFlags}` : ''}; ms from navigation, median (p90)\n`);
const cols = ['ready', 'made', 'worker', 'compile', 'go'];
console.log(`| page | repeat visit | ${cols.join(' | ')} |`);
console.log(`|---|---|${cols.map(() => '---').join('|')}|`);
for (const kind of kinds) {
  for (const [name] of targets) {
    const xs = results.get(`${name} ${kind}`) || [];
    const cell = (k) => {
      const vs = xs.map((x) => x[k]).filter(Number.isFinite);
      if (!vs.length) return '–';
      const s = stats(vs);
      return `${Math.round(s.median)} (${Math.round(s.p90)})`;
    };
    console.log(`| ${name} | ${kind} | ${cols.map(cell).join(' | ')} |`);
  }
}
