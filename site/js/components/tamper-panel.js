// <tls-tamper> lets the learner change any byte on the wire: pick a record
// of the session on screen, click a byte, choose its new value; the page
// runs the same handshake again from the same seed with that one byte
// changed before its receiver sees it, and shows which check stopped it and
// that no plaintext was released.
// <tls-bleichenbacher> changes a byte of the ClientKeyExchange for two
// classic servers side by side: the real one (RFC 5246's countermeasure)
// and a deliberately leaky padding oracle.
//
// Property: state (lab.view()): uses ready, busy, local, session, exchanges,
//   tamper = {base, ems, custom, result}, bleich = {base, offset, real, leaky, change}.
// Events: tls-attack {action: 'tamper-run', record, offset, value}
//   | {action: 'tamper-preset', id} | {action: 'tamper-ems', ems}
//   | {action: 'bleichenbacher-run', offset, value}.

import { h, fill, emit, classes } from '../dom.js';
import { byteHex, byteAt, parseByte } from '../hex.js';
import { renderEvent } from './step-panel.js';
import { recordName, refusal, isEncrypted, fatalRecord } from './wire.js';
import { recordAnalysis, cachedAnalysis, pathAt } from '../analysis.js';
import { LabPanel } from './lab-panel.js';
import { presetsFor, presetRecords } from '../tamper-presets.js';

/** sessionKey identifies a session's bytes: the same key, the same records. */
function sessionKey(s) {
  if (!s) return '';
  const recs = s.records || [];
  return `${s.seed}|${s.mode}|${s.ems}|${recs.length}|${recs.map((r) => r.hex.length).join(',')}|${(recs[0] || {}).hex || ''}`;
}

/** byteInput makes the "new value" field: two hex digits. */
function byteInput(id, testid) {
  return h('input', {
    type: 'text', id, class: 'byte-value', maxlength: 4, size: 4, autocomplete: 'off', spellcheck: 'false',
    inputmode: 'text', pattern: '(0x)?[0-9a-fA-F]{1,2}', 'aria-describedby': `${id}-hint`, 'data-testid': testid,
  });
}

export class TamperPanel extends LabPanel {
  constructor() {
    super();
    this.pick = { record: -1, offset: 0 };
    this.baseKey = '';
  }

  changed(v, prev) {
    const t = v.tamper || {};
    const key = sessionKey(t.base);
    if (key !== this.baseKey) {
      this.baseKey = key;
      this.pick = { record: -1, offset: 0 };
      this.renderBase();
    } else if (v.exchanges !== prev.exchanges) {
      this.renderPresets();
    }
    if (t.result !== (prev.tamper || {}).result) {
      if (t.result && sessionKey(t.result.base) === key) {
        this.pick = { record: t.result.change.record, offset: t.result.change.offset };
        this.renderPick();
        this.value.value = byteHex(t.result.change.to);
      }
      this.renderResult();
    }
    this.update();
  }

