// tls-playground.js embeds TLS Playground: <tls-playground mode="tls13" step="5">
// (also view=, group=, key=, bits=, attack=, scenario=, height=, loading=) makes
// a sandboxed iframe of this site's embed.html, and every such iframe on the
// page (pasted ones too) takes the height its embed reports with
// postMessage({type: 'tls-playground:resize', version: 1, height, view}),
// believed only from this site's origin and from one of those iframes.
// Styles go through the CSSOM: the host's CSP needs only this site in
// script-src and frame-src. README: "Embed it in your blog".
(() => {
  'use strict';
  const script = document.currentScript;
  const base = new URL('.', script && script.src ? script.src : location.href);
  const embedURL = new URL('embed.html', base).href;
  const ATTRS = ['view', 'mode', 'group', 'key', 'bits', 'step', 'attack', 'scenario'];
  const SANDBOX = 'allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-downloads';
  const HEIGHTS = { compare: 900, schedule: 700, attack: 900, scenario: 900 };
  const frames = new Set(); // iframes made by <tls-playground>

  /** ourFrames lists the iframes this script may size: its own and pasted ones of this site. */
  function ourFrames() {
    const pasted = [...document.querySelectorAll('iframe')].filter((f) => f.src.startsWith(embedURL));
    return [...frames, ...pasted];
  }

  addEventListener('message', (event) => {
    const msg = event.data;
    if (event.origin !== base.origin || !msg || msg.type !== 'tls-playground:resize') return;
    const height = Number(msg.height);
    if (!Number.isFinite(height) || height <= 0) return;
    const frame = ourFrames().find((f) => f.contentWindow === event.source);
    if (frame) frame.style.height = `${Math.min(Math.ceil(height), 50000)}px`;
  });

  class TLSPlayground extends HTMLElement {
    static get observedAttributes() { return [...ATTRS, 'height', 'loading', 'title']; }

    connectedCallback() {
      if (!this.frame) {
        this.frame = document.createElement('iframe');
        this.frame.setAttribute('sandbox', SANDBOX);
        this.frame.setAttribute('allow', 'clipboard-write');
        const s = this.frame.style;
        s.display = 'block';
        s.width = '100%';
        s.border = '0';
        if (!this.style.display) this.style.display = 'block';
        this.attachShadow({ mode: 'open' }).append(this.frame);
      }
      frames.add(this.frame);
      this.update();
    }

    disconnectedCallback() { frames.delete(this.frame); }

    attributeChangedCallback() { if (this.frame) this.update(); }

    /** fragment is the view's link, from the attributes (the page's own format). */
    fragment() {
      const p = new URLSearchParams();
      for (const name of ATTRS) {
        const v = this.getAttribute(name);
        if (v === null || v === '') continue;
        if (name === 'view' && v === 'step') continue;
        p.set(name, v);
      }
      return `#${p}`;
    }

    update() {
      const src = embedURL + this.fragment();
      if (this.frame.src !== src) this.frame.src = src;
      this.frame.title = this.getAttribute('title') || 'TLS Playground: a real TLS handshake, step by step';
      this.frame.loading = this.getAttribute('loading') === 'eager' ? 'eager' : 'lazy';
      const view = this.getAttribute('view') || (this.hasAttribute('scenario') ? 'scenario' : this.hasAttribute('attack') ? 'attack' : 'step');
      if (!this.frame.style.height || this.hasAttribute('height')) {
        this.frame.style.height = `${Number(this.getAttribute('height')) || HEIGHTS[view] || 760}px`;
      }
    }
  }

  if (!customElements.get('tls-playground')) customElements.define('tls-playground', TLSPlayground);
})();
