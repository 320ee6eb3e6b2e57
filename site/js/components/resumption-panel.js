// <tls-resumption> shows a second connection beside the first: the same
// client resuming with the ticket the server sent (TLS 1.3: NewSessionTicket
// and a PSK, RFC 8446 Sections 2.2 and 4.6.1; TLS 1.2: a session ticket,
// RFC 5077, or a session ID), what it skipped, how many round trips each
// took, the forward secrecy of each; a 0-RTT request (RFC 8446, Section
// 2.3) and its replay by an attacker, accepted twice by a server without
// anti-replay (Section 8); and Eve, who recorded both, once the server's
// ticket key leaks.
//
// Property: state (lab.view()): uses ready, busy, resumption =
//   {result: {first, second, resumption}, replays: [ReplayResult], eve, opts: {pskOnly, earlyData, antiReplay}}.
// Events: tls-attack {action: 'resume-run', mode ('tls13' | 'ecdhe' | 'classic'), pskOnly, earlyData, antiReplay}
//   | {action: 'resume-replay'} | {action: 'resume-eve'}.

import { h, fill, emit, classes } from '../dom.js';
import { formatHex } from '../hex.js';
import { renderEvent } from './step-panel.js';
import { linkTerms } from './glossary.js';
import { LabPanel } from './lab-panel.js';

const DEFAULT_REQUEST = 'POST /transfer?to=bob&amount=100';

/** tls13 reports whether the page's mode resumes in TLS 1.3. */
const tls13 = (mode) => mode === 'tls13';

export class ResumptionPanel extends LabPanel {
  changed(v, prev) {
    const r = v.resumption || {};
    const p = prev.resumption || {};
    if (r.result !== p.result || r.replays !== p.replays || r.eve !== p.eve) this.renderBody();
    const idle = v.ready && !v.busy;
    this.runButton.disabled = !idle;
    const is13 = tls13(this.version.value);
    for (const el of [this.modes, this.earlyRow]) el.hidden = !is13;
    const res = r.result && r.result.resumption;
    this.replayButton.disabled = !idle || !(res && res.earlyData && res.earlyData.offered);
    this.eveButton.disabled = !idle || !r.result;
  }

  build() {
    const opts = (this._state.resumption || {}).opts || {};
    this.version = h('select', { 'data-testid': 'resume-version', 'aria-label': 'Version of both connections' },
      h('option', { value: 'tls13', selected: (opts.mode || 'tls13') === 'tls13' }, 'TLS 1.3 (a PSK from a NewSessionTicket)'),
      h('option', { value: 'ecdhe', selected: opts.mode === 'ecdhe' }, 'TLS 1.2 ECDHE (a session ticket, RFC 5077)'),
      h('option', { value: 'classic', selected: opts.mode === 'classic' }, 'TLS 1.2 RSA key transport (a session ticket)'));
    this.version.addEventListener('change', () => { this.state = this._state; });
    const kx = this.id('resume-kx');
    this.dhe = h('input', { type: 'radio', name: kx, value: 'psk_dhe_ke', 'data-testid': 'resume-dhe', checked: !opts.pskOnly });
    this.ke = h('input', { type: 'radio', name: kx, value: 'psk_ke', 'data-testid': 'resume-psk-only', checked: Boolean(opts.pskOnly) });
    this.modes = h('fieldset', { class: 'resume-modes' },
      h('legend', null, 'Key exchange of the second connection (psk_key_exchange_modes)'),
      h('label', null, this.dhe, ' psk_dhe_ke: the ticket’s PSK and a fresh (EC)DHE exchange'),
      h('label', null, this.ke, ' psk_ke: the PSK alone, no key share (not forward secret)'));
    this.early = h('input', { type: 'checkbox', 'data-testid': 'resume-early', checked: opts.earlyData !== '' });
    this.request = h('input', { type: 'text', class: 'resume-request', 'data-testid': 'resume-request', value: opts.earlyData || DEFAULT_REQUEST,
      'aria-label': 'The 0-RTT request', maxlength: 200, spellcheck: 'false' });
    this.anti = h('input', { type: 'checkbox', 'data-testid': 'resume-anti-replay', checked: opts.antiReplay !== false });
    this.earlyRow = h('div', { class: 'resume-early' },
      h('label', null, this.early, ' Send a request as 0-RTT early data, right behind the ClientHello:'), ' ', this.request,
      h('label', null, this.anti, ' The server records each ClientHello (anti-replay, RFC 8446 §8.2)'));
    this.runButton = h('button', { type: 'button', 'data-testid': 'resume-run' }, 'Connect, then resume');
    this.runButton.addEventListener('click', () => emit(this, 'tls-attack', {
      action: 'resume-run', mode: this.version.value, pskOnly: this.ke.checked, earlyData: this.early.checked ? this.request.value : '', antiReplay: this.anti.checked,
    }));
    this.replayButton = h('button', { type: 'button', 'data-testid': 'resume-replay' }, 'Replay the 0-RTT request');
    this.replayButton.addEventListener('click', () => emit(this, 'tls-attack', { action: 'resume-replay' }));
    this.eveButton = h('button', { type: 'button', 'data-testid': 'resume-eve' }, 'The ticket key leaks');
    this.eveButton.addEventListener('click', () => emit(this, 'tls-attack', { action: 'resume-eve' }));
    this.body = h('div', { class: 'resumption-body', 'aria-live': 'polite' });
    fill(this, h('article', { class: 'attack resumption', 'aria-labelledby': this.id('resumption-title') },
      h('header', null,
        h('h3', { id: this.id('resumption-title'), tabindex: -1 }, 'Resumption and 0-RTT: the second connection'),
        h('p', { class: 'explanation' }, linkTerms(
          'A browser that comes back to a site does not start from nothing. After the handshake the server sent a ticket: its own record of the session, encrypted under a ticket key only the server holds (RFC 8446, Section 4.6.1; RFC 5077 in TLS 1.2). The client keeps it with the secret that goes with it, and offers it in its next ClientHello. The server opens the ticket, checks the client holds the secret (the PSK binder), and skips the certificate: the first handshake already checked it.')),
        h('p', { class: 'explanation' }, linkTerms(
          'The price: the ticket key is a long-lived secret, and what it protects is only as safe as that key. With psk_ke and with 0-RTT data nothing fresh is mixed in: a recording plus a later leak of the ticket key decrypts them (RFC 8446, Sections 2.2, 2.3 and E.5). And 0-RTT data can be replayed: an attacker sends the recorded first flight again, and a server that does not remember it serves the request twice (Section 8).'))),
      h('div', { class: 'resume-controls' }, h('label', null, 'Connections: ', this.version), this.modes, this.earlyRow, h('div', { class: 'actions' }, this.runButton)),
      this.body,
      h('div', { class: 'actions' }, this.replayButton, this.eveButton)));
  }

