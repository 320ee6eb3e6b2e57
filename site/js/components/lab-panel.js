// lab-panel.js is the one base class of the attack lab's stateful panels
// (<tls-eve>, <tls-tamper>, <tls-bleichenbacher>, <tls-scenarios>,
// <tls-resumption>, <tls-exposure>, and Mallory's and the downgrade's).
// What each repeated before: keep the state it was given, build its elements
// on first use, then update what changed since the previous state.
//
//   class EvePanel extends LabPanel {
//     build() { … this.id('eve-secret') … }        // once, on the first state
//     changed(state, prev) { … }                    // on every state, after build
//   }
//
// Property: state (set by <tls-attack-lab>: lab.view(), see lab.js).
// Ids are per instance (this.id(name) → "name-3"), so that several views in
// one document never share an id, a label's for= or a radio group's name.
// A panel that follows a store of its own (follow(store, key, fn))
// subscribes when it connects and unsubscribes when it leaves the document.

let serial = 0;

export class LabPanel extends HTMLElement {
  constructor() {
    super();
    this._state = {};
    this.uid = ++serial;
    this.built = false;
    /** @type {{store: any, key: string, fn: Function, off: (null|(() => void))}[]} */
    this.follows = [];
  }

  set state(v) {
    const prev = this._state;
    this._state = v || {};
    if (!this.built) {
      this.built = true;
      this.build();
    }
    this.changed(this._state, prev);
  }

  get state() { return this._state; }

  /** id is a document-unique id for one of this panel's parts: id('eve-secret') → 'eve-secret-3'. */
  id(name) {
    return `${name}-${this.uid}`;
  }

  /** build makes the panel's elements, once, before the first changed(). */
  build() {}

  /** changed updates the panel for state; prev is the state it showed before ({} the first time). */
  changed(state, prev) {} // eslint-disable-line no-unused-vars

  /** follow calls fn(value) with key's value in store now and on each change, while the panel is in the document. */
  follow(store, key, fn) {
    const f = { store, key, fn, off: null };
    this.follows.push(f);
    if (this.isConnected) this.subscribe(f);
  }

  subscribe(f) {
    if (f.off) return;
    f.off = f.store.subscribe(f.key, f.fn);
    f.fn(f.store.get(f.key));
  }

  connectedCallback() {
    for (const f of this.follows) this.subscribe(f);
  }

  disconnectedCallback() {
    for (const f of this.follows) {
      if (f.off) f.off();
      f.off = null;
    }
  }
}
