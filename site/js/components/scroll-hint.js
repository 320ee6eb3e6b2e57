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

const resized = typeof ResizeObserver === 'function'
  ? new ResizeObserver((entries) => {
    for (const e of entries) {
      // A box taken out of the page (a redraw) reports a size of 0 once: let it go.
      if (e.target.isConnected) refresh(e.target);
      else if (shown.has(e.target)) resized.unobserve(e.target);
    }
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
    if (resized) resized.observe(el);
  }
  watched.set(el, label);
  refresh(el);
  return el;
}

/** refresh re-measures el (once laid out) and marks it as scrolling or not. */
export function refresh(el) {
  if (!watched.has(el)) return;
  requestAnimationFrame(() => {
    if (!el.isConnected) return;
    shown.add(el);
    const over = el.scrollWidth > el.clientWidth + 1;
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
  });
}
