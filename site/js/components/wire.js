// wire.js shows a session as the network sees it: its records in wire
// order, and, for one record, its bytes one by one, each named by the
// engine's analyzer (playground/analyze, through analysis.js): the field it
// belongs to, its decoded value, a one-line explanation and the RFC
// section. A decrypted record shows its plaintext's tree beside the wire's.
// The attack views use it too: Eve's view (what travels in the clear is
// readable, the rest opaque: she has no keys), the tampering view (pick a
// record, click a byte), and every result (which record was changed, which
// alert ended the connection).
//
// Nothing here parses a record or reads meaning from English: a field is
// what the analyzer says it is, and code keys only on its `kind`.
//
// Exports:
//   <tls-wire>          properties: session, view ('eve' | 'plain' | 'pick' | 'bytes'),
//                       labels ({client, server}), mark ({record, offset, from, to}),
//                       selected (record index, in 'pick'). Event: tls-pick-record {record}.
//                       In 'plain' and 'bytes' each record opens to its bytes (asked for when opened).
//                       It renders in a task of its own, after the one that set it (issue 9).
//   <tls-record-bytes>  properties: analysis (analysis.js), mark (offset). The bytes of one
//                       record, wire and plaintext, hover/focus a byte or a field to see it.
//   <tls-byte-picker>   properties: hex, tree (the analyzer's Field), selected (offset), label.
//                       Event: tls-pick-byte {offset}.
//   refusal(error, {labels, change}) → the block that names the check that failed
//   messagesOf, isEncrypted, recordName, sideLabel, actorClass, fatalRecord

import { h, fill, s as svg, emit, classes, soon } from '../dom.js';
import { scrollable } from './scroll-hint.js';
import { lazyDetails } from './values.js';
import { byteLength, formatByteCount, previewHex, bytesOf, byteHex } from '../hex.js';
import { recordAnalysis, leaves, pathAt, onAnalyzer, hasAnalyzer } from '../analysis.js';
import { checkInfo, alertCheck, onCatalogue } from './mode-switch.js';

/** CONTENT_TYPES names the first byte of a record header (RFC 8446, Section 5.1). */
export const CONTENT_TYPES = { 20: 'change_cipher_spec', 21: 'alert', 22: 'handshake', 23: 'application_data' };

/** RECORD_HEADER is the length of every record's header, in the clear (RFC 8446, Section 5.1). */
const RECORD_HEADER = 5;

/** DEFAULT_LABELS names the two ends. */
const DEFAULT_LABELS = { client: 'Client', server: 'Server' };

/** messagesOf returns the session's messages carried by record index. */
export function messagesOf(session, index) {
  return ((session && session.messages) || []).filter((m) => m.record === index);
}

/** isEncrypted tells whether record index travelled encrypted. */
export function isEncrypted(session, index) {
  return messagesOf(session, index).some((m) => m.encrypted);
}

/** recordName names record index by the messages it carries: "ServerHello", "Finished". */
export function recordName(session, index) {
  const names = messagesOf(session, index).map((m) => m.name);
  return names.length ? names.join(' + ') : 'record';
}

/** sideLabel is how a side is named in sentences: labels.server may be "Mallory". */
export function sideLabel(side, labels = DEFAULT_LABELS) {
  return labels[side] || (side ? side.charAt(0).toUpperCase() + side.slice(1) : '');
}

/** actorClass is the colour class of a side: its own, or Mallory's when she plays it. */
export function actorClass(side, labels = DEFAULT_LABELS) {
  return labels[side] === 'Mallory' ? 'mallory' : side;
}

// ---- what failed ---------------------------------------------------------------

/**
 * refusal renders the side that refused, the alert it sent, the engine's
 * exact message, and which check that is: the error's `check` id, named and
 * explained by the engine's catalogue (playground/alert/checks.go). Nothing
 * here reads the message: it is shown as the engine wrote it. change
 * ({name, record}) is the record that was changed on the way, when there was
 * one; failed names the client's checks that failed (a certificate
 * scenario's verification).
 */
