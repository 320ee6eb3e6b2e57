// trace-tasks.mjs records a Chromium trace of one flow (the load, or one of
// the flows of tests/browser/helpers.mjs) and prints what ran inside each
// main-thread task longer than a threshold: its wall and CPU (thread) time,
// the events it spent that time in (script evaluation, compile, function
// calls, style, layout, paint, GC, …: self time per event name), and what the
// other threads did meanwhile (CPU per thread). It answers "why is this task
// long": its own work, or the main thread waiting for a core.
//
//   node tests/bench/trace-tasks.mjs URL [flow] [threshold ms] [runs]
//   BY_CPU=1 node tests/bench/trace-tasks.mjs …   (the threshold on CPU time, not wall)
//   FORCED=1 node tests/bench/trace-tasks.mjs …   (each style or layout that script forced,
//                                                  with the JavaScript that asked for it)
//   TREE=1 node tests/bench/trace-tasks.mjs …      (each long task's events as a tree, those
//                                                  of at least 1 ms of CPU: what ran inside what)
//
// flow: "load" (default: navigation until the live session is on screen) or a
// part of a flow's name in FLOWS ("eve", "Run all", …), run after the load.
import { launch, bodyState, warmSelectors } from './chromium.mjs';
import { FLOWS, idle } from '../browser/helpers.mjs';

const url = process.argv[2];
const flowName = process.argv[3] || 'load';
const threshold = Number(process.argv[4] || 50);
const runs = Number(process.argv[5] || 1);
if (!url) {
  console.error('usage: node tests/bench/trace-tasks.mjs URL [flow] [threshold ms] [runs]');
  process.exit(2);
}
const flow = flowName === 'load' ? null : FLOWS.find(([name]) => name.includes(flowName));
if (flowName !== 'load' && !flow) {
  console.error(`no flow named like ${flowName}: ${FLOWS.map(([n]) => n).join(', ')}`);
  process.exit(2);
}

// PROFILE=1 adds V8's sampling profiler: each long task's JavaScript functions by self time.
const profiling = process.env.PROFILE === '1';
const categories = [...(profiling ? ['disabled-by-default-v8.cpu_profiler'] : []),
  ...(process.env.FORCED === '1' ? ['disabled-by-default-devtools.timeline.stack'] : []), 'toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.execute',
  'blink', 'loading', 'disabled-by-default-v8.compile', 'blink.user_timing'].join(',');

async function trace(page, cdp, fn) {
  const events = [];
  const collect = (e) => events.push(...e.value);
  cdp.on('Tracing.dataCollected', collect);
  await cdp.send('Tracing.start', { categories, transferMode: 'ReportEvents' });
  await fn();
  await page.waitForTimeout(200);
  const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.end');
  await done;
  cdp.off('Tracing.dataCollected', collect);
  return events;
}

const ms = (us) => (us / 1000).toFixed(1);

/**
 * samplesOf reads the profiler's chunks of thread pid:tid into [time µs, label] samples
 * (label: the function, its file and line).
 */
