// engine.mjs loads the built engine (site/dist/assets/engine-<hash>.wasm, named in the
// dist's build.json; TLS_PLAYGROUND_DIST for another dist) under Node the way the page's
// worker does: Go's own wasm_exec.js glue from $(go env GOROOT)/lib/wasm, plus the
// `workers.ready` import that github.com/syumai/workers expects. It returns a small wrapper
// over globalThis.tlsPlayground (see the JS API in the README) that takes and returns
// plain objects instead of JSON strings.
//
// Not a test file itself (node --test runs only *.test.mjs here).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const distDir = path.resolve(process.env.TLS_PLAYGROUND_DIST || path.join(repoRoot, 'site', 'dist'));

/**
 * modulePath is a built module the dist's build.json names (scripts/sitebuild): 'engine' (the
 * core), 'lab' (the whole engine) or 'server' (./wasm/server), the engine when the build has no
 * such module; or, when there is no build yet, build.json itself, so that "not found: build it
 * first" names it.
 */
function modulePath(name) {
  const build = path.join(distDir, 'build.json');
  if (!fs.existsSync(build)) return build;
  const b = JSON.parse(fs.readFileSync(build, 'utf8'));
  return path.join(distDir, b[name] || b.engine);
}

/** wasmPath is the built engine's core, labWasmPath the lab (the whole engine), serverWasmPath the server role. */
export const wasmPath = modulePath('engine');
export const labWasmPath = modulePath('lab');
export const serverWasmPath = modulePath('server');

/** goroot returns $(go env GOROOT); GOROOT in the environment wins when set. */
export function goroot() {
  if (process.env.GOROOT) return process.env.GOROOT;
  return execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
}

/** loadWasmExec defines globalThis.Go from Go's wasm_exec.js, as wasm_exec_node.js does. */
export function loadWasmExec() {
  if (typeof globalThis.Go === 'function') return;
  const wasmExec = path.join(goroot(), 'lib', 'wasm', 'wasm_exec.js');
  if (!fs.existsSync(wasmExec)) {
    throw new Error(`${wasmExec} not found (Go 1.24+ keeps it in lib/wasm)`);
  }
  // Real fs, so that anything Go writes to stdout/stderr (a panic) shows up as such.
  globalThis.fs ??= fs;
  globalThis.require ??= require;
  require(wasmExec);
}

/**
 * loadEngine instantiates the wasm, runs Go (without awaiting: go.run resolves when the
 * program exits) and waits until the program has installed globalThis.tlsPlayground.
 */
export async function loadEngine({ wasm = wasmPath, global = 'tlsPlayground', timeoutMs = 30_000 } = {}) {
  if (!fs.existsSync(wasm)) {
    throw new Error(`${wasm} not found: build it first with "bash scripts/build.sh"`);
  }
  loadWasmExec();
  // github.com/syumai/workers (the server role, wasm/server_js.go) reads
  // globalThis.context.binding when the program starts, whatever its role.
  globalThis.context ??= { binding: {} };
  const go = new globalThis.Go();
  // A second engine in the same process (the lab beside the core, as in the page's worker)
  // installs its API under another global name.
  if (global !== 'tlsPlayground') go.argv = ['engine', `-global=${global}`];
  const importObject = {
    ...go.importObject,
    // syumai/workers imports workers.ready; outside a Worker nothing needs to hear it.
    workers: { ready() {} },
  };
  const t0 = performance.now();
  const { instance } = await WebAssembly.instantiate(fs.readFileSync(wasm), importObject);

  let exited = null;
  let exitCode = null;
  go.exit = (code) => {
    exitCode = code;
  };
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`engine not ready after ${timeoutMs} ms (no globalThis.${global})`)),
      timeoutMs,
    );
    const done = () => {
      if (!globalThis[global]) return false;
      clearTimeout(timer);
      resolve(globalThis[global]);
      return true;
    };
    globalThis[`${global}OnReady`] = done;
    go.run(instance).then(
      () => {
        exited = `Go program exited (code ${exitCode ?? '?'})`;
        clearTimeout(timer);
        reject(new Error(`${exited} before installing globalThis.${global}`));
      },
      (err) => {
        clearTimeout(timer);
        reject(err);
      },
    );
    // go.run runs main synchronously up to its first block: the API may already be there.
    queueMicrotask(done);
  });
  const api = await ready;
  const readyMs = performance.now() - t0;

  const call = async (method, arg) => {
    if (exited) throw new Error(exited);
    const fn = api[method];
    if (typeof fn !== 'function') throw new Error(`globalThis.${global}.${method} is not a function`);
    const json = arg === undefined ? undefined : typeof arg === 'string' ? arg : JSON.stringify(arg);
    const out = json === undefined ? await fn.call(api) : await fn.call(api, json);
    if (typeof out !== 'string') {
      throw new Error(`tlsPlayground.${method} resolved ${typeof out}, want a JSON string`);
    }
    return JSON.parse(out);
  };

  return {
    go,
    api,
    readyMs,
    call,
    setup: (opts) => call('setup', opts),
    generateKey: (opts = {}) => call('generateKey', opts),
    newSession: (opts = {}) => call('newSession', opts),
    send: (opts) => call('send', opts),
    keyUpdate: (opts) => call('keyUpdate', opts),
    close: (opts) => call('close', opts),
    exportSession: (opts) => call('exportSession', opts),
    releaseSession: (id) => call('releaseSession', { session: id }),
    raw: api,
  };
}
