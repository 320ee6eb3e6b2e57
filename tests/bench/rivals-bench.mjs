// rivals-bench.mjs loads the playground and the two rivals kept in
// ../shared/rivals (crypto-lab-tls-handshake and The Illustrated TLS 1.3) in
// the same Chromium, interleaved, and prints issue 9's table with a ratio
// column (playground ÷ crypto-lab): on a shared machine only ratios from one
// run mean anything.
//
//   node tests/bench/rivals-bench.mjs PLAYGROUND_URL RIVALS_DIR [loads] [clicks]
//
// The rivals are served by this script (plain static files, as their builds
// expect: crypto-lab under /crypto-lab-tls-handshake/, its Vite base).
// "Usable" is each page's own moment, and the playground has two, kept apart:
// the first session on screen, recorded (the tls-playground:recorded
// mark: the session the build recorded with the same engine, shown, labelled,
// before the engine is ready; absent from a build without one), and the first
// live session on screen (the tls-playground:ready mark: run by the engine in
// the page); crypto-lab's first live handshake rendered (its message list and
// step detail); the Illustrated page's load event. Both playground rows take
// their ratio against crypto-lab's usable. Bytes, each response once (by URL) and compressed with
// brotli quality 11 (what a CDN would send), in two rows: the first view, every file the page or
// one of its workers (the engine's) asked for until the page was usable and then idle (a
// requestIdleCallback), whoever fetched it (the page, or the service worker for it); and after it,
// until the service worker has stored what it stores when the page is idle (the playground's
// data-sw-lazy) and no response came for 2 s: the code the page imports when idle and what only
// the service worker fetched (its precache, the lab and server modules it stores for offline), that part also
// on its own. Playwright cannot read the body of a response a
// worker or the service worker received: that file is fetched again from the same server and
// counted (BYTES=1 lists every response: its phase, who fetched it, its size). The ratio is the
// first view's. Also: the bytes the first paint waits for (the document
// and its stylesheets).
// Long tasks: the browser's own longtask entries (tasks over 50 ms).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { launch, stats, bodyState } from './chromium.mjs';

const playgroundURL = process.argv[2] || 'http://127.0.0.1:18093/';
const rivalsDir = path.resolve(process.argv[3] || '../../shared/rivals');
const loads = Number(process.argv[4] || 7);
const clicks = Number(process.argv[5] || 10);

