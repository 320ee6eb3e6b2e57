// flows-bench.mjs drives every flow of the playground in Chromium and prints,
// per flow, the main thread's long tasks (the browser's own longtask entries:
// tasks over 50 ms) and how long the flow took: load, "New session", "Run all",
// each mode switch, the comparison and every attack of the lab. Issue 9's goal
// is zero tasks over 50 ms in each; the browser suite only guards against gross
// regressions (tests/browser/longtasks.test.mjs), this is where the number is read.
//
//   node tests/bench/flows-bench.mjs PLAYGROUND_URL [repeats] [only]
//
// only: run just the flows whose name holds it ("eve"), the load's rows always.
import { launch, stats, bodyState, warmSelectors } from './chromium.mjs';
import { FLOWS } from '../browser/helpers.mjs';

const url = process.argv[2] || 'http://127.0.0.1:18093/';
const repeats = Number(process.argv[3] || 3);
const only = process.argv[4] || '';

const observe = () => {
  window.__longtasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longtasks.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });
};

// Load is read twice: up to the recorded first session on screen (the build's
// recording, tls-playground:recorded; absent from a build without one),
// and up to the live session on screen (the page ready).
const RECORDED = 'load → recorded first session shown';
const flows = [[RECORDED, null], ['load → live session shown (engine ready)', null], ...FLOWS.filter(([name]) => name.includes(only))];

const rows = new Map(flows.map(([name]) => [name, { count: [], max: [], took: [] }]));
const browser = await launch();
try {
  for (let i = 0; i < repeats; i++) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await ctx.addInitScript(observe);
    const page = await ctx.newPage();
    const t0 = Date.now();
    await page.goto(url);
    await bodyState(page, 'state', ['ready']);
    await bodyState(page, 'busy', ['false'], 30_000);
    let warm = false;
    for (const [name, run] of flows) {
      const r = rows.get(name);
      let took = Date.now() - t0;
      let until = Infinity;
      if (name === RECORDED) {
        const at = await page.evaluate(() => performance.getEntriesByName('tls-playground:recorded')[0]?.startTime);
        if (typeof at !== 'number') continue;
        until = at;
        took = Math.round(at);
      }
      if (run) {
        if (!warm) { warm = true; await warmSelectors(page); }
        await page.evaluate(() => { window.__longtasks.length = 0; });
        const s = Date.now();
        await run(page);
        took = Date.now() - s;
      }
      await page.waitForTimeout(150); // the last longtask entries arrive after the task
      const lt = await page.evaluate((u) => window.__longtasks.filter(([start]) => start < u).map(([, d]) => d), until);
      r.count.push(lt.length);
      r.max.push(lt.length ? Math.max(...lt) : 0);
      r.took.push(took);
    }
    await ctx.close();
  }
} finally {
  await browser.close();
}

const f = (xs) => Math.round(stats(xs).median).toLocaleString('en');
console.log(`Chromium ${url}, ${repeats} runs of every flow; medians (worst run in brackets)\n`);
console.log('| flow | long tasks > 50 ms | longest task ms | flow took ms (Playwright round trips included) |');
console.log('|---|---|---|---|');
for (const [name, r] of rows) {
  if (!r.count.length) { console.log(`| ${name} | — | — | — (not in this build) |`); continue; }
  console.log(`| ${name} | ${f(r.count)} (${Math.max(...r.count)}) | ${f(r.max)} (${Math.round(Math.max(...r.max))}) | ${f(r.took)} |`);
}
