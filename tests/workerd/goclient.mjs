// goclient.mjs builds and runs tests/workerd/client, the engine's native client over the HTTP
// flight protocol (see its package comment), for the suites that need a real TLS client on the
// other end of an HTTP server: tests/workerd (the Worker under workerd) and
// tests/node/server.test.mjs (the in-page server, bridged to a socket).
//
// Not a test file itself.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * buildClient compiles the client into a fresh temporary folder; returns {bin, dir}. With
 * TLSPLAY_CLIENT=PATH it copies a client built before instead (benches on a tree that others are
 * editing: `go build -o PATH ./tests/workerd/client` once).
 */
export function buildClient() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlsplay-client-'));
  const bin = path.join(dir, 'client');
  if (process.env.TLSPLAY_CLIENT) {
    fs.copyFileSync(process.env.TLSPLAY_CLIENT, bin);
    fs.chmodSync(bin, 0o755);
    return { bin, dir };
  }
  execFileSync('go', ['build', '-o', bin, './tests/workerd/client'], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  return { bin, dir };
}

/**
 * makeIdentity returns a fresh identity {certPem, keyPem, tokenKey, trustPem, serverName}
 * and writes trustPem to dir/root.pem ({...identity, trustFile}).
 */
export function makeIdentity(bin, dir, { key = 'rsa' } = {}) {
  const id = JSON.parse(execFileSync(bin, ['identity', '-key', key], { encoding: 'utf8' }));
  const trustFile = path.join(dir, `root-${key}.pem`);
  fs.writeFileSync(trustFile, id.trustPem);
  return { ...id, trustFile };
}

/**
 * runClient runs `client <args>` and resolves {code, stdout, stderr} (never rejects on a
 * non-zero exit: the caller asserts). timeoutMs bounds it.
 */
export function runClient(bin, args, { timeoutMs = 120_000 } = {}) {
  return new Promise((resolve) => {
    execFile(bin, args, { timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr, error: err });
    });
  });
}

/** jsonLines parses the JSON lines of a `-json` run (other lines are skipped). */
export function jsonLines(stdout) {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
}
