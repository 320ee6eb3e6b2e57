// <tls-hello-compare> puts a real browser's ClientHello beside the engine's,
// field by field, as a table a student reads row by row: the browser's value,
// the engine's, what the field is for and why the two differ, with the RFC
// section. The comparison itself is the engine's (playground/browserhello,
// the worker's browserHello method): this element only lays it out.
//
// Two browsers' hellos can stand on the left: the one bundled with the
// engine (headless Chromium, recorded by scripts/record-chromium-hello) and
// the ClientHello of a connection opened in <tls-capture-import>, which
// announces it with a tls-capture-connection event on the document.
//
// Reaches the engine through connectCapture() (capture-import.js).
// Attributes it sets: data-state ('loading' | 'done' | 'failed'), data-source
// ('bundled' | 'import').
//
// Comparison (JSON of browserhello.Comparison): {browser: Side, engine: Side,
// rows: [{id, field, browser, engine, about, note, rfc, same}]}, Side: {label,
// records, length, recordVersion, hex}. A value that is a list has one item a line.

import { h, fill, classes } from '../dom.js';
import { formatByteCount } from '../hex.js';
import { captureEngine, onCaptureEngine, landOnArrival } from './capture-import.js';

let instances = 0;

export class HelloCompare extends HTMLElement {
  constructor() {
    super();
    this.uid = `hello-compare-${++instances}`;
    this.source = 'bundled';
    this.imported = null;   // {importId, connection, label}
    this.results = new Map(); // source key → Promise<Comparison>
    this.onConnection = (e) => this.takeConnection(e.detail || {});
  }

  connectedCallback() {
    if (!this.body) this.build();
    document.addEventListener('tls-capture-connection', this.onConnection);
    this.offEngine = onCaptureEngine(() => { this.results.clear(); this.load(); });
    // The comparison is asked for when the element comes near the screen, not
    // while the page's first handshake waits for the same engine.
    this.near = typeof IntersectionObserver !== 'function';
    if (!this.near) {
      this.observer = new IntersectionObserver((entries) => {
        if (!entries.some((e) => e.isIntersecting)) return;
        this.near = true;
        this.observer.disconnect();
        this.load();
      }, { rootMargin: '100% 0px' });
      this.observer.observe(this);
    }
    this.load();
    landOnArrival(this);
  }

  disconnectedCallback() {
    document.removeEventListener('tls-capture-connection', this.onConnection);
    if (this.offEngine) this.offEngine();
    if (this.observer) this.observer.disconnect();
  }

  build() {
    const id = this.uid;
    const radio = (value, label) => {
      const input = h('input', { type: 'radio', name: `${id}-source`, value, id: `${id}-${value}`, checked: value === this.source });
      input.addEventListener('change', () => { if (input.checked) this.choose(value); });
      return { input, label: h('label', { for: input.id }, input, ' ', label) };
    };
    this.bundledRadio = radio('bundled', 'Chromium, recorded with the engine');
    this.importRadio = radio('import', 'The ClientHello of the capture you opened');
    this.importRadio.input.disabled = true;
    this.importNote = h('span', { class: 'explanation' }, ' (open a capture below first)');
    this.onlyDiffers = h('input', { type: 'checkbox', id: `${id}-differs`, 'data-testid': 'hello-only-differs' });
    this.onlyDiffers.addEventListener('change', () => {
      this.classList.toggle('only-differs', this.onlyDiffers.checked);
    });
    this.status = h('p', { class: 'explanation hello-status', role: 'status', 'data-testid': 'hello-status' });
    this.body = h('div', { class: 'hello-body' });
    this.replaceChildren(h('section', { class: 'hello-compare', 'aria-labelledby': `${id}-title` },
      h('h2', { id: `${id}-title`, tabindex: -1 }, 'A real browser’s hello beside the engine’s'),
      h('p', { class: 'explanation' },
        'The first message of every HTTPS connection is the client’s ClientHello. A browser’s is much longer than the engine’s: ',
        'it carries made-up GREASE values, a post-quantum key share and a classic one, an encrypted or fake Encrypted Client Hello, ',
        'and a dozen extensions for TLS 1.2 servers. Read it row by row: each row says what the field is for, and why the two differ.'),
      h('fieldset', { class: 'hello-source' },
        h('legend', null, 'Whose hello stands on the left'),
        this.bundledRadio.label, this.importRadio.label, this.importNote),
      h('p', { class: 'hello-filter' }, h('label', { for: this.onlyDiffers.id }, this.onlyDiffers, ' Only the rows that differ')),
      this.status, this.body));
  }

