// <tls-eve> is Eve, the passive eavesdropper. First, the session on screen
// as she records it: every record header, the handshake fields that travel
// in the clear, and the encrypted records as opaque bytes. Then "later, the
// server's private key leaks": her attempt to decrypt the recording step by
// step — it works on a classic session, and fails on ECDHE and TLS 1.3,
// which the panel explains with the values of the session on screen. With
// the server behind HTTP there is a second key to leak, the server's token
// key: the token Eve recorded holds all the server's randomness, and with
// the key she decrypts even ECDHE and TLS 1.3 (result.leaked 'token-key').
//
// Beside her recording, <tls-exposure> (exposure-panel.js) lists what she
// learns with no key at all: addresses, DNS, the server name, the
// certificate, ALPN, record sizes and the handshake's shape.
//
// Property: state (lab.view()): uses ready, busy, local, session, eve.result,
// canLeakToken (the server is the page's own, whose token key the page holds),
// http ({server, base, exchanges}: the real HTTP requests, when lab.view gives it).
// Events: tls-attack {action: 'eve-leak'} | {action: 'eve-mode', mode} |
//         {action: 'eve-token'} (the session over HTTP: leak the token key);
//         tls-send {from: 'client', text} (a message for Eve to read).

import { h, fill, emit, classes, layOutInTurn } from '../dom.js';
import { byteLength, formatByteCount, previewHex } from '../hex.js';
import { renderEvent } from './step-panel.js';
import { isEncrypted } from './wire.js';
import './exposure-panel.js';
import { LabPanel } from './lab-panel.js';
import { groupInfo } from './mode-switch.js';

const MODES = [
  ['classic', 'a classic session (TLS 1.2, RSA key transport)'],
  ['ecdhe', 'a TLS 1.2 ECDHE session'],
  ['tls13', 'a TLS 1.3 session'],
];

export class EvePanel extends LabPanel {
  changed(v, prev) {
    if (v.session !== prev.session || v.eve?.result !== prev.eve?.result || v.local !== prev.local) this.renderBody();
    if (v.session !== prev.session || v.eve?.result !== prev.eve?.result || v.local !== prev.local || v.http !== prev.http) {
      // Eve's attempt carries the exposure of the recording it read: shown when no engine answers directly.
      const result = v.eve && v.eve.result;
      const exposure = result && result.recorded === v.session ? result.exposure : null;
      this.exposure.state = { session: v.session, local: v.local, exposure, http: v.http || null };
    }
    this.update();
  }

