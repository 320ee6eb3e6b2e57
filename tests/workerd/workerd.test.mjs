// workerd.test.mjs: the Cloudflare Worker (scripts/cloudflare/dist: the server build, ./wasm/server,
// behind github.com/syumai/workers' Go handler, one Go instance per isolate) under workerd, Cloudflare's own runtime, on
// 127.0.0.1, with a fresh identity as its secrets. The engine's native client
// (tests/workerd/client) talks to it over real HTTP:
//   - full classic, ecdhe and tls13 handshakes with application data both ways and a close;
//   - every bad input of issue 4, each answered with its status and JSON error code, and the
//     server still serving afterwards;
//   - sequential latency: what Go adds to a request (GET /tls/info against a plain JS Worker
//     on the same runtime), and the round trip of each flight;
//   - a bounded load run: TLSPLAY_LOAD_N handshakes (default 1000) from TLSPLAY_LOAD_C
//     concurrent clients (default 8), zero failures (about 30 s on 2 cores; scripts/load.sh runs
//     the same with the sequential latency beside it).
// Needs: bash scripts/build.sh (it builds the Worker too) and npm ci in tests/.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';

import { buildClient, jsonLines, makeIdentity, runClient } from './goclient.mjs';
import { startWorkerd } from './harness.mjs';

let client;
let identity;
let wd;

before(async () => {
  client = buildClient();
  identity = makeIdentity(client.bin, client.dir);
  wd = await startWorkerd(identity);
});

after(async () => {
  if (wd) await wd.stop();
  if (client) fs.rmSync(client.dir, { recursive: true, force: true });
});

test('workerd serves the Worker: GET /tls/info with the secrets\' identity', async (t) => {
  t.diagnostic(`workerd answered ${(wd.startMs / 1000).toFixed(2)} s after it was started`);
  const res = await fetch(`${wd.url}/tls/info`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
  const info = await res.json();
  assert.equal(info.serverName, identity.serverName);
  assert.ok(info.certPem.includes(identity.certPem.split('-----END CERTIFICATE-----')[0].trim()), 'another certificate');
});

test('the native client: every mode with data and close, every bad input, and serving after them', async (t) => {
  // -strict: workerd hands a header over the handler's limit to the Worker, which answers the JSON 431.
  const run = await runClient(client.bin, ['check', '-url', wd.url, '-trust', identity.trustFile, '-json', '-strict']);
  const results = jsonLines(run.stdout);
  for (const r of results) t.diagnostic(`${r.ok ? 'ok  ' : 'FAIL'} ${r.case} (${r.ms} ms): ${r.detail || ''}`);
  assert.equal(run.code, 0, `client check failed:\n${run.stderr}\nworkerd:\n${wd.logs()}`);
  const passed = new Set(results.filter((r) => r.ok).map((r) => r.case));
  for (const want of ['handshake classic', 'handshake ecdhe', 'handshake tls13', 'empty body', 'garbage (an HTTP request)',
    'garbage record', 'oversize body', 'wrong method (GET)', 'wrong method (PUT)', 'wrong content type', 'no content type',
    'tampered token', 'truncated token', 'foreign token', 'replayed token, ClientHello again', 'replayed token, new record',
    'flight out of order', 'header over the limit', 'unknown route', 'OPTIONS (CORS preflight)', 'held connection completes after them',
    'exact replay: same answer', 'fresh classic handshake after all that']) {
    assert.ok(passed.has(want), `no passing case "${want}"`);
  }
  // A misconfigured or crashing instance would say so here, and entry.mjs logs every instance
  // it replaces: one instance serves all of these requests, the errors included.
  assert.doesNotMatch(wd.logs(), /panic:|Uncaught|hung|replaces the current one/, wd.logs());
});

test('latency: what Go adds to a request, and each flight', async (t) => {
  const run = await runClient(client.bin, ['latency', '-url', wd.url, '-trust', identity.trustFile, '-n', '40', '-baseline', wd.baselineUrl, '-json']);
  assert.equal(run.code, 0, `client latency failed:\n${run.stderr}`);
  const q = JSON.parse(run.stdout.trim());
  for (const [k, v] of Object.entries(q)) t.diagnostic(`${k.padEnd(18)} p50 ${v.p50} ms  p90 ${v.p90} ms  p99 ${v.p99} ms  max ${v.max} ms`);
  t.diagnostic(`Go adds about ${(q.info.p50 - q.baseline.p50).toFixed(2)} ms to a request that does almost nothing (GET /tls/info p50 minus the plain Worker's)`);
  assert.ok(q.info.p50 > 0 && q['tls13 flight'].p50 > 0);
});

test('bounded load: handshakes from concurrent clients, zero failures', async (t) => {
  const n = process.env.TLSPLAY_LOAD_N || '1000';
  const c = process.env.TLSPLAY_LOAD_C || '8';
  const cpu0 = wd.cpuMs();
  const run = await runClient(client.bin, ['load', '-url', wd.url, '-trust', identity.trustFile, '-n', n, '-c', c, '-max', '3m', '-json'], { timeoutMs: 200_000 });
  const cpu = wd.cpuMs() - cpu0;
  const [sum] = jsonLines(run.stdout);
  assert.ok(sum, `no summary:\n${run.stdout}\n${run.stderr}`);
  t.diagnostic(`${sum.handshakes} handshakes (${JSON.stringify(sum.byMode)}) from ${sum.concurrency} clients in ${sum.seconds} s: ${sum.handshakesPerSecond} handshakes/s`);
  t.diagnostic(`handshake p50 ${sum.handshakeMs.p50} ms, p99 ${sum.handshakeMs.p99} ms; one flight p50 ${sum.requestMs.p50} ms, p99 ${sum.requestMs.p99} ms`);
  // CPU, unlike wall time, leaves out the other work of a shared machine.
  if (Number.isFinite(cpu) && sum.handshakes > 0) {
    t.diagnostic(`CPU per handshake: workerd ${(cpu / sum.handshakes).toFixed(2)} ms, the client ${sum.clientCpuMsPerHandshake} ms`);
  }
  assert.equal(run.code, 0, `load failed: ${(sum.firstErrors || []).join('; ')}\n${run.stderr}`);
  assert.equal(sum.failures, 0);
  assert.equal(sum.handshakes, Number(n));
  assert.doesNotMatch(wd.logs(), /panic:|Uncaught|hung|replaces the current one/, wd.logs());
});
