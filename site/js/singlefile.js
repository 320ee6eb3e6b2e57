// singlefile.js configures the engine loader for the single-file edition
// (tls-playground.html, made by scripts/singlefile), where nothing can be
// fetched: browsers run neither module scripts nor workers from file://. The
// file carries non-executing blocks, which this module turns into what
// js/engine.js needs:
//   #tls-engine-worker  the engine worker as one classic script (Go's
//                       wasm_exec.js, the modules it loads, engine-worker.js),
//                       started as a blob: Worker;
//   #tls-engine-wasm    engine.wasm, gzip-compressed then base64-encoded,
//                       inflated here with DecompressionStream('gzip') and
//                       handed to the worker as bytes (the whole engine: the
//                       lab build, every method);
//   #tls-server-wasm    the server module (./wasm/server) in the same form, the
//                       in-page server's (serverBytes), inflated on its first
//                       request (scripts/singlefile -server).
// It runs before app.js (the bundle evaluates it first), so that every
// `new Engine()` of the page starts this way.

import { configureEngine } from './engine.js';

const WORKER_BLOCK = 'tls-engine-worker';
const WASM_BLOCK = 'tls-engine-wasm';
const SERVER_BLOCK = 'tls-server-wasm';

/** block returns the text of one of the file's data blocks. */
function block(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`this file has no #${id} block: it is damaged; make it again with scripts/build.sh`);
  return el.textContent;
}

let workerURL = null;

/** startWorker starts an engine worker from the worker block (one blob: URL serves every engine). */
function startWorker() {
  workerURL ??= URL.createObjectURL(new Blob([block(WORKER_BLOCK)], { type: 'text/javascript' }));
  return new Worker(workerURL);
}

/** fromBase64 decodes base64 text to bytes. */
function fromBase64(text) {
  if (typeof Uint8Array.fromBase64 === 'function') return Uint8Array.fromBase64(text);
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** inflate decodes and decompresses a wasm block → the module's bytes as an ArrayBuffer. */
async function inflate(id) {
  if (typeof DecompressionStream !== 'function') {
    throw new Error('this browser has no DecompressionStream to unpack the engine from this file (Chromium 80+, Firefox 113+ and Safari 16.4+ have it): use a newer browser, or run "tlsplay web"');
  }
  const gz = fromBase64(block(id).trim());
  const stream = new Blob([gz]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).arrayBuffer();
}

let engineBytes = null;
let serverBytes = null;

configureEngine({
  worker: startWorker,
  // Each engine (the page's and the comparison's) gets its own copy to take.
  wasmBytes: async () => {
    engineBytes ??= inflate(WASM_BLOCK);
    return (await engineBytes).slice(0);
  },
  serverBytes: async () => {
    serverBytes ??= inflate(SERVER_BLOCK);
    return (await serverBytes).slice(0);
  },
});
