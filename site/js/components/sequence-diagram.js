// <tls-sequence-diagram> draws the handshake as a sequence diagram: a client
// lane and a server lane, one arrow per Message of the session (wire order),
// grouped in bands by teaching step. Encrypted messages are dashed and carry a
// lock. A step with no message (work done locally) gets a note. The current
// step is highlighted; clicking a band selects its step. For the keyboard,
// each step's number and each message is a button (Tab, then Enter or Space
// selects the step; focus stays where it was when the diagram redraws). In a
// narrow box (a phone) the diagram is drawn narrower, so that its text keeps a
// readable size instead of shrinking with the whole drawing.
//
// Properties: session (Session JSON), step (1..7), notice (why there is no session).
// Events: tls-select-step {step}.

import { s, emit, classes, laterFrame } from '../dom.js';
import { byteLength } from '../hex.js';

// Two geometries: WIDE for a box of NARROW_BELOW px or more, NARROW below it.
// W: viewBox width; GUTTER: the step numbers, left of the client lane; HEAD: the
// lane headers; ROW: one message; NOTE: one local-work note; LANE: a header's width;
// NOTE_X: how far a note reaches beyond the lanes (negative: inside them).
const WIDE = { W: 560, GUTTER: 44, CLIENT_X: 130, SERVER_X: 500, HEAD: 54, ROW: 34, NOTE: 38, BAND_PAD: 8, LANE: 112, NOTE_X: -20 };
const NARROW = { W: 360, GUTTER: 36, CLIENT_X: 84, SERVER_X: 306, HEAD: 50, ROW: 30, NOTE: 36, BAND_PAD: 6, LANE: 96, NOTE_X: 36 };
const NARROW_BELOW = 420;

let instances = 0;

export class SequenceDiagram extends HTMLElement {
  constructor() {
    super();
    this._session = null;
    this._step = 1;
    this.uid = `seq${++instances}`;
  }

  set session(v) { if (v !== this._session) { this._session = v; this.render(); } }
  get session() { return this._session; }
  set step(v) { if (v !== this._step) { this._step = v; if (!this.mark()) this.render(); } }
  get step() { return this._step; }
  /** notice, when set and there is no session, replaces "waiting for the engine". */
  set notice(v) { if (v !== this._notice) { this._notice = v; if (!this._session) this.render(); } }

