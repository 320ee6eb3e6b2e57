// wire.js shows a session as the network sees it: its records in wire
// order, and, for one record, its bytes one by one. The attack views use it:
// Eve's view (only what travels in the clear is readable), the tampering
// view (pick a record, click a byte), and every result (which record was
// changed, which alert ended the connection).
//
// Annotations come from the session itself, never from parsing the
// handshake here: a field is named when one of the engine's recorded values
// (a random, a key share, a signature, a certificate) is found, byte for
// byte, inside the record. Only the framing that every record shares — the
// 5-byte record header (RFC 8446, Section 5.1; RFC 5246, Section 6.2) and the
// 4-byte header of a handshake message in the clear (RFC 8446, Section 4) —
// is named by position.
//
// Exports:
//   <tls-wire>          properties: session, view ('eve' | 'plain' | 'pick'),
//                       labels ({client, server}), mark ({record, offset, from, to}),
//                       selected (record index, in 'pick'). Event: tls-pick-record {record}.
//   <tls-byte-picker>   properties: hex, fields, selected (offset), label.
//                       Event: tls-pick-byte {offset}.
//   recordFields(session, index, exchanges) → [{start, end, label, note}]
//   refusal(error, {labels, change}) → the block that names the check that failed
//   messagesOf, isEncrypted, recordName, sideLabel

import { h, fill, s as svg, emit, classes } from '../dom.js';
import { scrollable } from './scroll-hint.js';
import {
  byteLength, formatByteCount, formatHex, previewHex, bytesOf, byteHex, findHex, textHex,
} from '../hex.js';
import { renderValue, hexBlock } from './values.js';

/** CONTENT_TYPES names the first byte of a record header (RFC 8446, Section 5.1). */
export const CONTENT_TYPES = { 20: 'change_cipher_spec', 21: 'alert', 22: 'handshake', 23: 'application_data' };

const HEADER = 5;           // record header: type (1), legacy version (2), length (2)
const HANDSHAKE_HEADER = 4; // handshake message header: type (1), length (3)

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

/** fieldLength reads the big-endian number in bytes [start, end) of hex. */
function fieldLength(hex, start, end) {
  let n = 0;
  for (const b of bytesOf(hex.slice(start * 2, end * 2))) n = n * 256 + parseInt(b, 16);
  return n;
}

/** allValues lists every value the session recorded, with the event it belongs to. */
function allValues(session) {
  const out = [];
  for (const st of (session && session.steps) || []) {
    for (const ev of st.events || []) {
      for (const v of ev.values || []) out.push({ v, ev });
    }
  }
  return out;
}

/**
 * sendEvent returns the event in which a side sent record index: the one
 * that recorded the record's exact bytes ("Record on the wire").
 */
export function sendEvent(session, index) {
  const hex = ((session.records || [])[index] || {}).hex;
  if (!hex) return null;
  for (const { v, ev } of allValues(session)) {
    // Only an event about this record alone: "Sends ChangeCipherSpec, then
    // its Finished" also records the Finished's values, which are encrypted.
    if (v.kind === 'hex' && v.hex === hex && v.label === 'Record on the wire') return ev;
  }
  return null;
}

/**
 * recordFields names the bytes of record index: the record header, the
 * handshake header of a message in the clear, and every recorded value
 * found inside it (exchanges add the nonce, ciphertext and tag of the
 * application data records). Fields may nest; they are sorted by start,
 * widest first.
 */