const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json', '.woff2': 'font/woff2',
};
const mounts = [
  ['/crypto-lab-tls-handshake/', 'crypto-lab-tls-handshake/dist'],
  ['/illustrated-tls13/', 'illustrated-tls13/site'],
];
const server = http.createServer((req, res) => {
  const p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  const m = mounts.find(([prefix]) => p.startsWith(prefix));
  let file = m && path.join(rivalsDir, m[1], p.slice(m[0].length));
  if (file && !file.startsWith(path.join(rivalsDir, m[1]))) file = null;
  if (file && (p.endsWith('/') || fs.statSync(file, { throwIfNoEntry: false })?.isDirectory())) file = path.join(file, 'index.html');
  fs.readFile(file || '/nonexistent', (err, body) => {
    if (err) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
    res.end(body);
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const rivalsBase = `http://127.0.0.1:${server.address().port}`;

// Each subject: where it lives, when it is usable, and (if it has one) its "New session".
const subjects = {
  playground: {
    url: playgroundURL,
    usable: async (page) => {
      await bodyState(page, 'state', ['ready']);
      return page.evaluate(() => ({
        usable: performance.getEntriesByName('tls-playground:ready')[0]?.startTime,
        recorded: performance.getEntriesByName('tls-playground:recorded')[0]?.startTime,
        engine: performance.getEntriesByName('tls-playground:engine-ready')[0]?.startTime,
      }));
    },
    // The session's seed is on <body>; the page is updated when it changed and the page is not busy
    // (visible); complete when what the render left to later tasks (below the first screen) has run
    // too: data-rendered-seed is the seed (a build without that mark: a background-priority task,
    // which runs after the user-visible ones the render queued).
    newSession: { button: '[data-testid="new-session"]', before: () => document.body.dataset.sessionSeed,
      done: (b) => document.body.dataset.sessionSeed !== b && document.body.dataset.busy === 'false',
      complete: () => new Promise((resolve) => {
        const d = document.body.dataset;
        if ('renderedSeed' in d) {
          const tick = () => (d.renderedSeed === d.sessionSeed ? resolve() : requestAnimationFrame(tick));
          tick();
        } else if (globalThis.scheduler?.postTask) globalThis.scheduler.postTask(resolve, { priority: 'background' });
        else setTimeout(resolve, 0);
      }) },
  },
  'crypto-lab': {
    url: `${rivalsBase}/crypto-lab-tls-handshake/`,
    usable: async (page) => {
      // Its first live handshake: the message list and the step detail rendered.
      // Polled once a frame in the page, as the playground's is observed there: no Playwright selector engine in either page's load.
      return page.evaluate(() => new Promise((resolve) => {
        const tick = () => (document.querySelectorAll('.msg').length >= 8 && document.querySelector('#resetBtn')
          ? resolve({ usable: performance.now() }) : requestAnimationFrame(tick));
        tick();
      }));
    },
    newSession: { button: '#resetBtn', before: () => document.querySelector('#app').textContent,
      done: (b) => document.querySelector('#app').textContent !== b, complete: () => Promise.resolve() },
  },
  illustrated: {
    url: `${rivalsBase}/illustrated-tls13/`,
    usable: async (page) => {
      await page.waitForLoadState('load');
      return page.evaluate(() => ({ usable: performance.getEntriesByType('navigation')[0].loadEventEnd }));
    },
  },
};

const longtaskObserver = () => {
  window.__longtasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longtasks.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });
};
const brotli = (buf) => zlib.brotliCompressSync(buf, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

/**
 * bodyOf is a response's body: Playwright's, or, for a response a worker or the service
 * worker received (whose body Playwright cannot read, or reads as empty), the same URL
 * fetched again from the same server (a GET of a static file: the same bytes).
 */
async function bodyOf(r) {
  try {
    const body = await r.body();
    // (Playwright gives an empty body for some of the service worker's responses.)
    if (body.length || r.status() !== 200) return body;
  } catch { /* a worker's or the service worker's response */ }
  // (Another host than this machine: not reachable from here; the browser got nothing either.)
  if (r.request().method() !== 'GET' || !/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(r.url())) return Buffer.alloc(0);
  const res = await fetch(r.url());
  if (!res.ok) throw new Error(`${r.url()}: HTTP ${res.status} when fetched again for its size`);
  return Buffer.from(await res.arrayBuffer());
}

const results = Object.fromEntries(Object.keys(subjects).map((k) => [k, {
  bytes: [], after: [], afterSW: [], shell: [], fcp: [], usable: [], recorded: [], engine: [], ltCount: [], ltTotal: [], ltMax: [], click: [], clickAll: [], clickLtCount: [], clickLtMax: [], offline: null,
}]));

const browser = await launch();
try {
  for (let i = 0; i < loads; i++) {
    for (const [name, s] of Object.entries(subjects)) {
      const ctx = await browser.newContext();
      await ctx.addInitScript(longtaskObserver);
      const bodies = new Map(); // URL -> {bytes (brotli-11), sw: fetched by the service worker}
      const blocking = new Set(); // what the first paint waits for: the document and its stylesheets
      const pending = [];
      const failures = [];
      let phase = 'first';
      // URL -> 'first' when the page or one of its workers asked for it before it was usable and
      // idle, else 'after' (the service worker's precache counts where the page asked for the file).
      const asked = new Map();
      let lastResponse = Date.now();
      ctx.on('request', (q) => {
        if (q.serviceWorker()) return;
        if (asked.get(q.url()) !== 'first') asked.set(q.url(), phase);
      });
      ctx.on('response', (r) => {
        lastResponse = Date.now();
        const url = r.url();
        if (bodies.has(url) || !/^https?:/.test(url)) return;
        const entry = { buf: null, bytes: 0, sw: Boolean(r.request().serviceWorker()) };
        bodies.set(url, entry);
        try {
          // (A service worker's own fetches have no frame: frame() throws for them.)
          if (['document', 'stylesheet'].includes(r.request().resourceType()) && r.frame() === r.frame().page().mainFrame()) blocking.add(url);
        } catch { /* not the page's */ }
        // (Kept raw, compressed only when counted: brotli-11 of a 10 MB module blocks this process for
        // many seconds, and the rivals' pages are served by it.)
        pending.push(bodyOf(r).then((b) => { entry.buf = b; }, (err) => failures.push(`${url}: ${err.message}`)));
      });
      const page = await ctx.newPage();
      await page.goto(s.url);
      const t = await s.usable(page);
      const r = results[name];
      r.usable.push(t.usable);
      if (typeof t.engine === 'number') r.engine.push(t.engine);
      if (typeof t.recorded === 'number') r.recorded.push(t.recorded);
      const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime);
      if (typeof fcp === 'number') r.fcp.push(fcp);
      const lt = await page.evaluate((u) => window.__longtasks.filter(([start]) => start < u), t.usable);
      r.ltCount.push(lt.length);
      r.ltTotal.push(lt.reduce((a, [, d]) => a + d, 0));
      r.ltMax.push(lt.reduce((a, [, d]) => Math.max(a, d), 0));
      if (i === 0) {
        // The first view: what was asked for until the page was usable and then idle; after it,
        // what the next seconds asked for (the service worker's precache and store-lazy too).
        await page.evaluate(() => new Promise((resolve) => (globalThis.requestIdleCallback || setTimeout)(resolve, { timeout: 2000 })));
        // What a worker loaded with importScripts makes no request event here: the page's and its
        // workers' resource timing entries name every file they loaded.
        const loaded = [await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name))];
        for (const w of page.workers()) loaded.push(await w.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name)).catch(() => []));
        // (This machine's origins only: another host was not reachable from this bench's browser either.)
        const here = new URL(s.url).origin;
        for (const u of loaded.flat()) if (u.startsWith(`${here}/`) && !asked.has(u)) asked.set(u, 'first');
        phase = 'after';
        // Then until the playground's service worker has stored what it stores for offline when the
        // page is idle (pwa.js data-sw-lazy, at most 30 s), and no response came for 2 s.
        const since = Date.now();
        if (name === 'playground') {
          await page.waitForFunction(() => document.documentElement.dataset.swLazy || document.body.dataset.swLazy, null, { timeout: 30_000 })
            .catch(() => console.error('playground: the service worker did not say it stored the lazy files within 30 s (data-sw-lazy)'));
        }
        while (Date.now() - lastResponse < 2000 && Date.now() - since < 40_000) await page.waitForTimeout(250);
        // A file loaded but never seen as a response (a worker's import): fetched again for its size.
        for (const u of asked.keys()) {
          if (bodies.has(u) || !/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(u)) continue;
          const entry = { buf: null, bytes: 0, sw: false };
          bodies.set(u, entry);
          pending.push(fetch(u).then((res) => (res.ok ? res.arrayBuffer() : Promise.reject(new Error(`HTTP ${res.status}`))))
            .then((b) => { entry.buf = Buffer.from(b); }, (err) => failures.push(`${u}: ${err.message}`)));
        }
        await Promise.all(pending);
        for (const e of bodies.values()) if (e.buf) { e.bytes = brotli(e.buf); e.buf = null; }
        if (failures.length) console.error(`${name}: responses not counted (their size unknown):\n  ${failures.join('\n  ')}`);
        if (process.env.BYTES === '1') {
          if (name === 'playground') console.error(`playground: data-sw-lazy=${await page.evaluate(() => document.documentElement.dataset.swLazy)} data-sw-deferred=${await page.evaluate(() => document.documentElement.dataset.swDeferred)}`);
          for (const [u, e] of bodies) console.error(`${name} ${asked.get(u) || 'after'} ${asked.has(u) ? 'page' : 'sw  '} ${String(e.bytes).padStart(9)} ${u}`);
        }
        const sum = (f) => [...bodies].filter(([u]) => f(u)).reduce((a, [, e]) => a + e.bytes, 0);
        r.bytes.push(sum((u) => asked.get(u) === 'first'));
        r.after.push(sum((u) => asked.get(u) !== 'first'));
        r.afterSW.push(sum((u) => !asked.has(u)));
        r.shell.push([...blocking].reduce((a, u) => a + (bodies.get(u)?.bytes || 0), 0));
      }
      if (i === 0 && s.newSession) {
        for (let c = 0; c < clicks; c++) {
          const m = await page.evaluate(async ({ button, before, done, complete }) => {
            // eslint-disable-next-line no-new-func
            const b = new Function(`return (${before})()`)();
            const isDone = new Function('b', `return (${done})(b)`);
            const isComplete = new Function(`return (${complete})()`);
            const from = window.__longtasks.length;
            const t0 = performance.now();
            document.querySelector(button).click();
            await new Promise((resolve) => {
              const tick = () => (isDone(b) ? resolve() : requestAnimationFrame(tick));
              requestAnimationFrame(tick);
            });
            const took = performance.now() - t0;
            await isComplete();
            const all = performance.now() - t0;
            await new Promise((r2) => setTimeout(r2, 100)); // let the longtask entries arrive
            const lt = window.__longtasks.slice(from).filter(([start]) => start >= t0);
            return { took, all, n: lt.length, max: lt.reduce((a, [, d]) => Math.max(a, d), 0) };
          }, { button: s.newSession.button, before: String(s.newSession.before), done: String(s.newSession.done), complete: String(s.newSession.complete) });
          r.click.push(m.took);
          r.clickAll.push(m.all);
          r.clickLtCount.push(m.n);
          r.clickLtMax.push(m.max);
        }
      }
      if (i === 0) {
        // A repeat visit with the network gone: usable again, or not.
        await ctx.setOffline(true);
        try {
          await page.reload({ timeout: 20_000 });
          await s.usable(page);
          r.offline = 'works';
        } catch {
          r.offline = 'fails';
        }
      }
      await ctx.close();
    }
  }
} finally {
  await browser.close();
  server.close();
}

