// engine-worker.js runs the Go engine (engine.wasm) in a Web Worker, so that
// the page never freezes while Go works (Go's wasm runtime blocks the thread it
// runs on; RSA key generation takes up to seconds). It is a classic worker
// because wasm_exec.js is a classic script.
//
// Protocol with js/engine.js (the only module that talks to this worker):
//   worker → page  {type: 'ready', ms, timing}   engine installed, ms since worker start; timing:
//                                                {load: fetch and compile (streaming) and
//                                                instantiate, goStart: Go's runtime, package
//                                                init and main until the API is installed}
//   worker → page  {type: 'failed', error}       the engine could not start
//   worker → page  {type: 'engine-module',       the core's compiled WebAssembly.Module, once
//                   module}                      instantiated (before ready); the page keeps it
//   page → worker  {id, method, arg, bytes?,     arg: a JSON string, or undefined; bytes:
//                   parsed?}                     Uint8Arrays given after the progress callback
//                                                (importCapture: the capture, the key log);
//                                                parsed: answer with the object, not the JSON
//   worker → page  {id, ok: true, result}        result: the JSON string Go returned (parsed: the
//                                                object it holds), or an object whose
//                                                Uint8Arrays are transferred (sessionCapture)
//   worker → page  {id, ok: false, error}        error: the error's message
//   worker → page  {id, progress}                a stage of a slow call (setup: 'ca-key',
//                                                'server-key', 'ca-cert', 'leaf-cert'; importCapture:
//                                                [done, total])
//
// The engine is three Go programs (wasm/main_js.go's methodTable, scripts/build.sh):
//   the core (engine.wasm)  what the first view uses: keys, handles, the handshakes of
//                           every mode, send/keyUpdate/close/export, the remote client;
//   the lab (lab.wasm)      the attacks, the scenarios, resumption, the analyzer, captures,
//                           a browser's hello: started in this worker, beside the core, on
//                           the first call of one of its methods (a second Go instance,
//                           globalThis.tlsPlaygroundLab). Before each lab call the worker
//                           hands the lab the handle's state from the core (sessionState →
//                           adoptSession: setup, records, key log), so the lab reads the
//                           session on screen, never a rerun of it;
//   the server (server.wasm) the HTTP server role (./wasm/server), compiled on the in-page
//                           server's first request (server-runtime.js runs an instance per
//                           request).
// A build with one whole engine (no lab module) names the engine for the lab too; the
// in-page server always runs the server module (without one it says so).
// With the engine posted as bytes, the lab and the server come the same way, asked
// for on first use:
//   worker → page  {type: 'need', module: 'lab'|'server'}
//   page → worker  {type: 'wasm', module, bytes} or {type: 'wasm', module, error}
//
// prepareSession (the next "New session", run ahead: engine.js prepareSession) is idle
// work: the worker hands it to Go only when no other call is in flight, or at once when
// a takePrepared of its handle comes (before the take), and drops it when a setup of
// its handle comes first.
//
// engine.preload {module: 'lab'|'server'} → {module, ms} loads a module ahead of its first
// use (a page that knows a view will need it soon), without calling anything.
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
// can be given as ?wasm=…&exec=… on this script's URL. The engine can also come
// as bytes (the single-file edition): with ?wasm=message, or when a bundle that
// includes this script set self.tlsPlaygroundWorker = {wasm: 'message'} before
// it, the worker waits for its first message
//   page → worker  {type: 'wasm', bytes: ArrayBuffer}   engine.wasm itself
// and fetches nothing. Go's glue is loaded only if self.Go is not defined yet
// (a bundle defines it), and the modules this worker loads lazily
// (network.js, server-runtime.js) come from self.__tlsModules when a bundle
// filled it (name → function returning the module's exports), else import().
'use strict';

// The page's Content-Security-Policy binds this worker too. Report a violation
// on the console where the page's tools (and the browser test) see it.
self.addEventListener('securitypolicyviolation', (e) => {
  console.error(`CSP violation in the engine worker: ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`);
});

const params = new URLSearchParams(self.location.search);
const config = self.tlsPlaygroundWorker || {};
const wasmFromMessage = params.get('wasm') === 'message' || config.wasm === 'message';