  connectedCallback() {
    if (!this._wired) {
      this._wired = true;
      this.addEventListener('click', (e) => this.select(e));
      this.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') this.select(e);
      });
      // Redraw when the box crosses NARROW_BELOW (a phone turned, a window resized).
      // The width is read here, where the layout is fresh, never during a render
      // (which would force a layout of the whole page first).
      if (typeof ResizeObserver === 'function') {
        new ResizeObserver(() => {
          this._width = this.clientWidth;
          if (this.geometry() !== this._geometry) this.render();
        }).observe(this);
      }
    }
    this.render();
  }

  /**
   * geometry is the drawing's geometry for the box's width, as last measured;
   * before the first measure, a guess from the window's width (the resize
   * observer corrects it before the first paint).
   */
  geometry() {
    const width = this._width !== undefined ? this._width : (innerWidth < NARROW_BELOW + 60 ? innerWidth : 0);
    return width && width < NARROW_BELOW ? NARROW : WIDE;
  }

  /**
   * mark moves the highlight to the current step in the drawing already on
   * screen (a step change redraws nothing); false when there is none to mark.
   */
  mark() {
    const svg = this._svg;
    if (!svg || !this._session || !svg.isConnected) return false;
    const n = String(this._step);
    for (const band of svg.querySelectorAll('g.band')) {
      const current = band.dataset.band === n;
      band.classList.toggle('current', current);
      const button = band.querySelector('.step-button');
      if (current) button.setAttribute('aria-current', 'step');
      else button.removeAttribute('aria-current');
      for (const m of band.querySelectorAll('g.message')) {
        if (current) m.setAttribute('aria-current', 'step');
        else m.removeAttribute('aria-current');
      }
    }
    return true;
  }

  select(e) {
    const band = e.target.closest && e.target.closest('[data-band]');
    if (!band) return;
    e.preventDefault();
    emit(this, 'tls-select-step', { step: Number(band.dataset.band) });
  }

  render() {
    if (!this.isConnected) return;
    const session = this._session;
    const g = this.geometry();
    this._geometry = g;
    const { W, GUTTER, HEAD, ROW, NOTE, BAND_PAD } = g;
    this.dataset.layout = g === NARROW ? 'narrow' : 'wide';
    if (!session) {
      this._svg = null;
      this.replaceChildren(s('svg', { class: 'sequence empty', viewBox: `0 0 ${W} 120`, role: 'img', 'aria-label': 'The handshake diagram appears once the engine has run a session.' },
        ...lanes(g, 120),
        s('text', { x: W / 2 + GUTTER / 2, y: 96, class: 'placeholder', 'text-anchor': 'middle' }, this._notice ? 'no handshake to show' : 'waiting for the engine…')));
      return;
    }
    // The first drawing (the placeholder on screen) comes a frame after the rest of the
    // page: at load, the recorded session's step panel and this drawing were laid out in
    // one frame, the load's largest task (issue 9: no task over 50 ms). dom.js laterFrame.
    if (!this._svg && !this._now) {
      laterFrame(this, () => {
        this._now = true;
        try {
          this.render();
        } finally {
          this._now = false;
        }
      });
      return;
    }
    // What the drawing shows, band by band: the same shape (the messages, the
    // notes, the geometry) as the drawing on screen is an update of the sizes
    // in place (a new session of the same handshake), not a new drawing.
    const byStep = new Map();
    for (let n = 1; n <= 7; n++) byStep.set(n, []);
    (session.messages || []).forEach((m, i) => {
      if (!byStep.has(m.step)) byStep.set(m.step, []);
      const record = (session.records || [])[m.record];
      const fatal = Boolean(session.error && m.name === 'Alert' && m.from === session.error.side);
      byStep.get(m.step).push({ m: { ...m, index: i }, bytes: record ? byteLength(record.hex) : 0, fatal });
    });
    const bands = [...byStep.entries()].sort((a, b) => a[0] - b[0]).map(([n, messages]) => {
      const stepInfo = (session.steps || []).find((st) => st.n === n) || { title: `Step ${n}` };
      let sub = '';
      if (messages.length === 0) {
        const reached = (stepInfo.events || []).length > 0;
        sub = 'done locally — nothing on the wire';
        if (session.error && !reached) sub = 'not reached: the handshake failed';
        else if (n === 7) sub = session.closed ? 'closed' : 'no application data yet: send a message';
        else if (session.keyShare && n === 5) sub = 'computed locally from the key shares already sent';
      }
      return { n, title: stepInfo.title, sub, messages };
    });
    const shape = JSON.stringify([g === NARROW, session.version, bands.map((b) => [b.n, b.title, b.sub,
      b.messages.map(({ m, bytes, fatal }) => [m.name, m.from, Boolean(m.encrypted), Boolean(bytes), fatal])])]);
    if (this._svg && this._svg.isConnected && this._svg.parentNode === this && shape === this._shape) {
      this.resize(bands);
      this.mark();
      return;
    }
    this._shape = shape;

    // Keyboard focus survives the redraw: the same step or message gets it back.
    const active = document.activeElement;
    const focusKey = active && this.contains(active) && active.dataset ? active.dataset.focusKey : '';

    const titleDesc = `Sequence diagram of a ${session.version || 'TLS'} handshake: ${(session.messages || []).length} messages between client and server.`;
    const body = [];
    let y = HEAD;
    for (const { n, title, sub, messages } of bands) {
      const height = BAND_PAD * 2 + (messages.length ? messages.length * ROW : NOTE);
      const current = n === this._step;
      // The whole band takes a click; the step number is the keyboard's button.
      const band = s('g', { class: classes('band', current && 'current'), 'data-band': n },
        s('rect', { class: 'band-bg', x: 2, y, width: W - 4, height, rx: 6 }),
        s('g', {
          class: 'step-button', tabindex: 0, role: 'button', 'data-focus-key': `step-${n}`,
          'aria-label': `Step ${n}: ${title}${messages.length ? `, ${messages.length} message${messages.length > 1 ? 's' : ''}` : ', nothing on the wire'}`,
          'aria-current': current ? 'step' : null,
        },
        s('circle', { class: 'step-dot', cx: GUTTER / 2 + 2, cy: y + 8 + 12, r: 12 }),
        s('text', { class: 'step-n', x: GUTTER / 2 + 2, y: y + 8 + 16.5, 'text-anchor': 'middle' }, String(n))));

      let ry = y + BAND_PAD;
      if (messages.length === 0) band.append(note(g, ry, title, sub));
      for (const { m, bytes, fatal } of messages) {
        band.append(arrow(g, ry, m, bytes, fatal, n, title, current));
        ry += ROW;
      }
      body.push(band);
      y += height + 4;
    }
    const height = y + 6;
    const svg = s('svg', {
      class: 'sequence', viewBox: `0 0 ${W} ${height}`, role: 'group', 'aria-labelledby': `${this.uid}-title`,
    },
    s('title', { id: `${this.uid}-title` }, titleDesc),
    ...lanes(g, height),
    ...body);
    this.replaceChildren(svg);
    this._svg = svg;
    if (focusKey) {
      const again = svg.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`);
      if (again) again.focus({ preventScroll: true });
    }
    fitNotes(g, svg);
  }

  /** resize writes the byte counts of a session drawn with the same shape as the drawing on screen. */
  resize(bands) {
    for (const { n, title, messages } of bands) {
      for (const { m, bytes } of messages) {
        const el = this._svg.querySelector(`g.message[data-focus-key="message-${m.index}"]`);
        if (!el) continue;
        const label = messageName(m, bytes, n, title);
        if (el.getAttribute('aria-label') !== label) el.setAttribute('aria-label', label);
        const size = el.querySelector('text.size');
        if (size && size.textContent !== `${bytes} B`) size.textContent = `${bytes} B`;
      }
    }
  }
}

/** lanes draws the two lane headers and lifelines. */
function lanes({ CLIENT_X, SERVER_X, LANE }, height) {
  const head = (x, who, label) => s('g', { class: `lane ${who}` },
    s('line', { class: 'lifeline', x1: x, y1: 40, x2: x, y2: height - 4 }),
    s('rect', { class: 'lane-head', x: x - LANE / 2, y: 8, width: LANE, height: 32, rx: 6 }),
    s('text', { class: 'lane-label', x, y: 29, 'text-anchor': 'middle' }, label));
  return [head(CLIENT_X, 'client', 'Client'), head(SERVER_X, 'server', 'Server')];
}

/**
 * arrow draws one message from one lane to the other, as a button that selects
 * its step n; fatal marks the alert that ended a failed handshake.
 */
function arrow({ CLIENT_X, SERVER_X, ROW }, y, m, bytes, fatal, n, title, current) {
  const fromClient = m.from === 'client';
  const x1 = fromClient ? CLIENT_X : SERVER_X;
  const x2 = fromClient ? SERVER_X : CLIENT_X;
  const ly = y + ROW - 10;       // the line
  const dir = fromClient ? 1 : -1;
  const tip = x2 - dir * 2;
  const mid = (CLIENT_X + SERVER_X) / 2;
  const g = s('g', {
    class: classes('message', m.from, m.encrypted && 'encrypted', fatal && 'fatal'),
    tabindex: 0, role: 'button', 'aria-label': messageName(m, bytes, n, title), 'aria-current': current ? 'step' : null,
    'data-focus-key': `message-${m.index}`, 'data-step': n,
  },
    s('rect', { class: 'focus-ring', x: Math.min(x1, x2) - 6, y: y + 1, width: Math.abs(x2 - x1) + 12, height: ROW - 2, rx: 5 }),
    s('line', { class: 'shaft', x1: x1 + dir * 4, y1: ly, x2: tip - dir * 8, y2: ly }),
    s('polygon', { class: 'head', points: `${tip},${ly} ${tip - dir * 10},${ly - 5} ${tip - dir * 10},${ly + 5}` }),
    // The trailing space (not drawn) keeps the name and the size apart when read as one text.
    s('text', { class: 'name', x: mid, y: ly - 6, 'text-anchor': 'middle' }, `${m.name} `),
    bytes ? s('text', { class: 'size', x: x1 + dir * 8, y: ly - 6, 'text-anchor': fromClient ? 'start' : 'end' }, `${bytes} B`) : null);
  if (m.encrypted) g.append(lock(mid - m.name.length * 3.9 - 16, ly - 17));
  return g;
}

/**
 * messageName is a message's accessible name. It starts with the text shown
 * (name, size), as speech input expects; no <title> inside (it would count as
 * shown text).
 */
function messageName(m, bytes, n, title) {
  const to = m.from === 'client' ? 'server' : 'client';
  return `${m.name}${bytes ? ` ${bytes} B` : ''}: ${m.encrypted ? 'encrypted, ' : ''}from the ${m.from} to the ${to}, step ${n}: ${title}`;
}

/** lock draws a small padlock with its top-left corner at (x, y). */
function lock(x, y) {
  return s('g', { class: 'lock', 'aria-hidden': 'true' },
    s('path', { class: 'shackle', d: `M${x + 2.5},${y + 6} v-2.5 a3.5,3.5 0 0 1 7,0 v2.5` }),
    s('rect', { class: 'body', x, y: y + 6, width: 12, height: 8, rx: 1.5 }));
}

/** note marks a step in which nothing is sent. */
function note({ CLIENT_X, SERVER_X, NOTE, NOTE_X }, y, title, sub) {
  const mid = (CLIENT_X + SERVER_X) / 2;
  return s('g', { class: 'note' },
    s('rect', { x: CLIENT_X - NOTE_X, y: y + 2, width: SERVER_X - CLIENT_X + 2 * NOTE_X, height: NOTE - 6, rx: 5 }),
    s('text', { class: 'note-title', x: mid, y: y + 16, 'text-anchor': 'middle' }, title),
    s('text', { class: 'note-sub', x: mid, y: y + 29, 'text-anchor': 'middle' }, sub));
}

/** fitNotes squeezes a note's text that is wider than its box (a long step title), once laid out. */
function fitNotes({ CLIENT_X, SERVER_X, NOTE_X }, svg) {
  const max = SERVER_X - CLIENT_X + 2 * NOTE_X - 8;
  requestAnimationFrame(() => {
    if (!svg.isConnected) return;
    // Every length first, then every change: one layout, not one per note.
    const wide = [...svg.querySelectorAll('.note text')].filter((t) => {
      try { return t.getComputedTextLength() > max; } catch { return false; }
    });
    for (const t of wide) {
      t.setAttribute('textLength', String(max));
      t.setAttribute('lengthAdjust', 'spacingAndGlyphs');
    }
  });
}

customElements.define('tls-sequence-diagram', SequenceDiagram);
