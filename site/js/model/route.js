// route.js reads and writes the URL fragment the page is configured by (no
// DOM: the caller passes the fragment). The fragment holds what a link may
// choose, as URL parameters:
//   #step=5                        classic handshake, step 5 (the first links)
//   #mode=tls13&step=5             mode: classic | ecdhe | tls13
//   #mode=ecdhe&group=secp256r1&key=ecdsa&step=2   group and server key type
//   #server=page&mode=tls13        where the server runs: local (both ends in one
//                                  engine, the default), page (in this page, over
//                                  HTTP), or a URL (server=https://…)
//   #compare                       the side-by-side comparison, run on arrival
//   #attack=eve|mallory|…          the attack lab (lab.js), on that attack
//   #scenario=expired              a certificate failure, run on arrival
//   #view=schedule                 the key schedule (views.js lists every view)
// An embed's <tls-view> element takes the same names as attributes
// (view, mode, group, key, bits, step, attack, scenario, server).

import { normalizeBase } from '../server-url.js';

/** STEPS is how many steps the handshake is told in. */
export const STEPS = 7;

/**
 * parseHash reads a fragment ("#mode=tls13&step=5", with or without '#') as
 * URL parameters. Absent parameters are null (step: 0), so that a bare
 * #step=3 keeps the mode already shown.
 */
export function parseHash(hash) {
  return parseParams(new URLSearchParams(String(hash || '').replace(/^#/, '')));
}

/** parseParams reads the parameters of a fragment (or an element's attributes, as a URLSearchParams). */
export function parseParams(p) {
  const step = Number(p.get('step'));
  return {
    step: Number.isInteger(step) && step >= 1 && step <= STEPS ? step : 0,
    mode: p.get('mode'),
    group: p.get('group'),
    key: p.get('key'),
    bits: p.get('bits') ? Number(p.get('bits')) : null,
    server: p.get('server'),
    compare: p.has('compare') || p.get('view') === 'compare',
    attack: p.get('attack'),
    scenario: p.get('scenario'),
    view: p.get('view'),
  };
}

/** parseServer reads a fragment's server=: local (or absent), page, or a URL. */
export function parseServer(value) {
  if (!value || value === 'local') return { server: 'local', serverURL: '' };
  if (value === 'page') return { server: 'page', serverURL: '' };
  try {
    return { server: 'url', serverURL: normalizeBase(value) };
  } catch {
    return { server: 'local', serverURL: '' };
  }
}

/**
 * hashFor is the fragment that links to a step of a configuration; the
 * classic defaults stay #step=N. modeInfo(mode) gives the mode's id and
 * default group (the catalogue's, from mode-switch.js).
 */
export function hashFor({ mode, group, keyType, keyBits, step, server, serverURL }, modeInfo) {
  const p = new URLSearchParams();
  if (server === 'page') p.set('server', 'page');
  if (server === 'url' && serverURL) p.set('server', serverURL);
  const m = modeInfo(mode);
  if (m.id !== 'classic') p.set('mode', m.id);
  if (group && group !== m.defaultGroup) p.set('group', group);
  if (keyType && keyType !== 'rsa') p.set('key', keyType);
  if (keyType === 'rsa' && keyBits && keyBits !== 2048) p.set('bits', String(keyBits));
  p.set('step', String(step));
  return `#${p}`;
}
