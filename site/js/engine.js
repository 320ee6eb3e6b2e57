// engine.js is the one module of the site that talks to the Go engine. The
// engine runs in a Web Worker (engine-worker.js); this class turns its message
// protocol into a small async API of parsed JSON objects. The shapes of the
// objects (Setup, Session, Exchange) are documented in the project's contract
// between the engine and the site.

// The engine's code reaches the worker in one of two ways:
//   - by URL (the default): the worker is js/engine-worker.js and fetches
//     ../engine.wasm and ../wasm_exec.js itself (and the lab and server modules
//     on first use, engine-worker.js);
//   - as bytes: a page that carries the engine inside it (the single-file
//     edition, an embed's bootstrap) gives a worker (a Worker, a function making
//     one, its script's URL, e.g. a blob: URL of a bundled worker, or the
//     script's source text) and the wasm's bytes, which are posted (transferred)
//     to the worker as its first message; the lab's and the server's bytes, when
//     given, are posted when the worker first asks for them.
// configureEngine sets the options every later `new Engine()` starts from, so a
// page can choose the way before the code that creates engines runs.

let defaults = {};

/**
 * configureEngine sets the default options of every Engine created afterwards
 * (an Engine's own options override them). It returns the defaults in force.
 *
 *   configureEngine({worker: blobURL, wasmBytes: () => inflate()});
 *
 * @param {EngineOptions} options
 */
export function configureEngine(options = {}) {
  defaults = { ...defaults, ...options };
  return { ...defaults };
}

// The page's modules ran (boot.js, a classic script, waits for this flag to
// tell a page whose modules never ran, e.g. opened from file://).
if (typeof document !== 'undefined') document.documentElement.dataset.modules = 'ran';

/**
 * Engine starts the worker at construction. Every method returns a Promise;
 * calls are queued by the worker and answered in order.
 *
 *   const engine = new Engine();
 *   await engine.ready;                       // {ms}: time the worker took to install the engine
 *   const setup = await engine.setup({keyBits: 2048});
 *   const session = await engine.newSession({});
 *   const exchange = await engine.send({from: 'client', text: 'hello'});
 *
 * If the engine cannot start (no Web Workers, no WebAssembly, the wasm could
 * not be fetched or compiled), `ready` rejects with an error that says what
 * failed, and so does every call.
 */
