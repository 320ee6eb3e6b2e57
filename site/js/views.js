// views.js is the one list of the views a link, an embed or the full page can
// show, and of how each is written as a URL fragment. The full page (app.js, a routed view)
// reads the same fragments; an embed (embed.html, embed.js) shows one view
// without the page's chrome; the host script (tls-playground.js) turns a
// <tls-playground> element's attributes into the same fragment.
//
//   kind       fragment                                  what it shows
//   step       #step=5, #mode=tls13&step=5 (group=, key=, bits=)   a step of a handshake
//   compare    #compare (or #view=compare)               classic and TLS 1.3 side by side
//   schedule   #view=schedule&mode=tls13                 the key schedule of a session
//   attack     #attack=eve|mallory|downgrade|certificates|tamper|bleichenbacher|resumption (mode=…)
//   scenario   #scenario=expired (mode=…)                a certificate failure, run on arrival

import { modeInfo } from './components/mode-switch.js';
import { ATTACKS } from './lab.js';

/** KINDS are the views, with a title for people and the height an embed starts at (px). */
export const KINDS = {
  step: { title: 'a step of the handshake', height: 760 },
  compare: { title: 'classic and TLS 1.3 side by side', height: 900 },
  schedule: { title: 'the key schedule', height: 700 },
  attack: { title: 'an attack', height: 900 },
  scenario: { title: 'a certificate failure', height: 900 },
};

/** ATTRIBUTES are the parameters a view takes, in the order a fragment lists them. */
export const ATTRIBUTES = ['view', 'mode', 'group', 'key', 'bits', 'step', 'attack', 'scenario'];

/** SANDBOX is what an embed's iframe allows: its own scripts and worker, downloads, links opened in a new tab. */
export const SANDBOX = 'allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-downloads';

/**
 * parseView reads a fragment (with or without '#') as a view:
 * {kind, params} where params is the fragment's URLSearchParams.
 */
export function parseView(hash) {
  const params = new URLSearchParams(String(hash || '').replace(/^#/, ''));
  const view = params.get('view');
  let kind = 'step';
  if (params.has('scenario')) kind = 'scenario';
  else if (params.has('attack')) kind = 'attack';
  else if (params.has('compare') || view === 'compare') kind = 'compare';
  else if (view === 'schedule') kind = 'schedule';
  return { kind, params };
}

/** titleOf names a view for people: "TLS 1.3, step 5", "Eve, the eavesdropper"… */
export function titleOf({ kind, params }) {
  const mode = modeInfo(params.get('mode') || 'classic');
  switch (kind) {
    case 'compare': return 'Classic TLS 1.2 and TLS 1.3, side by side';
    case 'schedule': return `The key schedule (${mode.label})`;
    case 'attack': {
      const a = ATTACKS.includes(params.get('attack')) ? params.get('attack') : 'eve';
      return `Attack: ${a} (${mode.label})`;
    }
    case 'scenario': return `Certificate failure: ${params.get('scenario')} (${mode.label})`;
    default: return `${mode.label}, step ${params.get('step') || 1} of 7`;
  }
}

/**
 * fragmentFor writes the fragment of a view of the page's state:
 * kind 'step' | 'schedule' | 'compare' | 'attack' (the attack or scenario the lab shows).
 * state: {mode, group, keyType, keyBits, step}; lab: {attack, scenario}.
 */
export function fragmentFor(kind, state, lab = {}) {
  const p = new URLSearchParams();
  const m = modeInfo(state.mode);
  const config = () => {
    if (m.id !== 'classic') p.set('mode', m.id);
    if (state.group && state.group !== m.defaultGroup) p.set('group', state.group);
    if (state.keyType && state.keyType !== 'rsa') p.set('key', state.keyType);
    if (state.keyType === 'rsa' && state.keyBits && state.keyBits !== 2048) p.set('bits', String(state.keyBits));
  };
  switch (kind) {
    case 'compare': return '#compare';
    case 'schedule': p.set('view', 'schedule'); config(); break;
    case 'attack':
      if (m.id !== 'classic') p.set('mode', m.id);
      if (lab.scenario && lab.attack === 'certificates') p.set('scenario', lab.scenario);
      else p.set('attack', lab.attack || 'eve');
      break;
    default: config(); p.set('step', String(state.step || 1));
  }
  return `#${p}`;
}

/**
 * snippets gives the two ways to embed a view: a plain <iframe> (for hosts
 * that take only HTML) and the <tls-playground> element with its script.
 * base is the site's URL (ending in /), fragment a view's fragment.
 */
export function snippets(base, fragment) {
  const view = parseView(fragment);
  const src = new URL(`embed.html${fragment}`, base).href;
  const title = `TLS Playground: ${titleOf(view)}`;
  const iframe = `<iframe src="${escapeAttr(src)}" title="${escapeAttr(title)}" width="100%" height="${KINDS[view.kind].height}" frameborder="0" loading="lazy" sandbox="${SANDBOX}" allow="clipboard-write"></iframe>`;
  const attrs = [];
  if (view.kind === 'compare' || view.kind === 'schedule') attrs.push(['view', view.kind]);
  for (const name of ATTRIBUTES) {
    if (name === 'view' || !view.params.has(name)) continue;
    attrs.push([name, view.params.get(name)]);
  }
  const element = `<script src="${escapeAttr(new URL('tls-playground.js', base).href)}" defer></script>\n`
    + `<tls-playground${attrs.map(([k, v]) => ` ${k}="${escapeAttr(v)}"`).join('')}></tls-playground>`;
  return { iframe, element, src, title };
}

function escapeAttr(v) {
  return String(v).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
