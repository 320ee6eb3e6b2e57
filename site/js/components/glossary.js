// <tls-glossary> lists every term of the glossary (playground/glossary,
// copied into ../glossary-data.js by `go generate`): the term, what it
// stands for, a short explanation and the RFC sections it rests on. Each
// entry has the id "glossary-<id>", so a link such as #glossary-prf lands on
// it (and :target highlights it). The list is built, and its entries
// imported, only as it comes near the screen, on the visitor's first Tab or
// when a link asks for an entry (issue 9: the first view loads only the
// terms, ../glossary-terms.js, which the step texts link).
//
// The helpers beside it serve the other components:
//   linkTerms(text, seen)  text → text nodes and <a class="glossary-term">
//                          links, the first occurrence of each term only
//                          (seen: a Set of entry ids already linked, shared
//                          across the paragraphs of one step);
//   citations(list)        "RFC 8446 §4.1.2" → <a> to the RFC Editor's page.
// No innerHTML: every node is built with dom.js.

import { h } from '../dom.js';
import { TERMS, CITATION_PATTERN } from '../glossary-terms.js';

const CITATION = new RegExp(CITATION_PATTERN);

// The fragment the page was opened with, read before the view rewrites it.
const initialHash = location.hash;

/** byID maps an entry's id to its term ({id, term, expansion, match}). */
const byID = new Map(TERMS.map((e) => [e.id, e]));

/** phraseOwner maps each phrase that links to an entry to the entry's id. */
const phraseOwner = new Map();
for (const e of TERMS) for (const p of e.match) phraseOwner.set(p, e.id);

