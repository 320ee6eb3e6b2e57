// <tls-exposure> is "What TLS never hides": beside Eve's view, what a
// passive observer learns from the session on screen with no key at all —
// the addresses, the DNS query, the server name, the certificate, ALPN, the
// size of every record and the shape of the handshake. The facts are the
// engine's (playground/eve.Expose: items with the analyzer's field kinds,
// record sizes, flights); this element only words them and cites the RFCs.
//
// Property: state = {session, local, exposure?, http?}
//   session   the session on screen (records)
//   local     false when the session runs with a server over HTTP
//   exposure  an Exposure already computed (Eve's result carries one), used
//             when no engine is connected
//   http      {server: 'page'|'url', base, exchanges} (network.js Exchange):
//             the real HTTP requests the page made for this session
// The engine is reached through connectExposure() (view-controller.js), like the
// analyzer (analysis.js); without it the element shows state.exposure.
//
// Exposure (JSON of eve.Exposure): {version, suite, items: [{id, status,
// values, spans: [{record, offset, length, kind}], rfc, answer, answerRfc}],
// records: [{index, from, type, wire, fragment, encrypted, overhead,
// plaintext, phase, padded}], shape: {flights, kind, helloRetry,
// handshakeRecords, evidence}, padBlocks, browser: {source, sni, alpn, ech,
// spans}}. ids, statuses, kinds and phases are stable codes, matched here;
// values are data, shown as they are.

import { h, fill, classes, layOutInTurn } from '../dom.js';
import { formatByteCount } from '../hex.js';
import { citations, linkTerms } from './glossary.js';
import { formatMs } from './network-panel.js';
import { LabPanel } from './lab-panel.js';

let engineFn = null; // ({records}) => Promise<Exposure>
const listeners = new Set();

/** connectExposure sets the function that asks the engine: (arg) => engine.callJSON('exposure', arg). */
export function connectExposure(fn) {
  engineFn = fn;
  for (const l of listeners) l();
}

/** TITLES name each item (eve.Item.ID). */
const TITLES = {
  addresses: 'IP addresses and ports',
  dns: 'The DNS query before the connection',
  sni: 'The site’s name (SNI)',
  certificate: 'The server’s certificate',
  alpn: 'The application protocol (ALPN)',
  sizes: 'The length of every message',
  shape: 'The number, direction and order of records',
  timing: 'When each record was sent',
};

/** STATUS words eve.Item.Status. */
const STATUS = {
  clear: 'in the clear in this recording',
  encrypted: 'encrypted here, yet not secret',
  around: 'around the TLS bytes, never inside them',
  absent: 'not sent by this engine; sent by browsers',
};

/** WHY says why TLS cannot hide each item. */
const WHY = {
  addresses: 'Every packet carries the client’s and the server’s IP addresses and TCP ports in its IP and TCP headers, below TLS: routers need them to deliver it. TLS protects only the bytes inside the TCP stream.',
  dns: 'Before connecting, the browser asks a DNS resolver for the server’s address, by name, usually in a plain UDP packet to port 53 that anyone on the path reads. TLS starts only after that answer.',
  sni: 'The client names the site in its ClientHello so that a server hosting many sites picks the right certificate — and it must do so before any key exists. It is in the clear in TLS 1.2 and TLS 1.3 alike.',
  certificate: 'In TLS 1.2 the server sends its Certificate before the keys are set, so Eve reads it. TLS 1.3 encrypts it, but only against a passive observer: anyone can connect to the same server, send the same name and receive the same certificate. The encrypted flight’s length still says how big the chain is.',
  alpn: 'The protocols the client speaks (h2, http/1.1) are in the ClientHello, in the clear; in TLS 1.2 the server’s choice is in its ServerHello too. TLS 1.3 moves the server’s answer into EncryptedExtensions.',
  sizes: 'Encryption changes the bytes, not their number: an AEAD ciphertext is exactly as long as its plaintext, and the record header states the length in the clear. From the cipher suite in the ServerHello Eve knows the fixed overhead, so she subtracts it and has the length of what was typed, byte for byte.',
  shape: 'Records go one way or the other, in flights, and each header says how long it is. The handshake’s outline — how many flights, which side speaks, whether a ChangeCipherSpec goes by, how long the server’s flight is — tells TLS 1.2 from TLS 1.3 and a resumption from a full handshake without one byte decrypted.',
  timing: 'Eve’s capture stamps every packet with the time it passed. When a message is sent, how long the server takes to answer and how the exchanges follow each other are patterns TLS does nothing to blur.',
};