export function refusal(error, { labels = DEFAULT_LABELS, change = null, testid = 'refusal', failed = [] } = {}) {
  if (!error) return null;
  const who = sideLabel(error.side, labels);
  const check = error.check || alertCheck(error.alert || '');
  const head = error.alert
    ? [who, ' refused it and sent the fatal alert ', h('code', { class: 'alert-name' }, error.alert)]
    : [who, ' waits for more bytes: no alert was sent'];
  const name = h('span', { class: 'check-name' });
  const explanation = h('p', { class: 'explanation' });
  const el = h('div', { class: 'refusal', 'data-testid': testid, 'data-side': error.side || '', 'data-alert': error.alert || '', 'data-check': check },
    h('p', { class: 'refusal-head' }, h('span', { class: classes('actor', actorClass(error.side, labels)) }, who), ' ', ...head.slice(1)),
    h('p', { class: 'refusal-check' }, h('span', { class: 'label' }, 'The check that failed: '), name,
      failed.length ? [' — ', failed.map((n, i) => [i ? ', ' : '', h('strong', null, n)])] : null),
    h('pre', { class: 'engine-message', 'data-testid': `${testid}-message` }, error.message),
    explanation);
  // Named by the engine's catalogue; until it has answered, by the alert.
  const describe = () => {
    const info = checkInfo(check);
    name.textContent = info ? info.label : error.alert || '';
    explanation.textContent = info ? info.text : '';
    explanation.hidden = !explanation.textContent;
    return Boolean(info);
  };
  if (!describe()) {
    const off = onCatalogue(() => { if (describe()) off(); });
  }
  return el;
}

// ---- <tls-wire> --------------------------------------------------------------

/** lockIcon is a small padlock. */
function lockIcon() {
  return svg('svg', { class: 'lock-icon', viewBox: '0 0 12 15', width: 10, height: 12, 'aria-hidden': 'true' },
    svg('path', { class: 'shackle', d: 'M2.5,7 v-2.5 a3.5,3.5 0 0 1 7,0 v2.5' }),
    svg('rect', { class: 'body', x: 0, y: 7, width: 12, height: 8, rx: 1.5 }));
}

export class Wire extends HTMLElement {
  constructor() {
    super();
    this._props = { session: null, view: 'plain', labels: DEFAULT_LABELS, mark: null, selected: -1 };
    this.opened = new Set(); // records whose bytes are open
    this.first = '';
    this.eveKept = new Map(); // Eve's view: each record's <li>, by what it shows
  }

  set session(v) { this.set({ session: v }); }
  get session() { return this._props.session; }
  set view(v) { this.set({ view: v }); }
  set labels(v) { this.set({ labels: { ...DEFAULT_LABELS, ...v } }); }
  set mark(v) { this.set({ mark: v }); }
  set selected(v) { this.set({ selected: v }); }

  set(props) {
    const changed = Object.entries(props).some(([k, v]) => this._props[k] !== v);
    Object.assign(this._props, props);
    if (changed) this.later();
  }

  /**
   * later renders in a task of its own: a wire sits below what a new
   * session or a mode switch changes first, and a long one is many elements
   * (issue 9: no long task). Whatever changes in one task renders once.
   */
  later() {
    if (!this._later) this._later = () => this.render();
    soon(this, this._later);
  }

  connectedCallback() {
    if (!this._wired) {
      this._wired = true;
      this.addEventListener('click', (e) => {
        const b = e.target.closest && e.target.closest('button[data-pick-record]');
        if (b && this.contains(b)) emit(this, 'tls-pick-record', { record: Number(b.dataset.pickRecord) });
      });
      // Which records are open, so that they stay open while the session grows.
      this.addEventListener('toggle', (e) => {
        const d = e.target;
        if (!d.matches || !d.matches('details.wire-bytes')) return;
        if (d.open) this.opened.add(Number(d.dataset.record));
        else this.opened.delete(Number(d.dataset.record));
      }, true);
    }
    this.later();
  }