  build() {
    this.ems = h('input', { type: 'checkbox', id: this.id('tamper-ems'), checked: true, 'data-testid': 'tamper-ems' });
    this.ems.addEventListener('change', () => emit(this, 'tls-attack', { action: 'tamper-ems', ems: this.ems.checked }));
    this.emsRow = h('p', { class: 'check-row' }, h('label', null, this.ems,
      ' Extended master secret (RFC 7627). Without it, TLS 1.2 keys depend only on the randoms and the pre-master secret, so a change to another clear handshake byte is caught by Finished, not by the keys.'));
    this.presets = h('div', { class: 'presets', role: 'group', 'aria-label': 'Ready-made changes' });
    this.records = document.createElement('tls-wire');
    this.records.view = 'pick';
    this.records.addEventListener('tls-pick-record', (e) => {
      e.stopPropagation();
      this.pick = { record: e.detail.record, offset: 0 };
      this.value.value = this.defaultValue();
      this.renderPick();
      this.picker.querySelector('.byte-grid')?.focus();
    });
    this.picker = document.createElement('tls-byte-picker');
    this.picker.label = 'The bytes of the record';
    this.picker.addEventListener('tls-pick-byte', (e) => {
      e.stopPropagation();
      this.pick = { ...this.pick, offset: e.detail.offset };
      this.value.value = this.defaultValue();
      this.renderChange();
    });
    this.value = byteInput(this.id('tamper-value'), 'tamper-value');
    this.value.addEventListener('input', () => this.renderChange());
    this.runButton = h('button', { type: 'submit', class: 'primary', 'data-testid': 'tamper-run' }, 'Deliver it changed');
    this.change = h('p', { class: 'change-preview', id: `${this.id('tamper-value')}-hint` });
    this.form = h('form', { class: 'tamper-form' },
      h('label', { for: this.id('tamper-value') }, 'New value (hex)'), this.value, this.runButton, this.change);
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      const value = parseByte(this.value.value);
      if (this.pick.record < 0 || Number.isNaN(value)) return;
      emit(this, 'tls-attack', { action: 'tamper-run', record: this.pick.record, offset: this.pick.offset, value });
    });
    this.pickTitle = h('h5', { class: 'pick-title' });
    this.pickArea = h('div', { class: 'pick-area', hidden: true }, this.pickTitle, this.picker, this.form);
    this.notice = h('p', { class: 'notice', hidden: true });
    this.result = h('div', { class: 'tamper-outcome', 'aria-live': 'polite' });
    fill(this, h('article', { class: 'attack tamper', 'aria-labelledby': this.id('tamper-title') },
      h('header', null,
        h('h3', { id: this.id('tamper-title'), tabindex: -1 }, h('span', { class: 'actor mallory' }, 'Mallory'), ' changes one byte on the wire'),
        h('p', { class: 'explanation' },
          'Pick a record of the session on screen, click any byte, choose its new value. The page runs the same handshake again from the same seed — every byte identical — and changes yours just before its receiver reads it. The receiver names the check that stops it.')),
      this.notice,
      h('section', { class: 'attack-step' },
        h('h4', null, 'Try one of these'),
        this.emsRow,
        this.presets),
      h('section', { class: 'attack-step' },
        h('h4', null, 'Or pick a record, then a byte'),
        h('div', { class: 'tamper-layout' }, this.records, this.pickArea)),
      this.result,
      h('details', { class: 'what-trips' },
        h('summary', null, 'What each kind of change trips'),
        h('ul', null,
          h('li', null, h('strong', null, 'Any byte of an encrypted record'), ' → the AEAD tag check fails: ', h('code', null, 'bad_record_mac'), '. The receiver discards the record without decrypting a byte of it.'),
          h('li', null, h('strong', null, 'A clear handshake byte, in TLS 1.2 without the extended master secret'), ' → the keys still agree but the transcripts differ: the Finished check fails, ', h('code', null, 'decrypt_error'), '. With the extended master secret (and in TLS 1.3) the transcript is part of the keys, so the first encrypted record fails instead: ', h('code', null, 'bad_record_mac'), '.'),
          h('li', null, h('strong', null, 'A signature'), ' (ServerKeyExchange in TLS 1.2; CertificateVerify in TLS 1.3, where it is encrypted and the AEAD tag catches the change first) → ', h('code', null, 'decrypt_error'), '.'),
          h('li', null, h('strong', null, 'The certificate’s signature'), ' → crypto/x509 finds no trusted key that verifies it; the client sends ', h('code', null, 'bad_certificate'), ', as crypto/tls does.'),
          h('li', null, h('strong', null, 'A length'), ' → the fields no longer add up: ', h('code', null, 'decode_error'), '; or, when a length grows, the receiver waits for bytes that never come.'),
          h('li', null, h('strong', null, 'The legacy version of a hello’s record header'), ' → nothing: those two bytes are read before any version is agreed and no check covers them (RFC 5246, Appendix E.1).')))));
  }

  update() {
    const { ready, busy, local } = this._state;
    const idle = ready && !busy && local !== false;
    this.runButton.disabled = !idle || this.pick.record < 0 || Number.isNaN(parseByte(this.value.value));
    for (const b of this.presets.querySelectorAll('button')) b.disabled = !idle;
    this.ems.disabled = !idle;
    this.notice.hidden = local !== false;
    this.notice.textContent = 'Tampering runs the session of the engine in this page again. Choose “Server: in one engine” above.';
  }

  base() { return (this._state.tamper || {}).base; }

  renderBase() {
    const base = this.base();
    const t = this._state.tamper || {};
    this.emsRow.hidden = !base || base.version !== 'TLS 1.2';
    this.ems.checked = t.ems !== false;
    this.records.session = base;
    this.records.selected = -1;
    this.pickArea.hidden = true;
    this.renderPresets();
    if (!base) return;
    // The presets find their bytes in the analyzer's trees: ask for them, list the presets again.
    const key = this.baseKey;
    Promise.allSettled(presetRecords(base).map((i) => recordAnalysis(base, i))).then(() => {
      if (this.baseKey !== key) return;
      this.renderPresets();
      const pending = this.pending;
      this.pending = null;
      if (pending && presetsFor(base, { onScreen: false }).some((p) => p.id === pending)) {
        emit(this, 'tls-attack', { action: 'tamper-preset', id: pending });
      }
    });
  }

  renderPresets() {
    const base = this.base();
    const t = this._state.tamper || {};
    const list = presetsFor(base, { exchanges: t.custom ? [] : this._state.exchanges || [], onScreen: !t.custom });
    fill(this.presets, ...list.map((p) => {
      const b = h('button', { type: 'button', class: 'preset', 'data-preset': p.id, 'data-testid': `tamper-preset-${p.id}` }, p.label);
      b.addEventListener('click', () => {
        if (p.ems === false && (this._state.tamper || {}).ems !== false) {
          // First the same handshake without the extended master secret; the
          // change is made once its ClientHello has been analysed (renderBase).
          this.pending = p.id;
          emit(this, 'tls-attack', { action: 'tamper-ems', ems: false });
          return;
        }
        emit(this, 'tls-attack', { action: 'tamper-preset', id: p.id });
      });
      return b;
    }));
    this.update();
  }

  defaultValue() {
    const base = this.base();
    if (!base || this.pick.record < 0) return '';
    return byteHex(byteAt(base.records[this.pick.record].hex, this.pick.offset) ^ 0x01);
  }

  renderPick() {
    const base = this.base();
    const { record, offset } = this.pick;
    this.records.selected = record;
    this.pickArea.hidden = record < 0 || !base;
    if (record < 0 || !base) return;
    const r = base.records[record];
    this.pickTitle.textContent = `Record #${record + 1}: ${recordName(base, record)}, from the ${r.from}${isEncrypted(base, record) ? ' (encrypted)' : ''}`;
    this.picker.hex = r.hex;
    this.picker.selected = offset;
    recordAnalysis(base, record).then((a) => {
      if (this.base() === base && this.pick.record === record) this.picker.tree = a.tree.wire;
    }, () => {});
    this.renderChange();
  }

  renderChange() {
    const base = this.base();
    const { record, offset } = this.pick;
    if (!base || record < 0) return;
    const from = byteAt(base.records[record].hex, offset);
    const to = parseByte(this.value.value);
    fill(this.change, Number.isNaN(to)
      ? 'Type a byte in hex: 00 to ff.'
      : ['Byte ', String(offset), ' of record #', String(record + 1), ': ', h('code', null, byteHex(from)), ' → ', h('code', null, byteHex(to)),
        to === from ? ' (unchanged: the handshake will simply succeed)' : '']);
    this.update();
  }

  renderResult() {
    const t = this._state.tamper || {};
    const r = t.result;
    if (!r) { fill(this.result); return; }
    this.dataset.runs = String(Number(this.dataset.runs || 0) + 1); // for scripts: a new result is shown
    const { session, change, replay } = r;
    const e = session.error;
    // The legacy version of a hello's record header (the analyzer's record.version of record #1 or #2).
    const before = cachedAnalysis(r.base || this.base(), change.record);
    const legacy = !e && change.record <= 1 && Boolean(before) && pathAt(before.tree.wire, change.offset).some((f) => f.kind === 'record.version');
    const wire = document.createElement('tls-wire');
    wire.view = 'plain';
    wire.mark = change;
    wire.session = session;
    fill(this.result, h('section', {
      class: 'tamper-result', 'data-testid': 'tamper-result', 'data-alert': e ? e.alert : 'none', 'data-side': e ? e.side : '',
    },
    h('h4', null, 'What the receiver did'),
    h('p', null, 'You changed byte ', String(change.offset), ' of record #', String(change.record + 1), ` (${change.name}) from `,
      h('code', null, byteHex(change.from)), ' to ', h('code', null, byteHex(change.to)),
      `. The page ran the same handshake again from seed ${session.seed}: every byte before this one was identical.`),
    changedField(r.base || this.base(), change),
    e ? refusal(e, { change, testid: 'tamper-refusal' })
      : h('p', { class: 'verdict bad', 'data-testid': 'tamper-unnoticed' }, legacy
        ? 'Nobody noticed: these two bytes are the legacy version of a hello’s record header, read before any version is agreed and covered by no check (RFC 5246, Appendix E.1). Any other byte is caught.'
        : 'Nobody noticed this change.'),
    e ? released(session, change, replay) : null,
    wire,
    h('p', { class: 'explanation' }, t.custom
      ? 'This ran on the handshake without the extended master secret; the session above is unchanged.'
      : 'The session above is unchanged: the engine ran it again from its seed.')));
  }
}

