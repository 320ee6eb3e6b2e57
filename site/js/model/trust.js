// trust.js keeps the roots a visitor trusted for servers at a URL, and says
// whether the page may reach a URL at all (no DOM: the caller passes the
// storage and the page's origin).

/** TRUST_STORE is the storage key of the trusted roots. */
export const TRUST_STORE = 'tls-playground:trusted-roots';

/** trustedRoots reads the roots the visitor trusted, by server URL: {url: {fingerprint, pem, at}}. */
export function trustedRoots(storage) {
  try {
    return JSON.parse(storage.getItem(TRUST_STORE) || '{}') || {};
  } catch {
    return {};
  }
}

/** saveTrustedRoots keeps roots; without storage (private mode, a sandboxed frame) trust lasts for this page only. */
export function saveTrustedRoots(storage, roots) {
  try {
    storage.setItem(TRUST_STORE, JSON.stringify(roots));
  } catch {
    // nothing kept
  }
}

/**
 * allowedByCSP throws when the page's Content-Security-Policy (connect-src
 * 'self' https: http://localhost:* http://127.0.0.1:*) would block the URL,
 * so that the visitor reads why instead of "Failed to fetch".
 */
export function allowedByCSP(base, origin) {
  const u = new URL(base);
  if (u.origin === origin || u.protocol === 'https:') return;
  if (u.hostname === 'localhost' || u.hostname === '127.0.0.1') return;
  throw new Error(`${base}: this page may reach a server over https://, or over http:// only on this machine (localhost, 127.0.0.1); its Content-Security-Policy blocks the rest`);
}

/**
 * trustFor decides whether the root a server presents (info: its GET /tls/info
 * answer, {info: {rootPem}, rootFingerprint}) is the one trusted before (known).
 */
export function trustFor(out, known) {
  const pem = out.info.rootPem || '';
  let trust = { trusted: false, pem, fingerprint: out.rootFingerprint };
  if (known && pem && (out.rootFingerprint ? known.fingerprint === out.rootFingerprint : known.pem === pem)) {
    trust = { ...trust, trusted: true, remembered: known.at };
  } else if (known && pem) {
    trust = { ...trust, changed: { was: known.fingerprint || '', now: out.rootFingerprint || '' } };
  } else if (known && !pem && known.pem) {
    trust = { trusted: true, pem: known.pem, fingerprint: known.fingerprint, remembered: known.at };
  }
  return trust;
}