  render() {
    if (!this.isConnected) return;
    const { session, view, labels, mark, selected } = this._props;
    if (!session) { fill(this); return; }
    const records = session.records || [];
    // The records opened stay open while the session grows (a message sent, the connection closed).
    const first = `${session.importId ?? ''}|${session.connection ?? ''}|${(records[0] || {}).hex || ''}`;
    if (first !== this.first) { this.first = first; this.opened = new Set(); }
    const fatal = session.error ? fatalRecord(session) : -1;
    const eveKept = new Map(); // Eve's records shown after this render, by what they show
    const items = records.map((r, i) => {
      const enc = isEncrypted(session, i);
      const other = r.from === 'client' ? 'server' : 'client';
      // An imported connection's records come without their bytes (asked for when opened): its length says.
      const n = r.hex ? byteLength(r.hex) : r.length || 0;
      const changed = mark && mark.record === i;
      const head = [
        h('span', { class: 'n' }, `#${i + 1}`),
        h('span', { class: 'dir' },
          h('span', { class: classes('actor', actorClass(r.from, labels)) }, sideLabel(r.from, labels)),
          h('span', { class: 'arrow', 'aria-label': 'to' }, ' → '),
          h('span', { class: 'to' }, sideLabel(other, labels))),
        h('span', { class: 'what' }, view === 'eve' && enc ? eveName(r.hex) : recordName(session, i)),
        enc ? lockIcon() : null,
        h('span', { class: 'size' }, formatByteCount(n)),
        changed ? h('span', { class: 'badge changed' }, `byte ${mark.offset} changed: ${byteHex(mark.from)} → ${byteHex(mark.to)}`) : null,
        i === fatal ? h('span', { class: 'badge fatal' }, `fatal alert: ${session.error.alert}`) : null,
      ];
      const cls = classes('wire-record', actorClass(r.from, labels), enc && 'encrypted', changed && 'changed', i === fatal && 'fatal', i === selected && 'selected');
      if (view === 'pick') {
        return h('li', { class: cls, 'data-record': i },
          h('button', {
            type: 'button', class: 'wire-pick', 'data-pick-record': i, 'aria-pressed': String(i === selected),
            'data-testid': `pick-record-${i}`,
          }, head));
      }
      if (view === 'eve') {
        // A record Eve already shows is kept as it is, its fields read once: a message sent
        // adds its records without rebuilding (and re-laying out) those before it (issue 9).
        const key = [i, r.from, r.hex, cls, sideLabel(r.from, labels), sideLabel(other, labels), i === fatal ? session.error.alert : ''].join('|');
        const kept = this.eveKept.get(key);
        if (kept) { eveKept.set(key, kept); return kept; }
        const li = h('li', { class: cls, 'data-record': i },
          h('p', { class: 'wire-head' }, head),
          eveBody(session, i, enc));
        eveKept.set(key, li);
        return li;
      }
      // 'plain' and 'bytes': each record opens to its bytes, asked for and built when first
      // opened; the changed one is open.
      return h('li', { class: cls, 'data-record': i },
        lazyDetails(h('details', { class: 'wire-bytes', 'data-record': i, open: Boolean(changed) || this.opened.has(i) },
          h('summary', { class: 'wire-head', 'data-testid': `wire-record-${i}` }, head)), () => this.recordBytes(i)));
    });
    this.eveKept = eveKept;
    const list = this.firstElementChild;
    if (view === 'eve' && list && list.matches('ol.wire.view-eve')) {
      // The list in place: only the records that changed move, the others stay laid out.
      items.forEach((li, k) => { if (list.children[k] !== li) list.insertBefore(li, list.children[k] || null); });
      while (list.children.length > items.length) list.lastElementChild.remove();
    } else {
      fill(this, h('ol', { class: classes('wire', `view-${view}`), 'data-testid': `wire-${view}` }, items));
    }
    if (view === 'eve') this.fillEve();
  }

