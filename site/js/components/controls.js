// <tls-controls> holds the page's buttons: step navigation, session commands
// and export (the handshake and the server's key are chosen in
// <tls-mode-switch>). It holds no state of its own: the page sets `state` and
// listens for tls-command events. On a narrow screen (a phone) it is one row:
// ← Step N of 7 →, and a "More" button that opens the rest as a menu (Escape,
// a command, or leaving it closes it).
//
// The page's markup may hold the bar already (index.html does, so that the
// controls are there at the first paint): the element then adopts it.
//
// Property: state = {step, ready, busy, closed, failed}.
// Events: tls-command {command: 'prev'|'next'|'run-all'|'new-session'|'close'|
//         'export'|'copy'}.

import { h, emit } from '../dom.js';

let instances = 0;

/** COMMANDS are the bar's buttons, by the command each emits. */
const COMMANDS = ['prev', 'next', 'run-all', 'new-session', 'close', 'export', 'copy'];

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
    // The page may carry the bar already (index.html, so that it is there at
    // the first paint, before any script runs): adopt it; else make it.
    const made = this.querySelector(':scope > .controls') ? this.adopt() : this.make();
    this.buttons = made.buttons;
    this.position = made.position;
    this.moreToggle = made.moreToggle;
    this.more = made.more;
    for (const [command, b] of Object.entries(this.buttons)) {
      b.addEventListener('click', () => {
        emit(this, 'tls-command', { command });
        // A command chosen from the "More" menu closes it; focus goes back to its button.
        if (this.more.contains(b) && this.open) this.toggle(false, { focus: true });
      });
    }
    this.moreToggle.addEventListener('click', () => this.toggle(!this.open));
    this.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.open) {
        this.toggle(false, { focus: true });
        e.preventDefault();
      }
    });
    // Focus or a click leaving the bar closes the menu.
    this.addEventListener('focusout', (e) => {
      if (this.open && e.relatedTarget && !this.contains(e.relatedTarget)) this.toggle(false);
    });
    document.addEventListener('pointerdown', (e) => {
      if (this.open && !this.contains(e.target)) this.toggle(false);
    });
  }

  /** adopt takes the bar the page's markup holds (the same structure as make's). */
  adopt() {
    instances++;
    const buttons = {};
    for (const b of this.querySelectorAll('button[data-command]')) buttons[b.dataset.command] = b;
    const missing = COMMANDS.filter((c) => !buttons[c]);
    if (missing.length) throw new Error(`tls-controls: the page's bar has no button for ${missing.join(', ')}`);
    return {
      buttons,
      position: this.querySelector('.position'),
      moreToggle: this.querySelector('.more-toggle'),
      more: this.querySelector('.more'),
    };
  }

  /** make builds the bar. */
  make() {
    const id = `controls-${++instances}`;
    const button = (command, label, extra = {}) => h('button', { type: 'button', 'data-command': command, 'data-testid': command, ...extra }, label);
    // On a phone the words "Previous" and "Next" are read, not shown (.wide-only).
    const buttons = {
      prev: button('prev', ['← ', h('span', { class: 'wide-only' }, 'Previous')], { 'aria-keyshortcuts': 'ArrowLeft' }),
      next: button('next', [h('span', { class: 'wide-only' }, 'Next'), ' →'], { 'aria-keyshortcuts': 'ArrowRight' }),
      'run-all': button('run-all', 'Run all ▸▸'),
      'new-session': button('new-session', 'New session'),
      close: button('close', 'Close connection'),
      export: button('export', 'Export session'),
      copy: button('copy', 'Copy JSON'),
    };
    // The step is announced by <tls-step-panel> (with its title): no live region here.
    const position = h('span', { class: 'position' });
    // On a narrow screen the bar is one row: the step buttons, and "More" for the rest.
    const moreToggle = h('button', {
      type: 'button', class: 'more-toggle', 'aria-expanded': 'false', 'aria-controls': `${id}-more`, 'data-testid': 'controls-more',
    }, 'More', h('span', { 'aria-hidden': 'true' }, ' ▾'));
    const more = h('div', { class: 'more', id: `${id}-more` },
      h('div', { class: 'group', role: 'group', 'aria-label': 'Run' }, buttons['run-all']),
      h('div', { class: 'group', role: 'group', 'aria-label': 'Session' },
        buttons['new-session'], buttons.close),
      h('div', { class: 'group', role: 'group', 'aria-label': 'Export' },
        buttons.export, buttons.copy));
    this.replaceChildren(h('div', { class: 'controls' },
      h('div', { class: 'group steps-group', role: 'group', 'aria-label': 'Steps' },
        buttons.prev, position, buttons.next),
      moreToggle,
      more));
    return { buttons, position, moreToggle, more };
  }

  /** open tells whether the "More" menu is open (it only shows as a menu on a narrow screen). */
  get open() { return this.moreToggle.getAttribute('aria-expanded') === 'true'; }

  toggle(open, { focus = false } = {}) {
    this.moreToggle.setAttribute('aria-expanded', String(open));
    this.more.classList.toggle('open', open);
    if (focus) this.moreToggle.focus();
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
    const position = `Step ${step} of 7`;
    if (this.position.textContent !== position) this.position.textContent = position;
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
