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
// Methods are Go's (globalThis.tlsPlayground), except those named net.*: the
// page's network layer (network.js), which runs here, beside the Go client,
// so that a flight goes from Go to fetch and back without crossing to the
// page. Their argument and result are JSON too:
//   net.capabilities  → {remote, pageServer}: what this engine can do
//   net.info          {server: 'page'|'url', url} → {info, exchange, rootFingerprint, chainFingerprints}
//   net.connect       {server, url, mode, group, serverName, trustPem, seed?} → Connection result
//   net.send          {text} → Connection result      net.close → Connection result
//   net.probe         {kind: 'tamper'|'replay'} → {exchanges, exchange}
// (see network.js for the shapes).
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

  // github.com/syumai/workers reads globalThis.context.binding when the
  // program starts, whatever its role (wasm/server_js.go).
  globalThis.context ??= { binding: {} };

  const installed = new Promise((resolve) => {
    if (globalThis.tlsPlaygroundReady && globalThis.tlsPlayground) {
      resolve();
      return;
    }
    globalThis.tlsPlaygroundOnReady = () => resolve();
  });

  const { instance, module } = await instantiate(wasmURL, importObject);
  engineModule = module;
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
 * browser), it downloads the bytes and compiles them. It resolves
 * {module, instance}: the in-page server instantiates the same module again.
 */
async function instantiate(url, importObject) {
  if (WebAssembly.instantiateStreaming) {
    try {
      return await WebAssembly.instantiateStreaming(fetch(url), importObject);
    } catch (err) {
      // A wrong Content-Type or HTTP status is a TypeError; anything else (a link error) is final.
      if (!(err instanceof TypeError)) throw err;
    }
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`fetching ${url}: HTTP ${response.status}`);
  return WebAssembly.instantiate(await response.arrayBuffer(), importObject);
}

// ---- the network layer (net.* methods) ---------------------------------------

let engineModule = null; // the compiled engine.wasm: the in-page server runs it too
let network = null;      // network.js, loaded on first use
let pageServer = null;   // {server, transport} for the current setup
let connection = null;   // the current Connection
let queue = Promise.resolve(); // net.* calls run one at a time, in order

async function loadNetwork() {
  network ??= await import('./network.js');
  return network;
}

/** hasRemote reports whether the Go client has the remote API. */
function hasRemote(api) {
  return ['remoteStart', 'remoteDeliver', 'remoteSend', 'remoteClose'].every((m) => typeof api[m] === 'function');
}

/** inPageTransport returns the transport to the in-page server, made for the current setup. */
async function inPageTransport(api) {
  if (pageServer) return pageServer.transport;
  if (typeof api.serverIdentity !== 'function') throw new Error('this engine has no serverIdentity(): it cannot run the in-page server');
  const identity = JSON.parse(await api.serverIdentity(''));
  const { createInPageServer } = await import('./server-runtime.js');
  const net = await loadNetwork();
  let transport;
  const server = createInPageServer({
    module: engineModule,
    identity,
    onRequest: ({ ms }) => { if (transport) transport.lastServerMs = ms; },
  });
  transport = new net.Transport('page', net.PAGE_ORIGIN, (req) => server.fetch(req));
  pageServer = { server, transport, trustPem: identity.trustPem };
  return transport;
}

async function transportFor(api, { server, url }) {
  const net = await loadNetwork();
  if (server === 'page') return inPageTransport(api);
  if (server === 'url') return net.urlTransport(url);
  throw new Error(`unknown server ${JSON.stringify(server)}: page or url`);
}

const NET = {
  async capabilities(api) {
    return { remote: hasRemote(api), pageServer: hasRemote(api) && typeof api.serverIdentity === 'function' };
  },
  async info(api, arg) {
    const net = await loadNetwork();
    const transport = await transportFor(api, arg);
    const out = await net.serverInfo(transport);
    if (arg.server === 'page') out.trustPem = pageServer.trustPem;
    return out;
  },
  async connect(api, arg) {
    if (!hasRemote(api)) throw new Error('this engine has no remote API (remoteStart…): rebuild engine.wasm');
    const net = await loadNetwork();
    const transport = await transportFor(api, arg);
    connection = new net.Connection(api, transport, { mode: arg.mode, group: arg.group });
    const trustPem = arg.server === 'page' ? pageServer.trustPem : arg.trustPem;
    return connection.start({ serverName: arg.serverName, trustPem, seed: arg.seed });
  },
  async send(api, arg) {
    if (!connection) throw new Error('no connection: connect first');
    return connection.send(arg.text);
  },
  async close() {
    if (!connection) throw new Error('no connection: connect first');
    return connection.close();
  },
  async probe(api, arg) {
    if (!connection) throw new Error('no connection: connect first');
    return connection.probe(arg.kind);
  },
};

/** callNet runs a net.* method, after the ones before it. */
function callNet(name, api, arg) {
  const run = queue.then(() => NET[name](api, arg ? JSON.parse(arg) : {}));
  queue = run.catch(() => {});
  return run.then((result) => JSON.stringify(result));
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
    if (typeof method === 'string' && method.startsWith('net.') && Object.hasOwn(NET, method.slice(4))) {
      self.postMessage({ id, ok: true, result: await callNet(method.slice(4), api, arg) });
      return;
    }
    // A new setup is a new server key: the in-page server takes it up on its next use.
    if (method === 'setup') pageServer = null;
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