  /**
   * recordBytes is the analyzed bytes of record i, for its <details> (asked
   * for now; they show once the analyzer answers, after it is in place).
   */
  recordBytes(i) {
    const { session, mark } = this._props;
    const rb = document.createElement('tls-record-bytes');
    rb.label = `Record #${i + 1}`;
    if (mark && mark.record === i) rb.mark = mark.offset;
    rb.load(session, i);
    return rb;
  }

  /** fillEve names the fields of the records Eve reads in the clear, once the analyzer has them. */
  fillEve() {
    const { session } = this._props;
    for (const body of this.querySelectorAll('.eve-body.clear[data-record]:not([data-asked])')) {
      const i = Number(body.dataset.record);
      const slot = body.querySelector('.eve-fields');
      body.dataset.asked = '';
      whenAnalyzer(this, () => recordAnalysis(session, i, { keys: false }).then((a) => {
        // The record may be shown for a later session too (kept by render): fill it while it is on the page.
        if (!body.isConnected) { delete body.dataset.asked; return; }
        fill(slot, eveFields(a.tree.wire));
      }, (err) => fill(slot, h('span', { class: 'explanation' }, `the analyzer could not read it: ${err.message}`))));
    }
  }
}

/**
 * whenAnalyzer runs fn now if the engine is connected, else once it is
 * (while el is still in the document).
 */
function whenAnalyzer(el, fn) {
  if (hasAnalyzer()) { fn(); return; }
  const off = onAnalyzer(() => { off(); if (el.isConnected) fn(); });
}

/** fatalRecord is the index of the alert record that ended a failed session, or -1. */
export function fatalRecord(session) {
  const e = session.error;
  if (!e) return -1;
  const m = [...(session.messages || [])].reverse().find((x) => x.name === 'Alert' && x.from === e.side);
  return m ? m.record : -1;
}

/** eveName is all Eve can name an encrypted record by: its outer content type (RFC 8446, Section 5.2). */
function eveName(hex) {
  const type = parseInt(hex.slice(0, 2), 16);
  return `encrypted ${CONTENT_TYPES[type] || 'record'}`;
}

/** eveBody shows what Eve reads of record i: the fields in the clear, opaque bytes for the rest. */
function eveBody(session, i, enc) {
  const r = session.records[i];
  const n = byteLength(r.hex);
  if (enc) {
    return h('div', { class: 'eve-body opaque', 'data-record': i },
      h('p', null, h('code', { class: 'bytes opaque-bytes' }, previewHex(r.hex.slice(RECORD_HEADER * 2), 16)),
        ' ', h('span', { class: 'explanation' }, `${formatByteCount(n)}, all but the 5-byte record header ciphertext: opaque without the keys`)));
  }
  return h('div', { class: 'eve-body clear', 'data-record': i },
    h('div', { class: 'eve-fields' }, h('span', { class: 'explanation' }, 'Reading the fields…')));
}

/**
 * eveFields lists what Eve reads in a record in the clear: each message's
 * fields, one level down (the full tree is one click away in the other views).
 */
function eveFields(wire) {
  const rows = [];
  // Past the record header: each message's fields, or a field standing alone (ChangeCipherSpec's one byte).
  const parts = (wire.children || []).filter((f) => !f.kind.startsWith('record.'));
  for (const m of parts) {
    for (const f of m.children && m.children.length ? m.children : [m]) {
      // A length field says how many bytes follow: the list itself says it better.
      const sub = f.children && f.children.length
        ? f.children.filter((c) => !/length$/.test(c.kind) && (c.value || (c.children && c.children.length))) : [];
      if (!f.value && !sub.length) continue;
      rows.push(h('div', { class: 'value', 'data-kind': f.kind },
        h('dt', { class: 'label' }, capital(f.name)),
        h('dd', null, f.value ? h('code', null, f.value) : null,
          sub.length ? h('ul', { class: 'eve-sub' }, sub.slice(0, 24).map((c) => h('li', { 'data-kind': c.kind }, c.name, c.value ? [': ', h('code', null, c.value)] : null))) : null)));
    }
  }
  return rows.length ? h('dl', { class: 'values compact' }, rows) : h('span', { class: 'explanation' }, 'nothing to name here');
}