/**
 * changedField names the field the changed byte belongs to, from the
 * analyzer's tree of the record as it was sent (filled in when it arrives).
 */
function changedField(base, change) {
  const p = h('p', { class: 'changed-field', 'data-testid': 'tamper-field' });
  if (!base) return p;
  recordAnalysis(base, change.record).then((a) => {
    const path = pathAt(a.tree.wire, change.offset).filter((f) => f.name);
    const f = path[path.length - 1];
    if (!f) return;
    p.dataset.kind = f.kind;
    fill(p, h('span', { class: 'label' }, 'The field: '),
      path.map((x, k) => [k ? ' › ' : '', h('span', { class: classes('field', x === f && 'inner') }, x.name)]),
      f.rfc ? [' (', f.rfc, ')'] : null,
      f.explain ? h('span', { class: 'explanation' }, ` — ${f.explain}`) : null);
  }, () => {});
  return p;
}

/**
 * stoppedAt is the record the refusing side was reading when it stopped:
 * the last record from the other side before its fatal alert (for a side
 * that waits, the changed record itself).
 */
export function stoppedAt(session, change) {
  const e = session.error;
  const fatal = fatalRecord(session);
  if (!e || !e.alert || fatal < 0) return change.record;
  const recs = session.records || [];
  for (let i = fatal - 1; i >= 0; i--) {
    if (recs[i].from !== e.side) return i;
  }
  return change.record;
}

