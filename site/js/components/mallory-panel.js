// <tls-mallory> is Mallory in the middle: the client refuses her
// certificate (crypto/x509's error and the alert), until the learner adds
// her root to the client's trust store; then two sessions, one on each side
// of her, and she reads and rewrites what crosses.
// <tls-downgrade> is her downgrade attempt: she strips TLS 1.3 from the
// ClientHello and the client sees the sentinel in ServerHello.random.
//
// Property: state (lab.view()): uses ready, busy, mode, mallory, downgrade.
// Events: tls-attack {action: 'mallory-run', trust, rewrite}
//         | {action: 'mallory-send', from, text} | {action: 'downgrade-run'}.

import { h, fill, emit, classes } from '../dom.js';
import { formatHex, previewHex, asciiOf, fingerprint } from '../hex.js';
import { renderEvent } from './step-panel.js';
import { refusal } from './wire.js';
import { linkTerms } from './glossary.js';
import { LabPanel } from './lab-panel.js';

const LEFT = { client: 'Client', server: 'Mallory' };
const RIGHT = { client: 'Mallory', server: 'Server' };

/** eventsOf lists the events of a session, in step order. */
function eventsOf(session) {
  return ((session && session.steps) || []).flatMap((st) => st.events || []);
}

/** leafOf is the certificate a client received in a session (the cert value it recorded). */
function leafOf(session) {
  for (const ev of eventsOf(session)) {
    for (const v of ev.values || []) if (v.kind === 'cert' && v.cert) return v.cert;
  }
  return null;
}

function wireOf(session, labels) {
  const w = document.createElement('tls-wire');
  w.labels = labels;
  w.view = 'plain';
  w.session = session;
  return w;
}

export class MalloryPanel extends LabPanel {
  changed(v, prev) {
    if (v.mallory !== prev.mallory) this.renderBody();
    this.update();
  }

  build() {
    this.rewrite = h('input', { type: 'checkbox', id: this.id('mallory-rewrite'), checked: true, 'data-testid': 'mallory-rewrite' });
    this.trustButton = h('button', { type: 'button', class: 'primary', 'data-testid': 'mallory-trust' }, 'Add Mallory’s root to the client’s trust store');
    this.trustButton.addEventListener('click', () => emit(this, 'tls-attack', { action: 'mallory-run', trust: true, rewrite: this.rewrite.checked }));
    this.untrustButton = h('button', { type: 'button', 'data-testid': 'mallory-untrust' }, 'Remove her root again');
    this.untrustButton.addEventListener('click', () => emit(this, 'tls-attack', { action: 'mallory-run', trust: false, rewrite: this.rewrite.checked }));
    this.input = h('input', {
      type: 'text', id: this.id('mallory-text'), value: 'Transfer 100 EUR to Bob', maxlength: 500,
      autocomplete: 'off', spellcheck: 'false', 'data-testid': 'mallory-input',
    });
    this.sendButtons = ['client', 'server'].map((from) => {
      const b = h('button', { type: 'button', class: from, 'data-testid': `mallory-send-${from}` }, `Send as the ${from}`);
      b.addEventListener('click', () => {
        if (this.input.value) emit(this, 'tls-attack', { action: 'mallory-send', from, text: this.input.value });
      });
      return b;
    });
    this.sendForm = h('form', { class: 'compose-row mallory-send' },
      h('label', { for: this.id('mallory-text') }, 'Message'), this.input, h('span', { class: 'send-buttons' }, this.sendButtons));
    this.sendForm.addEventListener('submit', (e) => {
      e.preventDefault();
      if (!this.sendButtons[0].disabled) this.sendButtons[0].click();
    });
    this.body = h('div', { class: 'mallory-body', 'aria-live': 'polite' });
    fill(this, h('article', { class: 'attack mallory', 'aria-labelledby': this.id('mallory-title') },
      h('header', null,
        h('h3', { id: this.id('mallory-title'), tabindex: -1 }, h('span', { class: 'actor mallory' }, 'Mallory'), ' in the middle'),
        h('p', { class: 'explanation' },
          'Mallory controls a hop between the client and the server — a rogue Wi-Fi access point, a compromised router — and can read, drop and rewrite every byte. Against TLS her plan is to answer the client herself, with a certificate for the server’s name that she made under her own root CA, and to open her own connection to the real server.'),
        h('p', { class: 'explanation', 'data-testid': 'mallory-hsts' }, linkTerms(
          'Her easiest attack does not touch TLS at all. A visitor who types the bare name starts with plain http://, and Mallory can keep the whole visit on HTTP (SSL stripping): TLS never starts, so none of its checks run. ' +
          'Real sites close that door with HSTS, a header that tells the browser to use only https:// for the host from then on, and browsers’ preload lists cover even the first visit. This page starts TLS directly, so it shows the harder attack.'))),
      this.body));
  }

