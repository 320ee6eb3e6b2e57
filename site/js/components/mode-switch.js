// <tls-mode-switch> chooses which handshake the engine runs: the mode
// (classic TLS 1.2 with RSA key transport, TLS 1.2 with ECDHE, TLS 1.3), the
// key exchange group, and the server's key. Which choices go together
// (classic needs an RSA key and has no group; the hybrid post-quantum group
// exists only in TLS 1.3) is the engine's catalogue, kept here for the page
// (setCatalogue, checkInfo, suiteInfo); it offers only those. It holds no
// state of its own: the page sets `state` and listens for tls-command events.
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

// ---- the engine's catalogue ---------------------------------------------------
//
// The modes, groups, server keys, suites and checks are the engine's
// (playground/session/catalogue.go, the `catalogue` method): the page keys on
// their ids and shows their labels. SEED is that catalogue as the engine
// answers it, written by `go test ./playground/session -run Golden -update`
// and checked by that test: the first paint (the choices) and the first
// refusal (the checks' explanations) cannot wait for the engine.
// setCatalogue(the engine's answer) replaces it.

// BEGIN catalogue seed
const SEED = {
  "modes": [
    {"id":"classic","label":"Classic","sub":"TLS 1.2, RSA key transport","note":"What most articles describe. No forward secrecy.","name":"TLS 1.2 with RSA key transport","version":"TLS 1.2","keyHint":"The classic handshake needs an RSA server key: the client encrypts the pre-master secret with it. There is no key exchange group.","keyTypes":["rsa"],"groups":[],"defaultGroup":"","suites":["TLS_RSA_WITH_AES_256_GCM_SHA384","TLS_RSA_WITH_AES_128_GCM_SHA256"]},
    {"id":"ecdhe","label":"TLS 1.2 + ECDHE","sub":"ephemeral Diffie-Hellman","note":"The common TLS 1.2 deployment. Forward secret.","name":"TLS 1.2 with ECDHE","version":"TLS 1.2","keyHint":"Both sides make a fresh key pair for this connection only; the server signs its share with {key} key (RSA, or ECDSA and Ed25519 in the ECDHE_ECDSA suites, RFC 8422).","keyTypes":["rsa","ecdsa","ed25519"],"groups":["x25519","secp256r1"],"defaultGroup":"x25519","suites":["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384","TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256","TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256","TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384","TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256","TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]},
    {"id":"tls13","label":"TLS 1.3","sub":"what the web uses today","note":"One round trip; the certificate travels encrypted.","name":"TLS 1.3","version":"TLS 1.3","keyHint":"The key shares travel in the two hellos; the server proves it holds {key} key with a signature (CertificateVerify).","keyTypes":["rsa","ecdsa","ed25519"],"groups":["X25519MLKEM768","x25519","secp256r1"],"defaultGroup":"X25519MLKEM768","suites":["TLS_AES_256_GCM_SHA384","TLS_CHACHA20_POLY1305_SHA256","TLS_AES_128_GCM_SHA256"]}
  ],
  "groups": [
    {"id":"x25519","code":29,"label":"X25519","note":"Diffie-Hellman on Curve25519 (RFC 7748): 32-byte keys","hybrid":false},
    {"id":"secp256r1","code":23,"label":"P-256 (secp256r1)","note":"Diffie-Hellman on NIST P-256: 65-byte uncompressed points","hybrid":false},
    {"id":"X25519MLKEM768","code":4588,"label":"X25519MLKEM768 (hybrid, post-quantum)","note":"hybrid: ML-KEM-768 (post-quantum, FIPS 203) then X25519, in that order on the wire; an attacker must break both","hybrid":true}
  ],
  "keyTypes": [
    {"id":"rsa","label":"RSA","bits":[2048,3072,4096],"defaultBits":2048},
    {"id":"ecdsa","label":"ECDSA P-256","bits":[],"defaultBits":0},
    {"id":"ed25519","label":"Ed25519","bits":[],"defaultBits":0}
  ],
  "suites": [
    {"name":"TLS_RSA_WITH_AES_256_GCM_SHA384","code":157,"version":"TLS 1.2","mode":"classic","keyExchange":"RSA","cipher":"AES-256-GCM","hash":"SHA-384","forwardSecret":false},
    {"name":"TLS_RSA_WITH_AES_128_GCM_SHA256","code":156,"version":"TLS 1.2","mode":"classic","keyExchange":"RSA","cipher":"AES-128-GCM","hash":"SHA-256","forwardSecret":false},
    {"name":"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384","code":49196,"version":"TLS 1.2","mode":"ecdhe","keyExchange":"ECDHE_ECDSA","cipher":"AES-256-GCM","hash":"SHA-384","forwardSecret":true},
    {"name":"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256","code":52393,"version":"TLS 1.2","mode":"ecdhe","keyExchange":"ECDHE_ECDSA","cipher":"ChaCha20-Poly1305","hash":"SHA-256","forwardSecret":true},
    {"name":"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256","code":49195,"version":"TLS 1.2","mode":"ecdhe","keyExchange":"ECDHE_ECDSA","cipher":"AES-128-GCM","hash":"SHA-256","forwardSecret":true},
    {"name":"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384","code":49200,"version":"TLS 1.2","mode":"ecdhe","keyExchange":"ECDHE_RSA","cipher":"AES-256-GCM","hash":"SHA-384","forwardSecret":true},
    {"name":"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256","code":52392,"version":"TLS 1.2","mode":"ecdhe","keyExchange":"ECDHE_RSA","cipher":"ChaCha20-Poly1305","hash":"SHA-256","forwardSecret":true},
    {"name":"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256","code":49199,"version":"TLS 1.2","mode":"ecdhe","keyExchange":"ECDHE_RSA","cipher":"AES-128-GCM","hash":"SHA-256","forwardSecret":true},
    {"name":"TLS_AES_256_GCM_SHA384","code":4866,"version":"TLS 1.3","mode":"tls13","keyExchange":"any","cipher":"AES-256-GCM","hash":"SHA-384","forwardSecret":true},
    {"name":"TLS_CHACHA20_POLY1305_SHA256","code":4867,"version":"TLS 1.3","mode":"tls13","keyExchange":"any","cipher":"ChaCha20-Poly1305","hash":"SHA-256","forwardSecret":true},
    {"name":"TLS_AES_128_GCM_SHA256","code":4865,"version":"TLS 1.3","mode":"tls13","keyExchange":"any","cipher":"AES-128-GCM","hash":"SHA-256","forwardSecret":true}
  ],
  "suiteOrders": [
    {"id":"server","label":"its own order of preference"},
    {"id":"client","label":"the client’s order"}
  ],
  "checks": [
    {"id":"record.bad_record_mac","alert":"bad_record_mac","label":"the AEAD tag check (record protection)","text":"Every encrypted record carries an authentication tag computed with the sender’s write key over the ciphertext and the additional data (TLS 1.3: the record header; TLS 1.2: sequence number, type, version and the plaintext’s length). A changed byte — or keys that differ because something earlier in the handshake was changed — makes the tag check fail, and the receiver throws the whole record away without decrypting it."},
    {"id":"record.overflow","alert":"record_overflow","label":"the record length limit","text":"A record may carry at most 2^14 bytes of plaintext (RFC 8446, Section 5.1; RFC 5246, Section 6.2.1), and its ciphertext a little more. A longer one is refused before anything in it is used."},
    {"id":"record.unexpected","alert":"unexpected_message","label":"the record layer: what may arrive now","text":"The bytes no longer form the record or message the receiver expects at this point: an unknown content type, or a message out of order."},
    {"id":"record.incomplete","alert":"","label":"none yet: the receiver waits for more bytes","text":"A length field now promises more bytes than were sent, so the receiver keeps what it has and waits for the rest. Nothing is processed, nothing is released, and no alert is sent: a real connection would sit there until a timeout closed it."},
    {"id":"handshake.stalled","alert":"","label":"none: each side waits for the other","text":"Neither side has anything to send and neither has finished: the handshake stopped without an error. A real connection would sit there until a timeout closed it."},
    {"id":"decode.malformed","alert":"decode_error","label":"parsing: lengths and fields","text":"Every field of a message has a length, and the lengths must add up to exactly the bytes received. A changed length no longer matches, so the message is refused before anything in it is used."},
    {"id":"finished.mismatch","alert":"decrypt_error","label":"the Finished check (a MAC of the whole handshake)","text":"Finished carries a MAC of every handshake message, keyed by the master secret. The keys still agree here, but the two sides saw different handshake bytes, so the MACs differ."},
    {"id":"signature.invalid","alert":"decrypt_error","label":"a signature check with the certificate’s key","text":"The server signs its key exchange (ServerKeyExchange in TLS 1.2, CertificateVerify in TLS 1.3) with its certificate’s key. A changed byte in what was signed, or in the signature, and it no longer verifies."},
    {"id":"handshake.mac_or_signature","alert":"decrypt_error","label":"a MAC or signature over the handshake","text":"The Finished message is a MAC of the whole handshake under the master secret; ServerKeyExchange (TLS 1.2) and CertificateVerify (TLS 1.3) are signatures with the certificate’s key. When the two sides saw different handshake bytes, or a signed value was changed, this check fails."},
    {"id":"rsa.padding_oracle","alert":"decrypt_error","label":"the PKCS#1 v1.5 padding of the decrypted pre-master secret","text":"Not a MAC or a signature: this server reports, with an alert of its own, that the RSA-decrypted block does not start with 00 02 — exactly the one bit Bleichenbacher’s attack needs. The real server never reveals it."},
    {"id":"negotiation.no_common_suite","alert":"handshake_failure","label":"cipher suite negotiation","text":"The server picks one of the suites the client offers that it also enables itself. There is none, so it refuses the ClientHello before sending anything else."},
    {"id":"negotiation.renegotiation_info","alert":"handshake_failure","label":"secure renegotiation (RFC 5746)","text":"On a new connection the renegotiation_info extension must be empty; the changed byte made it claim an earlier connection that does not exist."},
    {"id":"negotiation.failed","alert":"handshake_failure","label":"negotiation","text":"No acceptable set of parameters: nothing in common, or an extension that must be empty is not."},
    {"id":"parameter.forbidden","alert":"illegal_parameter","label":"a field holds a forbidden value","text":"The message parses, but a field holds a value the protocol forbids here — a version, a point format, a downgrade sentinel."},
    {"id":"downgrade.sentinel","alert":"illegal_parameter","label":"the downgrade sentinel in ServerHello.random (RFC 8446, Section 4.1.3)","text":"A server that speaks TLS 1.3 but negotiates TLS 1.2 ends its random with “DOWNGRD” and 01. The random is signed, so nobody on the way can remove it, and a client that offered TLS 1.3 aborts when it sees it."},
    {"id":"version.unsupported","alert":"protocol_version","label":"version negotiation","text":"The version field now names a protocol version this side does not speak."},
    {"id":"cert.untrusted_root","alert":"bad_certificate","label":"certificate verification (crypto/x509): no path to a trusted root","text":"crypto/x509 looks for an issuer whose key verifies the certificate’s signature, and a path from it to a root in the client’s trust store. A certificate signed by a stranger and a genuine one whose signature was changed look the same: no trusted key verifies them. Like crypto/tls, the client sends bad_certificate whatever the reason: the peer only learns that its certificate was refused."},
    {"id":"cert.expired","alert":"bad_certificate","label":"certificate verification: the validity period","text":"The client’s clock is outside the certificate’s notBefore … notAfter window. Like crypto/tls, the client sends bad_certificate whatever the reason: the peer only learns that its certificate was refused."},
    {"id":"cert.name_mismatch","alert":"bad_certificate","label":"certificate verification: the server name","text":"The certificate is valid for other names than the one the client asked for (its subjectAltName entries, RFC 6125). Like crypto/tls, the client sends bad_certificate whatever the reason: the peer only learns that its certificate was refused."},
    {"id":"cert.key_usage","alert":"bad_certificate","label":"certificate verification: what the certificate may be used for","text":"A certificate’s extended key usage lists what its key may do; a server certificate must allow server authentication. Like crypto/tls, the client sends bad_certificate whatever the reason: the peer only learns that its certificate was refused."},
    {"id":"cert.weak_key","alert":"bad_certificate","label":"certificate verification: the strength of the key","text":"The certificate’s key is too short to be trusted: public certificates need RSA keys of 2048 bits at least. Like crypto/tls, the client sends bad_certificate whatever the reason: the peer only learns that its certificate was refused."},
    {"id":"cert.rejected","alert":"bad_certificate","label":"certificate verification (crypto/x509)","text":"The chain is refused; crypto/x509’s exact reason is above: an unknown issuer, a signature that no trusted key verifies (a changed byte looks just like a stranger’s certificate), dates, the name, the key usage or a weak key. Like crypto/tls, the client sends bad_certificate whatever the reason: the peer only learns that its certificate was refused."},
    {"id":"cert.revoked","alert":"certificate_revoked","label":"revocation: the stapled OCSP response","text":"The chain verifies, but the OCSP response the certificate’s issuer signed, stapled by the server, says the certificate was revoked."},
    {"id":"cert.status_response","alert":"bad_certificate_status_response","label":"revocation: the stapled OCSP response is not satisfactory","text":"The stapled OCSP response must be signed by the certificate’s issuer, be about this certificate and be current; a stale response cannot say whether the certificate was revoked since."},
    {"id":"cert.not_logged","alert":"bad_certificate","label":"Certificate Transparency: proof that the certificate was logged","text":"Browsers require SCTs from public logs of different operators for a public certificate: without them the certificate may never have been logged, and its owner could not have seen it."},
    {"id":"transport.failed","alert":"","label":"none: the connection that carries the records failed","text":"The HTTP request that carries the TLS records did not get an answer the client could use, so no TLS check was reached."},
    {"id":"internal.error","alert":"internal_error","label":"the engine itself","text":"The engine failed, not the peer: no check of the protocol was involved."}
  ],
  "alerts": [
    {"code":0,"name":"close_notify","check":"other"},
    {"code":10,"name":"unexpected_message","check":"record.unexpected"},
    {"code":20,"name":"bad_record_mac","check":"record.bad_record_mac"},
    {"code":22,"name":"record_overflow","check":"record.overflow"},
    {"code":40,"name":"handshake_failure","check":"negotiation.failed"},
    {"code":42,"name":"bad_certificate","check":"cert.rejected"},
    {"code":43,"name":"unsupported_certificate","check":"other"},
    {"code":44,"name":"certificate_revoked","check":"cert.revoked"},
    {"code":45,"name":"certificate_expired","check":"cert.expired"},
    {"code":46,"name":"certificate_unknown","check":"other"},
    {"code":47,"name":"illegal_parameter","check":"parameter.forbidden"},
    {"code":48,"name":"unknown_ca","check":"cert.untrusted_root"},
    {"code":50,"name":"decode_error","check":"decode.malformed"},
    {"code":51,"name":"decrypt_error","check":"handshake.mac_or_signature"},
    {"code":70,"name":"protocol_version","check":"version.unsupported"},
    {"code":71,"name":"insufficient_security","check":"other"},
    {"code":80,"name":"internal_error","check":"internal.error"},
    {"code":86,"name":"inappropriate_fallback","check":"other"},
    {"code":100,"name":"no_renegotiation","check":"other"},
    {"code":109,"name":"missing_extension","check":"other"},
    {"code":110,"name":"unsupported_extension","check":"other"},
    {"code":112,"name":"unrecognized_name","check":"other"},
    {"code":113,"name":"bad_certificate_status_response","check":"cert.status_response"},
    {"code":116,"name":"certificate_required","check":"other"}
  ]
};
// END catalogue seed

let current = SEED;
const listeners = new Set();

/** MODES describes each mode the page offers, in the order shown (the catalogue's). */
export const MODES = [];

/** GROUPS names the key exchange groups for people, in the order shown: {id: label}. */
export const GROUPS = {};

/** KEY_TYPES names the server key types for people: {id: label}. */
export const KEY_TYPES = {};

/** SUITE_ORDERS are the server's rules for picking a suite (newSession's suiteOrder): {id: label}. */
export const SUITE_ORDERS = {};

let keySizes = [];

/** fillFrom fills the exported tables in place from catalogue c (importers keep their references). */
function fillFrom(c) {
  MODES.splice(0, MODES.length, ...(c.modes || []));
  for (const [obj, list] of [[GROUPS, c.groups], [KEY_TYPES, c.keyTypes], [SUITE_ORDERS, c.suiteOrders]]) {
    for (const k of Object.keys(obj)) delete obj[k];
    for (const x of list || []) obj[x.id] = x.label;
  }
  const rsa = (c.keyTypes || []).find((k) => k.bits && k.bits.length);
  keySizes = rsa ? rsa.bits : [];
}
fillFrom(SEED);

/**
 * setCatalogue takes the engine's catalogue (engine.callJSON('catalogue')):
 * the page's choices, labels and the checks' explanations come from it from
 * then on. Listeners (onCatalogue) hear of it.
 */
export function setCatalogue(c) {
  if (!c || !Array.isArray(c.modes) || !c.modes.length) return;
  current = c;
  fillFrom(c);
  for (const fn of listeners) fn(c);
}

/** onCatalogue calls fn(catalogue) whenever the engine's catalogue arrives; returns the unsubscribe. */
export function onCatalogue(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** catalogue returns the catalogue known now: the engine's, or the seed until it answers. */
export function catalogue() {
  return current;
}

/** checkInfo returns the catalogue's entry {id, alert, label, text} for check id, or null. */
export function checkInfo(id) {
  return (current.checks || []).find((c) => c.id === id) || null;
}

/** alertCheck returns the check an alert stands for when nothing more precise is known ('' if unknown). */
export function alertCheck(name) {
  const a = (current.alerts || []).find((x) => x.name === name);
  return a ? a.check : '';
}

/** groupInfo returns the catalogue's entry for a group id {id, label, note, hybrid}, or null. */
export function groupInfo(id) {
  return (current.groups || []).find((g) => g.id === id) || null;
}

/** suiteInfo returns the catalogue's entry for an IANA suite name {name, cipher, hash, …}, or null. */
export function suiteInfo(name) {
  return (current.suites || []).find((x) => x.name === name) || null;
}

/** modeInfo returns the MODES entry for id (the first mode, classic, for an unknown id). */
export function modeInfo(id) {
  return MODES.find((m) => m.id === id) || MODES[0];
}

/**
 * normalizeConfig returns a configuration the mode allows: an unknown mode
 * becomes the first (classic), a key type the mode cannot use becomes its
 * first, a group the mode does not offer becomes the mode's default.
 */
export function normalizeConfig({ mode, group, keyType, keyBits, suiteOrder }) {
  const m = modeInfo(mode);
  return {
    mode: m.id,
    group: m.groups.includes(group) ? group : m.defaultGroup,
    keyType: m.keyTypes.includes(keyType) ? keyType : m.keyTypes[0],
    keyBits: keySizes.includes(Number(keyBits)) ? Number(keyBits) : keySizes[0],
    suiteOrder: Object.hasOwn(SUITE_ORDERS, suiteOrder) ? suiteOrder : Object.keys(SUITE_ORDERS)[0],
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
    // The engine's catalogue replaces the seed: the choices are built again from it.
    this.off = onCatalogue(() => {
      // (Most often the engine's catalogue offers what the seed did: nothing to build again.)
      if (choicesKey() === this._built) { this.update(); return; }
      const focused = this.contains(document.activeElement);
      this.build();
      this.update();
      if (focused) this.radios.find((r) => r.checked)?.focus();
    });
  }

  disconnectedCallback() {
    if (this.off) this.off();
    this.off = null;
  }

  build() {
    const id = this.uid;
    this._built = choicesKey();
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
      keySizes.map((bits) => h('option', { value: bits }, `${bits} bits`)));
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
    const sized = (current.keyTypes || []).some((k) => k.id === keyType && k.bits && k.bits.length);
    this.keySize.disabled = !idle || !sized || Boolean(fixedKey);
    this.keySize.hidden = !sized || Boolean(fixedKey);
    if (this._state.suiteOrder) this.suiteOrder.value = this._state.suiteOrder;
    this.suiteOrder.disabled = !idle || Boolean(fixedKey);
    // (Written only when it changed: this runs on every render of the page.)
    const hint = hintFor(m, keyType, fixedKey);
    if (this.hint.textContent !== hint) this.hint.textContent = hint;
    // A control disabled while the engine works gives focus back once it is done.
    if (focused && focused.disabled) this._restore = focused;
    else if (this._restore && !this._restore.disabled) {
      if (document.activeElement === document.body || !document.activeElement) this._restore.focus();
      this._restore = null;
    }
  }
}

/** choicesKey says what build() draws from the catalogue: the same key, the same form. */
function choicesKey() {
  return JSON.stringify([MODES.map((m) => [m.id, m.label, m.sub, m.note]), GROUPS, KEY_TYPES, keySizes, SUITE_ORDERS]);
}

function hintFor(m, keyType, fixedKey) {
  const key = fixedKey ? 'its own' : `its ${KEY_TYPES[keyType]}`;
  const elsewhere = fixedKey
    ? ' The server at the URL has its own key and certificate (step 2 shows them): the key choice applies to a server in this page.'
    : '';
  return `${(m.keyHint || '').replaceAll('{key}', key)}${elsewhere}`;
}

customElements.define('tls-mode-switch', ModeSwitch);