/** released says what the receiver let through: nothing from the changed record, and where it stopped. */
function released(session, change, replay = []) {
  const side = session.error.side;
  const to = (from) => (from === 'client' ? 'server' : 'client');
  const at = stoppedAt(session, change);
  const where = `record #${at + 1} (${recordName(session, at)})`;
  let stopped;
  if (!session.error.alert) {
    stopped = `No plaintext was released: the ${side} holds the bytes and processes none of them.`;
  } else if (at === change.record) {
    stopped = `No plaintext was released: the ${side} stopped at the changed record, ${where}.`;
  } else {
    const n = at - change.record;
    stopped = `No plaintext was released: the ${side} stopped at ${where}, ${n} ${n === 1 ? 'record' : 'records'} after the changed one (#${change.record + 1}): the change went unnoticed until a check covered it.`;
  }
  return h('div', { class: 'released', 'data-testid': 'tamper-released', 'data-stopped': String(at) },
    h('p', { class: 'check ok' }, h('span', { class: 'mark', 'aria-hidden': 'true' }, '✓'), ' ', stopped),
    replay.length ? h('ul', { class: 'replay' }, replay.map((x) => h('li', null,
      `The ${x.from} sent “${x.text}” again: the ${to(x.from)}’s application received `,
      x.decrypted === null
        ? h('strong', { 'data-testid': 'tamper-nothing' }, 'nothing — the record was refused')
        : h('q', null, x.decrypted)))) : null);
}

