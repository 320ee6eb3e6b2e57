// scroll-hint.js makes content that is wider than its box (the key-schedule
// tree, a hex dump, a PEM block) scroll sideways inside that box, visibly and
// by keyboard. While the content overflows, the box gets the class `scrolls`
// (the stylesheet shades the edge that has more to show), tabindex=0, the role
// of a labelled region ("… (scrolls sideways)"), and the arrow keys scroll it
// instead of moving the page's step. When it fits again, all of that is taken
// away, so that a box that does not scroll is no extra Tab stop.
//
// Usage: scrollable(el, 'Key schedule tree'); after changing el's content,
// refresh(el) (a resize of the box is noticed on its own). A box whose content
// is already reachable by keyboard (a grid of buttons) takes {focus: false}:
// it gets the shade only.

const bare = new WeakSet(); // boxes that get the shade only
const shown = new WeakSet(); // boxes measured in the page at least once

const watched = new WeakMap(); // el -> label

// A resize observer's callback runs just after layout: the widths it reads
// there cost nothing. It also reports each box once when the box is first
// laid out (so a new box needs no frame of its own), and a box inside a
// closed <details> when that opens.
const resized = typeof ResizeObserver === 'function'
  ? new ResizeObserver((entries) => {
    const boxes = [];
    for (const e of entries) {
      // A box taken out of the page (a redraw) reports a size of 0 once: let it go.
      if (e.target.isConnected) boxes.push(e.target);
      else if (shown.has(e.target)) resized.unobserve(e.target);
    }
    measureNow(boxes);
  })
  : null;

/** scrollable watches el, a box with overflow-x: auto, and returns it. */
export function scrollable(el, label, { focus = true } = {}) {
  if (!focus) bare.add(el);
  if (!watched.has(el)) {
    el.addEventListener('keydown', (e) => {
      // The page moves between steps with ←/→; inside a box that scrolls, they scroll it.
      if ((e.key === 'ArrowLeft' || e.key === 'ArrowRight') && e.target === el && el.classList.contains('scrolls')) e.stopPropagation();
    });
    watched.set(el, label);
    if (resized) {
      resized.observe(el);
      return el;
    }
  }
  watched.set(el, label);
  refresh(el);
  return el;
}

/**
 * refresh re-measures el once laid out (after its content changed) and marks
 * it as scrolling or not. The boxes to measure wait, all together, for the
 * task after the next frame, when the layout is done: every width is read
 * first, then every mark written, so that many boxes cost no extra layout.
 * A box inside a closed <details> is not laid out: it is measured when its
 * <details> opens.
 */
export function refresh(el) {
  if (!watched.has(el)) return;
  pending.add(el);
  if (!frame) frame = requestAnimationFrame(() => setTimeout(measure, 0));
}

const pending = new Set();
let frame = 0;

function measure() {
  frame = 0;
  const boxes = [...pending];
  pending.clear();
  measureNow(boxes);
}

function measureNow(boxes) {
  const seen = [];
  for (const el of boxes) {
    if (!el.isConnected) continue;
    const closed = el.closest('details:not([open])');
    if (closed) { whenOpened(closed, el); continue; }
    seen.push([el, el.scrollWidth > el.clientWidth + 1]); // reads only
  }
  for (const [el, over] of seen) mark(el, over); // writes only
}

/** whenOpened measures el the first time the closed <details> around it opens. */
const waiting = new WeakMap(); // details -> Set of boxes
function whenOpened(details, el) {
  let set = waiting.get(details);
  if (!set) {
    waiting.set(details, (set = new Set()));
    const opened = () => {
      if (!details.open) return;
      details.removeEventListener('toggle', opened);
      const boxes = waiting.get(details);
      waiting.delete(details);
      for (const b of boxes || []) refresh(b);
    };
    details.addEventListener('toggle', opened);
  }
  set.add(el);
}

function mark(el, over) {
  shown.add(el);
  el.classList.toggle('scrolls', over);
  if (bare.has(el)) return;
  if (over) {
    el.tabIndex = 0;
    el.setAttribute('role', 'region');
    el.setAttribute('aria-label', `${watched.get(el)} (scrolls sideways)`);
  } else if (el.hasAttribute('role')) {
    el.removeAttribute('tabindex');
    el.removeAttribute('role');
    el.removeAttribute('aria-label');
  }
}
