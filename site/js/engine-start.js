// engine-start.js starts the engine worker as the page begins to load (issue 9:
// the engine ready soon after navigation), before the page's ES modules, which
// run only once the whole module graph has arrived and the document is parsed.
// It is a tiny classic script, loaded async at the top of index.html's <head>.
//
// The worker is the one engine.js would start by default (js/engine-worker.js
// beside this script, the build's engine): the first `new Engine()` with the
// default options takes it over (engine.js, takeEarlyWorker) with the messages
// it sent meanwhile, kept here in order. If engine.js made its own worker
// first, this script does nothing; so it does where the default worker cannot
// run: a page opened from a file, the single-file edition (this script inline,
// without a URL), no Web Workers or WebAssembly.
(() => {
  'use strict';
  const script = document.currentScript;
  if (globalThis.tlsPlaygroundEarlyWorker || !script || !script.src) return;
  if (location.protocol === 'file:' || document.documentElement.dataset.edition === 'single-file') return;
  if (typeof Worker !== 'function' || typeof WebAssembly !== 'object') return;
  const url = new URL('engine-worker.js', script.src).href;
  let worker;
  try {
    worker = new Worker(url);
  } catch {
    return; // engine.js makes its own, and says why if it cannot
  }
  const early = { worker, url, events: [], startedAt: performance.now() };
  // For tests/bench/start-bench.mjs: when the page asked for the worker (its "made" column).
  performance.mark?.('tls-playground:engine-worker');
  const keep = (event) => {
    if (event.type === 'error') event.preventDefault(); // engine.js reports it
    early.events.push(event);
  };
  worker.addEventListener('message', keep);
  worker.addEventListener('error', keep);
  early.release = () => {
    worker.removeEventListener('message', keep);
    worker.removeEventListener('error', keep);
    const events = early.events;
    early.events = [];
    return events;
  };
  globalThis.tlsPlaygroundEarlyWorker = early;
})();
