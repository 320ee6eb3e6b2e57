// start-lazy.mjs says what Go's start costs in V8's lazy compilation, by Go package: V8
// compiles a wasm function on its first call (Liftoff), so Go's start (runtime, package
// init, main until the API is installed: start-bench's wgo) pays for compiling every
// function it runs once. One visit of DIST in a fresh profile, with Chromium's trace;
// the wasm.CompileLazy events of the engine worker's thread between its marks
// engine:instantiated and engine:ready (js/engine-worker.js) are summed by the Go package
// of the function (the engine's name section), with the function bodies' sizes.
//
//   node tests/bench/start-lazy.mjs [DIST] [top=25] [--names=WASM]
//
// The shipped engine has no name section (build.sh links with -s): --names gives the same core
// built without it (the same commit and flags, -ldflags=-w only), e.g. from a worktree of the
// dist's commit: GOOS=js GOARCH=wasm go build -trimpath -ldflags=-w $(each line of
// scripts/wasm-gcflags as -gcflags=LINE) $(go run ./scripts/wasm-overlay -dir /tmp/ov)
// -tags core -o /tmp/core-names.wasm ./wasm
// Its function bodies must match the engine's one by one (checked), else the names are not used.
import fs from 'node:fs';
import path from 'node:path';
import { launch } from './chromium.mjs';
import { serve, root } from '../browser/helpers.mjs';
import { parseWasm } from './wasm-module.mjs';

const args = process.argv.slice(2);
const positional = args.filter((a) => !a.startsWith('--'));
const namesFile = (args.find((a) => a.startsWith('--names=')) || '').slice('--names='.length);
const dist = path.resolve(positional[0] || process.env.TLS_PLAYGROUND_DIST || path.join(root, 'site/dist'));
const top = Number(positional[1] || 25);
const build = JSON.parse(fs.readFileSync(path.join(dist, 'build.json'), 'utf8'));

/** wasmFunctions reads a module's function names (name section) and body sizes (code section), by function index. */
function wasmFunctions(bytes, file) {
  const m = parseWasm(bytes, file);
  return { imports: m.imported, names: m.names, sizes: m.bodies.map(([start, end]) => end - start) };
}

/** pkg is the Go package of a function name: "crypto/tls.(*Conn).Read" → "crypto/tls". */
function pkg(name) {
  if (!name) return '?';
  const host = /^(github\.com|golang\.org)[_/]/.exec(name); // Go writes a path's slashes as _ in wasm names
  if (host) return `${host[0]}${pkg(name.slice(host[0].length))}`;
  const slash = name.lastIndexOf('/');
  const dot = name.indexOf('.', slash + 1);
  return dot > 0 ? name.slice(0, dot) : name;
}

const fns = wasmFunctions(fs.readFileSync(path.join(dist, build.engine)), build.engine);
if (namesFile) {
  const named = wasmFunctions(fs.readFileSync(namesFile), namesFile);
  const same = named.imports === fns.imports && named.sizes.length === fns.sizes.length && named.sizes.every((n, i) => n === fns.sizes[i]);
  if (!same) throw new Error(`${namesFile} is not the engine's code (its functions differ): build it from the dist's commit with the same flags`);
  fns.names = named.names;
}
const site = await serve(dist);
const browser = await launch();
try {
  const page = await browser.newPage();
  const cdp = await page.context().newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', ({ value }) => events.push(...value));
  await cdp.send('Tracing.start', { categories: 'v8.wasm,blink.user_timing', transferMode: 'ReportEvents' });
  await page.goto(`${site.origin}/`);
  await page.waitForSelector('body[data-state="ready"]', { timeout: 120_000 });
  const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.end');
  await done;
  const mark = (name) => events.find((e) => e.name === name && e.cat.includes('user_timing'));
  const from = mark('engine:instantiated');
  const to = mark('engine:ready');
  if (!from || !to) throw new Error('no engine:instantiated/engine:ready marks in the trace (js/engine-worker.js sets them)');
  const lazy = events.filter((e) => e.name === 'wasm.CompileLazy' && e.tid === from.tid && e.ts >= from.ts && e.ts <= to.ts);
  const byPkg = new Map();
  let total = 0;
  let bytes = 0;
  for (const e of lazy) {
    const i = e.args.func_index;
    const name = fns.names.get(i);
    const size = fns.sizes[i - fns.imports] || 0;
    const k = pkg(name);
    const row = byPkg.get(k) || { n: 0, ms: 0, bytes: 0 };
    row.n++; row.ms += (e.dur || 0) / 1000; row.bytes += size;
    byPkg.set(k, row);
    total += (e.dur || 0) / 1000; bytes += size;
  }
  console.log(`${dist} (engine ${build.engine}): Go's start ${((to.ts - from.ts) / 1000).toFixed(0)} ms (engine:instantiated → engine:ready), ${lazy.length} functions compiled lazily, ${total.toFixed(0)} ms, ${(bytes / 1024).toFixed(0)} KB of wasm\n`);
  console.log('| package | functions | compile ms | KB of wasm |');
  console.log('|---|---|---|---|');
  // By size: a compilation's time on a loaded machine includes waiting for a core.
  for (const [k, r] of [...byPkg].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, top)) {
    console.log(`| ${k} | ${r.n} | ${r.ms.toFixed(1)} | ${(r.bytes / 1024).toFixed(1)} |`);
  }
  console.log('\nthe longest compilations:');
  for (const e of [...lazy].sort((a, b) => (b.dur || 0) - (a.dur || 0)).slice(0, 8)) {
    const i = e.args.func_index;
    console.log(`  ${((e.dur || 0) / 1000).toFixed(1)} ms  ${fns.names.get(i) || `#${i}`} (${((fns.sizes[i - fns.imports] || 0) / 1024).toFixed(1)} KB)`);
  }
} finally {
  await browser.close();
  await site.close();
}
