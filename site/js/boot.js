// boot.js is the page's one classic script. The page itself is ES modules,
// and when they cannot run (the page opened from file://, an old browser, a
// script that failed to load) nothing would replace "Loading the engine…".
// This script, which runs everywhere, says what failed and what to do, in the
// status line (#engine-status .status-text), marked as an error.
//
// It looks once the document is parsed (the module scripts have run by then):
//   - opened from file:// (not the single-file edition): modules are blocked;
//   - no WebAssembly, no Web Workers (no DecompressionStream, in the single file);
//   - the modules never ran: js/engine.js sets <html data-modules="ran"> when it
//     is evaluated, and app.js sets <body data-state> to ready or failed;
//   - an uncaught error while the page is still loading.
// It only speaks while <body data-state="loading">: once the page's own code
// has said ready or failed, that is the page's word.
(() => {
  'use strict';

  const singleFile = document.documentElement.dataset.edition === 'single-file';
  const loading = () => document.body && (document.body.dataset.state || 'loading') === 'loading';

  /** report writes text (strings, and [label, href] for a link) into the status line, as an error. */
  function report(reason, parts) {
    if (!loading()) return;
    const status = document.getElementById('engine-status');
    const line = status && status.querySelector('.status-text');
    document.body.dataset.state = 'failed';
    if (!line) return;
    line.replaceChildren();
    for (const part of parts) {
      if (typeof part === 'string') {
        line.append(part);
      } else {
        const a = document.createElement('a');
        a.textContent = part[0];
        a.href = part[1];
        line.append(a);
      }
    }
    status.dataset.error = 'true';
    status.dataset.failure = reason;
    status.dataset.busy = 'false';
    const busy = status.querySelector('progress');
    if (busy) busy.hidden = true;
  }

  const STEPS = ' The seven steps below still explain the handshake.';

  /** problem returns the reason the page cannot start, or null. */
  function check() {
    if (location.protocol === 'file:' && !singleFile) {
      return ['file', [
        'This page was opened as a file (file://), and browsers do not run its scripts from files. Open ',
        ['tls-playground.html', 'tls-playground.html'],
        ' instead (the single-file edition, in the same folder), or run “tlsplay web” in a terminal and open the address it prints.',
      ]];
    }
    if (typeof WebAssembly !== 'object') {
      return ['no-webassembly', ['This browser has no WebAssembly (it may be turned off, e.g. by a security setting), and the engine is Go compiled to WebAssembly: allow WebAssembly for this page, or use another browser.' + STEPS]];
    }
    if (typeof Worker !== 'function') {
      return ['no-worker', ['This browser cannot run Web Workers, which the engine runs in: open the page in a current Chromium, Firefox or Safari.' + STEPS]];
    }
    if (singleFile && typeof DecompressionStream !== 'function') {
      return ['no-decompression', ['This browser cannot unpack the engine from this file (it has no DecompressionStream; Chromium 80+, Firefox 113+ and Safari 16.4+ do): use a newer browser, or run “tlsplay web”.' + STEPS]];
    }
    if (document.documentElement.dataset.modules !== 'ran') {
      return ['no-modules', ['The page’s scripts did not run: this browser may not support JavaScript modules, or they failed to load. Reload the page; if this stays, use a current Chromium, Firefox or Safari.' + STEPS]];
    }
    return null;
  }

  // An uncaught error before the page is ready stops it; say which. Not a ResizeObserver's
  // "loop completed with undelivered notifications": the browser only tells that some sizes
  // are delivered at the next frame (a panel laid out as it came near the view), nothing failed.
  window.addEventListener('error', (event) => {
    if (!loading() || !event.message || /^ResizeObserver loop/.test(event.message)) return;
    const where = event.filename ? ` (${event.filename.split('/').pop()}:${event.lineno})` : '';
    report('error', [`The page failed while starting: ${event.message}${where}. Reload the page; if this stays, the site is broken.`]);
  });

  // Module scripts run before DOMContentLoaded (this deferred script runs before
  // them); load is the fallback for a late start.
  let looked = false;
  const look = () => {
    if (looked) return;
    looked = true;
    const problem = check();
    if (problem) report(...problem);
  };
  if (document.readyState === 'complete') look();
  document.addEventListener('DOMContentLoaded', look, { once: true });
  window.addEventListener('load', look, { once: true });
})();