export function recordFields(session, index, exchanges = []) {
  const record = (session.records || [])[index];
  if (!record) return [];
  const hex = record.hex;
  const n = byteLength(hex);
  const type = parseInt(hex.slice(0, 2), 16);
  const fields = [];
  const add = (start, end, label, note = '') => {
    if (start < 0 || end > n || end <= start) return;
    if (fields.some((f) => f.start === start && f.end === end)) return;
    fields.push({ start, end, label, note });
  };
  add(0, 1, 'Record header: content type', `${type} = ${CONTENT_TYPES[type] || 'unknown'}`);
  add(1, 3, 'Record header: legacy version', 'read before any key exists; TLS 1.3 still writes 03 03 (or 03 01 in a ClientHello)');
  add(3, HEADER, 'Record header: length', follow(fieldLength(hex, 3, HEADER)));
  if (n <= HEADER) return fields;

  const encrypted = isEncrypted(session, index);
  const ex = exchanges.find((e) => e.recordHex === hex);
  if (ex) {
    // An application data record of the step-7 composer: the engine
    // recorded its parts.
    const parts = [
      [ex.explicitNonceHex, 'Explicit nonce (TLS 1.2 GCM: sent in the clear)'],
      [ex.ciphertextHex, 'Ciphertext', 'your message, encrypted'],
      [ex.tagHex, 'Authentication tag (AEAD)', 'any change to the record fails this check'],
    ];
    for (const [part, label, note] of parts) {
      const at = part ? findHex(hex, part) : -1;
      if (at >= HEADER) add(at, at + byteLength(part), label, note);
    }
  }
  if (encrypted || type === 23) {
    add(HEADER, n, 'Encrypted payload: ciphertext and authentication tag', 'only the keys open it; any change fails the AEAD tag check (bad_record_mac)');
  } else if (type === 22 && n >= HEADER + HANDSHAKE_HEADER) {
    const name = messagesOf(session, index)[0]?.name || 'handshake message';
    add(HEADER, HEADER + 1, `Handshake header: message type (${name})`);
    add(HEADER + 1, HEADER + HANDSHAKE_HEADER, 'Handshake header: message length',
      follow(fieldLength(hex, HEADER + 1, HEADER + HANDSHAKE_HEADER)));
    add(HEADER + HANDSHAKE_HEADER, n, `${name} body`);
  } else if (type === 20) {
    add(HEADER, n, 'ChangeCipherSpec (always 01)', 'from the next record on, this side encrypts');
  } else if (type === 21 && n === HEADER + 2) {
    add(HEADER, HEADER + 1, 'Alert level', '2 = fatal');
    add(HEADER + 1, HEADER + 2, 'Alert description');
  }

  // Recorded values found byte for byte inside the record. Short values
  // (under 8 bytes) could match by chance and are left out.
  if (!encrypted) {
    for (const { v } of allValues(session)) {
      if (v.secret) continue;
      if (v.kind === 'hex' && v.hex && v.hex !== hex && byteLength(v.hex) >= 8) {
        const at = findHex(hex, v.hex);
        if (at >= HEADER) add(at, at + byteLength(v.hex), v.label, v.note || '');
      } else if (v.kind === 'cert' && v.cert && v.cert.derHex) {
        const at = findHex(hex, v.cert.derHex);
        if (at >= HEADER) {
          add(at, at + byteLength(v.cert.derHex), `Certificate: ${v.cert.subject}`, 'DER; the issuer\'s signature is its last bytes');
        }
      }
    }
    const sni = session.server && session.server.name;
    if (sni && index === 0) {
      const at = findHex(hex, textHex(sni));
      if (at >= HEADER) add(at, at + sni.length, 'Server name (SNI)', `“${sni}”, in the clear`);
    }
  }
  return fields.sort((a, b) => a.start - b.start || b.end - a.end);
}

/** follow says how many bytes a length field announces: "1 byte follows", "53 bytes follow". */
function follow(n) {
  return `${formatByteCount(n)} ${n === 1 ? 'follows' : 'follow'}`;
}

/** fieldsAt returns the fields that hold byte offset, outermost first. */
export function fieldsAt(fields, offset) {
  return fields.filter((f) => offset >= f.start && offset < f.end)
    .sort((a, b) => (b.end - b.start) - (a.end - a.start));
}

// ---- what failed ---------------------------------------------------------------

/**
 * CHECKS says, per alert, which check a receiver runs that sends it. The
 * engine's own message (shown beside it) says exactly what it found.
 */
