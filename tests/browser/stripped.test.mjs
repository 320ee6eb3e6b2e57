// The page's code ships without its comments (scripts/sitebuild/strip.go): a
// check of the built site that does not trust the stripper's tokenizer.
// Every .js file of the dist parses as what it is (node --check: a module,
// or a classic script: Go's glue, the engine worker, the early scripts, the
// service worker). And each file of site/js, line by line, is its source
// line (its indentation may go), or the source line with only a comment cut
// off its end, or an empty line where the source had a comment's line: a regular expression or a
// division taken for the other would show here as a cut that is not one. The modules of a page's
// bundle (scripts/sitebuild/bundle.go; build.json bundles) are checked in it, through its source
// map: every line of each is there once, in order, the same way, but for what the bundler cuts
// (import statements, the word export) and rewrites (an import()'s path, from the bundle's folder);
// so are their stand-ins (the module's code on its lines, after the stand-in's own text on line 1).
// No browser: it reads the dist (TLS_PLAYGROUND_DIST, as the others).
//
//   TLS_PLAYGROUND_DIST=/tmp/dist node --test tests/browser/stripped.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { SourceMap } from 'node:module';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import { root, dist, build } from './helpers.mjs';

/** files lists the files under dir, recursively, relative to it. */
function files(dir, base = dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? files(p, base) : [path.relative(base, p)];
  });
}

// The classic scripts: loaded with <script src> (no type=module), as a worker, or as the service worker.
const CLASSIC = new Set(['wasm_exec.js', 'js/engine-worker.js', 'js/engine-start.js', 'js/first-session-start.js', 'js/boot.js']);

