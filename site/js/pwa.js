// pwa.js registers the service worker (sw.js at the site's root) so that the
// page works offline after one visit, and offers a new version when one has
// been deployed: "A new version is ready — Reload". The new version waits,
// complete, in its own cache until the visitor presses Reload; then the page
// reloads once, onto the new shell and the new engine together.
//
// It does nothing from file:, where service workers do not exist, in a
// browser without them, and inside a frame (an embed uses the network and the
// HTTP cache; only the full page installs a worker). A failure to register is
// a warning on the console: the page works without it.
//
// <html data-sw> says where it stands: 'off' (not here), 'registered',
// 'controlled' (this page is served by the worker), 'update-ready', 'failed'.
//
// On a first visit the worker installs what the page has loaded (the page, its
// code so far, the core engine); the rest of the page's code (the modules
// below the fold and the lab's) and the modules the page loads on first use
// (the lab's and the server's engines) are stored once this page is idle after
// its engine started, all at once in the background (store-lazy), the engines
// only unless the visitor asked to save data (then each is stored when first
// used): so a classroom that goes offline after one visit still has every view
// and the attack lab. <html data-sw-lazy> says how that went: 'stored' (every
// file: this version works offline, "offline-ready"), 'partial' (a download
// failed: retried on the next visit), 'on-use' (Save-Data: the page's code is
// stored, the engines when first used). <html data-sw-deferred> is how many
// files of the page's code store-lazy stored (the install had left them).

import { h, fill } from './dom.js';

const root = document.documentElement;

function supported() {
  if (window.top !== window) return false;
  if (location.protocol !== 'https:' && location.protocol !== 'http:') return false;
  return 'serviceWorker' in navigator;
}

/** offer shows the prompt for the worker waiting in registration. */
function offer(registration, status) {
  root.dataset.sw = 'update-ready';
  const button = h('button', { type: 'button', class: 'pwa-reload', 'data-testid': 'pwa-reload' }, 'Reload');
  button.addEventListener('click', () => {
    const waiting = registration.waiting;
    if (!waiting) {
      location.reload();
      return;
    }
    button.disabled = true;
    reloadOnChange = true;
    waiting.postMessage({ type: 'skip-waiting' });
  });
  fill(status, h('span', { class: 'pwa-card' }, 'A new version is ready — ', button));
}

/** engineSettled resolves once the page has its engine or has given up (body[data-state] is no longer 'loading'). */
function engineSettled() {
  const settled = () => document.body.dataset.state !== 'loading';
  if (settled()) return Promise.resolve();
  return new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (!settled()) return;
      observer.disconnect();
      resolve();
    });
    observer.observe(document.body, { attributes: true, attributeFilter: ['data-state'] });
  });
}

/** whenIdle resolves once the page is idle (at most 3 s later). */
function whenIdle() {
  return new Promise((resolve) => {
    if (window.requestIdleCallback) requestIdleCallback(() => resolve(), { timeout: 3000 });
    else setTimeout(resolve, 500);
  });
}

/**
 * storeLazy asks the active worker, when this page is idle, to store the page's
 * code the install left and (unless Save-Data) the modules loaded on first use.
 * It also has the caches of older versions deleted (sw.js keeps them until a
 * page of its own version is up).
 */
function storeLazy(registration) {
  const saveData = Boolean(navigator.connection && navigator.connection.saveData);
  const idle = window.requestIdleCallback || ((fn) => setTimeout(fn, 1000));
  idle(() => {
    const worker = registration.active;
    if (!worker) return;
    const channel = new MessageChannel();
    channel.port1.onmessage = ({ data }) => {
      const complete = data && data.stored === data.total;
      root.dataset.swDeferred = String((data && data.deferred) || 0);
      root.dataset.swLazy = !complete ? 'partial' : saveData ? 'on-use' : 'stored';
      channel.port1.close();
    };
    worker.postMessage({ type: 'store-lazy', engines: !saveData }, [channel.port2]);
  }, { timeout: 5000 });
}

// Reload once when the worker that controls this page changes, unless this is
// the first visit's worker taking over a page it already matches.
const hadController = supported() && !!navigator.serviceWorker.controller;
let reloadOnChange = hadController;
let reloaded = false;

async function start() {
  if (!supported()) {
    root.dataset.sw = 'off';
    return;
  }
  const status = h('div', { class: 'pwa-update', role: 'status', 'aria-live': 'polite', 'data-testid': 'pwa-update' });
  document.body.append(status);

  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (!reloadOnChange) {
      // The first visit's worker took this page over: from now on, a new version taking over
      // reloads it like any other page of this site (it loads parts of itself as they come near,
      // from its own version's files, which the new version keeps only a few seconds: sw.js).
      root.dataset.sw = 'controlled';
      reloadOnChange = true;
      return;
    }
    if (reloaded) return;
    reloaded = true;
    location.reload();
  });

  // On a first visit the worker downloads everything again (from the HTTP cache when it can):
  // let the page's own engine download finish first, so they do not compete, and the live
  // session's first render too: the worker's install (its fetches, its cache writes) took
  // 100-140 ms of CPU beside that render, on a machine with two cores (issue 9: long tasks).
  await engineSettled();
  await whenIdle();

  let registration;
  try {
    registration = await navigator.serviceWorker.register(new URL('sw.js', document.baseURI));
  } catch (err) {
    root.dataset.sw = 'failed';
    console.warn(`offline use is off: the service worker could not be registered (${(err && err.message) || err})`);
    return;
  }
  root.dataset.sw = navigator.serviceWorker.controller ? 'controlled' : 'registered';

  const watch = (worker) => {
    worker.addEventListener('statechange', () => {
      if (worker.state === 'installed' && navigator.serviceWorker.controller) offer(registration, status);
    });
  };
  if (registration.waiting && navigator.serviceWorker.controller) offer(registration, status);
  if (registration.installing) watch(registration.installing);
  registration.addEventListener('updatefound', () => watch(registration.installing));

  navigator.serviceWorker.ready.then(storeLazy, () => {});

  // Back online (a classroom's network returns): look for a new version.
  window.addEventListener('online', () => registration.update().catch(() => {}));
}

start();
