// <tls-session-summary> shows the facts of the session as a whole: protocol,
// cipher suite, key exchange, forward secrecy, round trips, the server's key,
// the seed that replays it, the NSS key log that lets Wireshark decrypt it,
// and every secret both sides derived (whatever the mode records).
//
// With the server behind HTTP, it also says where the server is and what
// the round trips cost: the handshake's total and per-round-trip time, and
// the messages'.
//
// A recorded session (the build's first session, shown until the engine is
// ready: session.source 'recorded') says so at its top.
//
// Properties: session (Session JSON), setup (Setup JSON), network (null, or
// {server: 'page'|'url', base, exchanges}: network.js Exchange[]).

import { h, soon } from '../dom.js';
import { hexBlock, lazyDetails } from './values.js';
import { byteLength, formatByteCount } from '../hex.js';
import { formatMs, totals } from './network-panel.js';
import { isRecorded, recordedAt } from './recorded.js';

/**
 * Labels of the secrets the page knows, in the order they come into being.
 * Any other key of session.secrets is shown after them, its name spelled out
 * (the engine decides what a mode records).
 */
const SECRETS = [
  ['clientRandom', 'Client random'],
  ['serverRandom', 'Server random'],
  ['sharedSecret', 'Shared secret (key exchange)'],
  ['preMasterSecret', 'Pre-master secret'],
  ['sessionHash', 'Session hash (extended master secret)'],
  ['earlySecret', 'Early secret'],
  ['handshakeSecret', 'Handshake secret'],
  ['clientHandshakeTrafficSecret', 'Client handshake traffic secret'],
  ['serverHandshakeTrafficSecret', 'Server handshake traffic secret'],
  ['clientHandshakeKey', 'Client handshake key'],
  ['clientHandshakeIV', 'Client handshake IV'],
  ['serverHandshakeKey', 'Server handshake key'],
  ['serverHandshakeIV', 'Server handshake IV'],
  ['masterSecret', 'Master secret'],
  ['keyBlock', 'Key block'],
  ['clientApplicationTrafficSecret', 'Client application traffic secret'],
  ['serverApplicationTrafficSecret', 'Server application traffic secret'],
  ['clientApplicationKey', 'Client application key'],
  ['clientApplicationIV', 'Client application IV'],
  ['serverApplicationKey', 'Server application key'],
  ['serverApplicationIV', 'Server application IV'],
  ['exporterMasterSecret', 'Exporter master secret'],
  ['resumptionMasterSecret', 'Resumption master secret'],
  ['clientWriteKey', 'Client write key'],
  ['serverWriteKey', 'Server write key'],
  ['clientWriteIV', 'Client write IV'],
  ['serverWriteIV', 'Server write IV'],
];
const KNOWN = new Map(SECRETS);

/** secretLabel spells out a secret's key: clientHandshakeKey → "Client handshake key". */
function secretLabel(key) {
  if (KNOWN.has(key)) return KNOWN.get(key);
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2').split(' ');
  return words.map((w, i) => (/^[A-Z0-9]{2,}$/.test(w) ? w : i ? w.toLowerCase() : w.charAt(0).toUpperCase() + w.slice(1))).join(' ');
}

/** isSecret tells whether a value must never be sent in the clear (randoms and hashes are public). */
function isSecret(key) {
  return !/random|hash/i.test(key);
}

/** orderedSecrets lists session.secrets as [key, hex]: the known ones in order, then the rest. */
function orderedSecrets(secrets) {
  const keys = Object.keys(secrets || {}).filter((k) => secrets[k]);
  const known = SECRETS.map(([k]) => k).filter((k) => keys.includes(k));
  const rest = keys.filter((k) => !KNOWN.has(k)).sort();
  return [...known, ...rest].map((k) => [k, secrets[k]]);
}

/** serverKeyName describes the setup's key: RSA-2048, ECDSA P-256, Ed25519. */
function serverKeyName(setup) {
  const key = setup.serverKey || {};
  const type = key.type || 'RSA';
  if (type === 'RSA') return `RSA-${key.bits || setup.keyBits}`;
  if (type === 'ECDSA') return 'ECDSA P-256';
  return type;
}

/**
 * keyOriginText says where the server key came from and when it was made
 * (app.js sets setup.keyOrigin from the keys it gave the engine), or how long
 * the engine took to make it.
 */
