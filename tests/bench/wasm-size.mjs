// wasm-size.mjs prints where a Go wasm binary's bytes go, per Go package:
// the code (function bodies, attributed by the binary's own "name" section)
// and the data section as one row. Brotli sizes: each package's code is
// compressed alone (quality 11) and the column is scaled so that it sums to
// the whole file's brotli size — an estimate of each package's share of what
// a visitor downloads, reproducible from the file alone.
//
//   node tests/bench/wasm-size.mjs site/dist/assets/engine-*.wasm [rows]
import fs from 'node:fs';
import zlib from 'node:zlib';

const file = process.argv[2];
const rows = Number(process.argv[3] || 30);
if (!file) {
  console.error('usage: node tests/bench/wasm-size.mjs FILE.wasm [rows]');
  process.exit(2);
}
const buf = fs.readFileSync(file);
if (buf.readUInt32LE(0) !== 0x6d736100) throw new Error(`${file} is not a WebAssembly binary (no \\0asm magic)`);

let pos = 8;
const leb = () => {
  let result = 0, shift = 0, b;
  do {
    b = buf[pos++];
    result += (b & 0x7f) * 2 ** shift;
    shift += 7;
  } while (b & 0x80);
  return result;
};
const str = () => {
  const n = leb();
  const s = buf.toString('utf8', pos, pos + n);
  pos += n;
  return s;
};

let imported = 0;
const bodies = []; // [start, end] of each function body, in function index order after the imports
const names = new Map();
let dataBytes = 0;
while (pos < buf.length) {
  const id = buf[pos++];
  const size = leb();
  const end = pos + size;
  if (id === 2) { // imports: count the imported functions, which come first in the index space
    for (let n = leb(); n > 0; n--) {
      str(); str();
      const kind = buf[pos++];
      if (kind === 0) { leb(); imported++; } else if (kind === 1) { pos++; const f = leb(); leb(); if (f & 1) leb(); } else if (kind === 2) { const f = leb(); leb(); if (f & 1) leb(); } else if (kind === 3) { pos += 2; }
    }
  } else if (id === 10) {
    for (let n = leb(); n > 0; n--) {
      const len = leb();
      bodies.push([pos, pos + len]);
      pos += len;
    }
  } else if (id === 11) {
    dataBytes = size;
  } else if (id === 0) {
    const name = str();
    if (name === 'name') {
      while (pos < end) {
        const sub = buf[pos++];
        const subSize = leb();
        const subEnd = pos + subSize;
        if (sub === 1) for (let n = leb(); n > 0; n--) { const idx = leb(); names.set(idx, str()); }
        pos = subEnd;
      }
    }
  }
  pos = end;
}
if (!names.size) throw new Error(`${file} has no "name" section: build without -ldflags=-s to attribute code to packages`);

// A Go symbol's package, from the name section's spelling: the import path
// with "/" written "_" (a module's domain keeps its dot), then "." and the
// symbol, e.g. "golang.org_x_crypto_cryptobyte.init" → golang.org/x/crypto/cryptobyte.
const packageOf = (sym) => {
  const domain = /^(vendor_)?[a-z0-9-]+\.(com|org|net|io|dev|in)_/.exec(sym);
  const from = domain ? domain[0].length : 0;
  const dot = sym.indexOf('.', from);
  return (dot < 0 ? sym : sym.slice(0, dot)).replaceAll('_', '/');
};
const byPackage = new Map();
bodies.forEach(([s, e], i) => {
  const pkg = packageOf(names.get(imported + i) || '(unnamed)');
  if (!byPackage.has(pkg)) byPackage.set(pkg, []);
  byPackage.get(pkg).push(buf.subarray(s, e));
});

const br = (b) => zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: b.length } }).length;
const total = br(buf);
const table = [...byPackage].map(([pkg, parts]) => {
  const b = Buffer.concat(parts);
  return { pkg, raw: b.length, br: br(b) };
});
// The data section (rodata, type descriptors, pclntab), compressed alone too.
let dataBr = 0;
{
  pos = 8;
  while (pos < buf.length) {
    const id = buf[pos++];
    const size = leb();
    if (id === 11) dataBr = br(buf.subarray(pos, pos + size));
    pos += size;
  }
}
table.push({ pkg: '(data section: rodata, types, pclntab)', raw: dataBytes, br: dataBr });
const sum = table.reduce((a, r) => a + r.br, 0);
table.sort((a, b) => b.br - a.br);
const kb = (n) => `${(n / 1024).toFixed(1)}`;
console.log(`${file}: ${buf.length.toLocaleString('en')} bytes, brotli-11 ${total.toLocaleString('en')} bytes (${kb(total)} KB)\n`);
console.log('| package | code bytes | brotli KB (share of the file) |');
console.log('|---|---|---|');
for (const r of table.slice(0, rows)) console.log(`| ${r.pkg} | ${r.raw.toLocaleString('en')} | ${kb(r.br * total / sum)} |`);
const rest = table.slice(rows);
if (rest.length) console.log(`| ${rest.length} more packages | ${rest.reduce((a, r) => a + r.raw, 0).toLocaleString('en')} | ${kb(rest.reduce((a, r) => a + r.br, 0) * total / sum)} |`);
