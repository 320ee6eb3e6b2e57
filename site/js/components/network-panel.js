// <tls-network> is the Network panel: when the server answers over HTTP (in
// this page or at a URL), one row per HTTP exchange, each with the TLS flight
// it carried and the server's answer, the status and the round-trip time;
// a row opens to the request's and the response's headers, bodies and token.
// It explains the stateless server (no connection kept between requests, its
// state sealed into a token that comes back with the next flight) and offers two
// probes that show what the server does with a tampered or replayed request.
// With both ends in one engine there is no HTTP: it says so.
//
// Property: state = {server: 'local'|'page'|'url', base, exchanges (network.js
//           Exchange[]), timing, busy, closed, failed}.
// Events: tls-command {command: 'probe', value: 'tamper'|'replay'}.

import { h, emit, classes } from '../dom.js';
import { hexBlock } from './values.js';
import { formatByteCount } from '../hex.js';

let instances = 0;

/** ms formats a duration: "4.1 ms", "12 ms", "1.25 s". */
export function formatMs(ms) {
  if (typeof ms !== 'number' || Number.isNaN(ms)) return '—';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return ms >= 10 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`;
}

/** flightNames names the messages of a flight: "ClientHello", "ServerHello … Finished (6 messages)". */
export function flightNames(records) {
  const names = (records || []).flatMap((r) => r.names);
  if (names.length === 0) return '';
  if (names.length <= 3) return names.join(', ');
  return `${names[0]} … ${names[names.length - 1]} (${names.length} messages)`;
}

/** STATUS names the HTTP statuses the server answers with. */
const STATUS = {
  200: 'OK', 204: 'No Content', 400: 'Bad Request', 404: 'Not Found', 405: 'Method Not Allowed',
  409: 'Conflict', 410: 'Gone', 413: 'Content Too Large', 415: 'Unsupported Media Type',
  422: 'Unprocessable Content', 500: 'Internal Server Error',
};

/** totals sums the round trips of each phase: {handshake: {n, ms}, data: {n, ms}, close: {n, ms}}. */
export function totals(exchanges) {
  const out = { handshake: { n: 0, ms: 0 }, data: { n: 0, ms: 0 }, close: { n: 0, ms: 0 } };
  for (const ex of exchanges || []) {
    if (!out[ex.phase]) continue;
    out[ex.phase].n++;
    out[ex.phase].ms += ex.ms;
  }
  return out;
}

export class NetworkPanel extends HTMLElement {
  constructor() {
    super();
    this.uid = `network-${++instances}`;
    this._state = { server: 'local', base: '', exchanges: [], busy: false };
  }

  set state(v) {
    const prev = this._state;
    this._state = { ...prev, ...v };
    if (prev.exchanges !== this._state.exchanges || prev.server !== this._state.server || prev.base !== this._state.base) this.render();
    else this.update();
  }
  get state() { return this._state; }

  connectedCallback() { this.render(); }

  render() {
    if (!this.isConnected) return;
    const { server, base, exchanges } = this._state;
    const titleID = `${this.uid}-title`;
    this.setAttribute('data-testid', 'network');
    this.dataset.server = server;
    this.dataset.rows = String((exchanges || []).length);
    if (server === 'local') {
      this.replaceChildren(h('section', { class: 'network local', 'aria-labelledby': titleID },
        h('h2', { id: titleID }, 'Network'),
        h('p', { class: 'explanation' },
          'Both ends run in one engine: the records go from the client to the server as bytes in memory, with no HTTP. ',
          'Choose “In this page, over HTTP” or “At a URL” under Server to carry every flight as a real HTTP request and see each one here.')));
      this.probes = null;
      return;
    }
    const where = server === 'page'
      ? 'The in-page server: the server module (./wasm/server), one Go instance that answers every request, a real Request with a real Response, inside this tab. Nothing goes over the network.'
      : `The server at ${base}: every flight is a fetch() over the network, so the times below include the network.`;

    this.totalsLine = h('p', { class: 'network-totals', 'data-testid': 'network-totals' });
    this.rows = h('ol', { class: 'http-exchanges', 'aria-label': 'HTTP exchanges of this connection' },
      (exchanges || []).map((ex) => renderExchange(ex)));
    this.probes = {
      tamper: h('button', { type: 'button', 'data-testid': 'probe-tamper' }, 'Resend the last flight with a tampered token'),
      replay: h('button', { type: 'button', 'data-testid': 'probe-replay' }, 'Replay the last flight'),
    };
    for (const [kind, b] of Object.entries(this.probes)) {
      b.addEventListener('click', () => emit(this, 'tls-command', { command: 'probe', value: kind }));
    }
    this.replaceChildren(h('section', { class: 'network', 'aria-labelledby': titleID },
      h('h2', { id: titleID }, 'Network'),
      h('p', { class: 'explanation' }, where, ' Open a row to see its headers, its bodies and the token.'),
      this.totalsLine,
      (exchanges || []).length
        ? this.rows
        : h('p', { class: 'explanation empty' }, 'No request yet.'),
      statelessExplanation(this.probes)));
    this.update();
  }

  update() {
    if (!this.probes) return;
    const { exchanges, busy, failed } = this._state;
    const hasToken = (exchanges || []).some((ex) => ex.kind === 'flight' && ex.request.token > 0);
    for (const b of Object.values(this.probes)) b.disabled = busy || !hasToken || failed;
    const t = totals(exchanges);
    const parts = [];
    if (t.handshake.n) {
      parts.push(`Handshake: ${t.handshake.n} HTTP round trip${t.handshake.n > 1 ? 's' : ''}, ${formatMs(t.handshake.ms)}` +
        (t.handshake.n > 1 ? ` (${formatMs(t.handshake.ms / t.handshake.n)} each)` : ''));
    }
    if (t.data.n) parts.push(`messages: ${t.data.n} round trip${t.data.n > 1 ? 's' : ''}, ${formatMs(t.data.ms / t.data.n)} each`);
    if (t.close.n) parts.push(`close: ${formatMs(t.close.ms)}`);
    this.totalsLine.textContent = parts.length ? `${parts.join('; ')}.` : '';
    this.totalsLine.hidden = !parts.length;
  }
}

/** renderExchange shows one HTTP exchange: a summary line that opens to its details. */
export function renderExchange(ex) {
  const res = ex.response;
  const status = res ? res.status : 0;
  const ok = status >= 200 && status < 300;
  const errorBody = res && res.json && res.json.error;
  const sentNames = flightNames(ex.sent);
  const gotNames = flightNames(ex.received);
  const what = ex.kind === 'info' ? 'the server’s name and certificates'
    : ex.kind === 'probe' ? (ex.probe === 'tamper' ? 'probe: the last flight, token tampered with' : 'probe: the last flight, replayed')
      : sentNames;
  let answer;
  if (!res) answer = h('span', { class: 'status fail' }, 'no answer');
  else if (errorBody) answer = [h('span', { class: 'status fail' }, String(status)), ' ', h('code', null, errorBody.code)];
  else if (ex.kind === 'info') answer = [h('span', { class: 'status ok' }, String(status)), ' JSON'];
  else {
    answer = [h('span', { class: classes('status', ok ? 'ok' : 'fail') }, String(status)), ' — ',
      gotNames || (ex.kind === 'probe' ? (ex.same ? 'the same answer as before' : `${formatByteCount(res.bytes)}`) : 'nothing (empty body)'),
      gotNames ? ` (${formatByteCount(res.bytes)})` : ''];
  }
  const summary = h('summary', null,
    h('span', { class: 'n' }, `#${ex.n}`),
    h('span', { class: 'req' },
      h('code', { class: 'method' }, ex.method), ' ', h('code', { class: 'path' }, ex.path.replace(/\?.*$/, '')),
      ex.request.token ? [' ', h('span', { class: 'token-badge', title: 'this request carries the token' }, 'token')] : null,
      what ? [' — ', h('span', { class: 'flight client' }, what)] : null,
      ex.request.bytes && ex.kind !== 'info' ? ` (${formatByteCount(ex.request.bytes)})` : ''),
    h('span', { class: 'arrow', 'aria-hidden': 'true' }, ' → '),
    h('span', { class: 'visually-hidden' }, ', answered: '),
    h('span', { class: 'res' }, answer),
    h('span', { class: 'ms', 'data-testid': 'exchange-ms' }, formatMs(ex.ms)));

  const headers = (list, { sent }) => h('table', { class: 'headers' },
    h('tbody', null, (list || []).map(([k, v]) => h('tr', null,
      h('th', { scope: 'row' }, h('code', null, k)),
      h('td', null, headerValue(k, v, { sent, tampered: ex.request.tampered }))))));

  const request = h('section', { class: 'request' },
    h('h4', null, 'Request'),
    h('p', { class: 'line' }, h('code', null, `${ex.method} ${ex.url}`)),
    headers(ex.request.headers, { sent: true }),
    ex.request.bytes
      ? [h('p', { class: 'label' }, 'Body: ', ex.kind === 'flight' || ex.kind === 'probe' ? 'the client’s TLS records' : ''),
        carried(ex.sent), hexBlock(ex.request.hex)]
      : h('p', { class: 'explanation' }, 'No body.'),
    ex.request.token
      ? h('p', { class: 'explanation' }, `The token (${ex.request.token} characters) is the server’s own state, sealed by the server that answered the previous request; the client cannot read it and sends it back as it was${ex.request.tampered ? ' — except here, where one character was changed' : ''}.`)
      : ex.kind === 'flight' ? h('p', { class: 'explanation' }, 'No token: this is a new connection.') : null);

  let response;
  if (!res) {
    response = h('section', { class: 'response' }, h('h4', null, 'Response'), h('p', { class: 'check fail' }, ex.error || 'no answer'));
  } else {
    response = h('section', { class: 'response' },
      h('h4', null, 'Response'),
      h('p', { class: 'line' }, h('code', null, `${status} ${res.statusText || STATUS[status] || ''}`.trim())),
      headers(res.headers, { sent: false }),
      ex.crossOrigin ? h('p', { class: 'explanation' },
        'Another origin: the browser shows this page only the headers the server exposes (CORS), and sent a preflight OPTIONS request before the first POST by itself, which no page can see.') : null,
      res.json
        ? [h('p', { class: 'label' }, 'Body (JSON)'), h('pre', { class: 'json bytes', tabindex: 0 }, JSON.stringify(res.json, null, 2))]
        : res.bytes
          ? [h('p', { class: 'label' }, 'Body: the server’s TLS records'), carried(ex.received), hexBlock(res.hex)]
          : h('p', { class: 'explanation' }, 'Empty body: the server had nothing to send back.',
            ex.phase === 'handshake' && (ex.sent || []).some((r) => r.names.includes('Finished'))
              ? ' A TLS 1.3 client may send its first data right behind its Finished, so a real handshake costs one round trip; the playground sends the Finished at once, so that the server’s side of step 6 is there before you send anything.'
              : ''),
      timingNote(ex));
  }
  return h('li', { class: classes('http-exchange', ex.kind, ok ? 'ok' : 'fail', ex.phase && `phase-${ex.phase}`), 'data-testid': 'http-exchange', 'data-status': String(status), 'data-kind': ex.kind },
    h('details', null, summary, h('div', { class: 'http-detail' }, request, response)));
}

