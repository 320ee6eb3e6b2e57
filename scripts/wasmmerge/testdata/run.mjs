// run.mjs loads a built engine under Node the way tests/node does (Go's
// wasm_exec.js glue, tests/node/engine.mjs), waits for tlsPlaygroundReady and
// runs one TLS 1.3 handshake; it prints {"ready": true, "readyMs": …, "version": …}
// and exits non-zero on any failure. merge_test.go runs it on a merged engine:
//
//	node scripts/wasmmerge/testdata/run.mjs ENGINE.wasm
import { loadEngine } from '../../../tests/node/engine.mjs';

const wasm = process.argv[2];
if (!wasm) {
  console.error('usage: node run.mjs ENGINE.wasm');
  process.exit(2);
}
const engine = await loadEngine({ wasm, timeoutMs: 120_000 });
if (globalThis.tlsPlaygroundReady !== true) throw new Error('globalThis.tlsPlaygroundReady is not true');
await engine.setup({ keyType: 'ecdsa' });
const session = await engine.newSession({ mode: 'tls13', group: 'x25519' });
if (session.error) throw new Error(`handshake failed: ${JSON.stringify(session.error)}`);
console.log(JSON.stringify({ ready: true, readyMs: Math.round(engine.readyMs), version: session.version, steps: session.steps.length }));
process.exit(0);