test('every .js file the site ships parses, as a module or as a classic script', () => {
  const b = build();
  const code = path.join(dist, b.assets);
  const all = [
    ...files(code).filter((f) => f.endsWith('.js')).map((f) => ({ file: path.join(code, f), classic: CLASSIC.has(f) })),
    { file: path.join(dist, 'sw.js'), classic: true },
  ];
  assert.ok(all.length > 40, `only ${all.length} files found in ${code}`);
  for (const { file, classic } of all) {
    const src = readFileSync(file);
    try {
      execFileSync(process.execPath, ['--check', `--input-type=${classic ? 'commonjs' : 'module'}`], { input: src, stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (err) {
      assert.fail(`${path.relative(dist, file)} does not parse as ${classic ? 'a classic script' : 'a module'}:\n${err.stderr}`);
    }
  }
});

/** comment says whether text (a line's end, trimmed) is where a comment starts, or a line inside a block comment. */
const comment = (text) => text.startsWith('//') || text.startsWith('/*') || text.startsWith('*');

const IMPORT_PATH = /\bimport\(\s*['"][^'"]+['"]\s*\)/g;

/**
 * compare checks the shipped lines out (out[i]: source line i + 1) of js/f against its source src;
 * bundled, what the bundler cuts and rewrites is allowed too. → the number of lines that differ.
 */
function compare(f, src, out, bundled = false) {
  let cut = 0;
  let inBlock = false;
  let inImport = false; // a bundled import statement over several lines (emptied)
  for (let i = 0; i < src.length; i++) {
    // Indentation goes too (outside literals; a template literal's lines keep theirs).
    let s = src[i].trimStart();
    let o = out[i].trimStart();
    const where = `js/${f}:${i + 1}`;
    if (bundled) {
      s = s.replace(IMPORT_PATH, 'import(…)');
      o = o.replace(IMPORT_PATH, 'import(…)');
      const statement = /^(import\b(?!\()|export\s*\{)/.test(s);
      if (o === '' && (statement || inImport)) {
        inImport = !/;\s*(\/\/.*)?$/.test(s);
        cut++;
        continue;
      }
      s = s.replace(/^export (?=(const|function|async function|class)\b)/, '');
    }
    if (o === s) continue;
    cut++;
    if (o === '') {
      assert.ok(inBlock || comment(s.trim()), `${where}: a line emptied that is not a comment: ${JSON.stringify(src[i])}`);
    } else {
      assert.ok(s.startsWith(o), `${where}: changed, not cut: ${JSON.stringify(src[i])} → ${JSON.stringify(out[i])}`);
      assert.ok(comment(s.slice(o.length).trim()), `${where}: what was cut is not a comment: ${JSON.stringify(s.slice(o.length))}`);
    }
    // A block comment that goes on to the next line (its lines are emptied too).
    const rest = inBlock ? s : s.slice(o.length);
    const open = rest.lastIndexOf('/*');
    const close = rest.lastIndexOf('*/');
    if (open > close) inBlock = true;
    else if (close >= 0) inBlock = false;
  }
  return cut;
}

/**
 * mapped reads a bundle's source map with Node's own reader (node:module SourceMap, as a
 * debugger would): → Map(module → its lines in the bundle, by source line from 0).
 */
function mapped(bundleFile) {
  const payload = JSON.parse(readFileSync(`${bundleFile}.map`, 'utf8'));
  const map = new SourceMap(payload);
  const lines = readFileSync(bundleFile, 'utf8').split('\n');
  const by = new Map(payload.sources.map((s) => [s, []]));
  lines.forEach((text, i) => {
    const e = map.findEntry(i, 0);
    if (e.generatedLine !== i || !e.originalSource) return; // a line of the bundle's own
    const got = by.get(e.originalSource);
    assert.ok(got, `${bundleFile}:${i + 1}: maps to ${e.originalSource}, which the map does not list`);
    assert.equal(got.length, e.originalLine, `${bundleFile}:${i + 1}: maps to ${e.originalSource}:${e.originalLine + 1}, after its line ${got.length}`);
    got.push(text);
  });
  return by;
}

test('the stripped code is its source with only comments cut: line by line', () => {
  const b = build();
  const code = path.join(dist, b.assets);
  const sources = files(path.join(root, 'site/js')).filter((f) => f.endsWith('.js'));
  const bundled = new Set(Object.values(b.bundles || {}).flat());
  let cut = 0;
  for (const f of sources) {
    if (f === 'engine-worker.js') continue; // Go's glue comes first there: its lines are not the source's
    const built = path.join(code, 'js', f);
    if (!existsSync(built)) continue;
    const src = readFileSync(path.join(root, 'site/js', f), 'utf8').split('\n');
    let out = readFileSync(built, 'utf8').split('\n');
    const bundle = Object.keys(b.bundles || {}).find((p) => p === `js/${f}`);
    if (bundle) continue; // a page's bundle (at its first module's path), below
    if (bundled.has(f)) {
      // A stand-in: the module's lines on their lines, after the stand-in's own text on its first
      // line (its imports, the registry's), then a few lines of its own after the last.
      const open = "function () { 'use strict'; ";
      assert.ok(out[0].includes(open), `js/${f}: a bundled module's file is not its stand-in: ${JSON.stringify(out[0].slice(0, 200))}`);
      out = [out[0].slice(out[0].indexOf(open) + open.length), ...out.slice(1, src.length)];
      cut += compare(f, src, out, true);
      continue;
    }
    assert.equal(out.length, src.length, `js/${f}: ${out.length} lines shipped, ${src.length} in the source`);
    cut += compare(f, src, out);
  }

  // Each bundle: every module it holds, each line once and in order.
  for (const [bundle, modules] of Object.entries(b.bundles || {})) {
    const by = mapped(path.join(code, bundle));
    assert.deepEqual([...by.keys()].sort(), [...modules].sort(), `${bundle}'s map names other modules than build.json`);
    for (const f of modules) {
      const src = readFileSync(path.join(root, 'site/js', f), 'utf8').split('\n');
      const out = by.get(f);
      assert.equal(out.length, src.length, `js/${f} in ${bundle}: ${out.length} lines, ${src.length} in the source`);
      cut += compare(f, src, out, true);
    }
  }
  assert.ok(cut > 1000, `only ${cut} lines stripped: is the dist built by scripts/build.sh?`);
  assert.ok(Object.keys(b.bundles || {}).length >= 2, `build.json names ${Object.keys(b.bundles || {}).length} bundles: index.html's and embed.html's`);
});