  update() {
    const { ready, busy } = this._state;
    const idle = ready && !busy;
    this.trustButton.disabled = !idle;
    this.untrustButton.disabled = !idle;
    this.rewrite.disabled = !idle;
    const connected = Boolean(this._state.mallory && this._state.mallory.result && this._state.mallory.result.right);
    for (const b of this.sendButtons) b.disabled = !idle || !connected;
  }

  renderBody() {
    const m = this._state.mallory || {};
    const r = m.result;
    if (!r) {
      fill(this.body, h('p', { class: 'explanation' }, 'Mallory is getting ready…'));
      return;
    }
    this.rewrite.checked = m.rewrite !== false;
    const refused = !r.right;
    const verify = eventsOf(r.left).find((ev) => ev.actor === 'client' && (ev.values || []).some((v) => v.id === 'x509.trusted_root'));
    const first = h('section', { class: 'attack-step', 'data-testid': 'mallory-left' },
      h('h4', null, '1. The client checks the certificate it received'),
      refused
        ? [refusal(r.left.error, { labels: LEFT, testid: 'mallory-refusal' }),
          h('p', null,
            'Mallory can copy every name in the real chain — her root is even called “', r.malloryRootName, '” like the real one — but not the real root’s private key. crypto/x509 finds the client’s root by name, checks the signature with that root’s key, and it fails. The client sends the alert and hangs up before a single byte of data.')]
        : h('p', { class: 'verdict bad', 'data-testid': 'mallory-accepted' },
          'The client accepts Mallory’s certificate: the chain ends at a root in its trust store — hers.'),
      verify ? h('ol', { class: 'events' }, renderEvent(verify)) : null,
      refused ? wireOf(r.left, LEFT) : null);

    const second = h('section', { class: 'attack-step' },
      h('h4', null, refused ? '2. Add Mallory’s root to the client’s trust store' : '2. Mallory’s root is in the client’s trust store'),
      h('p', null,
        'This is how interception happens for real. A company installs its TLS proxy’s root on every laptop it manages, so that the proxy can read and filter all traffic; antivirus software and parental-control tools do the same. Sometimes a root is preinstalled without the owner’s knowledge: in 2015 Lenovo shipped laptops with Superfish, adware that installed its own root — with the same private key on every machine — to inject ads into encrypted pages. In 2019 Kazakhstan asked its citizens to install a national root so that their traffic could be intercepted; browsers blocked it. The padlock only says that a root in the trust store vouches for the certificate — whoever controls the trust store controls that. Not even Certificate Transparency helps: browsers require SCTs, proof that a certificate was logged in public, only under the public roots they ship, and exempt a root added locally, so Mallory’s certificates need none.'),
      h('label', { class: 'check-row' }, this.rewrite, ' Mallory rewrites what she forwards (“100” becomes “10000”)'),
      h('div', { class: 'actions' }, refused ? this.trustButton : this.untrustButton),
      h('details', { class: 'pem' }, h('summary', null, 'Mallory’s root certificate (PEM)'),
        h('pre', { class: 'pem' }, r.malloryRootPem || '')));

    const third = refused ? null : h('section', { class: 'attack-step', 'data-testid': 'mallory-sessions' },
      h('h4', null, '3. Two sessions, one on each side of Mallory'),
      h('p', { class: 'explanation' },
        'Each session has its own keys, and each end sees a valid, fully encrypted connection. Only Mallory holds both sets of keys.'),
      h('div', { class: 'two-sessions' },
        sessionColumn('Client ↔ Mallory', 'what the client thinks is the server', r.left, LEFT, 'left'),
        sessionColumn('Mallory ↔ Server', 'Mallory as an ordinary client', r.right, RIGHT, 'right')),
      this.sendForm,
      conversation(m.sends || []),
      (r.mallory || []).length ? h('ol', { class: 'events mallory-events', 'aria-label': 'What Mallory does' }, r.mallory.map(renderEvent)) : null);
    fill(this.body, ...[first, second, third].filter(Boolean));
  }
}

