// load.mjs: the bounded load run against the Worker under workerd, for scripts/load.sh.
// Usage: node tests/workerd/load.mjs [N] [C] [MODES] [PROCESSES]
//   (defaults 1000, 8, tls13,classic, 1; PROCESSES also from TLSPLAY_WORKERD_PROCS)
// PROCESSES > 1 runs that many workerd processes (workerd runs JavaScript on one thread: one
// process per core is how it uses several) and spreads the clients over them.
// Starts workerd with a fresh identity, prints the sequential latency (what Go adds to a request
// against a plain JS Worker, each flight), then runs N handshakes from C concurrent
// clients and prints p50/p99 and handshakes/s. Exits non-zero on any failure; stops by itself
// (the run is cut at 10 minutes).
import fs from 'node:fs';

import { buildClient, makeIdentity, runClient } from './goclient.mjs';
import { startWorkerd } from './harness.mjs';

const [n = '1000', c = '8', modes = 'tls13,classic', procs = process.env.TLSPLAY_WORKERD_PROCS || '1'] = process.argv.slice(2);
const client = buildClient();
let wd;
let failed = false;
try {
  const identity = makeIdentity(client.bin, client.dir);
  wd = await startWorkerd(identity, { processes: Number(procs) });
  console.log(`workerd ${wd.urls.join(' ')} (baseline ${wd.baselineUrl}) answered ${(wd.startMs / 1000).toFixed(2)} s after start`);
  const common = ['-url', wd.url, '-trust', identity.trustFile];
  // TLSPLAY_LATENCY=0 leaves the sequential latency out (a quicker run, e.g. to compare builds).
  for (const args of [
    ...(process.env.TLSPLAY_LATENCY === '0' ? [] : [['latency', ...common, '-n', '100', '-baseline', wd.baselineUrl]]),
    ['load', '-url', wd.urls.join(','), '-trust', identity.trustFile, '-n', n, '-c', c, '-modes', modes, '-max', '10m'],
  ]) {
    const cpu0 = wd.cpuMs();
    const run = await runClient(client.bin, args, { timeoutMs: 11 * 60_000 });
    const cpu = wd.cpuMs() - cpu0;
    process.stdout.write(run.stdout);
    process.stderr.write(run.stderr);
    if (run.code !== 0) failed = true;
    const done = run.stdout.match(/^load: (\d+) handshakes/m);
    if (done && Number(done[1]) > 0 && Number.isFinite(cpu)) {
      // CPU, unlike wall time, does not count the other processes of a shared machine.
      console.log(`load: workerd used ${(cpu / 1000).toFixed(2)} s of CPU: ${(cpu / Number(done[1])).toFixed(2)} ms per handshake`);
    }
  }
  const replaced = wd.logs().match(/replaces the current one/g);
  if (replaced) console.log(`load: workerd replaced its Go instance ${replaced.length} times (entry.mjs logs why)`);
  if (/panic:|Uncaught|hung/.test(wd.logs())) {
    console.error(`workerd logged errors:\n${wd.logs()}`);
    failed = true;
  }
} finally {
  if (wd) await wd.stop();
  fs.rmSync(client.dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
