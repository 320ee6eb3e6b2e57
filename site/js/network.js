// network.js is the page's network layer for a client whose server answers
// over HTTP. It runs in the engine worker, beside the Go client: Go speaks TLS
// (remoteStart, remoteDeliver, remoteSend, remoteClose hand over each flight
// as bytes), and this module carries every flight as a real HTTP request and
// records each exchange so that the page can show it.
//
// Two servers, one protocol (the routes are in the README):
//   url    a server at a URL the visitor names (scripts/serve's /tls/, a
//          Cloudflare Worker): the browser's fetch, over the network.
//   page   the in-page server (server-runtime.js): the server module
//          (./wasm/server), one Go instance for all its requests, no network at all.
//
// Each request is a POST /tls/flight whose body is the client's TLS records
// (application/octet-stream); the answer's body is the server's next flight.
// The server keeps no connection between requests: it seals the connection's state
// into the Tls-Playground-Token header, and the next request carries it back.
//
// An Exchange (one HTTP request and its answer), as the page receives it:
//   {n, kind: 'info'|'flight'|'probe', probe?, phase: 'handshake'|'data'|'close'|'',
//    server: 'url'|'page', method, url, path,
//    request:  {headers: [[name, value]], bytes, hex, token},      token: the length sent (0: none)
//    response: {status, statusText, headers: [[name, value]], bytes, hex, json, state, token, traceBytes}
//              (null when the request failed: then error is set),
//    sent: [Flight], received: [Flight],   Flight = {record, from, names, bytes, encrypted}
//    ms, at, serverMs?: {instantiate, start, handle, total} (in-page server only),
//    crossOrigin (a server at another origin: CORS applies),
//    same?: the replay got the same answer as the original, error?}

import { toHex } from './hex.js';
import { normalizeBase } from './server-url.js';

export const TOKEN = 'Tls-Playground-Token';
export const STATE = 'Tls-Playground-State';
export const TRACE = 'Tls-Playground-Trace';
export const OCTETS = 'application/octet-stream';

/** PAGE_ORIGIN names the in-page server in its requests' URLs; nothing is fetched from it. */
export const PAGE_ORIGIN = 'https://in-page.playground.test';

const round = (ms) => Math.round(ms * 100) / 100;