/** sessionColumn summarises one of the two sessions. */
function sessionColumn(title, sub, session, labels, side) {
  const leaf = leafOf(session);
  const secret = (session.secrets || {}).masterSecret;
  return h('section', { class: classes('mitm-session', side), 'data-testid': `mallory-${side}-session` },
    h('h5', null, title, h('span', { class: 'sub' }, ` — ${sub}`)),
    h('dl', { class: 'facts compact' },
      h('div', null, h('dt', null, 'Protocol'), h('dd', null, `${session.version}, `, h('code', null, session.suite))),
      leaf ? h('div', null, h('dt', null, 'Certificate received'), h('dd', null, h('code', null, leaf.subject), ' issued by ', h('code', null, leaf.issuer),
        h('br'), 'SHA-256 ', h('code', { class: 'bytes fingerprint' }, fingerprint(leaf.sha256).slice(0, 23)), '…')) : null,
      secret ? h('div', null, h('dt', null, 'Master secret'), h('dd', null, h('code', { class: 'bytes' }, previewHex(secret, 12)))) : null),
    wireOf(session, labels));
}

/** conversation lists each message sent through Mallory: written, read, delivered. */
function conversation(sends) {
  if (!sends.length) return h('p', { class: 'explanation' }, 'Send a message: Mallory decrypts it with one session’s keys and encrypts it again with the other’s.');
  return h('ol', { class: 'conversation', 'data-testid': 'mallory-conversation' }, sends.map((s) => {
    const to = s.from === 'client' ? 'server' : 'client';
    const changed = s.delivered !== s.text;
    return h('li', { class: classes('relay', s.from, changed && 'rewritten') },
      h('span', { class: classes('actor', s.from) }, s.from), ' wrote ', h('q', null, s.text),
      ' → ', h('span', { class: 'actor mallory' }, 'Mallory'), ' read it',
      changed ? [' and rewrote it'] : ' and passed it on',
      ' → ', h('span', { class: classes('actor', to) }, to), ' received ',
      h('q', { class: classes('delivered', changed && 'changed'), 'data-testid': 'mallory-delivered' }, s.delivered),
      changed ? h('span', { class: 'explanation' }, ' — no check failed: each record was correctly protected, by Mallory.') : null);
  }));
}

customElements.define('tls-mallory', MalloryPanel);

// ---- the downgrade ----------------------------------------------------------------

export class DowngradePanel extends LabPanel {
  changed(v, prev) {
    if (v.downgrade !== prev.downgrade) this.renderBody();
    this.runButton.disabled = !v.ready || v.busy;
  }

