// startbench.mjs: what a request costs the server build under Node, as the page's in-page
// server runs it (site/js/server-runtime.js), two ways: a fresh Go instance per request (what
// github.com/syumai/workers' own glue does, and this project did before one instance served
// every request), and the one warm instance a server now keeps; and where a fresh instance's
// start goes (GODEBUG=inittrace=1).
//
// Usage: node tests/workerd/startbench.mjs WASM [N] [--inittrace] [--key=rsa|ecdsa|ed25519]
//        node tests/workerd/startbench.mjs WASM WASM2... [N] [--key=...]
//   WASM         a server build (bash scripts/cloudflare/server.sh WASM, as the Worker and the
//                page run it; or GOOS=js GOARCH=wasm go build -o WASM ./wasm/server), or an
//                older engine.wasm that still had the server role
//   WASM2...     an A/B: the builds' fresh instances interleaved (a request of each in turn,
//                the order reversed every round), each one's timings, CPU and its ratio to the
//                first build's; nothing else is run. WASM=LOADER (in an A/B) runs that build with
//                another tree's loader (LOADER: its site/js/server-runtime.js), e.g. main's
//                against this tree's: the same .wasm, old loader and new
//   --split      (with an A/B) also split each start: Go's runtime until its first call into
//                syscall/js (runtime.main's first package inits), package init until main reads
//                the identity global, main until Go blocks serving (after workers.ready); the
//                rest of "start" is the loader's JS
//   --gc-between (with an A/B) a full collection between two requests, outside the timings and
//                the CPU counted (V8's helper threads may still sweep after it, into the next
//                request's CPU): each instance then starts as an isolate's first one does, with
//                no dropped instances (their 5-7 MB memories) for V8 to collect on the way
//   N            requests each way (default 200): GET /tls/info
//   --inittrace  also print the package init trace of one instance (the Go runtime's
//                GODEBUG=inittrace=1), sorted by clock time, and its total; it needs the
//                functions' names (a build with TLSPLAY_LINES=1: -strip-names breaks it)
//   --key=TYPE   the server key of the identity (default rsa, as the load runs use)
//   --flights=M  also M TLS 1.3 and M classic handshakes each way, from the engine's native
//                client (tests/workerd/client latency) over a local HTTP bridge (default 40; 0: none)
// Prints, each way, the medians and p90 of instantiate / start / handle / total
// (server-runtime.js's onRequest timings) and this process's CPU per request, then each
// handshake's flights and the CPU per handshake, then the ratios. A bench, not a test: nothing
// is asserted.
import fs from 'node:fs';
import path from 'node:path';

import { createInPageServer } from '../../site/js/server-runtime.js';
import { bridge } from './bridge.mjs';
import { buildClient, makeIdentity, runClient } from './goclient.mjs';

const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
const positional = args.filter((a) => !a.startsWith('--'));
const builds0 = positional.filter((a) => !/^\d+$/.test(a)).map((a) => {
  const [file, loader] = a.split('=');
  return { file, loader };
});
const wasmFiles = builds0.map((b) => b.file);
const [wasmFile] = wasmFiles;
const nArg = positional.find((a) => /^\d+$/.test(a)) ?? '200';
if (!wasmFile) {
  console.error('usage: node tests/workerd/startbench.mjs WASM [WASM2...] [N] [--inittrace]');
  process.exit(2);
}
const n = Number(nArg);

const goroot = (await import('node:child_process')).execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
await import(path.join(goroot, 'lib', 'wasm', 'wasm_exec.js'));

const client = buildClient();
const keyFlag = [...flags].find((f) => f.startsWith('--key='));
const identity = makeIdentity(client.bin, client.dir, { key: keyFlag ? keyFlag.slice(6) : 'rsa' });
fs.rmSync(client.dir, { recursive: true, force: true });

const bytes = fs.readFileSync(wasmFile);
const t0 = performance.now();
const module = await WebAssembly.compile(bytes);
const compileMs = performance.now() - t0;

const q = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.min(s.length - 1, Math.ceil(p * s.length) - 1))];
};

