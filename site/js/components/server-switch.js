// <tls-server-switch> chooses where the server runs:
//   local  in one engine: both ends in one Go instance, the records passed in
//          memory (no HTTP);
//   page   in this page, over HTTP: the in-page server (one Go instance of the
//          server module for all its requests) answers real HTTP requests;
//   url    at a URL: a TLS Playground server elsewhere (scripts/serve's /tls/,
//          a Cloudflare Worker), reached with fetch.
// For a URL it shows what GET /tls/info said (the server's name, its
// certificate chain and its root CA) and asks the visitor to trust the root
// before the client will connect, explaining trust on first use.
//
// Property: state = {server, url, defaultURL, info, infoError, trust, ready,
//           busy, capabilities}; trust = {trusted, fingerprint, remembered,
//           changed: {was, now}, pem}.
// Events: tls-command {command: 'server', value: {server, url}}
//         tls-command {command: 'trust', value: {pem}}   trust this root and connect
//         tls-command {command: 'forget-trust'}

import { h, emit, classes } from '../dom.js';
import { fingerprint, formatByteCount } from '../hex.js';

/** SERVERS describes each place the server can run, in the order shown. */
export const SERVERS = [
  {
    id: 'local', label: 'In one engine', sub: 'no network',
    note: 'Both ends in one Go instance; the records pass in memory.',
  },
  {
    id: 'page', label: 'In this page, over HTTP', sub: 'a Go server in this tab',
    note: 'Every flight is a real HTTP request to a server running in this tab.',
  },
  {
    id: 'url', label: 'At a URL', sub: 'over the network',
    note: 'A TLS Playground server elsewhere (scripts/serve, a Cloudflare Worker): the one choice that leaves this page.',
  },
];

let instances = 0;

export class ServerSwitch extends HTMLElement {
  constructor() {
    super();
    this.uid = `server-switch-${++instances}`;
    this._state = { server: 'local', url: '', defaultURL: '', info: null, infoError: '', trust: null, ready: false, busy: false, capabilities: null };
  }

  set state(v) {
    const prev = this._state;
    this._state = { ...prev, ...v };
    if (prev.info !== this._state.info || prev.trust !== this._state.trust || prev.infoError !== this._state.infoError) this.renderInfo();
    this.update();
  }
  get state() { return this._state; }

  connectedCallback() {
    if (!this.form) this.build();
    this.renderInfo();
    this.update();
  }

