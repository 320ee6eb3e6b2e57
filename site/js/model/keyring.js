// keyring.js holds the keys a view's setups use, so that nobody waits for
// RSA key generation (no DOM: the caller passes where keys are kept). The
// keyring has the root CA's key ('ca') and a server key per RSA size
// ('rsa-2048', …), each {name, pem, bits, createdAt, source} (model/keys.js
// says what each source means to people):
//   'starter'   the pair shipped with the page (starter-keys.js): everyone has it;
//   'generated' made by the engine in this browser during this visit;
//   'kept'      made in this browser on an earlier visit and kept (keystore.js).
// A first visit starts with the starter pair, then the engine makes a fresh
// pair in the worker while the visitor reads; the next session uses it. A
// later visit finds the kept pair and generates nothing. ECDSA and Ed25519
// server keys are made on demand (milliseconds) and not kept here; an RSA
// size never made before is generated on demand, with progress, and kept.

/** KEPT are the keys a browser may keep across visits. */
const KEPT = ['ca', 'rsa-2048', 'rsa-3072', 'rsa-4096'];

/**
 * createKeyring makes an empty keyring.
 *   load(name)  resolves a kept key record or null (keystore.js's loadKey)
 *   save(rec)   keeps a record across visits, may reject (keystore.js's saveKey)
 *   starter     the starter pair: {ca, server, bits, made} (starter-keys.js)
 *   loadState(name), saveState(name, state)  the same for the certificates a setup issued to
 *               the visitor's own RSA keys (keystore.js's loadSetupState, saveSetupState)
 */
export function createKeyring({ load, save, starter, loadState = async () => null, saveState = async () => false }) {
  /** ring maps a key's name to its record. */
  const ring = {};
  /** states maps an RSA key's name ('rsa-2048') to the setup state kept for it and the kept root key. */
  const states = {};
  const starterAt = Date.parse(starter.made);
  const fromStarter = (name, pem) => ({ name, pem, bits: starter.bits, createdAt: starterAt, source: 'starter' });

  return {
    ring,
    /** fill reads the keys kept in this browser (unless starterOnly), and the starter pair where none is kept. */
    async fill({ starterOnly = false } = {}) {
      const kept = starterOnly ? [] : await Promise.all(KEPT.map((n) => load(n)));
      for (const k of kept) if (k) ring[k.name] = { ...k, source: 'kept' };
      // The certificates issued for the kept pair on an earlier visit (read only where the pair is).
      if (ring.ca && ring['rsa-2048']) {
        const state = await loadState('setup-rsa-2048').catch(() => null);
        if (state) states['rsa-2048'] = state;
      }
      if (!ring.ca) ring.ca = fromStarter('ca', starter.ca);
      if (!ring['rsa-2048']) ring['rsa-2048'] = fromStarter('rsa-2048', starter.server);
    },
    /** keep records a key the engine just made, here and (if the browser lets it) across visits. */
    keep(name, pem, bits) {
      const rec = { name, pem, bits, createdAt: Date.now(), source: 'generated' };
      ring[name] = rec;
      save(rec).catch(() => {});
      return rec;
    },
    /** keysFor is what a setup of keyType (and keyBits) would use now: {ca, server} records (server null: generate). */
    keysFor(keyType, keyBits) {
      return { ca: ring.ca || null, server: keyType === 'rsa' ? ring[`rsa-${keyBits}`] || null : null };
    },
    /**
     * stateFor is the setup state kept for the visitor's own RSA key of keyBits, or null
     * (the engine checks it against the keys it is given, and issues anew if it does not fit).
     */
    stateFor(keyBits) {
      return states[`rsa-${keyBits}`] || null;
    },
    /** keepState keeps the state a setup answered for the visitor's own RSA key of keyBits, here and across visits. */
    keepState(keyBits, state) {
      states[`rsa-${keyBits}`] = state;
      saveState(`setup-rsa-${keyBits}`, state).catch(() => {});
    },
    /** forget drops the given records (keys the engine refused, e.g. a damaged store). */
    forget(records) {
      for (const n of Object.keys(ring)) if (records.includes(ring[n])) delete ring[n];
    },
    /** stale names the keys of the default pair that are still the starter's (or missing): the ones to make fresh. */
    stale() {
      return ['ca', 'rsa-2048'].filter((n) => !ring[n] || ring[n].source === 'starter');
    },
  };
}
