// view-controller.js is one view of the playground, DOM-bound: it keeps the
// view's state (the handshake chosen, the setup, the session, the current
// step, the messages sent, the comparison, the attack lab), runs the engine
// for it and hands what each mounted element shows to that element.
// Components never talk to the engine; they emit events (tls-command,
// tls-select-step, tls-send, tls-compare, tls-attack) that bubble to the
// view's root and land here.
//
// A view is made by a bootstrap, with createView({root, …}):
//   - the full page (app.js): root = document, routed by the URL's fragment
//     (model/route.js), marks on <body>, the page's store (model/page.js);
//   - an embed (embed.js): the same, in embed.html, as a guest in an iframe;
//   - <tls-view> (below): any number of views in one document, each
//     configured by its attributes (view, mode, group, key, bits, step,
//     attack, scenario), each with its own store, marks on itself and its
//     sessions in engine handles of their own (one engine for all).
// Each element of a view is bound to the view's store by a controller
// (bind() below): it subscribes when the element is mounted and unsubscribes
// when the element leaves the document or the view is disposed. The state of
// a view covers whatever elements are mounted; an absent one is not rendered.
// An embed never scrolls or focuses its host: see reveal().
//
// With the server behind HTTP, the engine worker carries every flight
// (network.js); the page shows each HTTP exchange in the Network panel.

import { Engine } from './engine.js';
import { settled, flush } from './dom.js';
import './components/sequence-diagram.js';
import './components/step-panel.js';
import './components/message-composer.js';
import './components/controls.js';
import './components/session-summary.js';
import './components/key-share.js';
import './components/key-schedule.js';
import './components/server-switch.js';
import './components/network-panel.js';
import './components/wire.js';
import { connectAnalyzer } from './analysis.js';
import { normalizeConfig, modeInfo, KEY_TYPES, setCatalogue } from './components/mode-switch.js';
import { formatMs, totals } from './components/network-panel.js';
import { createLab } from './lab.js';
import { loadPart, partsUnder, watchParts, showFailure, PART_NAMES } from './below-fold.js';
import { createComparison } from './compare.js';
import { fragmentFor } from './views.js';
import { STARTER_KEYS } from './starter-keys.js';
import { loadKey, loadSetupState, saveKey, saveSetupState } from './keystore.js';
import { createStore } from './model/store.js';
import { STEPS, parseHash as readHash, parseParams, parseServer, hashFor as fragmentOf } from './model/route.js';
import { certOrigin, keyName, keyOrigin, SETUP_STAGES } from './model/keys.js';
import { createKeyring } from './model/keyring.js';
import { trustedRoots as readTrustedRoots, saveTrustedRoots as keepTrustedRoots, allowedByCSP as cspAllows, trustFor } from './model/trust.js';

/** withoutSource is a session as the engine exported it, without the page's mark of where it came from. */
function withoutSource(session) {
  const { source, ...rest } = session;
  return rest;
}

/** defined says whether el is not a custom element still waiting for its module (setting its properties now would shadow its class's). */
const defined = (el) => !el.localName.includes('-') || Boolean(customElements.get(el.localName));

const RUN_ALL_DELAY_MS = 450;
const SERVER_NAME = 'playground.test';

/**
 * The engine views share when none is given: one worker for every
 * <tls-view> of a document (each holds its sessions in handles of its own).
 */
let shared = null;
let sharers = 0;
export function sharedEngine() {
  if (!shared) shared = new Engine();
  return shared;
}

/** hasHandles says whether engine keeps sessions as handles (newSession({own: true}), releaseSession). */
export function hasHandles(engine) {
  return Boolean(engine) && typeof engine.releaseSession === 'function';
}

/**
 * createView makes a view of the playground over the elements under root.
 *   root      the document (the full page, an embed) or an element (<tls-view>)
 *   routed    the URL's fragment configures the view and follows it (one view per document)
 *   params    without routing: the view's configuration, as URLSearchParams (the attributes of <tls-view>)
 *   marks     the element whose data-* attributes say what is shown (for scripts and tests)
 *   embedded  a guest in someone else's page: never scroll or focus the host
 *   engine    the Engine to use (default: a new one for a routed view, the shared one otherwise)
 *   store     the view's store (default: a new one); 'session', 'step', 'ready', 'busy', 'view' are written
 *   firstSession  the recorded first session ({session, setup, state} or null), or a promise of it: shown until the engine is
 *                 ready; its state is the certificates the build issued to the starter keys, which the first setup takes back
 * It returns {start(), dispose(), store, state}.
 */
