// start-routes-probe.mjs prints, for a repeat visit of DIST (a persistent profile: one visit,
// then a reload once the service worker controls the page), where each of the site's requests
// was answered, by Resource Timing: the static route the service worker declared (sw.js
// routes: workerMatchedSourceType/workerFinalSourceType "cache"), its fetch handler
// ("fetch-event", or workerStart > 0 in a browser without static routes), or the network/HTTP
// cache; and the same for the engine worker's requests.
//
//   node tests/bench/start-routes-probe.mjs [DIST]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { launchArgs } from './chromium.mjs';
import { serve, root } from '../browser/helpers.mjs';

const dist = path.resolve(process.argv[2] || process.env.TLS_PLAYGROUND_DIST || path.join(root, 'site/dist'));
const site = await serve(dist);
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'start-routes-profile-'));
const context = await chromium.launchPersistentContext(profile, { executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: launchArgs });
const sources = () => performance.getEntriesByType('resource').map((e) => ({
  path: new URL(e.name).pathname,
  matched: e.workerMatchedSourceType ?? '',
  final: e.workerFinalSourceType ?? '',
  sw: e.workerStart > 0,
  ms: Math.round(e.responseEnd - e.startTime),
}));
try {
  const page = context.pages()[0] || await context.newPage();
  await page.goto(`${site.origin}/`);
  await page.waitForSelector('body[data-state="ready"]', { timeout: 120_000 });
  await page.waitForFunction(() => document.documentElement.dataset.sw === 'controlled', null, { timeout: 120_000 });
  await page.waitForTimeout(2000);
  await page.reload();
  await page.waitForSelector('body[data-state="ready"]', { timeout: 120_000 });
  const worker = page.workers().find((w) => /engine-worker\.js/.test(w.url()));
  const rows = [...await page.evaluate(sources), ...(worker ? (await worker.evaluate(sources)).map((r) => ({ ...r, path: `(worker) ${r.path}` })) : [])];
  const counts = {};
  for (const r of rows) {
    const k = `${r.matched || '-'}/${r.final || '-'}/${r.sw ? 'sw' : 'no-sw'}`;
    counts[k] = (counts[k] || 0) + 1;
  }
  for (const r of rows) console.log(`${r.matched || '-'}\t${r.final || '-'}\t${r.sw ? 'sw' : '-'}\t${r.ms} ms\t${r.path}`);
  console.log('\nmatched/final/through the fetch handler:', JSON.stringify(counts));
  // The start of the engine's worker, from navigation (ms): the page's HTML, engine-start.js, the worker asked for.
  const start = await page.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0];
    const s = performance.getEntriesByType('resource').find((e) => /engine-start\.js$/.test(e.name));
    const made = performance.getEntriesByName('tls-playground:engine-worker')[0];
    const r = Math.round;
    return `html ${r(n.responseStart)}-${r(n.responseEnd)}, engine-start.js ${s ? `${r(s.startTime)}-${r(s.responseEnd)}` : '?'}, worker asked for at ${made ? r(made.startTime) : '?'}, DOMContentLoaded ${r(n.domContentLoadedEventStart)}`;
  });
  console.log(start);
} finally {
  await context.close();
  await site.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