/** carried lists the TLS messages a body holds, one record a line. */
function carried(records) {
  if (!records || !records.length) return null;
  return h('ul', { class: 'carried' }, records.map((r) => h('li', { class: classes('record', r.from) },
    r.names.join(' + ') || 'record', r.encrypted ? ' (encrypted)' : '', ` · record ${r.record + 1} · ${formatByteCount(r.bytes)}`)));
}

/** headerValue shows a header's value; the token and the trace are long, so they fold. */
function headerValue(name, value, { tampered }) {
  const n = name.toLowerCase();
  if (n === 'tls-playground-token') {
    const bytes = Math.floor((value.length * 3) / 4);
    return h('details', { class: 'token' },
      h('summary', null, h('code', null, `${value.slice(0, 16)}…`), ' ',
        h('span', { class: 'count' }, `${value.length} characters, ${formatByteCount(bytes)} sealed${tampered ? ' — tampered with' : ''}`)),
      h('pre', { class: 'bytes token-value' }, value),
      h('p', { class: 'explanation' },
        `Base64url of: a 12-byte nonce, the sealed state (AES-256-GCM: the mode, the server’s 32-byte random seed, every byte the client has sent, an expiry), and a 16-byte tag. ${bytes - 28} bytes of ciphertext.`));
  }
  if (n === 'tls-playground-trace' && value.length > 8) {
    return h('span', null, h('code', null, `${value.slice(0, 12)}…`), ' ',
      h('span', { class: 'count' }, `${value.length} characters: the server’s trace of this request (base64url JSON), merged into the steps above`));
  }
  return h('code', null, value);
}

