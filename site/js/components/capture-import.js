// <tls-capture-import> opens a capture a learner made of their own browser
// (a .pcap or .pcapng from Wireshark, tshark or dumpcap) with, optionally,
// the key log the browser wrote (SSLKEYLOGFILE): the engine finds the TLS
// connections in it, decrypts their records with the logged secrets,
// recomputes both Finished values and rebuilds the key schedule; this
// element lists the connections and, for the one chosen, shows its
// handshake in the sequence diagram, every record's fields (the analyzer,
// through <tls-wire>), the Finished checks and the key schedule.
//
// Nothing is uploaded: the file's bytes go to the engine's Web Worker in
// this tab, which parses them (with progress for a large file), so the page
// never freezes. A bad file gets the engine's own message, which names what
// is wrong (not a capture, cut short, no TLS, keys of another connection).
//
// The engine is reached through connectCapture(), which the view (view-controller.js) calls once
// the engine runs (as analysis.js's connectAnalyzer):
//
//   connectCapture({
//     importCapture: (file, keylog, opts) => engine.importCapture(file, keylog, opts),
//     browserHello: (opts) => engine.browserHello(opts),   // <tls-hello-compare>
//   });
//
// file and keylog are Uint8Arrays (keylog may be undefined); opts {name,
// onProgress} hears [done, total] as the engine reads. The Import is
// playground/capture's Summary: {format, frames, keyLogLines,
// embeddedKeyLogLines, connections: [Connection], other: [{client, server,
// bytes, why}], problems}, Connection: {index, client, server, sni, version,
// suite, decrypted, records: [{from, length, type, encrypted, decrypted,
// key, seq, err, note}], messages: [Message], finished: [{side, expected,
// got, ok, how}], keySchedule: {nodes}, problems}. A record's bytes and
// fields come one at a time, when shown (analysis.js, source 'import').
//
// Events: tls-capture-connection {importId, connection, label, show} on the
// document when a connection is chosen (<tls-hello-compare> offers its
// ClientHello); connection null when the capture is closed.
// Attributes it sets: data-state ('idle' | 'busy' | 'done' | 'failed'),
// data-runs (how many imports have finished, for whoever waits for the next).

import { h, fill, classes, emit } from '../dom.js';
import { formatByteCount } from '../hex.js';
import './sequence-diagram.js';
import './key-schedule.js';
import './wire.js';

// ---- the connection to the engine (set by the view) -------------------------------

let engineFns = null;
const listeners = new Set();

/** connectCapture sets the functions that reach the engine; waiting components are told. */
export function connectCapture(fns) {
  engineFns = fns;
  for (const l of listeners) l();
}

/** captureEngine returns what connectCapture set, or null before the engine runs. */
export function captureEngine() {
  return engineFns;
}

