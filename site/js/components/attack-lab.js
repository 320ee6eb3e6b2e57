// <tls-attack-lab> shows one attack of the lab at a time: Eve, Mallory, the
// downgrade, the certificate failures, tampering, Bleichenbacher or
// resumption with 0-RTT. Each is
// a component of its own, made on first use and kept (so that a learner who
// switches back finds it as left). The view (view-controller.js with lab.js) runs the
// engine and sets `state`; panels emit tls-attack {action, …}.
//
// Property: state = lab.view() (see lab.js): {attack, ready, busy, work,
//   local, mode, session, exchanges, eve, mallory, downgrade, certs, tamper, bleich, resumption}.
// Attributes it sets: data-attack (the attack shown), data-busy.

import { h, fill } from '../dom.js';
import './eve-panel.js';
import './mallory-panel.js';
import './scenario-panel.js';
import './tamper-panel.js';
import './resumption-panel.js';

/** PANELS maps an attack to its element. */
const PANELS = {
  eve: 'tls-eve',
  mallory: 'tls-mallory',
  downgrade: 'tls-downgrade',
  certificates: 'tls-scenarios',
  tamper: 'tls-tamper',
  bleichenbacher: 'tls-bleichenbacher',
  resumption: 'tls-resumption',
};

export class AttackLab extends HTMLElement {
  constructor() {
    super();
    this._state = { attack: null };
    this.panels = {};
  }

  set state(v) { this._state = v; this.render(); }
  get state() { return this._state; }

  connectedCallback() {
    if (!this.status) {
      this.status = h('p', { class: 'lab-status', role: 'status', 'data-testid': 'lab-status' });
      this.error = h('div', { class: 'session-error lab-error', role: 'alert', 'data-testid': 'lab-error', hidden: true });
      this.empty = h('p', { class: 'explanation lab-empty' },
        'Choose an attack above. Each one is a link, so a lesson or a blog post can point straight at it.');
      fill(this, this.status, this.error, this.empty);
    }
    this.render();
  }

  render() {
    if (!this.status) return;
    const { attack, busy, work, ready } = this._state;
    this.dataset.attack = attack || '';
    this.dataset.busy = String(Boolean(busy));
    this.empty.hidden = Boolean(attack);
    this.status.hidden = !attack || (!busy && ready);
    fill(this.status, 
      busy ? h('progress', { class: 'busy' }) : null, ' ',
      ready ? (busy ? `${work || 'Working'}…` : '') : 'Waiting for the engine…');
    const { error } = this._state;
    this.error.hidden = !error || !attack;
    fill(this.error, h('strong', null, 'The attack could not run.'), h('p', null, error || ''));
    for (const [name, tag] of Object.entries(PANELS)) {
      if (name === attack && !this.panels[name]) {
        this.panels[name] = document.createElement(tag);
        this.append(this.panels[name]);
      }
      const panel = this.panels[name];
      if (!panel) continue;
      panel.hidden = name !== attack;
      if (name === attack) panel.state = this._state;
    }
  }

  /** focusPanel moves keyboard focus to the shown attack's heading (after a link). */
  focusPanel() {
    const panel = this.panels[this._state.attack];
    const heading = panel && panel.querySelector('h3');
    if (heading) heading.focus({ preventScroll: true });
  }
}

customElements.define('tls-attack-lab', AttackLab);
