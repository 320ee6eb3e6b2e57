// freshbench.mjs: what a fresh Go instance of a server build costs inside workerd, two builds
// interleaved, in three steps: instantiate only; instantiate and Go's start (until
// workers.ready); and a GET /tls/info through the library's handleRequest. It is what
// github.com/syumai/workers' own glue pays per request, and an isolate's first request pays
// with entry.mjs, measured where load.mjs's "Go adds" cannot resolve a tenth of a millisecond on
// a shared machine: one HTTP request runs N instances in turn, and the numbers are workerd's
// CPU (user + system, from /proc, which does not count the other processes) and its minor page
// faults (a page of memory touched for the first time: under workerd each costs about 3 us of
// CPU, and a fresh instance's data are most of them), per instance, from ROUNDS rounds of each
// build and step, the order reversed every round.
//
// Usage: node tests/workerd/freshbench.mjs A.wasm B.wasm [ROUNDS]   (default 6)
//   A.wasm, B.wasm   server builds (bash scripts/cloudflare/server.sh OUT.wasm), or an older
//                    Worker's app.wasm (an engine with the server role: its Worker set
//                    globalThis.tlsPlaygroundRole = 'server', as this one does), run with the
//                    library's wasm_exec.js of the built Worker (scripts/cloudflare/dist, or
//                    TLSPLAY_WORKER_DIST)
// Prints, per step, each build's CPU, page faults and wall time per instance, and B's ratio to A.
// A bench, not a test: nothing is asserted.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { buildClient, makeIdentity } from './goclient.mjs';
import { compatibilityDate, freePort, workerDist, workerdBin } from './harness.mjs';

const [a, b, roundsArg = '6'] = process.argv.slice(2);
if (!a || !b) {
  console.error('usage: node tests/workerd/freshbench.mjs A.wasm B.wasm [ROUNDS]');
  process.exit(2);
}
const rounds = Number(roundsArg);
const perRequest = 20; // instances per HTTP request
const requests = 5; // HTTP requests per build, step and round

// The Worker: the library's wasm_exec.js, a runtime context as its runtime.mjs makes one, and
// the two modules.
const bench = `import './wasm_exec.js';
import { connect } from 'cloudflare:sockets';
import A from './a.wasm';
import B from './b.wasm';
globalThis.tryCatch = (fn) => { try { return { result: fn() }; } catch (error) { return { error }; } };
globalThis.tlsPlaygroundRole = 'server'; // what an engine.wasm with the server role read (5792e83's Worker)
async function fresh(mod, step, env, ctx) {
  const go = new Go();
  let ready;
  const started = new Promise((resolve) => { ready = resolve; });
  const instance = new WebAssembly.Instance(mod, { ...go.importObject, workers: { ready: () => ready() } });
  if (step === 'instantiate') return;
  const binding = {};
  go.run(instance, { env, ctx, connect, binding });
  await started;
  if (step === 'start') return;
  const res = await binding.handleRequest(new Request('https://fresh.invalid/tls/info'));
  if (res.status !== 200) throw new Error('GET /tls/info: ' + res.status);
  await res.arrayBuffer();
}
export default {
  async fetch(req, env, ctx) {
    const u = new URL(req.url);
    const mod = u.searchParams.get('m') === 'b' ? B : A;
    for (let i = 0; i < Number(u.searchParams.get('n')); i++) await fresh(mod, u.pathname.slice(1), env, ctx);
    return new Response('ok');
  },
};
`;