/** onCaptureEngine calls fn whenever the engine is (re)connected; returns the unsubscribe. */
export function onCaptureEngine(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

// ---- arriving on a link to the element ----------------------------------------------

/**
 * landOnArrival keeps el in view when the page was opened on a link to it
 * (#import, #hello-compare): the browser scrolls there at once, but the page
 * above grows as the engine fills it in, so el is put back under the sticky
 * controls each time the page or el changes size, until the visitor scrolls,
 * types or clicks, or the page has been ready for three seconds. It scrolls
 * this window only.
 */
export function landOnArrival(el) {
  if (!el.id || location.hash !== `#${el.id}` || typeof ResizeObserver !== 'function') return;
  let done = false;
  const stop = () => {
    done = true;
    observer.disconnect();
    for (const type of ['wheel', 'touchstart', 'keydown', 'mousedown']) removeEventListener(type, stop, true);
  };
  const land = () => {
    if (done) return;
    const margin = parseFloat(getComputedStyle(el).scrollMarginTop) || 0;
    const top = Math.max(0, el.getBoundingClientRect().top + scrollY - margin);
    if (Math.abs(top - scrollY) > 1) scrollTo({ top, behavior: 'auto' });
  };
  const observer = new ResizeObserver(land);
  observer.observe(document.body);
  observer.observe(el);
  for (const type of ['wheel', 'touchstart', 'keydown', 'mousedown']) addEventListener(type, stop, true);
  // The first session drawn (body[data-state] ready or failed), the page settles: a few seconds more.
  const settled = () => ['ready', 'failed'].includes(document.body.dataset.state);
  if (settled()) setTimeout(stop, 3000);
  else {
    const watch = new MutationObserver(() => {
      if (!settled()) return;
      watch.disconnect();
      setTimeout(stop, 3000);
    });
    watch.observe(document.body, { attributes: true, attributeFilter: ['data-state'] });
  }
}

// ---- what a dropped file is -----------------------------------------------------

/** MAX_FILE is the largest capture read into the page: beyond it, cut the capture with editcap first. */
const MAX_FILE = 256 * 1024 * 1024;

/** isCapture tells a pcap or pcapng file by its first four bytes (its magic number). */
function isCapture(bytes) {
  if (bytes.length < 4) return false;
  const m = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
  return [0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1, 0x0a0d0d0a].includes(m);
}

/** looksLikeKeyLog tells an NSS key log by a label at the start of a line. */
function looksLikeKeyLog(bytes) {
  const head = new TextDecoder().decode(bytes.subarray(0, 4096));
  return /^(CLIENT_RANDOM|CLIENT_HANDSHAKE_TRAFFIC_SECRET|SERVER_HANDSHAKE_TRAFFIC_SECRET|CLIENT_TRAFFIC_SECRET_0|EXPORTER_SECRET|#)/m.test(head);
}

let imports = 0;

export class CaptureImport extends HTMLElement {
  constructor() {
    super();
    this.uid = `capture-import-${++imports}`;
    this.files = { capture: null, keylog: null };
    this.result = null;
    this.chosen = -1;
  }

  connectedCallback() {
    if (!this.form) this.build();
    this.offEngine = onCaptureEngine(() => this.update());
    this.update();
    landOnArrival(this);
  }

  disconnectedCallback() {
    if (this.offEngine) this.offEngine();
  }

  build() {
    const id = this.uid;
    this.captureInput = h('input', {
      type: 'file', id: `${id}-capture`, accept: '.pcap,.pcapng,.cap,application/vnd.tcpdump.pcap', 'data-testid': 'import-capture-file',
    });
    this.keylogInput = h('input', {
      type: 'file', id: `${id}-keylog`, accept: '.txt,.log,.keys,.keylog,text/plain', 'data-testid': 'import-keylog-file',
    });
    this.captureInput.addEventListener('change', () => this.take('capture', this.captureInput.files[0]));
    this.keylogInput.addEventListener('change', () => this.take('keylog', this.keylogInput.files[0]));
    this.open = h('button', { type: 'submit', 'data-testid': 'import-open' }, 'Open');
    this.clear = h('button', { type: 'button', class: 'secondary', 'data-testid': 'import-clear' }, 'Close the capture');
    this.clear.addEventListener('click', () => this.reset());
    this.chosenFiles = h('p', { class: 'import-files', 'data-testid': 'import-files' });
    this.drop = h('div', { class: 'drop-zone', 'data-testid': 'import-drop' },
      h('p', { class: 'drop-hint' }, 'Drop a capture here (and its key log with it), or choose the files:'),
      h('p', { class: 'file-row' }, h('label', { for: this.captureInput.id }, 'Capture (.pcap, .pcapng)'), this.captureInput),
      h('p', { class: 'file-row' }, h('label', { for: this.keylogInput.id }, 'Key log (optional: the file SSLKEYLOGFILE names)'), this.keylogInput),
      this.chosenFiles);
    for (const type of ['dragenter', 'dragover']) {
      this.drop.addEventListener(type, (e) => { e.preventDefault(); this.drop.classList.add('over'); });
    }
    this.drop.addEventListener('dragleave', () => this.drop.classList.remove('over'));
    this.drop.addEventListener('drop', (e) => {
      e.preventDefault();
      this.drop.classList.remove('over');
      this.dropped([...((e.dataTransfer && e.dataTransfer.files) || [])]);
    });
    this.form = h('form', { class: 'import-form' }, this.drop, h('p', { class: 'import-actions' }, this.open, ' ', this.clear));
    this.form.addEventListener('submit', (e) => { e.preventDefault(); this.run(); });
    this.progress = h('progress', { class: 'import-progress', max: 1, value: 0, hidden: true, 'aria-label': 'Reading the capture' });
    this.status = h('p', { class: 'import-status', role: 'status', 'data-testid': 'import-status' });
    this.error = h('div', { class: 'session-error', role: 'alert', 'data-testid': 'import-error', hidden: true });
    this.list = h('div', { class: 'import-connections' });
    this.detail = h('div', { class: 'import-detail' });
    this.replaceChildren(h('section', { class: 'capture-import', 'aria-labelledby': `${id}-title` },
      h('h2', { id: `${id}-title`, tabindex: -1 }, 'Open a capture: your own browser’s handshake'),
      h('p', { class: 'explanation' },
        'Record your browser while it opens a site — Wireshark, or ', h('code', null, 'dumpcap -i any -w visit.pcapng'),
        ' — with the environment variable ', h('code', null, 'SSLKEYLOGFILE=keys.txt'),
        ' set when the browser starts, so that it writes its TLS secrets. Open the capture and the key log here: the engine finds the TLS connections, ',
        'decrypts every record, checks both Finished messages and rebuilds the key schedule.'),
      h('p', { class: 'privacy', 'data-testid': 'import-privacy' },
        h('strong', null, 'Nothing is uploaded.'),
        ' The files are read by the engine in this tab (a Web Worker); no byte of them, and no key, leaves the page.'),
      this.form, this.progress, this.status, this.error, this.list, this.detail));
  }

  /** focusHeading moves keyboard focus to the section's title (after a deep link). */
  focusHeading() {
    const heading = this.querySelector('h2');
    if (heading) heading.focus();
  }

  /** take remembers a chosen file. */
  take(kind, file) {
    this.files[kind] = file || null;
    this.update();
  }

  /** dropped sorts dropped files into capture and key log by their first bytes, then opens them. */
  async dropped(files) {
    if (!files.length) return;
    let capture = null;
    let keylog = null;
    for (const f of files.slice(0, 4)) {
      const head = new Uint8Array(await f.slice(0, 4096).arrayBuffer());
      if (!capture && isCapture(head)) capture = f;
      else if (!keylog && looksLikeKeyLog(head)) keylog = f;
      else if (!capture) capture = f; // not a capture: the engine says what it is not
    }
    this.files = { capture, keylog: keylog || (capture ? this.files.keylog : null) };
    this.update();
    if (capture) this.run();
  }

  update() {
    if (!this.form) return;
    const busy = this.dataset.state === 'busy';
    const engine = captureEngine();
    this.open.disabled = busy || !engine || !this.files.capture;
    this.clear.hidden = !this.result;
    const { capture, keylog } = this.files;
    fill(this.chosenFiles,
      capture ? ['Capture: ', h('strong', null, capture.name), ` (${formatByteCount(capture.size)})`] : 'No capture chosen yet.',
      keylog ? [' · Key log: ', h('strong', null, keylog.name)] : capture ? ' · No key log: only what travels in the clear can be read.' : null);
    if (!this.dataset.state) this.dataset.state = 'idle';
    if (!engine && !busy) this.status.textContent = 'Waiting for the engine…';
    else if (this.status.textContent === 'Waiting for the engine…') this.status.textContent = '';
  }

  reset() {
    this.result = null;
    this.chosen = -1;
    this.files = { capture: null, keylog: null };
    this.captureInput.value = '';
    this.keylogInput.value = '';
    fill(this.list);
    fill(this.detail);
    this.error.hidden = true;
    this.status.textContent = '';
    this.dataset.state = 'idle';
    emit(this, 'tls-capture-connection', { connection: null });
    this.update();
  }

  fail(message) {
    this.dataset.runs = String(Number(this.dataset.runs || 0) + 1);
    this.dataset.state = 'failed';
    this.progress.hidden = true;
    this.status.textContent = '';
    fill(this.error, h('strong', null, 'This capture could not be opened.'), h('p', { 'data-testid': 'import-error-message' }, message));
    this.error.hidden = false;
    this.update();
  }

  /** run reads the chosen files and hands them to the engine. */
  async run() {
    const engine = captureEngine();
    const { capture, keylog } = this.files;
    if (!engine || !capture || this.dataset.state === 'busy') return;
    if (capture.size > MAX_FILE) {
      this.fail(`${capture.name} has ${formatByteCount(capture.size)}; the page opens captures up to ${formatByteCount(MAX_FILE)}: keep only the connection you want (Wireshark: File › Export Specified Packets, or editcap).`);
      return;
    }
    this.dataset.state = 'busy';
    this.error.hidden = true;
    fill(this.list);
    fill(this.detail);
    this.result = null;
    this.progress.hidden = false;
    this.progress.removeAttribute('value');
    this.status.textContent = `Reading ${capture.name}…`;
    this.update();
    const started = performance.now();
    try {
      const file = new Uint8Array(await capture.arrayBuffer());
      const keys = keylog ? new Uint8Array(await keylog.arrayBuffer()) : undefined;
      const result = await engine.importCapture(file, keys, {
        name: capture.name,
        keylogName: keylog ? keylog.name : '',
        onProgress: (p, maybeTotal) => {
          const [done, total] = Array.isArray(p) ? p : [p, maybeTotal];
          if (!total) return;
          this.progress.max = total;
          this.progress.value = done;
          this.status.textContent = `Reading ${capture.name}: ${Math.floor((100 * done) / total)}%`;
        },
      });
      this.result = { ...result, importId: result.importId ?? `${this.uid}-${Date.now()}` };
    } catch (err) {
      this.fail(err.message || String(err));
      return;
    }
    const conns = this.result.connections || [];
    if (!conns.length) {
      this.fail(noTLS(this.result, capture.name));
      return;
    }
    this.progress.hidden = true;
    const ms = Math.round(performance.now() - started);
    this.status.textContent = `${capture.name}: ${conns.length} TLS connection${conns.length === 1 ? '' : 's'}, read in ${ms} ms.`;
    this.dataset.runs = String(Number(this.dataset.runs || 0) + 1);
    this.dataset.state = 'done';
    this.update();
    this.renderList();
    this.choose(0);
  }

  renderList() {
    const conns = this.result.connections || [];
    const problems = this.result.problems || [];
    const rows = conns.map((c, i) => h('tr', { class: classes('import-connection', i === this.chosen && 'chosen'), 'data-connection': i, 'data-testid': `import-connection-${i}` },
      h('td', null, h('button', {
        type: 'button', class: 'choose', 'aria-pressed': String(i === this.chosen), 'data-choose': i,
      }, `#${i + 1}`)),
      h('td', { class: 'endpoints', 'data-label': 'Client → server' }, h('span', { class: 'actor client' }, c.client || '?'), ' → ', h('span', { class: 'actor server' }, c.server || '?')),
      h('td', { 'data-label': 'Server name' }, c.sni || h('span', { class: 'absent' }, 'no server_name')),
      h('td', { 'data-label': 'Version' }, c.version || '—'),
      h('td', { 'data-label': 'Suite' }, c.suite ? h('code', { class: 'suite' }, c.suite) : '—'),
      h('td', { class: classes('decrypted', decrypted(c) ? 'ok' : 'no'), 'data-decrypted': String(decrypted(c)), 'data-label': 'Decrypted' }, decryptText(c))));
    const table = h('table', { class: 'import-table', 'data-testid': 'import-connections' },
      h('caption', null, 'TLS connections in the capture'),
      h('thead', null, h('tr', null, ['', 'Client → server', 'Server name (SNI)', 'Version', 'Cipher suite', 'Decrypted'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, rows));
    table.addEventListener('click', (e) => {
      const b = e.target.closest && e.target.closest('button[data-choose]');
      if (b) this.choose(Number(b.dataset.choose), { focus: true });
    });
    const other = this.result.other || [];
    const r = this.result;
    const keys = r.keyLogLines || r.embeddedKeyLogLines
      ? `${r.keyLogLines || 0} key log lines${r.embeddedKeyLogLines ? ` (${r.embeddedKeyLogLines} embedded in the capture)` : ''}`
      : 'no key log';
    fill(this.list,
      h('p', { class: 'explanation', 'data-testid': 'import-file-summary' },
        [r.format, r.frames !== undefined ? `${r.frames} frames` : '', keys].filter(Boolean).join(' · ')),
      h('div', { class: 'import-table-wrap' }, table),
      other.length ? h('details', { class: 'import-other' },
        h('summary', null, `${other.length} other TCP stream${other.length === 1 ? '' : 's'} without TLS`),
        h('ul', null, other.map((o) => h('li', null, `${o.client} → ${o.server} (${formatByteCount(o.bytes || 0)}): ${o.why}`)))) : null,
      null);
    // What went wrong with the file as a whole (cut short, unreadable packets) comes first.
    if (problems.length) {
      this.list.prepend(h('div', { class: 'import-warning', role: 'status', 'data-testid': 'import-warning' },
        h('strong', null, 'Read with problems:'), h('ul', null, problems.map((p) => h('li', null, p)))));
    }
  }

  /** choose shows connection i: diagram, records, Finished checks, key schedule. */
  choose(i, { focus = false } = {}) {
    const conns = (this.result && this.result.connections) || [];
    const c = conns[i];
    if (!c) return;
    this.chosen = i;
    for (const tr of this.list.querySelectorAll('tr[data-connection]')) {
      const on = Number(tr.dataset.connection) === i;
      tr.classList.toggle('chosen', on);
      const b = tr.querySelector('button[data-choose]');
      if (b) b.setAttribute('aria-pressed', String(on));
    }
    const session = asSession(this.result, c, i);
    const diagram = document.createElement('tls-sequence-diagram');
    diagram.session = session;
    diagram.step = 0;
    const wire = document.createElement('tls-wire');
    wire.view = 'plain';
    wire.session = session;
    const schedule = document.createElement('tls-key-schedule');
    schedule.session = session;
    const label = `${c.sni || c.server || `connection ${i + 1}`}`;
    const heading = h('h3', { tabindex: -1, 'data-testid': 'import-connection-title' },
      `Connection #${i + 1}: `, h('span', { class: 'actor client' }, c.client || 'client'), ' → ', h('span', { class: 'actor server' }, c.server || 'server'),
      c.sni ? ` (${c.sni})` : '');
    const problems = c.problems || [];
    const nodes = scheduleNodes(c);
    fill(this.detail,
      heading,
      h('p', { class: 'explanation' }, summaryText(c)),
      finishedList(c),
      problems.length ? h('ul', { class: 'import-problems', 'data-testid': 'import-problems' }, problems.map((p) => h('li', null, p))) : null,
      h('p', null, h('a', { href: '#hello-compare', 'data-testid': 'import-compare-hello', class: 'compare-hello' }, 'Compare this ClientHello with the engine’s')),
      h('div', { class: 'import-stage' },
        h('section', { class: 'import-diagram', 'aria-label': 'The handshake' }, h('h4', null, 'The handshake'), diagram),
        h('section', { class: 'import-records', 'aria-label': 'Every record' },
          h('h4', null, `Every record (${(c.records || []).length}), field by field`),
          h('p', { class: 'explanation' }, 'Open a record to see its bytes, each named by the engine’s analyzer; a decrypted record shows its plaintext too.'),
          wire)),
      h('section', { class: 'import-schedule', 'aria-label': 'The key schedule' },
        h('h4', null, 'The key schedule, rebuilt from the key log'),
        nodes.length ? schedule : h('p', { class: 'explanation', 'data-testid': 'import-no-schedule' },
          'Nothing to rebuild: the key log has no secrets for this connection.')));
    this.detail.querySelector('.compare-hello').addEventListener('click', () => {
      emit(this, 'tls-capture-connection', { importId: this.result.importId, connection: i, label, show: true });
    });
    emit(this, 'tls-capture-connection', { importId: this.result.importId, connection: i, label });
    if (focus) heading.focus();
  }
}

/** decrypted tells whether the engine opened the connection's encrypted records. */
function decrypted(c) {
  if (typeof c.decrypted === 'boolean') return c.decrypted;
  return Boolean(c.records && c.records.some((r) => r.decrypted));
}

/** counts are the connection's encrypted records and how many of them were opened. */
function counts(c) {
  const recs = c.records || [];
  return { encrypted: recs.filter((r) => r.encrypted).length, opened: recs.filter((r) => r.decrypted).length };
}

/** why says why a connection's records stay closed: the first record's reason, else the first problem. */
function why(c) {
  const r = (c.records || []).find((x) => x.err);
  return (r && r.err) || (c.problems && c.problems[0]) || 'no key for it in the key log';
}

function decryptText(c) {
  const { encrypted, opened } = counts(c);
  if (!encrypted) return 'nothing encrypted';
  if (decrypted(c)) return `yes: ${opened} of ${encrypted} encrypted records`;
  return `no (${opened} of ${encrypted}): ${why(c)}`;
}

/** noTLS says why a capture with no TLS connection shows nothing. */
function noTLS(result, name) {
  const p = (result.problems || [])[0] || ((result.other || [])[0] || {}).why;
  return p || `${name} holds no TLS connection: no TCP stream in it starts with a TLS record. Was the capture filtered, or is the site's traffic QUIC (HTTP/3, UDP)? Start the browser with --disable-quic, or filter on tcp port 443.`;
}

function summaryText(c) {
  const n = (c.records || []).length;
  const parts = [`${n} record${n === 1 ? '' : 's'}`];
  if (c.version) parts.push(c.version);
  if (c.suite) parts.push(c.suite);
  if (c.group) parts.push(c.group);
  const { encrypted, opened } = counts(c);
  let dec = 'Nothing was encrypted.';
  if (encrypted) dec = decrypted(c) ? `All ${encrypted} encrypted records decrypted with the key log.` : `${opened} of ${encrypted} encrypted records decrypted: ${why(c)}.`;
  return `${parts.join(' · ')}. ${dec}`;
}

/** finishedList shows each Finished check: recomputed from the key log, beside the one sent. */
function finishedList(c) {
  const checks = c.finished || [];
  if (!checks.length) {
    return h('p', { class: 'explanation', 'data-testid': 'import-finished-none' }, 'No Finished could be checked: without the keys, the Finished messages stay encrypted.');
  }
  return h('ul', { class: 'finished-checks', 'data-testid': 'import-finished' }, checks.map((f) => h('li', {
    class: classes('finished', f.ok ? 'ok' : 'fail'), 'data-side': f.side, 'data-ok': String(Boolean(f.ok)),
  },
  h('span', { class: classes('verdict', f.ok ? 'good' : 'bad') }, `${f.side === 'client' ? 'Client' : 'Server'} Finished ${f.ok ? 'verified ✓' : 'does not match ✗'}`),
  f.how ? h('span', { class: 'explanation' }, ` — ${f.how}`) : null,
  !f.ok && f.expected ? h('span', { class: 'explanation' }, ` (expected ${f.expected}, got ${f.got})`) : null)));
}

/** scheduleNodes returns the connection's key schedule nodes, in either shape. */
function scheduleNodes(c) {
  const ks = c.keySchedule;
  if (!ks) return [];
  return Array.isArray(ks) ? ks : ks.nodes || [];
}

/**
 * asSession shapes an imported connection as the session the page's
 * components read: records and messages for the diagram and the wire view,
 * the key schedule, and source 'import' so that the analyzer is asked about
 * this connection (analysis.js).
 */
function asSession(result, c, i) {
  const records = (c.records || []).map((r) => ({ from: r.from, hex: r.hex || '', length: r.length }));
  return {
    source: 'import', importId: result.importId, connection: i,
    version: c.version || '', mode: /1\.3/.test(c.version || '') ? 'tls13' : 'ecdhe', suite: c.suite || '',
    records, messages: c.messages || [], steps: c.steps || [], keySchedule: { nodes: scheduleNodes(c) },
  };
}

customElements.define('tls-capture-import', CaptureImport);