  build() {
    this.runButton = h('button', { type: 'button', 'data-testid': 'downgrade-run' }, 'Run both again');
    this.runButton.addEventListener('click', () => emit(this, 'tls-attack', { action: 'downgrade-run' }));
    this.body = h('div', { class: 'downgrade-body', 'aria-live': 'polite' });
    fill(this, h('article', { class: 'attack downgrade', 'aria-labelledby': this.id('downgrade-title') },
      h('header', null,
        h('h3', { id: this.id('downgrade-title'), tabindex: -1 }, h('span', { class: 'actor mallory' }, 'Mallory'), ' tries a downgrade'),
        h('p', { class: 'explanation' },
          'Mallory cannot break TLS 1.3, so she tries to make both ends settle for TLS 1.2, with its older options. The ClientHello is in the clear and not yet authenticated: she deletes the TLS 1.3 parts (supported_versions, the key share, the TLS 1.3 suites). The server sees a client that offers only TLS 1.2 and answers in TLS 1.2.'),
        h('p', { class: 'explanation' },
          'RFC 8446, Section 4.1.3 closes this: a server that speaks TLS 1.3 but negotiates TLS 1.2 writes a sentinel into the last 8 bytes of its random, 44 4F 57 4E 47 52 44 01 — “DOWNGRD” and 01. The random is covered by the server’s signature in ServerKeyExchange, so Mallory cannot remove it, and a client that offered TLS 1.3 aborts when it sees it.'),
        h('p', { class: 'explanation', 'data-testid': 'downgrade-limits' }, linkTerms(
          'The RFC calls this limited protection, on top of what Finished already gives. The Finished messages cover the ClientHello Mallory edited, so the two ends would notice at the end of the handshake anyway — unless she could break the downgraded key exchange while the handshake runs and forge Finished too; the signed sentinel does not depend on those keys. ' +
          'And it protects only an ephemeral key exchange like this one (ECDHE): with static RSA key transport nothing signs the server’s random, so the sentinel adds nothing: Mallory could rewrite it, and only Finished would stand in her way.'))),
      this.body,
      h('div', { class: 'actions' }, this.runButton)));
  }

  renderBody() {
    const { clean, stripped } = this._state.downgrade || {};
    if (!stripped) {
      fill(this.body, h('p', { class: 'explanation' }, 'Running the two handshakes…'));
      return;
    }
    const mallory = eventsOf(stripped).filter((ev) => ev.actor === 'mallory');
    fill(this.body, h('div', { class: 'two-sessions' },
      h('section', { class: 'mitm-session', 'data-testid': 'downgrade-clean' },
        h('h5', null, 'Without Mallory'),
        h('p', null, clean.error ? 'The handshake failed.' : `The two ends agree on ${clean.version}.`, ' ', h('code', null, clean.suite)),
        serverRandom(clean),
        wireOf(clean, { client: 'Client', server: 'Server' })),
      h('section', { class: 'mitm-session', 'data-testid': 'downgrade-stripped' },
        h('h5', null, 'Mallory strips TLS 1.3 from the ClientHello'),
        mallory.length ? h('ol', { class: 'events' }, mallory.map(renderEvent)) : null,
        serverRandom(stripped),
        refusal(stripped.error, { testid: 'downgrade-refusal' }),
        wireOf(stripped, { client: 'Client', server: 'Server' }))));
  }
}

/**
 * serverRandom shows the server's random with the bytes where a downgrade
 * sentinel goes set apart: the session's serverRandom says where they are
 * and whether they hold one (RFC 8446, Section 4.1.3).
 */
function serverRandom(session) {
  const r = session && session.serverRandom;
  if (!r || !r.hex) return null;
  const at = r.sentinelAt * 2;
  const tail = r.hex.slice(at, at + r.sentinelLen * 2);
  const sentinel = Boolean(r.sentinel);
  return h('div', { class: 'server-random', 'data-sentinel': String(sentinel) },
    h('p', { class: 'label' }, 'ServerHello.random'),
    h('p', null, h('code', { class: 'bytes' }, formatHex(r.hex.slice(0, at), { perLine: 0 }), ' ',
      h('mark', { class: classes('tail', sentinel && 'sentinel') }, formatHex(tail, { perLine: 0 })))),
    h('p', { class: 'explanation' }, sentinel
      ? `The last ${r.sentinelLen} bytes are “${asciiOf(tail.slice(0, -2))}” in ASCII, then ${tail.slice(-2)}: the sentinel of a TLS 1.3 server that was offered only TLS 1.2.`
      : `The last ${r.sentinelLen} bytes are random like the rest: no sentinel.`));
}

customElements.define('tls-downgrade', DowngradePanel);
