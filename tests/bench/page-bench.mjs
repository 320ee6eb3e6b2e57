// page-bench.mjs measures the playground in Debian's Chromium and prints a
// table: time from navigation to "engine ready" and to the first session on
// screen (a first visit, and a repeat visit served by the service worker), RSA key generation in the worker, and a full classic handshake
// driven through the page's worker (key generation excluded).
//
// Run it with scripts/bench.sh (it builds and serves site/dist first), or:
//   node tests/bench/page-bench.mjs http://127.0.0.1:8080/ [loads] [handshakes]
import { launch, stats } from './chromium.mjs';

const url = process.argv[2] || 'http://127.0.0.1:8080/';
const loads = Number(process.argv[3] || 7);
const handshakes = Number(process.argv[4] || 40);



const browser = await launch();
const rows = [];
try {
  const ready = [], shown = [];
  for (let i = 0; i < loads; i++) {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(url);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
    // shown: the page's own mark, set when the first session is on screen (performance.now()
    // here would add the polling and this round trip, inflated when the page's worker is busy).
    const t = await page.evaluate(() => ({
      ready: performance.getEntriesByName('tls-playground:engine-ready')[0]?.startTime,
      shown: performance.getEntriesByName('tls-playground:ready')[0]?.startTime ?? performance.now(),
    }));
    if (typeof t.ready !== 'number') throw new Error('the page set no tls-playground:engine-ready mark');
    ready.push(t.ready);
    shown.push(t.shown);
    await ctx.close();
  }
  rows.push(['navigation → engine ready (wasm fetched, compiled, Go running)', stats(ready)]);
  rows.push(['navigation → first session shown (the page\'s tls-playground:ready mark)', stats(shown)]);

  // A repeat visit: the service worker (sw.js) has stored the page and the engine; reloads
  // come from it, not from the network or the HTTP cache.
  {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(url);
    await page.waitForFunction(() => navigator.serviceWorker.controller, null, { timeout: 60_000 });
    // The first visit's own keys (made in the worker after the first session) are kept for the reloads.
    await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
    await page.waitForFunction(() => document.body.dataset.keySource !== 'starter' || ['done', 'failed'].includes(document.body.dataset.keyGeneration), null, { timeout: 120_000 });
    const again = [], againShown = [];
    for (let i = 0; i < loads; i++) {
      await page.reload();
      await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
      const t = await page.evaluate(() => ({
        ready: performance.getEntriesByName('tls-playground:engine-ready')[0]?.startTime,
        shown: performance.getEntriesByName('tls-playground:ready')[0]?.startTime ?? performance.now(),
      }));
      again.push(t.ready);
      againShown.push(t.shown);
    }
    rows.push(['repeat visit, from the service worker: navigation → engine ready', stats(again)]);
    rows.push(['repeat visit: navigation → first session shown', stats(againShown)]);
    await ctx.close();
  }

  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
  // "New session" as the visitor clicks it: click → the new session's seed on the page, after
  // the page's own key generation (if any) is over; the first click uses the fresh keys.
  await page.waitForFunction(() => document.body.dataset.keySource !== 'starter' || ['done', 'failed'].includes(document.body.dataset.keyGeneration), null, { timeout: 120_000 });
  const clicks = [];
  for (let i = 0; i < handshakes; i++) {
    const seed = await page.evaluate(() => document.body.dataset.sessionSeed);
    const t0 = await page.evaluate(() => performance.now());
    await page.getByTestId('new-session').click();
    await page.waitForFunction((s) => document.body.dataset.sessionSeed !== s && document.body.dataset.busy === 'false', seed);
    clicks.push(await page.evaluate(() => performance.now()) - t0);
  }
  rows.push(['"New session" click → page updated (Playwright round trips included)', stats(clicks)]);
  const r = await page.evaluate(async (n) => {
    // The page's code is under assets/<hash>/ (scripts/sitebuild): the worker sits beside app.js.
    const app = [...document.scripts].find((el) => /\/js\/app\.js$/.test(el.src));
    const w = new Worker(new URL('engine-worker.js', app.src));
    let next = 1;
    const pending = new Map();
    const readyP = new Promise((res, rej) => {
      w.onmessage = (e) => {
        const m = e.data;
        if (m.type === 'ready') return res();
        if (m.type === 'failed') return rej(new Error(m.error));
        if (m.id && 'ok' in m) {
          const p = pending.get(m.id);
          pending.delete(m.id);
          m.ok ? p.res(m.result) : p.rej(new Error(m.error));
        }
      };
    });
    const call = (method, arg) => new Promise((res, rej) => {
      const id = next++;
      pending.set(id, { res, rej });
      w.postMessage({ id, method, arg });
    });
    await readyP;
    const setup = [];
    let made;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      made = JSON.parse(await call('setup', JSON.stringify({ keyBits: 2048 })));
      setup.push(performance.now() - t0);
    }
    // The same setup given keys made earlier (kept, or the starter pair): two certificates only.
    const given = [];
    try {
      for (let i = 0; i < 10; i++) {
        const t0 = performance.now();
        await call('setup', JSON.stringify({ keyBits: 2048, caKeyPem: made.caKeyPem, keyPem: made.serverKey.pem }));
        given.push(performance.now() - t0);
      }
    } catch { /* an engine without keys given to setup */ }
    const cold = [];
    const modes = {};
    const cases = [
      ['classic', { mode: 'classic' }],
      ['ecdhe (x25519)', { mode: 'ecdhe', group: 'x25519' }],
      ['tls13 (x25519)', { mode: 'tls13', group: 'x25519' }],
      ['tls13 (X25519MLKEM768)', { mode: 'tls13', group: 'X25519MLKEM768' }],
    ];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const s = JSON.parse(await call('newSession', '{}'));
      cold.push(performance.now() - t0);
      if (s.error) throw new Error(s.error.message);
    }
    for (const [name, arg] of cases) {
      const times = [];
      try {
        for (let i = 0; i < n; i++) {
          const t0 = performance.now();
          const s = JSON.parse(await call('newSession', JSON.stringify(arg)));
          times.push(performance.now() - t0);
          if (s.error) throw new Error(s.error.message);
        }
        modes[name] = times;
      } catch (err) {
        modes[name] = String(err.message || err);
      }
    }
    w.terminate();
    return { setup, given, cold, modes };
  }, handshakes);
  rows.push(['RSA-2048 setup in the worker (CA + server key + certificates)', stats(r.setup)]);
  if (r.given.length) rows.push(['RSA-2048 setup in the worker with keys made earlier (two certificates)', stats(r.given)]);
  rows.push(['classic handshake, first 5 after load (V8 warming up)', stats(r.cold)]);
  for (const [name, times] of Object.entries(r.modes)) {
    if (typeof times === 'string') {
      console.error(`${name}: ${times}`);
      continue;
    }
    rows.push([`${name} handshake in the page, RSA-2048 server key, warm (worker + JSON included)`, stats(times)]);
  }
} finally {
  await browser.close();
}

const f = (x) => x.toFixed(1).padStart(8);
console.log(`Chromium ${url}\n`);
console.log('| measurement | n | median ms | p90 ms | min ms | max ms |');
console.log('|---|---|---|---|---|---|');
for (const [name, s] of rows) console.log(`| ${name} | ${s.n} | ${f(s.median)} | ${f(s.p90)} | ${f(s.min)} | ${f(s.max)} |`);