/** capital starts a field's name with a capital letter, as a label. */
function capital(name) {
  return name ? name.charAt(0).toUpperCase() + name.slice(1) : name;
}

customElements.define('tls-wire', Wire);

// ---- the bytes of one record ---------------------------------------------------

const PER_LINE = 16;
/** FIRST_CHUNK bytes are built at once; the rest follow in chunks, a task each (issue 9: no task over 50 ms). */
const FIRST_CHUNK = 512;
const CHUNK = 1024;

let uid = 0;

/**
 * HexView shows bytes 16 a line, each named by the analyzer's field it
 * belongs to. The grid is one tab stop; a current byte moves with the arrow
 * keys, Home and End (and with a click); hovering or reaching a byte
 * highlights its whole field and describes it in the detail line, a polite
 * live region that also describes the grid (aria-describedby). With pick,
 * a click, Enter or Space also emits tls-pick-byte {offset} from host.
 * Bytes are plain spans, built in chunks: a 16 KB record stays responsive.
 */
class HexView {
  constructor(host, { hex, tree, label, pick = false, testids = false }) {
    this.host = host;
    this.hex = hex || '';
    this.tree = tree || null;
    this.pick = pick;
    this.testids = testids;
    this.n = byteLength(this.hex);
    this.current = 0;
    this.lit = [0, 0];
    this.cells = [];
    this.id = `hexview-${++uid}`;
    this.leafAt = new Int32Array(this.n).fill(-1);
    this.leaves = leaves(this.tree);
    this.leaves.forEach(({ field }, k) => {
      for (let o = field.offset; o < field.offset + field.length && o < this.n; o++) this.leafAt[o] = k;
    });
    this.detail = h('p', { class: 'byte-legend field-detail', id: `${this.id}-detail`, 'aria-live': 'polite', 'data-testid': 'byte-legend' });
    this.grid = h('div', {
      class: classes('byte-grid', pick && 'pick'), role: 'group', tabindex: 0, 'aria-label': `${label}: arrow keys move from byte to byte${pick ? ', Enter picks one' : ''}`,
      'aria-describedby': this.detail.id, 'data-testid': 'byte-grid',
    });
    this.el = h('div', { class: 'hex-view' },
      // Wider than a phone: it scrolls inside its box, shaded at the edge (the grid itself is the keyboard's way in).
      scrollable(this.grid, label, { focus: false }),
      this.detail);
    const at = (e) => {
      const b = e.target.closest && e.target.closest('.byte[data-offset]');
      return b ? Number(b.dataset.offset) : -1;
    };
    this.grid.addEventListener('click', (e) => {
      const o = at(e);
      if (o >= 0) this.select(o, { emit: true });
    });
    this.grid.addEventListener('keydown', (e) => this.key(e));
    this.grid.addEventListener('mouseover', (e) => {
      const o = at(e);
      if (o >= 0) this.show(o);
    });
    this.grid.addEventListener('mouseleave', () => this.show(this.current));
    this.build();
  }

