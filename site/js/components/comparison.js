// <tls-comparison> puts the classic handshake (TLS 1.2, RSA key transport)
// and TLS 1.3 side by side on the same message: round trips before the
// client may send data, what an eavesdropper sees in the clear and what is
// encrypted, and what the server's private key, stolen later, reveals. The
// page runs the two sessions (in an engine of their own, so that the session
// above is left alone) and sets `result`.
//
// Properties: state = {busy, status, error, text, result: {classic, tls13}}
//   where classic and tls13 are {session: Session, exchange: Exchange}.
// Events: tls-compare {text}.

import { h, s as svg, emit, classes } from '../dom.js';
import { byteLength, formatByteCount, previewHex } from '../hex.js';

/** SIDES are the two columns, left to right. */
const SIDES = [
  { key: 'classic', title: 'Classic', sub: 'TLS 1.2, RSA key transport' },
  { key: 'tls13', title: 'TLS 1.3', sub: 'ephemeral key exchange' },
];

let instances = 0;

export class Comparison extends HTMLElement {
  constructor() {
    super();
    this.uid = `comparison-${++instances}`;
    this._state = { busy: false, status: '', error: '', text: 'GET /secret HTTP/1.1', result: null, ready: false };
  }

  set state(v) {
    const prev = this._state;
    this._state = { ...prev, ...v };
    if (!this.form) return;
    if (this._state.result !== prev.result || this._state.error !== prev.error) this.renderResult();
    this.update();
  }
  get state() { return this._state; }

  connectedCallback() {
    if (!this.form) this.build();
    this.update();
    this.renderResult();
  }

  /** focusHeading moves keyboard focus to the section's title (after a deep link). */
  focusHeading() {
    const heading = this.querySelector('h2');
    if (heading) heading.focus();
  }

  build() {
    const id = this.uid;
    this.input = h('input', {
      id: `${id}-text`, type: 'text', value: this._state.text, maxlength: 2000,
      autocomplete: 'off', spellcheck: 'false', 'data-testid': 'compare-input',
    });
    this.run = h('button', { type: 'submit', 'data-testid': 'compare-run' }, 'Run both handshakes');
    this.status = h('p', { class: 'explanation compare-status', role: 'status', 'data-testid': 'compare-status' });
    this.form = h('form', { class: 'compare-form' },
      h('label', { for: this.input.id }, 'The same message for both'),
      this.input, this.run);
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (this._state.busy) return;
      emit(this, 'tls-compare', { text: this.input.value });
    });
    this.body = h('div', { class: 'compare-body' });
    this.replaceChildren(h('section', { class: 'comparison', 'aria-labelledby': `${id}-title` },
      h('h2', { id: `${id}-title`, tabindex: -1 }, 'Classic against TLS 1.3, on the same message'),
      h('p', { class: 'explanation' },
        'The page runs two fresh handshakes with the same server key and certificate, one classic and one TLS 1.3, and sends your message over each, apart from the session you step through (which they do not touch).'),
      this.form, this.status, this.body));
  }

  update() {
    if (!this.form) return;
    const { busy, status, ready } = this._state;
    this.run.disabled = busy || !ready;
    this.input.disabled = busy;
    this.status.textContent = status || (ready ? '' : 'Waiting for the engine…');
    this.status.hidden = !this.status.textContent;
    this.dataset.state = busy ? 'busy' : this._state.result ? 'done' : this._state.error ? 'failed' : 'idle';
  }

  renderResult() {
    if (!this.body) return;
    const { result, error } = this._state;
    if (error) {
      this.body.replaceChildren(h('div', { class: 'session-error', role: 'alert', 'data-testid': 'compare-error' },
        h('strong', null, 'The comparison could not run.'), h('p', null, error)));
      return;
    }
    if (!result) {
      this.body.replaceChildren(h('p', { class: 'explanation' }, 'Press “Run both handshakes” to see them side by side.'));
      return;
    }
    this.body.replaceChildren(renderTable(result));
  }
}

