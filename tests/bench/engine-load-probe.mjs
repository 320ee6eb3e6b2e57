// engine-load-probe.mjs compares two ways a repeat visit can load the engine's core in a
// worker, interleaved in one Chromium with a persistent profile, on a page the service worker
// controls (after a first visit that used the engine as a visitor does, so that V8 stored its
// code cache):
//   sw     fetch(url): the request goes through sw.js's fetch handler (the HTTP cache, else
//          Cache Storage), then WebAssembly.compileStreaming
//   cache  caches.match(url) in the worker itself (what js/engine-worker.js does), then
//          WebAssembly.compileStreaming
// and prints, per way, the medians of: resp (→ the Response), compile, inst (instantiate),
// go (Go's start until globalThis.tlsPlayground exists) and total. Each probe is a fresh
// worker (a script of the site added to a copy of the dist, controlled by the page's service
// worker), so nothing is shared between probes but the caches.
//
//   node tests/bench/engine-load-probe.mjs [DIST] [rounds]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { launchArgs } from './chromium.mjs';
import { serve, root } from '../browser/helpers.mjs';

const dist = path.resolve(process.argv[2] || process.env.TLS_PLAYGROUND_DIST || path.join(root, 'site/dist'));
const rounds = Number(process.argv[3] || 8);
const build = JSON.parse(fs.readFileSync(path.join(dist, 'build.json'), 'utf8'));
// The probe worker is a file of the site (the page's CSP allows no blob: worker): served from a
// copy of the dist with it added.
const served = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-load-probe-site-'));
fs.cpSync(dist, served, { recursive: true });
const site = await serve(served);
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-load-probe-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: launchArgs,
});

// The probe worker: load the engine one way, then run Go until the API is installed.
const probe = (engine, exec) => `
importScripts(${JSON.stringify(exec)});
onmessage = (e) => run(e.data).catch((err) => postMessage({ error: String(err && err.message || err) }));
async function run(how) {
  const url = ${JSON.stringify(engine)};
  const t0 = performance.now();
  const r = how === 'cache' ? await caches.match(url) : await fetch(url);
  const t1 = performance.now();
  const module = await WebAssembly.compileStreaming(r);
  const t2 = performance.now();
  const go = new Go();
  const instance = await WebAssembly.instantiate(module, { ...go.importObject, workers: { ready: () => {} } });
  const t3 = performance.now();
  const ready = new Promise((resolve) => { globalThis.tlsPlaygroundOnReady = resolve; });
  go.run(instance);
  await ready;
  const t4 = performance.now();
  postMessage({ resp: t1 - t0, compile: t2 - t1, inst: t3 - t2, go: t4 - t3, total: t4 - t0, found: Boolean(r) });
}`;

try {
  const page = context.pages()[0] || await context.newPage();
  await page.goto(`${site.origin}/`);
  await page.waitForSelector('body[data-state="ready"]', { timeout: 120_000 });
  await page.waitForFunction(() => document.documentElement.dataset.sw === 'controlled', null, { timeout: 120_000 });
  for (let k = 0; k < 12; k++) {
    const seed = await page.evaluate(() => document.body.dataset.sessionSeed);
    await page.getByTestId('new-session').click();
    await page.waitForFunction((s) => document.body.dataset.sessionSeed !== s && document.body.dataset.busy === 'false', seed, { timeout: 60_000 });
  }
  await page.waitForTimeout(5000); // V8 writes its code cache a while after tier-up
  await page.reload();
  await page.waitForSelector('body[data-state="ready"]', { timeout: 120_000 });
  await page.waitForTimeout(3000);
  fs.writeFileSync(path.join(served, 'engine-load-probe.js'), probe(`${site.origin}/${build.engine}`, `${site.origin}/${build.wasmExec}`));
  const out = await page.evaluate(async ({ rounds }) => {
    const url = 'engine-load-probe.js';
    const res = { sw: [], cache: [] };
    for (let i = 0; i < rounds; i++) {
      for (const how of (i % 2 ? ['sw', 'cache'] : ['cache', 'sw'])) {
        const w = new Worker(url);
        res[how].push(await new Promise((resolve) => {
          w.onmessage = (e) => resolve(e.data);
          w.onerror = (e) => resolve({ error: e.message || 'the probe worker failed' });
          w.postMessage(how);
        }));
        w.terminate();
      }
    }
    return res;
  }, { rounds });
  const failed = [...out.sw, ...out.cache].find((r) => r.error);
  if (failed) throw new Error(`a probe failed: ${failed.error}`);
  const med = (xs) => { const s = xs.slice().sort((a, b) => a - b); return s[s.length >> 1]; };
  console.log(`${dist} (engine ${build.engine}), ${rounds} probes each way, interleaved, after a first visit with 12 sessions\n`);
  console.log('| way | resp | compile | inst | go | total | stored |');
  console.log('|---|---|---|---|---|---|---|');
  for (const [how, rs] of Object.entries(out)) {
    const m = (k) => String(Math.round(med(rs.map((r) => r[k]))));
    console.log(`| ${how} | ${m('resp')} | ${m('compile')} | ${m('inst')} | ${m('go')} | ${m('total')} | ${rs.every((r) => r.found)} |`);
  }
} finally {
  await context.close();
  await site.close();
  fs.rmSync(profile, { recursive: true, force: true });
  fs.rmSync(served, { recursive: true, force: true });
}