/** url resolves a URL given on this script's URL, or the build's default, against the script. */
function url(given, fallback) {
  return new URL(given || fallback, self.location.href).href;
}

// With the engine posted as bytes, its first message brings it; the lab's and
// the server's come when asked for.
let receiveWasm;
const wasmMessage = new Promise((resolve) => { receiveWasm = resolve; });
const moduleMessages = new Map(); // 'lab'|'server' → {promise, resolve, reject}

/** moduleBytes asks the page for a module's bytes (engine posted as bytes). */
function moduleBytes(name) {
  if (!moduleMessages.has(name)) {
    const m = {};
    m.promise = new Promise((resolve, reject) => { m.resolve = resolve; m.reject = reject; });
    moduleMessages.set(name, m);
    self.postMessage({ type: 'need', module: name });
  }
  return moduleMessages.get(name).promise;
}

// The modules' URLs (none when they come as bytes: a blob: worker has no base to resolve against).
const ENGINE_URL = wasmFromMessage ? '' : url(params.get('wasm'), '../engine.wasm');
const LAB_URL = wasmFromMessage ? '' : url(params.get('lab'), '../lab.wasm');
const SERVER_URL = wasmFromMessage ? '' : url(params.get('server'), '../server.wasm');

/** goImports is the import object of a Go instance (and the workers.ready a server build imports). */
function goImports(go) {
  return { ...go.importObject, workers: { ready: () => {} } };
}


/**
 * mark sets a performance mark engine:NAME in this worker's timeline, for
 * tests/bench/start-bench.mjs: fetch, response, compiled, instantiated, ready
 * (the core's start, in order). engine:response's detail says which module
 * and from where: {url, from: 'cache-storage'|'fetch'} (a module read from
 * Cache Storage makes no request a test could see).
 */
function mark(name, detail) {
  try {
    performance.mark(`engine:${name}`, detail === undefined ? undefined : { detail });
  } catch {
    // no User Timing here: nothing to record
  }
}

/** start loads Go's glue and the engine and resolves once globalThis.tlsPlayground exists. */
async function start() {
  if (typeof WebAssembly !== 'object') {
    throw new Error('this browser has no WebAssembly in Web Workers (it may be turned off, e.g. by a security setting), and the engine is Go compiled to WebAssembly: allow WebAssembly for this page, or use another browser');
  }
  // The engine's download and streaming compilation start before Go's glue loads.
  const compiling = wasmFromMessage ? null : compile(ENGINE_URL, mark);
  compiling?.catch(() => {}); // reported below, where it is awaited
  if (typeof self.Go !== 'function') {
    const execURL = url(params.get('exec'), '../wasm_exec.js');
    try {
      importScripts(execURL);
    } catch (err) {
      throw new Error(`could not load Go's glue from ${execURL}: ${err.message}`);
    }
  }
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

  const t0 = performance.now();
  const { instance, module } = wasmFromMessage
    ? await instantiateBytes(await wasmMessage, importObject)
    : await instantiate(compiling, importObject, ENGINE_URL);
  const t1 = performance.now();
  mark('instantiated');
  engineModule = module;
  // The page keeps it (engine.js, engineModule): a reload's worker then compiles from V8's copy.
  try {
    self.postMessage({ type: 'engine-module', module });
  } catch {
    // A browser that cannot send a Module to the page (DataCloneError) loses only the reuse.
  }
  const exited = go.run(instance).then(() => {
    throw new Error('the Go engine exited');
  });
  await Promise.race([installed, exited]);
  if (!globalThis.tlsPlayground) throw new Error('the Go engine did not install globalThis.tlsPlayground');
  mark('ready');
  // Afterwards, an exit means every later call would hang: say so.
  exited.catch((err) => self.postMessage({ type: 'failed', error: String(err.message || err) }));
  const round = (x) => Math.round(x * 10) / 10;
  startTiming = { load: round(t1 - t0), goStart: round(performance.now() - t1) };
}

let startTiming = null; // {load, goStart} of the core, for the ready message

// How long a module is looked for in Cache Storage before it is fetched instead (stored).
const STORED_WAIT_MS = 300;

