// app.js wires the page: it starts the engine, keeps the page's state (the
// setup, the session, the current step, the messages sent) and hands it to
// every mounted component. Components never talk to the engine; they emit
// events (tls-command, tls-select-step, tls-send) that land here.

import { Engine } from './engine.js';
import './components/sequence-diagram.js';
import './components/step-panel.js';
import './components/message-composer.js';
import './components/controls.js';
import './components/session-summary.js';

const STEPS = 7;
const RUN_ALL_DELAY_MS = 450;

const state = {
  ready: false,      // a first session is shown
  busy: false,       // the engine is working for us
  setup: null,
  session: null,
  step: stepFromHash() || 1,
  exchanges: [],
  keyBits: 2048,
};

const $ = (sel) => document.querySelector(sel);
const all = (sel) => document.querySelectorAll(sel);
const statusEl = $('#engine-status');
const errorEl = $('.session-error');

let engine;
let runAllTimer = 0;

// ---- rendering -------------------------------------------------------------

function render() {
  const { session, step, setup } = state;
  for (const el of all('tls-sequence-diagram')) { el.session = session; el.step = step; }
  for (const el of all('tls-step-panel')) { el.session = session; el.step = step; }
  for (const el of all('tls-message-composer')) {
    el.session = session; el.exchanges = state.exchanges; el.step = step; el.busy = state.busy;
  }
  for (const el of all('tls-session-summary')) { el.setup = setup; el.session = session; }
  for (const el of all('tls-controls')) {
    el.state = {
      step, ready: state.ready, busy: state.busy, keyBits: state.keyBits,
      closed: Boolean(session && session.closed), failed: Boolean(session && session.error),
    };
  }
  for (const a of all('[data-step-link]')) {
    if (Number(a.dataset.stepLink) === step) a.setAttribute('aria-current', 'step');
    else a.removeAttribute('aria-current');
  }
  renderError(session && session.error);
}

