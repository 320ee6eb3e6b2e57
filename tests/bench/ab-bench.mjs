// ab-bench.mjs compares two builds of the page, A and B (before and after a
// change), interleaved in one Chromium, on the flows where rendering costs
// the most: load until the live session is on screen, "New session" (click →
// page updated: visible, the first screen; complete, what it left to later
// tasks below the first screen done too; clicked once the visitor's own keys are
// made, the first click, which sets up with them, in a row of its own), "Run all"
// and the mode switches; for each, the main
// thread's long tasks (over 50 ms: count, longest, total), and the main
// thread's CPU time from a trace (the thread time of its tasks: the sum, and
// the longest task), which a busy machine inflates much less than wall time.
// On a busy machine only the ratio B ÷ A of one run means anything.
//
//   node tests/bench/ab-bench.mjs URL_A URL_B [rounds] [clicks]
//
// With clicks 0, only the load is measured (no clicks, no flows). The load has
// two moments, each its own row: the recorded first session on screen (the
// tls-playground:recorded mark; none in a build without one) and the live one
// (tls-playground:ready, as before), with the same long tasks and CPU (the
// load's, until the live session).
import { launch, stats, bodyState, warmSelectors, traced } from './chromium.mjs';
import { FLOWS, idle } from '../browser/helpers.mjs';

const [urlA, urlB] = [process.argv[2], process.argv[3]];
const rounds = Number(process.argv[4] || 3);
const clicks = Number(process.argv[5] ?? 5);
if (!urlA || !urlB) {
  console.error('usage: node tests/bench/ab-bench.mjs URL_A URL_B [rounds] [clicks]');
  process.exit(2);
}
const flows = FLOWS.filter(([name]) => /Run all|mode switch/.test(name));

const observe = () => {
  window.__longtasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longtasks.push(e.duration);
  }).observe({ type: 'longtask', buffered: true });
};
const take = async (page) => {
  await page.waitForTimeout(150); // the entry of the last task arrives after it
  return page.evaluate(() => window.__longtasks.splice(0));
};

const rows = new Map(); // name -> {A: {n, max, sum, ms, cpu, cpuMax}, B: …} of arrays
const put = (name, who, lt, ms, cpu) => {
  const fresh = () => ({ n: [], max: [], sum: [], ms: [], cpu: [], cpuMax: [] });
  if (!rows.has(name)) rows.set(name, { A: fresh(), B: fresh() });
  const r = rows.get(name)[who];
  r.n.push(lt.length);
  r.max.push(lt.length ? Math.max(...lt) : 0);
  r.sum.push(lt.reduce((a, b) => a + b, 0));
  if (Number.isFinite(ms)) r.ms.push(ms);
  if (cpu) { r.cpu.push(cpu.sum); r.cpuMax.push(cpu.max); }
};

