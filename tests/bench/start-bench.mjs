// start-bench.mjs measures how fast the engine is ready on a first visit and
// on repeat visits, in Debian's Chromium with a persistent profile (so the
// HTTP cache, the service worker's Cache Storage and V8's wasm code cache
// survive from one visit to the next), with the site served by scripts/serve
// (the production headers: assets/ immutable, pages no-cache).
//
//   node tests/bench/start-bench.mjs [DIST] [visits] [--no-sw] [--sessions=N] [--from-blank | --new-tab] [--stop-sw]
//
// DIST defaults to TLS_PLAYGROUND_DIST or site/dist (build it with
// scripts/build.sh); visits (default 6) counts the repeat visits after the
// first. --no-sw blocks service workers: repeat visits then use the HTTP
// cache alone (immutable, content-hashed URLs). Each visit clicks "New session"
// N times (default 12) once the engine is ready, as a visitor uses the page.
// A repeat visit is a reload; with --from-blank, a navigation to the site from
// about:blank, as a visitor who comes back by a link or the address bar: a reload
// first unloads the page it replaces (its engine worker, its DOM), and the new
// page's parser starts 30-50 ms after its HTML arrived, against 20-30 from blank
// (Navigation Timing, 2026-12-01, loaded machine). --stop-sw stops the service
// worker before each repeat visit, as Chromium does after 30 s idle: a visitor who
// comes back later. --new-tab closes the tab and opens the site in a new one: a
// renderer process of its own, which no longer holds the compiled engine (the page
// keeps it for the next page of its process: js/engine.js, engine-module), as for
// a visitor who comes back another day.
//
// Per visit, it prints (all from navigation, in the page's timeline; the worker's
// times are moved onto it through the two timeOrigins):
//   ready     navigation → the page's tls-playground:engine-ready mark
//   recorded  navigation → the recorded first session on screen (tls-playground:recorded)
//   live      navigation → the first live session on screen (tls-playground:ready)
//   made      navigation → the page asks for the engine worker (js/engine-start.js's mark)
//   worker    navigation → the engine worker's start (its timeOrigin)
//   fetch@    navigation → the engine's fetch starts in the worker
//   fetch     the engine's fetch (Resource Timing: start → last byte) and where it came
//             from: net (KB transferred), http-cache, sw (the service worker), or
//             cache-storage (the worker read it from Cache Storage itself: no fetch, so
//             fetch@ is the worker's engine:fetch mark and fetch/rest are not measured)
//   rest      last byte → engine ready: what compiling (streaming compilation overlaps
//             the fetch), instantiating and Go's start leave after the download
//   code cache  what Chromium did with the engine's compiled code (its trace events, see
//             startTrace): hit (read from the code cache), compiled (not), +stored (wrote it)
// Below the table, per visit, the events that say why: V8's caching events, the writes,
// the TurboFan compilations.
//
// What was found (Chromium 156, 2026-11-30; --js-flags=... passes V8 flags to the
// browser for such experiments, never the product's):
// - V8 hands a module's code to Blink for its cache when a chunk of new TurboFan code is
//   done. With a timeout (--wasm-caching-timeout-ms, 2000 by default) that never happened
//   here, even 4-8 s after the last TurboFan compilation (300 and 1000 ms neither); with
//   --wasm-caching-timeout-ms=0, every chunk is written. So only the hard threshold writes:
//   1 MB of new TurboFan code (--wasm-caching-hard-threshold=1000000); 12 sessions of the
//   engine make less (40 do: one write of 1.3 MB).
// - Blink gives V8 a code cache only for a response with a cache handler: one fetched (from
//   the network, the HTTP cache, or a service worker); a Response read from Cache Storage
//   with caches.match() in the worker has none (no v8.wasm.compiledModule however many
//   chunks V8 finishes; no hit).
//
// When the worker sets performance marks engine:fetch, engine:response,
// engine:compiled, engine:instantiated and engine:ready (js/engine-worker.js),
// their spans are printed too: wfetch (fetch → response headers), wcompile
// (→ compiled), winst (→ instantiated), wgo (→ Go's API installed: Go's start).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { launchArgs, stats, bodyState } from './chromium.mjs';
import { serve, root } from '../browser/helpers.mjs';

const args = process.argv.slice(2);
const noSW = args.includes('--no-sw');
const fromBlank = args.includes('--from-blank');
const stopSW = args.includes('--stop-sw');
const newTab = args.includes('--new-tab');
const positional = args.filter((a) => !a.startsWith('--'));
const dist = path.resolve(positional[0] || process.env.TLS_PLAYGROUND_DIST || path.join(root, 'site/dist'));
const visits = Number(positional[1] || 6);
const settleMs = Number(process.env.START_BENCH_SETTLE_MS || 4000);
const sessions = Number((args.find((a) => a.startsWith('--sessions=')) || '--sessions=12').split('=')[1]);
// V8's flags, for experiments on the code cache only (never the product's): e.g.
// --js-flags=--wasm-caching-timeout-ms=0
const jsFlags = (args.find((a) => a.startsWith('--js-flags=')) || '').slice('--js-flags='.length);

