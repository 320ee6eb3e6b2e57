// <tls-message-composer> is step 7's message box: the visitor types a message
// and sends it as the client or as the server; each Exchange the engine
// returns is shown with its nonce, additional data, ciphertext, tag, the
// whole record, and the text the receiver decrypted.
//
// When the server answers over HTTP (remote), only the client sends: the
// message travels in a POST and the server answers it by itself ("server
// received N bytes: …"); each item then shows the message, the record that
// carried it, the server's answer as the client decrypted it, and its record.
//
// Properties: session (Session JSON), exchanges (Exchange JSON[], or remote
// items {remote: true, text, reply, sentHex[], receivedHex[], http: {n, status, ms}}),
// step, busy, remote (false, or 'page' | 'url').
// Events: tls-send {from, text}.

import { h, emit, classes } from '../dom.js';
import { hexBlock } from './values.js';
import { byteLength } from '../hex.js';
import { suiteInfo } from './mode-switch.js';

export class MessageComposer extends HTMLElement {
  constructor() {
    super();
    this._session = null;
    this._exchanges = [];
    this._step = 1;
    this._busy = false;
    this._remote = false;
  }

  set session(v) { this._session = v; this.update(); }
  set exchanges(v) { if (v !== this._exchanges) { this._exchanges = v || []; this.renderExchanges(); } }
  set step(v) { this._step = v; this.update(); }
  set busy(v) { this._busy = Boolean(v); this.update(); }
  set remote(v) { this._remote = v || false; this.update(); }

  connectedCallback() {
    if (!this.form) this.build();
    this.update();
    this.renderExchanges();
  }

  build() {
    const id = `composer-${Math.random().toString(36).slice(2, 8)}`;
    this.input = h('input', {
      id, type: 'text', name: 'text', value: 'hello, server', maxlength: 2000,
      autocomplete: 'off', spellcheck: 'false', 'data-testid': 'message-input',
    });
    this.asClient = h('button', { type: 'submit', value: 'client', class: 'client', 'data-testid': 'send-client' }, 'Send as client →');
    this.asServer = h('button', { type: 'submit', value: 'server', class: 'server', 'data-testid': 'send-server' }, '← Send as server');
    this.notice = h('p', { class: 'explanation notice' });
    this.form = h('form', { class: 'composer', 'aria-labelledby': `${id}-title` },
      h('h3', { id: `${id}-title` }, 'Send a message'),
      this.about = h('p', { class: 'explanation' }),
      h('div', { class: 'compose-row' },
        h('label', { for: id }, 'Message'),
        this.input,
        h('div', { class: 'send-buttons' }, this.asClient, this.asServer)),
      this.notice);
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      const from = (e.submitter && e.submitter.value) || 'client';
      if (this._busy || !this.canSend()) return;
      emit(this, 'tls-send', { from, text: this.input.value });
    });
    this.list = h('ol', { class: 'exchanges', 'aria-live': 'polite', 'aria-label': 'Messages sent' });
    this.replaceChildren(this.form, this.list);
  }

  canSend() {
    const s = this._session;
    return Boolean(s && !s.closed && !s.error && s.suite);
  }

  update() {
    if (!this.form) return;
    this.hidden = this._step !== 7;
    const s = this._session;
    const disabled = this._busy || !this.canSend();
    this.asClient.disabled = disabled;
    this.asServer.disabled = disabled;
    this.asServer.hidden = Boolean(this._remote);
    // Only what changed is written: this runs for each property the page sets.
    setText(this.asClient, this._remote ? 'Send to the server →' : 'Send as client →');
    this.input.disabled = !this.canSend();
    let text = '';
    if (!s) text = 'The engine is not ready yet.';
    else if (s.error) text = 'The handshake failed, so there are no keys to encrypt with.';
    else if (s.closed) text = 'The connection is closed and both sides have overwritten their keys with zeros. Start a new session to send more.';
    const key = s && s.version === 'TLS 1.3' ? 'application traffic key' : 'write key';
    setText(this.about, this._remote
      ? `Your message becomes one TLS application-data record, sealed with ${aeadOf(s && s.suite)} under the client's ${key}, and travels in an HTTP POST to the server ${this._remote === 'page' ? 'in this page' : 'at the URL'}. The server decrypts it and answers by itself: its answer comes back in the response, and the client decrypts it.`
      : `Each message becomes one TLS application-data record, sealed with ${aeadOf(s && s.suite)} under the sender's ${key} and opened by the receiver. Press Enter to send as the client.`);
    setText(this.notice, text);
    this.notice.hidden = !text;
  }

  renderExchanges() {
    if (!this.list) return;
    this.list.replaceChildren(...this._exchanges.map((ex) => (ex.remote ? renderRemote(ex) : renderExchange(ex))));
  }
}

