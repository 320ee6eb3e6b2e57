// <tls-mode-switch> chooses which handshake the engine runs: the mode
// (classic TLS 1.2 with RSA key transport, TLS 1.2 with ECDHE, TLS 1.3), the
// key exchange group, and the server's key. It knows which choices go
// together (classic needs an RSA key and has no group; the hybrid
// post-quantum group exists only in TLS 1.3) and offers only those; the
// engine decides everything else. It holds no state of its own: the page sets
// `state` and listens for tls-command events.
//
// It also offers the rule by which the server picks the cipher suite: its
// own order of preference (the default) or the client's order (RFC 5246
// §7.4.1.3 and RFC 8446 §4.1.1 leave the rule to the server).
//
// Property: state = {mode, group, keyType, keyBits, suiteOrder, ready, busy, fixedKey}
// (fixedKey: the server is elsewhere and has its own key; the key choice and
// the suite rule are off).
// Events: tls-command {command: 'configure', value: {mode, group, keyType, keyBits, suiteOrder}}.

import { h, emit } from '../dom.js';

/** MODES describes each mode the page offers, in the order shown. */
export const MODES = [
  {
    id: 'classic', label: 'Classic', sub: 'TLS 1.2, RSA key transport',
    note: 'What most articles describe. No forward secrecy.',
    keyTypes: ['rsa'], groups: [], defaultGroup: '',
  },
  {
    id: 'ecdhe', label: 'TLS 1.2 + ECDHE', sub: 'ephemeral Diffie-Hellman',
    note: 'The common TLS 1.2 deployment. Forward secret.',
    keyTypes: ['rsa', 'ecdsa'], groups: ['x25519', 'secp256r1'], defaultGroup: 'x25519',
  },
  {
    id: 'tls13', label: 'TLS 1.3', sub: 'what the web uses today',
    note: 'One round trip; the certificate travels encrypted.',
    keyTypes: ['rsa', 'ecdsa', 'ed25519'], groups: ['x25519', 'secp256r1', 'X25519MLKEM768'], defaultGroup: 'X25519MLKEM768',
  },
];

/** GROUPS names the key exchange groups for people. */
export const GROUPS = {
  x25519: 'X25519',
  secp256r1: 'P-256 (secp256r1)',
  X25519MLKEM768: 'X25519MLKEM768 (hybrid, post-quantum)',
};

/** KEY_TYPES names the server key types for people. */
export const KEY_TYPES = { rsa: 'RSA', ecdsa: 'ECDSA P-256', ed25519: 'Ed25519' };

const KEY_SIZES = [2048, 3072, 4096];

/** SUITE_ORDERS are the server's rules for picking a suite (newSession's suiteOrder). */
export const SUITE_ORDERS = {
  server: 'its own order of preference',
  client: 'the client’s order',
};

/** modeInfo returns the MODES entry for id (classic for an unknown id). */
export function modeInfo(id) {
  return MODES.find((m) => m.id === id) || MODES[0];
}

/**
 * normalizeConfig returns a configuration the mode allows: an unknown mode
 * becomes classic, a key type the mode cannot use becomes RSA, a group the
 * mode does not offer becomes the mode's default.
 */
export function normalizeConfig({ mode, group, keyType, keyBits, suiteOrder }) {
  const m = modeInfo(mode);
  return {
    mode: m.id,
    group: m.groups.includes(group) ? group : m.defaultGroup,
    keyType: m.keyTypes.includes(keyType) ? keyType : 'rsa',
    keyBits: KEY_SIZES.includes(Number(keyBits)) ? Number(keyBits) : 2048,
    suiteOrder: suiteOrder === 'client' ? 'client' : 'server',
  };
}

let instances = 0;

export class ModeSwitch extends HTMLElement {
  constructor() {
    super();
    this.uid = `mode-switch-${++instances}`;
    this._state = { mode: 'classic', group: '', keyType: 'rsa', keyBits: 2048, suiteOrder: 'server', ready: false, busy: false };
  }

  set state(v) { this._state = { ...this._state, ...v }; this.update(); }
  get state() { return this._state; }

  connectedCallback() {
    if (!this.form) this.build();
    this.update();
  }

