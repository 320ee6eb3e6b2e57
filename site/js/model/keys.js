// keys.js says, for people, which key a session used and when it was made
// (no DOM, no storage: the keyring lives in the view, keystore.js keeps keys
// across visits). A keyring record is {pem, bits, createdAt, source}, where
// source is
//   'starter'   the pair shipped with the page (starter-keys.js): everyone has it;
//   'generated' made by the engine in this browser during this visit;
//   'kept'      made in this browser on an earlier visit and kept (keystore.js).

/** KEY_NAMES name the server key types that are not RSA. */
const KEY_NAMES = { ecdsa: 'ECDSA P-256', ed25519: 'Ed25519' };

/** keyName names a server key for people: RSA-2048, ECDSA P-256, Ed25519 (keyTypes: the catalogue's labels, if any). */
export function keyName(keyType, keyBits, keyTypes = KEY_NAMES) {
  return keyType === 'rsa' ? `RSA-${keyBits}` : keyTypes[keyType] || KEY_NAMES[keyType] || keyType;
}

/** utc formats a time as "2026-11-30 04:40 UTC" (no locale formatting: ICU is slow to start). */
export function utc(ms) {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** keyOrigin says, for people, where a key came from and when it was made. */
export function keyOrigin(rec) {
  if (rec.source === 'starter') return `the starter key shipped with this page, made ${utc(rec.createdAt)}: everyone has it`;
  if (rec.source === 'kept') return `generated in this browser on ${utc(rec.createdAt)}, kept since`;
  return `generated in this browser at ${utc(rec.createdAt)}`;
}

/**
 * certOrigin says, for people, when a setup's certificates were issued
 * (setup: the engine's answer; built: the state given was the build's, for the
 * starter keys; now: when it answered, ms since 1970): by the build, when the
 * engine took those back (issuedAt), in this browser on an earlier visit when
 * it took back the visitor's own, else in this browser now.
 */
export function certOrigin(setup, { built = false, now = Date.now() } = {}) {
  if (!setup.issuedAt) return `issued in this browser at ${utc(now)}`;
  const at = utc(Date.parse(setup.issuedAt));
  const ocsp = setup.ocspSignedAt ? ` (the OCSP response signed in this browser at ${utc(Date.parse(setup.ocspSignedAt))})` : '';
  return built ? `issued when this site was built, ${at}${ocsp}` : `issued in this browser at ${at}, kept since${ocsp}`;
}

/** SETUP_STAGES say what the engine is doing at each stage of setup (pki.Stage). */
export const SETUP_STAGES = {
  'ca-key': () => 'Generating the root CA’s key',
  'server-key': (name) => `Generating the server’s ${name} key`,
  'ca-cert': () => 'Self-signing the root certificate and issuing the intermediate CA’s',
  'leaf-cert': () => 'Issuing the server’s certificate, signed by the intermediate, with two SCTs and an OCSP response',
};