const ms = (xs) => (xs.length ? `${Math.round(stats(xs).median).toLocaleString('en')} (${Math.round(stats(xs).p90).toLocaleString('en')})` : '—');
const med = (xs) => (xs.length ? stats(xs).median : NaN);
const ratio = (k, rivalKey = k) => {
  const a = med(results.playground[k]);
  const b = med(results['crypto-lab'][rivalKey]);
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? (a / b).toFixed(2) : '—';
};
const kb = (xs) => (xs.length ? `${Math.round(xs[0] / 1024).toLocaleString('en')} KB` : '—');
const lt = (r) => `${Math.round(med(r.ltCount))} / ${Math.round(med(r.ltTotal))} ms (max ${Math.round(med(r.ltMax))})`;
const names = Object.keys(subjects);
const row = (label, f, ratioKey, rivalKey) => `| ${label} | ${names.map((n) => f(results[n])).join(' | ')} | ${ratioKey ? ratio(ratioKey, rivalKey) : '—'} |`;
console.log(`Chromium, ${loads} interleaved loads each, ${clicks} "New session" clicks; median (p90) unless said\n`);
console.log(`| | ${names.join(' | ')} | playground ÷ crypto-lab |`);
console.log(`|---|${names.map(() => '---').join('|')}|---|`);
console.log(row('bytes of the first view (until usable, then idle), brotli-11', (r) => kb(r.bytes), 'bytes'));
console.log(row('bytes after it (of which only the service worker\'s: stored for offline), brotli-11', (r) => (r.after.length ? `${kb(r.after)} (${kb(r.afterSW)})` : '—')));
console.log(row('bytes the first paint waits for (document + stylesheets, brotli-11)', (r) => kb(r.shell), 'shell'));
console.log(row('first contentful paint (ms)', (r) => ms(r.fcp), 'fcp'));
console.log(row('first session on screen, recorded (ms from navigation)', (r) => ms(r.recorded), 'recorded', 'usable'));
console.log(row('usable: live session on screen, engine ready (ms from navigation)', (r) => ms(r.usable), 'usable'));
console.log(row('engine ready (ms)', (r) => ms(r.engine)));
console.log(row('long tasks before usable (count / total, median)', lt));
console.log(row('"New session" click → page updated (ms; visible: seed changed, not busy)', (r) => ms(r.click), 'click'));
console.log(row('"New session" click → every part rendered (ms; complete: below the first screen too)', (r) => ms(r.clickAll), 'clickAll', 'click'));
console.log(row('long tasks during one new session (count, max ms; median)', (r) => (r.click.length ? `${med(r.clickLtCount)}, ${Math.round(med(r.clickLtMax))}` : '—')));
console.log(row('repeat visit, offline', (r) => r.offline || '—'));