/**
 * stored returns the response the service worker keeps for url in Cache
 * Storage (sw.js stores the engine when the site is installed, the lab and
 * the server on first use), or null. The URLs are content-hashed: any stored
 * copy is the right one.
 */
async function stored(url) {
  if (!self.caches || typeof caches.match !== 'function') return null;
  try {
    // Chromium runs a read of a cache after the writes to it queued before it, and the
    // service worker may be storing modules of tens of MB right now (its install, or the
    // lab and server when the page is idle). Whether that is what once held Eve's first
    // lab call for 20 s on a loaded machine is not proven; either way, past a moment the
    // network (or the HTTP cache, or the service worker) answers instead.
    const late = new Promise((resolve) => { setTimeout(resolve, STORED_WAIT_MS, null); });
    const hit = await Promise.race([caches.match(url), late]);
    return hit && hit.ok ? hit : null;
  } catch {
    return null; // no storage here (an opaque origin, storage turned off): the network answers
  }
}

/**
 * compile gets a module from its content-hashed URL and compiles it while it
 * arrives when it comes as application/wasm (compileStreaming), else from the
 * whole download. A repeat visit reads it from Cache Storage itself: going
 * through the service worker's fetch handler made the streaming compilation
 * about three times slower (120 against 45 ms, fetch to Go running, the
 * engine's core in Chromium 156); the first visit fetches it (the HTTP cache,
 * then the network). Each failure says which: the fetch (URL and HTTP status)
 * or the compilation.
 */
async function compile(wasmURL, stage = () => {}) {
  let response;
  try {
    stage('fetch');
    response = await stored(wasmURL);
    const from = response ? 'cache-storage' : 'fetch';
    response ??= await fetch(wasmURL);
    stage('response', { url: wasmURL, from });
  } catch (err) {
    throw new Error(`could not fetch the engine from ${wasmURL}: ${err.message} (is the site's server running, and is the page online or installed?)`);
  }
  if (!response.ok) {
    throw new Error(`fetching the engine from ${wasmURL} failed: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''} (the site is incomplete: build it with scripts/build.sh, or reload)`);
  }
  const type = response.headers.get('Content-Type') || '';
  if (WebAssembly.compileStreaming && /^application\/wasm\b/i.test(type)) {
    try {
      const module = await WebAssembly.compileStreaming(response);
      stage('compiled');
      return module;
    } catch (err) {
      throw compileError(wasmURL, err);
    }
  }
  let bytes;
  try {
    bytes = await response.arrayBuffer();
  } catch (err) {
    throw new Error(`could not fetch the engine from ${wasmURL}: the download broke off: ${err.message}`);
  }
  try {
    const module = await WebAssembly.compile(bytes);
    stage('compiled');
    return module;
  } catch (err) {
    throw compileError(wasmURL, err);
  }
}

/** instantiate instantiates a compiled module (or compiles it from the promise) → {module, instance}. */
async function instantiate(compiled, importObject, from) {
  const module = await compiled;
  try {
    return { module, instance: await WebAssembly.instantiate(module, importObject) };
  } catch (err) {
    throw compileError(from, err);
  }
}

/** instantiateBytes compiles and instantiates engine.wasm given as bytes. */
async function instantiateBytes(bytes, importObject, from = 'the bytes the page gave') {
  if (!(bytes instanceof ArrayBuffer) && !ArrayBuffer.isView(bytes)) {
    throw new Error(`the page gave the engine as ${Object.prototype.toString.call(bytes)}, not an ArrayBuffer`);
  }
  try {
    return await WebAssembly.instantiate(bytes, importObject);
  } catch (err) {
    throw compileError(from, err);
  }
}

/** compileError says that the engine was fetched but could not be compiled or linked. */
function compileError(from, err) {
  if (err instanceof WebAssembly.LinkError) {
    return new Error(`the engine (${from}) does not fit Go's glue (wasm_exec.js): ${err.message} (rebuild the site so both come from the same Go)`);
  }
  return new Error(`the engine (${from}) could not be compiled: ${err.message}`);
}