const browser = await launch();
try {
  for (let i = 0; i < rounds; i++) {
    for (const [who, url] of i % 2 ? [['B', urlB], ['A', urlA]] : [['A', urlA], ['B', urlB]]) {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await ctx.addInitScript(observe);
      const page = await ctx.newPage();
      page.setDefaultTimeout(180_000);
      const cdp = await ctx.newCDPSession(page);
      const { result: ready, cpu: loadCPU } = await traced(page, cdp, async () => {
        await page.goto(url);
        await bodyState(page, 'state', ['ready']);
        return page.evaluate(() => [...['recorded', 'ready'].map((m) => performance.getEntriesByName(`tls-playground:${m}`)[0]?.startTime),
          performance.getEntriesByName('first-contentful-paint')[0]?.startTime]);
      });
      await bodyState(page, 'busy', ['false'], 30_000);
      const loadTasks = await take(page);
      put('load → first contentful paint', who, [], ready[2] ?? NaN, null);
      put('load → recorded session on screen (mark)', who, loadTasks, ready[0] ?? NaN, loadCPU);
      put('load → live session on screen', who, loadTasks, ready[1], loadCPU);
      // The clicks begin once the visitor's own keys are made (in the worker, after the live
      // session): a click while they are being made waits for them, and the first click after
      // sets up with them (certificates signed) before its handshake. Which of those a click
      // met depended on how soon the load ended, and decided its time far more than the render.
      if (clicks) {
        await bodyState(page, 'keyGeneration', ['done', 'failed'], 60_000).catch(() => {});
        await bodyState(page, 'busy', ['false'], 30_000);
        await take(page);
      }
      for (let c = 0; c < clicks; c++) {
        const { result: m, cpu } = await traced(page, cdp, () => page.evaluate(async () => {
          const b = document.body.dataset;
          const before = b.sessionSeed;
          const fingerprint = b.keyFingerprint;
          const t0 = performance.now();
          document.querySelector('[data-testid="new-session"]').click();
          // Visible: the session's seed changed and the page is not busy (polled once per frame).
          await new Promise((resolve) => {
            const tick = () => (b.sessionSeed !== before && b.busy === 'false' ? resolve() : requestAnimationFrame(tick));
            requestAnimationFrame(tick);
          });
          const visible = performance.now() - t0;
          // Complete: what the render left to later tasks (below the first screen) has run too:
          // data-rendered-seed = the seed, where the page writes it; else a background-priority
          // task, which runs after the user-visible ones the render queued.
          await new Promise((resolve) => {
            if ('renderedSeed' in b) {
              const tick = () => (b.renderedSeed === b.sessionSeed ? resolve() : requestAnimationFrame(tick));
              tick();
            } else if (globalThis.scheduler?.postTask) scheduler.postTask(resolve, { priority: 'background' });
            else setTimeout(resolve, 0);
          });
          return { visible, complete: performance.now() - t0, setup: b.keyFingerprint !== fingerprint };
        }));
        const lt = await take(page);
        // The click that set up with the own keys first is a row of its own (newsession-bench.mjs splits further).
        const what = m.setup ? ' (the first with the own keys: setup, then the handshake)' : '';
        put(`"New session" click → page updated (visible)${what}`, who, lt, m.visible, cpu);
        if (!m.setup) put('"New session" click → every part rendered (complete)', who, lt, m.complete, cpu);
        await idle(page);
        await take(page);
      }
      if (clicks) {
        await warmSelectors(page);
        await take(page);
      }
      for (const [name, run] of clicks ? flows : []) {
        const t0 = Date.now();
        const { cpu } = await traced(page, cdp, () => run(page));
        put(name, who, await take(page), Date.now() - t0, cpu);
      }
      await ctx.close();
    }
  }
} finally {
  await browser.close();
}

const med = (xs) => (xs.length ? stats(xs).median : NaN);
const r0 = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en') : '—');
const ratio = (a, b) => (a > 0 && Number.isFinite(b) ? (b / a).toFixed(2) : '—');
console.log(`A ${urlA}\nB ${urlB}\n${rounds} interleaved rounds, ${clicks} "New session" clicks each; medians\n`);
console.log('| flow | ms A | ms B | B ÷ A | long tasks A (n / longest / total ms) | long tasks B | total B ÷ A | main-thread CPU A (total / longest task ms) | CPU B | CPU total B ÷ A | longest B ÷ A |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const [name, { A, B }] of rows) {
  const lt = (r) => `${r0(med(r.n))} / ${r0(med(r.max))} / ${r0(med(r.sum))}`;
  const cpu = (r) => (r.cpu.length ? `${r0(med(r.cpu))} / ${r0(med(r.cpuMax))}` : '—');
  console.log(`| ${name} | ${r0(med(A.ms))} | ${r0(med(B.ms))} | ${ratio(med(A.ms), med(B.ms))} | ${lt(A)} | ${lt(B)} | ${ratio(med(A.sum), med(B.sum))} | ${cpu(A)} | ${cpu(B)} | ${ratio(med(A.cpu), med(B.cpu))} | ${ratio(med(A.cpuMax), med(B.cpuMax))} |`);
}