  /** build makes the first rows now and the rest in later tasks. */
  build() {
    const hex = this.hex;
    const rows = (from, to) => {
      const frag = document.createDocumentFragment();
      for (let i = from; i < to; i += PER_LINE) {
        const row = document.createElement('div');
        row.className = 'byte-row';
        const off = document.createElement('span');
        off.className = 'offset';
        off.setAttribute('aria-hidden', 'true');
        off.textContent = String(i).padStart(4, '0');
        const cellsEl = document.createElement('span');
        cellsEl.className = 'byte-cells';
        for (let j = i; j < Math.min(i + PER_LINE, to); j++) {
          const b = document.createElement('span');
          // Every other field underlined: the bytes read as fields before any hover.
          b.className = this.leafAt[j] % 2 === 1 ? 'byte alt' : 'byte';
          b.dataset.offset = j;
          if (this.testids) b.dataset.testid = `byte-${j}`;
          b.textContent = hex.slice(j * 2, j * 2 + 2);
          if (j >= this.lit[0] && j < this.lit[1]) b.classList.add('in-field');
          if (j === this.current) b.classList.add('current');
          this.cells[j] = b;
          cellsEl.append(b);
        }
        row.append(off, cellsEl);
        frag.append(row);
      }
      return frag;
    };
    const first = Math.min(this.n, FIRST_CHUNK);
    this.grid.append(rows(0, first));
    let at = first;
    const more = () => {
      if (at >= this.n) return;
      const to = Math.min(this.n, at + CHUNK);
      this.grid.append(rows(at, to));
      at = to;
      if (at < this.n) setTimeout(more, 0);
      else this.host.dataset.built = 'true';
    };
    if (at < this.n) setTimeout(more, 0);
    else this.host.dataset.built = 'true';
    this.show(this.current);
  }

  /** key moves the current byte; Enter or Space picks it. */
  key(e) {
    const moves = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -PER_LINE, ArrowDown: PER_LINE };
    let to = null;
    if (e.key in moves) to = this.current + moves[e.key];
    else if (e.key === 'Home') to = 0;
    else if (e.key === 'End') to = this.n - 1;
    else if (this.pick && (e.key === 'Enter' || e.key === ' ')) to = this.current;
    if (to === null) return;
    e.preventDefault();
    e.stopPropagation(); // not the page's step keys
    this.select(Math.max(0, Math.min(this.n - 1, to)), { emit: this.pick });
  }

  /** select makes offset the current byte and shows its field. */
  select(offset, { focus = false, emit: tell = false } = {}) {
    if (!this.n) return;
    const i = Math.max(0, Math.min(this.n - 1, offset));
    this.cells[this.current]?.classList.remove('current');
    this.current = i;
    this.cells[i]?.classList.add('current');
    this.grid.dataset.current = String(i);
    if (focus) this.grid.focus();
    this.show(i);
    if (tell) emit(this.host, 'tls-pick-byte', { offset: i });
  }

  /** show highlights the field of byte offset and describes it. */
  show(offset) {
    const k = this.leafAt[offset] ?? -1;
    const leaf = k >= 0 ? this.leaves[k] : null;
    const f = leaf ? leaf.field : null;
    this.light(f ? [f.offset, f.offset + f.length] : [offset, offset + 1]);
    fill(this.detail,
      h('strong', null, `Byte ${offset}`), ' = ', h('code', null, this.hex.slice(offset * 2, offset * 2 + 2)),
      leaf ? [' — ', describe(leaf.path)] : null);
    this.detail.dataset.kind = f ? f.kind : '';
    this.detail.dataset.offset = String(offset);
  }

  /** showField highlights a whole field (of any depth) and describes it. */
  showField(path) {
    const f = path[path.length - 1];
    this.light([f.offset, f.offset + f.length]);
    fill(this.detail, h('strong', null, `Bytes ${f.offset}–${f.offset + f.length - 1}`), ` (${formatByteCount(f.length)})`, ' — ', describe(path));
    this.detail.dataset.kind = f.kind;
    this.detail.dataset.offset = String(f.offset);
  }

  /** light marks bytes [start, end) as the field shown. */
  light([start, end]) {
    const [a, b] = this.lit;
    for (let i = a; i < b; i++) this.cells[i]?.classList.remove('in-field');
    for (let i = start; i < end; i++) this.cells[i]?.classList.add('in-field');
    this.lit = [start, end];
  }
}