/**
 * lazyModule loads one of the site's modules on first use: from the bundle's
 * registry (self.__tlsModules) in the single-file edition, else with import().
 */
function lazyModule(name, load) {
  const bundled = self.__tlsModules && self.__tlsModules[name];
  return bundled ? Promise.resolve().then(bundled) : load();
}

// ---- the lab module ----------------------------------------------------------

let lab = null; // Promise of the lab's API (globalThis.tlsPlaygroundLab), once asked for

/** loadLab starts the lab module in this worker, once: → its API. */
function loadLab() {
  lab ??= (async () => {
    const go = new Go();
    go.argv = ['lab', '-global=tlsPlaygroundLab'];
    const installed = new Promise((resolve) => { globalThis.tlsPlaygroundLabOnReady = () => resolve(); });
    const { instance } = wasmFromMessage
      ? await instantiateBytes(await moduleBytes('lab'), goImports(go), 'the lab module the page gave')
      : await instantiate(LAB_URL === ENGINE_URL ? engineModule : compile(LAB_URL), goImports(go), LAB_URL);
    const exited = go.run(instance).then(() => { throw new Error('the lab module exited'); });
    await Promise.race([installed, exited]);
    if (!globalThis.tlsPlaygroundLab) throw new Error('the lab module did not install globalThis.tlsPlaygroundLab');
    if (globalThis.tlsPlaygroundLabModules?.built !== 'full') {
      throw new Error(`the lab module (${LAB_URL || 'the bytes the page gave'}) is not a whole engine: rebuild the site with scripts/build.sh`);
    }
    return globalThis.tlsPlaygroundLab;
  })();
  lab.catch(() => { lab = null; }); // a failed load is tried again on the next call
  return lab;
}

/** moduleOf says which module runs method: 'core', 'lab', or '' when none has it. */
function moduleOf(api, method) {
  if (typeof api[method] === 'function') return 'core';
  const lists = globalThis.tlsPlaygroundModules;
  return lists && Array.from(lists.lab || []).includes(method) ? 'lab' : '';
}

// The core's calls that change no handle: the lab's copy stays good after them
// (prepareSession keeps its session beside the handle's until takePrepared).
// What the core's error says when a key or certificate is of a curve it does not carry (the lab does).
const CORE_LACKS = "is not in the playground's core engine";
const READS = new Set(['exportSession', 'sessionState', 'describeCertificates', 'generateKey', 'catalogue', 'prepareSession']);
// The lab's calls that replace the session of the lab's copy of a handle.
const REPLACES = new Set(['downgrade']);
let coreVersion = 0;          // counts the core's calls that may have changed a handle
const adoptedAt = new Map();  // handle → coreVersion when the lab last took its state

/**
 * callLab runs a lab method on the handle its argument names: the core's state
 * of that handle first goes to the lab (adoptSession), unless the lab took it
 * after the core's last change.
 */
async function callLab(core, method, arg, progress, bytes) {
  const labAPI = await loadLab();
  const named = parsedArg(arg).session;
  const session = typeof named === 'string' ? named : 'default'; // browserHello's true: the page's
  if (adoptedAt.get(session) !== coreVersion) {
    const version = coreVersion;
    let state;
    try {
      state = await core.sessionState(JSON.stringify({ session }));
    } catch (err) {
      throw new Error(String(err.message || err).replace(/^sessionState:/, `${method}:`));
    }
    await labAPI.adoptSession(state);
    adoptedAt.set(session, version);
  }
  if (REPLACES.has(method)) adoptedAt.delete(session);
  return labAPI[method](arg === undefined ? '' : arg, progress, ...bytes);
}

// ---- the network layer (net.* methods) ---------------------------------------

let engineModule = null; // the compiled engine.wasm (the lab's too, when a build names the engine for both)
let serverModule = null; // Promise of the compiled server module, on first use