// interleaved runs the A/B of several builds: a fresh instance (a new in-page server) per
// GET /tls/info, the builds in turn, the order reversed every round, after a warm-up of each.
async function interleaved() {
  const builds = [];
  for (const { file, loader } of builds0) {
    const b = fs.readFileSync(file);
    const create = loader ? (await import(path.resolve(loader))).createInPageServer : createInPageServer;
    const name = loader ? `${path.basename(file)} (loader ${loader})` : path.basename(file);
    builds.push({ file, name, create, size: b.length, module: await WebAssembly.compile(b), timings: [], cpu: 0, main: 0, sys: 0, gc: 0 });
  }
  // V8's collections (of the dropped instances' memories among the rest), each counted to the
  // build whose request was running when it began (the observer hears of them later).
  const { PerformanceObserver } = await import('node:perf_hooks');
  const gcEntries = [];
  const windows = []; // [start, end, build] of each request, in order
  const gcs = new PerformanceObserver((list) => {
    gcEntries.push(...list.getEntries());
  });
  gcs.observe({ entryTypes: ['gc'] });
  // --split: a Go whose imports and run say when the program first calls into syscall/js and
  // when it blocks, and an identity global whose first read says that main began.
  const split = flags.has('--split');
  let marks = null;
  class SplitGo extends globalThis.Go {
    constructor() {
      super();
      const gojs = this.importObject.gojs;
      for (const [name, fn] of Object.entries(gojs)) {
        if (name.startsWith('syscall/js.')) gojs[name] = (sp) => { marks.js ??= performance.now(); return fn(sp); };
      }
    }
    run(instance) {
      marks.run = performance.now();
      const done = super.run(instance); // runs main until Go blocks
      marks.blocked = performance.now();
      return done;
    }
  }
  if (split) {
    let value;
    Object.defineProperty(globalThis, 'tlsPlaygroundServerIdentity', {
      configurable: true,
      get() { if (marks && value) marks.main ??= performance.now(); return value; },
      set(v) { value = v; },
    });
  }
  const once = async (build, timings) => {
    marks = {};
    const server = build.create({ module: build.module, identity, Go: split ? SplitGo : globalThis.Go, onRequest: (r) => {
      if (timings && split) Object.assign(r.ms, { runtime: marks.js - marks.run, init: marks.main - marks.js, main: marks.blocked - marks.main });
      timings?.push(r.ms);
    } });
    const res = await server.fetch(new Request('https://in-page.invalid/tls/info'));
    if (res.status !== 200) throw new Error(`${build.file}: GET /tls/info: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  };
  for (let i = 0; i < 20; i++) for (const b of builds) await once(b);
  let gc = null;
  if (flags.has('--gc-between')) {
    (await import('node:v8')).setFlagsFromString('--expose-gc');
    gc = (await import('node:vm')).runInNewContext('gc');
  }
  for (let i = 0; i < n; i++) {
    for (const b of i % 2 ? [...builds].reverse() : builds) {
      gc?.();
      const c0 = cpuNow();
      const m0 = mainCpuNow();
      const s0 = process.cpuUsage().system;
      const w0 = performance.now();
      await once(b, b.timings);
      await new Promise((resolve) => setImmediate(resolve)); // what this request left to do
      windows.push([w0, performance.now(), b]);
      b.cpu += cpuNow() - c0;
      b.main += mainCpuNow() - m0;
      b.sys += (process.cpuUsage().system - s0) / 1000;
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 100)); // the last GC entries
  for (const e of gcEntries) {
    const w = windows.find(([w0, w1]) => e.startTime >= w0 && e.startTime < w1);
    if (w) w[2].gc += e.duration;
  }
  const load = (await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ');
  console.log(`${n} x GET /tls/info per build, a fresh Go instance each, interleaved${gc ? ', a full collection before each' : ''} (load average ${load}):`);
  const [first] = builds;
  for (const b of builds) {
    const p50 = (k) => q(b.timings.map((t) => t[k]), 0.5);
    const ratio = b === first ? '' : `  (total ${(p50('total') / q(first.timings.map((t) => t.total), 0.5)).toFixed(2)}, CPU ${(b.cpu / first.cpu).toFixed(2)} of the first)`;
    console.log(`${b.name}: ${b.size} bytes${ratio}`);
    for (const k of ['instantiate', 'start', ...(split ? ['  runtime', '  init', '  main'] : []), 'handle', 'total']) {
      console.log('  ' + row(k, b.timings.map((t) => t[k.trim()])));
    }
    console.log(`  CPU          ${(b.cpu / n).toFixed(2)} ms per request (this process, all threads), of which V8's GC ${(b.gc / n).toFixed(2)} ms` +
      ` (its pauses of the main thread), the main thread's ${(b.main / n).toFixed(2)} ms` +
      ` and the kernel's ${(b.sys / n).toFixed(2)} ms (system time: the memory's page faults, its mappings)`);
  }
  gcs.disconnect();
}