export const CHECKS = {
  bad_record_mac: {
    check: 'the AEAD tag check (record protection)',
    text: 'Every encrypted record carries an authentication tag computed with the sender’s write key over the ciphertext and the record header. A changed byte — or keys that differ because something earlier in the handshake was changed — makes the tag check fail, and the receiver throws the whole record away without decrypting it.',
  },
  decrypt_error: {
    check: 'a MAC or signature over the handshake',
    text: 'The Finished message is a MAC of the whole handshake under the master secret; ServerKeyExchange (TLS 1.2) and CertificateVerify (TLS 1.3) are signatures with the certificate’s key. When the two sides saw different handshake bytes, or a signed value was changed, this check fails.',
  },
  decode_error: {
    check: 'parsing: lengths and fields',
    text: 'Every field of a message has a length, and the lengths must add up to exactly the bytes received. A changed length no longer matches, so the message is refused before anything in it is used.',
  },
  unexpected_message: {
    check: 'the record layer: what may arrive now',
    text: 'The bytes no longer form the record or message the receiver expects at this point: an unknown content type, or a message out of order.',
  },
  illegal_parameter: {
    check: 'a field holds a forbidden value',
    text: 'The message parses, but a field holds a value the protocol forbids here — a version, a point format, a downgrade sentinel.',
  },
  protocol_version: {
    check: 'version negotiation',
    text: 'The version field now names a protocol version this side does not speak.',
  },
  handshake_failure: {
    check: 'negotiation',
    text: 'No acceptable set of parameters: nothing in common, or an extension that must be empty is not.',
  },
  unknown_ca: {
    check: 'certificate verification (crypto/x509): no path to a trusted root',
    text: 'crypto/x509 looks for an issuer whose key verifies the certificate’s signature, and a path from it to a root in the client’s trust store. A certificate signed by a stranger and a genuine one whose signature was changed look the same: no trusted key verifies them.',
  },
  bad_certificate: {
    check: 'certificate verification (crypto/x509)',
    text: 'The chain is refused; crypto/x509’s exact reason is above: an unknown issuer, a signature that no trusted key verifies (a changed byte looks just like a stranger’s certificate), dates, the name, the key usage or a weak key. Like crypto/tls, the client sends bad_certificate whatever the reason: the peer only learns that its certificate was refused.',
  },
  certificate_expired: {
    check: 'certificate verification: the validity period',
    text: 'The client’s clock is outside the certificate’s notBefore … notAfter window.',
  },
  '': {
    check: 'none yet: the receiver waits for more bytes',
    text: 'A length field now promises more bytes than were sent, so the receiver keeps what it has and waits for the rest. Nothing is processed, nothing is released, and no alert is sent: a real connection would sit there until a timeout closed it.',
  },
};

/**
 * REFINED names the check more exactly where the engine's message says
 * which one it was ([alert, message pattern, check]): decrypt_error covers
 * Finished, signatures and the leaky padding oracle; handshake_failure
 * covers negotiation and renegotiation_info.
 */
const REFINED = [
  ['handshake_failure', /no cipher suite in common/, {
    check: 'cipher suite negotiation',
    text: 'The server picks one of the suites the client offers that it also enables itself. There is none, so it refuses the ClientHello before sending anything else.',
  }],
  ['handshake_failure', /renegotiation_info/, {
    check: 'secure renegotiation (RFC 5746)',
    text: 'On a new connection the renegotiation_info extension must be empty; the changed byte made it claim an earlier connection that does not exist.',
  }],
  ['decrypt_error', /PKCS#1 padding/, {
    check: 'the PKCS#1 v1.5 padding of the decrypted pre-master secret',
    text: 'Not a MAC or a signature: this server reports, with an alert of its own, that the RSA-decrypted block does not start with 00 02 — exactly the one bit Bleichenbacher’s attack needs. The real server never reveals it.',
  }],
  ['decrypt_error', /Finished/, {
    check: 'the Finished check (a MAC of the whole handshake)',
    text: 'Finished carries a MAC of every handshake message, keyed by the master secret. The keys still agree here, but the two sides saw different handshake bytes, so the MACs differ.',
  }],
  ['decrypt_error', /signature/i, {
    check: 'a signature check with the certificate’s key',
    text: 'The server signs its key exchange (ServerKeyExchange in TLS 1.2, CertificateVerify in TLS 1.3) with its certificate’s key. A changed byte in what was signed, or in the signature, and it no longer verifies.',
  }],
];

/**
 * refusal renders the side that refused, the alert it sent, the engine's
 * exact message, and which check that is. change ({name, record}) is the
 * record that was changed on the way, when there was one; failed names the
 * client's checks that failed (a certificate scenario's verification).
 */
