// below-fold.js loads the parts of the page below the first screen when they
// are about to be seen, not with the first view (issue 9: the first view's
// bytes; they were about 58 KB brotli of its 185 KB of page code).
//
// A part is a group of custom elements and the modules that define them:
//   embed     <tls-embed-code>           "Embed this"
//   capture   <tls-capture-download>     the downloads for Wireshark
//   compare   <tls-comparison>           classic and TLS 1.3 side by side
//   lab       <tls-attack-lab>           the attack lab, its panels, what Eve sees (exposure-panel.js)
//   browser   <tls-hello-compare>, <tls-capture-import>   a real browser's hello, a capture of one's own
// A view (view-controller.js) asks for a part when something waits for it (a
// link to it, a control), and watches the others (watchParts): each loads when
// one of its elements comes within its margin of the viewport (a screen or so:
// a normal scroll finds it ready), when keyboard focus lands inside one, or, for
// every part still missing, on the visitor's first Tab (whoever moves by keyboard
// gets the whole page ready long before reaching it). Until its module has run,
// an element is an empty placeholder; playground.css gives it about its height,
// so that a fast scroll or the End key lands on the right place.
// The service worker stores every module for offline use once the page is idle
// (sw.js store-lazy): loading on approach changes when they run, not whether a
// visitor who goes offline has them.

/** PARTS: what each part's elements are, what defines them (in order, one task each when nobody waits), and how near it loads (screens). */
const PARTS = {
  embed: {
    select: 'tls-embed-code',
    margin: 0.5,
    modules: [() => import('./components/embed-code.js')],
  },
  capture: {
    select: 'tls-capture-download',
    margin: 1,
    modules: [() => import('./components/capture-download.js')],
  },
  compare: {
    select: 'tls-comparison',
    margin: 1.5,
    modules: [() => import('./components/comparison.js')],
  },
  lab: {
    select: 'tls-attack-lab',
    margin: 1.5,
    // The panels first, each in a task of its own; the lab's element last. Mallory's download,
    // the lab's "Embed this" (hidden until an attack is shown) and the attacks' code come with it.
    modules: [
      () => import('./components/lab-panel.js'),
      () => import('./components/exposure-panel.js'),
      () => import('./components/eve-panel.js'),
      () => import('./components/mallory-panel.js'),
      () => import('./components/scenario-panel.js'),
      () => import('./components/tamper-panel.js'),
      () => import('./components/resumption-panel.js'),
      () => import('./components/capture-download.js'),
      () => import('./components/embed-code.js'),
      () => import('./lab-attacks.js'), // what the attacks ask the engine (lab.js imports it on the first one)
      () => import('./components/attack-lab.js'),
    ],
    exports: 1, // exposure-panel.js: connectExposure
  },
  browser: {
    select: 'tls-hello-compare, tls-capture-import',
    margin: 1.5,
    modules: [() => import('./components/capture-import.js'), () => import('./components/hello-compare.js')],
    exports: 0, // capture-import.js: connectCapture
  },
};

/** PART_NAMES are the parts, in the page's order. */
export const PART_NAMES = Object.keys(PARTS);

const loading = new Map(); // name → {promise, now()}

/**
 * loadPart imports a part's modules, once: → the module it exports from (see
 * PARTS.exports, else the last). With now, they are imported at once; without
 * (nobody waits), one a task, so that none of them makes a long task; a later
 * call with now imports the rest at once.
 */
export function loadPart(name, { now = true } = {}) {
  const part = PARTS[name];
  if (!part) return Promise.reject(new Error(`below-fold.js: no part ${JSON.stringify(name)}`));
  let l = loading.get(name);
  if (!l) {
    let hurry = now;
    l = {
      now: () => { hurry = true; },
      promise: (async () => {
        const loaded = [];
        while (loaded.length < part.modules.length) {
          if (hurry) {
            loaded.push(...await Promise.all(part.modules.slice(loaded.length).map((load) => load())));
            break;
          }
          loaded.push(await part.modules[loaded.length]());
          await new Promise((resolve) => { setTimeout(resolve, 0); });
        }
        return loaded[part.exports ?? loaded.length - 1];
      })(),
    };
    loading.set(name, l);
    l.promise.catch(() => loading.delete(name)); // a failed import (offline?) is tried again when asked again
  } else if (now) {
    l.now();
  }
  return l.promise;
}

