// A guard against gross freezes, in Debian's Chromium: no single main-thread
// task over 250 ms while the page loads and while a visitor runs every flow
// (New session, Run all, the mode switches, the comparison, every attack:
// helpers.mjs FLOWS). Issue 9's goal is no task over 50 ms; that number is
// read from the bench (tests/bench/flows-bench.mjs via scripts/bench.sh), not
// asserted here, where a busy CI machine would make it flake. A flow over the
// limit in the first pass runs again under Chromium's trace, and fails only if
// one of its tasks was over the limit in both passes and, the second time, also
// used that much of the main thread's CPU: a task that only waited for a core
// (a loaded machine: on 2 cores, the engine worker and V8's threads beside it)
// is not a freeze the page caused.
//
//   bash scripts/build.sh && node --test tests/browser/longtasks.test.mjs
//   (LT_LIMIT=N for another limit, e.g. to see the traced second pass run)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSite, waitReady, idle, FLOWS } from './helpers.mjs';
import { traced } from '../bench/chromium.mjs';

const site = useSite();
const LIMIT_MS = Number(process.env.LT_LIMIT || 250);

test(`no main-thread task over ${LIMIT_MS} ms at load or in any flow`, async (t) => {
  const { page, problems } = await site.openPage(t);
  await page.addInitScript(() => {
    window.__longtasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longtasks.push(Math.round(e.duration));
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(`${site.origin}/`);
  await waitReady(page);
  await idle(page);
  // A task over the limit on a machine that is busy with other work is not a
  // regression; one that comes back when the flows run a second time, and uses
  // the CPU it takes, is.
  const pass = async (trace) => {
    const over = new Map();
    const cpuMax = new Map();
    const collect = async (flow) => {
      await page.waitForTimeout(100); // the entry of the last task arrives after it
      const lt = await page.evaluate(() => window.__longtasks.splice(0));
      for (const d of lt) if (d > LIMIT_MS) over.set(flow, [...(over.get(flow) || []), d]);
      return lt.length;
    };
    const run = async (flow, fn) => {
      if (!trace?.flows.has(flow)) return fn();
      const { cpu } = await traced(page, trace.cdp, fn);
      cpuMax.set(flow, Math.round(cpu.max));
    };
    let seen = 0;
    await run('load', async () => {
      if (trace) {
        await page.reload(); // the lab keeps each attack's state: start again from a fresh page
        await waitReady(page);
        await idle(page);
      }
      seen += await collect('load');
    });
    for (const [name, flow] of FLOWS) {
      await run(name, async () => {
        await flow(page);
        seen += await collect(name);
      });
    }
    return { over, seen, cpuMax };
  };
  const first = await pass(null);
  let again = { over: new Map(), seen: 0, cpuMax: new Map() };
  if (first.over.size) {
    t.diagnostic(`over ${LIMIT_MS} ms in the first pass: ${[...first.over].map(([f, d]) => `${f} (${d.join(', ')} ms)`).join('; ')}; running every flow again, those traced`);
    const cdp = await page.context().newCDPSession(page);
    again = await pass({ cdp, flows: new Set(first.over.keys()) });
    for (const [f, c] of again.cpuMax) t.diagnostic(`${f}: its longest task used ${c} ms of the main thread's CPU in the second pass`);
  }
  const over = [...first.over.keys()].filter((f) => again.over.has(f) && (again.cpuMax.get(f) ?? Infinity) > LIMIT_MS)
    .map((f) => `${f}: ${first.over.get(f).join(', ')} ms, then ${again.over.get(f).join(', ')} ms (longest task's CPU ${again.cpuMax.get(f)} ms)`);
  const seen = first.seen;
  assert.deepEqual(over, [], `main-thread tasks over ${LIMIT_MS} ms (${seen} over 50 ms in all)`);
  assert.deepEqual(problems, []);
});