/** loadServerModule compiles the server build (./wasm/server) once: the in-page server runs it. */
function loadServerModule() {
  serverModule ??= (async () => {
    if (wasmFromMessage) {
      let bytes;
      try {
        bytes = await moduleBytes('server');
      } catch (err) {
        throw new Error(`the in-page server needs the server module (./wasm/server), and this page gave none (serverBytes): ${err.message || err}`);
      }
      try {
        return await WebAssembly.compile(bytes);
      } catch (err) {
        throw compileError('the server module the page gave', err);
      }
    }
    if (!SERVER_URL || SERVER_URL === ENGINE_URL) {
      throw new Error('this build has no server module (build.json "server"): rebuild with scripts/build.sh, which builds ./wasm/server');
    }
    return compile(SERVER_URL);
  })();
  serverModule.catch(() => { serverModule = null; });
  return serverModule;
}
let network = null;      // network.js, loaded on first use
let pageServer = null;   // {server, transport} for the current setup
let connection = null;   // the current Connection
let queue = Promise.resolve(); // net.* calls run one at a time, in order

async function loadNetwork() {
  network ??= await lazyModule('network.js', () => import('./network.js'));
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
  const { createInPageServer } = await lazyModule('server-runtime.js', () => import('./server-runtime.js'));
  const net = await loadNetwork();
  let transport;
  const server = createInPageServer({
    module: loadServerModule,
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
    const out = await net.serverInfo(transport, api);
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

/** callNet runs a net.* method, after the ones before it: → its result, an object. */
function callNet(name, api, arg) {
  coreVersion++; // the remote client changes
  const run = queue.then(() => NET[name](api, arg ? JSON.parse(arg) : {}));
  queue = run.catch(() => {}).then(() => { coreVersion++; });
  return run;
}

/** parsedArg is a call's JSON argument as an object ({} when there is none or it is not one). */
function parsedArg(arg) {
  if (typeof arg !== 'string' || !arg.trim().startsWith('{')) return {};
  try {
    return JSON.parse(arg) || {};
  } catch {
    return {};
  }
}

/** handleNamed returns the handle a call names ("session": an id), or '' for the page's. */
function handleNamed(arg) {
  const { session } = parsedArg(arg);
  return typeof session === 'string' && session !== 'default' ? session : '';
}

/** ownAsked says whether a call asks for a handle of its own. */
function ownAsked(arg) {
  return parsedArg(arg).own === true;
}

// ---- idle work ------------------------------------------------------------------

// prepareSession (the next "New session", run ahead) is idle work: it starts
// only when no other call is in flight, so a visitor's call never waits for
// more than the one handshake already running (Go runs one call at a time).
let inFlight = 0;              // calls received and not answered, idle work aside
let idleWaiters = [];          // resolve functions of idle work waiting for inFlight 0
const preparing = new Map();   // handle → the prepareSession call waiting to run for it

/** whenIdle resolves once no call is in flight, checked after the tasks already queued. */
function whenIdle() {
  return new Promise((resolve) => {
    const check = () => {
      if (inFlight === 0) resolve();
      else idleWaiters.push(check);
    };
    setTimeout(check, 0);
  });
}

/** callDone counts a call as answered and wakes idle work when none is left. */
function callDone() {
  inFlight--;
  if (inFlight > 0) return;
  const waiting = idleWaiters;
  idleWaiters = [];
  for (const check of waiting) setTimeout(check, 0);
}

const started = start();

started.then(
  () => self.postMessage({ type: 'ready', ms: Math.round(performance.now() * 10) / 10, timing: startTiming }),
  (err) => self.postMessage({ type: 'failed', error: String((err && err.message) || err) }),
);

self.onmessage = async (event) => {
  const { type, id, method, arg, bytes } = event.data || {};
  if (type === 'wasm') {
    const name = event.data.module;
    if (!name || name === 'engine') receiveWasm(event.data.bytes);
    else if (moduleMessages.has(name)) {
      const m = moduleMessages.get(name);
      if (event.data.error) m.reject(new Error(event.data.error));
      else m.resolve(event.data.bytes);
    }
    return;
  }
  const idleWork = method === 'prepareSession';
  if (!idleWork) inFlight++;
  let submitted = null; // called once Go has the call, or it failed before (prepareSession)
  try {
    await started;
    if (idleWork) {
      // It waits for idle, unless a take for its handle comes first (then it runs before the
      // take); a setup of the handle while it waits makes it moot.
      const target = handleNamed(arg) || 'default';
      const mine = {};
      mine.woken = new Promise((resolve) => { mine.wake = resolve; });
      mine.submitted = new Promise((resolve) => { submitted = resolve; });
      preparing.set(target, mine);
      await Promise.race([whenIdle(), mine.woken]);
      if (preparing.get(target) !== mine) {
        throw new Error('prepareSession: dropped before it ran (a later one replaced it, or the keys of its session changed)');
      }
      preparing.delete(target);
    } else if (method === 'takePrepared') {
      const waiting = preparing.get(handleNamed(arg) || 'default');
      if (waiting) {
        waiting.wake();
        await waiting.submitted;
      }
    } else if (method === 'setup' && !ownAsked(arg)) {
      preparing.delete(handleNamed(arg) || 'default');
    }
    const api = globalThis.tlsPlayground;
    if (method === 'engine.preload') {
      // Load a module ahead of its first use (the page knows a view will need it).
      const t0 = performance.now();
      const { module: name } = parsedArg(arg);
      if (name === 'lab') {
        if (moduleOf(api, 'eve') === 'lab') await loadLab();
      } else if (name === 'server') {
        await loadServerModule();
      } else {
        throw new Error(`preload: unknown module ${JSON.stringify(name)}: lab or server`);
      }
      self.postMessage({ id, ok: true, result: JSON.stringify({ module: name, ms: Math.round(performance.now() - t0) }) });
      return;
    }
    if (typeof method === 'string' && method.startsWith('net.') && Object.hasOwn(NET, method.slice(4))) {
      const result = await callNet(method.slice(4), api, arg);
      self.postMessage({ id, ok: true, result: event.data.parsed ? result : JSON.stringify(result) });
      return;
    }
    // A new setup of the page's handle is a new server key: the in-page server
    // takes it up on its next use (a setup of an own handle leaves it alone).
    if (method === 'setup' && !handleNamed(arg) && !ownAsked(arg)) pageServer = null;
    const where = typeof method === 'string' ? moduleOf(api, method) : '';
    if (!where) throw new Error(`unknown method ${JSON.stringify(method)}`);
    // Every method gets a progress callback after its argument; setup reports
    // its stages through it (Go ignores arguments a method does not use).
    const progress = (...stage) => self.postMessage({ id, progress: stage.length > 1 ? stage : String(stage[0]) });
    const extra = Array.isArray(bytes) ? bytes : [];
    if (where === 'core' && !READS.has(method)) coreVersion++;
    let running = where === 'lab'
      ? callLab(api, method, arg, progress, extra)
      : api[method](arg === undefined ? '' : arg, progress, ...extra);
    // The core has no P-224, P-384 or P-521 (scripts/wasm-overlay, -tags core): a certificate the
    // visitor pastes with such a key is described by the lab, which has them (it changes no handle).
    if (where === 'core' && method === 'describeCertificates' && moduleOf(api, 'eve') === 'lab') {
      running = Promise.resolve(running).catch(async (err) => {
        if (!String((err && err.message) || err).includes(CORE_LACKS)) throw err;
        return (await loadLab()).describeCertificates(arg === undefined ? '' : arg, progress);
      });
    }
    submitted?.();
    const result = await running;
    // A released handle is forgotten by the lab too, when it holds a copy.
    if (method === 'releaseSession' && lab) {
      adoptedAt.delete(handleNamed(arg));
      lab.then((l) => l.releaseSession(arg).catch(() => {}), () => {});
    }
    // A result with bytes (sessionCapture) is an object: its buffers move to the page, not copied.
    const transfer = result && typeof result === 'object'
      ? Object.values(result).filter((v) => v instanceof Uint8Array).map((v) => v.buffer) : [];
    // parsed: the page wants the object (a structured clone costs its thread less than JSON.parse).
    const answer = event.data.parsed && typeof result === 'string' ? JSON.parse(result) : result;
    self.postMessage({ id, ok: true, result: answer }, transfer);
  } catch (err) {
    self.postMessage({ id, ok: false, error: String((err && err.message) || err) });
  } finally {
    submitted?.();
    if (!idleWork) callDone();
  }
};
