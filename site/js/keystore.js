// keystore.js keeps the keys this browser made, across visits, in IndexedDB:
// the root CA's key and a server key per RSA size, each as PKCS #8 PEM with
// its size and the time it was made. A later visit gives them back to the
// engine's setup, which then only signs two certificates.
//
// It fails soft: where IndexedDB is missing or refused (a private window, a
// sandboxed or partitioned third-party frame, a page opened from file://),
// load() finds nothing and save() keeps nothing, and the page generates.
//
// Records (object store "keys", key = name):
//   {name: 'ca' | 'rsa-2048' | 'rsa-3072' | 'rsa-4096', pem, bits, createdAt (ms since 1970)}
//   {name: 'setup-rsa-2048' | …, state}: the certificates a setup issued for the kept keys (the
//     engine's keepState answer), which a later visit's setup takes back instead of signing anew

// (first-session-start.js opens the same database, version and store as the page begins to
// load: keep the three in step.)
const DB = 'tls-playground';
const VERSION = 1;
const STORE = 'keys';
const WAIT_MS = 1000; // a store that does not answer in time counts as none

let opened = null;

/**
 * open resolves the database, or null. The page's early script (first-session-start.js) began
 * opening it as the page began to load (a first visit's first open takes a few hundred ms, and
 * the first live session's setup waits for the keys read here): its connection is taken when it
 * is the one this module would open.
 */
function open() {
  if (opened) return opened;
  const early = globalThis.tlsPlaygroundKeystore;
  if (early && typeof early.opened?.then === 'function') {
    // (None there, or no answer in time: none here either, as if this module had asked. One of
    // another version or without the store, out of step with this module: closed, and opened anew.)
    opened = early.opened.then((db) => {
      if (!db || (db.version === VERSION && db.objectStoreNames.contains(STORE))) return db || null;
      db.close();
      return openNow();
    }, () => null);
    return opened;
  }
  opened = openNow();
  return opened;
}

/** openNow opens the database (made on first use), resolving null where it cannot or does not answer in time. */
function openNow() {
  return new Promise((resolve) => {
    let req;
    try {
      if (typeof indexedDB === 'undefined' || !indexedDB) { resolve(null); return; }
      req = indexedDB.open(DB, VERSION);
    } catch {
      resolve(null);
      return;
    }
    const timer = setTimeout(() => resolve(null), WAIT_MS);
    req.onupgradeneeded = () => { req.result.createObjectStore(STORE, { keyPath: 'name' }); };
    req.onsuccess = () => { clearTimeout(timer); resolve(req.result); };
    req.onerror = () => { clearTimeout(timer); resolve(null); };
    req.onblocked = () => { clearTimeout(timer); resolve(null); };
  });
}

/** run does one request in a transaction and resolves {value} (null on any failure). */
async function run(mode, fn) {
  const db = await open();
  if (!db) return null;
  return new Promise((resolve) => {
    try {
      const tx = db.transaction(STORE, mode);
      const req = fn(tx.objectStore(STORE));
      tx.oncomplete = () => resolve({ value: req.result });
      tx.onerror = () => resolve(null);
      tx.onabort = () => resolve(null);
    } catch {
      resolve(null);
    }
  });
}

/** valid says whether a record read back is one this module wrote. */
function valid(r) {
  return Boolean(r && typeof r.pem === 'string' && /^-----BEGIN PRIVATE KEY-----/.test(r.pem)
    && Number.isInteger(r.bits) && Number.isFinite(r.createdAt));
}

/** loadKey resolves the kept key called name ('ca', 'rsa-2048', …) or null. */
export async function loadKey(name) {
  const r = (await run('readonly', (s) => s.get(name)))?.value;
  const size = /^rsa-(\d+)$/.exec(name);
  if (size && r && r.bits !== Number(size[1])) return null;
  return valid(r) ? { name, pem: r.pem, bits: r.bits, createdAt: r.createdAt } : null;
}

/** saveKey keeps a key; it resolves whether the browser kept it. */
export async function saveKey({ name, pem, bits, createdAt }) {
  const ok = await run('readwrite', (s) => s.put({ name, pem, bits, createdAt }));
  return ok !== null;
}

/** loadSetupState resolves the setup state kept as name ('setup-rsa-2048', …), or null. */
export async function loadSetupState(name) {
  const r = (await run('readonly', (s) => s.get(name)))?.value;
  return r && r.state && typeof r.state === 'object' && !Array.isArray(r.state) ? r.state : null;
}

/** saveSetupState keeps a setup's state (the engine checks it when it is given back); resolves whether the browser kept it. */
export async function saveSetupState(name, state) {
  return (await run('readwrite', (s) => s.put({ name, state }))) !== null;
}

/** forgetKeys removes every kept key (for tests and a "forget" control); resolves whether it could. */
export async function forgetKeys() {
  return (await run('readwrite', (s) => s.clear())) !== null;
}
