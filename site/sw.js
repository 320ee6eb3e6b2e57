// sw.js is the site's service worker: after one visit, the page works without
// a network, and a repeat visit starts the engine from caches. scripts/sitebuild
// fills in BUILD: this build's version, BUILD.precache (both pages, the
// manifest and icons, the page's code under assets/<hash>/ and the core
// engine) and, once the build splits the engine, BUILD.lazy (the modules the
// page loads on first use: the lab and server engines).
//
// - install: stores the files of BUILD.precache into the cache of this
//   version, all or nothing (a failed install is retried on the next visit).
//   On a first visit (no version installed yet), only index.html and what the
//   page has already loaded (from the HTTP cache: no download; its code, the
//   core engine); the rest (embed.html and its code, the icons, the in-page
//   server's and the single file's code: about 25 KB brotli) is left to
//   store-lazy, once the page is idle, so that the first visit downloads
//   nothing it did not ask for before then. An update installs every file: it
//   waits, complete, until the visitor presses Reload.
//   It does not take over: a new version waits until the page (js/pwa.js)
//   says "A new version is ready — Reload" and the visitor presses it, which
//   posts {type: 'skip-waiting'}. So a page never mixes an old shell with a
//   new engine: each version of this worker answers its pages and the files
//   it precached from its own caches (a content-named file another version
//   still has is the same file: see activate).
// - activate: takes control of the open pages of this site. It keeps the
//   caches of other versions: a page of the old version is controlled by this
//   worker from now until its reload, and it may still be importing its own
//   files (the modules below the fold load one by one when idle); they are
//   named by their content, so any version's cache answers for them. The
//   first page of this version to be idle (js/pwa.js: store-lazy) has the
//   old caches deleted (drop-old does only that).
// - routes (install): this version's page code and core engine are answered by the
//   browser from Cache Storage, without this worker's fetch handler (see routes).
// - fetch: a navigation to /, /index.html, /embed.html or /embed gets that
//   page from the cache whatever its query or fragment. A file under assets/
//   (named by its content, so it never changes) is answered from the caches
//   (the HTTP cache, then Cache Storage: see answer) and the network only when
//   neither has it; a file of BUILD.lazy, or any other hashed file, that is not
//   stored yet is stored on the way, so what the visitor used works offline
//   next time. Anything else goes to the network untouched: the
//   engine's server at /tls/…, other origins, other methods than GET.
// - message {type: 'store-lazy', engines}: deletes the other versions' caches,
//   then stores every file of BUILD.precache that the install left (in this
//   version's cache) and, unless engines is false, every file of BUILD.lazy
//   that is not stored yet (in this version's LAZY cache). js/pwa.js asks once
//   the page is idle (engines false when the visitor saves data), so that a
//   classroom that goes offline after one visit still has every view and the
//   attack lab. It replies {stored, total, deferred, error} on the message's
//   port: deferred is how many files of the precache it had to store. When
//   stored equals total (and engines was not false), this version works
//   offline: js/pwa.js sets <html data-sw-lazy="stored"> ("offline-ready").
//
// The engine worker (js/engine-worker.js) reads the modules stored here from
// Cache Storage itself (caches.match), without this worker's fetch handler:
// streaming compilation from a response piped through it was about three times
// slower. The handler still answers the first visit's requests, and any loader
// that fetches.
//
// The engine's code cache: Chromium keeps V8's compiled engine beside the response it
// was compiled from (the HTTP cache's entry, or the Cache Storage entry), but only for a
// response that was fetched, not one read with caches.match, and V8 hands it the code only
// once a visit has made 1 MB of optimised code (tests/bench/start-bench.mjs says what was
// measured): so a repeat visit of a visitor who ran a few sessions compiles the engine
// again (with a hit, the compile was not faster in the runs measured either).
'use strict';

const BUILD = { version: 'dev', assets: '', precache: [] }; // filled in by scripts/sitebuild

const PREFIX = 'tls-playground-';
const CACHE = PREFIX + BUILD.version;
// The files stored after the install (BUILD.lazy, any other hashed file, on first use or when
// idle) go to a cache of their own: these are tens of MB, and a read of a cache may wait for
// the writes to it queued before it (see engine-worker.js, stored: likely, not proven), while
// the routes read CACHE.
const LAZY = `${CACHE}-lazy`;
const scope = new URL(self.registration.scope);
const stored = new Set(BUILD.precache);
const lazy = BUILD.lazy || [];