  build() {
    this.input = h('input', {
      type: 'text', id: this.id('eve-secret'), value: 'GET /account?pin=4321', maxlength: 200, autocomplete: 'off',
      spellcheck: 'false', 'data-testid': 'eve-secret',
    });
    this.sendButton = h('button', { type: 'submit', class: 'client', 'data-testid': 'eve-send' }, 'Send it as the client');
    this.form = h('form', { class: 'compose-row eve-send' },
      h('label', { for: this.id('eve-secret') }, 'A secret for Eve to find'), this.input, this.sendButton);
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (this.input.value) emit(this, 'tls-send', { from: 'client', text: this.input.value });
    });
    this.leakButton = h('button', { type: 'button', class: 'primary', 'data-testid': 'eve-leak' }, 'Give Eve the server’s private key');
    this.leakButton.addEventListener('click', () => emit(this, 'tls-attack', { action: 'eve-leak' }));
    this.tokenButton = h('button', { type: 'button', class: 'primary', 'data-testid': 'eve-token-leak' }, 'Give Eve the server’s token key');
    this.tokenButton.addEventListener('click', () => emit(this, 'tls-attack', { action: 'eve-token' }));
    this.tokenStep = h('section', { class: 'attack-step eve-token', hidden: true },
      h('h4', null, 'Over HTTP: the token key leaks'),
      h('p', { class: 'explanation' },
        'The server behind HTTP keeps nothing between requests: it seals its state — including the seed of all its randomness for this connection — into the token the client sends back with every flight. Eve recorded the tokens with the records. If the server’s long-lived token key leaks, she opens a token, makes the server’s ephemeral key again from the seed, and the forward secrecy of ECDHE and TLS 1.3 is gone: the weakness of a leaked TLS session-ticket key (RFC 5077 §5.5, RFC 8446 Appendix E.5).'),
      h('div', { class: 'actions' }, this.tokenButton));
    this.modeButtons = MODES.map(([mode, label]) => {
      const b = h('button', { type: 'button', 'data-mode': mode, 'data-testid': `eve-mode-${mode}` }, `Record ${label} and try again`);
      b.addEventListener('click', () => emit(this, 'tls-attack', { action: 'eve-mode', mode }));
      return b;
    });
    this.notice = h('p', { class: 'notice', hidden: true });
    this.summary = h('p', { class: 'wire-summary', 'data-testid': 'eve-summary' });
    this.wire = document.createElement('tls-wire');
    this.wire.view = 'eve';
    this.result = h('div', { class: 'eve-result', 'aria-live': 'polite' });
    this.exposure = document.createElement('tls-exposure');
    fill(this, h('article', { class: 'attack eve', 'aria-labelledby': this.id('eve-title') },
      h('header', null,
        h('h3', { id: this.id('eve-title'), tabindex: -1 }, h('span', { class: 'actor eve' }, 'Eve'), ' the eavesdropper: records now, decrypts later'),
        h('p', { class: 'explanation' },
          'Eve is on the path — a café’s Wi-Fi, an internet exchange, a tap on a cable — and keeps a copy of every byte. She cannot change anything. Storage is cheap, so she records everything, in case she gets a key one day.')),
      this.notice,
      h('section', { class: 'attack-step' },
        h('h4', null, '1. What Eve recorded: the session on screen, as she sees it'),
        this.summary,
        this.form,
        this.wire),
      this.exposure,
      h('section', { class: 'attack-step' },
        h('h4', null, '2. Later, the server’s private key leaks'),
        h('p', { class: 'explanation' },
          'A breach, a backup tape, a decommissioned disk, a court order: Eve obtains the private key of the server’s certificate, perhaps years after the recording. What does the recording give up?'),
        h('div', { class: 'actions' }, this.leakButton)),
      this.tokenStep,
      this.result));
  }

  update() {
    const { ready, busy, local, session } = this._state;
    const idle = ready && !busy;
    this.leakButton.disabled = !idle || !local || !session;
    this.tokenStep.hidden = local !== false;
    // The page holds the token key of its own server only (lab.view's canLeakToken).
    this.tokenButton.hidden = !this._state.canLeakToken;
    this.tokenButton.disabled = !idle || local !== false || !session || !(session.records || []).length;
    this.sendButton.disabled = !idle || !session || Boolean(session.error) || Boolean(session.closed);
    for (const b of this.modeButtons) b.disabled = !idle || !local;
  }

  renderBody() {
    const { session, local, eve } = this._state;
    this.notice.hidden = local !== false;
    this.notice.textContent = local === false
      ? 'Below is the session with the server over HTTP, as Eve records it. Her attempt with the leaked certificate key runs on sessions of the engine in this page (choose “Server: in one engine” above); over HTTP she can try the server’s token key instead (below).'
      : '';
    this.wire.session = session;
    fill(this.summary, ...(session ? summary(session) : []));
    const result = eve && eve.result;
    if (!result) {
      fill(this.result);
      return;
    }
    fill(this.result, renderResult(result, result.recorded), result.leaked === 'token-key' ? null : h('div', { class: 'actions try-other' },
      h('p', { class: 'label' }, 'Try the same on another handshake (the session above changes):'),
      this.modeButtons.filter((b) => !result.recorded || b.dataset.mode !== result.recorded.mode)));
    layOutInTurn(this.result.querySelectorAll('.eve-steps > li'));
  }
}

/** summary counts what Eve can read of the session. */
function summary(session) {
  const records = session.records || [];
  let clear = 0;
  let opaque = 0;
  let opaqueBytes = 0;
  records.forEach((r, i) => {
    if (isEncrypted(session, i)) {
      opaque++;
      opaqueBytes += byteLength(r.hex);
    } else clear++;
  });
  return [
    h('strong', null, `${session.version || 'TLS'}, ${session.suite || 'no suite'}`), ': ',
    `${records.length} records on the wire. Eve reads ${clear} in the clear; ${opaque} ${opaque === 1 ? 'is' : 'are'} encrypted (${formatByteCount(opaqueBytes)} she cannot read without keys).`,
  ];
}