  build() {
    const id = this.uid;
    this.radios = MODES.map((m) => h('input', {
      type: 'radio', name: `${id}-mode`, id: `${id}-${m.id}`, value: m.id, 'data-testid': `mode-${m.id}`,
    }));
    const choices = MODES.map((m, i) => h('label', { class: `mode-choice mode-${m.id}`, for: `${id}-${m.id}` },
      this.radios[i],
      h('span', { class: 'mode-text' },
        h('span', { class: 'mode-label' }, m.label),
        h('span', { class: 'mode-sub' }, m.sub),
        h('span', { class: 'mode-note' }, m.note))));

    this.group = h('select', { id: `${id}-group`, 'data-testid': 'group' },
      h('option', { value: '' }, 'none (RSA key transport)'),
      Object.entries(GROUPS).map(([value, label]) => h('option', { value }, label)));
    this.keyType = h('select', { id: `${id}-key-type`, 'data-testid': 'key-type' },
      Object.entries(KEY_TYPES).map(([value, label]) => h('option', { value }, label)));
    this.keySize = h('select', { id: `${id}-key-size`, 'data-testid': 'key-size', 'aria-label': 'RSA key size' },
      KEY_SIZES.map((bits) => h('option', { value: bits }, `${bits} bits`)));
    this.suiteOrder = h('select', { id: `${id}-suite-order`, 'data-testid': 'suite-order' },
      Object.entries(SUITE_ORDERS).map(([value, label]) => h('option', { value }, label)));
    this.hint = h('p', { class: 'explanation mode-hint', id: `${id}-hint` });

    this.form = h('form', { class: 'mode-switch', 'aria-labelledby': `${id}-title` },
      h('h2', { id: `${id}-title`, class: 'visually-hidden' }, 'Choose the handshake'),
      h('fieldset', { class: 'modes' },
        h('legend', null, 'Handshake'),
        h('div', { class: 'mode-choices' }, choices)),
      h('div', { class: 'mode-options' },
        h('div', { class: 'option' }, h('label', { for: this.group.id }, 'Key exchange group'), this.group),
        h('div', { class: 'option' },
          h('label', { for: this.keyType.id }, 'Server key'), this.keyType, this.keySize),
        h('div', { class: 'option' },
          h('label', { for: this.suiteOrder.id }, 'The server picks the cipher suite by'), this.suiteOrder),
        this.hint));
    this.form.addEventListener('submit', (e) => e.preventDefault());
    this.form.addEventListener('change', (e) => this.changed(e.target));
    this.replaceChildren(this.form);
  }

  /** changed emits the configuration the visitor asked for, made consistent. */
  changed(target) {
    const current = this._state;
    const checked = this.radios.find((r) => r.checked);
    const next = {
      mode: checked ? checked.value : current.mode,
      group: this.group.value,
      keyType: this.keyType.value,
      keyBits: Number(this.keySize.value),
      suiteOrder: this.suiteOrder.value,
    };
    // Coming from classic (no group), a mode starts with its own default group.
    if (target && target.type === 'radio' && !current.group) next.group = '';
    const value = normalizeConfig(next);
    emit(this, 'tls-command', { command: 'configure', value });
  }

  update() {
    if (!this.form) return;
    const { mode, group, keyType, keyBits, ready, busy, fixedKey } = this._state;
    const m = modeInfo(mode);
    const idle = ready && !busy;
    const focused = this.contains(document.activeElement) ? document.activeElement : null;
    for (const r of this.radios) {
      r.checked = r.value === m.id;
      r.disabled = !idle;
    }
    for (const opt of this.group.options) opt.disabled = opt.value === '' ? m.groups.length > 0 : !m.groups.includes(opt.value);
    this.group.value = m.groups.length ? group || m.defaultGroup : '';
    this.group.disabled = !idle || m.groups.length === 0;
    for (const opt of this.keyType.options) opt.disabled = !m.keyTypes.includes(opt.value);
    this.keyType.value = keyType;
    this.keyType.disabled = !idle || m.keyTypes.length < 2 || Boolean(fixedKey);
    this.keySize.value = String(keyBits);
    this.keySize.disabled = !idle || keyType !== 'rsa' || Boolean(fixedKey);
    this.keySize.hidden = keyType !== 'rsa' || Boolean(fixedKey);
    if (this._state.suiteOrder) this.suiteOrder.value = this._state.suiteOrder;
    this.suiteOrder.disabled = !idle || Boolean(fixedKey);
    this.hint.textContent = hintFor(m, keyType, fixedKey);
    // A control disabled while the engine works gives focus back once it is done.
    if (focused && focused.disabled) this._restore = focused;
    else if (this._restore && !this._restore.disabled) {
      if (document.activeElement === document.body || !document.activeElement) this._restore.focus();
      this._restore = null;
    }
  }
}

function hintFor(m, keyType, fixedKey) {
  const key = fixedKey ? 'its own' : `its ${KEY_TYPES[keyType]}`;
  const elsewhere = fixedKey
    ? ' The server at the URL has its own key and certificate (step 2 shows them): the key choice applies to a server in this page.'
    : '';
  if (m.id === 'classic') {
    return `The classic handshake needs an RSA server key: the client encrypts the pre-master secret with it. There is no key exchange group.${elsewhere}`;
  }
  if (m.id === 'ecdhe') {
    return `Both sides make a fresh key pair for this connection only; the server signs its share with ${key} key. TLS 1.2 signs with RSA or ECDSA (not Ed25519 here).${elsewhere}`;
  }
  return `The key shares travel in the two hellos; the server proves it holds ${key} key with a signature (CertificateVerify).${elsewhere}`;
}

customElements.define('tls-mode-switch', ModeSwitch);