  renderBody() {
    const r = this._state.resumption || {};
    const out = r.result;
    if (!out) {
      fill(this.body, h('p', { class: 'explanation' }, 'Connecting, then resuming…'));
      return;
    }
    const res = out.resumption;
    const is13 = out.second && out.second.version === 'TLS 1.3';
    const second = res.resumed ? `Second connection: resumed (${res.mode})` : 'Second connection: the ticket was refused, a full handshake';
    fill(this.body,
      h('div', { class: 'two-sessions resume-pair' },
        connection(out.first, 'First connection: a full handshake', 'resume-first', res.first, []),
        connection(out.second, second, 'resume-second', res.second, res.skipped)),
      summary(res),
      is13 ? earlyData(res, r.replays || []) : null,
      leaks(res),
      eve(r.eve));
  }
}

/** connection shows one connection's messages, the skipped ones greyed. */
function connection(session, title, testid, info, skipped) {
  const msgs = (session && session.messages) || [];
  const firstServer = msgs.findIndex((m) => m.from === 'server');
  // Application data the client sends before any answer is 0-RTT early data.
  const early = (m, i) => m.from === 'client' && m.name === 'ApplicationData' && firstServer >= 0 && i < firstServer;
  const items = msgs.map((m, i) => h('li', { class: classes('resume-msg', m.from, m.encrypted && 'encrypted', early(m, i) && 'early') },
    h('span', { class: 'from' }, m.from === 'client' ? 'Client → ' : '← Server '), m.name,
    h('span', { class: 'note' }, early(m, i) ? ' (0-RTT early data, encrypted)' : m.encrypted ? ' (encrypted)' : '')));
  for (const name of skipped || []) {
    items.push(h('li', { class: 'resume-msg skipped', 'data-testid': 'resume-skipped' }, h('span', { class: 'from' }, 'skipped: '), h('s', null, name)));
  }
  const fs = info ? info.forwardSecrecy : session && session.forwardSecrecy;
  const note = info ? info.forwardSecrecyNote : session && session.forwardSecrecyNote;
  const rt = info ? info.roundTrips : session && session.roundTrips;
  return h('section', { class: 'mitm-session resume-connection', 'data-testid': testid },
    h('h5', null, title),
    session && session.error ? h('p', { class: 'session-error' }, `Failed: ${session.error.message}`) : null,
    h('dl', { class: 'resume-facts' },
      h('dt', null, 'Round trips before the server reads the request'), h('dd', { 'data-testid': `${testid}-rtt` }, rt === 0 ? '0 (0-RTT)' : String(rt ?? '')),
      h('dt', null, 'Key exchange'), h('dd', null, info ? info.keyExchange : (session && session.group) || 'RSA key transport'),
      h('dt', null, 'Forward secrecy'), h('dd', { 'data-testid': `${testid}-fs`, 'data-fs': String(Boolean(fs)) }, note || (fs ? 'yes' : 'no'))),
    h('ol', { class: 'resume-messages', 'aria-label': `${title}: the messages` }, items));
}