function timingNote(ex) {
  const parts = [`Round trip: ${formatMs(ex.ms)}, from the request to the last byte of the answer.`];
  if (ex.serverMs) {
    const s = ex.serverMs;
    const started = s.instantiate || s.start
      ? `a new Go instance of the server (instantiate ${formatMs(s.instantiate)}, start ${formatMs(s.start)}), then it answered in ${formatMs(s.handle)}`
      : `the server's Go instance, already running, answered in ${formatMs(s.handle)}`;
    parts.push(` In this page: ${started}` +
      (ex.request.token ? ', rebuilding the connection from the token first (it redoes its side of the handshake, key exchange and signature included).' : '.'));
  }
  if (ex.kind === 'probe' && ex.probe === 'replay' && typeof ex.same === 'boolean') {
    parts.push(ex.same
      ? ' Byte for byte the answer the original request got: the server rebuilt the same state and did the same thing.'
      : ' A different answer than the original request got.');
  }
  if (ex.kind === 'probe') parts.push(' This answer was not given to the client: the connection is unchanged.');
  return h('p', { class: 'explanation timing' }, parts.join(''));
}

/** statelessExplanation explains the token, with the two probes. */
function statelessExplanation(probes) {
  return h('details', { class: 'stateless', open: true },
    h('summary', null, h('strong', null, 'A server that remembers nothing: the token')),
    h('p', null,
      'Every request runs a fresh server: a new Go instance here, a new invocation on Cloudflare Workers. Nothing of the connection survives in its memory. ',
      'Before answering, the server seals what it needs to go on — the mode, its random seed, every byte the client has sent so far, and an expiry — with AES-256-GCM under a key only the server holds, and sends the result in the ',
      h('code', null, 'Tls-Playground-Token'), ' header. ',
      'The client sends the token back with its next flight; that request’s fresh server opens it, replays the client’s bytes into a server seeded the same way, arrives at exactly the same state, and continues. ',
      'So the token grows with every flight (it carries all the client has said), and every request redoes the server’s side of the connection so far: memory traded for time.'),
    h('p', null,
      'TLS itself does this: a session ticket (RFC 8446, section 4.6.1) is the server’s session state, sealed under a key only the server knows and kept by the client, so that the server can resume a session it no longer remembers. ',
      'A QUIC Retry token (RFC 9000, section 8.1) lets a server check a client’s address without keeping any state for it.'),
    h('ul', { class: 'token-cases' },
      h('li', null, h('strong', null, 'Tampered or truncated: '), 'the AES-GCM tag does not verify, nothing is rebuilt: ', h('code', null, '400 bad_token'), '.'),
      h('li', null, h('strong', null, 'Sealed by another server '), '(another key): the same, ', h('code', null, '400 bad_token'), '.'),
      h('li', null, h('strong', null, 'Expired '), '(after 10 minutes): ', h('code', null, '410 expired_token'), '; the client must start a new connection.'),
      h('li', null, h('strong', null, 'Replayed: '),
        'the very same request gets the very same answer. A server that keeps no state cannot tell a replay from a retry — the reason TLS 1.3 warns that early data can be replayed (RFC 8446, section 8). ',
        'An old token with a new record fails: the rebuilt connection expects an earlier record number, the record’s authentication fails, and the server answers ',
        h('code', null, '422'), ' with a ', h('code', null, 'bad_record_mac'), ' alert.')),
    h('div', { class: 'probes', role: 'group', 'aria-label': 'Try it' },
      h('span', { class: 'label' }, 'Try it:'), probes.tamper, probes.replay),
    h('p', { class: 'explanation' }, 'A probe’s answer is shown below the connection’s rows but not given to the client: the connection goes on.'));
}

customElements.define('tls-network', NetworkPanel);
