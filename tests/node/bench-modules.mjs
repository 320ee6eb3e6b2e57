// bench-modules.mjs measures the engine's modules (issue 9, "lazy modules" and
// "repeat visit engine-ready"): each module's bytes (raw, brotli-11), and in
// headless Chromium, for N interleaved loads of each dist given: navigation →
// engine ready (the worker's ready message), its load (fetch + streaming compile
// + instantiate) and Go start, navigation → first session on screen, the lab's
// load on first use (engine.preload('lab') in a second engine of the page), and
// the same page again in the same profile (repeat visit: HTTP cache, service
// worker). Not a test (node --test runs only *.test.mjs).
//
//   node tests/node/bench-modules.mjs [-n 5] [--sizes] DIST [DIST...]
//
// --sizes adds brotli-11 of each module (slow: seconds per megabyte).
//
// Print medians (and p90) per dist. Numbers from a busy machine: compare the
// dists of one run, not runs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';

import { chromium } from '../node_modules/playwright-core/index.mjs';
import { launchOptions, serve } from '../browser/helpers.mjs';

const args = process.argv.slice(2);
let runs = 5;
if (args[0] === '-n') { runs = Number(args[1]); args.splice(0, 2); }
let sizes = false;
if (args[0] === '--sizes') { sizes = true; args.shift(); }
if (!args.length) {
  console.error('usage: node tests/node/bench-modules.mjs [-n 5] [--sizes] DIST [DIST...]');
  process.exit(2);
}

const brotli = (buf) => zlib.brotliCompressSync(buf, { params: {
  [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: buf.length } }).length;

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };
const p90 = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(s.length * 0.9) - 1)]; };

// Every worker's ready message, with the time it reached the page.
const INIT = `(() => {
  const W = globalThis.Worker;
  globalThis.__ready = [];
  globalThis.Worker = class extends W {
    constructor(...a) {
      super(...a);
      this.addEventListener('message', (e) => {
        if (e.data && e.data.type === 'ready') globalThis.__ready.push({ at: performance.now(), ms: e.data.ms, timing: e.data.timing });
      });
    }
  };
})();`;

async function visit(context, origin) {
  const page = await context.newPage();
  await page.addInitScript(INIT);
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => globalThis.__ready && globalThis.__ready.length > 0, null, { timeout: 120_000 });
  await page.waitForSelector('body[data-state="ready"]', { timeout: 120_000 });
  const r = await page.evaluate(() => ({ ready: globalThis.__ready[0], usable: performance.now() }));
  return { page, engineReady: r.ready.at, load: r.ready.timing?.load, goStart: r.ready.timing?.goStart, usable: r.usable };
}

async function labLoad(page) {
  return page.evaluate(async () => {
    const src = [...document.querySelectorAll('script[type=module]')].map((s) => s.src).find((s) => s);
    const { Engine } = await import(new URL('engine.js', src.replace(/[^/]*$/, '')).href);
    const e = new Engine();
    await e.ready;
    if (typeof e.preload !== 'function') { e.terminate(); return 0; } // one whole engine: nothing to load
    const t0 = performance.now();
    await e.preload('lab');
    const ms = performance.now() - t0;
    e.terminate();
    return ms;
  });
}

const dists = args.map((d) => path.resolve(d));
const servers = await Promise.all(dists.map((d) => serve(d)));
const browser = await chromium.launch(launchOptions);
const results = dists.map(() => ({ engineReady: [], load: [], goStart: [], usable: [], lab: [], repeatReady: [], repeatLoad: [] }));
try {
  for (let i = 0; i < runs; i++) {
    for (const [k, srv] of servers.entries()) {
      const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-modules-'));
      const context = await chromium.launchPersistentContext(profile, launchOptions);
      try {
        const first = await visit(context, srv.origin);
        const r = results[k];
        r.engineReady.push(first.engineReady); r.load.push(first.load); r.goStart.push(first.goStart); r.usable.push(first.usable);
        r.lab.push(await labLoad(first.page));
        await first.page.close();
        const again = await visit(context, srv.origin);
        r.repeatReady.push(again.engineReady); r.repeatLoad.push(again.load);
        await again.page.close();
      } finally {
        await context.close();
        fs.rmSync(profile, { recursive: true, force: true });
      }
    }
  }
} finally {
  await browser.close();
  await Promise.all(servers.map((s) => s.close()));
}

for (const [k, dist] of dists.entries()) {
  const build = JSON.parse(fs.readFileSync(path.join(dist, 'build.json'), 'utf8'));
  console.log(`\n${dist}`);
  for (const name of ['engine', 'lab', 'server']) {
    if (!build[name] || (name !== 'engine' && build[name] === build.engine)) { console.log(`  ${name}: none (the engine)`); continue; }
    const buf = fs.readFileSync(path.join(dist, build[name]));
    console.log(`  ${name}: ${buf.length} bytes raw${sizes ? `, ${brotli(buf)} brotli-11` : ''}`);
  }
  const r = results[k];
  const row = (label, xs) => console.log(`  ${label.padEnd(34)} median ${Math.round(median(xs))} ms (p90 ${Math.round(p90(xs))})`);
  row('navigation → engine ready', r.engineReady);
  row('  of which load (fetch+compile+inst.)', r.load);
  row('  of which Go start', r.goStart);
  row('navigation → first session shown', r.usable);
  row('lab on first use (preload)', r.lab);
  row('repeat visit: navigation → ready', r.repeatReady);
  row('repeat visit: load', r.repeatLoad);
}