self.addEventListener('install', (event) => {
  routes(event);
  event.waitUntil(precache());
});

/**
 * routes has the browser answer this version's page code and core engine from Cache
 * Storage itself, without starting or running this worker (the static routing API of
 * the Service Worker spec, InstallEvent.addRoutes; Chromium 123 and later): a repeat
 * visit's modules, the engine worker's script, Go's glue and the engine no longer wait,
 * one by one, for this worker's fetch handler while it answers the page's other requests
 * (about 55 requests a load; what it gains in engine ready was within start-bench's noise
 * on a loaded machine, 2026-11-30).
 * Only the files this install stores (BUILD.precache): they are all in the cache before
 * this version controls a page. A file a route does not find there (an old page's, once
 * its cache is dropped) comes from the network, as without a route. The lab and server
 * engines (BUILD.lazy), stored later, the pages (a navigation to / is index.html) and a
 * URL with a query keep going through fetch (below). Where the API is missing, fetch
 * answers everything.
 */
function routes(event) {
  if (typeof event.addRoutes !== 'function' || !BUILD.assets) return;
  const path = (p) => scope.pathname + p;
  // Every file under this version's assets directory, and the precached hashed files outside it (the engine).
  const files = BUILD.precache.filter((p) => p.startsWith('assets/') && !p.startsWith(BUILD.assets));
  const rule = (pathname) => ({ condition: { urlPattern: { pathname, search: '' }, requestMethod: 'GET' }, source: { cacheName: CACHE } });
  try {
    event.addRoutes([rule(path(`${BUILD.assets}*`)), ...files.map((p) => rule(path(p)))]).catch(() => {});
  } catch {
    // no routes: the fetch handler answers these files too
  }
}

/**
 * precache stores the files of this version, or fails: on a first install, index.html and
 * what the HTTP cache has (the page loaded it); storeLazy stores the rest.
 */
async function precache() {
  const cache = await caches.open(CACHE);
  const first = !self.registration.active;
  await Promise.all(BUILD.precache.map(async (path) => {
    if (first && path !== 'index.html') {
      const url = new URL(path, scope);
      const cached = await fetch(url, { cache: 'only-if-cached', mode: 'same-origin' }).catch(() => null);
      if (cached && cached.ok && !cached.redirected) await cache.put(url, cached);
      return;
    }
    await store(cache, path);
  }));
}

/**
 * store fetches path and puts it in cache. Hashed files may come from the HTTP
 * cache; the others are checked with the server.
 */
async function store(cache, path) {
  const url = new URL(path, scope);
  const hashed = path.startsWith('assets/');
  const response = await fetch(url, { cache: hashed ? 'default' : 'no-cache' });
  if (!response.ok) throw new Error(`service worker: fetching ${url.pathname} for offline use: HTTP ${response.status}`);
  if (hashed && !response.redirected) {
    // The response itself, so that it keeps its URL and type (V8's code cache needs both).
    await cache.put(url, response);
    return;
  }
  const body = await response.arrayBuffer();
  if (path.endsWith('.html') && BUILD.assets) {
    // A page deployed since this worker was built points at other assets: do not store a mix.
    const text = new TextDecoder().decode(body);
    if (!text.includes(BUILD.assets)) throw new Error(`service worker: ${url.pathname} is not version ${BUILD.version} (a newer deploy?)`);
  }
  // A redirected response cannot answer a navigation: store a plain copy.
  await cache.put(url, new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers }));
}

// When this worker took over (0: before this run of it). The old version's pages reload then (js/pwa.js,
// controllerchange), and until they have, one may still import its own files: dropOld leaves it OLD_PAGES_MS.
// (Since the parts below the first screen load as they come near, not at once when idle, a new page is idle,
// and asks for store-lazy, sooner: offline.test.mjs saw the old caches go while the reload's first requests ran.)
let activatedAt = 0;
const OLD_PAGES_MS = 10_000;

self.addEventListener('activate', (event) => {
  activatedAt = Date.now();
  event.waitUntil(self.clients.claim());
});