/** ANSWERS are the real-world answers (eve.Item.Answer). */
const ANSWERS = {
  'vpn-tor': 'A VPN moves the real addresses inside an encrypted tunnel: Eve sees only you and the VPN server (which sees everything you did not otherwise encrypt). Tor relays through three hops, so that no single one knows both ends.',
  'doh-dot': 'DNS over HTTPS or over TLS encrypts the query to the resolver, which still learns the name. Eve on the path then sees a connection to the resolver, not the question.',
  ech: 'Encrypted Client Hello: the client encrypts its real ClientHello (the name, ALPN and the rest) to a key the site publishes in DNS, and the visible outer hello names only a shared front-end. Browsers that have no ECH key for a site still send an ECH extension of random bytes (GREASE), so that real ECH does not stand out.',
  tls13: 'TLS 1.3 encrypts the certificate against a passive observer. Against the “connect and fetch it” observer nothing helps except not being distinguishable: ECH behind a large shared front-end.',
  padding: 'TLS 1.3 lets a sender pad every record with zeros inside the encryption, to hide the true length; the policy is the sender’s. This engine does not pad: below, what the records would measure if it padded to a block. TLS 1.2’s AEAD records cannot be padded at all.',
  none: 'Nothing within TLS: the protocol’s shape is public. Padding and dummy records can blur sizes, not the number of round trips.',
  shaping: 'Only sending at a constant rate, in fixed-size cells, or with random delays hides timing (Tor’s fixed-size cells hide sizes, not timing). TLS leaves timing alone; its padding can at most add dummy records.',
};

/** SHAPES word eve.Shape.Kind. */
const SHAPES = {
  'tls12-full': 'A full TLS 1.2 handshake: two round trips, the certificate in the clear, then a ChangeCipherSpec record from each side — the client’s first.',
  'tls12-abbreviated': 'A TLS 1.2 resumption: the server’s ChangeCipherSpec comes right after its ServerHello, before the client’s, with no certificate: an abbreviated handshake.',
  'tls13-full': 'A full TLS 1.3 handshake: one round trip; the ServerHello’s supported_versions names TLS 1.3 and every later record looks like application data.',
  'tls13-psk': 'A TLS 1.3 resumption: the ServerHello accepts a ticket (pre_shared_key), and the server’s encrypted flight is short — no certificate in it.',
};

/** PHASES word eve.RecordSize.Phase: what Eve takes each record for. */
const PHASES = { handshake: 'handshake', data: 'data', alert: 'alert', change_cipher_spec: 'ChangeCipherSpec' };

export class ExposurePanel extends LabPanel {
  constructor() {
    super();
    this.exposure = null;
    this.key = '';
    this.padIndex = -1;
  }

  connectedCallback() {
    super.connectedCallback();
    if (!this.onEngine) {
      this.onEngine = () => { this.key = ''; this.load(); };
      listeners.add(this.onEngine);
    }
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    listeners.delete(this.onEngine);
    this.onEngine = null;
  }

  changed(v, prev) {
    if (prev.session !== this._state.session || prev.exposure !== this._state.exposure) this.load();
    if (prev.http !== this._state.http || prev.local !== this._state.local) this.renderHTTP();
  }

  build() {
    this.body = h('div', { class: 'exposure-body', 'aria-live': 'polite' });
    this.http = h('div', { class: 'exposure-http' });
    fill(this, h('section', { class: 'attack-step exposure', 'aria-labelledby': this.id('exposure-title'), 'data-testid': 'exposure' },
      h('h4', { id: this.id('exposure-title') }, 'What TLS never hides: what Eve learns with no key at all'),
      h('p', { class: 'explanation' },
        'Suppose the encryption is perfect and no key ever leaks. Eve still learns a great deal from the same recording — below, from the session on screen, each with the bytes she reads it from, why TLS cannot hide it, and what the real world does about it.'),
      this.body, this.http));
  }

  /** load asks the engine for the session's exposure, or shows the one given. */
  load() {
    const { session, exposure } = this._state;
    const records = (session && session.records) || [];
    const key = records.length ? recordsKey(records) : '';
    if (!engineFn || !key) {
      this.show(exposure || null, key);
      return;
    }
    if (key === this.key && this.exposure) return;
    this.key = key;
    engineFn({ records: records.map(({ from, hex }) => ({ from, hex })) }).then(
      (x) => { if (this.key === key) this.show(x, key); },
      (err) => { if (this.key === key) this.showError(err); });
  }

