// sw.js is the site's service worker: after one visit, the page works without
// a network. scripts/sitebuild fills in BUILD (this build's version and the
// files to store: both pages, the manifest and icons, the page's code under
// assets/<hash>/ and the engine, assets/engine-<hash>.wasm).
//
// - install: fetches every file of BUILD.precache into the cache of this
//   version, all or nothing (a failed install is retried on the next visit).
//   It does not take over: a new version waits until the page (js/pwa.js)
//   says "A new version is ready — Reload" and the visitor presses it, which
//   posts {type: 'skip-waiting'}. So a page never mixes an old shell with a
//   new engine: each version of this worker answers from its own cache only.
// - activate: deletes the caches of other versions and takes control of the
//   open pages of this site.
// - fetch: the stored files, from the cache (a navigation to /, /index.html,
//   /embed.html or /embed gets that page whatever its query or fragment);
//   anything else goes to the network untouched: the engine's server at
//   /tls/…, other origins, other methods than GET.
'use strict';

const BUILD = { version: 'dev', assets: '', precache: [] }; // filled in by scripts/sitebuild

const PREFIX = 'tls-playground-';
const CACHE = PREFIX + BUILD.version;
const scope = new URL(self.registration.scope);
const stored = new Set(BUILD.precache);

self.addEventListener('install', (event) => {
  event.waitUntil(precache());
});

/** precache stores every file of this version, or fails. */
async function precache() {
  const cache = await caches.open(CACHE);
  await Promise.all(BUILD.precache.map(async (path) => {
    const url = new URL(path, scope);
    // Hashed files may come from the HTTP cache; the others are checked with the server.
    const hashed = path.startsWith('assets/');
    const response = await fetch(url, { cache: hashed ? 'default' : 'no-cache' });
    if (!response.ok) throw new Error(`service worker: fetching ${url.pathname} for offline use: HTTP ${response.status}`);
    const body = await response.arrayBuffer();
    if (path.endsWith('.html') && BUILD.assets) {
      // A page deployed since this worker was built points at other assets: do not store a mix.
      const text = new TextDecoder().decode(body);
      if (!text.includes(BUILD.assets)) throw new Error(`service worker: ${url.pathname} is not version ${BUILD.version} (a newer deploy?)`);
    }
    // A redirected response cannot answer a navigation: store a plain copy.
    await cache.put(url, new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers }));
  }));
}

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;
  const path = url.pathname.slice(scope.pathname.length);
  if (path === 'tls' || path.startsWith('tls/')) return; // the engine's server: never stored
  const key = request.mode === 'navigate' ? pageFor(path) : (stored.has(path) ? path : null);
  if (!key) return;
  event.respondWith(answer(key, request));
});

/** pageFor returns the stored page a navigation to path shows, or null. */
function pageFor(path) {
  if (path === '' || path.endsWith('/')) path += 'index.html';
  if (stored.has(path)) return path;
  if (stored.has(`${path}.html`)) return `${path}.html`;
  return null;
}

/** answer serves a stored file, and the network if (unexpectedly) it is not stored. */
async function answer(key, request) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(new URL(key, scope));
  return hit || fetch(request);
}