/** renderTable lays the two sessions out as a table, one row per question. */
function renderTable(result) {
  const cols = SIDES.map((side) => ({ ...side, ...result[side.key] }));
  const head = h('thead', null, h('tr', null,
    h('td', { class: 'corner' }),
    cols.map((c) => h('th', { scope: 'col', class: `mode-${c.key}` },
      h('span', { class: 'col-title' }, c.title), h('span', { class: 'col-sub' }, c.sub)))));
  const row = (question, testid, cell) => h('tr', { 'data-testid': testid },
    h('th', { scope: 'row' }, question),
    cols.map((c) => h('td', { class: `mode-${c.key}` }, c.session ? cell(c.session, c.exchange) : '—')));

  return h('table', { class: 'comparison-table', 'data-testid': 'comparison' },
    h('caption', { class: 'visually-hidden' }, 'The classic handshake and TLS 1.3 compared'),
    head,
    h('tbody', null,
      row('Protocol and cipher suite', 'compare-suite', (s) => [
        h('p', null, s.version), h('code', { class: 'suite' }, s.suite || 'none'),
        h('p', { class: 'explanation' }, keyExchange(s))]),
      row('Round trips before the client may send data', 'compare-round-trips', (s) => [
        h('p', { class: 'big', 'data-value': s.roundTrips }, String(s.roundTrips ?? '—')),
        h('p', { class: 'explanation' }, roundTripText(s))]),
      row('Seen in the clear on the wire', 'compare-clear', (s) => [wire(s, false),
        h('p', { class: 'explanation' }, s.mode === 'classic'
          ? 'The ClientKeyExchange can be read as a message, but the pre-master secret inside it is encrypted with the server’s RSA key: whoever has that key opens it.'
          : 'Only the hellos: versions, randoms, suites and the public key shares. The secret computed from the shares never travels.')]),
      row('Encrypted on the wire', 'compare-encrypted', (s) => wire(s, true)),
      row('The server’s certificate', 'compare-certificate', (s) => {
        const cert = (s.messages || []).find((m) => m.name === 'Certificate');
        if (!cert) return h('p', null, 'not sent');
        return h('p', { class: classes('verdict', cert.encrypted ? 'good' : 'bad'), 'data-encrypted': String(cert.encrypted) },
          cert.encrypted
            ? 'Encrypted: an eavesdropper cannot read the certificate. (The name asked for still travels in the clear in the ClientHello’s server_name, unless Encrypted Client Hello is used.)'
            : 'In the clear: anyone on the path reads the certificate — the site’s names, its public key, the CA that signed it.');
      }),
      row('Your message', 'compare-message', (s, ex) => (ex ? [
        h('p', null, 'Sent as record ', String(ex.record + 1), ', ', formatByteCount(byteLength(ex.recordHex)), ' on the wire: ',
          h('code', { class: 'bytes' }, previewHex(ex.recordHex, 10))),
        h('p', { class: classes('decrypted', ex.decrypted === ex.plaintext ? 'ok' : 'fail') },
          'Decrypted by the server: ', h('output', { 'data-testid': 'compare-decrypted' }, ex.decrypted),
          h('span', { class: 'mark', 'aria-hidden': 'true' }, ex.decrypted === ex.plaintext ? ' ✓' : ' ✗')),
      ] : h('p', null, 'not sent'))),
      row('What the server’s private key, stolen later, reveals', 'compare-stolen-key', (s) => (s.forwardSecrecy
        ? [h('p', { class: 'verdict good', 'data-forward-secrecy': 'true' }, 'Nothing: the ephemeral keys are gone.'),
          h('p', { class: 'explanation' },
            s.mode === 'tls13'
              ? 'The traffic keys came from an ephemeral key exchange. The engine overwrites both ephemeral private keys and the shared secret with zeros as soon as the handshake secret is derived from them, still inside the handshake; the traffic keys stay in memory only until the connection closes. The server’s long-term key only signed the handshake, so a recording of this connection stays sealed against it. (Go cannot zero the copies its crypto packages keep inside their key objects; those wait for the garbage collector. This page keeps teaching copies a real implementation would not.)'
              : 'The traffic keys came from an ephemeral key exchange. The engine overwrites both ephemeral private keys and the shared secret (the pre-master secret) with zeros as soon as the master secret is derived from them; the traffic keys stay in memory only until the connection closes. The server’s long-term key only signed the ServerKeyExchange, so a recording of this connection stays sealed against it. (Go cannot zero the copies its crypto packages keep inside their key objects; those wait for the garbage collector. This page keeps teaching copies a real implementation would not.)')]
        : [h('p', { class: 'verdict bad', 'data-forward-secrecy': 'false' }, 'Every recorded session decrypts.'),
          h('p', { class: 'explanation' },
            'The pre-master secret crossed the wire encrypted with the server’s RSA key, in the ClientKeyExchange. Whoever recorded the traffic and later obtains that key decrypts the pre-master secret, derives the keys, and reads this message — and every other session ever made with that key.')]))));
}

function keyExchange(s) {
  if (s.mode === 'classic') return 'Key exchange: RSA key transport (the client encrypts the secret with the server\'s certificate key).';
  return `Key exchange: ephemeral ${s.group || 'Diffie-Hellman'}${s.signatureScheme ? `; the server signs with ${s.signatureScheme}` : ''}.`;
}

function roundTripText(s) {
  const hrr = s.helloRetry ? ' (one more, because the server asked for another key share with a HelloRetryRequest)' : '';
  if (s.mode === 'tls13') return `ClientHello → ServerHello … Finished; the client's Finished can travel with its first data${hrr}.`;
  return `ClientHello → ServerHello … ServerHelloDone, then ClientKeyExchange … Finished → Finished, before any data${hrr}.`;
}

/** wire lists the handshake messages that travelled encrypted (or not), in wire order, once each. */
function wire(s, encrypted) {
  const names = [];
  for (const m of s.messages || []) {
    if (Boolean(m.encrypted) !== encrypted) continue;
    if (!names.includes(m.name)) names.push(m.name);
  }
  if (!names.length) return h('p', { class: 'explanation' }, 'nothing');
  return h('ul', { class: classes('wire-list', encrypted ? 'encrypted' : 'clear') },
    names.map((n) => h('li', { class: classes('msg', n === 'Certificate' && 'certificate') },
      encrypted ? lockIcon() : null, n)));
}

/** lockIcon is a small padlock (the sequence diagram's, at text size). */
function lockIcon() {
  return svg('svg', { class: 'lock-icon', viewBox: '0 0 12 15', width: 10, height: 12, 'aria-hidden': 'true' },
    svg('path', { class: 'shackle', d: 'M2.5,7 v-2.5 a3.5,3.5 0 0 1 7,0 v2.5' }),
    svg('rect', { class: 'body', x: 0, y: 7, width: 12, height: 8, rx: 1.5 }));
}

customElements.define('tls-comparison', Comparison);
