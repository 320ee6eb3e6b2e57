// server-runtime.js runs the playground's TLS server inside the page: the server
// build (./wasm/server: the HTTP server role alone, assets/server-<hash>.wasm, build.json
// key "server"; the Cloudflare Worker runs the same module) behind a fetch-shaped
// function, so that the page's network layer can carry every flight as a real HTTP
// Request and Response without any network.
//
// API
//
//   import { createInPageServer } from './server-runtime.js';
//   const server = createInPageServer({ module, identity, Go, onRequest });
//   const response = await server.fetch(request);
//
//   module     the server build, as one of:
//                a WebAssembly.Module, already compiled;
//                a Promise of one;
//                a function returning one or a Promise of one, called once, on the
//                first request (so that the page loads the server only when it is
//                first used), e.g. () => WebAssembly.compileStreaming(fetch(url)).
//              A module that does not import workers.ready (the page's engine, not a
//              server build) is refused on the first request with an error that says so.
//   identity   {certPem, keyPem, tokenKey}: the server's certificate chain (PEM, leaf
//              first, optionally ending with its root, which /tls/info then
//              publishes), its private key (PEM) and the key that seals each
//              connection's state into the token (64 hex characters, or 32 bytes
//              as a Uint8Array). The client API's serverIdentity() returns exactly
//              this shape (its extra trustPem is ignored).
//   Go         optional: the Go class of Go's wasm_exec.js; default globalThis.Go
//              (load ../wasm_exec.js first: importScripts in the engine worker, a
//              classic <script> on the main thread). The engine and the server build
//              come from the same Go, so one wasm_exec.js serves both.
//   onRequest  optional: called after each request with
//              {method, url, status, instance, ms: {instantiate, start, handle, total}}
//              (instance: 1 for the server's first Go instance, 2 for the one that replaced
//              it, ...; instantiate and start: what this request waited for a new instance
//              of the module, Go's runtime, package init and the handler's setup until the
//              library's workers.ready, 0 when the instance was already running; handle: the
//              handler answering, body included).
//
//   server.fetch(request: Request): Promise<Response>
//              answers one request (any origin: only the path and the query
//              matter; the routes are GET /tls/info and POST /tls/flight, see
//              the README). The Response is the one Go made for this request,
//              complete (the server build hands its body over whole, as a Uint8Array
//              in JS memory) and new: the caller may read it once. An HTTP error
//              (4xx/5xx with a JSON body) is a Response, not a rejection; the
//              promise rejects only when the module cannot be had or is no server
//              build, or when the Go program fails (it exits or does not answer
//              within timeoutMs, default 10 s): the next request then starts a new
//              instance.
//   server.identity      the identity it serves with (tokenKey as hex).
//   server.instances     how many Go instances this server has started.
//
// How: one Go instance per server (per identity), started on the first request and kept: it
// instantiates the compiled module with Go's importObject plus the library's `workers.ready`
// import, and starts it with
//   globalThis.tlsPlaygroundServerIdentity = identity
//   globalThis.context = {binding: {}}     (where github.com/syumai/workers puts handleRequest)
// then calls binding.handleRequest(request) for this request and every later one (requests
// may overlap: each is a goroutine). The program reads these globals once, when it starts;
// starts are serialized (across servers) and the globals restored after each. Do not start
// another Go program in the same realm while a server is starting (create the page's client
// engine first). The connection's state travels in the Tls-Playground-Token header, sealed
// with tokenKey, never in Go memory: a new instance takes over any connection. The library's
// own glue starts a fresh instance for every request, whose start (instantiate, Go's runtime,
// the identity) costs several times a flight's handling: tests/workerd/startbench.mjs
// measures both ways.
//
// Runs in a Web Worker (classic or module) or on the main thread. No third-party
// code, no eval: CSP `script-src 'self' 'wasm-unsafe-eval'` suffices.

import { toHex } from './hex.js';

const IDENTITY = 'tlsPlaygroundServerIdentity';

/** normalizeIdentity checks the identity's shape; Go checks its contents. */
function normalizeIdentity(identity) {
  if (!identity || typeof identity !== 'object') {
    throw new TypeError('createInPageServer: identity must be {certPem, keyPem, tokenKey}');
  }
  const { certPem, keyPem } = identity;
  let { tokenKey } = identity;
  if (tokenKey instanceof Uint8Array) tokenKey = toHex(tokenKey);
  for (const [name, v] of [['certPem', certPem], ['keyPem', keyPem], ['tokenKey', tokenKey]]) {
    if (typeof v !== 'string' || v === '') {
      throw new TypeError(`createInPageServer: identity.${name} must be a non-empty string`);
    }
  }
  return Object.freeze({ certPem, keyPem, tokenKey });
}

const now = () => performance.now();

// Starts are serialized across servers: each holds the globals from go.run until the program
// says it is ready (or exits).
let starting = Promise.resolve();

/** fail throws the error of a Go program that exited too early. */
function fail(when, code) {
  throw new Error(`the in-page server's Go program exited ${when} (exit code ${code})`);
}
const round = (ms) => Math.round(ms * 100) / 100;

/**
 * createInPageServer returns {fetch, identity}: see the top of this file.
 */