// inittrace: instances whose Go runtime gets GODEBUG and whose stderr this collects
// (after the warm-up: the first instances of a module also pay V8's lazy compilation).
async function inittrace(samples) {
  let out = '';
  const decoder = new TextDecoder();
  const origWrite = globalThis.fs.writeSync;
  globalThis.fs.writeSync = (fd, buf) => {
    if (fd === 2) {
      out += decoder.decode(buf);
      return buf.length;
    }
    return origWrite(fd, buf);
  };
  class TracedGo extends globalThis.Go {
    constructor() {
      super();
      this.env = { GODEBUG: 'inittrace=1' };
    }
  }
  const byPkg = new Map(); // pkg -> {ms: [], bytes, allocs}
  const totals = [];
  const ends = [];
  for (let i = 0; i < samples; i++) {
    out = '';
    // A server of its own each time: a new instance, whose start is traced.
    const traced = createInPageServer({ module, identity, Go: TracedGo });
    const res = await traced.fetch(new Request('https://in-page.invalid/tls/info'));
    await res.arrayBuffer();
    let total = 0;
    let end = 0;
    for (const line of out.split('\n')) {
      const m = line.match(/^init (\S+) @([\d.]+) ms, ([\d.]+) ms clock, (\d+) bytes, (\d+) allocs/);
      if (!m) continue;
      const r = byPkg.get(m[1]) || { ms: [], bytes: +m[4], allocs: +m[5] };
      r.ms.push(+m[3]);
      byPkg.set(m[1], r);
      total += +m[3];
      end = Math.max(end, +m[2] + +m[3]);
    }
    totals.push(total);
    ends.push(end);
  }
  globalThis.fs.writeSync = origWrite;
  const rows = [...byPkg].map(([pkg, r]) => ({ pkg, ms: q(r.ms, 0.5), bytes: r.bytes, allocs: r.allocs }));
  rows.sort((a, b) => b.ms - a.ms);
  const bytesTotal = rows.reduce((s, r) => s + r.bytes, 0);
  console.log(`inittrace (${samples} warm instances, medians): ${rows.length} packages, package init ${q(totals, 0.5).toFixed(2)} ms clock` +
    ` (p90 ${q(totals, 0.9).toFixed(2)}), the last init ends @${q(ends, 0.5).toFixed(2)} ms, ${bytesTotal} bytes; the slowest:`);
  for (const r of rows.slice(0, 12)) {
    console.log(`  ${r.ms.toFixed(3).padStart(8)} ms  ${String(r.bytes).padStart(8)} B  ${String(r.allocs).padStart(5)} allocs  ${r.pkg}`);
  }
}


const round2 = (x) => x.toFixed(2);
const row = (name, xs) => `${name.padEnd(12)} p50 ${q(xs, 0.5).toFixed(2).padStart(6)} ms  p90 ${q(xs, 0.9).toFixed(2).padStart(6)} ms`;
// mainCpuNow: the CPU time of this (the main) thread alone, in ms (Linux: its schedstat; else 0).
const schedstat = `/proc/self/task/${process.pid}/schedstat`;
const hasSchedstat = fs.existsSync(schedstat);
const mainCpuNow = () => (hasSchedstat ? Number(fs.readFileSync(schedstat, 'utf8').split(' ')[0]) / 1e6 : 0);
const cpuNow = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

if (wasmFiles.length > 1) {
  await interleaved();
  process.exit(0);
}

