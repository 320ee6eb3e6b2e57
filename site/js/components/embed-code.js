// <tls-embed-code for="step|schedule|compare|attack"> offers the code that
// embeds exactly what its part of the page shows: a plain <iframe> (for blog
// platforms that accept only HTML) and the <tls-playground> element with its
// script. A disclosure button opens it; each snippet has a Copy button.
//
// Property: fragment (the view's URL fragment, set by the page; views.js).
// The site's address is the page's own (its folder), so a copy of the site
// served elsewhere gives snippets that point at itself.

import { h, fill } from '../dom.js';
import { snippets } from '../views.js';

let instances = 0;

export class EmbedCode extends HTMLElement {
  constructor() {
    super();
    this.uid = `embed-code-${++instances}`;
    this._fragment = '';
  }

  set fragment(v) { if (v !== this._fragment) { this._fragment = v; this.update(); } }
  get fragment() { return this._fragment; }

  connectedCallback() {
    if (!this.toggle) this.build();
    this.update();
  }

  build() {
    const panelID = `${this.uid}-panel`;
    this.toggle = h('button', {
      type: 'button', class: 'embed-toggle', 'aria-expanded': 'false', 'aria-controls': panelID,
      'data-testid': 'embed-toggle',
    }, 'Embed this');
    this.toggle.addEventListener('click', () => this.setOpen(this.toggle.getAttribute('aria-expanded') !== 'true'));
    this.fields = {};
    const field = (name, label, hint) => {
      const id = `${this.uid}-${name}`;
      const area = h('textarea', { id, readonly: true, rows: name === 'iframe' ? 4 : 3, spellcheck: 'false', 'data-testid': `embed-${name}` });
      const copy = h('button', { type: 'button', 'data-testid': `embed-copy-${name}` }, 'Copy');
      const done = h('span', { class: 'embed-copied', role: 'status' });
      copy.addEventListener('click', () => this.copy(area, done));
      this.fields[name] = area;
      return h('div', { class: 'embed-field' },
        h('label', { for: id }, label), h('p', { class: 'explanation' }, hint), area,
        h('p', { class: 'embed-actions' }, copy, ' ', done));
    };
    this.preview = h('a', { target: '_blank', rel: 'noopener', 'data-testid': 'embed-preview' }, 'Preview the embed');
    this.panel = h('div', { id: panelID, class: 'embed-panel', hidden: true },
      field('iframe', 'HTML only (any blog platform)',
        'A plain iframe: it works where scripts are not allowed. It keeps the height given here and scrolls inside.'),
      field('element', 'With a script (sizes itself)',
        'The element loads a small script from this site (under 5 KB) that makes the sandboxed iframe and keeps its height equal to its content.'),
      h('p', { class: 'explanation' }, this.preview,
        '. The embed runs its own engine in the reader’s browser; nothing is sent anywhere.'));
    fill(this, this.toggle, this.panel);
  }

  setOpen(open) {
    this.toggle.setAttribute('aria-expanded', String(open));
    this.panel.hidden = !open;
  }

  update() {
    if (!this.toggle || !this._fragment) return;
    const base = new URL('.', location.href).href;
    const { iframe, element, src, title } = snippets(base, this._fragment);
    this.fields.iframe.value = iframe;
    this.fields.element.value = element;
    this.preview.href = src;
    this.toggle.setAttribute('aria-label', `Embed this: ${title}`);
  }

  async copy(area, done) {
    try {
      await navigator.clipboard.writeText(area.value);
      done.textContent = 'Copied.';
    } catch {
      area.select();
      done.textContent = 'Selected: press Ctrl+C (⌘C) to copy.';
    }
  }
}

customElements.define('tls-embed-code', EmbedCode);
