// A guard against gross freezes, in Debian's Chromium: no single main-thread
// task over 250 ms while the page loads and while a visitor runs every flow
// (New session, Run all, the mode switches, the comparison, every attack:
// helpers.mjs FLOWS). Issue 9's goal is no task over 50 ms; that number is
// read from the bench (tests/bench/flows-bench.mjs via scripts/bench.sh), not
// asserted here, where a busy CI machine would make it flake.
//
//   bash scripts/build.sh && node --test tests/browser/longtasks.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSite, waitReady, idle, FLOWS } from './helpers.mjs';

const site = useSite();
const LIMIT_MS = 250;

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
  // regression; one that comes back when the flows run a second time is.
  const pass = async () => {
    const over = new Map();
    const collect = async (flow) => {
      await page.waitForTimeout(100); // the entry of the last task arrives after it
      const lt = await page.evaluate(() => window.__longtasks.splice(0));
      for (const d of lt) if (d > LIMIT_MS) over.set(flow, [...(over.get(flow) || []), d]);
      return lt.length;
    };
    let seen = await collect('load');
    for (const [name, run] of FLOWS) {
      await run(page);
      seen += await collect(name);
    }
    return { over, seen };
  };
  const first = await pass();
  let again = { over: new Map(), seen: 0 };
  if (first.over.size) {
    t.diagnostic(`over ${LIMIT_MS} ms in the first pass: ${[...first.over].map(([f, d]) => `${f} (${d.join(', ')} ms)`).join('; ')}; running every flow again`);
    await page.reload(); // the lab keeps each attack's state: start again from a fresh page
    await waitReady(page);
    await idle(page);
    again = await pass();
  }
  const over = [...first.over.keys()].filter((f) => again.over.has(f))
    .map((f) => `${f}: ${first.over.get(f).join(', ')} ms, then ${again.over.get(f).join(', ')} ms`);
  const seen = first.seen;
  assert.deepEqual(over, [], `main-thread tasks over ${LIMIT_MS} ms (${seen} over 50 ms in all)`);
  assert.deepEqual(problems, []);
});