function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * PHRASES matches any phrase as a whole word, longest first ("session
 * tickets" before "tickets"): not inside a longer word, so "MAC" in "HMAC"
 * and "SSL" in "SSLKEYLOGFILE" stay plain text.
 */
const PHRASES = new RegExp(
  `(?<![A-Za-z0-9_#-])(${[...phraseOwner.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|')})(?![A-Za-z0-9_])`,
  'g');

/** anchorID is the id of an entry's element: glossary-<id>. */
export function anchorID(id) {
  return `glossary-${id}`;
}

/** entry returns the term of the glossary entry with the id ({id, term, expansion, match}), or undefined. */
export function entry(id) {
  return byID.get(id);
}

/** termLink is the link from a text to an entry. */
function termLink(e, text) {
  const a = h('a', { href: `#${anchorID(e.id)}`, class: 'glossary-term', title: `${e.term}: ${e.expansion}`, 'data-glossary': e.id }, text);
  a.addEventListener('click', (ev) => {
    if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    if (showEntry(e.id)) {
      ev.preventDefault();
      return;
    }
    // No glossary on this page (an embed): open the full page's, in a new tab.
    a.href = new URL(`./#${anchorID(e.id)}`, location.href).href;
    a.target = '_blank';
    a.rel = 'noopener';
  });
  return a;
}

/**
 * linkTerms returns the nodes of text with the first occurrence of each
 * glossary term made a link to its entry. seen (a Set of entry ids) carries
 * the terms already linked, so that a step links each term once across its
 * paragraphs; skip names an entry never to link (an entry's own text).
 */
export function linkTerms(text, seen = new Set(), skip = '') {
  const out = [];
  let last = 0;
  PHRASES.lastIndex = 0;
  for (let m = PHRASES.exec(text); m; m = PHRASES.exec(text)) {
    const id = phraseOwner.get(m[1]);
    if (!id || seen.has(id) || id === skip) continue;
    seen.add(id);
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push(termLink(byID.get(id), m[1]));
    last = m.index + m[1].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** citationURL is the RFC Editor's address of a citation, or '' when it is malformed. */
export function citationURL(text) {
  const m = CITATION.exec(text);
  if (!m) return '';
  const kind = /^[A-Z]/.test(m[2]) ? 'appendix' : 'section';
  return `https://www.rfc-editor.org/rfc/rfc${m[1]}#${kind}-${m[2]}`;
}

/** citations renders a list of citations as links, comma-separated. */
export function citations(list) {
  const out = [];
  (list || []).forEach((c, i) => {
    if (i > 0) out.push(', ');
    const url = citationURL(c);
    out.push(url ? h('a', { href: url, class: 'rfc-cite', target: '_blank', rel: 'noopener' }, c) : c);
  });
  return out;
}

/**
 * showEntry opens the entry with the id in the page's <tls-glossary>, if
 * there is one: scrolls it into view, marks it and moves focus to it, once
 * the list is built (it may have to import the entries first: a frame or
 * two). It reports whether there is a list to show the entry in. The
 * fragment is left alone (the page's own fragment names the step shown).
 */
export function showEntry(id) {
  const lists = [...document.querySelectorAll('tls-glossary')].filter((list) => typeof list.build === 'function');
  if (!lists.length || !byID.has(id)) return false;
  Promise.all(lists.map((list) => list.build())).then(() => {
    const el = document.getElementById(anchorID(id));
    if (!el) return;
    const list = el.closest('tls-glossary');
    if (list) list.mark(id);
    el.scrollIntoView({ block: 'start' });
    el.focus({ preventScroll: true });
  }, () => {});
  return true;
}

export class Glossary extends HTMLElement {
  connectedCallback() {
    if (!this.wired) {
      this.wired = true;
      // The list sits at the end of the page: it is built when it comes within
      // two screens of the view, on the first Tab (the keyboard may go there),
      // or at once when something asks for an entry (showEntry).
      if (typeof IntersectionObserver === 'function') {
        this.near = new IntersectionObserver((entries) => {
          if (entries.some((e) => e.isIntersecting)) this.build();
        }, { rootMargin: '200% 0px 200% 0px' });
        this.near.observe(this);
      } else {
        this.build();
      }
      this.onKey = (e) => { if (e.key === 'Tab') this.build(); };
      this.onHash = () => this.follow(location.hash);
      const settled = () => ['ready', 'failed'].includes(document.body.dataset.state);
      if (/^#glossary-/.test(initialHash) && !settled()) {
        const ready = new MutationObserver(() => {
          if (!settled()) return;
          ready.disconnect();
          this.follow(initialHash);
        });
        ready.observe(document.body, { attributes: true, attributeFilter: ['data-state'] });
      }
    }
    window.addEventListener('hashchange', this.onHash);
    document.addEventListener('keydown', this.onKey);
  }

  disconnectedCallback() {
    window.removeEventListener('hashchange', this.onHash);
    document.removeEventListener('keydown', this.onKey);
  }

  /**
   * build imports the entries and makes the list, once: → when it is made. The page may be opened on
   * #glossary-<id>: it is shown then.
   */
  build() {
    if (!this.built) {
      if (this.near) this.near.disconnect();
      this.built = import('../glossary-data.js').then(({ GLOSSARY }) => {
        // Each explanation joined to its term (glossary-terms.js, already here), in the catalogue's order.
        this.render(GLOSSARY.map((e) => ({ ...byID.get(e.id), ...e })));
        // Shown once laid out, and again once the page is ready (its first session may have scrolled to the step).
        requestAnimationFrame(() => this.follow(initialHash));
      });
      // Offline before it was stored, say: the list says so in place, and the next
      // ask (its button, a term's link, a Tab) tries again.
      this.built.catch((err) => { this.built = null; this.showFailure(err); });
    }
    return this.built;
  }

  /** showFailure says, in place of the list, that its entries could not be loaded (err: why). */
  showFailure(err) {
    const retry = h('button', { type: 'button' }, 'Try again');
    retry.addEventListener('click', () => this.build());
    this.replaceChildren(h('p', { class: 'session-error below-fold-error', role: 'alert', 'data-testid': 'glossary-error' },
      `The glossary's entries could not be loaded: ${(err && err.message) || err}. `, retry));
  }

  /** follow shows the entry a fragment names, if it names one. */
  follow(hash) {
    const m = /^#glossary-([a-z0-9-]+)$/.exec(hash || '');
    if (m && byID.has(m[1])) showEntry(m[1]);
  }

  /** mark highlights one entry (the one a link opened). */
  mark(id) {
    for (const el of this.querySelectorAll('.glossary-entry.current')) el.classList.remove('current');
    const dt = this.querySelector(`#${anchorID(id)}`);
    if (dt) dt.parentElement.classList.add('current');
  }

  /** render lists the entries ({id, term, expansion, text, rfc}: TERMS joined to glossary-data.js GLOSSARY). */
  render(entries) {
    const titleID = 'glossary-title';
    this.replaceChildren(h('section', { class: 'glossary', 'aria-labelledby': titleID, 'data-testid': 'glossary' },
      h('h2', { id: titleID }, 'Glossary'),
      h('p', { class: 'explanation' },
        'Every term the steps use, spelled out, with the RFC sections it comes from. A term underlined in a step links here; each entry is a link of its own (#glossary-prf, …). ',
        'The same list prints in a terminal with "tlsplay glossary".'),
      h('dl', { class: 'glossary-list' }, entries.map((e) => h('div', { class: 'glossary-entry', 'data-testid': `glossary-entry-${e.id}` },
        h('dt', { id: anchorID(e.id), tabindex: -1 },
          h('dfn', null, e.term), ' ', h('span', { class: 'expansion' }, e.expansion)),
        h('dd', null,
          h('p', null, linkTerms(e.text, new Set(), e.id)),
          h('p', { class: 'rfc-cites' }, 'RFC: ', citations(e.rfc))))))));
  }
}

customElements.define('tls-glossary', Glossary);
