// wasm-size.mjs prints where a Go wasm binary's bytes go, per Go package, for
// each module of the site (the core "engine", the "lab", the "server"): the
// code (function bodies, attributed by the binary's own "name" section) and
// the data section as one row. Brotli sizes: each package's code is
// compressed alone (quality 11) and the column is scaled so that it sums to
// the whole file's brotli size — an estimate of each package's share of what
// a visitor downloads, reproducible from the file alone.
//
//   node tests/bench/wasm-size.mjs FILE.wasm [rows]            one module
//   node tests/bench/wasm-size.mjs NAME=FILE.wasm … [--rows=N]  several, one table each
//   node tests/bench/wasm-size.mjs --build [--rows=N]           builds them, as below
//   (--build) --no-overlay: without scripts/wasm-overlay (Go's P-256, AES and powers-of-ten tables, and the
//   core with Go's files as they are: its cuts in core.go; for a before/after)
//   (any form) --share-quality=N: estimate the per-package shares at brotli quality N
//   (the totals stay brotli-11); quicker on a busy machine
//
// A file must keep its name section (built without -ldflags=-s). Sizes are
// of the module as shipped: without the name section, which is what -s -w
// drop (scripts/build.sh ships that), and again after scripts/wasmmerge
// -strip-lines -strip-names (what build.sh does next: the data segments merged, Go's file
// and line tables and the names only a traceback reads zeroed), raw and brotli-11.
//
// --build compiles, into a temporary folder, with names and -trimpath, what
// scripts/build.sh compiles: engine = `go build -tags core ./wasm` (the core
// the first view loads), lab = `go build ./wasm` (every method; loaded on
// first use of the attack lab, the analyzer, captures), both with the
// compiler flags of scripts/wasm-gcflags, and server = `go build ./wasm/server`
// (the HTTP server role), each GOOS=js GOARCH=wasm with scripts/wasm-overlay
// with the Go of PATH; a module whose package is missing is skipped. Then the
// summary says what the split saves the first view (engine vs lab, which is
// what one module held before the split). Brotli-11 of 10+ MB takes tens of
// seconds per pass on a loaded machine: expect minutes.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { parseWasm } from './wasm-module.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const argv = process.argv.slice(2);
const flag = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const positional = argv.filter((a) => !a.startsWith('--'));

let rows = Number(flag('rows') || 30);
let modules = []; // [{name, file}]
let tmp = null;
if (argv.includes('--build')) {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-size-'));
  // scripts/wasm-gcflags: one -gcflags value a line, as build.sh passes them to the page's modules.
  // A line "#core: VALUE" is the core's own, after the others.
  const lines = fs.readFileSync(path.join(root, 'scripts', 'wasm-gcflags'), 'utf8').split('\n');
  const gcflags = lines.filter((l) => l && !l.startsWith('#')).map((l) => `-gcflags=${l}`);
  const coreflags = lines.filter((l) => l.startsWith('#core: ')).map((l) => `-gcflags=${l.slice('#core: '.length)}`);
  // scripts/wasm-overlay, as build.sh applies it to every module (the P-256, AES and powers-of-ten tables
  // computed, not shipped); it prints nothing, and says why, when this Go is not the one it was
  // written for. --no-overlay measures Go's tables instead.
  const overlay = argv.includes('--no-overlay') ? '' : execFileSync('go', ['run', './scripts/wasm-overlay', '-dir', path.join(tmp, 'overlay')],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  const ov = overlay ? [overlay] : [];
  if (!overlay) console.error('wasm-size: without scripts/wasm-overlay (Go\'s P-256, AES and powers-of-ten tables in every module, Go\'s files in the core)');
  const specs = [
    ['engine', [...ov, ...gcflags, ...coreflags, '-tags', 'core', './wasm'], 'wasm/main.go'],
    ['lab', [...ov, ...gcflags, './wasm'], 'wasm/main.go'],
    ['server', [...ov, './wasm/server'], 'wasm/server/main.go'],
  ];
  for (const [name, pkg, needs] of specs) {
    if (!fs.existsSync(path.join(root, needs))) continue;
    const file = path.join(tmp, `${name}.wasm`);
    console.error(`wasm-size: GOOS=js GOARCH=wasm go build -trimpath -o ${name}.wasm ${pkg.filter((a) => !a.startsWith('-gcflags=')).join(' ')}${pkg.some((a) => a.startsWith('-gcflags=')) ? ' (with scripts/wasm-gcflags)' : ''}`);
    execFileSync('go', ['build', '-trimpath', '-o', file, ...pkg], { cwd: root, env: { ...process.env, GOOS: 'js', GOARCH: 'wasm' }, stdio: ['ignore', 'inherit', 'inherit'] });
    modules.push({ name, file });
  }
} else if (positional.length === 2 && /^\d+$/.test(positional[1]) && !positional[0].includes('=')) {
  modules = [{ name: path.basename(positional[0]), file: positional[0] }];
  rows = Number(positional[1]);
} else {
  modules = positional.map((a) => {
    const [name, file] = a.includes('=') ? a.split(/=(.*)/s) : [path.basename(a), a];
    return { name, file };
  });
}
if (!modules.length) {
  console.error('usage: node tests/bench/wasm-size.mjs FILE.wasm [rows] | NAME=FILE.wasm … [--rows=N] | --build [--rows=N]');
  process.exit(2);
}

const brq = (b, q) => zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: q, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: b.length } }).length;
const br = (b) => brq(b, 11);
// The per-package shares may be estimated at a lower quality (--share-quality=N, default 11):
// they are scaled to the file's brotli-11 size anyway, and quality 11 on every package of three
// 10 MB modules takes many minutes on a busy machine.
const shareQuality = Number(flag('share-quality') || 11);
const brShare = (b) => brq(b, shareQuality);
const kb = (n) => `${(n / 1024).toFixed(1)}`;
const num = (n) => n.toLocaleString('en');

