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
//              {method, url, status, ms: {instantiate, start, handle, total}}
//              (instantiate: a new instance of the module; start: Go's runtime,
//              package init and the handler's setup until the library's
//              workers.ready; handle: the handler answering, body included).
//
//   server.fetch(request: Request): Promise<Response>
//              answers one request (any origin: only the path and the query
//              matter; the routes are GET /tls/info and POST /tls/flight, see
//              the README). The Response is complete (its body already read from
//              Go) and is a new object the caller may read once. An HTTP error
//              (4xx/5xx with a JSON body) is a Response, not a rejection; the
//              promise rejects only when the module cannot be had or is no server
//              build, or when the Go program fails (it exits or does not answer
//              within timeoutMs, default 10 s).
//   server.identity      the identity it serves with (tokenKey as hex).
//
// How: github.com/syumai/workers answers a request with a fresh Go instance that
// lives for that one request (a long-lived instance fails on its second request).
// For each request this module instantiates the compiled module with Go's
// importObject plus the library's `workers.ready` import, and starts it with
//   globalThis.tlsPlaygroundServerIdentity = identity
//   globalThis.context = {binding: {}}     (where the library puts handleRequest)
// then calls binding.handleRequest(request). The program reads these globals when
// it starts; starts are serialized and the globals restored after each, so
// requests may overlap. Do not start another Go program in the same realm while
// a request is starting (create the page's client engine first). Nothing survives
// in Go memory between requests: the connection's state travels in the
// Tls-Playground-Token header, sealed with tokenKey.
//
// Runs in a Web Worker (classic or module) or on the main thread. No third-party
// code, no eval: CSP `script-src 'self' 'wasm-unsafe-eval'` suffices.

import { toHex } from './hex.js';

const IDENTITY = 'tlsPlaygroundServerIdentity';
// An engine.wasm of before ./wasm/server chose its role from this global; the server
// build ignores it. Set while an instance starts, like the others.
const ROLE = 'tlsPlaygroundRole';

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

  // Starts are serialized: each holds the globals from go.run until the program
  // says it is ready (or exits).
  let starting = Promise.resolve();

  /** start instantiates and runs a fresh program; resolves to its binding once ready. */
  async function start(timings) {
    const go = new Go();
    let exitCode = null;
    go.exit = (code) => {
      exitCode = code;
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
    const saved = [ROLE, IDENTITY, 'context'].map((k) => [k, Object.getOwnPropertyDescriptor(globalThis, k)]);
    try {
      globalThis[ROLE] = 'server';
      globalThis[IDENTITY] = id;
      globalThis.context = { binding };
      // Resolves with the exit code: 0 once the response's body has been read.
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
    return { binding, exited };
  }

  async function fetch(request) {
    if (!(request instanceof Request)) {
      throw new TypeError('server.fetch: the argument must be a Request');
    }
    const timings = {};
    const t0 = now();
    const { binding, exited } = await start(timings);

    const t1 = now();
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the in-page server did not answer ${request.method} ${request.url} within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    let response;
    try {
      const res = await Promise.race([
        binding.handleRequest(request),
        exited.then((code) => fail('before answering', code)),
        timeout,
      ]);
      // Read the body while Go is alive. The server build hands it over whole (one
      // Uint8Array) and its program then waits, holding nothing, until the instance
      // is garbage-collected, as after a 204; an engine.wasm of before streamed it
      // and exited (code 0) once it was read.
      const body =
        res.body === null
          ? null
          : await Promise.race([
              res.arrayBuffer(),
              exited.then((code) => (code === 0 ? new Promise(() => {}) : fail('while sending the body', code))),
              timeout,
            ]);
      response = new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
    } finally {
      clearTimeout(timer);
    }
    timings.handle = now() - t1;
    timings.total = now() - t0;
    if (typeof onRequest === 'function') {
      const ms = {};
      for (const k of ['instantiate', 'start', 'handle', 'total']) ms[k] = round(timings[k]);
      try {
        onRequest({ method: request.method, url: request.url, status: response.status, ms });
      } catch (err) {
        console.error('server-runtime: onRequest threw', err);
      }
    }
    return response;
  }

  return { fetch, identity: id };
}
