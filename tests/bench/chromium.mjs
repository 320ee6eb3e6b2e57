// chromium.mjs is what the benches share: Debian's Chromium's launch options
// (no background networking, as everywhere in tests/) and the summary of a
// series of timings.
import { chromium } from 'playwright-core';

export const launchArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** launch starts Debian's Chromium (CHROMIUM overrides the path). */
export function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: launchArgs });
}

/** stats summarises timings: n, median, p90, min, max. */
export function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))];
  return { n: s.length, median: q(0.5), p90: q(0.9), min: s[0], max: s[s.length - 1] };
}

/**
 * bodyState waits until <body data-NAME> holds one of values and returns it,
 * with a MutationObserver in the page: not Playwright's waitForSelector or
 * waitForFunction, whose injected script (some 500 functions: 10-20 ms of the
 * page's main thread, a long task on a busy machine) would otherwise be
 * parsed and run in the middle of the load being measured.
 */
export function bodyState(page, name, values, timeout = 300_000) {
  return page.evaluate(({ name, values, timeout }) => new Promise((resolve, reject) => {
    const now = () => document.body && values.includes(document.body.dataset[name]);
    if (now()) { resolve(document.body.dataset[name]); return; }
    const observer = new MutationObserver(() => {
      if (!now()) return;
      observer.disconnect();
      clearTimeout(timer);
      resolve(document.body.dataset[name]);
    });
    observer.observe(document.documentElement, { attributes: true, subtree: true, childList: true });
    const timer = setTimeout(() => { observer.disconnect(); reject(new Error(`body data-${name} is not ${values.join(' or ')} after ${timeout} ms`)); }, timeout);
  }), { name, values, timeout });
}

/**
 * warmSelectors has Playwright load its selector engine into the page now
 * (between flows, its cost measured in none): a flow that clicks a locator
 * would otherwise pay for it in its first task.
 */
export async function warmSelectors(page) {
  await page.locator('body').count();
  await page.waitForTimeout(200);
}

/** traced runs fn with a trace running and returns its result and the page's main thread's CPU time: {sum, max} ms (ab-bench, newsession-bench). */
export async function traced(page, cdp, fn) {
  const events = [];
  const collect = (e) => events.push(...e.value);
  cdp.on('Tracing.dataCollected', collect);
  await cdp.send('Tracing.start', { categories: 'toplevel,devtools.timeline,disabled-by-default-devtools.timeline,blink.user_timing', transferMode: 'ReportEvents' });
  const result = await fn();
  await page.waitForTimeout(150);
  // A mark names the page's own main thread: not another renderer's (a closed context's, a blank page's).
  await page.evaluate(() => performance.mark('bench:page'));
  const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.end');
  await done;
  cdp.off('Tracing.dataCollected', collect);
  const renderers = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const mark = events.find((e) => e.name === 'bench:page' && renderers.has(`${e.pid}:${e.tid}`));
  const main = mark ? new Set([`${mark.pid}:${mark.tid}`]) : renderers;
  const tasks = events.filter((e) => e.ph === 'X' && e.name === 'RunTask' && main.has(`${e.pid}:${e.tid}`)).map((e) => (e.tdur ?? e.dur) / 1000);
  return { result, cpu: { sum: tasks.reduce((a, b) => a + b, 0), max: tasks.length ? Math.max(...tasks) : 0 } };
}