self.addEventListener('message', (event) => {
  const type = event.data && event.data.type;
  if (type === 'skip-waiting') self.skipWaiting();
  if (type === 'drop-old') event.waitUntil(dropOld());
  if (type === 'store-lazy') event.waitUntil(dropOld().then(() => storeLazy(event.ports[0], event.data.engines !== false)));
});

/**
 * dropOld deletes the caches of other versions: a page of this version is up
 * and idle, so no old page needs them. Not while a newer version installs or
 * waits: the other caches include its own.
 */
async function dropOld() {
  const wait = activatedAt + OLD_PAGES_MS - Date.now();
  if (wait > 0) await new Promise((resolve) => { setTimeout(resolve, wait); });
  if (self.registration.installing || self.registration.waiting) return;
  for (const name of await caches.keys()) {
    if (name.startsWith(PREFIX) && name !== CACHE && name !== LAZY) await caches.delete(name);
  }
}

/**
 * storeLazy stores, one at a time, the files of BUILD.precache the install left (into CACHE)
 * and, with engines, those of BUILD.lazy (into LAZY), each unless stored already, and replies
 * on port.
 */
async function storeLazy(port, engines) {
  const jobs = [[await caches.open(CACHE), BUILD.precache, true]];
  if (engines) jobs.push([await caches.open(LAZY), lazy, false]);
  let n = 0;
  let total = 0;
  let deferred = 0;
  let error = '';
  for (const [cache, paths, counted] of jobs) {
    total += paths.length;
    for (const path of paths) {
      try {
        if (!(await cache.match(new URL(path, scope)))) {
          await store(cache, path);
          if (counted) deferred++;
        }
        n++;
      } catch (err) {
        error = String((err && err.message) || err);
      }
    }
  }
  if (port) port.postMessage({ stored: n, total, deferred, error });
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;
  const path = url.pathname.slice(scope.pathname.length);
  if (path === 'tls' || path.startsWith('tls/')) return; // the engine's server: never stored
  if (request.mode === 'navigate') {
    const page = pageFor(path);
    if (page) event.respondWith(answer(event, page, false));
    return;
  }
  if (stored.has(path)) event.respondWith(answer(event, path, false));
  else if (path.startsWith('assets/')) event.respondWith(answer(event, path, true));
});

/** pageFor returns the stored page a navigation to path shows, or null. */
function pageFor(path) {
  if (path === '' || path.endsWith('/')) path += 'index.html';
  if (stored.has(path)) return path;
  if (stored.has(`${path}.html`)) return `${path}.html`;
  return null;
}

/**
 * answer serves a file of this version. A hashed file comes from the HTTP
 * cache when it is there (only-if-cached: never the network), else from Cache
 * Storage; a page comes from Cache Storage. Only when neither has it, the
 * network answers; with keep (a hashed file not precached, e.g. the lab's
 * engine used for the first time) it is then stored for the next visit and
 * offline use.
 */
async function answer(event, key, keep) {
  const url = new URL(key, scope);
  if (key.startsWith('assets/')) {
    const fromHTTP = await fetch(event.request, { cache: 'only-if-cached', mode: 'same-origin' }).catch(() => null);
    if (fromHTTP && fromHTTP.ok) {
      if (keep) event.waitUntil(ensureStored(key));
      return fromHTTP;
    }
  }
  const cache = await caches.open(CACHE);
  // A hashed file stored after the install is in LAZY; one this version does not have may be an
  // old page's, between Reload and its reload: any version's copy is the same file.
  const hit = (await cache.match(url)) || (key.startsWith('assets/') ? await caches.match(url) : undefined);
  if (hit) return hit;
  const response = await fetch(event.request);
  if (keep && response.ok && response.type === 'basic' && !response.redirected) {
    // Stored from a copy; the page streams the original.
    const copy = response.clone();
    event.waitUntil(caches.open(LAZY).then((lazyCache) => lazyCache.put(url, copy)).catch(() => {}));
  }
  return response;
}

/** ensureStored stores a hashed file of this version in Cache Storage (LAZY) if it is not there yet. */
async function ensureStored(key) {
  const cache = await caches.open(LAZY);
  if (!(await cache.match(new URL(key, scope)))) await store(cache, key).catch(() => {});
}