function keyOriginText(setup) {
  // certText: when the certificates were issued (at build time, taken back, or in this browser: model/keys.js certOrigin).
  if (setup.keyOrigin) return `: ${setup.keyOrigin.text}${setup.keyOrigin.certText ? `; certificates ${setup.keyOrigin.certText}` : ''}`;
  return typeof setup.generatedMs === 'number' ? `, generated in ${Math.round(setup.generatedMs)} ms` : '';
}

/** networkFacts describes the server behind HTTP and the time its round trips took. */
function networkFacts(network, fact) {
  if (!network) return [fact('Server', 'in the same engine as the client (no HTTP)')];
  const t = totals(network.exchanges);
  const rt = ({ n, ms }) => `${n} round trip${n === 1 ? '' : 's'}, ${formatMs(ms)}${n > 1 ? ` (${formatMs(ms / n)} each)` : ''}`;
  return [
    fact('Server', network.server === 'page' ? 'in this page, over HTTP (one Go instance for all its requests)' : h('code', null, network.base)),
    t.handshake.n ? h('div', { 'data-testid': 'latency-handshake' }, h('dt', null, 'Handshake over HTTP'), h('dd', null, rt(t.handshake))) : null,
    t.data.n ? h('div', { 'data-testid': 'latency-data' }, h('dt', null, 'Messages over HTTP'), h('dd', null, rt(t.data))) : null,
  ];
}

/**
 * forwardSecrecyText says whether a later leak of a long-lived key decrypts
 * a recording of this session, keyed on the engine's reason code
 * (forwardSecrecyReason); the engine's own note is the fallback.
 */
function forwardSecrecyText(session) {
  switch (session.forwardSecrecyReason) {
    case 'ephemeral':
      return 'yes: the key exchange was ephemeral, and both sides erased their ephemeral private keys and the shared secret inside the handshake. The server’s certificate key only signed, so stealing it later does not decrypt a recording.';
    case 'rsa-key-transport':
      return 'no: the pre-master secret travelled encrypted under the server’s RSA key; whoever obtains that key later decrypts every recording.';
    case 'token-key':
      return 'no: the server behind HTTP keeps no connection between requests and seals all its randomness for the connection into the token, under a long-lived token key. A recording plus a later leak of that key rebuilds the server’s ephemeral key and decrypts everything — the weakness of a leaked session-ticket key (RFC 5077 §5.5).';
    default:
      return session.forwardSecrecyNote || (session.forwardSecrecy ? 'yes' : 'no');
  }
}

/** keyStateText says what the client holds at this moment (keyState); remote: the server is elsewhere. */
function keyStateText(session, remote) {
  switch (session.keyState) {
    case 'open':
      if (session.mode === 'classic') return 'connection open: the pre-master secret is already erased; the traffic keys stay in memory until the connection closes';
      return remote
        ? 'connection open: the client’s ephemeral private key and its shared secret are already erased; its traffic keys stay in memory until the connection closes'
        : 'connection open: both ephemeral private keys and the shared secret are already erased; the traffic keys stay in memory until the connection closes';
    case 'discarded':
      return session.error ? 'the handshake failed: every key it had was overwritten with zeros' : 'closed: every traffic key and secret overwritten with zeros';
    case 'handshake':
      return 'the handshake has not completed';
    default:
      return '—';
  }
}

/**
 * recordedNote says, for the build's first session (scripts/firstsession),
 * what it is: run by this engine when the site was built, on that date, with
 * the starter key that everyone has; the engine in this page replaces it.
 */
function recordedNote(session) {
  if (!isRecorded(session)) return null;
  const when = recordedAt(session) || 'date unknown';
  return h('p', { class: 'recorded-note', 'data-testid': 'session-source', 'data-source': 'recorded' },
    h('strong', null, 'Recorded: '),
    `this session was run by this engine when the site was built (${when}), with the starter key shipped with the page — everyone has it. `,
    'The engine in your browser replaces it with a session of its own as soon as it is ready.');
}

let instances = 0;

export class SessionSummary extends HTMLElement {
  constructor() {
    super();
    this.uid = `summary${++instances}`;
  }