/** renderResult shows Eve's verdict, her steps and what she read. */
function renderResult(result, session) {
  const steps = (result.steps || []).map((ev) => {
    const recordList = (ev.values || []).length && ev.values.every((v) => /^Record \d+/.test(v.label));
    if (recordList) {
      // The engine numbers records from 0 here; the page says #1 for the first.
      return h('li', { class: classes('event', ev.actor) },
        h('h3', null, h('span', { class: classes('actor', ev.actor) }, ev.actor), ' ', ev.title),
        plaintexts(result.plaintexts || []));
    }
    return renderEvent(ev);
  });
  return h('div', { class: 'eve-outcome' },
    h('p', { class: classes('verdict', result.ok ? 'bad' : 'good'), 'data-testid': 'eve-verdict', 'data-ok': String(result.ok) },
      result.ok ? 'Eve decrypted the recording. ' : 'Eve cannot decrypt the recording. ',
      h('span', { class: 'verdict-detail' }, result.verdict)),
    h('ol', { class: 'events eve-steps', 'aria-label': 'What Eve does with the leaked key' }, steps),
    session ? (result.leaked === 'token-key' ? tokenKeyExplained(result, session) : forwardSecrecy(result, session)) : null);
}

/** plaintexts lists the records Eve decrypted. */
function plaintexts(list) {
  if (!list.length) return h('p', { class: 'explanation' }, 'Nothing to decrypt.');
  return h('table', { class: 'plaintexts', 'data-testid': 'eve-plaintexts' },
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Record'), h('th', { scope: 'col' }, 'From'),
      h('th', { scope: 'col' }, 'Type'), h('th', { scope: 'col' }, 'What Eve reads'))),
    h('tbody', null, list.map((p) => h('tr', { class: p.type === 'application_data' ? 'data' : null },
      h('td', null, `#${p.record + 1}`),
      h('td', null, h('span', { class: classes('actor', p.from) }, p.from)),
      h('td', null, h('code', null, p.type)),
      h('td', null, p.type === 'application_data' ? h('output', { class: 'stolen' }, p.text) : p.text)))));
}

/** valueOf finds a recorded value by label in a list of events. */
function valueOf(events, label) {
  for (const ev of events || []) {
    for (const v of ev.values || []) if (v.label === label) return v;
  }
  return null;
}

/**
 * forwardSecrecy explains the outcome with the session's own values: the
 * encrypted pre-master secret Eve opened, or the key shares she has and the
 * private halves that are gone.
 */