const glue = path.join(workerDist, 'wasm_exec.js');
if (!fs.existsSync(glue)) {
  console.error(`freshbench: ${glue} not found: build the Worker first (bash scripts/cloudflare/build.sh)`);
  process.exit(2);
}
const client = buildClient();
const identity = makeIdentity(client.bin, client.dir);
fs.rmSync(client.dir, { recursive: true, force: true });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlsplay-freshbench-'));
const port = await freePort();
fs.copyFileSync(glue, path.join(dir, 'wasm_exec.js'));
fs.copyFileSync(a, path.join(dir, 'a.wasm'));
fs.copyFileSync(b, path.join(dir, 'b.wasm'));
fs.writeFileSync(path.join(dir, 'bench.mjs'), bench);
fs.writeFileSync(path.join(dir, 'config.capnp'), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "bench", worker = .bench) ],
  sockets = [ (name = "bench", address = "127.0.0.1:${port}", http = (), service = "bench") ],
);
const bench :Workerd.Worker = (
  modules = [
    (name = "bench.mjs", esModule = embed "bench.mjs"),
    (name = "wasm_exec.js", esModule = embed "wasm_exec.js"),
    (name = "a.wasm", wasm = embed "a.wasm"),
    (name = "b.wasm", wasm = embed "b.wasm"),
  ],
  compatibilityDate = "${compatibilityDate()}",
  bindings = [
    (name = "TLS_CERT_PEM", fromEnvironment = "TLS_CERT_PEM"),
    (name = "TLS_KEY_PEM", fromEnvironment = "TLS_KEY_PEM"),
    (name = "TOKEN_KEY", fromEnvironment = "TOKEN_KEY"),
  ],
);
`);
const wd = spawn(workerdBin, ['serve', 'config.capnp'], {
  cwd: dir,
  env: { ...process.env, TLS_CERT_PEM: identity.certPem, TLS_KEY_PEM: identity.keyPem, TOKEN_KEY: identity.tokenKey },
  stdio: ['ignore', 'inherit', 'inherit'],
});
// /proc/PID/stat from its 3rd field on: minflt is the 10th, utime and stime the 14th and 15th.
const stat = () => {
  const s = fs.readFileSync(`/proc/${wd.pid}/stat`, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return { cpu: (Number(f[11]) + Number(f[12])) * 10, faults: Number(f[7]) }; // USER_HZ 100
};
const url = `http://127.0.0.1:${port}`;
const get = async (p) => {
  const res = await fetch(url + p);
  const body = await res.text();
  if (res.status !== 200) throw new Error(`${p}: ${res.status} ${body}`);
};
const steps = ['instantiate', 'start', 'request'];
try {
  for (let t = performance.now(); ; await new Promise((r) => setTimeout(r, 100))) {
    try {
      await get('/instantiate?m=a&n=1');
      break;
    } catch (err) {
      if (!(err instanceof TypeError) || performance.now() - t > 20_000) throw err;
    }
  }
  for (const step of steps) for (const m of ['a', 'b']) await get(`/${step}?m=${m}&n=${perRequest}`); // warm-up
  const acc = {};
  for (let r = 0; r < rounds; r++) {
    for (const step of steps) {
      for (const m of r % 2 ? ['b', 'a'] : ['a', 'b']) {
        const s0 = stat();
        const t0 = performance.now();
        for (let i = 0; i < requests; i++) await get(`/${step}?m=${m}&n=${perRequest}`);
        const s1 = stat();
        const k = (acc[`${step} ${m}`] ??= { cpu: 0, faults: 0, wall: 0, n: 0 });
        k.cpu += s1.cpu - s0.cpu;
        k.faults += s1.faults - s0.faults;
        k.wall += performance.now() - t0;
        k.n += requests * perRequest;
      }
    }
  }
  const load = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  console.log(`${rounds} rounds of ${requests * perRequest} fresh instances per build and step under workerd (load average ${load}):`);
  console.log(`  A = ${a}\n  B = ${b}`);
  const per = (k, f) => (k[f] / k.n).toFixed(f === 'faults' ? 0 : 3);
  for (const step of steps) {
    const A = acc[`${step} a`];
    const B = acc[`${step} b`];
    console.log(`  ${step.padEnd(11)} CPU A ${per(A, 'cpu')} B ${per(B, 'cpu')} ms (B/A ${(B.cpu / A.cpu).toFixed(2)}), ` +
      `page faults A ${per(A, 'faults')} B ${per(B, 'faults')}, wall A ${per(A, 'wall')} B ${per(B, 'wall')} ms per instance`);
  }
} finally {
  wd.kill();
  fs.rmSync(dir, { recursive: true, force: true });
}