const build = JSON.parse(fs.readFileSync(path.join(dist, 'build.json'), 'utf8'));
const site = await serve(dist);
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'start-bench-profile-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: jsFlags ? [...launchArgs, `--js-flags=${jsFlags}`] : launchArgs,
  serviceWorkers: noSW ? 'block' : 'allow',
});

/** worker returns the page's engine worker, once it exists. */
async function engineWorker(page) {
  for (let i = 0; i < 600; i++) {
    const w = page.workers().find((x) => /engine-worker\.js/.test(x.url()));
    if (w) return w;
    await page.waitForTimeout(50);
  }
  throw new Error('no engine worker after 30 s');
}

/** visit navigates page to the site and returns the visit's timings. */
async function visit(page, first) {
  if (!first && stopSW) {
    // A visitor who comes back later finds the service worker stopped (Chromium stops one idle for
    // 30 s): the navigation, and any request no static route answers, wait for it to start.
    const sw = await context.newCDPSession(page);
    await sw.send('ServiceWorker.enable');
    await sw.send('ServiceWorker.stopAllWorkers');
    await sw.detach();
    await page.waitForTimeout(200);
  }
  if (first || newTab) await page.goto(`${site.origin}/`);
  else if (fromBlank) {
    await page.goto('about:blank');
    await page.goto(`${site.origin}/`);
  } else await page.reload();
  // Not waitForSelector: its injected script (10-20 ms of the page's main thread) would run in the
  // middle of the start being measured, right when the worker's ready message is to be handled.
  const state = await bodyState(page, 'state', ['ready', 'failed'], 120_000);
  if (state !== 'ready') throw new Error(`the page says its engine ${state}`);
  const ready = await page.evaluate(() => ({
    at: performance.getEntriesByName('tls-playground:engine-ready')[0]?.startTime,
    made: performance.getEntriesByName('tls-playground:engine-worker')[0]?.startTime,
    recorded: performance.getEntriesByName('tls-playground:recorded')[0]?.startTime,
    live: performance.getEntriesByName('tls-playground:ready')[0]?.startTime,
    sw: !!navigator.serviceWorker?.controller,
  }));
  const worker = await engineWorker(page);
  // The worker's times, moved onto the page's timeline through the two timeOrigins.
  const pageOrigin = await page.evaluate(() => performance.timeOrigin);
  const inWorker = await worker.evaluate((pageOrigin) => {
    const at = (t) => t + performance.timeOrigin - pageOrigin;
    const marks = Object.fromEntries(performance.getEntriesByType('mark').filter((m) => m.name.startsWith('engine:')).map((m) => [m.name.slice(7), at(m.startTime)]));
    const r = performance.getEntriesByType('resource').find((e) => /\.wasm$/.test(new URL(e.name).pathname));
    return {
      marks,
      start: at(0),
      wasm: r && { url: r.name, start: at(r.startTime), end: at(r.responseEnd), transfer: r.transferSize, sw: r.workerStart > 0 },
    };
  }, pageOrigin);
  return { ready, inWorker };
}

/**
 * startTrace records Chromium's wasm trace events until end(), which resolves what V8 did with
 * the engine's code cache during the visit (cache) and the events that explain it (why):
 *   cache  "hit" (Blink found the engine's code cache: v8.wasm.moduleCacheHit for its URL),
 *          "compiled" (no hit), "+stored" (Blink was handed a chunk of the engine's code to
 *          write: v8.wasm.compiledModule for its URL)
 *   why    chunks: V8's caching events (wasm.CompilationChunkFinished, any module); writes:
 *          v8.wasm.cachedModule and the largest size written (any module: the lab's too);
 *          top tier: TurboFan compilations (wasm.TopTierCompilation) and when the last one
 *          ended, from the trace's start.
 * Blink's events (v8.wasm.*) are in disabled-by-default-devtools.timeline, V8's (wasm.*) in v8.wasm.
 */
async function startTrace(cdp) {
  const events = [];
  const onData = ({ value }) => events.push(...value);
  cdp.on('Tracing.dataCollected', onData);
  await cdp.send('Tracing.start', { categories: 'v8.wasm,disabled-by-default-v8.wasm,disabled-by-default-devtools.timeline', transferMode: 'ReportEvents' });
  return {
    async end() {
      const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
      await cdp.send('Tracing.end');
      await done;
      cdp.off('Tracing.dataCollected', onData);
      const named = (name) => events.filter((e) => e.name === name);
      const ofEngine = (e) => String(e.args?.url || '').endsWith(build.engine);
      const what = [named('v8.wasm.moduleCacheHit').some(ofEngine) ? 'hit' : 'compiled'];
      if (named('v8.wasm.compiledModule').some(ofEngine)) what.push('stored');
      const t0 = Math.min(...events.filter((e) => e.ts > 0).map((e) => e.ts));
      const top = named('wasm.TopTierCompilation');
      const lastTop = top.length ? Math.max(...top.map((e) => e.ts + (e.dur || 0))) : undefined;
      const writes = named('v8.wasm.cachedModule');
      const why = `chunks ${named('wasm.CompilationChunkFinished').length}, writes ${writes.length}` +
        (writes.length ? ` (largest ${Math.round(Math.max(...writes.map((e) => e.args?.producedCacheSize || 0)) / 1024)} KB)` : '') +
        `, top tier ${top.length}` + (lastTop ? ` (last at ${((lastTop - t0) / 1e6).toFixed(1)} s of ${((Math.max(...events.map((e) => e.ts)) - t0) / 1e6).toFixed(1)})` : '');
      return { cache: what.join('+'), why };
    },
  };
}

