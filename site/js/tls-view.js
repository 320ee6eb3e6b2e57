// tls-view.js defines <tls-view>, a view of the playground that a document
// can hold any number of: each is configured by its attributes (the names of
// a link's fragment, model/route.js and views.js):
//
//   <tls-view view="step" mode="tls13" step="3"></tls-view>
//   <tls-view view="compare"></tls-view>
//   <tls-view view="schedule" mode="ecdhe"></tls-view>
//   <tls-view attack="eve"></tls-view>
//
// On connect it mounts the elements of its view (mountView, which embed.js
// uses too), with ids of its own, and starts a view (view-controller.js)
// scoped to itself: its own store, its own status line, its data-* marks on
// itself (data-state, data-session-mode, data-fragment…), its sessions in
// engine handles of its own in one engine shared by every <tls-view> of the
// document (or the Engine set as its `engine` property before it connects).
// On disconnect the view ends: controllers unsubscribe, handles are released.
// It never scrolls or moves focus on its own (a guest, like an embed).

import { h } from './dom.js';
import { parseView, ATTRIBUTES } from './views.js';
import { createView } from './view-controller.js';

let serial = 0;

/**
 * mountView builds the elements of a view of kind ('step', 'compare',
 * 'schedule', 'attack', 'scenario'). prefix makes the ids unique in a
 * document holding several views ('' keeps the embed's ids).
 */
export function mountView(kind, prefix = '') {
  const id = (name) => (prefix ? `${prefix}-${name}` : name);
  switch (kind) {
    case 'compare':
      return [h('tls-comparison', { id: id('compare') })];
    case 'schedule':
      return [h('tls-key-schedule', { id: id('key-schedule') })];
    case 'attack':
    case 'scenario':
      return [h('section', { class: 'attacks', id: id('attacks'), 'aria-label': 'Attack lab' }, h('tls-attack-lab'))];
    default:
      return [
        h('tls-controls'),
        h('div', { class: 'stage' },
          h('section', { class: 'diagram', 'aria-labelledby': id('diagram-title') },
            h('h2', { id: id('diagram-title'), class: 'visually-hidden' }, 'On the wire'),
            h('tls-sequence-diagram')),
          h('section', { class: 'detail' },
            h('tls-step-panel', { id: id('step-panel') }),
            h('tls-key-share'),
            h('tls-message-composer'))),
      ];
  }
}

/** statusLine is a view's own line saying what the engine does. */
export function statusLine() {
  return h('p', { class: 'engine-status', role: 'status', 'aria-live': 'polite', 'data-testid': 'engine-status' },
    h('span', { class: 'status-text' }, 'Loading the engine…'),
    h('progress', { class: 'busy', hidden: true }),
    h('span', { class: 'elapsed' }));
}

export class TlsView extends HTMLElement {
  constructor() {
    super();
    this.view = null;
    /** engine, if set before connecting: the Engine this view uses (default: the document's shared one). */
    this.engine = null;
    this.idPrefix = `view${++serial}`;
  }

  /** params are the view's configuration: its attributes, as a fragment's parameters. */
  params() {
    const p = new URLSearchParams();
    for (const name of [...ATTRIBUTES, 'server']) {
      if (!this.hasAttribute(name)) continue;
      const v = this.getAttribute(name);
      if (name === 'view' && v === 'compare') p.set('compare', '');
      else if (name === 'view' && v === 'step') continue;
      else p.set(name, v);
    }
    return p;
  }

  connectedCallback() {
    if (this.view) return;
    const params = this.params();
    const { kind } = parseView(`#${params}`);
    this.dataset.view = kind;
    this.replaceChildren(statusLine(), h('div', { class: 'session-error', role: 'alert', 'data-testid': 'session-error', hidden: true }),
      ...mountView(kind, this.idPrefix));
    this.view = createView({ root: this, routed: false, params, marks: this, embedded: true, engine: this.engine });
    this.view.start().catch(() => {});
  }

  disconnectedCallback() {
    if (!this.view) return;
    this.view.dispose();
    this.view = null;
    this.replaceChildren();
  }

  /** store is the view's store ('session', 'step', 'ready', 'busy', 'view'), for scripts. */
  get store() { return this.view ? this.view.store : null; }
}

customElements.define('tls-view', TlsView);
