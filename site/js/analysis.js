// analysis.js hands the wire views the engine analyzer's tree of a record
// (playground/analyze through the engine's analyze method): every byte's
// field, its name, decoded value, explanation and RFC section. The page
// asks for one record at a time, when it is shown, and keeps what it got.
//
// the view (view-controller.js) connects it to its engine (connectAnalyzer); a component
// only asks:
//
//   const a = await recordAnalysis(session, 3);          // the session's record #4
//   const a = await recordAnalysis(session, 3, {keys: false}); // without its key log (Eve)
//   a → {record, records, from, wireHex, plainHex, tree: {wire, plain}, decrypted, decryptError}
//
// A session is named by its bytes and its key log (the engine caches its
// analysis the same way), so the same records give the same trees whichever
// session object carries them, and a tampered run is never mistaken for the
// one on screen.
//
// Field (JSON of analyze.Field): {offset, length, name, kind, value, explain,
// rfc, unknown, continued, children}. `kind` is the stable machine id the
// page keys on ("record.length", "handshake.client_hello"…); name, value and
// explain are for people, never matched.

let analyzer = null; // (arg) => Promise<AnalyzeResponse>
const cache = new Map(); // key → Promise<AnalyzeResponse>
const CACHE_LIMIT = 256;
const listeners = new Set();

/**
 * connectAnalyzer sets the function that asks the engine for one record's
 * analysis: (arg) => engine.analyze(arg). Components waiting for one are told.
 */
export function connectAnalyzer(fn) {
  analyzer = fn;
  cache.clear();
  for (const l of listeners) l();
}

/** onAnalyzer calls fn whenever the analyzer is (re)connected; returns the unsubscribe. */
export function onAnalyzer(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** hasAnalyzer tells whether an engine is connected. */
export function hasAnalyzer() {
  return Boolean(analyzer);
}

/**
 * sessionKey names a session by all its bytes and its key log: two 32-bit
 * hashes (FNV-1a and djb2) over every character, so that runs of the same
 * handshake that differ in one byte (the tampering view's) never share a key.
 */
function sessionKey(session, keys) {
  const recs = session.records || [];
  let a = 0x811c9dc5;
  let b = 5381;
  const add = (text) => {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = (Math.imul(b, 33) + c) | 0;
    }
  };
  add(keys ? session.keylog || '' : '');
  for (const r of recs) add(`|${r.from}|${r.hex}`);
  return `${recs.length}|${(a >>> 0).toString(16)}|${(b >>> 0).toString(16)}`;
}

/**
 * recordAnalysis resolves the analysis of record index of session (a
 * Session JSON, or {source: 'import', connection, records} for an imported
 * connection). keys: false analyses without the key log (what Eve sees).
 */
export function recordAnalysis(session, index, { keys = true } = {}) {
  if (!analyzer) return Promise.reject(new Error('the engine is not ready yet'));
  let key;
  let arg;
  if (session.source === 'import') {
    key = `import|${session.importId}|${session.connection}|${index}`;
    arg = { source: 'import', connection: session.connection, record: index };
  } else {
    key = `${sessionKey(session, keys)}|${index}`;
    arg = {
      source: 'records', record: index,
      records: (session.records || []).map(({ from, hex }) => ({ from, hex })),
      keylog: keys ? session.keylog || '' : '',
    };
  }
  let p = cache.get(key);
  if (!p) {
    p = remember(analyzer(arg));
    p.catch(() => cache.delete(key));
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value);
    cache.set(key, p);
  }
  return p;
}

/** cachedAnalysis returns the analysis already received for a record, or null (no request). */
export function cachedAnalysis(session, index, { keys = true } = {}) {
  const key = session.source === 'import'
    ? `import|${session.importId}|${session.connection}|${index}`
    : `${sessionKey(session, keys)}|${index}`;
  const p = cache.get(key);
  return p && p.settled ? p.value : null;
}

/** remember keeps a promise's answer on it, so cachedAnalysis can read it synchronously. */
function remember(p) {
  p.then((v) => { p.settled = true; p.value = v; }, () => {});
  return p;
}

/**
 * leaves lists the leaf fields of a tree in byte order, each with its path
 * (outermost first, the leaf last): [{field, path}].
 */
export function leaves(root) {
  const out = [];
  const walk = (f, path) => {
    const p = [...path, f];
    if (!f.children || !f.children.length) out.push({ field: f, path: p });
    else for (const c of f.children) walk(c, p);
  };
  if (root) walk(root, []);
  return out;
}

/** findField returns the first field (depth first) whose kind is kind, with its path, or null. */
export function findField(root, kind, where = () => true) {
  let found = null;
  const walk = (f, path) => {
    if (found) return;
    const p = [...path, f];
    if (f.kind === kind && where(f, p)) { found = { field: f, path: p }; return; }
    for (const c of f.children || []) walk(c, p);
  };
  if (root) walk(root, []);
  return found;
}

/** pathAt returns the fields that hold byte offset, outermost first. */
export function pathAt(root, offset) {
  const path = [];
  let f = root;
  while (f && offset >= f.offset && offset < f.offset + f.length) {
    path.push(f);
    f = (f.children || []).find((c) => offset >= c.offset && offset < c.offset + c.length);
  }
  return path;
}
