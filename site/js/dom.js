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
