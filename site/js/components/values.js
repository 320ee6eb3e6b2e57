// values.js renders the engine's trace values (the Value objects of a Step's
// events) as HTML. Every component that shows a value uses these functions, so
// a hex string, a certificate or a check looks the same everywhere.

import { h, classes } from '../dom.js';
import { byteLength, formatByteCount, formatHex, previewHex, fingerprint } from '../hex.js';
import { scrollable } from './scroll-hint.js';

/** Hex strings longer than this many bytes are folded behind a <details>. */
const FOLD_BYTES = 64;

/**
 * hexBlock shows bytes in hex with their count, perLine bytes a line. Long
 * strings show a one-line preview that opens to the full dump; the dump is
 * built when the preview is first opened (most never are), unless a testid
 * names it (a script reads it without opening it).
 */
export function hexBlock(hex, { len, testid, perLine = 16, label = 'Bytes' } = {}) {
  const n = len || byteLength(hex);
  // A dump wider than its box scrolls inside it (scroll-hint.js), labelled for the keyboard.
  const dump = () => scrollable(h('pre', { class: 'bytes', 'data-testid': testid }, formatHex(hex, { perLine })), `${label} in hex`);
  const count = h('span', { class: 'count' }, formatByteCount(n));
  if (n === 0) return h('div', { class: 'hex empty' }, h('span', { class: 'explanation' }, 'empty'), count);
  if (n <= FOLD_BYTES) {
    return h('div', { class: 'hex' }, dump(), count);
  }
  return lazyDetails(h('details', { class: 'hex folded' },
    h('summary', null, h('code', { class: 'bytes preview' }, previewHex(hex, Math.min(12, perLine || 12))), ' ', count)),
  dump, { eager: Boolean(testid) });
}

/**
 * lazyDetails appends what body() builds to the <details> el the first time
 * it opens (at once if eager, or if it is already open), and returns el.
 */
export function lazyDetails(el, body, { eager = false } = {}) {
  let built = false;
  const build = () => {
    if (built) return;
    built = true;
    el.append(...[body()].flat().filter(Boolean));
  };
  if (eager || el.open) build();
  else {
    const onToggle = () => {
      if (!el.open) return;
      el.removeEventListener('toggle', onToggle);
      build();
    };
    el.addEventListener('toggle', onToggle);
  }
  return el;
}

/** renderValue renders one Value as a <div> holding a <dt> and a <dd>, for a <dl class="values">. */
export function renderValue(v) {
  const label = h('dt', { class: 'label' },
    v.label,
    v.secret ? h('span', { class: 'secret-badge', title: 'secret: never sent in the clear' }, 'secret') : null);
  return h('div', { class: classes('value', `kind-${v.kind}`, v.secret && 'secret') },
    label,
    h('dd', null, renderBody(v), v.note ? h('p', { class: 'explanation' }, v.note) : null));
}

function renderBody(v) {
  switch (v.kind) {
    case 'hex':
      return hexBlock(v.hex || '', { len: v.len, label: v.label });
    case 'text':
      return h('p', { class: 'text' }, v.text || '');
    case 'list':
      return h('ol', { class: 'list' }, (v.items || []).map((item) => h('li', null, h('code', null, item))));
    case 'pem':
      return lazyDetails(h('details', { class: 'pem' }, h('summary', null, pemSummary(v.text || ''))),
        () => scrollable(h('pre', { class: 'pem' }, v.text || ''), `${v.label} (PEM)`));
    case 'cert':
      return v.cert ? certTable(v.cert) : h('p', null, '(no certificate)');
    case 'check':
      return h('p', { class: classes('check', v.ok ? 'ok' : 'fail') },
        h('span', { class: 'mark', 'aria-hidden': 'true' }, v.ok ? '✓' : '✗'),
        h('span', { class: 'visually-hidden' }, v.ok ? 'passed: ' : 'failed: '),
        v.text || (v.ok ? 'passed' : 'failed'));
    default:
      return h('p', { class: 'text' }, v.text || (v.hex ? previewHex(v.hex) : JSON.stringify(v)));
  }
}

function pemSummary(pem) {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(pem);
  return m ? `PEM: ${m[1].toLowerCase()} (${pem.trim().split('\n').length} lines)` : 'PEM';
}

/** formatDate shows an RFC 3339 time as YYYY-MM-DD HH:MM UTC. */
function formatDate(rfc3339) {
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return rfc3339 || '';
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** certTable shows a decoded certificate (the contract's CertInfo). */
export function certTable(c) {
  const row = (name, ...value) => h('tr', null, h('th', { scope: 'row' }, name), h('td', null, ...value));
  const codes = (list) => (list && list.length ? list.map((x, i) => [i ? ', ' : '', h('code', null, x)]) : '—');
  return h('div', { class: 'cert' },
    h('table', { class: 'cert' },
      h('caption', null, c.isCA ? 'Certificate authority (CA) certificate' : 'Server (leaf) certificate'),
      h('tbody', null,
        row('Subject', h('code', null, c.subject || '')),
        row('Issuer', h('code', null, c.issuer || ''),
          c.subject && c.subject === c.issuer ? h('span', { class: 'explanation' }, ' (self-signed)') : null),
        row('Valid', formatDate(c.notBefore), ' → ', formatDate(c.notAfter)),
        row('Subject Alt Names', codes((c.dnsNames || []).map((n) => `DNS:${n}`))),
        row('Public key', c.publicKey || ''),
        row('Signature algorithm', c.signatureAlgorithm || ''),
        row('CA', c.isCA ? 'yes' : 'no'),
        row('Key usage', codes(c.keyUsage)),
        row('Extended key usage', codes(c.extKeyUsage)),
        row('Serial', h('code', { class: 'bytes' }, fingerprint(c.serial))),
        row('SHA-256', h('code', { class: 'bytes fingerprint' }, fingerprint(c.sha256))))),
    c.derHex ? h('div', { class: 'der' }, h('p', { class: 'label' }, 'DER encoding'), hexBlock(c.derHex, { label: 'DER encoding' })) : null);
}
