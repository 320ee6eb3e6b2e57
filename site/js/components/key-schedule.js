// <tls-key-schedule> draws a session's key schedule (session.keySchedule.nodes,
// a DAG whose `from` lists each node's parents) as a layered tree in SVG:
// the inputs at the top, each derived value one row below the last of its
// parents, the traffic keys at the bottom. Each node shows its name and the
// operation that made it; values that belong to one side take that side's
// colour. Clicking or focusing a node shows its bytes below the drawing and
// highlights the path it was derived along.
//
// Properties: session (Session JSON). It renders in a task of its own, after
// the one that set it (issue 9: the tree is below the first screen).
// Attributes it sets: data-nodes (how many values are drawn).

import { h, s, classes, soon, laterFrame } from '../dom.js';
import { linkTerms } from './glossary.js';
import { hexBlock } from './values.js';
import { scrollable } from './scroll-hint.js';

const NODE_W = 172;
const NODE_H = 58;
const GAP_X = 14;
const PITCH_X = NODE_W + GAP_X;
const ROW_H = NODE_H + 42;
const PAD = 12;
const LINE_CHARS = 25;  // a label line, in characters, before it wraps

let instances = 0;

export class KeySchedule extends HTMLElement {
  constructor() {
    super();
    this.uid = `key-schedule-${++instances}`;
    this._session = null;
    this._selected = null;
  }

  set session(v) { if (v !== this._session) { this._session = v; this.later(); } }
  get session() { return this._session; }