/** describe renders a field's path (outer › inner) and, for the innermost, its value, explanation and RFC. */
function describe(path) {
  const shown = path.filter((f, k) => f.name && (k > 0 || path.length === 1));
  const f = path[path.length - 1];
  return h('span', { class: 'field-path' },
    shown.map((x, k) => [k ? ' › ' : '', h('span', { class: classes('field', x === f && 'inner'), 'data-kind': x.kind }, x.name)]),
    f.value ? [' = ', h('code', { class: 'field-value' }, f.value)] : null,
    f.unknown ? h('span', { class: 'badge unknown' }, ' unknown to the analyzer') : null,
    f.continued ? h('span', { class: 'explanation' }, ' (continues in another record)') : null,
    f.explain ? h('span', { class: 'explanation field-explain' }, ` ${f.explain}`) : null,
    f.rfc ? h('span', { class: 'rfc', 'data-testid': 'field-rfc' }, ` ${f.rfc}`) : null);
}

/**
 * fieldList renders a tree's fields as nested lists of buttons: one tab
 * stop, arrow keys move through them; focusing or hovering one highlights
 * its bytes in view (a HexView).
 */
function fieldList(root, view, label) {
  const buttons = [];
  const paths = [];
  const item = (f, path) => {
    const p = [...path, f];
    const k = buttons.length;
    const b = h('button', {
      type: 'button', class: classes('field-item', f.unknown && 'unknown'), 'data-field': k, 'data-kind': f.kind,
      tabindex: k === 0 ? 0 : -1, 'aria-describedby': view.detail.id,
    }, h('span', { class: 'field-name' }, f.name || f.kind), f.value ? [' ', h('code', { class: 'field-value' }, f.value)] : null);
    buttons.push(b);
    paths.push(p);
    const kids = f.children && f.children.length ? h('ul', null, f.children.map((c) => item(c, p))) : null;
    return h('li', null, b, kids);
  };
  const list = h('div', { class: 'field-group', role: 'group', 'aria-label': label }, h('ul', { class: 'field-list' }, item(root, [])));
  let current = 0;
  const go = (k, focus) => {
    buttons[current].tabIndex = -1;
    current = Math.max(0, Math.min(buttons.length - 1, k));
    buttons[current].tabIndex = 0;
    if (focus) buttons[current].focus();
  };
  const at = (e) => {
    const b = e.target.closest && e.target.closest('button[data-field]');
    return b ? Number(b.dataset.field) : -1;
  };
  list.addEventListener('focusin', (e) => { const k = at(e); if (k >= 0) { go(k, false); view.showField(paths[k]); } });
  list.addEventListener('mouseover', (e) => { const k = at(e); if (k >= 0) view.showField(paths[k]); });
  list.addEventListener('click', (e) => {
    const k = at(e);
    if (k >= 0) view.select(paths[k][paths[k].length - 1].offset, { focus: false });
  });
  list.addEventListener('keydown', (e) => {
    const moves = { ArrowUp: -1, ArrowDown: 1, Home: -Infinity, End: Infinity };
    if (!(e.key in moves)) return;
    e.preventDefault();
    e.stopPropagation();
    const d = moves[e.key];
    go(Number.isFinite(d) ? current + d : (d < 0 ? 0 : buttons.length - 1), true);
  });
  return list;
}

/** lazyFields is a closed "Every field" list, built the first time it is opened. */
function lazyFields(root, view, label) {
  const d = h('details', { class: 'fields' }, h('summary', null, 'Every field'));
  d.addEventListener('toggle', () => {
    if (d.open && !d.querySelector('.field-list')) d.append(fieldList(root, view, label));
  });
  return d;
}

/**
 * RecordBytes shows one record's bytes named field by field: the wire, and
 * beside it the plaintext when the record was decrypted. load(session, i)
 * asks the analyzer; analysis sets what it answered directly.
 */