function renderError(error) {
  errorEl.hidden = !error;
  if (!error) { errorEl.replaceChildren(); return; }
  const strong = document.createElement('strong');
  strong.textContent = `The handshake failed: the ${error.side} sent the alert “${error.alert}”.`;
  const p = document.createElement('p');
  p.textContent = error.message;
  errorEl.replaceChildren(strong, p);
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

// ---- steps -------------------------------------------------------------------

function stepFromHash() {
  const m = /^#step=([1-7])$/.exec(location.hash);
  return m ? Number(m[1]) : 0;
}

function setStep(n) {
  const step = Math.min(STEPS, Math.max(1, n));
  state.step = step;
  if (location.hash !== `#step=${step}`) history.replaceState(null, '', `#step=${step}`);
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

/** work runs one engine call with the controls disabled and reports failure in the status line. */
async function work(label, fn, { timed = false } = {}) {
  state.busy = true;
  render();
  setStatus(`${label}…`, { busy: true, since: timed ? performance.now() : undefined });
  try {
    return await fn();
  } finally {
    state.busy = false;
    render();
  }
}

/** What the engine is doing at each stage of setup (pki.Stage). */
const SETUP_STAGES = {
  'ca-key': () => 'Generating the root CA’s RSA key',
  'server-key': (bits) => `Generating the server’s RSA-${bits} key`,
  'ca-cert': () => 'Self-signing the root certificate',
  'leaf-cert': () => 'Issuing the server’s certificate, signed by the root',
};

async function runSetup(keyBits) {
  const t0 = performance.now();
  state.keyBits = keyBits;
  const onProgress = (stage) => {
    const text = SETUP_STAGES[stage] ? SETUP_STAGES[stage](keyBits) : stage;
    statusEl.querySelector('.status-text').textContent = `${text} in the worker…`;
    statusEl.dataset.stage = stage;
  };
  const setup = await work(`Generating RSA keys (${keyBits}-bit server key) and certificates in the worker`,
    () => engine.setup({ keyBits, serverName: 'playground.test' }, { onProgress }), { timed: true });
  delete statusEl.dataset.stage;
  state.setup = setup;
  const took = performance.now() - t0;
  setStatus(`Root CA, RSA-${keyBits} server key and certificate ready in ${(took / 1000).toFixed(2)} s.`);
  return setup;
}

async function newSession() {
  const session = await work('Running a new handshake', () => engine.newSession({}));
  state.session = session;
  state.exchanges = [];
  const s = session.error
    ? `The handshake failed (${session.error.alert}).`
    : `New session: ${session.version}, ${session.suite}. New randoms, new secrets, new keys.`;
  setStatus(s);
  render();
  return session;
}

async function send(from, text) {
  const exchange = await work(`Encrypting as the ${from}`, () => engine.send({ from, text }));
  state.exchanges = [...state.exchanges, exchange];
  state.session = await engine.exportSession();
  setStatus(`The ${from} sent ${new TextEncoder().encode(text).length} bytes in record ${exchange.record + 1}; the ${exchange.to} decrypted it.`);
  render();
}

async function closeConnection() {
  state.session = await work('Closing the connection', () => engine.close());
  setStatus('Connection closed: both sides sent close_notify and threw their keys away.');
  setStep(STEPS);
}

async function exportSession({ copy = false } = {}) {
  const session = await engine.exportSession();
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

document.addEventListener('tls-command', (e) => {
  const { command, value } = e.detail;
  if (command !== 'run-all') stopRunAll();
  switch (command) {
    case 'prev': setStep(state.step - 1); break;
    case 'next': setStep(state.step + 1); break;
    case 'run-all': runAll(); break;
    case 'new-session': guard(newSession); break;
    case 'close': guard(closeConnection); break;
    case 'export': guard(() => exportSession()); break;
    case 'copy': guard(() => exportSession({ copy: true })); break;
    case 'key-size': guard(async () => { await runSetup(value); await newSession(); }); break;
    default: break;
  }
});

document.addEventListener('tls-select-step', (e) => { stopRunAll(); setStep(e.detail.step); });

document.addEventListener('tls-send', (e) => guard(() => send(e.detail.from, e.detail.text)));

// A step link (the list of seven, or a deep link typed in) moves the panel,
// and keyboard focus with it, so the next Tab continues inside the step.
window.addEventListener('hashchange', () => {
  const n = stepFromHash();
  if (!n) return;
  stopRunAll();
  setStep(n);
  if (state.ready) document.querySelector('tls-step-panel')?.focusHeading();
});

document.addEventListener('keydown', (e) => {
  if (!state.ready || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
  const t = e.target;
  if (t && (t.closest('input, select, textarea, [contenteditable]'))) return;
  if (e.key === 'ArrowRight') { stopRunAll(); setStep(state.step + 1); e.preventDefault(); }
  if (e.key === 'ArrowLeft') { stopRunAll(); setStep(state.step - 1); e.preventDefault(); }
});

// ---- start ---------------------------------------------------------------------

async function start() {
  render();
  setStatus('Loading the engine (Go compiled to WebAssembly)…', { busy: true, since: performance.now() });
  engine = new Engine();
  const { ms } = await engine.ready;
  performance.mark('tls-playground:engine-ready');
  document.body.dataset.engineReadyMs = String(Math.round(performance.now()));
  setStatus(`Engine ready in ${Math.round(performance.now())} ms after navigation (${Math.round(ms)} ms in the worker).`);
  await runSetup(state.keyBits);
  await newSession();
  state.ready = true;
  setStep(state.step);
  document.body.dataset.state = 'ready';
  performance.mark('tls-playground:ready');
}

start().catch((err) => {
  document.body.dataset.state = 'failed';
  setStatus(`The engine could not start: ${err.message}. The seven steps above still explain the handshake.`);
  statusEl.dataset.error = 'true';
});
