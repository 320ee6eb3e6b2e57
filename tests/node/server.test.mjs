// server.test.mjs: the engine's server behind HTTP, in the page's way, under Node: the built
// server module (./wasm/server) compiled once, and site/js/server-runtime.js answering every
// request of a server from one Go instance (github.com/syumai/workers' handleRequest), a new
// one only when Go exits. Real handshakes only, no canned bytes:
//   - the engine's native client (tests/workerd/client) over real HTTP, through a socket that
//     hands each request to the in-page server: every mode, every bad input of issue 4;
//   - the page's own client API (remoteStart/remoteDeliver/…) in the same realm, when the
//     built engine has it: the flights carried by this test as the page's network layer does.
// It prints the per-request cost and the round trip a visitor sees.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';

import { createInPageServer } from '../../site/js/server-runtime.js';
import { bridge } from '../workerd/bridge.mjs';
import { buildClient, jsonLines, makeIdentity, runClient } from '../workerd/goclient.mjs';
import { loadEngine, loadWasmExec, serverWasmPath } from './engine.mjs';

const ORIGIN = 'https://in-page.invalid';
const octet = { 'content-type': 'application/octet-stream' };

let client; // {bin, dir}
let identity; // RSA: every mode
let module;
let server;
const timings = []; // onRequest reports

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[(s.length - 1) >> 1] : NaN;
}
function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] : NaN;
}

before(async () => {
  if (!fs.existsSync(serverWasmPath)) throw new Error(`${serverWasmPath} not found: build it first with "bash scripts/build.sh"`);
  loadWasmExec();
  client = buildClient();
  identity = makeIdentity(client.bin, client.dir);
  module = await WebAssembly.compile(fs.readFileSync(serverWasmPath)); // the server module (./wasm/server)
  server = createInPageServer({ module, identity, onRequest: (r) => timings.push(r) });
});

after(() => {
  if (client) fs.rmSync(client.dir, { recursive: true, force: true });
});

async function errorOf(res) {
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
  assert.match(res.headers.get('content-type') || '', /^application\/json/);
  const body = await res.json();
  return { status: res.status, code: body.error && body.error.code, message: body.error && body.error.message };
}

test('GET /tls/info answers with the page identity', async () => {
  const res = await server.fetch(new Request(`${ORIGIN}/tls/info`));
  assert.equal(res.status, 200);
  const info = await res.json();
  assert.equal(info.serverName, identity.serverName);
  assert.deepEqual(info.modes, ['classic', 'ecdhe', 'tls13']);
  assert.match(info.certPem, /BEGIN CERTIFICATE/);
});

