// first-session-start.js fetches the recorded first session (issue 9's first
// view: model/first-session.js) as the page begins to load, beside the
// page's modules instead of after them: a tiny classic script, loaded async at
// the top of the <head>, like engine-start.js. By the time the modules have
// arrived and run, the session is here and parsed, and the view renders it in
// its first render (app.js, model/first-session.js takeEarlyFirstSession)
// instead of a render without it, a frame, and another once a fetch started by
// the modules has come back.
//
// The file is where a build puts it, beside the page's code
// (assets/<hash>/first-session.json, whose js/ holds this script). Outside a
// build (a development tree), in a page opened from a file and in the
// single-file edition (this script inline, without a URL), this script does
// nothing and the page reads the session as before, if it has one.
// It also begins opening the keys' database (openKeystore, below) for keystore.js.
(() => {
  'use strict';
  const script = document.currentScript;
  if (globalThis.tlsPlaygroundFirstSession || !script || !script.src) return;
  if (location.protocol === 'file:' || document.documentElement.dataset.edition === 'single-file') return;
  openKeystore();
  const src = new URL(script.src);
  if (!/\/assets\/[^/]+\/js\/[^/]+\.js$/.test(src.pathname)) return;
  const early = { json: undefined };
  // (fetch's default mode and credentials, as model/first-session.js would ask)
  early.promise = fetch(new URL('../first-session.json', src), { priority: 'high' })
    .then((res) => (res.ok ? res.json() : null))
    .catch(() => null)
    .then((json) => {
      early.json = json;
      return json;
    });
  globalThis.tlsPlaygroundFirstSession = early;

  // openKeystore begins opening the keys' database (keystore.js: the same name, version and store;
  // keep them in step) as the page begins to load: a first visit's first IndexedDB open takes a
  // few hundred ms, and the first live session's setup is posted only once the keys are read.
  // keystore.js takes the connection (globalThis.tlsPlaygroundKeystore.opened: the database, or
  // null where it cannot be opened or does not answer within a second, as keystore.js would).
  function openKeystore() {
    if (globalThis.tlsPlaygroundKeystore) return;
    let req;
    try {
      if (typeof indexedDB === 'undefined' || !indexedDB) return;
      req = indexedDB.open('tls-playground', 1);
    } catch {
      return; // keystore.js tries itself, and fails soft
    }
    const opened = new Promise((resolve) => {
      const timer = setTimeout(() => resolve(null), 1000);
      req.onupgradeneeded = () => { req.result.createObjectStore('keys', { keyPath: 'name' }); };
      req.onsuccess = () => { clearTimeout(timer); resolve(req.result); };
      req.onerror = () => { clearTimeout(timer); resolve(null); };
      req.onblocked = () => { clearTimeout(timer); resolve(null); };
    });
    globalThis.tlsPlaygroundKeystore = { opened };
  }
})();