  /** focusHeading moves keyboard focus to the section's title (after a deep link). */
  focusHeading() {
    const heading = this.querySelector('h2');
    if (heading) heading.focus();
  }

  /** takeConnection offers an imported connection's ClientHello (and shows it when asked to). */
  takeConnection({ importId, connection, label, show }) {
    if (connection === undefined || connection === null) {
      this.imported = null;
      this.importRadio.input.disabled = true;
      this.importNote.hidden = false;
      if (this.source === 'import') this.choose('bundled');
      return;
    }
    this.imported = { importId, connection, label: label || `connection ${connection + 1}` };
    this.importRadio.input.disabled = false;
    this.importNote.hidden = true;
    fill(this.importRadio.label, this.importRadio.input, ' ', `The ClientHello of your capture: ${this.imported.label}`);
    if (show || this.source === 'import') this.choose('import', { force: true });
  }

  choose(source, { force = false } = {}) {
    if (source === this.source && !force) return;
    this.source = source;
    this.bundledRadio.input.checked = source === 'bundled';
    this.importRadio.input.checked = source === 'import';
    this.load();
  }

  /** load asks the engine for the comparison of the chosen source (once per source) and shows it. */
  load() {
    if (!this.body) return;
    this.dataset.source = this.source;
    const engine = captureEngine();
    if (!engine || !this.near) {
      this.dataset.state = 'loading';
      this.status.textContent = engine ? '' : 'Waiting for the engine…';
      return;
    }
    const imported = this.source === 'import' && this.imported;
    // The engine's side is its own tls13 hello; the browser's the bundled one, or the capture's.
    const arg = imported ? { connection: this.imported.connection } : {};
    const key = imported ? `import|${this.imported.importId}|${this.imported.connection}` : 'bundled';
    if (!this.results.has(key)) this.results.set(key, engine.browserHello(arg));
    const mine = this.results.get(key);
    this.pending = mine;
    this.dataset.state = 'loading';
    this.status.textContent = 'Comparing the two hellos…';
    mine.then(async (c) => {
      if (this.pending !== mine) return;
      this.status.textContent = summary(c);
      // The rows arrive a few at a time, a frame each: all of them at once (some 300 texts) were
      // one frame of 30-50 ms of layout (issue 9). The table's layout is fixed: no column moves.
      const rows = c.rows.map((r) => row(r));
      const tbody = h('tbody', null, rows.slice(0, ROWS_AT_ONCE));
      fill(this.body, table(c, this.uid, tbody));
      for (let i = ROWS_AT_ONCE; i < rows.length; i += ROWS_AT_ONCE) {
        await afterFrame();
        if (this.pending !== mine) return;
        tbody.append(...rows.slice(i, i + ROWS_AT_ONCE));
      }
      this.dataset.state = 'done';
    }, (err) => {
      if (this.pending !== mine) return;
      this.results.delete(key);
      this.dataset.state = 'failed';
      this.status.textContent = '';
      fill(this.body, h('div', { class: 'session-error', role: 'alert', 'data-testid': 'hello-error' },
        h('strong', null, 'The two hellos could not be compared.'), h('p', null, err.message || String(err))));
    });
  }
}