export function refusal(error, { labels = DEFAULT_LABELS, change = null, testid = 'refusal', failed = [] } = {}) {
  if (!error) return null;
  const who = sideLabel(error.side, labels);
  const refined = REFINED.find(([alert, re]) => alert === error.alert && re.test(error.message || ''));
  const info = refined ? refined[2] : CHECKS[error.alert || ''] || { check: error.alert, text: '' };
  const head = error.alert
    ? [who, ' refused it and sent the fatal alert ', h('code', { class: 'alert-name' }, error.alert)]
    : [who, ' waits for more bytes: no alert was sent'];
  return h('div', { class: 'refusal', 'data-testid': testid, 'data-side': error.side || '', 'data-alert': error.alert || '' },
    h('p', { class: 'refusal-head' }, h('span', { class: classes('actor', actorClass(error.side, labels)) }, who), ' ', ...head.slice(1)),
    h('p', { class: 'refusal-check' }, h('span', { class: 'label' }, 'The check that failed: '), info.check,
      failed.length ? [' — ', failed.map((name, i) => [i ? ', ' : '', h('strong', null, name)])] : null),
    h('pre', { class: 'engine-message', 'data-testid': `${testid}-message` }, error.message),
    info.text ? h('p', { class: 'explanation' }, info.text) : null);
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
    if (changed) this.render();
  }

  connectedCallback() {
    if (!this._wired) {
      this._wired = true;
      this.addEventListener('click', (e) => {
        const b = e.target.closest && e.target.closest('button[data-pick-record]');
        if (b && this.contains(b)) emit(this, 'tls-pick-record', { record: Number(b.dataset.pickRecord) });
      });
    }
    this.render();
  }

  render() {
    if (!this.isConnected) return;
    const { session, view, labels, mark, selected } = this._props;
    if (!session) { fill(this); return; }
    const records = session.records || [];
    const fatal = session.error ? fatalRecord(session) : -1;
    const items = records.map((r, i) => {
      const enc = isEncrypted(session, i);
      const other = r.from === 'client' ? 'server' : 'client';
      const n = byteLength(r.hex);
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
      return h('li', { class: cls, 'data-record': i },
        h('p', { class: 'wire-head' }, head),
        view === 'eve' ? eveBody(session, i, enc) : null);
    });
    fill(this, h('ol', { class: classes('wire', `view-${view}`), 'data-testid': `wire-${view}` }, items));
  }
}

/** fatalRecord is the index of the alert record that ended a failed session, or -1. */
function fatalRecord(session) {
  const e = session.error;
  const m = [...(session.messages || [])].reverse().find((x) => x.name === 'Alert' && x.from === e.side);
  return m ? m.record : -1;
}

/** eveName is all Eve can name an encrypted record by: its outer content type. */
function eveName(hex) {
  const type = parseInt(hex.slice(0, 2), 16);
  return `encrypted ${CONTENT_TYPES[type] || 'record'}`;
}

/** eveBody shows what Eve reads of record i: the header always, the fields only in the clear. */
function eveBody(session, i, enc) {
  const r = session.records[i];
  const n = byteLength(r.hex);
  const type = parseInt(r.hex.slice(0, 2), 16);
  const header = h('p', { class: 'eve-header' },
    h('code', { class: 'bytes' }, formatHex(r.hex.slice(0, HEADER * 2), { perLine: 0 })), ' ',
    h('span', { class: 'explanation' }, `record header, always in the clear: ${CONTENT_TYPES[type] || 'unknown type'}, ${follow(fieldLength(r.hex, 3, HEADER))}`));
  if (enc) {
    return h('div', { class: 'eve-body opaque' }, header,
      h('p', null, h('code', { class: 'bytes opaque-bytes' }, previewHex(r.hex.slice(HEADER * 2), 16)),
        ' ', h('span', { class: 'explanation' }, `${formatByteCount(n - HEADER)} of ciphertext: opaque without the keys${type === 23 && session.version === 'TLS 1.3' ? '; in TLS 1.3 even the message type is hidden inside' : ''}`)));
  }
  const ev = sendEvent(session, i);
  const values = ev ? (ev.values || []).filter((v) => !v.secret && !(v.kind === 'hex' && v.hex === r.hex)) : [];
  return h('div', { class: 'eve-body clear' }, header,
    values.length
      ? h('dl', { class: 'values compact' }, values.map(renderValue))
      : h('details', { class: 'bytes-detail' }, h('summary', null, 'Readable bytes'), hexBlock(r.hex)));
}

customElements.define('tls-wire', Wire);

// ---- <tls-byte-picker> ---------------------------------------------------------

const PER_LINE = 16;