function summary(res) {
  const ticket = res.ticket || '';
  return h('p', { class: 'explanation', 'data-testid': 'resume-summary' },
    res.resumed
      ? `The server took what the client offered and skipped ${res.skipped.join(', ')}: the first handshake already checked the certificate. `
      : 'The server could not use what the client offered, so it ran a full handshake, certificate and all. ',
    ticket ? ['The ticket (', h('code', { class: 'bytes' }, formatHex(ticket.slice(0, 48), { perLine: 0 }), '…', `, ${ticket.length / 2} bytes`),
      ') crossed the wire in the clear: an eavesdropper can link the two connections by it.'] : null,
    res.ticketIssuedOnRequest ? ' (The first connection did not ask for a ticket, so the server sent one when you resumed: RFC 8446, Section 4.6.1 lets it send one any time after the handshake.)' : '');
}

/** earlyData shows the 0-RTT request and what its replays did. */
function earlyData(res, replays) {
  const ed = res.earlyData;
  if (!ed.offered) {
    return h('p', { class: 'explanation resume-early-result' }, 'No 0-RTT request was sent: tick “Send a request as 0-RTT early data” and resume again.');
  }
  return h('section', { class: 'resume-early-result', 'data-testid': 'resume-early-result' },
    h('h4', null, '0-RTT: the request that travels with the ClientHello'),
    h('p', { 'data-testid': 'resume-early-verdict', 'data-accepted': String(ed.accepted) },
      ed.accepted
        ? [h('strong', null, 'Accepted. '), `The server’s application read “${ed.data}” before the handshake was over: zero round trips.`]
        : [h('strong', null, 'Refused. '), 'The server left early_data out of EncryptedExtensions and skipped the record; the client must send it again after the handshake.']),
    h('p', { class: 'explanation' }, res.antiReplay
      ? 'Anti-replay is on: the server records each ClientHello whose early data it took (RFC 8446, Section 8.2).'
      : 'Anti-replay is off: this server takes any copy of a ClientHello with a valid ticket.'),
    replays.length ? h('ol', { class: 'resume-replays', 'aria-label': 'Replays of the recorded first flight' }, replays.map((r) => h('li', {
      class: classes('resume-replay', r.accepted ? 'accepted' : 'refused'), 'data-testid': 'replay-verdict', 'data-accepted': String(r.accepted),
    }, h('strong', null, `Replay ${r.attempt}: `), r.verdict,
    h('details', null, h('summary', null, 'What the server did'), h('ol', { class: 'events' }, (r.events || []).map(renderEvent)))))) : null,
    h('p', { class: 'explanation', 'data-testid': 'resume-replay-count' },
      `Replays so far: ${ed.replays} — accepted ${ed.replaysAccepted}, refused ${ed.replaysRefused}.`));
}

/** leaks says which secrets survive a leak of the ticket key. */
function leaks(res) {
  const items = res.ifTicketKeyLeaks || [];
  if (!items.length) return null;
  return h('section', { class: 'resume-leaks' },
    h('h4', null, 'If the server’s ticket key leaks later'),
    h('ul', null, items.map((it) => h('li', { class: classes('leak', it.safe ? 'safe' : 'exposed'), 'data-safe': String(it.safe) },
      h('strong', null, `${it.what}: ${it.safe ? 'still secret' : 'exposed'}. `), it.why))));
}

/** eve shows Eve's attempt with the leaked ticket key. */
function eve(result) {
  if (!result) return null;
  const parts = [];
  const one = (label, r) => r && h('section', { class: 'eve-ticket', 'data-ok': String(Boolean(r.ok)) },
    h('h5', null, label),
    h('ol', { class: 'events' }, (r.steps || []).map(renderEvent)),
    (r.plaintexts || []).length ? h('ul', { class: 'eve-plaintexts' }, r.plaintexts.map((p) => h('li', null, h('strong', null, `${p.type} from the ${p.from}: `), h('code', null, p.text)))) : null,
    h('p', { 'data-testid': 'resume-eve-verdict' }, h('strong', null, r.ok ? 'Decrypted: ' : 'Not decrypted: '), r.verdict));
  if (result.first && result.second) {
    parts.push(one('The first connection', result.first), one('The resumed connection', result.second));
  } else {
    parts.push(h('ol', { class: 'events' }, (result.steps || []).map(renderEvent)),
      h('p', { 'data-testid': 'resume-eve-verdict' }, result.verdict || ''));
  }
  return h('section', { class: 'resume-eve', 'data-testid': 'resume-eve-result' },
    h('h4', null, h('span', { class: 'actor eve' }, 'Eve'), ' recorded both connections; now the ticket key leaks'),
    parts);
}

customElements.define('tls-resumption', ResumptionPanel);