// The two ways: a new server (and so a new Go instance) for every request, as the library's
// glue did; or one server, whose one instance stays.
function fresh(onRequest) {
  return { fetch: (req) => createInPageServer({ module, identity, onRequest }).fetch(req) };
}
function warm(onRequest) {
  return createInPageServer({ module, identity, onRequest });
}

const flightsFlag = [...flags].find((f) => f.startsWith('--flights='));
const flights = flightsFlag ? Number(flightsFlag.slice(10)) : 40;
let bin = null;
let clientDir = null;
if (flights > 0) {
  const c = buildClient();
  bin = c.bin;
  clientDir = c.dir;
  fs.writeFileSync(path.join(clientDir, 'root.pem'), identity.trustPem);
}

const results = {};
console.log(`${path.basename(wasmFile)}: ${bytes.length} bytes, compiled in ${compileMs.toFixed(0)} ms`);
for (const [way, make] of [['fresh', fresh], ['warm', warm]]) {
  const timings = [];
  const server = make((r) => timings.push(r.ms));
  // Warm up (V8 tiers the module up), then measure.
  for (let i = 0; i < 20; i++) await (await server.fetch(new Request('https://in-page.invalid/tls/info'))).arrayBuffer();
  timings.length = 0;
  const wall0 = performance.now();
  const cpu0 = cpuNow();
  for (let i = 0; i < n; i++) {
    const res = await server.fetch(new Request('https://in-page.invalid/tls/info'));
    if (res.status !== 200) throw new Error(`GET /tls/info: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  }
  const wall = performance.now() - wall0;
  const cpu = (cpuNow() - cpu0) / n;
  const label = way === 'fresh' ? 'a fresh Go instance per request' : 'one warm Go instance for all';
  console.log(`${way}: ${n} x GET /tls/info, ${label}, ${(n / (wall / 1000)).toFixed(1)} requests/s sequential:`);
  for (const k of ['instantiate', 'start', 'handle', 'total']) console.log('  ' + row(k, timings.map((t) => t[k])));
  // CPU, unlike wall time, does not count the other processes of a shared machine (it does count
  // V8's own helper threads: compilation, garbage collection).
  console.log(`  CPU          ${round2(cpu)} ms per request (this process, all threads)`);
  results[way] = { info: q(timings.map((t) => t.total), 0.5), infoCpu: cpu };

  if (flights > 0) {
    const srv = await bridge(server);
    const url = `http://127.0.0.1:${srv.address().port}`;
    const cpu1 = cpuNow();
    const run = await runClient(bin, ['latency', '-url', url, '-trust', path.join(clientDir, 'root.pem'), '-n', String(flights), '-json'], { timeoutMs: 300_000 });
    const hsCpu = (cpuNow() - cpu1) / (2 * flights);
    srv.close();
    if (run.code !== 0) throw new Error(`client latency: ${run.stderr}`);
    const lat = JSON.parse(run.stdout.trim());
    for (const k of ['tls13 flight', 'tls13 handshake', 'classic flight', 'classic handshake']) {
      console.log(`  ${k.padEnd(18)} p50 ${String(lat[k].p50).padStart(7)} ms  p90 ${String(lat[k].p90).padStart(7)} ms`);
    }
    console.log(`  CPU          ${round2(hsCpu)} ms per handshake (this process; ${flights} TLS 1.3 and ${flights} classic, plus ${flights} GET /tls/info)`);
    results[way].tls13 = lat['tls13 handshake'].p50;
    results[way].classic = lat['classic handshake'].p50;
    results[way].hsCpu = hsCpu;
  }
}
if (clientDir) fs.rmSync(clientDir, { recursive: true, force: true });
const ratio = (k) => (results.warm[k] / results.fresh[k]).toFixed(2);
let line = `warm / fresh: GET /tls/info p50 ${ratio('info')}, CPU per request ${ratio('infoCpu')}`;
if (flights > 0) line += `; TLS 1.3 handshake p50 ${ratio('tls13')}, classic ${ratio('classic')}, CPU per handshake ${ratio('hsCpu')}`;
console.log(line);
if (flags.has('--inittrace')) await inittrace(20);
