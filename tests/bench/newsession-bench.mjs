// newsession-bench.mjs compares "New session" (click → page updated) in two
// builds of the page, A and B, interleaved in one Chromium, click by click:
// each click's wall time and main-thread CPU (from a trace), and what kind of
// click it was, since that decides its cost far more than the render does:
//   setup     the first click after the visitor's own keys were made: a new
//             setup with those keys (certificates signed in the worker), then
//             the handshake
//   prepared  the worker had run this handshake ahead (the page only renders)
//   run       the handshake ran on the click
// ab-bench.mjs's "New session" row is the median over every click of a load,
// whatever its kind: a run where the keys were made before the first click in
// one build and after it in the other compares different work. This bench
// waits for the keys (body data-key-generation done) before the first click
// and reports each kind apart.
//
//   node tests/bench/newsession-bench.mjs URL_A URL_B [rounds] [clicks]
import { launch, stats, bodyState, traced } from './chromium.mjs';

const [urlA, urlB] = [process.argv[2], process.argv[3]];
const rounds = Number(process.argv[4] || 6);
const clicks = Number(process.argv[5] || 4);
if (!urlA || !urlB) {
  console.error('usage: node tests/bench/newsession-bench.mjs URL_A URL_B [rounds] [clicks]');
  process.exit(2);
}

const rows = new Map(); // kind -> {A: {ms: [], cpu: [], max: []}, B: …}
const put = (kind, who, ms, cpu) => {
  if (!rows.has(kind)) rows.set(kind, { A: { ms: [], cpu: [], max: [] }, B: { ms: [], cpu: [], max: [] } });
  const r = rows.get(kind)[who];
  r.ms.push(ms);
  r.cpu.push(cpu.sum);
  r.max.push(cpu.max);
};

const browser = await launch();
try {
  for (let i = 0; i < rounds; i++) {
    for (const [who, url] of i % 2 ? [['B', urlB], ['A', urlA]] : [['A', urlA], ['B', urlB]]) {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await ctx.newPage();
      page.setDefaultTimeout(180_000);
      const cdp = await ctx.newCDPSession(page);
      await page.goto(url);
      await bodyState(page, 'state', ['ready']);
      await bodyState(page, 'keyGeneration', ['done', 'failed'], 60_000).catch(() => {});
      await bodyState(page, 'busy', ['false'], 30_000);
      await page.waitForTimeout(300);
      for (let c = 0; c < clicks; c++) {
        const { result: m, cpu } = await traced(page, cdp, () => page.evaluate(async () => {
          const b = document.body.dataset;
          const before = { seed: b.sessionSeed, fingerprint: b.keyFingerprint };
          // A prepared session is taken without the "Running…" status (busy stays false).
          let sawBusy = false;
          const t0 = performance.now();
          document.querySelector('[data-testid="new-session"]').click();
          await new Promise((resolve) => {
            const tick = () => {
              if (b.busy === 'true') sawBusy = true;
              if (b.sessionSeed !== before.seed && b.busy === 'false') resolve();
              else requestAnimationFrame(tick);
            };
            requestAnimationFrame(tick);
          });
          const ms = performance.now() - t0;
          const kind = b.keyFingerprint !== before.fingerprint ? 'setup' : sawBusy ? 'run' : 'prepared';
          return { ms, kind };
        }));
        put(m.kind, who, m.ms, cpu);
        put('every click', who, m.ms, cpu);
        await bodyState(page, 'busy', ['false'], 30_000);
        await page.waitForTimeout(400); // the worker prepares the next session meanwhile
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
console.log(`A ${urlA}\nB ${urlB}\n${rounds} interleaved rounds, ${clicks} "New session" clicks each (after the own keys were made); medians\n`);
console.log('| click | n A | n B | ms A | ms B | B ÷ A | main-thread CPU A (total / longest task) | CPU B | CPU total B ÷ A |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const [kind, { A, B }] of rows) {
  console.log(`| ${kind} | ${A.ms.length} | ${B.ms.length} | ${r0(med(A.ms))} | ${r0(med(B.ms))} | ${ratio(med(A.ms), med(B.ms))} | ${r0(med(A.cpu))} / ${r0(med(A.max))} | ${r0(med(B.cpu))} / ${r0(med(B.max))} | ${ratio(med(A.cpu), med(B.cpu))} |`);
}
