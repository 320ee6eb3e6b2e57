// <tls-capture-download> offers a session as Wireshark reads it: a pcapng
// file with the session's TCP stream and its NSS key log inside (a
// Decryption Secrets Block, so Wireshark and tshark show the decrypted
// records with no other file), and the key log alone as text, for other
// tools. The engine writes both (wasm sessionCapture); nothing leaves the
// page: the files are made in the worker and saved from a blob: URL, so it
// works offline and in the single-file edition.
//
// Attributes: source = "session" (default: the session on screen) |
//   "mitm" (Mallory's two connections, two TCP streams in one file).
// Properties: session (the Session JSON on screen, or Mallory's {left,
//   right}: the offer is hidden when there is nothing to save), busy.
// Event: tls-command {command: 'download-capture', value: {source, what:
//   'pcapng' | 'keylog'}}: the view asks the engine and saves the file, named
//   by the engine with the mode and the seed.

import { h, fill, emit } from '../dom.js';

export class CaptureDownload extends HTMLElement {
  constructor() {
    super();
    this._session = null;
    this._busy = false;
  }

  get source() { return this.getAttribute('source') === 'mitm' ? 'mitm' : 'session'; }

  set session(v) { if (v !== this._session) { this._session = v; this.render(); } }
  get session() { return this._session; }
  set busy(v) { if (Boolean(v) !== this._busy) { this._busy = Boolean(v); this.update(); } }

  connectedCallback() { this.render(); }

  render() {
    if (!this.isConnected) return;
    const s = this._session;
    const mitm = this.source === 'mitm';
    const has = mitm ? Boolean(s && s.left && s.right) : Boolean(s && (s.records || []).length);
    this.hidden = !has;
    if (!has) { fill(this); return; }
    const button = (what, label) => {
      const b = h('button', { type: 'button', class: 'download', 'data-testid': `download-${what}${mitm ? '-mitm' : ''}` }, label);
      b.addEventListener('click', () => emit(this, 'tls-command', { command: 'download-capture', value: { source: this.source, what } }));
      return b;
    };
    this.buttons = [
      button('pcapng', 'Download capture (.pcapng)'),
      button('keylog', 'Download key log (.txt)'),
    ];
    fill(this, h('section', { class: 'capture-download', 'aria-label': mitm ? 'Mallory’s two connections for Wireshark' : 'This session for Wireshark' },
      mitm ? h('p', { class: 'download-title' }, h('span', { class: 'actor mallory' }, 'Mallory'), '’s two connections, for Wireshark') : null,
      h('p', { class: 'download-row' }, this.buttons),
      h('p', { class: 'explanation' }, mitm
        ? 'One file, two TCP streams: the client ↔ Mallory and Mallory ↔ the server, each with its own keys, both in the key log inside. A message sent through her shows in both streams, decrypted under each stream’s keys — and rewritten in the second.'
        : 'Open the .pcapng in Wireshark (or tshark -r): the key log travels inside it, so the encrypted records show decrypted, with no other file. The key log alone (NSS format) is for other tools: Wireshark’s “(Pre)-Master-Secret log filename”, ssldump, or tshark -o tls.keylog_file:….'),
      h('p', { class: 'explanation' }, 'Both files are made here, in this page; nothing is uploaded.')));
    this.update();
  }

  update() {
    for (const b of this.buttons || []) b.disabled = this._busy;
  }
}

customElements.define('tls-capture-download', CaptureDownload);
