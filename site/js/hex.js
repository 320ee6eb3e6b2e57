// hex.js is the site's one hex formatter. The engine hands every byte string
// over as lower-case hex without separators (trace.HexString), and toHex
// makes the same from bytes the page holds; this module turns it into what
// the page shows: bytes grouped in pairs of hex digits,
// a fixed number of bytes per line, and a byte count.

/** toHex turns bytes (a Uint8Array) into the engine's form: lower-case hex without separators. */
export function toHex(bytes) {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** byteLength returns how many bytes a hex string holds. */
export function byteLength(hex) {
  return Math.floor((hex || '').length / 2);
}

/** formatByteCount returns "1 byte", "32 bytes", "1,234 bytes". */
export function formatByteCount(n) {
  return `${groupDigits(n)} ${n === 1 ? 'byte' : 'bytes'}`;
}

/**
 * groupDigits writes an integer with a comma every three digits, as
 * toLocaleString('en-US') does, without starting the browser's ICU (its first
 * use costs tens of milliseconds of the main thread).
 */
export function groupDigits(n) {
  const s = String(Math.trunc(Math.abs(n)));
  return (n < 0 ? '-' : '') + s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * formatHex groups a hex string into bytes separated by spaces, with an
 * extra space every 8 bytes and a line break every perLine bytes (0: one line).
 * formatHex('16030100', {perLine: 16}) === '16 03 01 00'.
 */
export function formatHex(hex, { perLine = 16 } = {}) {
  const s = (hex || '').toLowerCase();
  const lines = [];
  let line = [];
  for (let i = 0; i + 1 < s.length; i += 2) {
    const b = i / 2;
    if (perLine > 0 && b > 0 && b % perLine === 0) {
      lines.push(line.join(''));
      line = [];
    }
    if (line.length > 0) line.push(b % 8 === 0 ? '  ' : ' ');
    line.push(s.slice(i, i + 2));
  }
  if (line.length > 0) lines.push(line.join(''));
  return lines.join('\n');
}

/**
 * previewHex returns the first maxBytes bytes of hex formatted on one line,
 * followed by an ellipsis when the string is longer.
 */
export function previewHex(hex, maxBytes = 16) {
  const n = byteLength(hex);
  const shown = formatHex((hex || '').slice(0, maxBytes * 2), { perLine: 0 });
  return n > maxBytes ? `${shown} …` : shown;
}

/** fingerprint formats a hash as colon-separated upper-case bytes (AB:CD:…). */
export function fingerprint(hex) {
  return ((hex || '').toUpperCase().match(/../g) || []).join(':');
}

/** bytesOf splits a hex string into its bytes, two digits each: bytesOf('1603') → ['16', '03']. */
export function bytesOf(hex) {
  return (hex || '').toLowerCase().match(/../g) || [];
}

/** byteHex formats one byte (0–255) as two lower-case hex digits: byteHex(10) → '0a'. */
export function byteHex(n) {
  return (n & 0xff).toString(16).padStart(2, '0');
}

/** byteAt returns the byte at offset of a hex string (a number), or NaN past its end. */
export function byteAt(hex, offset) {
  return parseInt((hex || '').slice(offset * 2, offset * 2 + 2), 16);
}

/** parseByte reads one byte typed in hex ('7f', '0x7F', '7') → 0–255, or NaN. */
export function parseByte(text) {
  const m = /^\s*(?:0x)?([0-9a-f]{1,2})\s*$/i.exec(text || '');
  return m ? parseInt(m[1], 16) : NaN;
}

/** asciiOf shows bytes as ASCII, with '·' for every byte that is not printable. */
export function asciiOf(hex) {
  return bytesOf(hex).map((b) => {
    const n = parseInt(b, 16);
    return n >= 0x20 && n < 0x7f ? String.fromCharCode(n) : '·';
  }).join('');
}

/** textHex is the hex of a string's UTF-8 bytes: textHex('ok') → '6f6b'. */
export function textHex(text) {
  return toHex(new TextEncoder().encode(text || ''));
}

/** findHex returns the byte offset of needle inside hex (on a byte boundary), or -1. */
export function findHex(hex, needle) {
  if (!needle) return -1;
  const h = (hex || '').toLowerCase();
  const n = needle.toLowerCase();
  for (let i = h.indexOf(n); i >= 0; i = h.indexOf(n, i + 1)) {
    if (i % 2 === 0) return i / 2;
  }
  return -1;
}
