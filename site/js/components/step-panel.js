// <tls-step-panel> shows one of the seven steps of a session: what the
// articles say, what really happens (each glossary term linked to its entry
// the first time it appears, and the RFC sections the text rests on), each
// event with its values, and the records that went over the wire during the
// step.
//
// A change of step is announced to screen readers ("Step 5 of 7: <title>") in
// a polite live region that the panel keeps across renders; a render of the
// same step (a new session, say) announces nothing.
//
// A recorded session (the build's first session, session.source 'recorded')
// says so under the step's title.
//
// Properties: session (Session JSON), step (1..7), notice (why there is no session).
// Attributes it sets: data-step (the step shown).

import { h, classes } from '../dom.js';
import { renderValue, hexBlock } from './values.js';
import { byteLength, formatByteCount } from '../hex.js';
import { linkTerms, citations } from './glossary.js';
import { isRecorded, recordedAt } from './recorded.js';

let instances = 0;

/** recordedLabel says, in one line, what a recorded session is. */
function recordedLabel(session) {
  const at = recordedAt(session);
  return `Recorded by this engine when the site was built${at ? ` (${at})` : ''}, with the starter key everyone has; the engine in your browser replaces it when it is ready.`;
}

export class StepPanel extends HTMLElement {
  constructor() {
    super();
    this.uid = `step-panel-${++instances}`;
    this._session = null;
    this._step = 1;
  }

  set session(v) { if (v !== this._session) { this._session = v; this.render(); } }
  get session() { return this._session; }
  set step(v) { if (v !== this._step) { this._step = v; this.render(); } }
  get step() { return this._step; }
  /** notice, when set and there is no session, says why there is none. */
  set notice(v) { if (v !== this._notice) { this._notice = v; if (!this._session) this.render(); } }

  connectedCallback() { this.render(); }

  render() {
    if (!this.isConnected) return;
    if (!this.live) {
      this.live = h('p', { class: 'visually-hidden', 'aria-live': 'polite', 'aria-atomic': 'true', 'data-testid': 'step-announce' });
      this.content = h('div', { class: 'step-content' });
      this.replaceChildren(this.live, this.content);
    }
    const n = this._step;
    this.dataset.step = String(n);
    this.setAttribute('data-testid', 'step-panel');
    const session = this._session;
    const step = session && (session.steps || []).find((st) => st.n === n);
    const headingID = `${this.uid}-title`;
    // Announced: a move from a step shown to another (not the first session's arrival).
    if (step) {
      if (this._shown !== undefined && this._shown !== n) this.live.textContent = `Step ${n} of 7: ${step.title}`;
      this._shown = n;
    }
    if (!step) {
      this._view = null;
      this.content.replaceChildren(h('article', { class: 'step-panel pending', 'aria-labelledby': headingID },
        h('p', { class: 'step-number' }, `Step ${n} of 7`),
        h('h2', { id: headingID, tabindex: -1 }, this._notice ? 'No handshake' : 'Waiting for the engine'),
        h('p', { class: 'explanation' }, this._notice || 'The values of this step appear here once the engine has run a handshake.')));
      return;
    }

    const messages = (session.messages || []).filter((m) => m.step === n);
    const events = step.events || [];
    const recorded = isRecorded(session);
    // The article on screen is kept and changed where the step differs: a new
    // session of the same step changes its values, not its text (nor the
    // heading's focus); the text is rebuilt only when it is another.
    let v = this._view;
    if (!v || !v.article.isConnected || v.article.parentNode !== this.content) {
      const number = h('p', { class: 'step-number' });
      const title = h('h2', { id: headingID, tabindex: -1 });
      const header = h('header', null, number, title);
      const article = h('article', { class: 'step-panel', 'aria-labelledby': headingID }, header);
      v = this._view = { article, header, number, title, badge: null, compare: null, key: '', events: null, shape: '', values: [], records: null };
      this.content.replaceChildren(article);
    }
    v.article.dataset.source = recorded ? 'recorded' : 'live';
    setText(v.number, `Step ${n} of 7`);
    setText(v.title, step.title);
    const badge = recorded ? recordedLabel(session) : '';
    if (badge && !v.badge) v.header.append(v.badge = h('p', { class: 'recorded-badge', 'data-testid': 'step-recorded' }));
    if (v.badge) {
      if (badge) setText(v.badge, badge);
      else { v.badge.remove(); v.badge = null; }
    }
    const key = JSON.stringify([step.article, step.really, step.rfc || []]);
    if (key !== v.key) {
      const compare = h('div', { class: 'compare' },
        h('section', { class: 'article-says' }, h('h3', null, 'What articles say'), h('p', null, step.article)),
        h('section', { class: 'really-happens' }, h('h3', null, 'What really happens'), paragraphs(step.really),
          (step.rfc || []).length ? h('p', { class: 'rfc-cites', 'data-testid': 'step-rfc' }, 'In the RFCs: ', citations(step.rfc)) : null));
      if (v.compare) v.compare.replaceWith(compare);
      else v.article.append(compare);
      v.compare = compare;
      v.key = key;
    }
    // The events: the same events with the same values' names (a new session
    // of the same step) keep their elements, and only a value that changed
    // (a random, a key share, a signature) is drawn anew.
    const shape = JSON.stringify([n, events.map((ev) => [ev.actor, ev.title,
      (ev.values || []).map((x) => [x.label, x.kind, Boolean(x.secret)])])]);
    if (!v.events || !v.events.isConnected || shape !== v.shape) {
      if (v.events) v.events.remove();
      v.shape = shape;
      v.values = events.map((ev) => (ev.values || []).map((x) => ({ key: JSON.stringify(x), el: null })));
      v.events = events.length
        ? h('ol', { class: 'events', 'aria-label': `What happens in step ${n}` }, events.map((ev, i) => eventItem(ev, v.values[i])))
        : h('p', { class: 'explanation no-events' }, n === 7
          ? 'No application data yet: type a message below and send it as the client or as the server.'
          : 'Nothing was recorded for this step.');
      if (v.records) v.records.before(v.events);
      else v.article.append(v.events);
    } else {
      events.forEach((ev, i) => (ev.values || []).forEach((x, j) => {
        const was = v.values[i][j];
        const key = JSON.stringify(x);
        if (key === was.key) return;
        const el = renderValue(x);
        was.el.replaceWith(el);
        v.values[i][j] = { key, el };
      }));
    }
    if (v.records) v.records.remove();
    v.records = messages.length ? recordsOnTheWire(session, messages) : null;
    if (v.records) v.article.append(v.records);
  }

