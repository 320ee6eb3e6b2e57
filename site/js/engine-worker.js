// engine-worker.js runs the Go engine (engine.wasm) in a Web Worker, so that
// the page never freezes while Go works (Go's wasm runtime blocks the thread it
// runs on; RSA key generation takes up to seconds). It is a classic worker
// because wasm_exec.js is a classic script.
//
// Protocol with js/engine.js (the only module that talks to this worker):
//   worker → page  {type: 'ready', ms}           engine installed, ms since worker start
//   worker → page  {type: 'failed', error}       the engine could not start
//   page → worker  {id, method, arg}             arg: a JSON string, or undefined
//   worker → page  {id, ok: true, result}        result: the JSON string Go returned
//   worker → page  {id, ok: false, error}        error: the error's message
//   worker → page  {id, progress}                a stage of a slow call (setup: 'ca-key',
//                                                'server-key', 'ca-cert', 'leaf-cert')
//
// The URLs of the engine and of Go's glue default to the build layout
// (site/dist/engine.wasm and site/dist/wasm_exec.js next to site/dist/js/) and
// can be given as ?wasm=…&exec=… on this script's URL.
'use strict';

// The page's Content-Security-Policy binds this worker too. Report a violation
// on the console where the page's tools (and the browser test) see it.
self.addEventListener('securitypolicyviolation', (e) => {
  console.error(`CSP violation in the engine worker: ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`);
});

const params = new URLSearchParams(self.location.search);
const wasmURL = new URL(params.get('wasm') || '../engine.wasm', self.location.href).href;
const execURL = new URL(params.get('exec') || '../wasm_exec.js', self.location.href).href;

/** start loads Go's glue and the engine and resolves once globalThis.tlsPlayground exists. */
async function start() {
  importScripts(execURL);
  const go = new Go();
  // A binary that also serves as a syumai/workers handler imports workers.ready;
  // the page's instance does not use it, but the import must resolve.
  const importObject = { ...go.importObject, workers: { ready: () => {} } };

  const installed = new Promise((resolve) => {
    if (globalThis.tlsPlaygroundReady && globalThis.tlsPlayground) {
      resolve();
      return;
    }
    globalThis.tlsPlaygroundOnReady = () => resolve();
  });

  const instance = await instantiate(wasmURL, importObject);
  const exited = go.run(instance).then(() => {
    throw new Error('the Go engine exited');
  });
  await Promise.race([installed, exited]);
  if (!globalThis.tlsPlayground) throw new Error('the Go engine did not install globalThis.tlsPlayground');
  // Afterwards, an exit means every later call would hang: say so.
  exited.catch((err) => self.postMessage({ type: 'failed', error: String(err.message || err) }));
}

/**
 * instantiate compiles the module while it downloads when the server sends
 * application/wasm; if streaming is refused (another Content-Type, an old
 * browser), it downloads the bytes and compiles them.
 */
async function instantiate(url, importObject) {
  if (WebAssembly.instantiateStreaming) {
    try {
      const { instance } = await WebAssembly.instantiateStreaming(fetch(url), importObject);
      return instance;
    } catch (err) {
      // A wrong Content-Type or HTTP status is a TypeError; anything else (a link error) is final.
      if (!(err instanceof TypeError)) throw err;
    }
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`fetching ${url}: HTTP ${response.status}`);
  const { instance } = await WebAssembly.instantiate(await response.arrayBuffer(), importObject);
  return instance;
}

const started = start();

started.then(
  () => self.postMessage({ type: 'ready', ms: Math.round(performance.now() * 10) / 10 }),
  (err) => self.postMessage({ type: 'failed', error: String((err && err.message) || err) }),
);

self.onmessage = async (event) => {
  const { id, method, arg } = event.data || {};
  try {
    await started;
    const api = globalThis.tlsPlayground;
    if (typeof api[method] !== 'function') throw new Error(`unknown method ${JSON.stringify(method)}`);
    // Every method gets a progress callback after its argument; setup reports
    // its stages through it (Go ignores arguments a method does not use).
    const progress = (stage) => self.postMessage({ id, progress: String(stage) });
    const result = await api[method](arg === undefined ? '' : arg, progress);
    self.postMessage({ id, ok: true, result });
  } catch (err) {
    self.postMessage({ id, ok: false, error: String((err && err.message) || err) });
  }
};