function fromBase64(b64) {
  const bin = atob(b64 || '');
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function toBase64(bytes) {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/**
 * Transport is how requests reach one server: fetch over the network for a
 * URL, the in-page server's fetch otherwise. Every request goes through
 * exchange(), which records it.
 */
export class Transport {
  /**
   * @param {'url'|'page'} kind
   * @param {string} base  the server's base URL (PAGE_ORIGIN for the in-page server)
   * @param {(req: Request) => Promise<Response>} send
   */
  constructor(kind, base, send) {
    this.kind = kind;
    this.base = base;
    this.send = send;
    this.lastServerMs = null; // the in-page server's timings of the last request
  }

  /**
   * exchange sends one request and records it: {exchange, body (Uint8Array), headers}.
   * A failed fetch (no answer at all) is recorded with error set, and not thrown.
   */
  async exchange({ method, path, headers = {}, body = null, kind, phase = '' }) {
    const url = `${this.base}${path}`;
    const sentHeaders = Object.entries(headers);
    const request = new Request(url, { method, headers, body, cache: 'no-store' });
    const ex = {
      kind, phase, server: this.kind, method, url, path,
      request: {
        headers: sentHeaders,
        bytes: body ? body.length : 0,
        hex: body ? toHex(body) : '',
        token: (headers[TOKEN] || '').length,
      },
      response: null, sent: [], received: [], ms: 0,
      crossOrigin: this.kind === 'url' && Boolean(globalThis.location) && new URL(url).origin !== globalThis.location.origin,
    };
    this.lastServerMs = null;
    const t0 = performance.now();
    let res;
    let bytes;
    try {
      res = await this.send(request);
      bytes = new Uint8Array(await res.arrayBuffer());
    } catch (err) {
      ex.ms = round(performance.now() - t0);
      ex.error = this.kind === 'url'
        ? `no answer from ${url}: ${err.message} (is the server running, and does it allow this page's origin?)`
        : `the in-page server failed: ${err.message}`;
      return { exchange: ex, body: null, headers: null };
    }
    ex.ms = round(performance.now() - t0);
    if (this.lastServerMs) ex.serverMs = this.lastServerMs;
    const type = res.headers.get('Content-Type') || '';
    let json = null;
    if (/json/.test(type)) {
      try { json = JSON.parse(new TextDecoder().decode(bytes)); } catch { json = null; }
    }
    ex.response = {
      status: res.status,
      statusText: res.statusText,
      headers: [...res.headers.entries()],
      bytes: bytes.length,
      hex: json ? '' : toHex(bytes),
      json,
      state: res.headers.get(STATE) || '',
      token: (res.headers.get(TOKEN) || '').length,
      traceBytes: (res.headers.get(TRACE) || '').length,
    };
    return { exchange: ex, body: bytes, headers: res.headers };
  }
}

/** urlTransport reaches a server over the network with the worker's fetch. */
export function urlTransport(base) {
  return new Transport('url', normalizeBase(base), (req) => fetch(req));
}

/**
 * serverInfo fetches GET /tls/info: {info, exchange, rootFingerprint,
 * chainFingerprints} (SHA-256, hex), and the certificates as crypto/x509
 * reads them (root, chain: pki.CertInfo). api is the Go engine
 * (globalThis.tlsPlayground): the page parses no certificate itself. It
 * throws when the answer is not a TLS Playground server's.
 */
export async function serverInfo(transport, api) {
  const { exchange } = await transport.exchange({ method: 'GET', path: '/tls/info', kind: 'info' });
  if (exchange.error) throw Object.assign(new Error(exchange.error), { exchange });
  const json = exchange.response.json;
  if (exchange.response.status !== 200 || !json || typeof json.serverName !== 'string') {
    const why = json && json.error ? `${json.error.code}: ${json.error.message}` : `${exchange.response.bytes} bytes of ${exchange.response.headers.find(([k]) => k === 'content-type')?.[1] || 'unknown type'}`;
    throw Object.assign(new Error(`${transport.base}/tls/info answered ${exchange.response.status} (${why}): is this a TLS Playground server?`), { exchange });
  }
  const describe = async (pem) => (pem ? JSON.parse(await api.describeCertificates(JSON.stringify({ pem }))) : []);
  const [root] = await describe(json.rootPem || '');
  const chain = await describe(json.certPem || '');
  return {
    info: json,
    exchange,
    root: root || null,
    chain,
    rootFingerprint: root ? root.sha256 : '',
    chainFingerprints: chain.map((c) => c.sha256),
  };
}

/**
 * Connection is one TLS connection whose flights travel over HTTP. api is
 * the Go client (globalThis.tlsPlayground); every method returns
 * {session, exchanges (all of this connection), received (what the server
 * said in answer to this call), timing}.
 */
export class Connection {
  constructor(api, transport, { mode, group }) {
    this.api = api;
    this.transport = transport;
    this.mode = mode;
    this.group = group || '';
    this.token = '';
    this.seen = 0;            // records of the session already assigned to an exchange
    this.exchanges = [];
    this.last = null;         // the last flight's request and answer, for the probes
    this.failed = false;
    this.t0 = performance.now();
    this.timing = { handshakeMs: 0, handshakeExchanges: 0, clientMs: 0 };
  }

  /** call runs a Go remote method and parses its result, timing the client's own work. */
  async call(method, arg) {
    const t0 = performance.now();
    const out = await this.api[method](arg === undefined ? '' : JSON.stringify(arg));
    this.timing.clientMs = round(this.timing.clientMs + performance.now() - t0);
    return JSON.parse(out);
  }

  /** fresh returns the session's records not yet assigned to an exchange, with their messages' names. */
  fresh(session) {
    const records = session.records || [];
    const out = [];
    for (let i = this.seen; i < records.length; i++) {
      const msgs = (session.messages || []).filter((m) => m.record === i);
      out.push({
        record: i, from: records[i].from, bytes: Math.floor(records[i].hex.length / 2),
        names: msgs.map((m) => m.name), encrypted: msgs.some((m) => m.encrypted),
      });
    }
    this.seen = records.length;
    return out;
  }

  /** start makes the client and carries the handshake to its end. */
  async start({ serverName, trustPem, seed }) {
    const arg = { mode: this.mode, group: this.group, serverName, trustPem };
    if (seed) arg.seed = seed;
    const res = await this.call('remoteStart', arg);
    const out = await this.pump(res, 'handshake');
    const established = Boolean(out.session.suite) && !out.session.error;
    this.timing.handshakeMs = round(this.exchanges.filter((e) => e.phase === 'handshake').reduce((n, e) => n + e.ms, 0));
    this.timing.handshakeExchanges = this.exchanges.filter((e) => e.phase === 'handshake').length;
    this.timing.handshakeWallMs = round(performance.now() - this.t0);
    return { ...out, established };
  }

  /** send encrypts text to the server and carries it; the server answers it. */
  async send(text) {
    this.ensureOpen();
    return this.pump(await this.call('remoteSend', { text }), 'data');
  }

  /** close sends close_notify; the server answers with its own. */
  async close() {
    this.ensureOpen();
    return this.pump(await this.call('remoteClose'), 'close');
  }

  ensureOpen() {
    if (this.failed) throw new Error('this connection failed: start a new session');
  }

  /** pump posts flights while the client has one, and hands each answer to the client. */
  async pump(first, phase) {
    let res = first;
    let received = res.received || '';
    let outgoing = this.fresh(res.session);
    const start = this.exchanges.length;
    while (res.flight && !this.failed) {
      const body = fromBase64(res.flight);
      const headers = { 'Content-Type': OCTETS, [TRACE]: '1' };
      if (this.token) headers[TOKEN] = this.token;
      const query = new URLSearchParams({ mode: this.mode });
      if (this.group && !this.token) query.set('group', this.group);
      const path = `/tls/flight?${query}`;
      const { exchange: ex, body: answer, headers: got } = await this.transport.exchange({
        method: 'POST', path, headers, body, kind: 'flight', phase,
      });
      ex.sent = outgoing;
      this.record(ex);
      this.last = { path, headers, body, answer, token: this.token, sent: outgoing };
      if (ex.error) {
        this.failed = true;
        res = await this.call('remoteDeliver', { error: { side: 'network', message: ex.error } });
      } else if (ex.response.status !== 200) {
        this.failed = true;
        const e = (ex.response.json && ex.response.json.error) || {};
        const message = `HTTP ${ex.response.status} ${e.code || ex.response.statusText}: ${e.message || 'the server refused the flight'}`;
        res = await this.call('remoteDeliver', { error: { side: 'server', alert: e.alert || '', message, records: e.records || '' } });
      } else {
        this.token = got.get(TOKEN) || this.token;
        res = await this.call('remoteDeliver', { records: toBase64(answer), trace: got.get(TRACE) || '', token: got.get(TOKEN) || '' });
      }
      const next = this.fresh(res.session);
      ex.received = next.filter((r) => r.from === 'server');
      outgoing = next.filter((r) => r.from === 'client');
      received += res.received || '';
    }
    return { session: res.session, exchanges: this.exchanges, added: this.exchanges.length - start, received, timing: this.timing, token: this.token.length };
  }

  record(ex) {
    ex.n = this.exchanges.length + 1;
    ex.at = round(performance.now() - this.t0);
    this.exchanges.push(ex);
  }

  /**
   * probe sends the last flight again, changed, and shows what the server
   * says; the answer is recorded but not given to the client, so the
   * connection is unaffected.
   *   tamper  the same request with one character of the token changed
   *   replay  the very same request again (same token, same records)
   */
  async probe(kind) {
    const last = this.last;
    if (!last || !last.token) throw new Error('no request with a token yet: complete a handshake first');
    const headers = { ...last.headers };
    if (kind === 'tamper') {
      const t = last.token;
      const i = Math.floor(t.length / 2);
      headers[TOKEN] = t.slice(0, i) + (t[i] === 'A' ? 'B' : 'A') + t.slice(i + 1);
    } else if (kind !== 'replay') {
      throw new Error(`unknown probe ${JSON.stringify(kind)}: tamper or replay`);
    }
    const { exchange: ex, body } = await this.transport.exchange({
      method: 'POST', path: last.path, headers, body: last.body, kind: 'probe', phase: '',
    });
    ex.probe = kind;
    ex.sent = last.sent;
    ex.request.tampered = kind === 'tamper';
    if (kind === 'replay' && body && last.answer) {
      ex.same = body.length === last.answer.length && body.every((b, i) => b === last.answer[i]);
    }
    this.record(ex);
    return { exchanges: this.exchanges, exchange: ex };
  }
}