  show(x, key) {
    this.exposure = x;
    this.key = key;
    if (!this.body) return;
    this.dataset.ready = String(Boolean(x));
    if (!x) {
      fill(this.body, h('p', { class: 'explanation' }, this._state.session
        ? 'Give Eve the server’s key below and her attempt lists this too.'
        : 'No session yet.'));
      return;
    }
    const items = x.items || [];
    fill(this.body,
      h('p', { class: 'exposure-summary', 'data-testid': 'exposure-summary' },
        h('strong', null, x.version || 'No ServerHello yet'), x.suite ? `, ${x.suite}` : '',
        `: ${(x.records || []).length} records. Of the ${items.length} kinds of information below, `,
        `${items.filter((i) => i.status === 'clear').length} are in the clear in these bytes and `,
        `${items.filter((i) => i.status === 'around').length} are in the packets around them.`),
      h('ol', { class: 'exposure-items' }, items.map((it) => this.renderItem(it, x))),
    );
    layOutInTurn(this.body.querySelectorAll('.exposure-item'));
  }

  showError(err) {
    this.dataset.ready = 'false';
    fill(this.body, h('p', { class: 'notice' }, `The engine could not list what Eve sees: ${err.message || err}`));
  }

  renderItem(it, x) {
    const seen = new Set();
    return h('li', { class: classes('exposure-item', it.status), 'data-item': it.id, 'data-status': it.status },
      h('h5', null, TITLES[it.id] || it.id, ' ', h('span', { class: classes('exposure-status', it.status) }, STATUS[it.status] || it.status)),
      h('dl', { class: 'exposure-facts' },
        h('dt', null, 'What Eve sees'), h('dd', { 'data-testid': `exposure-${it.id}-sees` }, this.sees(it, x)),
        h('dt', null, 'From which bytes'), h('dd', null, this.where(it, x)),
        h('dt', null, 'Why TLS cannot hide it'), h('dd', null, linkTerms(WHY[it.id] || '', seen), ' ', h('span', { class: 'rfc-cites' }, citations(it.rfc))),
        h('dt', null, 'The answer'), h('dd', null, linkTerms(ANSWERS[it.answer] || '', seen), ' ',
          h('span', { class: 'rfc-cites' }, citations(it.answerRfc)))),
      it.id === 'sizes' ? this.sizes(x) : null,
      it.id === 'shape' ? this.shape(x) : null);
  }

  /** sees words what Eve reads for an item, from its values. */
  sees(it, x) {
    const v = it.values || [];
    const code = (t) => h('code', null, t);
    switch (it.id) {
      case 'addresses':
        return ['The engine’s two ends talk inside this page, so there are no packets here. On a real network Eve sees ',
          code(v[0]), ' → ', code(v[1]),
          ': the addresses the capture download of this session uses (the server’s port 443 says HTTPS). ',
          this._state.local === false ? 'Over HTTP, see the real requests below.' : ''];
      case 'dns':
        return v.length
          ? ['No DNS query is made here (the page names the server itself). A browser would first have asked for the address of ', code(v[0]), ' — the same name the ClientHello then sends.']
          : 'No DNS query is made here, and the recording names no server.';
      case 'sni':
        return v.length ? ['The host name ', code(v[0]), ` in the ClientHello${x.version === 'TLS 1.3' ? ' — TLS 1.3 too' : ''}.`]
          : 'The ClientHello names no server.';
      case 'certificate':
        if (it.status === 'clear') return v.map((c) => h('code', { class: 'cert-names' }, c));
        if (v.length) return [`The certificate itself is encrypted. The server’s encrypted handshake records hold ${formatByteCount(Number(v[0]))} of plaintext: EncryptedExtensions, the certificate chain, CertificateVerify and Finished — most of it the chain.`];
        return 'Not sent in this recording.';
      case 'alpn':
        if (v.length) return ['Protocols ', v.map((p, i) => [i ? ', ' : '', code(p)])];
        return this.browserALPN(x);
      case 'sizes':
        if (!v.length) return 'No message has been sent yet: type one above and watch its record.';
        return ['The length of every message: ', v.map((n, i) => [i ? ', ' : '', code(`${n} bytes`)]), ' (table below).'];
      case 'shape':
        return [SHAPES[(x.shape || {}).kind] || 'No handshake yet.', (x.shape || {}).helloRetry ? ' A HelloRetryRequest added a round trip.' : ''];
      case 'timing':
        return this._state.local === false
          ? 'The time of every HTTP request below, and how long each took.'
          : 'Both ends run in this page, one after the other: these records have no timing worth the name. On a network, a packet capture times every one to the microsecond.';
      default:
        return v.join(', ');
    }
  }