export class Engine {
  /**
   * @typedef {object} EngineOptions
   * @property {string|URL} [wasm]  URL of engine.wasm, the core (default: the build's)
   * @property {string|URL} [lab]  URL of the lab module (default: the build's)
   * @property {string|URL} [server]  URL of the server module (default: the build's)
   * @property {string|URL} [exec]  URL of Go's wasm_exec.js (default: the build's)
   * @property {Worker|string|URL|(() => Worker)} [worker]  the engine worker: a Worker
   *   (for one Engine), a function that creates one, or its classic script's URL (e.g.
   *   a blob: URL of a bundled worker that defines Go's glue itself). Default:
   *   js/engine-worker.js.
   * @property {string} [workerSource]  the worker's classic script as text (a bundle of
   *   Go's glue and engine-worker.js, as the single-file edition carries): started from a
   *   blob: URL made once. Used when `worker` is not given.
   * @property {ArrayBuffer|ArrayBufferView|(() => Promise<ArrayBuffer|ArrayBufferView>)} [wasmBytes]
   *   engine.wasm itself, instead of its URL: a buffer (copied for each Engine), or a
   *   function that resolves a fresh one (transferred to the worker). The worker must
   *   expect it: engine-worker.js does when its URL ends ?wasm=message (added here to
   *   a worker URL) or when a bundle set self.tlsPlaygroundWorker = {wasm: 'message'}.
   * @property {ArrayBuffer|ArrayBufferView|(() => Promise<ArrayBuffer|ArrayBufferView>)} [labBytes]
   *   with wasmBytes: the lab module, in the same forms, read when the worker first needs
   *   it (a page whose wasmBytes is a whole engine needs none).
   * @property {ArrayBuffer|ArrayBufferView|(() => Promise<ArrayBuffer|ArrayBufferView>)} [serverBytes]
   *   with wasmBytes: the server module (./wasm/server), read on the in-page server's first
   *   request (without it, the in-page server cannot start, and says so).
   */
  /** @param {EngineOptions} [options] */
  constructor(options = {}) {
    const opts = { ...defaults, ...options };
    this.pending = new Map();
    this.prepared = new Map(); // handle → {key, ready}: the session prepareSession runs or ran for it
    this.nextID = 1;
    this.failed = null;
    this.worker = null;
    this.engineModule = null; // the worker's compiled core (its 'engine-module' message, below)

    let settle;
    this.ready = new Promise((resolve, reject) => { settle = { resolve, reject }; });
    // A page that never awaits ready still hears of a failure through its calls.
    this.ready.catch(() => {});
    const failStart = (err) => {
      this.fail(err);
      settle.reject(this.failed);
    };

    if (typeof Worker === 'undefined') {
      failStart(new Error('this browser cannot run Web Workers, which the engine runs in: open the page in a current Chromium, Firefox or Safari'));
      return;
    }
    if (typeof WebAssembly !== 'object') {
      failStart(new Error('this browser has no WebAssembly (it may be turned off, e.g. by a security setting), and the engine is Go compiled to WebAssembly: allow WebAssembly for this page, or use another browser'));
      return;
    }
    let early = [];
    try {
      ({ worker: this.worker, url: this.workerURL, events: early = [] } = createWorker(opts));
    } catch (err) {
      failStart(new Error(`the engine worker could not be created: ${err.message}`));
      return;
    }

    const onMessage = (event) => {
      const msg = event.data || {};
      if (msg.type === 'ready') {
        settle.resolve({ ms: msg.ms, timing: msg.timing });
      } else if (msg.type === 'engine-module') {
        // Kept, never used here. V8 shares a compiled wasm module within a renderer process,
        // found by its bytes, while anything still refers to it; the worker's reference dies
        // with the worker when the page goes, this page's lives until its objects are collected,
        // which a reload (or another page of the site in this tab) comes before. The next
        // worker's compile then finds this one, with the code V8 compiled on first calls and
        // optimised: Go's start 5-7 ms instead of 32-51, 22-35 TurboFan compilations instead of
        // 74-89 (start-bench, 6 repeat visits by reload and from about:blank, 2026-12-01).
        // A visit in a renderer process that never had the engine compiles as before.
        this.engineModule = msg.module;
      } else if (msg.type === 'failed') {
        failStart(new Error(msg.error));
      } else if (msg.type === 'need' && (msg.module === 'lab' || msg.module === 'server')) {
        this.sendModule(msg.module, opts[`${msg.module}Bytes`]);
      } else if (msg.progress !== undefined) {
        const call = this.pending.get(msg.id);
        if (call && call.onProgress) call.onProgress(msg.progress);
      } else if (this.pending.has(msg.id)) {
        const { resolve: ok, reject: ko } = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.ok) ok(msg.result);
        else ko(new Error(msg.error));
      }
    };
    const onError = (event) => {
      event.preventDefault();
      const where = this.workerURL ? ` (${this.workerURL})` : '';
      failStart(new Error(event.message
        ? `the engine worker failed: ${event.message}`
        : `the engine worker${where} did not start: its script could not be loaded or was blocked`));
    };
    this.worker.addEventListener('message', onMessage);
    this.worker.addEventListener('error', onError);
    // A worker started early (engine-start.js) may have spoken already: its words, in order.
    for (const event of early) (event.type === 'error' ? onError : onMessage)(event);