export function createView({
  root = document, routed = root === document, params = null, marks = document.body,
  embedded = document.documentElement.hasAttribute('data-embed'), engine: given = null, store = createStore({}),
  firstSession = null,
} = {}) {
  const hashNow = () => (routed ? location.hash : `#${params || ''}`);
  const parseHash = () => (routed || !params ? readHash(hashNow()) : parseParams(params));
  const hashFor = (config) => fragmentOf(config, modeInfo);
  const initial = parseHash();
  /** ownHandles: this view's sessions live in engine handles of its own (a view beside others), not the default one. */
  let ownHandles = false;
  let handle = null;         // the handle of the session on screen, when ownHandles
  const disposers = [];      // what dispose() undoes

  const state = {
    ready: false,      // the engine is ready
    live: false,       // the engine is in charge of the session on screen (not the recorded first one)
    busy: false,       // the engine is working for us
    setup: null,
    setupFor: null,    // {keyType, keyBits} the current setup was made for
    session: null,
    sessionOpts: null, // the newSession options of the session on screen (without its seed)
    work: '',          // what the engine is doing for us, while busy     // {title, message}: the engine refused the handshake asked for
    step: initial.step || 1,
    exchanges: [],
    // The handshake asked for (the mode switch shows it).
    ...normalizeConfig({ mode: initial.mode, group: initial.group, keyType: initial.key, keyBits: initial.bits }),
    compare: { busy: false, status: '', error: '', result: null },
    // Where the server runs: 'local' | 'page' | 'url' (serverURL: the base URL).
    ...parseServer(initial.server),
    capabilities: null, // what the engine can do: {remote, pageServer}
    notice: '',         // why no handshake is shown (not an error): e.g. waiting for trust
    net: { info: null, infoFor: '', infoError: '', trust: null, exchanges: [], timing: null, failed: false },
  };

  /** at names the handle of the session on screen in a call's options (nothing: the engine's default). */
  const at = () => (handle ? { session: handle } : {});
  const $ = (sel) => root.querySelector(sel);
  const all = (sel) => root.querySelectorAll(sel);
  const statusEl = $('.engine-status');
  const errorEl = $('.session-error');
  /** on listens on target for the view's life. */
  const on = (target, type, fn, options) => {
    target.addEventListener(type, fn, options);
    disposers.push(() => target.removeEventListener(type, fn, options));
  };

  let engine;
  let runAllTimer = 0;

  // The attack lab: Eve, Mallory, certificate failures, tampering (lab.js).
  const lab = createLab({
    state,
    engine: () => engine,
    at: () => at(),
    work: (label, fn) => work(label, fn),
    setStatus: (text) => setStatus(text),
    render: () => render(),
    configure: (requested) => configure(requested),
  });

  // ---- rendering: one controller per element -----------------------------------------
  //
  // render() writes the view's store; each mounted element has a controller
  // subscribed to the store's 'view' key (what the view shows, computed once per
  // render) that sets the element's properties. An element mounted later (the
  // wire views, an embed's) is bound on the next render; one that left the
  // document is unbound at the next notification, and all are on dispose().

  /** BINDINGS map a selector to what its element shows of the view v = {state, lab, notice, own, remote}. */
  const BINDINGS = [
    ['tls-sequence-diagram', (el, { state: s, notice }) => { el.session = s.session; el.step = s.step; el.notice = notice; }],
    ['tls-step-panel', (el, { state: s, notice }) => { el.session = s.session; el.step = s.step; el.notice = notice; }],
    ['tls-message-composer', (el, { state: s, remote }) => {
      el.session = s.session; el.exchanges = s.exchanges; el.step = s.step; el.busy = s.busy; el.remote = remote;
    }],
    ['tls-session-summary', (el, { state: s }) => {
      el.setup = s.server === 'url' ? null : s.setup;
      el.session = s.session;
      el.network = s.server === 'local' ? null : { server: s.server, base: s.serverURL, exchanges: s.net.exchanges };
    }],
    ['tls-server-switch', (el, { state: s }) => {
      el.state = {
        server: s.server, url: s.serverURL, defaultURL: location.origin,
        info: s.server === 'url' ? s.net.info : null, infoError: s.server === 'url' ? s.net.infoError : '',
        trust: s.net.trust, ready: s.ready, busy: s.busy, capabilities: s.capabilities,
      };
    }],
    ['tls-network', (el, { state: s }) => {
      el.state = {
        server: s.server, base: s.serverURL, exchanges: s.net.exchanges, busy: s.busy,
        failed: s.net.failed || !s.session || Boolean(s.session.error),
      };
    }],
    ['tls-key-share', (el, { state: s }) => { el.session = s.session; el.step = s.step; }],
    ['tls-key-schedule', (el, { state: s }) => { el.session = s.session; }],
    ['tls-controls', (el, { state: s, shown }) => {
      // With the recorded first session on screen the controls work before the
      // engine does: stepping needs no engine, and what needs it waits for it.
      el.state = {
        step: s.step, ready: s.ready || shown, busy: s.busy, hasSession: Boolean(s.session),
        closed: Boolean(s.session && s.session.closed), failed: Boolean(s.session && s.session.error) || !s.session,
      };
    }],
    ['tls-mode-switch', (el, { state: s, shown }) => {
      el.state = {
        mode: s.mode, group: s.group, keyType: s.keyType, keyBits: s.keyBits,
        suiteOrder: s.suiteOrder, ready: s.ready || shown, busy: s.busy, fixedKey: s.server === 'url',
      };
    }],
    ['tls-comparison', (el, { state: s }) => { el.state = { ...s.compare, ready: s.ready }; }],
    ['tls-attack-lab', (el, { lab: l }) => { el.state = l; }],
    // Every byte of the session on screen, and the session for Wireshark (the engine's own session only).
    ['tls-wire[data-page-wire]', (el, { own }) => { el.session = own; }],
    ['tls-capture-download', (el, { state: s, lab: l, own }) => {
      const mitm = el.getAttribute('source') === 'mitm';
      el.session = mitm ? (l.attack === 'mallory' && l.mallory ? l.mallory.result : null) : own;
      el.busy = s.busy;
    }],
    ['[data-attack-link]', (el, { lab: l }) => {
      if (el.dataset.attackLink === l.attack) el.setAttribute('aria-current', 'page');
      else el.removeAttribute('aria-current');
    }],
    // "Embed this": each <tls-embed-code for="step|schedule|compare|attack"> offers exactly what is on screen
    // (not in a copy opened from a file, which has no address another page could embed).
    ['tls-embed-code', (el, { state: s, lab: l, link }) => {
      if (location.protocol === 'file:') { el.hidden = true; return; }
      el.fragment = fragmentFor(el.getAttribute('for') || 'step', s, link);
      if (el.getAttribute('for') === 'attack') el.hidden = !l.attack;
    }],
    ['[data-step-link]', (el, { state: s }) => {
      const n = Number(el.dataset.stepLink);
      el.setAttribute('href', hashFor({ ...s, step: n }));
      if (n === s.step) el.setAttribute('aria-current', 'step');
      else el.removeAttribute('aria-current');
    }],
  ];

  /** bound maps each bound element to the function that unbinds it. */
  const bound = new Map();

  /** bind gives el its controller: it follows the view's store until el leaves the document or the view ends. */
  function bind(el, apply) {
    let off = () => {};
    const follow = (v) => {
      if (!el.isConnected) { unbind(el); return; }
      apply(el, v);
    };
    off = store.subscribe('view', follow);
    bound.set(el, () => off());
    const v = store.get('view');
    if (v) apply(el, v);
  }

  function unbind(el) {
    const off = bound.get(el);
    if (!off) return;
    bound.delete(el);
    off();
  }

  /** attach binds the elements mounted under root that have no controller yet. */
  function attach() {
    for (const [sel, apply] of BINDINGS) {
      for (const el of all(sel)) if (!bound.has(el) && defined(el)) bind(el, apply);
    }
  }

  function render() {
    const { session } = state;
    if (session && !session.source) session.source = 'live';
    attach();
    const live = Boolean(session) && session.source === 'live';
    const notice = state.refusal ? 'No handshake to show: the engine refused the one asked for (see the message above).' : state.notice;
    store.update({
      session, step: state.step, ready: state.ready, busy: state.busy,
      view: {
        state,
        lab: { ...lab.view(), work: state.work },
        // What the lab shows, as a link (the attack, or the certificate failure's scenario).
        link: { attack: lab.attack, scenario: lab.scenario },
        notice,
        live,
        // A session is on screen that the visitor can step through: the recorded one before the engine is ready.
        shown: Boolean(session),
        own: state.server === 'local' && live ? session : null,
        remote: state.server !== 'local' && session && state.net.exchanges.length ? state.server : false,
      },
    });
    // What is shown, for scripts and tests: the mode asked for, the session's, and whether the engine works.
    marks.dataset.attack = lab.attack || '';
    marks.dataset.mode = state.mode;
    marks.dataset.sessionMode = session ? session.mode : '';
    marks.dataset.sessionGroup = session ? session.group || '' : '';
    marks.dataset.sessionSeed = session ? session.seed || '' : '';
    marks.dataset.sessionSource = session ? session.source : '';
    marks.dataset.busy = String(state.busy);
    markComplete(session);
    marks.dataset.server = state.server;
    marks.dataset.exchanges = String(state.net.exchanges.length);
    renderError(session && session.error, state.refusal);
  }

  /**
   * markComplete writes data-rendered-seed, the seed of the session on screen,
   * once what its render queued for later tasks (soon(): the wire, the key
   * schedule, the summary, below the first screen) has run too. With
   * data-busy="false" and data-session-seed, benches tell the moment the first
   * screen shows a session from the moment every part of the page does.
   */
  let completing = 0;
  function markComplete(session) {
    const seed = session ? session.seed || '' : '';
    if (marks.dataset.renderedSeed === seed) return;
    const mine = ++completing;
    settled().then(() => { if (mine === completing) marks.dataset.renderedSeed = seed; });
  }

  function renderError(error, refusal) {
    errorEl.hidden = !error && !refusal;
    if (!error && !refusal) { errorEl.replaceChildren(); return; }
    const strong = document.createElement('strong');
    const p = document.createElement('p');
    if (refusal) {
      strong.textContent = refusal.title;
      p.textContent = refusal.message;
      const hint = document.createElement('p');
      hint.className = 'hint';
      hint.textContent = 'Choose another handshake or server key above.';
      errorEl.replaceChildren(strong, p, hint);
      return;
    }
    if (error.alert) strong.textContent = `The handshake failed: the ${error.side} sent the alert “${error.alert}”.`;
    else if (error.side === 'network') strong.textContent = 'The request did not reach the server.';
    else strong.textContent = `The ${error.side} refused the request.`;
    p.textContent = error.message;
    errorEl.replaceChildren(strong, p);
    if (state.server !== 'local') {
      const hint = document.createElement('p');
      hint.className = 'hint';
      hint.textContent = 'The Network panel below shows the request and the server’s answer. New session starts a new connection.';
      errorEl.append(hint);
    }
  }

  /** setStatus shows what the engine is doing; with since, an elapsed-time counter runs. */
  let elapsedTimer = 0;
  function setStatus(text, { since, busy = false } = {}) {
    statusEl.querySelector('.status-text').textContent = text;
    statusEl.querySelector('progress').hidden = !busy;
    const elapsed = statusEl.querySelector('.elapsed');
    clearInterval(elapsedTimer);
    elapsed.textContent = '';
    statusEl.dataset.busy = String(busy);
    if (since !== undefined) {
      const tick = () => { elapsed.textContent = `${((performance.now() - since) / 1000).toFixed(1)} s`; };
      tick();
      elapsedTimer = setInterval(tick, 100);
    }
  }

  // ---- where the visitor looks ------------------------------------------------------

  /**
   * reveal brings el to the top of the view, just below the sticky controls
   * (with onlyIfHidden, only when it is not already in the upper part of the
   * view). It never calls scrollIntoView, which in an embed would scroll the
   * host page too; an embed that the host script sizes to its content has
   * nothing to scroll.
   */
  function reveal(el, { onlyIfHidden = false } = {}) {
    if (!el) return;
    const box = el.getBoundingClientRect();
    const clear = stickyHeight();
    if (onlyIfHidden && box.top >= clear && box.top < innerHeight * 0.6) return;
    const behavior = onlyIfHidden && !matchMedia('(prefers-reduced-motion: reduce)').matches ? 'smooth' : 'auto';
    // window.scrollTo moves this document only: in an iframe, never the host.
    const top = Math.max(0, box.top + scrollY - clear - 8);
    if (Math.abs(top - scrollY) > 1) scrollTo({ top, behavior });
  }

  /** stickyHeight is the height of the controls bar when it sticks to the top (0 if it does not). */
  function stickyHeight() {
    const bar = $('tls-controls');
    if (!bar || getComputedStyle(bar).position !== 'sticky') return 0;
    return bar.getBoundingClientRect().height;
  }

  /**
   * mayFocus says whether moving keyboard focus on arrival is polite: always
   * in the full page; in an embed only once the visitor is inside it (focusing
   * an element of an iframe would focus, and scroll to, the iframe in its host).
   */
  function mayFocus() {
    return !embedded || document.hasFocus();
  }

  /** landOnStep brings the step's text into view after a deep link, Next or Previous. */
  function landOnStep({ onlyIfHidden = false } = {}) {
    reveal($('tls-step-panel'), { onlyIfHidden });
  }

  // A visitor who scrolls or presses a key while a link's view is still being
  // made has chosen where to look: arrival scrolling stops there.
  let visitorMoved = false;
  for (const type of ['wheel', 'touchmove', 'keydown', 'pointerdown']) {
    on(routed ? window : root, type, () => { visitorMoved = true; }, { passive: true, capture: true });
  }

  // ---- the URL's fragment ----------------------------------------------------------
  //
  // A routed view writes its place into the URL's fragment; a view beside
  // others keeps it in its params (and its marks' data-fragment).

  /**
   * writeHash puts the view's place in its fragment. The browser's
   * history.replaceState takes tens of milliseconds on a busy main thread, so a
   * routed view writes it when the browser is idle, once for a burst of steps
   * (the fragment is a link to share, not state the view reads back).
   */
  let hashWanted = '';
  let hashTimer = 0;
  function writeHash() {
    setFragment(hashFor(state));
  }

  function setFragment(want) {
    if (!routed) {
      params = new URLSearchParams(want.replace(/^#/, ''));
      marks.dataset.fragment = want;
      return;
    }
    hashWanted = want;
    if (hashTimer) return;
    const idle = globalThis.requestIdleCallback || ((fn) => setTimeout(fn, 50));
    hashTimer = idle(() => {
      hashTimer = 0;
      if (location.hash !== hashWanted) history.replaceState(null, '', hashWanted);
    }, { timeout: 500 });
  }

  /** cancelHash drops a pending write of the fragment. */
  function cancelHash() {
    if (!hashTimer) return;
    (globalThis.cancelIdleCallback || clearTimeout)(hashTimer);
    hashTimer = 0;
  }

  /** replaceFragment puts want in the fragment now (a link to what the lab shows), dropping a pending write. */
  function replaceFragment(want) {
    cancelHash();
    if (!routed) { setFragment(want); return; }
    if (location.hash !== want) history.replaceState(null, '', want);
  }

  // ---- steps -------------------------------------------------------------------

  function setStep(n, { hash = true } = {}) {
    const step = Math.min(STEPS, Math.max(1, n));
    state.step = step;
    if (hash) writeHash();
    render();
  }

  function stopRunAll() {
    clearTimeout(runAllTimer);
    runAllTimer = 0;
  }

  function runAll() {
    stopRunAll();
    const reduce = matchMedia('(prefers-reduced-motion: reduce)').matches;
    if (reduce) { setStep(STEPS); return; }
    setStep(1);
    const advance = () => {
      if (state.step >= STEPS) { runAllTimer = 0; return; }
      setStep(state.step + 1);
      runAllTimer = setTimeout(advance, RUN_ALL_DELAY_MS);
    };
    runAllTimer = setTimeout(advance, RUN_ALL_DELAY_MS);
  }

  // ---- engine work ---------------------------------------------------------------

  /**
   * work runs one engine call with the controls disabled and reports failure in
   * the status line. With settle false, the caller renders what the call made
   * (busy false with it) itself: one render, not one of the old view then one of the new.
   */
  async function work(label, fn, { timed = false, settle = true } = {}) {
    state.busy = true;
    state.work = label;
    render();
    setStatus(`${label}…`, { busy: true, since: timed ? performance.now() : undefined });
    try {
      return await fn();
    } finally {
      state.busy = false;
      state.work = '';
      if (settle) render();
    }
  }

  // ---- keys ----------------------------------------------------------------------
  //
  // Nobody waits for RSA key generation: setups use the keyring's keys
  // (model/keyring.js), the starter pair until the engine has made the
  // visitor's own in the worker while the visitor reads (makeFreshKeys).

  const keychain = createKeyring({ load: loadKey, save: saveKey, starter: STARTER_KEYS, loadState: loadSetupState, saveState: saveSetupState });
  const keyring = keychain.ring;
  const loadKeyring = (opts) => keychain.fill(opts);
  const keep = (name, pem, bits) => keychain.keep(name, pem, bits);
  const setupKeys = (keyType, keyBits) => keychain.keysFor(keyType, keyBits);
  let freshKeys = null; // the promise of makeFreshKeys, once started
  // The certificates the build issued to the starter keys (first-session.json): a setup with
  // the starter pair takes them back instead of signing its own (issue 9: setup is the longest
  // call before the first live session). Null until the recorded session is read, or without one.
  let builtState = null;
  const recordedRead = Promise.resolve(firstSession).then((rec) => { builtState = (rec && rec.state) || null; }, () => {});

  /** keysChanged says whether the keyring holds keys newer than the current setup's (a fresh pair made since). */
  function keysChanged() {
    const used = state.setupKeys;
    if (!used || !state.setupFor) return false;
    const now = setupKeys(state.setupFor.keyType, state.setupFor.keyBits);
    return now.ca !== used.ca || (state.setupFor.keyType === 'rsa' && now.server !== used.server);
  }

  /** markKey tells scripts and tests which key the session on screen uses. */
  function markKey() {
    const o = state.setup && state.setup.keyOrigin;
    marks.dataset.keySource = o ? o.source : '';
    marks.dataset.keyCreated = o && o.createdAt ? new Date(o.createdAt).toISOString() : '';
    marks.dataset.keyFingerprint = state.setup ? state.setup.serverKey.fingerprint || '' : '';
    // When the certificates were issued: at build time (taken back: the time) or by this setup ('now').
    marks.dataset.certsIssued = state.setup ? state.setup.issuedAt || 'now' : '';
    // Which keys the setup generated itself ('' when it was given both).
    marks.dataset.setupGenerated = state.setup
      ? [!state.setup.caKeyGiven && 'ca', !state.setup.keyGiven && 'server'].filter(Boolean).join(' ') : '';
  }

  /**
   * makeFreshKeys has the engine make the visitor's own RSA-2048 pair (the
   * root's key, then the server's) in the worker, after the first session is on
   * screen, replacing starter keys; each is kept. The page stays usable: the
   * controls work, and a call made meanwhile waits at most for the key being made.
   */
  function makeFreshKeys() {
    if (freshKeys) return freshKeys;
    const todo = keychain.stale();
    if (!todo.length) return (freshKeys = Promise.resolve());
    freshKeys = (async () => {
      marks.dataset.keyGeneration = 'running';
      const since = performance.now();
      let ms = 0;
      try {
        for (const name of todo) {
          setStatus(name === 'ca'
            ? 'Making a fresh RSA-2048 key of your own in the worker (the root CA’s, then the server’s); the session on screen uses the starter key shipped with this page…'
            : 'Making a fresh RSA-2048 server key of your own in the worker…', { busy: true, since });
          const g = await engine.generateKey({ bits: 2048 });
          ms += g.ms;
          keep(name, g.pem, g.bits);
        }
      } catch (err) {
        marks.dataset.keyGeneration = 'failed';
        setStatus(`Could not make a fresh key (${err.message}): sessions keep the starter key shipped with this page.`);
        return;
      }
      marks.dataset.keyGeneration = 'done';
      if (!state.busy) {
        setStatus(`Your own RSA-2048 keys are ready (made in the worker in ${(ms / 1000).toFixed(2)} s) and kept in this browser: the next session uses them (New session).`);
      }
    })();
    return freshKeys;
  }

  /**
   * setupRequest is the setup runSetup asks the engine for: the key type and
   * size asked for, with the keyring's keys; onProgress shows its stages in the
   * status line.
   */
  function setupRequest() {
    const { keyType, keyBits } = state;
    const name = keyName(keyType, keyBits, KEY_TYPES);
    const keys = setupKeys(keyType, keyBits);
    const onProgress = (stage) => {
      const text = SETUP_STAGES[stage] ? SETUP_STAGES[stage](name) : stage;
      statusEl.querySelector('.status-text').textContent = `${text} in the worker…`;
      statusEl.dataset.stage = stage;
    };
    const opts = { keyType, serverName: SERVER_NAME, ...(ownHandles ? (handle ? { session: handle } : { own: true }) : {}) };
    if (keyType === 'rsa') opts.keyBits = keyBits;
    if (keys.ca) opts.caKeyPem = keys.ca.pem;
    if (keys.server) opts.keyPem = keys.server.pem;
    // The starter pair's certificates, as the build issued them: the engine checks them (and issues anew if anything is off).
    const starter = keys.ca && keys.ca.source === 'starter' && keys.server && keys.server.source === 'starter';
    if (starter && builtState && keyType === builtState.keyType) opts.state = builtState;
    // The visitor's own RSA keys: the certificates a setup issued to them (on this visit or an
    // earlier one) are given back, and a setup that issues anew answers its state, to keep.
    const own = keyType === 'rsa' && !starter && keys.ca && keys.server;
    if (own) {
      const kept = keychain.stateFor(keyBits);
      if (kept) opts.state = kept;
      opts.keepState = true;
    }
    return { keyType, keyBits, name, keys, opts, onProgress };
  }

  /**
   * runSetup makes the CA, the server key and its certificate for the key type
   * and size asked for, with the keyring's keys. With posted, the engine.setup
   * call of req was posted earlier (the first session's, queued in the worker
   * before the engine was ready: askFirstSession): it waits for that answer.
   */
  async function runSetup(req = setupRequest(), posted = null) {
    const t0 = performance.now();
    const { keyType, keyBits, name, keys, opts, onProgress } = req;
    const generates = !keys.ca || (keyType === 'rsa' && !keys.server);
    let setup;
    try {
      try {
        setup = await work(generates
          ? `Generating keys (${name} server key) and certificates in the worker`
          : `Signing the certificates for the ${name} server key`,
        () => posted || engine.setup(opts, { onProgress }), { timed: generates });
        if (ownHandles && !handle) handle = setup.session;
      } catch (err) {
        // A kept key the engine refuses (a damaged store): forget it here and generate.
        const bad = [keys.ca, keys.server].filter((k) => k && k.source === 'kept');
        if (!bad.length) throw err;
        keychain.forget(bad);
        await loadKeyring({ starterOnly: true });
        return runSetup();
      }
    } catch (err) {
      refuse(`The engine could not make a ${name} server key.`, err);
      throw err;
    } finally {
      delete statusEl.dataset.stage;
    }
    if (!setup.caKeyGiven) keys.ca = keep('ca', setup.caKeyPem, 2048);
    let server = keys.server;
    if (!setup.keyGiven) {
      // An RSA key is kept; an ECDSA or Ed25519 key takes milliseconds and is made anew.
      server = keyType === 'rsa' ? keep(`rsa-${keyBits}`, setup.serverKey.pem, keyBits)
        : { pem: setup.serverKey.pem, createdAt: Date.now(), source: 'generated' };
    }
    setup.keyOrigin = { source: server.source, createdAt: server.createdAt, text: keyOrigin(server) };
    setup.keyOrigin.caText = keyOrigin(keys.ca);
    // Whether the certificates given back were the build's (the starter pair's) or the visitor's kept ones.
    const built = Boolean(opts.state) && opts.state === builtState;
    setup.keyOrigin.certText = certOrigin(setup, { built });
    // The state answered to keepState (only when this setup issued anything): kept for the next
    // setup with these keys, not shown.
    if (setup.state) {
      keychain.keepState(keyBits, setup.state);
      delete setup.state;
    }
    state.setup = setup;
    state.setupFor = { keyType, keyBits };
    state.setupKeys = { ca: keys.ca, server };
    markKey();
    // A call posted before the engine was ready waited for its start: the engine's own time says how long the setup took.
    const took = posted && Number.isFinite(setup.generatedMs) ? setup.generatedMs : performance.now() - t0;
    setStatus(generates
      ? `Root CA, ${name} server key and certificate ready in ${(took / 1000).toFixed(2)} s.`
      : setup.issuedAt
        ? `Certificates for the ${name} server key (${setup.keyOrigin.text}) ${setup.keyOrigin.certText}; checked in ${Math.round(took)} ms.`
        : `Certificates signed in ${Math.round(took)} ms for the ${name} server key: ${setup.keyOrigin.text}.${setup.stateRefused ? ` (The ${built ? 'build’s' : 'kept ones'} were not taken back: ${setup.stateRefused.replace(/^the state given was not taken: /, '')}.)` : ''}`);
    return setup;
  }

  /** refuse shows why the engine could not do what the visitor asked, in place of a session. */
  function refuse(title, err) {
    state.session = null;
    state.exchanges = [];
    state.refusal = { title, message: err.message };
    render();
  }

  /** sessionOptions are newSession's options for the handshake asked for (without the handle). */
  function sessionOptions() {
    const { mode, group } = state;
    const opts = { mode };
    if (mode !== 'classic') opts.group = group;
    if (state.suiteOrder === 'client') opts.suiteOrder = 'client';
    return opts;
  }

  /**
   * newSession runs a new handshake of the kind asked for (or takes the one the
   * worker prepared). ahead is the first session's call, posted before the
   * engine was ready (askFirstSession): its answer is taken when it was asked
   * with the options asked for now.
   */
  async function newSession(ahead = null) {
    // A fresh key pair made since the current setup: this session uses it.
    if (state.server !== 'url' && keysChanged()) await runSetup();
    if (state.server !== 'local') return newRemoteSession();
    const { mode } = state;
    const opts = sessionOptions();
    const label = `Running a new ${modeInfo(mode).label} handshake`;
    let session;
    let prepared = false;
    try {
      // The worker ran this handshake ahead while the page was idle (same options,
      // same keys, fresh randoms): taking it renders the click at once. Only for
      // another session of the kind on screen: after a server, trust or mode change
      // the handshake runs anew.
      const again = Boolean(state.sessionOpts) && JSON.stringify(state.sessionOpts) === JSON.stringify(opts);
      session = again ? await takePrepared(opts, label) : null;
      prepared = Boolean(session);
      const posted = ahead && JSON.stringify(ahead.opts) === JSON.stringify(opts) ? ahead.session : null;
      if (!session) session = await work(label, () => posted || engine.newSession({ ...opts, ...at() }), { settle: false });
    } catch (err) {
      refuse(`The engine could not run the ${modeInfo(mode).label} handshake (${modeInfo(mode).sub}).`, err);
      throw err;
    }
    state.session = session;
    state.sessionOpts = opts;
    state.refusal = null;
    state.notice = '';
    state.exchanges = [];
    state.net = { ...state.net, exchanges: [], timing: null, failed: false };
    await lab.onNewSession();
    const s = session.error
      ? `The handshake failed (${session.error.alert}).`
      : `New session: ${session.version}, ${session.suite}${session.group ? `, ${session.group}` : ''}. New randoms, new secrets, new keys. Server key: ${state.setup.keyOrigin.text}${state.setup.keyOrigin.certText ? `; certificates ${state.setup.keyOrigin.certText}` : ''}.`;
    setStatus(s);
    render();
    // A session of the same shape as the one before updates the page in place:
    // what below the first screen would wait for a task of its own (the wire,
    // the summary) is cheap enough to draw in this one, for the next frame.
    if (prepared) flush();
    prepareNext();
    return session;
  }

  // ---- the next session, run ahead (engine.prepareSession / takePrepared) -----------
  //
  // While the page is idle the worker runs the next "New session" with the
  // options and keys of the one on screen (a real handshake: fresh randoms and
  // ephemeral keys). Other options, other keys (a setup) or another handle drop
  // it in the engine; a take with other options finds none and the page runs
  // the handshake as before.

  /** TAKE_SLOW_MS: a take slower than this (the prepared handshake still running) shows the page busy. */
  const TAKE_SLOW_MS = 50;

  /** takePrepared resolves to the prepared session with opts, or null (none ready, or an engine without it). */
  async function takePrepared(opts, label) {
    if (typeof engine.takePrepared !== 'function') return null;
    let slow = false;
    const timer = setTimeout(() => {
      slow = true;
      state.busy = true;
      state.work = label;
      render();
      setStatus(`${label}…`, { busy: true });
    }, TAKE_SLOW_MS);
    try {
      return await engine.takePrepared({ ...opts, ...at() });
    } catch {
      return null; // the engine runs it anew (newSession), and says why if it cannot
    } finally {
      clearTimeout(timer);
      if (slow) { state.busy = false; state.work = ''; }
    }
  }

  let prepareAsked = 0;
  /**
   * prepareNext asks the worker, in the task after the session was rendered, to
   * run the next session of the kind on screen: the worker is idle then (the
   * engine starts it only when no call is in flight), and the main thread only
   * posts a message.
   */
  function prepareNext() {
    if (typeof engine.prepareSession !== 'function' || state.server !== 'local' || !state.sessionOpts) return;
    const shown = state.sessionOpts;
    cancelPrepare();
    prepareAsked = setTimeout(() => {
      prepareAsked = 0;
      // Still the session on screen (no other handshake asked for meanwhile).
      if (disposed || state.server !== 'local' || state.sessionOpts !== shown) return;
      engine.prepareSession({ ...shown, ...at() }).catch(() => {});
    }, 0);
  }

  function cancelPrepare() {
    clearTimeout(prepareAsked);
    prepareAsked = 0;
  }

  // ---- a server behind HTTP ------------------------------------------------------

  /** serverLabel says where the server is, for sentences: "in this page" or "at http://…". */
  function serverLabel() {
    return state.server === 'page' ? 'the in-page server' : `the server at ${state.serverURL}`;
  }

  /**
   * newRemoteSession runs a handshake with the server in this page or at the
   * URL, every flight an HTTP request. For a URL, the client trusts only the
   * root the visitor accepted: until then there is no handshake.
   */
  async function newRemoteSession() {
    const { mode, group } = state;
    const opts = { server: state.server, mode };
    if (mode !== 'classic') opts.group = group;
    if (state.server === 'page') {
      opts.serverName = SERVER_NAME;
    } else {
      if (state.net.infoFor !== state.serverURL || !state.net.info) await loadServerInfo();
      if (!state.net.info) return null;
      if (!state.net.trust || !state.net.trust.trusted) {
        waitFor(`No handshake yet: ${serverLabel()} answered; trust its root CA (under Server, above) and the client connects.`);
        setStatus(`${cap(serverLabel())} is ${state.net.info.info.serverName}. Check its root CA and trust it to connect.`);
        return null;
      }
      Object.assign(opts, { url: state.serverURL, serverName: state.net.info.info.serverName, trustPem: state.net.trust.pem });
    }
    const label = `${modeInfo(mode).label} (${modeInfo(mode).sub})`;
    let result;
    try {
      result = await work(`Running a new ${label} handshake with ${serverLabel()}, one HTTP request per flight`, () => engine.connect(opts));
    } catch (err) {
      refuse(`The client could not run the ${label} handshake with ${serverLabel()}.`, err);
      throw err;
    }
    const { session, timing } = result;
    state.session = session;
    state.sessionOpts = null;
    state.refusal = null;
    state.notice = '';
    state.exchanges = [];
    state.net = { ...state.net, exchanges: result.exchanges, timing, failed: Boolean(session.error) };
    await lab.onNewSession();
    const t = totals(result.exchanges).handshake;
    setStatus(session.error
      ? `The handshake with ${serverLabel()} failed${session.error.alert ? ` (${session.error.alert})` : ''}: see the Network panel.`
      : `New session with ${serverLabel()}: ${session.version}, ${session.suite}. ${t.n} HTTP round trip${t.n > 1 ? 's' : ''} in ${formatMs(t.ms)}.`);
    render();
    return session;
  }

  function cap(s) { return s.charAt(0).toUpperCase() + s.slice(1); }

  /** waitFor shows no session, and why, without an error. */
  function waitFor(notice) {
    state.session = null;
    state.exchanges = [];
    state.refusal = null;
    state.notice = notice;
    state.net = { ...state.net, exchanges: [], timing: null, failed: false };
    render();
  }

  const trustedRoots = () => readTrustedRoots(globalThis.localStorage);
  const saveTrustedRoots = (roots) => keepTrustedRoots(globalThis.localStorage, roots);

  /** loadServerInfo asks the server at the URL for GET /tls/info and decides whether its root is already trusted. */
  async function loadServerInfo() {
    const url = state.serverURL;
    state.net = { ...state.net, info: null, infoFor: url, infoError: '', trust: null };
    let out;
    try {
      allowedByCSP(url);
      out = await work(`Asking ${url}/tls/info who the server is`, () => engine.serverInfo({ server: 'url', url }));
    } catch (err) {
      state.net = { ...state.net, infoError: err.message };
      waitFor(`No handshake: ${url} did not answer as a TLS Playground server (see Server, above).`);
      setStatus(`Error: ${err.message}`);
      statusEl.dataset.error = 'true';
      return;
    }
    state.net = { ...state.net, info: out, trust: trustFor(out, trustedRoots()[url]) };
    render();
  }

  /** trustRoot makes pem the client's one trusted root for this server, remembers it, and connects. */
  async function trustRoot(pem) {
    const text = (pem || '').trim();
    const fingerprint = await rootFingerprint(text);
    state.net = { ...state.net, trust: { trusted: true, pem: `${text}\n`, fingerprint } };
    const roots = trustedRoots();
    roots[state.serverURL] = { fingerprint, pem: `${text}\n`, at: Date.now() };
    saveTrustedRoots(roots);
    await newSession();
  }

  /**
   * rootFingerprint is the SHA-256 of the first certificate in pem, hex, as
   * crypto/x509 reads it in the engine; it throws when pem holds none.
   */
  async function rootFingerprint(pem) {
    const [cert] = await engine.describeCertificates({ pem });
    if (!cert) throw new Error('that is not a certificate in PEM (-----BEGIN CERTIFICATE-----)');
    return cert.sha256;
  }

  function forgetTrust() {
    const roots = trustedRoots();
    delete roots[state.serverURL];
    saveTrustedRoots(roots);
    state.net = { ...state.net, trust: { trusted: false, pem: state.net.info ? state.net.info.info.rootPem || '' : '', fingerprint: state.net.info ? state.net.info.rootFingerprint : '' } };
    setStatus('Forgotten: the next connection to this server asks you again.');
    render();
  }

  const allowedByCSP = (base) => cspAllows(base, location.origin);

  /** chooseServer switches where the server runs, then runs a new session there. */
  async function chooseServer({ server, url }) {
    const next = parseServer(server === 'url' ? url || location.origin : server);
    if (server === 'url' && next.server !== 'url') throw new Error(`“${url}” is not an http:// or https:// URL`);
    const changed = next.server !== state.server || next.serverURL !== state.serverURL;
    Object.assign(state, next);
    if (changed) state.net = { ...state.net, info: null, infoFor: '', infoError: '', trust: null };
    if (changed) state.sessionOpts = null; // another server: no session prepared for the one before is taken
    writeHash();
    render();
    if (next.server === 'url') await loadServerInfo();
    await newSession();
  }

  async function probe(kind) {
    const result = await work(kind === 'tamper' ? 'Resending the last flight with a tampered token' : 'Replaying the last flight',
      () => engine.probe({ kind }));
    state.net = { ...state.net, exchanges: result.exchanges };
    const ex = result.exchange;
    const err = ex.response && ex.response.json && ex.response.json.error;
    setStatus(ex.response
      ? `Probe: ${serverLabel()} answered ${ex.response.status}${err ? ` ${err.code}: ${err.message}` : ex.same ? ', with the same bytes as the first time' : ''}.`
      : `Probe: no answer (${ex.error}).`);
    render();
  }

  /**
   * configure switches to the handshake asked for (made consistent first): a
   * new server key when the key type or size changed, then a new session.
   */
  async function configure(requested) {
    const next = normalizeConfig({ ...state, ...requested });
    Object.assign(state, next);
    writeHash();
    render();
    const f = state.setupFor;
    if (!f || f.keyType !== next.keyType || (next.keyType === 'rsa' && f.keyBits !== next.keyBits)) await runSetup();
    await newSession();
  }

  async function send(from, text) {
    if (state.server !== 'local') { await sendRemote(text); return; }
    const exchange = await work(`Encrypting as the ${from}`, () => engine.send({ from, text, ...at() }));
    state.exchanges = [...state.exchanges, exchange];
    state.session = await engine.exportSession(at());
    lab.onSessionGrew();
    setStatus(`The ${from} sent ${new TextEncoder().encode(text).length} bytes in record ${exchange.record + 1}; the ${exchange.to} decrypted it.`);
    render();
  }

  /** sendRemote sends text to the server behind HTTP, which answers it. */
  async function sendRemote(text) {
    const result = await work(`Sending ${new TextEncoder().encode(text).length} bytes to ${serverLabel()} in an HTTP request`,
      () => engine.message({ text }));
    const { session } = result;
    const added = result.exchanges.slice(result.exchanges.length - result.added);
    const hexOf = (records) => records.map((r) => (session.records[r.record] || {}).hex || '');
    const ex = added[added.length - 1];
    state.session = session;
    state.net = { ...state.net, exchanges: result.exchanges, failed: Boolean(session.error) };
    state.exchanges = [...state.exchanges, {
      remote: true, text, reply: result.received,
      sentHex: hexOf(added.flatMap((e) => e.sent)), receivedHex: hexOf(added.flatMap((e) => e.received)),
      http: ex ? { n: ex.n, status: ex.response ? ex.response.status : 0, ms: ex.ms } : null,
    }];
    setStatus(session.error
      ? `The message did not get through: ${session.error.message}`
      : `The client sent ${new TextEncoder().encode(text).length} bytes; ${serverLabel()} answered in ${ex ? formatMs(ex.ms) : '—'}: “${result.received}”.`);
    render();
  }

  async function closeConnection() {
    if (state.server !== 'local') {
      const result = await work(`Closing the connection with ${serverLabel()}`, () => engine.disconnect());
      state.session = result.session;
      state.net = { ...state.net, exchanges: result.exchanges };
      setStatus('Connection closed: the client sent close_notify in a last request, the server answered with its own; the client threw its keys away.');
      setStep(STEPS);
      return;
    }
    state.session = await work('Closing the connection', () => engine.close(at()));
    lab.onSessionGrew();
    setStatus('Connection closed: both sides sent close_notify and threw their keys away.');
    setStep(STEPS);
  }

  async function exportSession({ copy = false } = {}) {
    const session = state.server === 'local'
      ? await engine.exportSession(at())
      : { ...withoutSource(state.session), network: { server: state.server, url: state.serverURL || undefined, exchanges: state.net.exchanges } };
    const json = `${JSON.stringify(session, null, 2)}\n`;
    if (copy) {
      try {
        await navigator.clipboard.writeText(json);
        setStatus('The session JSON is on the clipboard.');
      } catch (err) {
        setStatus(`Could not copy to the clipboard (${err.message}); use Export session instead.`);
      }
      return;
    }
    const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `tls-session-${(session.secrets && session.secrets.clientRandom || session.seed || 'export').slice(0, 12)}.json`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    setStatus(`Exported ${session.records.length} records, the key log and every secret as ${a.download}.`);
  }

  /**
   * downloadCapture saves the session on screen (source 'session') or
   * Mallory's two connections ('mitm') as the engine writes them: a pcapng
   * with the key log inside, or the NSS key log alone. Made in the worker,
   * saved from a blob: URL: nothing is uploaded, and it works offline.
   */
  async function downloadCapture({ source = 'session', what = 'pcapng' }) {
    const c = await engine.sessionCapture({ source: source === 'mitm' ? 'mitm' : 'session', ...at() });
    const blob = what === 'keylog'
      ? new Blob([c.keylog], { type: 'text/plain' })
      : new Blob([c.pcapng], { type: 'application/vnd.tcpdump.pcap' });
    const file = what === 'keylog' ? `${c.name}-keylog.txt` : `${c.name}.pcapng`;
    saveBlob(blob, file);
    setStatus(what === 'keylog'
      ? `Saved the key log (${c.keylog.trim().split('\n').length} lines, NSS format) as ${file}.`
      : `Saved ${file}: ${c.streams === 1 ? 'one TCP stream' : `${c.streams} TCP streams`} and the key log inside, ${c.pcapng.length} bytes. Wireshark opens it decrypted.`);
  }

  /** saveBlob has the browser save blob as a file named name. */
  function saveBlob(blob, name) {
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  /**
   * mountWireViews adds, on a page that shows the session summary, the
   * session's records byte by byte (<tls-wire view="bytes">) and its
   * downloads for Wireshark; beside the attack lab, Mallory's download.
   */
  function mountWireViews() {
    const summary = $('tls-session-summary');
    if (summary && !$('tls-wire[data-page-wire]')) {
      const wire = document.createElement('tls-wire');
      wire.view = 'bytes';
      wire.dataset.pageWire = '';
      const title = document.createElement('h2');
      title.id = 'every-byte-title';
      title.textContent = 'Every byte';
      const note = document.createElement('p');
      note.className = 'explanation';
      note.textContent = 'Each record as it crossed the wire. Open one: hover or focus any byte (arrow keys move) to see the field it belongs to, its value, what it is for and where the RFC defines it. The engine’s analyzer names every byte; a record it decrypted with the key log shows its plaintext beside it.';
      const section = document.createElement('section');
      section.className = 'every-byte';
      section.setAttribute('aria-labelledby', title.id);
      section.append(title, note, document.createElement('tls-capture-download'), wire);
      summary.after(section);
    }
    const labEl = $('tls-attack-lab');
    if (labEl && !$('tls-capture-download[source="mitm"]')) {
      const d = document.createElement('tls-capture-download');
      d.setAttribute('source', 'mitm');
      labEl.after(d);
    }
  }

  /** guard runs an async action and shows its failure instead of throwing it at the console. */
  async function guard(action) {
    try {
      await action();
    } catch (err) {
      setStatus(`Error: ${err.message}`);
      statusEl.dataset.error = 'true';
      return;
    }
    delete statusEl.dataset.error;
  }

  // ---- events --------------------------------------------------------------------

  // Until the engine is ready (the recorded first session on screen), stepping
  // works and what needs the engine waits for it, saying so.
  let engineUp;
  const live = new Promise((resolve, reject) => { engineUp = { resolve, reject }; });
  live.catch(() => {});

  /** whenLive runs fn now if the engine runs the session on screen, else once it does (what: for the status line). */
  async function whenLive(what, fn) {
    if (!state.live) {
      setStatus(`${what} as soon as the engine is ready: it is still loading…`, { busy: true });
      marks.dataset.waiting = what;
      try {
        await live;
      } finally {
        delete marks.dataset.waiting;
      }
    }
    return fn();
  }

  const needs = (what, fn) => guard(() => whenLive(what, fn));

  on(root, 'tls-command', (e) => {
    const { command, value } = e.detail;
    if (command !== 'run-all') stopRunAll();
    switch (command) {
      case 'prev': setStep(state.step - 1); landOnStep({ onlyIfHidden: true }); break;
      case 'next': setStep(state.step + 1); landOnStep({ onlyIfHidden: true }); break;
      case 'run-all': runAll(); break;
      case 'new-session': needs('A new session runs', newSession); break;
      case 'close': needs('The connection closes', closeConnection); break;
      case 'export': needs('The session is exported', () => exportSession()); break;
      case 'copy': needs('The session is copied', () => exportSession({ copy: true })); break;
      case 'configure': needs('The handshake you chose runs', () => configure(value)); break;
      case 'server': needs('The server you chose connects', () => chooseServer(value)); break;
      case 'trust': needs('The client connects', () => trustRoot(value.pem)); break;
      case 'forget-trust': forgetTrust(); break;
      case 'probe': needs('The probe runs', () => probe(value)); break;
      case 'download-capture': needs('The capture is saved', () => downloadCapture(value)); break;
      default: break;
    }
  });

  on(root, 'tls-select-step', (e) => { stopRunAll(); setStep(e.detail.step); landOnStep({ onlyIfHidden: true }); });

  on(root, 'tls-send', (e) => needs('Your message is sent', () => send(e.detail.from, e.detail.text)));

  on(root, 'tls-compare', (e) => runComparison(e.detail.text));

  on(root, 'tls-attack', (e) => needs('The attack runs', () => labAction(() => lab.handle(e.detail))));

  /** labAction runs an attack; its failure is shown in the lab as well as in the status line. */
  async function labAction(fn) {
    lab.setError('');
    try {
      await fn();
    } catch (err) {
      lab.setError(err.message);
      render();
      throw err;
    }
    if (lab.attack) replaceFragment(lab.hash());
    render();
  }

  /**
   * openLab shows an attack (or a scenario) of the lab, scrolls to it, moves
   * keyboard focus there, and runs what it runs on arrival.
   */
  async function openLab({ attack, scenario }) {
    preloadLab();
    await loadLater(['lab']);
    const running = lab.open({ attack, scenario });
    const labEl = $('tls-attack-lab');
    // An attack's link lands on its panel; a scenario's on its result (which a
    // narrow screen shows next to the chosen case). Once the attack has run, the
    // view is brought back if the layout moved it, unless the visitor scrolled.
    const target = () => (scenario && labEl && labEl.querySelector('.scenario-result')) || labEl || $('#attacks');
    visitorMoved = false;
    if (!embedded) reveal(target());
    if (mayFocus()) labEl?.focusPanel();
    await labAction(() => running);
    if (!embedded && !visitorMoved) reveal(target(), { onlyIfHidden: true });
  }

  // A step link (the list of seven, or a deep link typed in) moves the panel,
  // and keyboard focus with it, so the next Tab continues inside the step. A
  // link that names a mode, group or key switches the handshake first.
  if (routed) on(window, 'hashchange', () => {
    if (/^#glossary-/.test(location.hash)) return; // <tls-glossary> follows these itself
    cancelHash(); // the link the visitor followed wins over a write still waiting
    const p = parseHash();
    if (p.compare) { showComparison().catch(() => {}); return; }
    stopRunAll();
    if (p.attack || p.scenario) {
      const want = normalizeConfig({ mode: p.mode ?? state.mode, group: p.group ?? state.group, keyType: state.keyType, keyBits: state.keyBits, suiteOrder: state.suiteOrder });
      const link = location.hash;
      guard(async () => {
        if (state.ready && (want.mode !== state.mode || want.group !== state.group)) await configure(want);
        replaceFragment(link);
        await openLab(p);
      });
      return;
    }
    const asked = {
      mode: p.mode ?? state.mode, group: p.group ?? state.group,
      keyType: p.key ?? state.keyType, keyBits: p.bits ?? state.keyBits, suiteOrder: state.suiteOrder,
    };
    const next = normalizeConfig(asked);
    const changed = ['mode', 'group', 'keyType', 'keyBits'].some((k) => next[k] !== state[k]);
    const server = p.server === null ? null : parseServer(p.server);
    const moved = server && (server.server !== state.server || server.serverURL !== state.serverURL);
    if (p.step) state.step = p.step;
    if (moved && state.ready) {
      guard(async () => {
        Object.assign(state, next);
        await chooseServer({ server: server.server, url: server.serverURL });
      });
    } else if (changed && state.ready) guard(() => configure(next));
    else setStep(state.step);
    if (p.view === 'schedule') { reveal($('tls-key-schedule')); return; }
    if (p.step || p.mode) landOnStep();
    if (state.ready && p.step && mayFocus()) $('tls-step-panel')?.focusHeading();
  });

  on(routed ? document : root, 'keydown', (e) => {
    if (!state.session || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    const t = e.target;
    if (t && (t.closest('input, select, textarea, [contenteditable]'))) return;
    if (e.key === 'ArrowRight') { stopRunAll(); setStep(state.step + 1); landOnStep({ onlyIfHidden: true }); e.preventDefault(); }
    if (e.key === 'ArrowLeft') { stopRunAll(); setStep(state.step - 1); landOnStep({ onlyIfHidden: true }); e.preventDefault(); }
  });

  // ---- the comparison (compare.js) ------------------------------------------------

  const comparison = createComparison({
    engine: () => engine,
    handles: () => hasHandles(engine),
    alone: () => !showsSession() && !(engine === shared && sharers > 1),
    keys: async () => {
      if (!keyring.ca) await loadKeyring();
      return setupKeys('rsa', 2048);
    },
    serverName: SERVER_NAME,
    set: (v) => setCompare(v),
  });

  function setCompare(v) {
    state.compare = { ...state.compare, ...v };
    render();
  }

  /** runComparison runs a classic and a TLS 1.3 handshake with the same key and sends text over each. */
  function runComparison(text) {
    if (state.compare.busy) return Promise.resolve();
    return comparison.run(text);
  }

  /** release gives a handle back to the engine, quietly (the engine may be gone). */
  function release(id) {
    if (id && hasHandles(engine)) engine.releaseSession(id).catch(() => {});
  }

  /** showComparison scrolls to the comparison and runs it once. */
  async function showComparison() {
    if (!$('tls-comparison')) return;
    await loadLater(['compare']);
    const el = $('tls-comparison');
    if (!el || disposed) return;
    if (!embedded) reveal(el);
    if (mayFocus()) el.focusHeading();
    if (state.ready && !state.compare.result && !state.compare.busy) {
      await runComparison(el.state.text);
      // What renders above it meanwhile (the wire and key schedule draw in tasks of their
      // own) may have moved it: land on it again, unless the visitor has scrolled by then.
      if (!embedded && !visitorMoved && !disposed) {
        const { top } = el.getBoundingClientRect();
        if (top < stickyHeight() || top >= innerHeight * 0.6) reveal(el);
      }
    }
  }

  // ---- start ---------------------------------------------------------------------

  // ---- below the first screen (below-fold.js) ------------------------------------------

  const parts = new Map(); // a part below the first screen (below-fold.js) → the promise of its elements bound
  /**
   * loadLater imports the parts below the first screen named (default: every one this view has), at
   * once (someone waits for them), and binds their elements as they upgrade: → when all are.
   */
  function loadLater(names = partsUnder(root)) {
    return Promise.all(names.map((name) => {
      if (!parts.has(name)) {
        const p = loadPart(name).then((mod) => partLoaded(name, mod));
        p.catch((err) => {
          parts.delete(name);
          if (!disposed) showFailure(root, name, err);
        });
        parts.set(name, p);
      } else {
        loadPart(name); // imported one by one so far: the rest at once
      }
      return parts.get(name);
    }));
  }

  /** partLoaded connects what a part needs from the view (its engine) and binds its elements. */
  function partLoaded(name, mod) {
    if (disposed) return;
    if (name === 'lab') mod.connectExposure((arg) => engine.callJSON('exposure', arg));
    // Bring your own capture, and a real browser's hello (capture-import.js, hello-compare.js).
    if (name === 'browser') {
      mod.connectCapture({
        importCapture: (file, keylog, opts) => engine.importCapture(file, keylog, opts),
        browserHello: (opts) => engine.browserHello(opts),
      });
    }
    render();
  }

  let watching = false;
  /**
   * loadWhenIdle, once the first session is on screen and the main thread idle, watches the parts
   * below the first screen: each loads when it comes near the viewport, keyboard focus reaches it or
   * the visitor first presses Tab (below-fold.js watchParts).
   */
  function loadWhenIdle() {
    if (watching) return;
    watching = true;
    const idle = globalThis.requestIdleCallback || ((fn) => setTimeout(fn, 50));
    idle(() => {
      if (disposed) return;
      const stop = watchParts(root, PART_NAMES.filter((name) => !parts.has(name)), (name, mod) => {
        if (!parts.has(name)) parts.set(name, Promise.resolve(partLoaded(name, mod)));
      });
      disposers.push(stop);
    }, { timeout: 2000 });
  }

  let labAsked = false;
  /** preloadLab has the engine load its lab module ahead of the first attack (engine.preload). */
  function preloadLab() {
    if (labAsked || !engine || typeof engine.preload !== 'function') return;
    labAsked = true;
    engine.preload('lab').catch(() => { labAsked = false; });
  }

  // The visitor's pointer or focus on a link to the lab: its modules start loading now.
  const toLab = (e) => {
    const t = e.target;
    if (!(t instanceof Element) || !t.closest('a[href^="#attack="], a[href^="#scenario="], [data-attack-link]')) return;
    loadLater().catch(() => {});
    preloadLab();
  };
  on(root, 'pointerover', toLab, { passive: true });
  on(root, 'focusin', toLab);

  /** showsSession says whether this view has an element that shows the session on screen. */
  function showsSession() {
    return Boolean($('tls-step-panel, tls-sequence-diagram, tls-key-schedule, tls-attack-lab, tls-session-summary'));
  }

  /**
   * showRecorded puts the recorded first session on screen while the engine
   * loads (issue 9's first view), when it is what the view asked for: the
   * classic handshake with the starter RSA-2048 key, both ends in one engine.
   * The live session replaces it at the same step.
   */
  async function showRecorded(since) {
    if (!takeRecorded(await firstSession)) return;
    render();
    recordedShown(since);
  }

  /** takeRecorded makes rec, the recorded first session, the view's session if it is the one asked for (above): → whether it did. */
  function takeRecorded(rec) {
    if (!rec || state.live || state.session || disposed) return false;
    if (state.mode !== 'classic' || state.server !== 'local' || state.keyType !== 'rsa' || state.keyBits !== 2048) return false;
    state.session = rec.session;
    if (rec.setup) state.setup = rec.setup;
    marks.dataset.firstView = 'recorded';
    return true;
  }

  /** recordedShown follows the render that put the recorded session on screen. */
  function recordedShown(since) {
    performance.mark('tls-playground:recorded');
    loadWhenIdle();
    // An engine that could not start has said so in the status line: keep that message.
    if (!state.live && marks.dataset.state !== 'failed') {
      setStatus('Showing the session this engine ran at build time with the starter key; loading the engine to run a live one…', { busy: true, since });
    }
  }

  let disposed = false;

  /**
   * askFirstSession posts the first session's setup and handshake to the
   * engine as soon as the keys are read, before the engine is ready (issue 9:
   * the live session on screen sooner). The worker queues them behind its
   * start and runs them in order as soon as Go is up, with no round trip
   * through this thread between them. It resolves
   * {req, setup, opts, session}: the setup's request and the two calls'
   * promises, which runSetup and newSession take up once the engine is ready
   * (the status line says what the engine does only from then on).
   */
  async function askFirstSession(keysLoaded) {
    await keysLoaded;
    await recordedRead;
    const req = setupRequest();
    const setup = engine.setup(req.opts, { onProgress: req.onProgress });
    const opts = sessionOptions();
    const session = engine.newSession({ ...opts, ...at() });
    // Whoever takes them up hears of a failure; one not taken up (other options asked for by then) is dropped.
    setup.catch(() => {});
    session.catch(() => {});
    return { req, setup, opts, session };
  }

  /**
   * askAbout asks the engine what it can do (the worker answers that itself,
   * without Go) and for its catalogue (modes, groups, suites, checks with their
   * teaching text, which replaces the seed): → {capabilities, catalogue}, two
   * promises that never reject.
   */
  function askAbout() {
    return {
      capabilities: engine.capabilities().catch(() => ({ remote: false, pageServer: false })),
      catalogue: engine.callJSON('catalogue').catch(() => null),
    };
  }

  async function start() {
    mountWireViews();
    // The recorded first session, when it is here already (app.js: fetched with the page), is in
    // the view's first render: no render without it, and no frame of that, before it.
    // (It is rendered below, once the engine has been asked for the live one.)
    const recordedNow = Boolean(firstSession) && typeof firstSession.then !== 'function' && showsSession() && takeRecorded(firstSession);
    if (!recordedNow) render();
    // A deep link to a step lands on it now (the seven steps are text before the
    // engine runs) and again once the session is drawn, unless the visitor has
    // started scrolling by then.
    const arrival = parseHash();
    const deepStep = Boolean(arrival.step || arrival.mode) && !arrival.compare && !arrival.attack && !arrival.scenario && !arrival.view;
    if (deepStep && !embedded && !recordedNow) landOnStep();
    const since = performance.now();
    setStatus('Loading the engine (Go compiled to WebAssembly)…', { busy: true, since });
    if (given) engine = given;
    else if (routed) engine = new Engine();
    else { engine = sharedEngine(); sharers++; }
    // A view beside others keeps the session on screen in a handle of its own.
    ownHandles = !routed && hasHandles(engine);
    connectAnalyzer((arg) => engine.analyze(arg));
    // A link to the lab, the comparison or another part below the first screen
    // (or a view with no steps to show first) loads what it needs at once, and
    // the lab's engine module ahead of the first attack.
    const wantsLater = arrival.compare || arrival.attack || arrival.scenario || arrival.view
      || (routed && /^#[a-z][\w-]*$/i.test(location.hash)) || !$('tls-step-panel');
    if (arrival.attack || arrival.scenario) preloadLab();
    if (wantsLater) loadLater().catch(() => {});
    // The recorded first session, shown while the engine starts (when it is not here yet).
    if (!recordedNow && firstSession && showsSession()) showRecorded(since).catch(() => {});
    // The keys kept in this browser (or the starter pair) are read while the engine starts.
    const keysLoaded = showsSession() ? loadKeyring() : null;
    // The first live session is asked for now, before the engine is ready
    // (askFirstSession); the catalogue, which can wait, is asked for after it.
    const ahead = showsSession() && state.server === 'local' && !ownHandles ? askFirstSession(keysLoaded) : null;
    const asked = ahead ? ahead.then(askAbout, askAbout) : null;
    // The recorded session here already is rendered now, in the task that made the view and
    // asked the engine for the live session (in a built page, the last of the bundle's tasks,
    // which evaluate its modules a few ms a task after the parse has ended: jsbundle.WriteSplit):
    // a task of its own (scheduler.yield) came after the parser's other work (pwa.js,
    // DOMContentLoaded's layout of the page without it) and often after a frame, and put the
    // recorded session on screen ~50-250 ms later on a loaded machine for ~3 ms of CPU less in
    // the longest task (ab-bench, 12 rounds each order: recorded 0.57 and 0.90 of the time). The
    // diagram and the key schedule still come a frame or two later (dom.js laterFrame).
    if (recordedNow) {
      render();
      if (deepStep && !embedded) landOnStep();
      recordedShown(since);
    }
    const { ms } = await engine.ready;
    if (disposed) return;
    performance.mark('tls-playground:engine-ready');
    marks.dataset.engineReadyMs = String(Math.round(performance.now()));
    setStatus(`Engine ready in ${Math.round(performance.now())} ms after navigation (${Math.round(ms)} ms in the worker).`);
    state.ready = true; // from here on the controls work, even if the handshake asked for is refused
    if (!asked) {
      const about = askAbout();
      state.capabilities = await about.capabilities;
      setCatalogue(await about.catalogue);
      if (state.server !== 'local' && !(state.server === 'page' ? state.capabilities.pageServer : state.capabilities.remote)) {
        Object.assign(state, { server: 'local', serverURL: '' });
      }
    }
    try {
      if (ahead) {
        const first = await ahead;
        await keysLoaded;
        // The setup asked for ahead failed (a kept key the engine refused): runSetup
        // made another, and the handshake queued behind the failed one is not this one's.
        const setUp = await first.setup.then(() => true, () => false);
        // (Only for the key asked for now: another one meanwhile makes its own setup.)
        const same = first.req.keyType === state.keyType && first.req.keyBits === state.keyBits;
        await (same ? runSetup(first.req, first.setup) : runSetup());
        await newSession(setUp && same ? first : null);
      } else if (showsSession()) {
        await keysLoaded;
        await runSetup();
        await newSession();
      } else {
        setStatus('Engine ready.');
      }
    } catch (err) {
      // The handshake a link asked for was refused: the page works, the message says why.
      setStatus(`Error: ${err.message}`);
      statusEl.dataset.error = 'true';
    } finally {
      if (asked) {
        // The catalogue is the seed's until it comes (the engine answers it after the first session).
        const about = await asked;
        state.capabilities = await about.capabilities;
        about.catalogue.then(setCatalogue);
      }
      // The engine is in charge from here: what waited for it runs now.
      state.live = true;
      engineUp.resolve();
      const { compare, attack, scenario, view } = parseHash();
      // A link to a part of the page (#import, #hello-compare, #glossary-aead) keeps its fragment.
      const anchor = routed && /^#[a-z][\w-]*$/i.test(location.hash) && Boolean(document.getElementById(location.hash.slice(1)));
      setStep(state.step, { hash: !compare && !attack && !scenario && !view && !anchor });
      marks.dataset.state = 'ready';
      if (routed) performance.mark('tls-playground:ready');
      loadWhenIdle();
      // Arrival scrolling, now and again once the first drawings are in: the sequence diagram
      // and the key schedule come a frame or two after the rest (dom.js laterFrame) and move
      // what is below them (on a phone, the step text and the key schedule).
      const arrive = () => {
        if (embedded || visitorMoved) return;
        if (deepStep) landOnStep();
        if (view === 'schedule') reveal($('tls-key-schedule'));
      };
      arrive();
      settled().then(arrive);
      if (compare) showComparison().catch(() => {});
      if (attack || scenario) guard(() => openLab({ attack, scenario }));
      // The first session is on screen: now the engine makes the visitor's own
      // keys, if this browser has none yet (an embed, a guest in another page,
      // keeps whatever it has and generates nothing unasked).
      // It starts once the session has been painted.
      if (state.setup && !embedded && routed) requestAnimationFrame(() => setTimeout(() => makeFreshKeys(), 0));
    }
  }

  /** fail says the engine could not start, in the view's status line. */
  function fail(err) {
    marks.dataset.state = 'failed';
    loadWhenIdle();
    engineUp.reject(err);
    setStatus(embedded
      ? `The engine could not start: ${err.message}. Open the full page (link above) to read the seven steps.`
      : `The engine could not start: ${err.message}. The seven steps above still explain the handshake.`);
    statusEl.dataset.error = 'true';
  }

  /** dispose ends the view: its controllers unsubscribe, its listeners go, its handles are released. */
  function dispose() {
    if (disposed) return;
    disposed = true;
    stopRunAll();
    cancelHash();
    cancelPrepare();
    clearInterval(elapsedTimer);
    for (const el of [...bound.keys()]) unbind(el);
    for (const undo of disposers.splice(0)) undo();
    comparison.dispose();
    release(handle);
    lab.dispose();
    if (engine && engine === shared && --sharers === 0) {
      // The last view of the document gives the shared worker back.
      shared.terminate?.();
      shared = null;
    }
  }

  return {
    start: () => start().catch((err) => { fail(err); throw err; }),
    dispose,
    store,
    state,
    get engine() { return engine; },
  };
}