function forwardSecrecy(result, session) {
  const code = (hex, n = 12) => h('code', { class: 'bytes' }, previewHex(hex, n));
  const cke = (session.messages || []).find((m) => m.name === 'ClientKeyExchange');
  if (result.ok) {
    const enc = valueOf(result.steps, 'Encrypted pre-master secret');
    const pms = valueOf(result.steps, 'Pre-master secret');
    const same = pms && session.secrets && pms.hex === session.secrets.preMasterSecret;
    return h('section', { class: 'fs-explained no-fs', 'data-testid': 'eve-fs', 'data-forward-secrecy': 'false' },
      h('h4', null, 'Why it worked: no forward secrecy'),
      h('p', null,
        'The pre-master secret crossed the wire ', cke ? `in record #${cke.record + 1} (ClientKeyExchange)` : 'in the ClientKeyExchange',
        ', encrypted with the server’s RSA public key: ', enc ? code(enc.hex) : '…',
        ` (${enc ? formatByteCount(byteLength(enc.hex)) : ''}). The leaked private key opens it: `, pms ? code(pms.hex) : '…',
        same ? ' — exactly the value the client chose in step 5 above.' : '.'),
      h('p', null,
        'Everything else follows from it and from the two randoms, which were in the clear. That key protects every session the server ever made with it: one leak opens all the recordings at once. The client did everything right; the design is the problem, which is why TLS 1.3 removed RSA key transport.'));
  }
  const ks = session.keyShare;
  if (!ks) {
    return h('section', { class: 'fs-explained', 'data-testid': 'eve-fs', 'data-forward-secrecy': 'true' },
      h('p', null, 'The key exchange was ephemeral: the leaked key only signed.'));
  }
  const hybrid = Boolean(groupInfo(ks.group)?.hybrid);
  const sig = session.version === 'TLS 1.3' ? 'the CertificateVerify message' : 'the ServerKeyExchange';
  return h('section', { class: 'fs-explained fs', 'data-testid': 'eve-fs', 'data-forward-secrecy': 'true' },
    h('h4', null, 'Why it failed: forward secrecy'),
    h('p', null,
      'Eve recorded both key shares: the client’s ', code(ks.clientPublic), ` (${formatByteCount(byteLength(ks.clientPublic))}, in the ClientHello) and the server’s `,
      code(ks.serverPublic), ` (${formatByteCount(byteLength(ks.serverPublic))}, in the ${session.version === 'TLS 1.3' ? 'ServerHello' : 'ServerKeyExchange'}).`),
    h('p', null,
      'The shared secret ', code(ks.clientShared || (session.secrets || {}).preMasterSecret || ''),
      ` — shown here only because this page plays both ends — is computed from those shares with ephemeral private keys that never left their side (the client’s `,
      ks.clientPrivate ? code(ks.clientPrivate, 8) : '…',
      `). Each side overwrote its private key and the shared secret with zeros as soon as the ${session.version === 'TLS 1.3' ? 'handshake secret' : 'master secret'} was derived from them, inside the handshake (the “Erases” events of the steps); they were never sent and never stored.`),
    h('p', { class: 'explanation' },
      'What Go cannot promise: the crypto/ecdh and crypto/mlkem key objects keep their own copies of a private key, which the engine can drop but not overwrite, and the garbage collector may have copied memory; those linger until it reclaims them. The values on this page are teaching copies a real implementation would not keep.'),
    h('p', null,
      `The key that leaked is the certificate’s ${session.server && session.server.keyType ? session.server.keyType : ''} key. In this handshake it only signed ${sig}: nothing was encrypted with it, so it opens nothing. With it Eve could impersonate the server in new connections until the certificate is revoked — she cannot reach back into this one.`),
    hybrid ? h('p', { class: 'explanation' },
      `${ks.group} is hybrid: X25519 and ML-KEM-768 together, so a recording made today stays sealed even against a future quantum computer that breaks X25519, unless it breaks ML-KEM as well.`) : null);
}

/**
 * tokenKeyExplained says why the token key opened (or did not open) a
 * session over HTTP, with the values Eve computed.
 */
function tokenKeyExplained(result, session) {
  const code = (hex, n = 12) => h('code', { class: 'bytes' }, previewHex(hex, n));
  if (!result.ok) {
    return h('section', { class: 'fs-explained', 'data-testid': 'eve-fs', 'data-forward-secrecy': String(session.mode !== 'classic') },
      h('p', null, session.mode === 'classic'
        ? 'In the classic handshake the client chose the pre-master secret: the server’s randomness does not contain it, so the token key does not help. The certificate’s RSA key does (no forward secrecy either way).'
        : 'The key did not open the token: it is not this server’s token key.'));
  }
  const seed = valueOf(result.steps, 'Server seed');
  const priv = valueOf(result.steps, 'Server ephemeral private key');
  return h('section', { class: 'fs-explained no-fs', 'data-testid': 'eve-fs', 'data-forward-secrecy': 'false' },
    h('h4', null, 'Why it worked: the server’s randomness was in the token'),
    h('p', null,
      'The token holds the seed ', seed ? code(seed.hex) : '…', ' from which the server drew every random value of this connection. From it Eve drew the server’s ephemeral private key again, ',
      priv ? code(priv.hex, 8) : '…', ', exactly as the server did, and checked its public half against the key share on the wire. The server erased its own copy; the seed brought it back.'),
    h('p', null,
      'A long-lived key that protects the state of many connections is what forward secrecy means to avoid. Real servers meet the same problem with TLS session tickets: rotate the ticket key often and erase old ones, or resume without tickets. A server that keeps its state in memory, not in the client’s hands, has no such key to leak.'));
}

customElements.define('tls-eve', EvePanel);
