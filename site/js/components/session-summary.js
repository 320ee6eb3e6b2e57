// <tls-session-summary> shows the facts of the session as a whole: protocol,
// cipher suite, extended master secret, the server's key, the seed that
// replays it, the NSS key log line that lets Wireshark decrypt it, and the
// secrets both sides derived.
//
// Properties: session (Session JSON), setup (Setup JSON).

import { h } from '../dom.js';
import { hexBlock } from './values.js';
import { byteLength, formatByteCount } from '../hex.js';

/** Labels of the session's secrets, in the order they come into being. */
const SECRETS = [
  ['clientRandom', 'Client random', false],
  ['serverRandom', 'Server random', false],
  ['preMasterSecret', 'Pre-master secret', true],
  ['sessionHash', 'Session hash (extended master secret)', false],
  ['masterSecret', 'Master secret', true],
  ['clientWriteKey', 'Client write key', true],
  ['serverWriteKey', 'Server write key', true],
  ['clientWriteIV', 'Client write IV', true],
  ['serverWriteIV', 'Server write IV', true],
];

let instances = 0;

export class SessionSummary extends HTMLElement {
  constructor() {
    super();
    this.uid = `summary${++instances}`;
  }

  set session(v) { if (v !== this._session) { this._session = v; this.render(); } }
  set setup(v) { if (v !== this._setup) { this._setup = v; this.render(); } }

  connectedCallback() { this.render(); }

  render() {
    if (!this.isConnected) return;
    const session = this._session;
    const setup = this._setup;
    if (!session) {
      this.replaceChildren();
      return;
    }
    const fact = (name, ...value) => h('div', null, h('dt', null, name), h('dd', null, ...value));
    const wide = (name, ...value) => h('div', { class: 'wide' }, h('dt', null, name), h('dd', null, ...value));
    const wire = (session.records || []).reduce((n, r) => n + byteLength(r.hex), 0);
    const secrets = session.secrets || {};
    this.replaceChildren(h('section', { class: 'summary', 'aria-labelledby': `${this.uid}-title` },
      h('h2', { id: `${this.uid}-title` }, 'This session'),
      h('dl', { class: 'facts' },
        fact('Protocol', session.version || '—'),
        wide('Cipher suite', h('code', { 'data-testid': 'suite' }, session.suite || 'none negotiated')),
        fact('Extended master secret', session.ems ? 'yes (RFC 7627)' : 'no'),
        setup ? fact('Server key', `${setup.serverKey ? setup.serverKey.type : 'RSA'}-${setup.keyBits}`,
          typeof setup.generatedMs === 'number' ? `, generated in ${Math.round(setup.generatedMs)} ms` : '') : null,
        fact('Records', `${(session.records || []).length} (${formatByteCount(wire)} on the wire)`),
        fact('State', session.error ? 'failed' : session.closed ? 'closed: keys discarded' : 'open'),
        wide('Seed (replays this session)', h('code', null, session.seed || '—'))),
      h('h3', null, 'Key log'),
      h('p', { class: 'explanation' },
        'The NSS key log line: give it to Wireshark (Preferences → Protocols → TLS → (Pre)-Master-Secret log filename) with the exported records and every byte decrypts.'),
      h('pre', { class: 'keylog bytes', 'data-testid': 'keylog' }, session.keylog || '(none)'),
      h('details', { class: 'secrets' },
        h('summary', null, 'Every secret of this session'),
        h('dl', { class: 'values' }, SECRETS.filter(([k]) => secrets[k]).map(([k, label, secret]) =>
          h('div', { class: secret ? 'value secret' : 'value' },
            h('dt', { class: 'label' }, label, secret ? h('span', { class: 'secret-badge' }, 'secret') : null),
            h('dd', null, hexBlock(secrets[k]))))))));
  }
}

customElements.define('tls-session-summary', SessionSummary);