  set session(v) { if (v !== this._session) { this._session = v; this.later(); } }
  set setup(v) { if (v !== this._setup) { this._setup = v; this.later(); } }
  set network(v) {
    const same = v === this._network || (v && this._network && v.exchanges === this._network.exchanges && v.server === this._network.server);
    this._network = v;
    if (!same) this.later();
  }

  connectedCallback() { this.render(); }

  /**
   * later renders in a task of its own: the summary sits below the step and
   * the diagram, which a new session changes first (issue 9: no long task).
   * Whatever changes in one task renders once. data-seed says which session
   * the summary shows, once shown.
   */
  later() {
    if (!this._pending) this._pending = () => { this._pending = null; this.render(); };
    soon(this, this._pending);
  }

  render() {
    if (!this.isConnected) return;
    this.dataset.seed = this._session ? this._session.seed || '' : '';
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
      recordedNote(session),
      h('dl', { class: 'facts' },
        fact('Protocol', session.version || '—'),
        wide('Cipher suite', h('code', { 'data-testid': 'suite' }, session.suite || 'none negotiated')),
        fact('Key exchange', session.mode === 'classic' || !session.group ? 'RSA key transport' : h('code', null, session.group)),
        session.signatureScheme ? fact('Server signature', h('code', null, session.signatureScheme)) : null,
        h('div', { class: 'wide', 'data-testid': 'forward-secrecy', 'data-forward-secrecy': String(Boolean(session.forwardSecrecy)), 'data-reason': session.forwardSecrecyReason || '' },
          h('dt', null, 'Forward secrecy'), h('dd', null, forwardSecrecyText(session))),
        h('div', { class: 'wide', 'data-testid': 'key-state', 'data-key-state': session.keyState || '' },
          h('dt', null, 'Keys now'), h('dd', null, keyStateText(session, Boolean(this._network)))),
        typeof session.roundTrips === 'number'
          ? fact('Round trips before data', String(session.roundTrips), session.helloRetry ? ' (with a HelloRetryRequest)' : '') : null,
        session.version === 'TLS 1.2' ? fact('Extended master secret', session.ems ? 'yes (RFC 7627)' : 'no') : null,
        setup ? h('div', { class: 'wide' }, h('dt', null, 'Server key'), h('dd', { 'data-testid': 'key-origin', 'data-key-source': setup.keyOrigin ? setup.keyOrigin.source : null },
          serverKeyName(setup), keyOriginText(setup))) : null,
        setup && setup.serverKey && setup.serverKey.fingerprint
          ? wide('Server key fingerprint (SHA-256 of the public key)', h('code', { 'data-testid': 'key-fingerprint' }, setup.serverKey.fingerprint)) : null,
        fact('Records', `${(session.records || []).length} (${formatByteCount(wire)} on the wire)`),
        ...networkFacts(this._network, fact),
        fact('State', isRecorded(session) ? 'recorded (not a live connection)' : session.error ? 'failed' : session.closed ? 'closed' : 'open'),
        wide(this._network ? 'Client’s seed (the server’s randomness is its own)' : 'Seed (replays this session)', h('code', null, session.seed || '—'))),
      h('h3', null, 'Key log'),
      h('p', { class: 'explanation' },
        `The NSS key log ${(session.keylog || '').trim().split('\n').length > 1 ? 'lines' : 'line'}: give ${(session.keylog || '').trim().split('\n').length > 1 ? 'them' : 'it'} to Wireshark (Preferences → Protocols → TLS → (Pre)-Master-Secret log filename) with the exported records and every byte decrypts.`),
      h('pre', { class: 'keylog bytes', 'data-testid': 'keylog' }, session.keylog || '(none)'),
      // Built when opened: a score of hex dumps nobody has asked for yet.
      lazyDetails(h('details', { class: 'secrets' }, h('summary', null, 'Every secret of this session')),
        () => h('dl', { class: 'values' }, orderedSecrets(secrets).map(([k, hex]) =>
          h('div', { class: isSecret(k) ? 'value secret' : 'value', 'data-secret': k },
            h('dt', { class: 'label' }, secretLabel(k), isSecret(k) ? h('span', { class: 'secret-badge' }, 'secret') : null),
            h('dd', null, hexBlock(hex))))))));
  }
}

customElements.define('tls-session-summary', SessionSummary);