  /** focusHeading moves keyboard focus to the step's title (after a deep link). */
  focusHeading() {
    const heading = this.querySelector('h2');
    if (heading) heading.focus();
  }
}

/** setText sets el's text, unless it is already that (no needless change for the page to lay out). */
function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

/** paragraphs splits a text at blank lines, linking each glossary term once across them. */
function paragraphs(text) {
  const seen = new Set();
  return (text || '').split(/\n\s*\n/).map((p) => h('p', null, linkTerms(p, seen)));
}

/** renderEvent shows what one actor did, with its values. */
export function renderEvent(ev) {
  return eventItem(ev, null);
}

/** eventItem is renderEvent's <li>; refs, when given, receives each value's element (refs[j].el). */
function eventItem(ev, refs) {
  const values = (ev.values || []).map((x, j) => {
    const el = renderValue(x);
    if (refs) refs[j].el = el;
    return el;
  });
  return h('li', { class: classes('event', ev.actor) },
    h('h3', null, h('span', { class: classes('actor', ev.actor) }, ev.actor), ' ', ev.title),
    values.length ? h('dl', { class: 'values' }, values) : null);
}

/** recordsOnTheWire lists the bytes of every record sent during the step. */
function recordsOnTheWire(session, allMessages) {
  // Several handshake messages may share one record: show each record once.
  const seen = new Set();
  const messages = allMessages.filter((m) => !seen.has(m.record) && seen.add(m.record));
  const items = messages.map((m) => {
    const names = allMessages.filter((o) => o.record === m.record).map((o) => o.name).join(' + ');
    const record = (session.records || [])[m.record];
    if (!record) return null;
    const n = byteLength(record.hex);
    return h('li', { class: classes('record', record.from) },
      h('p', { class: 'label' },
        h('span', { class: classes('actor', record.from) }, record.from), ' ',
        names, m.encrypted ? ' (encrypted)' : '', ` · record ${m.record + 1} of the connection`),
      hexBlock(record.hex, { len: n, label: `Record ${m.record + 1}` }));
  });
  const total = messages.reduce((sum, m) => sum + byteLength(((session.records || [])[m.record] || {}).hex), 0);
  return h('details', { class: 'records' },
    h('summary', null, `The records on the wire in this step (${messages.length}: ${formatByteCount(total)})`),
    h('ol', { class: 'records' }, items));
}

customElements.define('tls-step-panel', StepPanel);