export function createInPageServer({ module, identity, Go = globalThis.Go, onRequest, timeoutMs = 10_000 } = {}) {
  if (!(module instanceof WebAssembly.Module) && typeof module !== 'function' && typeof module?.then !== 'function') {
    throw new TypeError('createInPageServer: module must be the server build (./wasm/server) as a compiled WebAssembly.Module, a Promise of one, or a function returning one');
  }
  if (typeof Go !== 'function') {
    throw new TypeError("createInPageServer: no Go class: load Go's wasm_exec.js first, or pass {Go}");
  }
  const id = normalizeIdentity(identity);

  // The module, had once (a function is called on the first request) and checked once.
  let had = null;
  function serverModule() {
    had ??= (async () => {
      const m = await (typeof module === 'function' ? module() : module);
      if (!(m instanceof WebAssembly.Module)) {
        throw new TypeError('createInPageServer: module gave no WebAssembly.Module');
      }
      if (!WebAssembly.Module.imports(m).some((i) => i.module === 'workers' && i.name === 'ready')) {
        throw new Error('createInPageServer: this module is not the server build (it does not import workers.ready): build ./wasm/server (assets/server-<hash>.wasm, build.json "server")');
      }
      return m;
    })();
    // A failed load is tried again on the next request (a network error may pass).
    had.catch(() => { had = null; });
    return had;
  }

  let instances = 0;
  let current = null; // Promise of the running instance {binding, exited, go, waiting, n}

  /** start instantiates and runs a new program; resolves to its instance once ready. */
  async function start(timings) {
    const go = new Go();
    let exitCode = null;
    // The requests in flight, told when the program exits (a set, not a reaction per request on
    // go.run's promise: those would stay attached, with their requests, for the instance's life).
    const waiting = new Set();
    go.exit = (code) => {
      exitCode = code;
      for (const w of waiting) w(code);
    };
    let ready;
    const readyPromise = new Promise((resolve) => {
      ready = resolve;
    });
    const compiled = await serverModule();
    const t0 = now();
    const instance = await WebAssembly.instantiate(compiled, {
      ...go.importObject,
      workers: { ready: () => ready() },
    });
    timings.instantiate = now() - t0;

    const binding = {};
    const t1 = now();
    let exited;
    const previous = starting;
    let release;
    starting = new Promise((resolve) => {
      release = resolve;
    });
    await previous;
    const saved = [IDENTITY, 'context'].map((k) => [k, Object.getOwnPropertyDescriptor(globalThis, k)]);
    try {
      globalThis[IDENTITY] = id;
      globalThis.context = { binding };
      // Resolves with the exit code when the program ends (it serves until then).
      exited = go.run(instance).then(() => exitCode ?? 0);
      await Promise.race([readyPromise, exited.then((code) => fail('before it was ready', code))]);
    } finally {
      for (const [k, desc] of saved) {
        if (desc) Object.defineProperty(globalThis, k, desc);
        else delete globalThis[k];
      }
      release();
    }
    timings.start = now() - t1;
    if (typeof binding.handleRequest !== 'function') {
      throw new Error("the in-page server's Go program did not install handleRequest (is the module the server build, ./wasm/server?)");
    }
    return { binding, exited, go, waiting, n: ++instances };
  }

  /** running returns the running instance, starting one when there is none (or it exited). */
  function running(timings) {
    if (!current) {
      const started = start(timings);
      current = started;
      started.then(
        (inst) => inst.waiting.add(() => { if (current === started) current = null; }),
        () => { if (current === started) current = null; },
      );
    }
    return current;
  }

  async function fetch(request) {
    if (!(request instanceof Request)) {
      throw new TypeError('server.fetch: the argument must be a Request');
    }
    const timings = { instantiate: 0, start: 0 };
    const t0 = now();
    const started = running(timings);
    const inst = await started;

    const t1 = now();
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => {
        // A program that does not answer is of no use to the next request either.
        if (current === started) current = null;
        reject(new Error(`the in-page server did not answer ${request.method} ${request.url} within ${timeoutMs} ms`));
      }, timeoutMs);
    });
    // Rejects if the program exits while this request waits (the server build serves until
    // its instance is dropped: any exit is a failure, and the next request starts another).
    let onExit;
    const exited = new Promise((_, reject) => {
      onExit = (code) => {
        if (current === started) current = null;
        reject(new Error(`the in-page server's Go program exited before answering (exit code ${code})`));
      };
    });
    inst.waiting.add(onExit);
    let response;
    try {
      // The server build hands the body over whole, as one Uint8Array that Go copied into
      // JS memory (wasm/server's WriteRawJSBody): the Response Go made is already complete and
      // new, and is handed on as it is (reading its body and copying it into another Response
      // cost Node 0.1-0.2 ms a request).
      response = await Promise.race([inst.binding.handleRequest(request), exited, timeout]);
    } finally {
      clearTimeout(timer);
      inst.waiting.delete(onExit);
    }
    timings.handle = now() - t1;
    timings.total = now() - t0;
    if (typeof onRequest === 'function') {
      const ms = {};
      for (const k of ['instantiate', 'start', 'handle', 'total']) ms[k] = round(timings[k]);
      try {
        onRequest({ method: request.method, url: request.url, status: response.status, instance: inst.n, ms });
      } catch (err) {
        console.error('server-runtime: onRequest threw', err);
      }
    }
    return response;
  }

  return {
    fetch,
    identity: id,
    get instances() {
      return instances;
    },
  };
}