/**
 * showFailure says, in place of the elements of a part under root, that the
 * part could not be loaded (err: why), instead of leaving empty placeholders.
 * The part is asked for again when it comes near again or when a control asks.
 */
export function showFailure(root, name, err) {
  const part = PARTS[name];
  if (!part) return;
  for (const el of root.querySelectorAll(part.select)) {
    if (customElements.get(el.localName)) continue;
    const p = document.createElement('p');
    p.className = 'session-error below-fold-error';
    p.setAttribute('role', 'alert');
    p.textContent = `This part of the page could not be loaded: ${(err && err.message) || err}. Reload the page to try again.`;
    el.replaceChildren(p);
  }
}

/** partsUnder names the parts that have an element under root. */
export function partsUnder(root) {
  return PART_NAMES.filter((name) => root.querySelector(PARTS[name].select));
}

/**
 * watchParts loads each part of names that has an element under root when it
 * is about to be seen (above), calling loaded(name, module) once it has run
 * (the view binds its elements then). → a function that stops watching.
 */
export function watchParts(root, names, loaded) {
  const doc = root.ownerDocument || root;
  const win = doc.defaultView || globalThis;
  const waiting = new Set(names.filter((name) => root.querySelector(PARTS[name].select))); // not loaded yet
  const asked = new Map(); // name → whether it was asked for at once (now)
  const observers = [];
  const stops = [];
  const stop = () => {
    for (const o of observers) o.disconnect();
    for (const s of stops) s();
    observers.length = 0;
    stops.length = 0;
  };
  // go asks for a part: one module a task, or (now) the rest at once, e.g. once it is on screen.
  const go = (name, now) => {
    if (!waiting.has(name) || asked.get(name) === true || (asked.has(name) && !now)) return;
    const first = !asked.has(name);
    asked.set(name, now);
    const p = loadPart(name, { now });
    if (!first) return;
    p.then((mod) => {
      waiting.delete(name);
      loaded(name, mod);
      if (!waiting.size) stop();
    }, (err) => {
      asked.delete(name);
      showFailure(root, name, err);
    });
  };
  if (!waiting.size) return stop;
  if (typeof win.IntersectionObserver !== 'function') {
    for (const name of waiting) go(name, false);
    return stop;
  }
  // One observer per margin (rootMargin is the observer's; a screen is the viewport's height): a
  // part within its margin loads one module a task, a part on screen at once.
  const byMargin = new Map([[0, [...waiting]]]);
  for (const name of waiting) {
    const m = PARTS[name].margin;
    if (!byMargin.has(m)) byMargin.set(m, []);
    byMargin.get(m).push(name);
  }
  for (const [margin, list] of byMargin) {
    const pct = `${Math.round(margin * 100)}%`;
    const observer = new win.IntersectionObserver((entries) => {
      for (const e of entries) {
        if (!e.isIntersecting) continue;
        const name = list.find((n) => e.target.matches(PARTS[n].select));
        if (name) go(name, margin === 0);
      }
    }, { rootMargin: `${pct} 0px ${pct} 0px` });
    for (const name of list) for (const el of root.querySelectorAll(PARTS[name].select)) observer.observe(el);
    observers.push(observer);
  }
  // Keyboard focus inside a placeholder (a script's focus(), a fragment): its part at once. The
  // first Tab: every part, one module a task, ahead of the focus.
  const onFocus = (e) => {
    const t = e.target;
    if (!(t instanceof win.Element)) return;
    for (const name of waiting) if (t.closest(PARTS[name].select)) go(name, true);
  };
  const onKey = (e) => {
    if (e.key !== 'Tab') return;
    for (const name of waiting) go(name, false);
  };
  doc.addEventListener('focusin', onFocus);
  doc.addEventListener('keydown', onKey);
  stops.push(() => doc.removeEventListener('focusin', onFocus), () => doc.removeEventListener('keydown', onKey));
  return stop;
}