  /** browserALPN shows the bundled Chromium hello's ALPN and ECH. */
  browserALPN(x) {
    const b = x.browser || {};
    return ['This engine offers none. The Chromium hello bundled with this page offers ',
      (b.alpn || []).map((p, i) => [i ? ', ' : '', h('code', null, p)]),
      ' in the clear, beside an ', h('code', null, 'encrypted_client_hello'),
      ` extension of ${formatByteCount(b.ech || 0)}: GREASE, random bytes shaped like ECH, since playground.test publishes no ECH key.`];
  }

  /** where lists an item's byte spans with the analyzer's kinds. */
  where(it, x) {
    const spans = it.spans || [];
    if (it.status === 'around') {
      if (it.id === 'dns') return 'A DNS packet (UDP port 53) before the TLS connection, not in these records.';
      if (it.id === 'timing') return 'The moment each packet passes Eve’s tap: her clock, not any byte of the packets.';
      return 'The IP and TCP headers of each packet, not in these records.';
    }
    if (!spans.length) {
      if (it.id === 'alpn') {
        const ech = ((x.browser || {}).spans || []).filter((s) => s.kind === 'ext.encrypted_client_hello' || s.kind === 'ext.alpn.protocol_name');
        return ['In the Chromium hello: ', spanList(ech, true)];
      }
      return 'None in this recording.';
    }
    return spanList(spans);
  }