/** extensionCount counts a side's extensions (the extension_order row lists them, one a line). */
function extensionCount(c, side) {
  const row = c.rows.find((r) => r.id === 'extension_order');
  return row ? row[side].split('\n').length : 0;
}

function summary(c) {
  const grease = (c.rows.find((r) => r.id === 'grease_extensions') || {}).browser || '';
  const g = grease === 'none' || !grease ? 0 : grease.split('\n').length;
  return `${c.browser.label}: ${formatByteCount(c.browser.length)}, ${extensionCount(c, 'browser')} extensions (${g} GREASE). `
    + `${c.engine.label}: ${formatByteCount(c.engine.length)}, ${extensionCount(c, 'engine')} extensions. `
    + `${c.rows.filter((r) => !r.same).length} of ${c.rows.length} rows differ.`;
}

/** ROWS_AT_ONCE rows of the table are laid out in one frame. */
const ROWS_AT_ONCE = 8;

/** afterFrame resolves in a task after the next frame (a hidden page: after a second at most). */
function afterFrame() {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 1000);
    requestAnimationFrame(() => setTimeout(() => { clearTimeout(timer); resolve(); }, 0));
  });
}

/** table lays the comparison out: one row per field (tbody holds them), the two values, what it is for. */
function table(c, uid, tbody) {
  return h('div', { class: 'hello-table-wrap' },
    h('table', { class: 'hello-table', 'data-testid': 'hello-table' },
      h('caption', { class: 'visually-hidden' }, `${c.browser.label} beside ${c.engine.label}, field by field`),
      h('thead', null, h('tr', null,
        h('th', { scope: 'col', class: 'field' }, 'Field'),
        h('th', { scope: 'col', class: 'browser', id: `${uid}-col-browser` }, h('span', { class: 'col-title' }, 'The browser'),
          h('span', { class: 'col-sub' }, c.browser.label)),
        h('th', { scope: 'col', class: 'engine' }, h('span', { class: 'col-title' }, 'The engine'),
          h('span', { class: 'col-sub' }, c.engine.label)),
        h('th', { scope: 'col', class: 'why' }, 'What it is for, and why they differ'))),
      tbody));
}

/** row is one field of the comparison: its name and RFC, the two values, what it is for. */
function row(r) {
  return h('tr', {
    class: classes('hello-row', r.same ? 'same' : 'differs'), 'data-row': r.id, 'data-testid': `hello-row-${r.id}`,
  },
  h('th', { scope: 'row', class: 'field' }, h('span', { class: 'field-name' }, breakable(r.field)), h('span', { class: 'rfc' }, r.rfc)),
  h('td', { class: 'browser', 'data-label': 'Browser' }, value(r.browser)),
  h('td', { class: 'engine', 'data-label': 'Engine' }, value(r.engine)),
  h('td', { class: 'why' }, h('p', null, r.about), r.note ? h('p', { class: 'note' }, r.note) : null));
}

/** breakable lets a long field name wrap after its underscores (<wbr>), never inside a word. */
function breakable(name) {
  const parts = name.split('_');
  return parts.flatMap((p, i) => (i < parts.length - 1 ? [`${p}_`, h('wbr')] : [p]));
}

/** value shows one cell: a list one item a line, GREASE values marked, "not sent" muted. */
function value(text) {
  if (text === 'not sent' || text === 'none') return h('span', { class: 'absent' }, text);
  const items = text.split('\n');
  const item = (t) => (/^GREASE\b/.test(t) ? h('mark', { class: 'grease' }, t) : t);
  if (items.length === 1) return h('span', { class: classes('value', /^[0-9a-f]{16,}$|: [0-9a-f]{16,}/.test(text) && 'bytes') }, item(text));
  return h('ul', { class: 'value-list' }, items.map((t) => h('li', null, item(t))));
}

customElements.define('tls-hello-compare', HelloCompare);