/** shipped is the module without its name section: what -ldflags='-s -w' builds. */
function shipped(buf, m) {
  return Buffer.concat([buf.subarray(0, m.nameSection[0]), buf.subarray(m.nameSection[1])]);
}

// A Go symbol's package, from the name section's spelling: the import path
// with "/" written "_" (a module's domain keeps its dot), then "." and the
// symbol, e.g. "golang.org_x_crypto_cryptobyte.init" → golang.org/x/crypto/cryptobyte.
const packageOf = (sym) => {
  const domain = /^(vendor_)?[a-z0-9-]+\.(com|org|net|io|dev|in)_/.exec(sym);
  const from = domain ? domain[0].length : 0;
  const dot = sym.indexOf('.', from);
  return (dot < 0 ? sym : sym.slice(0, dot)).replaceAll('_', '/');
};

/** merged runs scripts/wasmmerge -strip-lines -strip-names on buf (as build.sh does) and returns the module it writes. */
function merged(buf) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-size-merge-'));
  try {
    fs.writeFileSync(path.join(dir, 'in.wasm'), buf);
    execFileSync('go', ['run', './scripts/wasmmerge', '-strip-lines', '-strip-names', '-o', path.join(dir, 'out.wasm'), path.join(dir, 'in.wasm')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    return fs.readFileSync(path.join(dir, 'out.wasm'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const summary = [];
for (const { name, file } of modules) {
  const buf = fs.readFileSync(file);
  const m = parseWasm(buf, file);
  if (!m.names.size) throw new Error(`${file} has no "name" section: build without -ldflags=-s to attribute code to packages`);
  const ship = shipped(buf, m);
  const total = br(ship);
  const byPackage = new Map();
  m.bodies.forEach(([s, e], i) => {
    const pkg = packageOf(m.names.get(m.imported + i) || '(unnamed)');
    if (!byPackage.has(pkg)) byPackage.set(pkg, []);
    byPackage.get(pkg).push(buf.subarray(s, e));
  });
  const table = [...byPackage].map(([pkg, parts]) => {
    const b = Buffer.concat(parts);
    return { pkg, raw: b.length, br: brShare(b) };
  });
  // The data section (rodata, type descriptors, pclntab), compressed alone too.
  if (m.data) table.push({ pkg: '(data section: rodata, types, pclntab)', raw: m.data[1] - m.data[0], br: brShare(buf.subarray(...m.data)) });
  const sum = table.reduce((a, r) => a + r.br, 0);
  table.sort((a, b) => b.br - a.br);

  let after = null;
  try {
    const mm = merged(ship);
    after = { raw: mm.length, br: br(mm) };
  } catch (err) {
    console.error(`wasm-size: ${name}: scripts/wasmmerge failed: ${err.message}`);
  }
  summary.push({ name, raw: ship.length, br: total, after });

  console.log(`## ${name}: ${file}\n`);
  console.log(`as shipped (no name section): ${num(ship.length)} bytes, brotli-11 ${num(total)} bytes (${kb(total)} KB)` +
    (after ? `; after scripts/wasmmerge -strip-lines -strip-names ${num(after.raw)} bytes, brotli-11 ${num(after.br)} bytes (${kb(after.br)} KB)` : '') + '\n');
  console.log(`| package | code bytes | brotli KB (share of the file${shareQuality === 11 ? '' : `, shares estimated at quality ${shareQuality}`}) |`);
  console.log('|---|---|---|');
  for (const r of table.slice(0, rows)) console.log(`| ${r.pkg} | ${num(r.raw)} | ${kb(r.br * total / sum)} |`);
  const rest = table.slice(rows);
  if (rest.length) console.log(`| ${rest.length} more packages | ${num(rest.reduce((a, r) => a + r.raw, 0))} | ${kb(rest.reduce((a, r) => a + r.br, 0) * total / sum)} |`);
  console.log('');
}

if (summary.length > 1 || summary[0].after) {
  console.log('## What each change saves (brotli-11, what a visitor downloads)\n');
  console.log('| module | raw | brotli KB | merged raw | merged brotli KB | the merge (-strip-lines -strip-names) saves |');
  console.log('|---|---|---|---|---|---|');
  for (const s of summary) {
    const a = s.after;
    console.log(`| ${s.name} | ${num(s.raw)} | ${kb(s.br)} | ${a ? num(a.raw) : '–'} | ${a ? kb(a.br) : '–'} | ${a ? `${kb(s.br - a.br)} KB (${((1 - a.br / s.br) * 100).toFixed(1)} %)` : '–'} |`);
  }
  const core = summary.find((s) => s.name === 'engine');
  const lab = summary.find((s) => s.name === 'lab');
  if (core && lab) {
    const c = core.after?.br ?? core.br, l = lab.after?.br ?? lab.br;
    console.log(`\nThe split: the first view loads the core (${kb(c)} KB) instead of every method in one module (the lab build, ${kb(l)} KB): ${kb(l - c)} KB less (${((1 - c / l) * 100).toFixed(1)} %).`);
  }
}
if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
