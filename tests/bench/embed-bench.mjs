// embed-bench.mjs measures an embed as a blog reader meets it, in Debian's
// Chromium: a host page on another origin (another port) with one
// <tls-playground> element, loaded cold (a new browser context each time).
// It prints what the embed fetches before its engine starts (the document,
// styles and modules, up to the engine worker's script: raw, and brotli-11 as
// Netlify serves it), the host script's size, and the time from the host's
// navigation to the embed being usable (its first session on screen).
//
// Run it with scripts/bench.sh (it builds and serves the site first), or:
//   node tests/bench/embed-bench.mjs http://127.0.0.1:8080/ DIST [loads]
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { launch, stats } from './chromium.mjs';

const site = new URL(process.argv[2] || 'http://127.0.0.1:8080/');
const dist = path.resolve(process.argv[3] || 'site/dist');
const loads = Number(process.argv[4] || 7);
const VIEWS = [['classic, step 5', 'step="5"'], ['TLS 1.3, step 5', 'mode="tls13" step="5"']];



/** sizes gives a built file's bytes raw and brotli-11 (what Netlify serves a browser). */
function sizes(urlPath) {
  const file = path.join(dist, decodeURIComponent(urlPath.replace(/^\/$/, '/index.html')));
  const buf = fs.readFileSync(file);
  const br = zlib.brotliCompressSync(buf, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  return { raw: buf.length, br };
}

let attrs = '';
const server = http.createServer((req, res) => {
  if (req.url !== '/') { res.writeHead(404).end(); return; }
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(`<!doctype html><html lang="en"><head>
<meta charset="utf-8"><title>host</title><script src="${new URL('tls-playground.js', site)}" defer></script></head>
<body><h1>A post</h1><tls-playground ${attrs} loading="eager"></tls-playground></body></html>`);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const host = `http://127.0.0.1:${server.address().port}/`;

const browser = await launch();
const rows = [];
let before = null;
try {
  for (const [name, a] of VIEWS) {
    attrs = a;
    const usable = [];
    for (let i = 0; i < loads; i++) {
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      const hostOrigin = await (async () => { await page.goto(host); return page.evaluate(() => performance.timeOrigin); })();
      const el = await page.waitForSelector('tls-playground');
      const frame = await (await el.evaluateHandle((e) => e.shadowRoot.querySelector('iframe'))).asElement().contentFrame();
      await frame.waitForSelector('body[data-state="ready"] tls-step-panel .step-panel:not(.pending)', { timeout: 60_000 });
      const m = await frame.evaluate(() => {
        const entries = performance.getEntriesByType('resource');
        const worker = entries.find((e) => /engine-worker[^/]*\.js/.test(e.name));
        return {
          shown: performance.timeOrigin + performance.now(),
          shell: [location.pathname, ...entries.filter((e) => worker && e.startTime <= worker.startTime).map((e) => new URL(e.name).pathname)],
        };
      });
      usable.push(m.shown - hostOrigin);
      if (!before) before = m.shell;
      await ctx.close();
    }
    rows.push([`host navigation → ${name} embed usable (first session on screen)`, stats(usable)]);
  }
} finally {
  await browser.close();
  server.close();
}

const files = [...new Set(before)].map((p) => ({ path: p, ...sizes(p) }));
const total = files.reduce((t, f) => ({ raw: t.raw + f.raw, br: t.br + f.br }), { raw: 0, br: 0 });
const hostScript = sizes('/tls-playground.js');
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`Embed in Chromium, host ${host} → site ${site.href}\n`);
console.log(`Fetched by the embed before its engine starts: ${files.length} files, ${kb(total.raw)} raw, ${kb(total.br)} brotli-11`);
console.log(`Host script tls-playground.js: ${hostScript.raw} bytes raw, ${hostScript.br} bytes brotli-11\n`);
const f = (x) => x.toFixed(0).padStart(6);
console.log('| measurement | n | median ms | p90 ms | min ms | max ms |');
console.log('|---|---|---|---|---|---|');
for (const [name, s] of rows) console.log(`| ${name} | ${s.n} | ${f(s.median)} | ${f(s.p90)} | ${f(s.min)} | ${f(s.max)} |`);