    if (opts.wasmBytes !== undefined) {
      wasmBuffer(opts.wasmBytes).then(
        (buffer) => this.worker.postMessage({ type: 'wasm', bytes: buffer }, [buffer]),
        (err) => {
          failStart(new Error(`the engine's code could not be read: ${err.message}`));
          this.worker.terminate();
        },
      );
    }
  }

  /** sendModule posts a module's bytes the worker asked for (or why there are none). */
  sendModule(name, source) {
    if (source === undefined) {
      this.worker.postMessage({ type: 'wasm', module: name, error: `this page gave no ${name} module (EngineOptions.${name}Bytes)` });
      return;
    }
    wasmBuffer(source).then(
      (buffer) => this.worker.postMessage({ type: 'wasm', module: name, bytes: buffer }, [buffer]),
      (err) => this.worker.postMessage({ type: 'wasm', module: name, error: `the ${name} module could not be read: ${err.message}` }),
    );
  }

  /** fail rejects every pending call and every later one with err. */
  fail(err) {
    this.failed = this.failed || err;
    for (const { reject } of this.pending.values()) reject(this.failed);
    this.pending.clear();
  }

  /**
   * call sends method(arg) to the worker and resolves with Go's JSON string
   * (with {parsed: true}, the object the worker parsed from it, when the
   * worker knows how). onProgress, if given, is told each stage the engine
   * reports.
   */
  call(method, arg, onProgress, bytes, { parsed = false } = {}) {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      const id = this.nextID++;
      this.pending.set(id, { resolve, reject, onProgress });
      const msg = { id, method, arg: arg === undefined ? undefined : JSON.stringify(arg) };
      if (bytes) msg.bytes = bytes; // copied (structured clone): the caller keeps its own
      // parsed: the worker parses Go's JSON and posts the object (a structured clone).
      if (parsed) msg.parsed = true;
      this.worker.postMessage(msg);
    });
  }

  /**
   * callJSON is call, with the result parsed: by the worker, which posts the
   * object (a structured clone costs the page's thread about two thirds of
   * what JSON.parse of the same session does, and the parse moves off it);
   * here when an older worker posts the JSON string.
   */
  async callJSON(method, arg, onProgress) {
    const result = await this.call(method, arg, onProgress, undefined, { parsed: true });
    return typeof result === 'string' ? JSON.parse(result) : result;
  }

  /**
   * setup generates the CA, the server's key and its certificate:
   * {keyType?, keyBits?, serverName?, seed?, caKeyPem?, keyPem?, session?, own?} → Setup
   * (with .session, the handle it belongs to: `session` replaces that handle's
   * setup, `own: true` makes a new handle with it; neither: the page's). It is
   * slow when it generates RSA keys; given caKeyPem and keyPem (keys made
   * earlier, PEM) it only signs the two certificates. onProgress(stage) hears
   * 'ca-key', 'server-key' (only for a key it generates), 'ca-cert', 'leaf-cert'.
   * Setup.caKeyPem is the root's key, caKeyGiven/keyGiven say which keys were given.
   */
  setup(opts = {}, { onProgress } = {}) {
    if (!opts.own) this.prepared.delete(opts.session ?? 'default'); // new keys: the prepared session is stale
    return this.callJSON('setup', opts, onProgress);
  }

  /**
   * generateKey makes an RSA key pair ahead, leaving the setup and the
   * session alone: {bits?: 2048|3072|4096} → {bits, pem (PKCS #8), ms}.
   */
  generateKey(opts = {}) {
    return this.callJSON('generateKey', opts);
  }

  /**
   * newSession runs a whole handshake: {mode?, group?, seed?, ems?, clientSuites?,
   * serverSuites?, tamper?: [{record, offset, xor|value}], paddingOracle?, own?, session?}
   * → Session, with .session: the id of the handle it lives in.
   * tamper changes one byte of record N (wire order, header included) before
   * its receiver sees it; paddingOracle makes the classic server a deliberately
   * leaky Bleichenbacher oracle.
   *
   * Sessions are handles. Without own or session the handshake replaces the
   * page's default session (every call without `session` acts on it). With
   * `own: true` it runs in a new handle, with the page's keys, that lives beside
   * the others until releaseSession(id); `session: id` runs it in that handle.
   * Every later call names its handle with the `session` option:
   *
   *   const mine = await engine.newSession({own: true, mode: 'tls13'});
   *   await engine.send({session: mine.session, from: 'client', text: 'hi'});
   *   await engine.releaseSession(mine.session);
   */
  newSession(opts = {}) {
    return this.callJSON('newSession', opts);
  }

  /** releaseSession forgets a handle made with own: → {released, live}. Calls naming it fail afterwards. */
  releaseSession(id) {
    this.prepared.delete(id);
    return this.callJSON('releaseSession', { session: id });
  }

  /**
   * prepareSession has the worker run the next "New session" ahead, when it
   * is idle: a real handshake with fresh randoms and ephemeral keys, with the
   * handle's keys and newSession's options opts (`session: id` names an own
   * handle; none: the page's default), kept beside the handle's session,
   * which it leaves alone. The session comes to the page at once (a
   * structured clone, at idle time) and is held here for takePrepared. A
   * call while one with equal options is ready or running does nothing. It
   * resolves true once the session is here, false when it could not be made
   * (it never rejects: nothing waits on it). The worker starts it only when
   * no other call is in flight, so a visitor's call waits at most for the one
   * handshake already running. Other options at the take, a setup of the
   * handle or its release drop it.
   */
  prepareSession(opts = {}) {
    const target = opts.session ?? 'default';
    const key = optionsKey(opts);
    const now = this.prepared.get(target);
    if (now && now.key === key) return now.ready;
    const entry = { key, result: null, ready: null };
    entry.ready = this.callJSON('prepareSession', opts).then((result) => {
      entry.result = result;
      return true;
    }, () => {
      if (this.prepared.get(target) === entry) this.prepared.delete(target);
      return false;
    });
    this.prepared.set(target, entry);
    return entry.ready;
  }

  /**
   * takePrepared takes the session prepareSession made with equal options
   * (`session: id` as there): → Promise of the session exactly as
   * newSession(opts) resolves (`session` = the handle's id), plus
   * `prepared: {ranAt (ISO 8601: when its handshake ran), handshakeMs}`;
   * or of null when none with equal options is ready or running, or the
   * handle's keys changed since. A session that is here resolves at once
   * (a microtask, no round trip); one still running resolves when it
   * arrives (sooner than a new handshake would). The take is posted to the
   * worker at once, so every call made after takePrepared (send,
   * keyUpdate, exportSession, a lab method) acts on the taken session; the
   * handle's previous session is dropped, as a newSession drops it. A null
   * leaves the page to call newSession.
   */
  takePrepared(opts = {}) {
    const target = opts.session ?? 'default';
    const now = this.prepared.get(target);
    this.prepared.delete(target); // taken, or stale: other options drop it
    if (!now || now.key !== optionsKey(opts) || this.failed) return Promise.resolve(null);
    // In order with every later call. The engine refuses only what this Engine has
    // already dropped (other options, a setup of the handle): a refusal here means
    // the worker's handle changed behind this Engine's back.
    this.callJSON('takePrepared', opts).then((r) => {
      if (!r && now.result) console.error(`takePrepared: the engine no longer had the session prepared for ${target}: the page shows a session the engine dropped`);
    }, () => {});
    if (now.result) return Promise.resolve(now.result);
    return now.ready.then((ok) => (ok ? now.result : null));
  }

  /** send encrypts one application-data record and decrypts it at the peer: {from, text, session?} → Exchange. */
  send({ from, text, session }) {
    return this.callJSON('send', { from, text, session });
  }

  /** keyUpdate has one side of a TLS 1.3 session move to fresh keys: {from, session?} → Session. */
  keyUpdate({ from, session }) {
    return this.callJSON('keyUpdate', { from, session });
  }

  /** close sends close_notify both ways and discards the keys: {session?} → the final Session. */
  close(opts = {}) {
    return this.callJSON('close', opts);
  }

  /** exportSession returns the Session as it is now ({session?}): this is the export format. */
  exportSession(opts = {}) {
    return this.callJSON('exportSession', opts);
  }

  /**
   * preload loads a module of the engine ahead of its first use: 'lab' (the
   * attacks, the analyzer, captures: otherwise loaded by the first call of one
   * of its methods) or 'server' (the in-page server's) → {module, ms}. A page
   * calls it when it knows a view will soon need the module (a link to the lab,
   * the visitor's pointer on it); nothing else changes.
   */
  preload(module = 'lab') {
    return this.callJSON('engine.preload', { module });
  }

  // ---- attacks (the page's attack lab, lab.js) --------------------------------

  /**
   * eve has the eavesdropper decrypt a session's recording ({session?}: the
   * page's by default) with the server's private key, as if it leaked later →
   * {ok, verdict, steps: [Event], plaintexts: [{record, from, type, text, hex}]}.
   */
  eve(opts = {}) {
    return this.callJSON('eve', opts);
  }

  /**
   * mitm runs Mallory in the middle with a handle's setup:
   * {mode, trustMallory, rewrite, seed?, session?} → {trustMallory, left: Session
   * (client ↔ Mallory), right: Session|null (Mallory ↔ server), mallory: [Event], malloryRootPem}.
   */
  mitm(opts) {
    return this.callJSON('mitm', opts);
  }

  /** mitmSend carries a message through Mallory: {from, text, session?} → {delivered, session: the mitm result}. */
  mitmSend({ from, text, session }) {
    return this.callJSON('mitmSend', { from, text, session });
  }

  /**
   * downgrade runs a client offering TLS 1.3 and 1.2 against a server speaking
   * both, Mallory stripping TLS 1.3 when strip: {strip, seed?, session?} → Session.
   * The session on screen is left alone.
   */
  downgrade(opts) {
    return this.callJSON('downgrade', opts);
  }

  /** scenarios lists the gallery of failures: → [Scenario] (id, title, defect, side, alert, error, browser, why…). */
  scenarios() {
    return this.callJSON('scenarios');
  }

  /**
   * runScenario mints a scenario's certificates and runs its handshake:
   * {id, mode?, seed?} → {id, mode, established, verification, clientSuites,
   * serverSuites, chain, trustStore, session}. The handle's keys are reused ({session?});
   * its session is left alone.
   */
  runScenario(opts) {
    return this.callJSON('runScenario', opts);
  }

  // ---- every byte: the analyzer, captures out and in (wasm/wire.go) -----------

  /**
   * analyze returns one record's annotated tree (playground/analyze), its
   * plaintext's too when the key log opens it:
   * {source?: 'session'|'mitm-left'|'mitm-right'|'import'|'records', record,
   *  connection? (import), records?: [{from, hex}], keylog? (records), session? (the handle)}
   * → {record, records, from, tree: {wire: Field, plain?: Field}, wireHex, plainHex,
   *    decrypted, decryptError}. The page asks per record (analysis.js).
   */
  analyze(opts) {
    return this.callJSON('analyze', opts);
  }

  /**
   * sessionCapture returns a pcapng of a session with its key log inside
   * (Wireshark opens it decrypted): {source?: 'session'|'mitm', session?} →
   * {pcapng: Uint8Array, keylog: string (NSS), name, streams}.
   */
  sessionCapture(opts = {}) {
    return this.call('sessionCapture', opts);
  }

  /**
   * importCapture reads a pcap or pcapng (and a key log file, optional) in
   * the worker: (file: Uint8Array, keylog?: Uint8Array, {name, keylogName, onProgress([done, total])})
   * → playground/capture's summary with an importId: {format, frames, connections: [...],
   * other, problems, importId}; each connection's records are then analysed with
   * analyze({source: 'import', connection, record}). A new import replaces the last.
   */
  importCapture(file, keylog, { name = '', keylogName = '', onProgress } = {}) {
    const bytes = keylog ? [file, keylog] : [file];
    return this.call('importCapture', { name, keylogName }, onProgress, bytes).then((s) => JSON.parse(s));
  }

  /**
   * browserHello puts a real browser's ClientHello beside the engine's,
   * field by field: {session?: id, or true for the page's (that session's hello), connection?: n
   * (an imported connection's instead of the bundled Chromium one)} → Comparison.
   */
  browserHello(opts = {}) {
    return this.callJSON('browserHello', opts);
  }

  /** describeCertificates decodes the certificates of a PEM text with crypto/x509: {pem} → [CertInfo]. */
  describeCertificates({ pem }) {
    return this.callJSON('describeCertificates', { pem });
  }

  // ---- a server behind HTTP (network.js, in the worker) ----------------------

  /** capabilities tells what this engine can do: {remote, pageServer}. */
  capabilities() {
    return this.callJSON('net.capabilities');
  }

  /**
   * serverInfo asks a server for GET /tls/info: {server: 'page'|'url', url?}
   * → {info, exchange, rootFingerprint, chainFingerprints, trustPem?}.
   */
  serverInfo({ server, url }) {
    return this.callJSON('net.info', { server, url });
  }

  /**
   * connect runs a handshake with a server behind HTTP, every flight a real
   * request: {server: 'page'|'url', url?, mode, group?, serverName, trustPem?, seed?}
   * → {session, exchanges, received, timing, established}. The in-page server
   * uses the current setup's key and is trusted through its own root.
   */
  connect(opts) {
    return this.callJSON('net.connect', opts);
  }

  /** message sends text to the server of the connection; it answers: → {session, exchanges, received}. */
  message({ text }) {
    return this.callJSON('net.send', { text });
  }

  /** disconnect sends close_notify to the server of the connection: → {session, exchanges}. */
  disconnect() {
    return this.callJSON('net.close');
  }

  /** probe resends the last flight changed ('tamper': the token; 'replay': as it was) → {exchanges, exchange}. */
  probe({ kind }) {
    return this.callJSON('net.probe', { kind });
  }

  /** terminate stops the worker; the Engine cannot be used afterwards. */
  terminate() {
    this.fail(new Error('the engine was terminated'));
    this.worker?.terminate();
  }
}