  /** sizes is the table of records as Eve measures them, with the padding choice. */
  sizes(x) {
    const recs = x.records || [];
    const blocks = x.padBlocks || [];
    const pads = recs.some((r) => (r.padded || []).length);
    const select = h('select', { id: this.id('exposure-pad'), 'data-testid': 'exposure-pad' },
      h('option', { value: '-1' }, 'no padding (what this engine sends)'),
      blocks.map((b, i) => h('option', { value: String(i) }, `padded to a multiple of ${b} bytes`)));
    select.value = String(this.padIndex < blocks.length ? this.padIndex : -1);
    select.disabled = !pads;
    select.addEventListener('change', () => { this.padIndex = Number(select.value); this.show(this.exposure, this.key); });
    const pad = pads ? this.padIndex : -1;
    const data = recs.filter((r) => r.phase === 'data' && r.encrypted && r.from === 'client');
    let leak = null;
    if (data.length) {
      const last = data[data.length - 1];
      leak = [`The client’s last message: ${formatByteCount(last.plaintext)} typed, a record of ${formatByteCount(last.wire)} on the wire (5 bytes of header, ${last.plaintext} of content and ${last.overhead} added by the encryption). `];
      if (data.length > 1) {
        const prev = data[data.length - 2];
        const d = last.wire - prev.wire;
        leak.push(`The message before it: ${formatByteCount(prev.plaintext)}, record ${formatByteCount(prev.wire)}. The records differ by ${Math.abs(d)} bytes — exactly the difference between the messages.`);
      } else leak.push('Send a longer one above: its record grows by exactly as many bytes.');
    }
    return h('div', { class: 'exposure-sizes' },
      leak ? h('p', { class: 'length-leak', 'data-testid': 'exposure-leak' }, leak) : null,
      h('p', { class: 'pad-choice' }, h('label', { for: this.id('exposure-pad') }, 'Record padding (RFC 8446 §5.4, TLS 1.3 only): '), select),
      h('div', { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': 'Record sizes as Eve measures them' },
        h('table', { class: 'record-sizes', 'data-testid': 'exposure-records' },
          h('caption', null, 'Every record, as Eve measures it'),
          h('thead', null, h('tr', null,
            h('th', { scope: 'col' }, 'Record'), h('th', { scope: 'col' }, 'From'), h('th', { scope: 'col' }, 'Eve takes it for'),
            h('th', { scope: 'col', class: 'num' }, 'On the wire'), h('th', { scope: 'col', class: 'num' }, 'Content (her count)'),
            pad >= 0 ? h('th', { scope: 'col', class: 'num' }, `Padded to ${blocks[pad]}`) : null)),
          h('tbody', null, recs.map((r) => h('tr', { class: classes(r.phase, r.encrypted && 'encrypted'), 'data-phase': r.phase, 'data-wire': r.wire, 'data-plaintext': r.plaintext },
            h('td', null, `#${r.index + 1}`),
            h('td', null, h('span', { class: classes('actor', r.from) }, r.from)),
            h('td', null, PHASES[r.phase] || r.phase, r.encrypted ? ' (encrypted)' : ''),
            h('td', { class: 'num' }, String(r.wire)),
            h('td', { class: 'num' }, r.encrypted ? `${r.plaintext} = ${r.fragment} − ${r.overhead}` : String(r.plaintext)),
            pad >= 0 ? h('td', { class: 'num' }, (r.padded || []).length ? String((r.padded[pad] || 0) + 5) : '—') : null))))));
  }

  /** shape draws the flights: who sent how many records, how many bytes. */
  shape(x) {
    const s = x.shape || {};
    const hs = s.handshakeRecords || 0;
    return h('ol', { class: 'flights', 'aria-label': 'The flights, in order', 'data-testid': 'exposure-flights', 'data-kind': s.kind || '' },
      (s.flights || []).map((f) => {
        const handshake = f.records.filter((i) => i < hs).length;
        return h('li', { class: classes('flight', f.from) },
          h('span', { class: classes('actor', f.from) }, f.from), ' ',
          `${f.records.length} record${f.records.length === 1 ? '' : 's'} (#${f.records[0] + 1}${f.records.length > 1 ? `–#${f.records[f.records.length - 1] + 1}` : ''}), ${formatByteCount(f.bytes)}`,
          handshake && handshake < f.records.length ? ` — ${handshake} of the handshake` : '');
      }));
  }

  /** renderHTTP lists the real HTTP requests of a session over HTTP. */
  renderHTTP() {
    const { local, http } = this._state;
    if (local !== false) {
      fill(this.http);
      return;
    }
    const exchanges = (http && http.exchanges) || [];
    let where = 'The server runs behind HTTP.';
    if (http && http.server === 'page') {
      where = 'The in-page server answers inside this tab: these requests never reach a network. Over one, Eve would see each as a packet to the server’s address and port, with its size and time.';
    } else if (http && http.base) {
      let host = '';
      try { host = new URL(http.base).host; } catch { host = http.base; }
      where = ['Each request below went over the network to ', h('code', null, host),
        ': Eve on the path sees that address and port, when each request left, how many bytes went each way and how long the answer took — exactly the columns below.'];
    }
    fill(this.http, h('section', { class: 'exposure-requests', 'aria-labelledby': this.id('exposure-http-title') },
      h('h5', { id: this.id('exposure-http-title') }, 'Over HTTP: the requests this page really made'),
      h('p', { class: 'explanation' }, where),
      exchanges.length
        ? h('div', { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': 'HTTP requests, their sizes and times' },
          h('table', { class: 'http-sizes', 'data-testid': 'exposure-http' },
            h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Request'), h('th', { scope: 'col' }, 'Phase'),
              h('th', { scope: 'col', class: 'num' }, 'Sent'), h('th', { scope: 'col', class: 'num' }, 'Received'), h('th', { scope: 'col', class: 'num' }, 'Took'))),
            h('tbody', null, exchanges.map((ex) => h('tr', null,
              h('td', null, `#${ex.n} `, h('code', null, ex.method)),
              h('td', null, ex.phase || ex.kind || ''),
              h('td', { class: 'num' }, formatByteCount((ex.request || {}).bytes || 0)),
              h('td', { class: 'num' }, ex.response ? formatByteCount(ex.response.bytes || 0) : '—'),
              h('td', { class: 'num' }, formatMs(ex.ms || 0)))))))
        : h('p', { class: 'explanation' }, 'The request list is not available here; the network panel above shows each one.')));
  }
}

/** recordsKey names a recording by all its bytes (FNV-1a over every character), so that a changed byte asks again. */
function recordsKey(records) {
  let a = 0x811c9dc5;
  for (const r of records) {
    const text = `|${r.from}|${r.hex}`;
    for (let i = 0; i < text.length; i++) a = Math.imul(a ^ text.charCodeAt(i), 0x01000193);
  }
  return `${records.length}|${(a >>> 0).toString(16)}`;
}

/** spanList names byte spans: "record #1, bytes 120–136: ext.server_name.host_name". */
function spanList(spans, browser = false) {
  return h('ul', { class: 'exposure-spans' }, spans.map((s) => h('li', null,
    browser || s.record < 0 ? 'Chromium’s hello' : `record #${s.record + 1}`,
    `, bytes ${s.offset}–${s.offset + s.length - 1}: `, h('code', { class: 'kind' }, s.kind))));
}

customElements.define('tls-exposure', ExposurePanel);