/**
 * BytePicker shows the bytes of one record as buttons, 16 a line, and which
 * field each belongs to. One byte is selected; arrow keys move the selection
 * (a single tab stop), a click or Enter picks.
 */
export class BytePicker extends HTMLElement {
  constructor() {
    super();
    this._hex = '';
    this._fields = [];
    this._selected = 0;
    this._label = 'Bytes';
  }

  set hex(v) { if (v !== this._hex) { this._hex = v || ''; this.build(); } }
  get hex() { return this._hex; }
  set fields(v) { this._fields = v || []; this.paint(); }
  set label(v) { this._label = v; }
  set selected(v) { if (v !== this._selected) { this._selected = v; this.paint(); } }
  get selected() { return this._selected; }

  connectedCallback() {
    if (!this._wired) {
      this._wired = true;
      this.addEventListener('click', (e) => {
        const b = e.target.closest && e.target.closest('button[data-offset]');
        if (b) this.pick(Number(b.dataset.offset), false);
      });
      this.addEventListener('keydown', (e) => this.key(e));
    }
    this.build();
  }

  build() {
    if (!this.isConnected) return;
    const bytes = bytesOf(this._hex);
    this.buttons = bytes.map((b, i) => h('button', {
      type: 'button', class: 'byte', 'data-offset': i, tabindex: -1,
      'aria-label': `byte ${i}: ${b}`, 'data-testid': `byte-${i}`,
    }, b));
    const rows = [];
    for (let i = 0; i < bytes.length; i += PER_LINE) {
      rows.push(h('div', { class: 'byte-row' },
        h('span', { class: 'offset', 'aria-hidden': 'true' }, String(i).padStart(4, '0')),
        h('span', { class: 'byte-cells' }, this.buttons.slice(i, i + PER_LINE))));
    }
    this.legend = h('p', { class: 'byte-legend', 'aria-live': 'polite', 'data-testid': 'byte-legend' });
    fill(this, 
      // Wider than a phone: it scrolls inside its box, shaded at the edge (its buttons are the keyboard's way in).
      scrollable(h('div', { class: 'byte-grid', role: 'group', 'aria-label': this._label }, rows), this._label, { focus: false }),
      this.legend);
    if (this._selected >= bytes.length) this._selected = 0;
    this.paint();
  }

  /** paint marks the selected byte, the bytes of its innermost field and the headers. */
  paint() {
    if (!this.buttons) return;
    const at = fieldsAt(this._fields, this._selected);
    const inner = at[at.length - 1];
    this.buttons.forEach((b, i) => {
      b.classList.toggle('selected', i === this._selected);
      b.setAttribute('aria-pressed', String(i === this._selected));
      b.tabIndex = i === this._selected ? 0 : -1;
      b.classList.toggle('in-field', Boolean(inner) && i >= inner.start && i < inner.end);
      b.classList.toggle('header', i < HEADER);
    });
    if (!this.legend) return;
    const sel = this.buttons[this._selected];
    if (!sel) { fill(this.legend); return; }
    fill(this.legend, 
      h('strong', null, `Byte ${this._selected}`), ' = ', h('code', null, bytesOf(this._hex)[this._selected]),
      at.length ? [' — ', at.map((f, k) => [k ? ' › ' : '', h('span', { class: classes('field', k === at.length - 1 && 'inner') }, f.label)]),
        inner.note ? h('span', { class: 'explanation' }, ` (${inner.note})`) : null] : null);
  }

  pick(offset, focus) {
    const n = this.buttons ? this.buttons.length : 0;
    if (!n) return;
    const i = Math.max(0, Math.min(n - 1, offset));
    this.selected = i;
    if (focus) this.buttons[i].focus();
    emit(this, 'tls-pick-byte', { offset: i });
  }

  key(e) {
    const moves = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -PER_LINE, ArrowDown: PER_LINE };
    if (e.key in moves || e.key === 'Home' || e.key === 'End') e.stopPropagation(); // not the page's step keys
    if (e.key in moves) {
      e.preventDefault();
      this.pick(this._selected + moves[e.key], true);
    } else if (e.key === 'Home') {
      e.preventDefault();
      this.pick(0, true);
    } else if (e.key === 'End') {
      e.preventDefault();
      this.pick(this.buttons.length - 1, true);
    }
  }
}

customElements.define('tls-byte-picker', BytePicker);
