// flows-soak.mjs runs what tests/browser/longtasks.test.mjs runs, many times: a fresh
// context, the load, every flow (helpers.mjs FLOWS), then page.reload() and every flow
// again (the test's second pass), and prints each flow's time per run. On a failure it
// prints the run's timeline: the page's state (busy, the visitor's key generation,
// whether Eve's verdict is shown, the fragment, the status line) at each change, polled
// every 20 ms in the page, its console and its workers', the wasm requests (the page's
// and the service worker's), and the page's state at the failure (helpers.mjs pageState).
// It is for chasing an intermittent failure on a loaded machine (load it beside, e.g.
// `for i in 1 2; do (while :; do :; done) & done`, and stop those by their ids after).
//
//   TLS_PLAYGROUND_DIST=/tmp/dist node tests/bench/flows-soak.mjs [runs]
//   ONE=1 …       the first pass only          VERBOSE=1 …   every run's timeline
import { chromium } from 'playwright-core';
import { serve, launchOptions, dist, waitReady, idle, pageState, FLOWS } from '../browser/helpers.mjs';

const runs = Number(process.argv[2] || 3);
const site = await serve(dist);
const browser = await chromium.launch(launchOptions);
let fails = 0;
try {
  for (let i = 0; i < runs; i++) {
    const ctx = await browser.newContext({ viewport: { width: 1360, height: 1000 } });
    const page = await ctx.newPage();
    const lines = [];
    const t0 = Date.now();
    const log = (s) => lines.push(`${((Date.now() - t0) / 1000).toFixed(2)} ${s}`);
    const file = (u) => u.replace(/.*\//, '');
    ctx.on('request', (r) => { if (/\.wasm$/.test(r.url()) && r.serviceWorker()) log(`service worker requests ${file(r.url())}`); });
    page.on('request', (r) => { if (/\.wasm$/.test(r.url())) log(`page requests ${file(r.url())}`); });
    page.on('console', (m) => log(`console ${m.type()}: ${m.text()}`));
    page.on('worker', (w) => { log(`worker ${w.url()}`); w.on('console', (m) => log(`worker console: ${m.text()}`)); });
    await page.addInitScript(() => {
      const start = performance.now();
      let last = '';
      setInterval(() => {
        if (!document.body) return;
        const d = document.body.dataset;
        const status = (document.querySelector('[data-testid="engine-status"]')?.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 90);
        const now = `busy=${d.busy} keys=${d.keyGeneration || ''} verdict=${Boolean(document.querySelector('[data-testid="eve-verdict"]'))} ${location.hash} | ${status}`;
        if (now !== last) { last = now; console.log(`state at ${Math.round(performance.now() - start)} ms: ${now}`); }
      }, 20);
    });
    await page.goto(`${site.origin}/`);
    const times = [];
    let failed = '';
    for (const pass of process.env.ONE ? [1] : [1, 2]) {
      if (pass === 2) { await page.reload(); log('reloaded'); }
      await waitReady(page);
      await idle(page);
      for (const [name, run] of FLOWS) {
        const s = Date.now();
        try {
          await run(page);
        } catch (err) {
          failed = `pass ${pass}, ${name}: ${err.message.split('\n')[0]}`;
          log(`failed; the page: ${await pageState(page)}`);
          break;
        }
        times.push(`${pass}:${name}=${Date.now() - s}`);
        log(`done ${name}`);
      }
      if (failed) break;
    }
    if (failed) fails++;
    console.log(`run ${i + 1}: ${failed ? `FAILED ${failed}` : 'ok'} | ${times.join(' ')}`);
    if (failed || process.env.VERBOSE) console.log(lines.join('\n'));
    await ctx.close();
  }
} finally {
  await browser.close();
  await site.close();
}
console.log(`${fails} of ${runs} runs failed`);