function samplesOf(events, pid, tid) {
  const nodes = new Map();
  const out = [];
  // One profile per isolate: the thread's is the one its Profile event is on; its chunks share its id.
  const profile = events.find((e) => e.name === 'Profile' && e.pid === pid && e.tid === tid);
  if (!profile) return out;
  let t = profile.args?.data?.startTime ?? profile.ts;
  for (const e of events) {
    if (e.name !== 'ProfileChunk' || e.pid !== pid || e.id !== profile.id) continue;
    const d = e.args?.data?.cpuProfile || {};
    for (const n of d.nodes || []) {
      const f = n.callFrame || {};
      const file = (f.url || '').replace(/^.*\/assets\/[^/]+\//, '');
      nodes.set(n.id, `${f.functionName || '(anonymous)'} ${file}${file ? `:${(f.lineNumber ?? -1) + 1}` : ''}`);
    }
    const deltas = e.args?.data?.timeDeltas || [];
    (d.samples || []).forEach((id, k) => {
      t += deltas[k] || 0;
      out.push([t, nodes.get(id) || `node ${id}`]);
    });
  }
  return out;
}

function report(events) {
  const names = new Map(); // pid:tid -> thread name
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args.name);
  const key = (e) => `${e.pid}:${e.tid}`;
  const mainKeys = [...names].filter(([, n]) => n === 'CrRendererMain').map(([k]) => k);
  // The page's main thread: the one its marks are on (a load), else the renderer's main thread with the most tasks.
  const X = events.filter((e) => e.ph === 'X');
  const marked = events.find((e) => /^tls-playground:/.test(e.name) && mainKeys.includes(key(e)));
  const main = marked ? key(marked) : mainKeys.sort((a, b) => X.filter((e) => key(e) === b).length - X.filter((e) => key(e) === a).length)[0];
  const onMain = X.filter((e) => key(e) === main).sort((a, b) => a.ts - b.ts);
  const t0 = Math.min(...onMain.map((e) => e.ts));
  // Top-level tasks only (a ThreadControllerImpl::RunTask holds a RunTask).
  const tasks = [];
  for (const e of onMain.filter((x) => x.name === 'RunTask' || x.name === 'ThreadControllerImpl::RunTask')) {
    const last = tasks.at(-1);
    if (!last || e.ts >= last.ts + last.dur) tasks.push(e);
  }
  // BY_CPU=1: the threshold is the task's CPU (thread) time, which contention inflates least.
  const long = tasks.filter((t) => (process.env.BY_CPU === '1' ? t.tdur ?? 0 : t.dur) / 1000 >= threshold);
  const marks = events.filter((e) => e.cat?.includes('user_timing') && /tls-playground/.test(e.name)).map((e) => `${e.name} @${ms(e.ts - t0)}`);
  console.log(`main thread ${main}: ${tasks.length} tasks, ${ms(tasks.reduce((a, t) => a + t.dur, 0))} ms wall, ${ms(tasks.reduce((a, t) => a + (t.tdur ?? 0), 0))} ms CPU; ${long.length} over ${threshold} ms`);
  const byCPU = tasks.map((t) => (t.tdur ?? 0) / 1000).sort((a, b) => b - a);
  console.log(`the five tasks with the most CPU (ms): ${byCPU.slice(0, 5).map((c) => c.toFixed(1)).join(', ')}; tasks over 10 ms of CPU: ${byCPU.filter((c) => c > 10).length}`);
  if (marks.length) console.log(`marks: ${[...new Set(marks)].join(', ')}`);
  for (const t of long) {
    const end = t.ts + t.dur;
    const inside = onMain.filter((e) => e !== t && e.ts >= t.ts && e.ts + (e.dur ?? 0) <= end);
    // Self time per event name: an event's duration less its direct children's.
    const self = new Map();
    const stack = [];
    for (const e of inside) {
      while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop();
      const parent = stack.at(-1);
      const label = labelOf(e);
      const add = (l, w, c) => { const s = self.get(l) ?? { wall: 0, cpu: 0, n: 0 }; s.wall += w; s.cpu += c; self.set(l, s); };
      add(label, e.dur ?? 0, e.tdur ?? 0);
      self.get(label).n++;
      if (parent) {
        const s = self.get(labelOf(parent));
        s.wall -= e.dur ?? 0;
        s.cpu -= e.tdur ?? 0;
      }
      stack.push(e);
    }
    // What started the task: its direct children's names (an event, a message, a timer, a frame).
    const direct = [];
    let until = 0;
    for (const e of inside) {
      if (e.ts < until || /RunTask/.test(e.name)) continue;
      until = e.ts + (e.dur ?? 0);
      if ((e.dur ?? 0) > 300) direct.push(`${labelOf(e)} ${ms(e.dur)}`);
    }
    const top = [...self].filter(([, s]) => s.wall > 500).sort((a, b) => b[1].wall - a[1].wall).slice(0, 14);
    console.log(`\n task @${ms(t.ts - t0)} ms: wall ${ms(t.dur)} ms, CPU ${ms(t.tdur ?? 0)} ms`);
    console.log(`   started by: ${direct.slice(0, 8).join(' | ')}`);
    for (const [label, s] of top) console.log(`   ${label.padEnd(70)} ${String(s.n).padStart(4)}x  wall ${ms(s.wall).padStart(6)}  cpu ${ms(s.cpu).padStart(6)}`);
    // Other threads' CPU in the task's window (their tasks overlapping it, pro rata).
    const others = new Map();
    for (const e of X) {
      if (key(e) === main || !/RunTask|ThreadPool_RunTask|ThreadControllerImpl::RunTask/.test(e.name)) continue;
      const a = Math.max(e.ts, t.ts);
      const b = Math.min(e.ts + e.dur, end);
      if (b <= a || !e.dur) continue;
      const n = names.get(key(e)) ?? key(e);
      others.set(n, (others.get(n) ?? 0) + ((e.tdur ?? e.dur) * (b - a)) / e.dur);
    }
    if (profiling) {
      const [pid, tid] = main.split(':').map(Number);
      const fns = new Map();
      for (const [at, label] of samplesOf(events, pid, tid)) {
        if (at < t.ts || at > end || /^\((idle|program|garbage collector|root)\)/.test(label)) continue;
        fns.set(label, (fns.get(label) || 0) + 1);
      }
      const topFns = [...fns].sort((a, b) => b[1] - a[1]).slice(0, 10);
      if (topFns.length) console.log(`   JavaScript by samples (self): ${topFns.map(([l, n]) => `${l} ×${n}`).join(' | ')}`);
    }
    if (process.env.TREE) {
      // TREE=ms: the task's events as a tree, each that took at least ms of CPU, in order.
      const min = Number(process.env.TREE) * 1000;
      const open = [];
      for (const e of inside) {
        while (open.length && open.at(-1).ts + (open.at(-1).dur ?? 0) <= e.ts) open.pop();
        if ((e.dur ?? 0) > 0) open.push(e);
        if ((e.tdur ?? 0) < min) continue;
        console.log(`   ${'  '.repeat(open.length - 1)}${labelOf(e)} @${ms(e.ts - t.ts)} wall ${ms(e.dur ?? 0)} cpu ${ms(e.tdur ?? 0)}`);
      }
    }
    if (process.env.FORCED === '1') {
      // A layout or style recalculation that carries a stack ran because script read the
      // layout (or style) before the frame: where, and what it cost.
      for (const e of inside) {
        if (!/^(Layout|UpdateLayoutTree|ScheduleStyleRecalculation)$/.test(e.name)) continue;
        const stack = e.args?.beginData?.stackTrace || e.args?.data?.stackTrace;
        if (!stack || !stack.length) continue;
        const where = stack.slice(0, 4).map((f) => `${f.functionName || '(anonymous)'} ${String(f.url || '').replace(/^.*\/assets\/[^/]+\//, '')}:${(f.lineNumber ?? -1) + 1}`).join(' < ');
        console.log(`   forced ${e.name} wall ${ms(e.dur ?? 0)} cpu ${ms(e.tdur ?? 0)}: ${where}`);
      }
    }
    const busy = [...others].filter(([, c]) => c > 1000).sort((a, b) => b[1] - a[1]);
    if (busy.length) console.log(`   other threads meanwhile (CPU ms): ${busy.map(([n, c]) => `${n} ${ms(c)}`).join(', ')}`);
  }
}

function labelOf(e) {
  const a = e.args?.data ?? e.args ?? {};
  const where = a.url || a.fileName || a.functionName || a.type || '';
  const short = String(where).replace(/^https?:\/\/[^/]+\//, '').slice(0, 40);
  return short ? `${e.name} ${short}` : e.name;
}

const browser = await launch();
try {
  for (let i = 0; i < runs; i++) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    page.setDefaultTimeout(180_000);
    const cdp = await ctx.newCDPSession(page);
    if (flow) {
      await page.goto(url);
      await bodyState(page, 'state', ['ready']);
      await idle(page);
      await warmSelectors(page);
      await page.waitForTimeout(1000);
    }
    const events = await trace(page, cdp, async () => {
      if (flow) {
        await flow[1](page);
      } else {
        await page.goto(url);
        await bodyState(page, 'state', ['ready']);
        await bodyState(page, 'busy', ['false'], 30_000);
      }
    });
    console.log(`\n=== run ${i + 1}: ${flow ? flow[0] : 'load'} (${url})`);
    report(events);
    await ctx.close();
  }
} finally {
  await browser.close();
}
