// load-tasks.mjs lists the main thread's long tasks (the browser's longtask
// entries: over 50 ms of wall time) of each load of one or two builds,
// interleaved in one Chromium (A B, B A, …): where each task started, how long
// it took, and the load's marks (the recorded first session rendered, the live
// one). Issue 9 asks for no task over 50 ms at load; ab-bench gives the medians,
// this says which task it is in each load (before the recorded session, the
// frame after it, the live session's) and how many loads had none.
//
//   node tests/bench/load-tasks.mjs URL_A [URL_B] [rounds]
import { launch, stats, bodyState } from './chromium.mjs';

const urls = process.argv.slice(2).filter((a) => /^https?:/.test(a));
const rounds = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) || 6);
if (!urls.length) {
  console.error('usage: node tests/bench/load-tasks.mjs URL_A [URL_B] [rounds]');
  process.exit(2);
}
const names = urls.length === 1 ? ['A'] : ['A', 'B'];

const observe = () => {
  window.__longtasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longtasks.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });
};

const runs = new Map(names.map((n) => [n, []]));
const browser = await launch();
try {
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 ? [...names].reverse() : names;
    for (const who of order) {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await ctx.addInitScript(observe);
      const page = await ctx.newPage();
      await page.goto(urls[names.indexOf(who)]);
      await bodyState(page, 'state', ['ready']);
      await page.waitForTimeout(150); // the last longtask entries arrive after the task
      const r = await page.evaluate(() => ({
        recorded: performance.getEntriesByName('tls-playground:recorded')[0]?.startTime,
        ready: performance.getEntriesByName('tls-playground:ready')[0]?.startTime,
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
        tasks: window.__longtasks.slice(),
      }));
      r.tasks = r.tasks.filter(([start]) => start < r.ready);
      runs.get(who).push(r);
      const at = (t) => (typeof t === 'number' ? Math.round(t) : '—');
      console.log(`${who} fcp ${at(r.fcp)} recorded ${at(r.recorded)} ready ${at(r.ready)}: ${r.tasks.length} long: ${r.tasks.map(([s, d]) => `@${Math.round(s)}+${Math.round(d)}`).join(' ') || '-'}`);
      await ctx.close();
    }
  }
} finally {
  await browser.close();
}

const med = (xs) => (xs.length ? Math.round(stats(xs).median) : '—');
console.log('\n| build | loads | loads with none | long tasks (median count / longest) | before the recorded mark (count / longest) | fcp | recorded | ready |');
console.log('|---|---|---|---|---|---|---|---|');
for (const [who, rs] of runs) {
  const before = rs.map((r) => r.tasks.filter(([s]) => s < r.recorded));
  const longest = (ts) => (ts.length ? Math.max(...ts.map(([, d]) => d)) : 0);
  console.log(`| ${who} | ${rs.length} | ${rs.filter((r) => !r.tasks.length).length} | ${med(rs.map((r) => r.tasks.length))} / ${med(rs.map((r) => longest(r.tasks)))} | ${med(before.map((t) => t.length))} / ${med(before.map(longest))} | ${med(rs.map((r) => r.fcp))} | ${med(rs.map((r) => r.recorded))} | ${med(rs.map((r) => r.ready))} |`);
}
