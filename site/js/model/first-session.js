// first-session.js finds the recorded first session (issue 9's first view):
// at build time scripts/firstsession runs one classic session with the
// starter key in the same engine and the build puts it in the dist
// (build.json's "firstSession": assets/<hash>/first-session.json). The page
// shows it, marked source: 'recorded', until the engine runs a live one.
// No DOM: the caller passes fetch and the site's base URL.

import { withSource } from './page.js';

/**
 * loadFirstSession resolves {session, setup} for the recorded session (setup
 * null when the file has none), or null when this build has none (a
 * development tree, the single-file edition) or it cannot be read: the page
 * then waits for the engine, as before. path, when given, names the file
 * directly (no build.json to read first).
 */
export async function loadFirstSession({ base, fetch = globalThis.fetch, path = '' } = {}) {
  try {
    let file = path;
    if (!file) {
      const res = await fetch(new URL('build.json', base), { cache: 'no-cache' });
      if (!res.ok) return null;
      const build = await res.json();
      file = build && build.firstSession;
      if (!file) return null;
    }
    const res = await fetch(new URL(file, base));
    if (!res.ok) return null;
    return readFirstSession(await res.json());
  } catch {
    return null;
  }
}

/**
 * takeEarlyFirstSession takes the recorded session first-session-start.js
 * began to fetch with the page (issue 9: the session arrives with the code
 * that renders it, not after it): the session itself, {session, setup} or
 * null, when it has arrived and been parsed; else a promise of it; undefined
 * when that script did not fetch it (not a build, the single-file edition),
 * and the caller loads it itself (loadFirstSession).
 */
export function takeEarlyFirstSession(early = globalThis.tlsPlaygroundFirstSession) {
  if (!early || typeof early.promise?.then !== 'function') return undefined;
  if (early.json !== undefined) return early.json === null ? null : readFirstSession(early.json);
  return early.promise.then((json) => readFirstSession(json));
}

/**
 * besideCode names the recorded session where a build puts it, beside the
 * page's code (scripts/sitebuild: assets/<hash>/first-session.json, whose js/
 * holds moduleURL, a module directly in js/), so that no request for
 * build.json precedes it; '' outside a build (a development tree).
 */
export function besideCode(moduleURL) {
  const url = new URL(moduleURL);
  return /\/assets\/[^/]+\/js\/[^/]+\.js$/.test(url.pathname) ? new URL('../first-session.json', url).href : '';
}

/**
 * readFirstSession takes the generator's JSON (scripts/firstsession): the
 * session as newSession returns it plus "recorded" ({by, at, seed, key}),
 * "setup" and "setupState"; or {session: {…}, setup}. It returns {session,
 * setup, state} (state: setupStateOf's, or null), or null for anything that
 * is not a complete session (no records, or an error).
 */
export function readFirstSession(json) {
  if (!json || typeof json !== 'object') return null;
  const session = json.session && typeof json.session === 'object' ? json.session : json; // (a handle id is a string)
  if (!Array.isArray(session.records) || !session.records.length || session.error) return null;
  // The generator's "recorded" member ({by, at, seed, key}) stays on the session: the label reads it.
  const marked = withSource(session, 'recorded');
  const setup = json.setup && typeof json.setup === 'object' ? json.setup : null;
  return { session: marked, setup, state: setupStateOf(setup, json.setupState) };
}

/** der64 is a PEM block's body: its DER in base64, without the armour lines and line breaks. */
function der64(pem) {
  return typeof pem === 'string' ? pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '') : '';
}

/**
 * setupStateOf is the state the engine's setup takes back instead of
 * issuing certificates anew (setup's "state": wasm/setup_state.go), for the
 * certificates the build issued to the starter keys: those of setup (the
 * recording's, PEM) with the intermediate's key and the OCSP response of
 * extra (the file's "setupState"); null when either is incomplete. The
 * engine checks it against the keys it is given and issues anew if anything
 * is off (its answer's stateRefused says why).
 */
export function setupStateOf(setup, extra) {
  if (!setup || !extra || typeof extra !== 'object') return null;
  const state = {
    serverName: setup.serverName,
    keyType: setup.keyType,
    ca: der64(setup.ca && setup.ca.pem),
    intermediate: der64(setup.intermediate && setup.intermediate.pem),
    leaf: der64(setup.leaf && setup.leaf.pem),
    intermediateKey: extra.intermediateKey,
    ocsp: extra.ocsp,
  };
  return Object.values(state).every((v) => typeof v === 'string' && v) ? state : null;
}