test('bad input: empty body, wrong content type, wrong method, garbage; then it still serves', async () => {
  const cases = [
    [new Request(`${ORIGIN}/tls/flight?mode=tls13`, { method: 'POST', headers: octet, body: new Uint8Array(0) }), 400, 'empty_body'],
    [new Request(`${ORIGIN}/tls/flight?mode=tls13`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' }), 415, 'wrong_content_type'],
    [new Request(`${ORIGIN}/tls/flight`, { method: 'GET' }), 405, 'wrong_method'],
    [new Request(`${ORIGIN}/tls/flight`, { method: 'POST', headers: octet, body: 'GET / HTTP/1.1\r\n\r\n' }), 409, 'out_of_order'],
    [new Request(`${ORIGIN}/tls/flight`, { method: 'POST', headers: { ...octet, 'tls-playground-token': 'AAAA' }, body: new Uint8Array([22, 3, 1, 0, 0]) }), 400, 'bad_token'],
  ];
  for (const [req, status, code] of cases) {
    const got = await errorOf(await server.fetch(req));
    assert.deepEqual([got.status, got.code], [status, code], `${req.method} ${req.url}: ${got.message}`);
  }
  const res = await server.fetch(new Request(`${ORIGIN}/tls/info`));
  assert.equal(res.status, 200);
});

test('one instance serves hundreds of requests of every route, errors included', async () => {
  const one = createInPageServer({ module, identity });
  const ch = await (await one.fetch(new Request(`${ORIGIN}/tls/info`))).json();
  assert.equal(ch.serverName, identity.serverName);
  const routes = [
    [() => new Request(`${ORIGIN}/tls/info`), 200],
    [() => new Request(`${ORIGIN}/tls/flight`, { method: 'OPTIONS' }), 204],
    [() => new Request(`${ORIGIN}/tls/flight?mode=tls13`, { method: 'POST', headers: octet, body: new Uint8Array(0) }), 400],
    [() => new Request(`${ORIGIN}/tls/flight?mode=ssl3`, { method: 'POST', headers: octet, body: new Uint8Array([22]) }), 400],
    [() => new Request(`${ORIGIN}/tls/flight`, { method: 'POST', headers: octet, body: new Uint8Array(25_000) }), 413],
    [() => new Request(`${ORIGIN}/tls/flight`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' }), 415],
    [() => new Request(`${ORIGIN}/tls/flight`, { method: 'GET' }), 405],
    [() => new Request(`${ORIGIN}/tls/flight`, { method: 'POST', headers: octet, body: 'GET / HTTP/1.1\r\n\r\n' }), 409],
    [() => new Request(`${ORIGIN}/tls/flight`, { method: 'POST', headers: octet, body: new Uint8Array([22, 3, 3, 0, 5, 1, 0, 0, 1, 0]) }), 422],
    [() => new Request(`${ORIGIN}/tls/flight`, { method: 'POST', headers: { ...octet, 'tls-playground-token': 'AAAA' }, body: new Uint8Array([22]) }), 400],
    [() => new Request(`${ORIGIN}/nope`), 404],
  ];
  const statuses = [];
  for (let i = 0; i < 40; i++) {
    // Overlapping, as a page's requests may be: each is a goroutine of the one instance.
    const batch = await Promise.all(routes.map(async ([req]) => (await one.fetch(req())).status));
    statuses.push(...batch);
  }
  assert.deepEqual(statuses.slice(0, routes.length), routes.map(([, s]) => s));
  for (let i = 0; i < statuses.length; i++) assert.equal(statuses[i], routes[i % routes.length][1], `request ${i}`);
  assert.equal(one.instances, 1, `${statuses.length + 1} requests started ${one.instances} Go instances`);
});

test('a Go program that exits is replaced on the next request', async () => {
  const goes = [];
  class TrackedGo extends globalThis.Go {
    constructor() {
      super();
      goes.push(this);
    }
  }
  const s = createInPageServer({ module, identity, Go: TrackedGo });
  const seen = [];
  const info = async () => {
    const res = await s.fetch(new Request(`${ORIGIN}/tls/info`));
    seen.push(res.status);
  };
  await info();
  await info();
  assert.equal(s.instances, 1);
  // Go's runtime calls go.exit(code) when the program ends: here a crash (2) between requests.
  goes[0].exit(2);
  await info();
  assert.deepEqual(seen, [200, 200, 200]);
  assert.equal(s.instances, 2, 'the request after the exit started a new instance');
});

test('a missing identity is a 500 with the reason, not a crash', async () => {
  const bare = createInPageServer({ module, identity: { certPem: 'x', keyPem: 'y', tokenKey: 'z' } });
  const got = await errorOf(await bare.fetch(new Request(`${ORIGIN}/tls/info`)));
  assert.equal(got.status, 500);
  assert.equal(got.code, 'internal');
  assert.match(got.message, /tlsPlaygroundServerIdentity/);
});

test('overlapping requests, two servers with different identities: each answers with its own', async () => {
  const other = makeIdentity(client.bin, client.dir, { key: 'ecdsa' });
  // Same CA name, different keys: tell them apart by the certificate.
  const second = createInPageServer({ module, identity: other });
  const reqs = [];
  for (let i = 0; i < 6; i++) {
    reqs.push(server.fetch(new Request(`${ORIGIN}/tls/info`)).then((r) => r.json()).then((j) => ['rsa', j.certPem]));
    reqs.push(second.fetch(new Request(`${ORIGIN}/tls/info`)).then((r) => r.json()).then((j) => ['ecdsa', j.certPem]));
  }
  const leafOf = (pem) => pem.split('-----END CERTIFICATE-----')[0];
  for (const [which, certPem] of await Promise.all(reqs)) {
    const want = which === 'rsa' ? identity.certPem : other.certPem;
    assert.equal(leafOf(certPem).trim(), leafOf(want).trim(), `${which} server answered with the other's certificate`);
  }
  assert.equal(globalThis.tlsPlaygroundServerIdentity, undefined, 'the identity global was left set');
});

test('the native client against the in-page server: classic, ecdhe, tls13 handshakes with data, every bad input', async (t) => {
  const srv = await bridge(server);
  try {
    const url = `http://127.0.0.1:${srv.address().port}`;
    const run = await runClient(client.bin, ['check', '-url', url, '-trust', identity.trustFile, '-json']);
    const results = jsonLines(run.stdout);
    for (const r of results) t.diagnostic(`${r.ok ? 'ok  ' : 'FAIL'} ${r.case}: ${r.detail || ''}`);
    assert.equal(run.code, 0, `client check failed:\n${run.stderr}`);
    const names = results.filter((r) => r.ok).map((r) => r.case);
    for (const want of ['handshake classic', 'handshake tls13', 'handshake ecdhe', 'empty body', 'garbage (an HTTP request)',
      'oversize body', 'wrong method (GET)', 'wrong content type', 'tampered token', 'replayed token, new record',
      'flight out of order', 'fresh classic handshake after all that']) {
      assert.ok(names.includes(want), `no passing case "${want}"`);
    }
  } finally {
    srv.close();
  }
});

test("the page's client API over the in-page server (remote mode): tls13 and classic, data both ways", async (t) => {
  const engine = await loadEngine();
  const api = engine.raw;
  if (typeof api.remoteStart !== 'function') {
    t.skip('this engine.wasm has no remoteStart in its client API yet');
    return;
  }
  const call = async (method, arg) => JSON.parse(await api[method](arg === undefined ? '' : JSON.stringify(arg)));
  await engine.setup({ keyType: 'rsa' });
  const id = await call('serverIdentity');
  const inPage = createInPageServer({ module, identity: id });

  const rtts = [];
  for (const mode of ['tls13', 'classic']) {
    let token = '';
    // carry posts a flight as the page's network layer does and hands the answer back.
    const carry = async (result) => {
      let r = result;
      for (let i = 0; r.flight && i < 6; i++) {
        const headers = { ...octet, 'tls-playground-trace': '1' };
        if (token) headers['tls-playground-token'] = token;
        const url = `${ORIGIN}/tls/flight${token ? '' : `?mode=${mode}`}`;
        const t0 = performance.now();
        const res = await inPage.fetch(new Request(url, { method: 'POST', headers, body: Buffer.from(r.flight, 'base64') }));
        const body = Buffer.from(await res.arrayBuffer());
        rtts.push(performance.now() - t0);
        if (res.status !== 200) {
          const e = JSON.parse(body.toString()).error;
          throw new Error(`${mode}: HTTP ${res.status} ${e.code}: ${e.message}`);
        }
        token = res.headers.get('tls-playground-token');
        r = await call('remoteDeliver', { records: body.toString('base64'), trace: res.headers.get('tls-playground-trace') || '' });
      }
      return r;
    };
    let r = await carry(await call('remoteStart', { mode, serverName: id.serverName || 'playground.test', trustPem: id.trustPem }));
    const sessionError = r.session && (r.session.error || r.session.err);
    assert.ok(!sessionError, `${mode}: ${JSON.stringify(sessionError)}`);
    r = await carry(await call('remoteSend', { text: 'hello from the page' }));
    assert.match(r.received, /server received 19 bytes: hello from the page/);
    r = await carry(await call('remoteClose'));
  }
  t.diagnostic(`page client ⇄ in-page server, one flight (fetch to Response): median ${median(rtts).toFixed(2)} ms, max ${Math.max(...rtts).toFixed(2)} ms over ${rtts.length}`);
});

test('report: the per-request cost in Node, all from one instance', (t) => {
  assert.equal(server.instances, 1, `the server started ${server.instances} Go instances for ${timings.length} requests`);
  assert.ok(timings.every((r) => r.instance === 1));
  const ok = timings.filter((r) => r.status < 500).slice(5); // past V8's first tier-up
  assert.ok(ok.length > 10, `only ${ok.length} requests measured`);
  for (const k of ['instantiate', 'start', 'handle', 'total']) {
    const xs = ok.map((r) => r.ms[k]);
    t.diagnostic(`${k.padEnd(11)} p50 ${median(xs).toFixed(2)} ms  p99 ${pct(xs, 0.99).toFixed(2)} ms  (${xs.length} requests)`);
  }
  const flights = ok.filter((r) => r.method === 'POST' && r.status === 200).map((r) => r.ms.total);
  if (flights.length) t.diagnostic(`a 200 flight (handshake step + token): p50 ${median(flights).toFixed(2)} ms over ${flights.length}`);
});
