// dom.js builds DOM nodes without innerHTML, so that no value from the engine
// is ever parsed as markup, and without style attributes (the CSP forbids them).

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * h creates an HTML element: h('p', {class: 'note', 'data-testid': 'x'}, 'text', child).
 * Attributes whose value is null, undefined or false are left out; true sets an empty attribute.
 * Children may be strings, nodes, arrays of them, or null/undefined/false (skipped).
 */
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** s creates an SVG element, like h. */
export function s(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

function build(el, attrs, children) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'style') throw new Error('dom: style attributes are forbidden by the CSP; use a class');
    el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/**
 * fill replaces el's children with children, taken as h() takes them:
 * strings, nodes, arrays of them; null, undefined and false are skipped
 * (Element.replaceChildren would print them).
 */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** classes joins the truthy class names given. */
export function classes(...names) {
  return names.filter(Boolean).join(' ');
}

/** emit dispatches a bubbling, composed CustomEvent from el. */
export function emit(el, type, detail) {
  el.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}

// ---- work in tasks of its own ---------------------------------------------------
//
// Issue 9: no main-thread task over 50 ms. What the visitor sees first is
// rendered in the task that changed it; what is below it (a summary, a list
// nobody opened) in a task of its own, after, so that the browser can paint
// in between and answer input.

const queued = new Map(); // key -> the latest function asked for
const settling = [];       // resolvers of settled(): called once nothing is queued

/**
 * soon runs fn in a task of its own after the current one. Calls with the
 * same key before it runs coalesce: only the last fn runs (a component that
 * is told three things in one task renders once).
 */
export function soon(key, fn) {
  const waiting = queued.has(key);
  queued.set(key, fn);
  if (waiting) return;
  postTask(() => {
    const run = queued.get(key);
    queued.delete(key);
    try {
      if (run) run();
    } finally {
      if (!queued.size) for (const resolve of settling.splice(0)) resolve();
    }
  });
}

// How long laterFrame waits for its frames at most (a hidden page gets none).
const FRAME_WAIT_MS = 250;

/**
 * laterFrame runs fn at the start of a later frame: frames after the next one
 * (1: the frame after the next). It is for a part of a first render that may
 * appear a frame or two after the rest, so that its style and layout fall in
 * a frame of their own instead of the rest's (at load, one frame laid out the
 * whole recorded session: the load's largest task). Like soon(), calls with the
 * same key coalesce, flush() runs it at once and settled() waits for it; a page
 * that gets no frames (hidden) runs it after FRAME_WAIT_MS.
 */
export function laterFrame(key, fn, frames = 1) {
  const waiting = queued.has(key);
  queued.set(key, fn);
  if (waiting) return;
  let timer = 0;
  const run = () => {
    clearTimeout(timer);
    if (!queued.has(key)) return; // flushed, or already run
    const f = queued.get(key);
    queued.delete(key);
    try {
      f();
    } finally {
      if (!queued.size) for (const resolve of settling.splice(0)) resolve();
    }
  };
  timer = setTimeout(run, FRAME_WAIT_MS * (frames + 1));
  let left = frames + 1;
  const frame = () => { if (--left > 0) requestAnimationFrame(frame); else run(); };
  requestAnimationFrame(frame);
}

/**
 * flush runs now, in this task, every render soon() queued (for a change that
 * is cheap to render whole: a new session of the kind on screen).
 */
export function flush() {
  for (const [key, fn] of [...queued]) {
    queued.delete(key); // its posted task finds nothing to run
    try {
      fn();
    } catch (err) {
      queueMicrotask(() => { throw err; });
    }
  }
  for (const resolve of settling.splice(0)) resolve();
}

/**
 * settled resolves once every render soon() queued has run (at once when none
 * is): the moment everything a change renders below the first screen is done.
 */
export function settled() {
  if (!queued.size) return Promise.resolve();
  return new Promise((resolve) => settling.push(resolve));
}

/** postTask queues fn as a task (the scheduler's user-visible priority where there is one). */
function postTask(fn) {
  const scheduler = globalThis.scheduler;
  if (scheduler && typeof scheduler.postTask === 'function') {
    scheduler.postTask(fn, { priority: 'user-visible' }).catch((err) => setTimeout(() => { throw err; }, 0));
  } else {
    setTimeout(fn, 0);
  }
}

/**
 * layOutInTurn has elements that are laid out only near the view
 * (content-visibility: auto) laid out anyway, one a frame, when the page is
 * idle (the class laid-out, which the stylesheet makes content-visibility:
 * visible): a long list below the view is ready, a piece at a time, before
 * a scroll brings all of it near at once (issue 9: one frame of layout for
 * all of it).
 */
export function layOutInTurn(elements) {
  const list = [...elements];
  const idle = globalThis.requestIdleCallback || ((fn) => setTimeout(fn, 50));
  const next = () => {
    const el = list.shift();
    if (!el) return;
    if (el.isConnected) el.classList.add('laid-out');
    if (list.length) requestAnimationFrame(() => idle(next, { timeout: 2000 }));
  };
  idle(next, { timeout: 2000 });
}