customElements.define('tls-tamper', TamperPanel);

// ---- Bleichenbacher --------------------------------------------------------------------

export class BleichenbacherPanel extends LabPanel {
  changed(v, prev) {
    const b = v.bleich || {};
    const p = prev.bleich || {};
    if (b.base !== p.base || b.offset !== p.offset) this.renderPicker();
    if (b.real !== p.real || b.leaky !== p.leaky) this.renderResult();
    this.runButton.disabled = !v.ready || v.busy || Number.isNaN(parseByte(this.value.value));
  }

  build() {
    this.picker = document.createElement('tls-byte-picker');
    this.picker.label = 'The bytes of the ClientKeyExchange record';
    this.offset = -1;
    this.picker.addEventListener('tls-pick-byte', (e) => {
      e.stopPropagation();
      this.offset = e.detail.offset;
      this.value.value = byteHex(byteAt(this.cke(), this.offset) ^ 0x01);
    });
    this.value = byteInput(this.id('bleich-value'), 'bleich-value');
    this.value.addEventListener('input', () => { this.runButton.disabled = Number.isNaN(parseByte(this.value.value)); });
    this.runButton = h('button', { type: 'submit', class: 'primary', 'data-testid': 'bleichenbacher-run' }, 'Send it to both servers');
    this.form = h('form', { class: 'tamper-form' },
      h('label', { for: this.id('bleich-value') }, 'New value (hex)'), this.value, this.runButton,
      h('p', { class: 'explanation', id: `${this.id('bleich-value')}-hint` }, 'Both servers receive the same changed ClientKeyExchange; everything else is identical.'));
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      const value = parseByte(this.value.value);
      if (!Number.isNaN(value)) emit(this, 'tls-attack', { action: 'bleichenbacher-run', offset: this.offset, value });
    });
    this.pickTitle = h('h5', { class: 'pick-title' });
    this.baseNote = h('p', { class: 'explanation' });
    this.result = h('div', { class: 'bleich-outcome', 'aria-live': 'polite' });
    fill(this, h('article', { class: 'attack bleichenbacher', 'aria-labelledby': this.id('bleich-title') },
      h('header', null,
        h('h3', { id: this.id('bleich-title'), tabindex: -1 }, 'Bleichenbacher: the padding oracle that retired RSA key transport'),
        h('p', { class: 'explanation' },
          'In the classic handshake the client encrypts the 48-byte pre-master secret with RSA PKCS#1 v1.5: the block is 00 02, random non-zero padding, 00, then the secret. In 1998 Daniel Bleichenbacher showed that a server which reveals whether a ciphertext’s padding is correct is an oracle: by sending about a million modified copies of a recorded ClientKeyExchange and watching the answers, an attacker decrypts it — and with it the recorded session — without ever holding the private key.')),
      h('section', { class: 'attack-step' },
        h('h4', null, 'Change a byte of the encrypted pre-master secret'),
        this.pickTitle, this.baseNote, this.picker, this.form),
      this.result,
      h('section', { class: 'attack-step why-retired' },
        h('h4', null, 'Why this retired RSA key transport'),
        h('p', null,
          'The countermeasure only works if the server is perfectly silent about the padding: the same alert, at the same moment, after the same amount of work, whatever went wrong. Every difference — an error code, an extra check of the version bytes, a few microseconds — is an oracle again. Implementations kept getting it slightly wrong: Klíma, Pokorný and Rosa used the version check in 2003; DROWN (2016) used SSLv2 servers sharing the key; ROBOT (2017) found the original oracle in products of F5, Citrix, Cisco and others, on some of the largest sites; the Marvin attack (2023) showed timing differences in many libraries.'),
        h('p', null,
          'TLS 1.3 (RFC 8446) removed RSA key transport altogether. The client no longer encrypts anything with the server’s key: the secret comes from an ephemeral key exchange, and the certificate’s key only signs, with RSA-PSS. That removed the decryption oracle from TLS 1.3 itself and gave every connection forward secrecy (see Eve). It did not take the attack off the key: RSA decryption and RSA signing are the same operation, so an oracle on a TLS 1.2 server that shares the certificate’s key also lets an attacker sign with it — slowly, but a forged TLS 1.3 CertificateVerify included (a cross-protocol attack, RFC 8446 §E.8). ROBOT (2017) found such oracles in many products 19 years after Bleichenbacher; the cure is to turn RSA key transport off wherever the key is used.'))));
  }

  cke() {
    const { base, change } = this._state.bleich || {};
    return base && change ? base.records[change.record].hex : '';
  }

  renderPicker() {
    const { base, offset, change } = this._state.bleich || {};
    if (!base || !change) {
      this.pickTitle.textContent = 'Preparing a classic handshake…';
      return;
    }
    this.pickTitle.textContent = `Record #${change.record + 1}: ClientKeyExchange, from the client`;
    const onScreen = this._state.session && this._state.local && this._state.session.seed === base.seed && this._state.session.mode === 'classic';
    this.baseNote.textContent = onScreen
      ? 'This is the ClientKeyExchange of the session on screen; both servers get it with one byte changed.'
      : `Only the classic handshake has a ClientKeyExchange: this is a classic handshake run ${this._state.local && this._state.session ? 'from the seed of the session on screen' : 'for this demonstration'}; the session above is not touched.`;
    this.picker.hex = this.cke();
    recordAnalysis(base, change.record).then((a) => {
      if ((this._state.bleich || {}).base === base) this.picker.tree = a.tree.wire;
    }, () => {});
    this.offset = offset;
    this.picker.selected = offset;
    this.value.value = byteHex(change.to);
  }

  renderResult() {
    const { real, leaky, change } = this._state.bleich || {};
    if (!real || !leaky) { fill(this.result); return; }
    // What the server did from the moment the ClientKeyExchange reached it.
    const serverEvents = (s) => {
      const cke = (s.messages || []).find((m) => m.name === 'ClientKeyExchange');
      return (s.steps || []).flatMap((st) => st.events || [])
        .filter((ev) => ev.actor === 'server' && cke && ev.step >= cke.step);
    };
    const column = (title, badge, s, testid, text) => h('section', { class: classes('oracle-column', testid), 'data-testid': testid },
      h('h5', null, title, badge),
      refusal(s.error, { testid: `${testid}-refusal` }),
      h('p', null, text),
      h('ol', { class: 'events' }, serverEvents(s).map(renderEvent)));
    fill(this.result, h('section', { class: 'attack-step', 'data-testid': 'bleichenbacher-result' },
      h('h4', null, `Byte ${change.offset} of the ClientKeyExchange: `, h('code', null, byteHex(change.from)), ' → ', h('code', null, byteHex(change.to))),
      h('div', { class: 'two-sessions' },
        column('The real server', h('span', { class: 'badge ok' }, 'RFC 5246 countermeasure'), real, 'bleich-real',
          'A bad padding is not reported. The server replaces the pre-master secret with 48 random bytes and carries on, derives keys the client does not share, and fails only when the client’s Finished does not decrypt: bad_record_mac, exactly as for any other wrong key. The attacker learns nothing about the padding.'),
        column('A padding oracle', h('span', { class: 'badge danger' }, 'deliberately leaky — for this demonstration only'), leaky, 'bleich-leaky',
          'This server checks the padding first and answers a bad one with an alert of its own, before any key is derived. That difference is one bit of information per connection: enough, a million connections later, to decrypt a recorded ClientKeyExchange.'))));
  }
}

customElements.define('tls-bleichenbacher', BleichenbacherPanel);
