// <tls-key-share> shows an ephemeral key exchange from both sides: each
// side's fresh key pair (the private half marked secret), the public half
// that crossed the wire, and the shared secret each side computed from its own
// private key and the peer's public key, with a check that the two match.
// It shows only when the session has a key share (ECDHE and TLS 1.3, not the
// classic handshake) and the current step is the key-share step. When the
// server runs elsewhere (behind HTTP), the client knows only the server's
// public half: the server's Finished, which the client verified, is then the
// proof that both computed the same secret.
//
// Properties: session (Session JSON), step (1..7).

import { h, classes } from '../dom.js';
import { hexBlock } from './values.js';
import { byteLength } from '../hex.js';
import { GROUPS } from './mode-switch.js';

/** FUNCTION names the key agreement of each group, as a formula's function. */
const FUNCTION = { x25519: 'X25519', secp256r1: 'ECDH-P256' };

/** KEY_SHARE_STEP is the step that answers "the client encrypts a session key". */
export const KEY_SHARE_STEP = 5;

let instances = 0;

export class KeyShare extends HTMLElement {
  constructor() {
    super();
    this.uid = `key-share-${++instances}`;
    this._session = null;
    this._step = 1;
  }

  set session(v) { if (v !== this._session) { this._session = v; this.render(); } }
  set step(v) { if (v !== this._step) { this._step = v; this.render(); } }

  connectedCallback() { this.render(); }

  render() {
    if (!this.isConnected) return;
    const session = this._session;
    const ks = session && session.keyShare;
    this.hidden = !ks || this._step !== KEY_SHARE_STEP;
    if (this.hidden) { this.replaceChildren(); return; }

    const group = GROUPS[ks.group] || ks.group;
    const hybrid = /mlkem/i.test(ks.group);
    const tls13 = session.mode === 'tls13';
    const titleID = `${this.uid}-title`;
    const where = {
      client: tls13 ? 'ClientHello (key_share extension)' : 'ClientKeyExchange',
      server: tls13 ? 'ServerHello (key_share extension)' : 'ServerKeyExchange, signed with the server\'s key',
    };
    // The server's private half and its copy of the secret stay with a server that runs elsewhere.
    const elsewhere = !ks.serverPrivate && !ks.serverShared;
    const side = (who, peer) => h('section', { class: classes('side', who), 'data-testid': `key-share-${who}` },
      h('h4', null, h('span', { class: classes('actor', who) }, who)),
      who === 'server' && elsewhere ? serverElsewhere(ks, hybrid, where.server) : h('dl', { class: 'values' },
        value(`${cap(who)}'s private key`, ks[`${who}Private`], {
          secret: true, note: 'Made for this connection only, never sent, and erased afterwards.',
        }),
        value(who === 'server' && hybrid ? 'Server\'s public share (X25519 key + ML-KEM ciphertext)' : `${cap(who)}'s public key`,
          ks[`${who}Public`], { note: `Sent in the clear in the ${where[who]}.` }),
        value(`Shared secret, as the ${who} computes it`, ks[`${who}Shared`], {
          secret: true, testid: `shared-${who}`,
          note: hybrid
            ? `From its own private key and the ${peer}'s share: ML-KEM ${who === 'client' ? 'decapsulation' : 'encapsulation'} and X25519, concatenated.`
            : `${FUNCTION[ks.group] || group}(${who}'s private key, ${peer}'s public key).`,
        })));

    const same = ks.match && ks.clientShared === ks.serverShared;
    const verified = elsewhere && Boolean(session.suite) && !session.error &&
      (session.messages || []).some((m) => m.from === 'server' && m.name === 'Finished');
    let verdict = same
      ? `Match: both sides computed the same ${byteLength(ks.clientShared)}-byte shared secret, and it never crossed the wire.`
      : 'The two shared secrets differ: the handshake cannot succeed.';
    if (elsewhere) {
      verdict = verified
        ? `Match: the client never sees the server's copy, but the server's Finished verified — a MAC under keys derived from the ${byteLength(ks.clientShared)}-byte shared secret — so the server computed the same secret. It never crossed the wire.`
        : 'The server\'s copy stays with the server; its Finished, once verified, proves that it computed the same secret.';
    }
    const ok = same || verified;
    this.replaceChildren(h('section', { class: 'key-share', 'aria-labelledby': titleID, 'data-testid': 'key-share' },
      h('h3', { id: titleID }, `The key share: ${group}`),
      h('p', { class: 'explanation' },
        'No secret is encrypted with the server\'s certificate key. Each side makes a fresh key pair and sends only the public half; each combines its own private key with the other\'s public key, and both arrive at the same secret. Someone who recorded the connection has both public keys and still cannot compute it.'),
      h('div', { class: 'sides' }, side('client', 'server'), side('server', 'client')),
      h('p', { class: classes('check', 'match', ok ? 'ok' : elsewhere ? 'pending' : 'fail'), 'data-testid': 'key-share-match' },
        h('span', { class: 'mark', 'aria-hidden': 'true' }, ok ? '✓' : elsewhere ? '…' : '✗'),
        verdict),
      h('p', { class: 'explanation' },
        tls13
          ? 'This shared secret feeds the key schedule (below) at the handshake secret; everything after the ServerHello is encrypted with keys derived from it.'
          : 'This shared secret is the pre-master secret of TLS 1.2: the PRF turns it into the master secret and the keys (the key schedule, below).')));
  }
}

/** serverElsewhere shows what the client knows of a server that runs elsewhere: its public share. */
function serverElsewhere(ks, hybrid, where) {
  return [
    h('dl', { class: 'values' },
      value(hybrid ? 'Server\'s public share (X25519 key + ML-KEM ciphertext)' : 'Server\'s public key', ks.serverPublic,
        { note: `Sent in the clear in the ${where}.` })),
    h('p', { class: 'explanation' },
      'The server runs elsewhere, so its private key and its copy of the shared secret stay in its own memory (for one request: the next one rebuilds them from the token). ',
      'This server shares its trace in a response header, so its own values appear in the step above; a real server would not.'),
  ];
}

function cap(s) { return s.charAt(0).toUpperCase() + s.slice(1); }

function value(label, hex, { secret = false, note, testid } = {}) {
  return h('div', { class: classes('value', 'kind-hex', secret && 'secret') },
    h('dt', { class: 'label' }, label,
      secret ? h('span', { class: 'secret-badge', title: 'secret: never sent in the clear' }, 'secret') : null),
    h('dd', null, hexBlock(hex || '', { testid, perLine: 8, label }), note ? h('p', { class: 'explanation' }, note) : null));
}

customElements.define('tls-key-share', KeyShare);