  connectedCallback() {
    if (!this._wired) {
      this._wired = true;
      this.addEventListener('click', (e) => this.pick(e));
      this.addEventListener('focusin', (e) => this.pick(e));
      this.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') this.pick(e);
        if (e.key === 'Escape' && this._selected) { this.select(null); e.preventDefault(); }
        if (e.key.startsWith('Arrow') && this.move(e)) {
          // The arrows move within the tree here, not between the page's steps.
          e.preventDefault();
          e.stopPropagation();
        }
      });
    }
    this.later();
  }

  /**
   * later renders in a task of its own: a new session or a mode switch
   * changes the step and the diagram first, and the tree is laid out and
   * drawn after (issue 9: no long task). Whatever changes in one task
   * renders once. data-nodes says how many values are drawn, once drawn.
   */
  later() {
    if (!this._later) this._later = () => this.render();
    // The first tree (at load) comes two frames after the rest, a frame after the
    // sequence diagram's: each in a frame of its own (dom.js laterFrame).
    if (!this._shape && this._session) laterFrame(this, this._later, 2);
    else soon(this, this._later);
  }

  pick(e) {
    const g = e.target.closest && e.target.closest('[data-node]');
    if (g) {
      if (e.type === 'keydown') e.preventDefault();
      this.select(g.dataset.node);
      return;
    }
    const jump = e.target.closest && e.target.closest('[data-goto]');
    if (jump && e.type === 'click') {
      const target = this.querySelector(`g[data-node="${CSS.escape(jump.dataset.goto)}"]`);
      if (target) target.focus(); else this.select(jump.dataset.goto);
    }
  }

  /**
   * move follows an arrow key from the focused node: left and right along
   * its row, up to its first parent, down to its first child. The tree is
   * one Tab stop (a roving tabindex); the arrows do the rest.
   */
  move(e) {
    const g = e.target.closest && e.target.closest('g[data-key]');
    const it = g && this.layout && this.layout.byKey.get(g.dataset.key);
    if (!it) return false;
    let next = null;
    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      const row = this.layout.rows[it.layer];
      next = row[row.indexOf(it) + (e.key === 'ArrowLeft' ? -1 : 1)];
    } else if (e.key === 'ArrowUp') {
      next = it.parents[0];
    } else if (e.key === 'ArrowDown') {
      next = it.children[0];
    }
    if (!next) return true;
    const target = this.querySelector(`g[data-key="${CSS.escape(next.key)}"]`);
    if (target) target.focus(); // focusin selects it and makes it the Tab stop
    return true;
  }

  render() {
    if (!this.isConnected) return;
    const session = this._session;
    const nodes = (session && session.keySchedule && session.keySchedule.nodes) || [];
    this.dataset.nodes = String(nodes.length);
    const titleID = `${this.uid}-title`;
    if (!nodes.length) {
      this._shape = '';
      this.replaceChildren(h('section', { class: 'key-schedule', 'aria-labelledby': titleID },
        h('h2', { id: titleID }, 'The key schedule'),
        h('p', { class: 'explanation' }, session
          ? 'This session derived no keys (the handshake did not get that far).'
          : 'The tree of derived secrets appears once the engine has run a handshake.')));
      this.byID = new Map();
      return;
    }
    this.byID = new Map(nodes.map((n) => [n.id, n]));
    if (this._selected && !this.byID.has(this._selected)) this._selected = null;
    // The tree shows the values' names and how they derive, never their bytes:
    // a session with the same tree (a new session of the same handshake) keeps
    // the drawing and shows the new bytes of the value selected.
    const shape = JSON.stringify([session.mode, session.version, Boolean(session.ems),
      nodes.map(({ hex, transcript, ...rest }) => rest)]);
    if (shape === this._shape && this.detail && this.detail.isConnected && this.contains(this.detail)) {
      this.select(this._selected);
      return;
    }
    this._shape = shape;
    const layout = layoutTree(nodes);
    this.layout = layout;
    const tls13 = session.mode === 'tls13';
    const svg = drawTree(layout, this.uid, session);

    this.detail = h('div', { class: 'ks-detail', 'aria-live': 'polite', 'data-testid': 'ks-detail' });
    this.replaceChildren(h('section', { class: 'key-schedule', 'aria-labelledby': titleID },
      h('h2', { id: titleID }, 'The key schedule: from the secrets to the traffic keys'),
      h('p', { class: 'explanation' }, linkTerms(tls13
        ? 'TLS 1.3 derives everything with HKDF: Extract mixes a new secret in (first nothing, then the key exchange\'s shared secret, then nothing again), Derive-Secret and Expand-Label branch off a secret per purpose, bound to the transcript hash at that point. Select a value to see its bytes and the path it came from.'
        : `TLS 1.2 derives everything with its PRF (HMAC-SHA-256 or SHA-384): ${session.ems
          ? 'the pre-master secret and the session hash (a hash of the handshake from ClientHello up to and including ClientKeyExchange: this session used the extended master secret)'
          : 'the pre-master secret and the two randoms (this session did not use the extended master secret)'} give the master secret, which expands into a key block cut into each side\'s key and IV. Select a value to see its bytes and the path it came from.`)),
      h('ul', { class: 'ks-legend', 'aria-label': 'Legend' },
        h('li', { class: 'input' }, 'input'),
        h('li', { class: 'client' }, 'client\'s'),
        h('li', { class: 'server' }, 'server\'s'),
        h('li', { class: 'neutral' }, 'shared by both')),
      // Shown only while the tree is wider than its box (.ks-scroll.scrolls).
      h('p', { class: 'ks-hint', 'aria-hidden': 'true' }, 'Swipe sideways to see the whole tree →'),
      scrollable(h('div', { class: 'ks-scroll' }, svg), 'Key schedule tree'),
      this.detail));
    this.nodeEls = new Map();
    for (const g of svg.querySelectorAll('g[data-node]')) {
      if (!this.nodeEls.has(g.dataset.node)) this.nodeEls.set(g.dataset.node, []);
      this.nodeEls.get(g.dataset.node).push(g);
    }
    this.edgeEls = [...svg.querySelectorAll('path.ks-edge')];
    fitText(svg);
    // On a narrow screen the tree scrolls sideways: start at its trunk, in the middle.
    const scroller = this.querySelector('.ks-scroll');
    requestAnimationFrame(() => { scroller.scrollLeft = (scroller.scrollWidth - scroller.clientWidth) / 2; });
    this.select(this._selected);
  }

  /** select shows one node's value and highlights its ancestry (null: none). */
  select(id) {
    const node = id && this.byID.get(id);
    this._selected = node ? id : null;
    if (!this.detail) return;
    const lineage = new Set();
    if (node) {
      const walk = (nid) => {
        if (lineage.has(nid)) return;
        lineage.add(nid);
        for (const p of (this.byID.get(nid) || {}).from || []) walk(p);
      };
      walk(id);
    }
    for (const [nid, els] of this.nodeEls) {
      for (const g of els) {
        g.classList.toggle('selected', nid === this._selected);
        g.classList.toggle('lineage', Boolean(node) && lineage.has(nid) && nid !== this._selected);
        g.classList.toggle('dim', Boolean(node) && !lineage.has(nid));
        g.setAttribute('aria-pressed', String(nid === this._selected));
      }
    }
    for (const e of this.edgeEls) {
      const on = Boolean(node) && lineage.has(e.dataset.to) && lineage.has(e.dataset.from);
      e.classList.toggle('lineage', on);
      e.classList.toggle('dim', Boolean(node) && !on);
    }
    this.dataset.selected = this._selected || '';
    // One Tab stop: the focused value, else the selected one, else the first.
    const active = document.activeElement;
    const focused = active && this.contains(active) && active.closest('g[data-key]');
    const stop = focused || (this._selected && (this.nodeEls.get(this._selected) || [])[0]) || this.querySelector('g[data-key]');
    for (const g of this.querySelectorAll('g[data-key]')) g.setAttribute('tabindex', g === stop ? '0' : '-1');
    this.detail.replaceChildren(...(node ? this.describe(node) : [
      h('p', { class: 'explanation' }, 'Select a value in the tree (click it, or Tab to the tree and move with the arrow keys) to see its bytes, the operation that made it and what it was made from.'),
    ]));
  }

  describe(node) {
    const parents = (node.from || []).map((p) => this.byID.get(p)).filter(Boolean);
    const children = [...this.byID.values()].filter((n) => (n.from || []).includes(node.id));
    const ref = (n) => h('button', { type: 'button', class: classes('ks-ref', sideOf(n)), 'data-goto': n.id }, n.label);
    const list = (ns) => ns.map((n, i) => [i ? ' ' : '', ref(n)]);
    return [
      h('h3', { class: sideOf(node) }, node.label,
        node.secret ? h('span', { class: 'secret-badge', title: 'secret: never sent in the clear' }, 'secret') : null),
      h('dl', { class: 'values' },
        h('div', { class: 'value' }, h('dt', { class: 'label' }, 'Made by'),
          h('dd', null, isInput(node) ? h('p', null, 'an input of the key schedule', node.op && node.op !== 'input' ? [': ', h('code', null, node.op)] : '') : h('p', null, h('code', null, node.op || '')))),
        parents.length ? h('div', { class: 'value' }, h('dt', { class: 'label' }, 'From'), h('dd', null, list(parents))) : null,
        node.transcript ? h('div', { class: 'value' }, h('dt', { class: 'label' }, 'Transcript hash'),
          h('dd', null, hexBlock(node.transcript, { label: 'Transcript hash' }),
            h('p', { class: 'explanation' }, 'The hash of the handshake messages so far: this value is bound to exactly this conversation.'))) : null,
        h('div', { class: classes('value', node.secret && 'secret') }, h('dt', { class: 'label' }, 'Value'),
          h('dd', null, hexBlock(node.hex || '', { testid: 'ks-hex', label: node.label }))),
        children.length ? h('div', { class: 'value' }, h('dt', { class: 'label' }, 'Used for'), h('dd', null, list(children))) : null),
    ];
  }
}