/**
 * optionsKey writes newSession's options one way (keys sorted, the handle
 * left out), so that two equal option sets compare equal as strings.
 */
function optionsKey(opts) {
  const sorted = (v) => {
    if (Array.isArray(v)) return v.map(sorted);
    if (!v || typeof v !== 'object') return v;
    return Object.fromEntries(Object.keys(v).sort().filter((k) => v[k] !== undefined).map((k) => [k, sorted(v[k])]));
  };
  const { session, ...rest } = opts;
  return JSON.stringify(sorted(rest));
}

const sourceURLs = new Map(); // worker source text → its blob: URL (one per text)

/** createWorker starts the engine worker that opts name (see EngineOptions.worker) → {worker, url?}. */
function createWorker(opts) {
  let { worker } = opts;
  if (!worker && typeof opts.workerSource === 'string') {
    if (!sourceURLs.has(opts.workerSource)) {
      sourceURLs.set(opts.workerSource, URL.createObjectURL(new Blob([opts.workerSource], { type: 'text/javascript' })));
    }
    worker = sourceURLs.get(opts.workerSource);
  }
  if (typeof worker === 'function') return { worker: worker() };
  if (worker && typeof worker === 'object' && !(worker instanceof URL)) return { worker }; // a Worker
  if (worker) {
    const url = new URL(worker, document.baseURI);
    if (opts.wasmBytes !== undefined && url.protocol !== 'blob:' && url.protocol !== 'data:') url.searchParams.set('wasm', 'message');
    return { worker: new Worker(url), url: url.href };
  }
  if (location.protocol === 'file:' && opts.wasmBytes === undefined) {
    throw new Error('a page opened from file:// cannot fetch the engine: open tls-playground.html instead (the single-file edition, in the same folder), or run “tlsplay web”');
  }
  const url = new URL('./engine-worker.js', import.meta.url);
  const plain = opts.wasmBytes === undefined && !['wasm', 'lab', 'server', 'exec'].some((name) => opts[name]);
  const early = takeEarlyWorker();
  if (plain && early && early.url === url.href) return early;
  early?.worker.terminate(); // started for another engine: not ours
  if (opts.wasmBytes !== undefined) url.searchParams.set('wasm', 'message');
  else {
    for (const name of ['wasm', 'lab', 'server']) {
      if (opts[name]) url.searchParams.set(name, new URL(opts[name], document.baseURI).href);
    }
  }
  if (opts.exec) url.searchParams.set('exec', new URL(opts.exec, document.baseURI).href);
  // classic: wasm_exec.js is loaded with importScripts
  return { worker: new Worker(url), url: url.href };
}

/**
 * takeEarlyWorker returns the engine worker engine-start.js started as the
 * page began to load, once, with the events it kept: {worker, url, events};
 * null when there is none (or it was taken). Either way no worker is started
 * early afterwards.
 */
function takeEarlyWorker() {
  const early = globalThis.tlsPlaygroundEarlyWorker;
  globalThis.tlsPlaygroundEarlyWorker = { taken: true };
  if (!early || !early.worker || typeof early.release !== 'function') return null;
  return { worker: early.worker, url: early.url, events: early.release() };
}

/**
 * wasmBuffer resolves the ArrayBuffer to transfer to a worker: the function's
 * result as it is (it is the caller's fresh copy), a given buffer copied (it may
 * serve several engines).
 */
async function wasmBuffer(source) {
  const fresh = typeof source === 'function';
  const value = fresh ? await source() : source;
  if (value instanceof ArrayBuffer) return fresh ? value : value.slice(0);
  if (ArrayBuffer.isView(value)) {
    const whole = value.byteOffset === 0 && value.byteLength === value.buffer.byteLength;
    return fresh && whole ? value.buffer : value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength);
  }
  throw new TypeError(`wasmBytes gave ${Object.prototype.toString.call(value)}, not an ArrayBuffer`);
}