// No resource entry but the worker's marks: the worker read the engine from Cache Storage itself
// (js/engine-worker.js, stored), without a fetch.
const from = (w, m) => !w ? (m.fetch !== undefined ? 'cache-storage' : '?') : w.sw ? 'sw' : w.transfer === 0 ? 'http-cache' : `net ${Math.round(w.transfer / 1024)} KB`;
const ms = (x) => (typeof x === 'number' ? String(Math.round(x)) : '–');
const rows = [];
try {
  let page = context.pages()[0] || await context.newPage();
  let cdp = await context.newCDPSession(page);
  for (let i = 0; i <= visits; i++) {
    if (i > 0 && newTab) {
      // The old tab closed first: its renderer process ends, and the visit's is a new one.
      await page.close();
      await new Promise((resolve) => { setTimeout(resolve, 1000); });
      page = await context.newPage();
      cdp = await context.newCDPSession(page);
    }
    const trace = await startTrace(cdp);
    const v = await visit(page, i === 0);
    // Let the visit settle (the service worker installs, V8 tiers up and writes its code cache).
    if (i === 0 && !noSW) await page.waitForFunction(() => document.documentElement.dataset.sw === 'controlled', null, { timeout: 120_000 });
    // Use the page as a visitor does (New session, a few times): V8 writes a module's code cache
    // once enough of it has been optimised, then a short timeout after.
    for (let k = 0; k < sessions; k++) {
      const seed = await page.evaluate(() => document.body.dataset.sessionSeed);
      await page.getByTestId('new-session').click();
      await page.waitForFunction((s) => document.body.dataset.sessionSeed !== s && document.body.dataset.busy === 'false', seed, { timeout: 60_000 });
    }
    await page.waitForTimeout(settleMs);
    const { cache, why } = await trace.end();
    const w = v.inWorker.wasm;
    const m = v.inWorker.marks;
    rows.push({
      visit: i === 0 ? 'first' : `repeat ${i}`,
      controlled: v.ready.sw,
      ready: v.ready.at,
      recorded: v.ready.recorded,
      live: v.ready.live,
      made: v.ready.made,
      worker: v.inWorker.start,
      'fetch@': w ? w.start : m.fetch,
      fetch: w ? w.end - w.start : undefined,
      from: from(w, m),
      rest: w ? v.ready.at - w.end : undefined,
      'code cache': cache,
      why,
      wfetch: m.response !== undefined && m.fetch !== undefined ? m.response - m.fetch : undefined,
      wcompile: m.compiled !== undefined ? m.compiled - (m.response ?? m.fetch) : undefined,
      winst: m.instantiated !== undefined ? m.instantiated - (m.compiled ?? m.fetch) : undefined,
      wgo: m.ready !== undefined ? m.ready - m.instantiated : undefined,
    });
  }
} finally {
  await context.close();
  await site.close();
  fs.rmSync(profile, { recursive: true, force: true });
}

console.log(`${dist} (engine ${build.engine}), ${noSW ? 'service workers blocked (HTTP cache only)' : 'with the service worker'}, persistent profile, repeat visits ${newTab ? 'in a new tab' : fromBlank ? 'from about:blank' : 'by reload'}, ${sessions} sessions and ${settleMs} ms on the page per visit${jsFlags ? `, V8 flags ${jsFlags}` : ''}\n`);
const cols = ['visit', 'controlled', 'ready', 'recorded', 'live', 'made', 'worker', 'fetch@', 'fetch', 'from', 'rest', 'code cache', 'wfetch', 'wcompile', 'winst', 'wgo'];
console.log(`| ${cols.join(' | ')} |`);
console.log(`|${cols.map(() => '---').join('|')}|`);
for (const r of rows) console.log(`| ${cols.map((c) => (typeof r[c] === 'number' ? ms(r[c]) : String(r[c] ?? '–'))).join(' | ')} |`);
console.log('\nthe code cache, per visit (see startTrace):');
for (const r of rows) console.log(`  ${r.visit.padEnd(9)} ${r.why}`);
const repeats = rows.slice(1);
if (repeats.length) {
  const s = (k) => { const xs = repeats.map((r) => r[k]).filter((x) => typeof x === 'number'); return xs.length ? stats(xs) : null; };
  console.log('\nrepeat visits, median (p90):');
  for (const k of ['ready', 'recorded', 'live', 'made', 'worker', 'fetch@', 'fetch', 'rest', 'wfetch', 'wcompile', 'winst', 'wgo']) {
    const x = s(k);
    if (x) console.log(`  ${k.padEnd(9)} ${ms(x.median)} ms (${ms(x.p90)})`);
  }
}