/** isInput tells whether a node is an input of the schedule (no parents). */
function isInput(n) {
  return !(n.from && n.from.length) || n.op === 'input';
}

/** sideOf returns 'client', 'server' or 'neutral': whose secret the engine says a node is (its `side`). */
export function sideOf(n) {
  return n.side === 'client' || n.side === 'server' ? n.side : 'neutral';
}

const SIDE_RANK = { client: 0, neutral: 1, server: 2 };

/**
 * layoutTree places the nodes in layers. A derived node sits one layer below
 * its lowest parent; an input sits just above the first value that uses it
 * (so the key exchange's secret enters the TLS 1.3 tree where it is mixed
 * in), and an input used at several depths is drawn once per use. Within a
 * layer, nodes are ordered by where their parents (or children) are, client
 * before server, and spaced by isotonic regression so that each sits as
 * close as it can to the middle of its parents.
 *
 * Returns {items: [{key, node, layer, x, y, parents, children}], edges: [{from, to}],
 * rows (items by layer, left to right), byKey, width, height}.
 */
export function layoutTree(nodes) {
  const byID = new Map(nodes.map((n) => [n.id, n]));
  const parentsOf = (n) => (n.from || []).filter((p) => byID.has(p) && p !== n.id);
  const childrenOf = new Map(nodes.map((n) => [n.id, []]));
  for (const n of nodes) for (const p of parentsOf(n)) childrenOf.get(p).push(n.id);

  // Layers of the derived nodes: the longest path from an input.
  const layer = new Map();
  const visiting = new Set();
  const depth = (id) => {
    if (layer.has(id)) return layer.get(id);
    if (visiting.has(id)) return 0; // a cycle: not a key schedule, but draw it anyway
    visiting.add(id);
    const ps = parentsOf(byID.get(id));
    const d = ps.length ? 1 + Math.max(...ps.map(depth)) : 0;
    visiting.delete(id);
    layer.set(id, d);
    return d;
  };
  nodes.forEach((n) => depth(n.id));

  // Items: one per derived node, one per (input, layer of its users).
  const items = [];
  const itemOf = new Map(); // node id -> item (derived) | Map(layer -> item) (inputs)
  nodes.forEach((n, index) => {
    const kids = childrenOf.get(n.id);
    if (parentsOf(n).length || !kids.length) {
      const it = { key: n.id, node: n, layer: layer.get(n.id), index, side: SIDE_RANK[sideOf(n)] };
      items.push(it);
      itemOf.set(n.id, it);
      return;
    }
    const perLayer = new Map();
    for (const k of kids) {
      const l = Math.max(0, layer.get(k) - 1);
      if (!perLayer.has(l)) {
        const it = { key: perLayer.size ? `${n.id}@${l}` : n.id, node: n, layer: l, index, side: SIDE_RANK[sideOf(n)] };
        perLayer.set(l, it);
        items.push(it);
      }
    }
    itemOf.set(n.id, perLayer);
  });
  const edges = [];
  for (const n of nodes) {
    const to = itemOf.get(n.id);
    if (!to || to instanceof Map) continue;
    for (const p of parentsOf(n)) {
      const from = itemOf.get(p);
      const src = from instanceof Map ? from.get(to.layer - 1) || [...from.values()][0] : from;
      if (src) edges.push({ from: src, to });
    }
  }
  for (const it of items) { it.parents = []; it.children = []; }
  for (const e of edges) { e.to.parents.push(e.from); e.from.children.push(e.to); }

  const layers = [];
  for (const it of items) (layers[it.layer] ||= []).push(it);
  for (let l = 0; l < layers.length; l++) layers[l] ||= [];

  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const place = (row, desired) => {
    row.forEach((it) => { it.want = desired(it); it.rank = it.side; });
    // An input with no position yet goes next to the values it is mixed
    // with (the key exchange's secret beside "derived"; the client random
    // left of the master secret, the server random right of it).
    for (const it of row) {
      if (!Number.isNaN(it.want)) continue;
      const partners = it.children.flatMap((c) => c.parents).filter((p) => p !== it && !Number.isNaN(p.want ?? NaN) && p.layer === it.layer);
      if (partners.length) {
        it.want = mean(partners.map((p) => p.want));
      } else {
        it.want = it.index * PITCH_X;
      }
    }
    row.sort((a, b) => a.want - b.want || a.rank - b.rank || a.index - b.index);
    const xs = isotonic(row.map((it, i) => it.want - i * PITCH_X));
    row.forEach((it, i) => { it.x = xs[i] + i * PITCH_X; });
  };
  // First pass: top-down from the parents; the inputs at the top spread out.
  layers.forEach((row) => place(row, (it) => (it.parents.length ? mean(it.parents.map((p) => p.x))
    : it.layer === 0 ? it.index * PITCH_X : NaN)));
  for (let pass = 0; pass < 3; pass++) {
    // Bottom-up: inputs move over their users; the rest stay where they are.
    for (let l = layers.length - 1; l >= 0; l--) {
      place(layers[l], (it) => (!it.parents.length && it.children.length ? mean(it.children.map((c) => c.x)) : it.x));
    }
    // Top-down: each derived node under its parents.
    layers.forEach((row) => place(row, (it) => (it.parents.length ? mean(it.parents.map((p) => p.x))
      : it.children.length ? mean(it.children.map((c) => c.x)) : it.x)));
  }

  const minX = Math.min(...items.map((it) => it.x));
  const maxX = Math.max(...items.map((it) => it.x));
  for (const it of items) {
    it.x = it.x - minX + PAD + NODE_W / 2;
    it.y = PAD + it.layer * ROW_H;
  }
  layers.forEach((row) => row.sort((a, b) => a.x - b.x));
  return {
    items, edges, rows: layers, byKey: new Map(items.map((it) => [it.key, it])),
    width: Math.round(maxX - minX + NODE_W + 2 * PAD),
    height: PAD * 2 + (layers.length - 1) * ROW_H + NODE_H,
  };
}