  build() {
    const id = this.uid;
    this.radios = SERVERS.map((s) => h('input', {
      type: 'radio', name: `${id}-server`, id: `${id}-${s.id}`, value: s.id, 'data-testid': `server-${s.id}`,
    }));
    this.notes = SERVERS.map((s) => h('span', { class: 'mode-note' }, s.note));
    const choices = SERVERS.map((s, i) => h('label', { class: `mode-choice server-${s.id}`, for: `${id}-${s.id}` },
      this.radios[i],
      h('span', { class: 'mode-text' },
        h('span', { class: 'mode-label' }, s.label),
        h('span', { class: 'mode-sub' }, s.sub),
        this.notes[i])));
    this.url = h('input', {
      type: 'url', id: `${id}-url`, name: 'url', 'data-testid': 'server-url', inputmode: 'url',
      autocomplete: 'url', spellcheck: 'false', placeholder: 'https://tls-playground.example.workers.dev',
    });
    this.go = h('button', { type: 'submit', 'data-testid': 'server-url-go' }, 'Ask the server');
    this.urlRow = h('div', { class: 'url-row' },
      h('label', { for: this.url.id }, 'Server URL'), this.url, this.go);
    this.info = h('div', { class: 'server-info', 'aria-live': 'polite', 'data-testid': 'server-info' });

    this.form = h('form', { class: 'mode-switch server-switch', 'aria-labelledby': `${id}-title` },
      h('h2', { id: `${id}-title`, class: 'visually-hidden' }, 'Choose where the server runs'),
      h('fieldset', { class: 'modes' },
        h('legend', null, 'Server'),
        h('div', { class: 'mode-choices' }, choices)),
      this.urlRow,
      this.info);
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.ask();
    });
    this.form.addEventListener('change', (e) => {
      if (e.target.type === 'radio') this.ask();
    });
    this.replaceChildren(this.form);
  }

  /** ask emits the server chosen, with the URL typed for "at a URL". */
  ask() {
    const checked = this.radios.find((r) => r.checked);
    const server = checked ? checked.value : this._state.server;
    const url = (this.url.value || '').trim() || this._state.defaultURL;
    emit(this, 'tls-command', { command: 'server', value: { server, url } });
  }

  update() {
    if (!this.form) return;
    const { server, url, defaultURL, ready, busy, capabilities } = this._state;
    const idle = ready && !busy;
    const remoteOK = Boolean(capabilities && capabilities.remote);
    const pageOK = Boolean(capabilities && capabilities.pageServer);
    this.radios.forEach((r, i) => {
      r.checked = r.value === server;
      const available = r.value === 'local' || (r.value === 'page' ? pageOK : remoteOK);
      r.disabled = !idle || !available;
      const why = capabilities && !available ? ' (this build of the engine cannot: it has no remote API)' : '';
      const note = SERVERS[i].note + why;
      if (this.notes[i].textContent !== note) this.notes[i].textContent = note; // only a change is written
    });
    this.urlRow.hidden = server !== 'url';
    if (document.activeElement !== this.url) this.url.value = url || defaultURL || '';
    this.url.disabled = !idle;
    this.go.disabled = !idle;
    this.info.hidden = server !== 'url';
    if (this.trustButton) this.trustButton.disabled = !idle;
    if (this.forgetButton) this.forgetButton.disabled = !idle;
  }

  /** renderInfo shows what the server at the URL said about itself, and the trust decision. */
  renderInfo() {
    if (!this.info) return;
    const { info, infoError, trust } = this._state;
    this.trustButton = null;
    this.forgetButton = null;
    if (infoError) {
      this.info.replaceChildren(h('p', { class: 'check fail', 'data-testid': 'server-info-error' },
        h('span', { class: 'mark', 'aria-hidden': 'true' }, '✗ '), infoError));
      return;
    }
    if (!info) { this.info.replaceChildren(); return; }
    const i = info.info;
    const fact = (name, ...value) => h('div', null, h('dt', null, name), h('dd', null, ...value));
    const t = trust || {};
    const pem = t.pem || i.rootPem || '';
    let decision;
    if (t.trusted) {
      decision = h('p', { class: 'check ok trust-state', 'data-testid': 'trust-state' },
        h('span', { class: 'mark', 'aria-hidden': 'true' }, '✓ '),
        t.remembered
          ? `Trusted: you trusted this root on ${new Date(t.remembered).toLocaleString()} and the server still presents it.`
          : 'Trusted for this server: the client checks the server’s certificate against this root (and only this root).',
        ' ', this.forgetButton = button('forget-trust', 'Forget this root', () => emit(this, 'tls-command', { command: 'forget-trust' })));
    } else {
      this.pemInput = i.rootPem ? null : h('textarea', {
        id: `${this.uid}-pem`, rows: 6, spellcheck: 'false', 'data-testid': 'root-pem-input',
        placeholder: '-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----',
      });
      this.trustButton = button('trust-root', i.rootPem ? 'Trust this root and connect' : 'Trust the root pasted above and connect', () => {
        emit(this, 'tls-command', { command: 'trust', value: { pem: this.pemInput ? this.pemInput.value : i.rootPem } });
      });
      decision = h('div', { class: 'trust-ask' },
        t.changed ? h('p', { class: 'check fail', 'data-testid': 'trust-changed' },
          h('span', { class: 'mark', 'aria-hidden': 'true' }, '✗ '),
          `This server now presents a different root (${short(t.changed.now)}) than the one you trusted (${short(t.changed.was)}). `,
          'An interceptor would look exactly like this; so would a server restarted with a fresh identity (scripts/serve makes a new one at every start). Check the fingerprint before you trust it again.') : null,
        this.pemInput ? [h('label', { for: this.pemInput.id }, 'This server does not publish its root: paste the root CA certificate its operator gave you (PEM)'), this.pemInput] : null,
        h('p', null, this.trustButton));
    }
    this.info.replaceChildren(h('div', { class: 'server-card' },
      h('dl', { class: 'facts' },
        fact('Server name', h('code', { 'data-testid': 'server-name' }, i.serverName)),
        fact('Modes', (i.modes || []).join(', ')),
        fact('Token lifetime', i.tokenTtlSeconds ? `${Math.round(i.tokenTtlSeconds / 60)} minutes` : '—'),
        fact('Largest flight', i.maxBody ? formatByteCount(i.maxBody) : '—')),
      h('details', { class: 'pem' },
        h('summary', null, `Its certificate chain (PEM, ${plural((i.certPem.match(/BEGIN CERTIFICATE/g) || []).length, 'certificate')})`),
        h('pre', { class: 'pem', tabindex: 0 }, i.certPem)),
      pem ? h('div', { class: 'root' },
        h('p', { class: 'label' }, 'Its root CA, SHA-256 fingerprint:'),
        h('code', { class: 'bytes fingerprint', 'data-testid': 'root-fingerprint' }, fingerprint(t.fingerprint || info.rootFingerprint) || '(this page cannot hash: not a secure context)'),
        h('details', { class: 'pem' }, h('summary', null, 'The root certificate (PEM)'), h('pre', { class: 'pem', tabindex: 0 }, pem))) : null,
      h('details', { class: 'trust-why' },
        h('summary', null, 'Why you are asked to trust it'),
        h('p', null,
          'A browser trusts a server because its certificate chains up to a root in its trust store — a few hundred root CAs that the operating system and browser vendors vet and ship. ',
          'This server’s certificate is issued by a root CA of its own, which no trust store knows; the client in this page uses a trust store of exactly one root, the one you accept here.'),
        h('p', null,
          'The server sent this root itself, so trusting it now is ',
          h('em', null, 'trust on first use'),
          ', as SSH does with known_hosts: this page remembers the fingerprint for this URL, and a later connection that presents another root is refused until you decide again. ',
          'It protects every later connection, but not this first one: someone between you and the server could have sent their own root. ',
          'Compare the fingerprint with the one the server’s operator sees: ',
          h('code', null, 'openssl x509 -noout -fingerprint -sha256 -in root.pem'),
          ' (scripts/serve writes its root to a file and names it when it starts).')),
      decision));
  }
}

/** short is the start of a fingerprint, enough to tell two apart. */
function short(hex) {
  return hex ? `${fingerprint(hex).slice(0, 23)}…` : 'unknown';
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function button(testid, label, onClick) {
  const b = h('button', { type: 'button', 'data-testid': testid, class: classes(testid) }, label);
  b.addEventListener('click', onClick);
  return b;
}

customElements.define('tls-server-switch', ServerSwitch);