export class RecordBytes extends HTMLElement {
  constructor() {
    super();
    this._analysis = null;
    this._mark = -1;
    this.label = 'Record';
  }

  set mark(v) { this._mark = v; }

  set analysis(v) { this._analysis = v; this.render(); }
  get analysis() { return this._analysis; }

  /** load asks the analyzer for record index of session and shows it. */
  load(session, index, opts) {
    this.dataset.state = 'loading';
    fill(this, h('p', { class: 'explanation' }, 'Reading the bytes…'));
    whenAnalyzer(this, () => recordAnalysis(session, index, opts).then(
      (a) => { this.analysis = a; },
      (err) => {
        this.dataset.state = 'failed';
        fill(this, h('p', { class: 'explanation' }, `The analyzer could not read this record: ${err.message}`));
      }));
  }

  connectedCallback() { if (this._analysis && !this.firstChild) this.render(); }

  render() {
    const a = this._analysis;
    if (!a || !this.isConnected) return;
    const sides = [];
    const wire = new HexView(this, { hex: a.wireHex, tree: a.tree.wire, label: `${this.label}: the bytes on the wire` });
    sides.push(h('section', { class: 'record-side wire-side', 'data-testid': 'record-wire' },
      h('h5', null, 'On the wire'),
      wire.el,
      lazyFields(a.tree.wire, wire, `${this.label}: the fields on the wire`)));
    if (a.decrypted && a.tree.plain) {
      const plain = new HexView(this, { hex: a.plainHex, tree: a.tree.plain, label: `${this.label}: the decrypted bytes` });
      sides.push(h('section', { class: 'record-side plain-side', 'data-testid': 'record-plain' },
        h('h5', null, 'Decrypted with the key log'),
        plain.el,
        lazyFields(a.tree.plain, plain, `${this.label}: the decrypted fields`)));
    } else if (a.decryptError) {
      sides.push(h('p', { class: 'explanation decrypt-note', 'data-testid': 'record-not-decrypted' }, `Not decrypted: ${a.decryptError}`));
    }
    fill(this, h('div', { class: classes('record-bytes', sides.length > 1 && 'two') }, sides));
    if (this._mark >= 0) wire.select(this._mark);
    this.dataset.state = 'ready';
  }
}

customElements.define('tls-record-bytes', RecordBytes);

// ---- <tls-byte-picker> ---------------------------------------------------------

/**
 * BytePicker shows the bytes of one record as buttons, 16 a line, each named
 * by the analyzer's field (tree, set when it arrives). One byte is selected;
 * arrow keys move the selection (a single tab stop), a click or Enter picks.
 */
export class BytePicker extends HTMLElement {
  constructor() {
    super();
    this._hex = '';
    this._tree = null;
    this._selected = 0;
    this._label = 'Bytes';
  }

  set hex(v) { if (v !== this._hex) { this._hex = v || ''; this._tree = null; this.build(); } }
  get hex() { return this._hex; }
  set tree(v) { if (v !== this._tree) { this._tree = v; this.build(); } }
  set label(v) { this._label = v; }
  set selected(v) {
    if (v === this._selected) return;
    this._selected = v;
    if (this.view) this.view.select(v);
  }

  get selected() { return this._selected; }

  connectedCallback() {
    if (!this._wired) {
      this._wired = true;
      this.addEventListener('tls-pick-byte', (e) => { if (e.target === this) this._selected = e.detail.offset; }, true);
    }
    this.build();
  }

  build() {
    if (!this.isConnected) return;
    const focused = this.contains(document.activeElement);
    this.view = new HexView(this, { hex: this._hex, tree: this._tree, label: this._label, pick: true, testids: true });
    if (this._selected >= this.view.n) this._selected = 0;
    fill(this, this.view.el);
    this.view.select(this._selected, { focus: focused });
  }
}

customElements.define('tls-byte-picker', BytePicker);
