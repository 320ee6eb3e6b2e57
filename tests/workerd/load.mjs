// load.mjs: the bounded load run against the Worker under workerd, for scripts/load.sh.
// Usage: node tests/workerd/load.mjs [N] [C] [MODES]   (defaults 1000, 8, tls13,classic)
// Starts workerd with a fresh identity, prints the sequential latency (the fresh Go instance's
// cost against a plain JS Worker, each flight), then runs N handshakes from C concurrent
// clients and prints p50/p99 and handshakes/s. Exits non-zero on any failure; stops by itself
// (the run is cut at 10 minutes).
import fs from 'node:fs';

import { buildClient, makeIdentity, runClient } from './goclient.mjs';
import { startWorkerd } from './harness.mjs';

const [n = '1000', c = '8', modes = 'tls13,classic'] = process.argv.slice(2);
const client = buildClient();
let wd;
let failed = false;
try {
  const identity = makeIdentity(client.bin, client.dir);
  wd = await startWorkerd(identity);
  console.log(`workerd ${wd.url} (baseline ${wd.baselineUrl}) answered ${(wd.startMs / 1000).toFixed(2)} s after start`);
  const common = ['-url', wd.url, '-trust', identity.trustFile];
  for (const args of [
    ['latency', ...common, '-n', '100', '-baseline', wd.baselineUrl],
    ['load', ...common, '-n', n, '-c', c, '-modes', modes, '-max', '10m'],
  ]) {
    const run = await runClient(client.bin, args, { timeoutMs: 11 * 60_000 });
    process.stdout.write(run.stdout);
    process.stderr.write(run.stderr);
    if (run.code !== 0) failed = true;
  }
  if (/panic:|Uncaught|hung/.test(wd.logs())) {
    console.error(`workerd logged errors:\n${wd.logs()}`);
    failed = true;
  }
} finally {
  if (wd) await wd.stop();
  fs.rmSync(client.dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