/** setText sets el's text unless it is already that (a text set anew is a change to lay out). */
function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

/** aeadOf names the record cipher of an IANA suite name, from the engine's catalogue. */
function aeadOf(suite) {
  const info = suiteInfo(suite);
  return info ? info.cipher : 'the suite\'s cipher';
}

/**
 * renderExchange shows one Exchange compactly: what was sealed, the AEAD's
 * inputs and outputs, and what the receiver decrypted. The step's trace (in
 * the step panel) explains each field at length.
 */
export function renderExchange(ex) {
  const row = (label, body) => h('div', { class: 'value' }, h('dt', { class: 'label' }, label), h('dd', null, body));
  const ok = ex.decrypted === ex.plaintext;
  return h('li', { class: classes('exchange', 'record', ex.from) },
    h('h4', null,
      h('span', { class: classes('actor', ex.from) }, ex.from), ' → ',
      h('span', { class: classes('actor', ex.to) }, ex.to),
      h('span', { class: 'where' }, ` record ${ex.record + 1} of the connection · sequence number ${ex.seq}`)),
    h('dl', { class: 'values compact' },
      row('Plaintext', h('p', { class: 'text' }, h('q', null, ex.plaintext))),
      row('Nonce', [hexBlock(ex.nonceHex, { label: 'Nonce' }), h('p', { class: 'explanation' }, ex.explicitNonceHex
        ? `The implicit IV, then the 8-byte explicit nonce ${ex.explicitNonceHex}: this record's sequence number, which also travels on the wire in front of the ciphertext.`
        : 'The IV XOR the sequence number: nothing of it travels on the wire.')]),
      row('Additional data', [hexBlock(ex.aadHex, { label: 'Additional data' }), h('p', { class: 'explanation' }, byteLength(ex.aadHex) === 13
        ? 'Sequence number, record type, version and the plaintext\'s length (not the ciphertext\'s): authenticated, not encrypted.'
        : 'The record header as sent: authenticated, not encrypted.')]),
      row('Ciphertext', hexBlock(ex.ciphertextHex, { label: 'Ciphertext' })),
      row('Tag', hexBlock(ex.tagHex, { label: 'Tag' })),
      row('Record', hexBlock(ex.recordHex, { label: 'Record' })),
      row(`Decrypted by the ${ex.to}`,
        h('p', { class: classes('text', 'decrypted', ok ? 'ok' : 'fail') },
          h('output', { 'data-testid': 'decrypted' }, ex.decrypted),
          h('span', { class: 'mark', 'aria-hidden': 'true' }, ok ? ' ✓' : ' ✗'),
          h('span', { class: 'visually-hidden' }, ok ? ' (same as sent)' : ' (differs from what was sent)')))));
}

/**
 * renderRemote shows one message to a server behind HTTP and the server's
 * answer: the text, the record that carried it, the answer the client
 * decrypted, and the record it came in.
 */
export function renderRemote(ex) {
  const row = (label, body) => h('div', { class: 'value' }, h('dt', { class: 'label' }, label), h('dd', null, body));
  const records = (list) => (list || []).map((hex) => hexBlock(hex));
  const http = ex.http
    ? ` · HTTP request #${ex.http.n}: ${ex.http.status || 'no answer'}, ${ex.http.ms.toFixed(1)} ms round trip`
    : '';
  return h('li', { class: classes('exchange', 'record', 'remote', 'client') },
    h('h4', null,
      h('span', { class: classes('actor', 'client') }, 'client'), ' → ',
      h('span', { class: classes('actor', 'server') }, 'server'), ' → ',
      h('span', { class: classes('actor', 'client') }, 'client'),
      h('span', { class: 'where' }, http)),
    h('dl', { class: 'values compact' },
      row('You sent', h('p', { class: 'text' }, h('q', { 'data-testid': 'sent-text' }, ex.text))),
      row('Record sent', records(ex.sentHex)),
      row('The server answered', ex.reply
        ? h('p', { class: classes('text', 'decrypted', 'ok') },
          h('output', { 'data-testid': 'reply' }, ex.reply),
          h('span', { class: 'explanation' }, ' (decrypted by the client)'))
        : h('p', { class: 'text explanation', 'data-testid': 'reply' }, 'no answer')),
      row('Record received', records(ex.receivedHex))));
}

customElements.define('tls-message-composer', MessageComposer);