/**
 * isotonic returns the non-decreasing sequence closest (least squares) to
 * values: the pool-adjacent-violators algorithm.
 */
function isotonic(values) {
  const blocks = [];
  for (const v of values) {
    blocks.push({ sum: v, n: 1 });
    while (blocks.length > 1) {
      const b = blocks[blocks.length - 1];
      const a = blocks[blocks.length - 2];
      if (a.sum / a.n <= b.sum / b.n) break;
      a.sum += b.sum;
      a.n += b.n;
      blocks.pop();
    }
  }
  return blocks.flatMap((b) => Array(b.n).fill(b.sum / b.n));
}

/** drawTree renders a layout as an SVG. */
function drawTree(layout, uid, session) {
  const { items, edges, width, height } = layout;
  const edgeEls = edges.map((e) => {
    const x1 = e.from.x;
    const y1 = e.from.y + NODE_H;
    const x2 = e.to.x;
    const y2 = e.to.y;
    const dy = (y2 - y1) / 2;
    return s('path', {
      class: classes('ks-edge', sideOf(e.to.node)),
      d: `M${x1},${y1} C${x1},${y1 + dy} ${x2},${y2 - dy} ${x2},${y2 - 4}`,
      'data-from': e.from.node.id, 'data-to': e.to.node.id,
      'marker-end': `url(#${uid}-arrow-${sideOf(e.to.node)})`,
    });
  });
  const nodeEls = items.map((it) => {
    const n = it.node;
    const lines = wrap(n.label, LINE_CHARS);
    const left = it.x - NODE_W / 2;
    const input = isInput(n);
    const op = input ? (n.op && n.op !== 'input' ? n.op : 'input') : n.op || '';
    const labelY = lines.length > 1 ? it.y + 19 : it.y + 24;
    // The name starts with the text shown (the label, then the operation), as speech input
    // expects; no <title> inside (it would count as shown text).
    return s('g', {
      class: classes('ks-node', sideOf(n), input && 'input', n.secret && 'secret'),
      'data-node': n.id, 'data-key': it.key, tabindex: -1, role: 'button', 'aria-pressed': 'false',
      'aria-label': `${n.label}: ${op}${input && op !== 'input' ? ' (an input)' : ''}${n.secret ? ', a secret' : ''}`,
    },
    s('rect', { class: 'box', x: left, y: it.y, width: NODE_W, height: NODE_H, rx: input ? 14 : 6 }),
    // One text, a line per tspan, so that a wrapped label still reads as one word.
    s('text', { class: 'ks-label', x: it.x, y: labelY, 'text-anchor': 'middle' },
      ...lines.map((line, i) => s('tspan', { x: it.x, dy: i ? 15 : null, 'data-fit': NODE_W - 12 }, line)), ' '),
    s('text', { class: 'ks-op', x: it.x, y: it.y + NODE_H - 8, 'text-anchor': 'middle', 'data-fit': NODE_W - 12 }, op));
  });
  return s('svg', {
    class: 'ks-tree', viewBox: `0 0 ${width} ${height}`, width, height,
    role: 'group', 'aria-labelledby': `${uid}-svg-title`, 'data-testid': 'key-schedule-svg',
  },
  s('title', { id: `${uid}-svg-title` },
    `Key schedule of this ${session.version || 'TLS'} session: ${new Set(items.map((it) => it.node.id)).size} values, inputs at the top, traffic keys at the bottom.`),
  s('defs', null, ['client', 'server', 'neutral'].map((side) => s('marker', {
    id: `${uid}-arrow-${side}`, viewBox: '0 0 8 8', refX: 7, refY: 4, markerWidth: 8, markerHeight: 8, markerUnits: 'userSpaceOnUse', orient: 'auto',
  }, s('path', { class: classes('ks-arrow', side), d: 'M0,0 L8,4 L0,8 z' })))),
  s('g', { class: 'ks-edges' }, edgeEls),
  s('g', { class: 'ks-nodes' }, nodeEls));
}

/** wrap splits a label into at most two lines of about max characters, at spaces or after underscores. */
function wrap(text, max) {
  if (text.length <= max) return [text];
  const words = text.split(/(?<=_)|\s+/).filter(Boolean);
  const join = (a, b) => (a.endsWith('_') ? a + b : `${a} ${b}`);
  let first = words.shift();
  while (words.length && join(first, words[0]).length <= max) first = join(first, words.shift());
  const rest = words.reduce((a, b) => (a ? join(a, b) : b), '');
  return rest ? [first, rest] : [first];
}

/** fitText squeezes any text wider than its data-fit width (once laid out). */
function fitText(svg) {
  requestAnimationFrame(() => {
    for (const t of svg.querySelectorAll('[data-fit]')) {
      const max = Number(t.dataset.fit);
      let len = 0;
      try { len = t.getComputedTextLength(); } catch { len = 0; }
      if (len > max) {
        t.setAttribute('textLength', String(max));
        t.setAttribute('lengthAdjust', 'spacingAndGlyphs');
      }
    }
  });
}

customElements.define('tls-key-schedule', KeySchedule);
