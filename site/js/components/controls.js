// <tls-controls> holds the page's buttons: step navigation, session commands
// and export (the handshake and the server's key are chosen in
// <tls-mode-switch>). It holds no state of its own: the page sets `state` and
// listens for tls-command events.
//
// Property: state = {step, ready, busy, closed, failed}.
// Events: tls-command {command: 'prev'|'next'|'run-all'|'new-session'|'close'|
//         'export'|'copy'}.

import { h, emit } from '../dom.js';

export class Controls extends HTMLElement {
  constructor() {
    super();
    this._state = { step: 1, ready: false, busy: false, closed: false, failed: false };
  }

  set state(v) { this._state = { ...this._state, ...v }; this.update(); }
  get state() { return this._state; }

  connectedCallback() {
    if (!this.buttons) this.build();
    this.update();
  }

  build() {
    const button = (command, label, extra = {}) => {
      const b = h('button', { type: 'button', 'data-command': command, 'data-testid': command, ...extra }, label);
      b.addEventListener('click', () => emit(this, 'tls-command', { command }));
      return b;
    };
    this.buttons = {
      prev: button('prev', '← Previous', { 'aria-keyshortcuts': 'ArrowLeft' }),
      next: button('next', 'Next →', { 'aria-keyshortcuts': 'ArrowRight' }),
      'run-all': button('run-all', 'Run all ▸▸'),
      'new-session': button('new-session', 'New session'),
      close: button('close', 'Close connection'),
      export: button('export', 'Export session'),
      copy: button('copy', 'Copy JSON'),
    };
    this.position = h('span', { class: 'position', 'aria-live': 'polite' });

    this.replaceChildren(h('div', { class: 'controls' },
      h('div', { class: 'group', role: 'group', 'aria-label': 'Steps' },
        this.buttons.prev, this.position, this.buttons.next, this.buttons['run-all']),
      h('div', { class: 'group', role: 'group', 'aria-label': 'Session' },
        this.buttons['new-session'], this.buttons.close),
      h('div', { class: 'group', role: 'group', 'aria-label': 'Export' },
        this.buttons.export, this.buttons.copy)));
  }

  update() {
    if (!this.buttons) return;
    const { step, ready, busy, closed, failed } = this._state;
    const idle = ready && !busy;
    const focused = this.contains(document.activeElement) ? document.activeElement : null;
    this.buttons.prev.disabled = !idle || step <= 1;
    this.buttons.next.disabled = !idle || step >= 7;
    this.buttons['run-all'].disabled = !idle;
    this.buttons['new-session'].disabled = !idle;
    this.buttons.close.disabled = !idle || closed || failed;
    this.buttons.export.disabled = !idle || !this._state.hasSession;
    this.buttons.copy.disabled = !idle || !this._state.hasSession;
    this.position.textContent = `Step ${step} of 7`;
    this.keepFocus(focused);
  }

  /**
   * keepFocus stops a keyboard user's focus from falling back to the page when
   * the focused control becomes disabled (Next at step 7, anything while busy):
   * it moves to a neighbour, or comes back once the control is enabled again.
   */
  keepFocus(focused) {
    if (focused && focused.disabled) {
      const other = ['next', 'prev', 'run-all', 'new-session'].map((c) => this.buttons[c]).find((b) => !b.disabled);
      if (other) other.focus();
      else this._restore = focused;
    } else if (this._restore && !this._restore.disabled) {
      if (document.activeElement === document.body || !document.activeElement) this._restore.focus();
      this._restore = null;
    }
  }
}

customElements.define('tls-controls', Controls);
