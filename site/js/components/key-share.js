// <tls-key-share> shows an ephemeral key exchange from both sides: each
// side's fresh key pair (the private half marked secret), the public half
// that crossed the wire, and the shared secret each side computed from its own
// private key and the peer's public key, with a check that the two match.
// It shows only when the session has a key share (ECDHE and TLS 1.3, not the
// classic handshake) and the current step is the key-share step. When the
// server runs elsewhere (behind HTTP), the client knows only the server's
// public half: the server's Finished, which the client verified, is then the
// proof that both computed the same secret. The hybrid X25519MLKEM768's
// values are shown split into their two parts, in the order they travel.
//
// Properties: session (Session JSON), step (1..7).

import { h, classes } from '../dom.js';
import { hexBlock } from './values.js';
import { byteLength } from '../hex.js';
import { GROUPS, groupInfo } from './mode-switch.js';
import { linkTerms } from './glossary.js';

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
    const hybrid = Boolean(groupInfo(ks.group)?.hybrid);
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
          secret: true, parts: hybrid && HYBRID[who].private, testid: `private-${who}`,
          note: `Made for this connection only and never sent; the engine overwrites it with zeros as soon as the ${tls13 ? 'handshake secret is derived (step 5)' : 'master secret is derived (step 6)'}; this page keeps a teaching copy.`,
        }),
        value(hybrid ? `${cap(who)}'s public share` : `${cap(who)}'s public key`,
          ks[`${who}Public`], { parts: hybrid && HYBRID[who].public, testid: `public-${who}`, note: `Sent in the clear in the ${where[who]}${hybrid ? ', in this order' : ''}.` }),
        value(`Shared secret, as the ${who} computes it`, ks[`${who}Shared`], {
          secret: true, testid: `shared-${who}`,
          note: hybrid
            ? `From its own private key and the ${peer}'s share: the ML-KEM secret (${who === 'client' ? 'decapsulation' : 'encapsulation'}, 32 bytes), then the X25519 secret (32 bytes).`
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
      hybrid ? h('p', { class: 'explanation', 'data-testid': 'key-share-hybrid' }, linkTerms(
        'X25519MLKEM768 is two exchanges in one share, the ML-KEM part first. For ML-KEM the server makes no key pair: it encapsulates a fresh secret to the client\'s encapsulation key and sends the ciphertext, which only the client can decapsulate. ' +
        'The result is safe if either part holds, so a recording made today resists a future quantum computer; the authentication does not change — the certificate and its signature are still classical. ' +
        'A browser sends this share and a plain X25519 one beside it; this engine\'s client sends one.')) : null,
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
      value(hybrid ? 'Server\'s public share' : 'Server\'s public key', ks.serverPublic,
        { parts: hybrid && HYBRID.server.public, testid: 'public-server', note: `Sent in the clear in the ${where}${hybrid ? ', in this order' : ''}.` })),
    h('p', { class: 'explanation' },
      'The server runs elsewhere, so its private key and its copy of the shared secret stay in its own memory (for one request: the next one rebuilds them from the token). ',
      'This server shares its trace in a response header, so its own values appear in the step above; a real server would not.'),
  ];
}

function cap(s) { return s.charAt(0).toUpperCase() + s.slice(1); }

/**
 * HYBRID names the parts of each X25519MLKEM768 value in wire order, with
 * their lengths in bytes (draft-ietf-tls-ecdhe-mlkem: the ML-KEM part
 * first, then X25519; playground/kx builds them the same way).
 */
export const HYBRID = {
  client: {
    private: [['ML-KEM-768 decapsulation key seed', 64], ['X25519 private key', 32]],
    public: [['ML-KEM-768 encapsulation key', 1184], ['X25519 public key', 32]],
  },
  server: {
    private: [['ML-KEM encapsulation randomness', 32], ['X25519 private key', 32]],
    public: [['ML-KEM-768 ciphertext', 1088], ['X25519 public key', 32]],
  },
};

/** split cuts hex into the named parts, or returns null when the lengths do not add up. */
function split(hex, parts) {
  if (!parts || !hex || parts.reduce((n, [, len]) => n + len, 0) !== byteLength(hex)) return null;
  let at = 0;
  return parts.map(([name, len]) => {
    const part = hex.slice(at * 2, (at + len) * 2);
    at += len;
    return { name, len, hex: part };
  });
}

function value(label, hex, { secret = false, note, testid, parts } = {}) {
  const pieces = split(hex, parts);
  const body = pieces
    ? h('ol', { class: 'hybrid-parts', 'data-testid': testid && `${testid}-parts` }, pieces.map((p, i) => h('li', null,
      h('p', { class: 'label part' }, p.name),
      hexBlock(p.hex, { testid: testid && `${testid}-part-${i}`, perLine: 8, label: p.name }))))
    : hexBlock(hex || '', { testid, perLine: 8, label });
  return h('div', { class: classes('value', 'kind-hex', secret && 'secret') },
    h('dt', { class: 'label' }, label,
      secret ? h('span', { class: 'secret-badge', title: 'secret: never sent in the clear' }, 'secret') : null),
    h('dd', null, body, note ? h('p', { class: 'explanation' }, note) : null));
}

customElements.define('tls-key-share', KeyShare);
