// <tls-scenarios> is the gallery of failures: every certificate scenario of
// the engine's catalogue (and no-common-suite), each a link
// (#scenario=<id>). The chosen one is minted with crypto/x509 in the page
// and run; the panel shows the exact verification error, the alert sent,
// what a browser would show and why the check exists — all from the
// catalogue and the run, nothing written here. The WebPKI cases (stapled
// OCSP, SCTs) add the client's checks after path
// validation and say which alert it would send, as the engine's handshake
// itself completes. Beside the list on a wide
// screen; on a narrow one (one column) the result comes right after the case
// chosen, inside its list item, instead of below all of them.
//
// Property: state (lab.view()): uses ready, busy, mode, certs =
//   {catalogue: [Scenario], id, result, error, mode}.
// Events: tls-attack {action: 'scenario-run', id} (Run again).

import { h, fill, emit, classes } from '../dom.js';
import { linkTerms, citations } from './glossary.js';
import { certTable } from './values.js';
import { refusal } from './wire.js';
import { modeInfo } from './mode-switch.js';
import { LabPanel } from './lab-panel.js';

/** ONE_COLUMN is when .scenario-layout is one column (playground.css). */
const ONE_COLUMN = '(max-width: 820px)';

export class ScenarioPanel extends LabPanel {
  changed(v, prev) {
    const c = v.certs || {};
    const p = prev.certs || {};
    if (c.catalogue !== p.catalogue || c.id !== p.id) this.renderList();
    if (c.result !== p.result || c.id !== p.id || c.error !== p.error || c.catalogue !== p.catalogue) this.renderResult();
    this.place();
    this.again.disabled = !v.ready || v.busy || !c.id;
    this.detail.dataset.state = v.busy && !c.result ? 'busy' : c.result ? 'done' : c.error ? 'failed' : 'idle';
  }

  build() {
    this.list = h('ol', { class: 'scenario-list', 'data-testid': 'scenario-list' });
    this.again = h('button', { type: 'button', 'data-testid': 'scenario-again' }, 'Run it again (new certificates)');
    this.again.addEventListener('click', () => emit(this, 'tls-attack', { action: 'scenario-run', id: this._state.certs.id }));
    this.body = h('div', { class: 'scenario-body' });
    this.detail = h('section', { class: 'scenario-result', 'aria-live': 'polite', 'data-testid': 'scenario-result' }, this.body,
      h('div', { class: 'actions' }, this.again));
    this.oneColumn = matchMedia(ONE_COLUMN);
    this.oneColumn.addEventListener('change', () => this.place());
    this.layout = h('div', { class: 'scenario-layout' },
      h('nav', { 'aria-label': 'Scenarios' }, this.list),
      this.detail);
    fill(this, h('article', { class: 'attack scenarios', 'aria-labelledby': this.id('scenarios-title') },
      h('header', null,
        h('h3', { id: this.id('scenarios-title'), tabindex: -1 }, 'Certificate failures, and no common cipher suite'),
        h('p', { class: 'explanation' },
          'Step 3 only makes sense when you watch it fail. Each case below mints a fresh chain with crypto/x509, here in the page, with exactly one thing wrong, and runs a real handshake against it in the handshake chosen above. The certificates are made relative to the current time, so none of them ever expires by accident.')),
      this.layout));
  }

  /**
   * place puts the result beside the list (wide), or in one column right
   * after the chosen case, inside its list item, so that it appears where
   * the visitor tapped (narrow). Without a chosen case it stays below the list.
   */
  place() {
    const id = (this._state.certs || {}).id;
    const link = id && this.list.querySelector(`[data-scenario-link="${CSS.escape(id)}"]`);
    const item = this.oneColumn.matches && link ? link.closest('li') : null;
    const parent = item || this.layout;
    if (this.detail.parentNode !== parent) {
      const focused = this.detail.contains(document.activeElement) ? document.activeElement : null;
      parent.append(this.detail);
      if (focused) focused.focus({ preventScroll: true });
    }
    this.detail.classList.toggle('inline', Boolean(item));
  }

  renderList() {
    const { catalogue, id } = this._state.certs || {};
    if (!catalogue) {
      fill(this.list, h('li', { class: 'explanation' }, 'Loading the catalogue…'));
      return;
    }
    fill(this.list, ...catalogue.map((sc) => h('li', null,
      h('a', {
        href: `#scenario=${encodeURIComponent(sc.id)}`, 'data-scenario-link': sc.id,
        'aria-current': sc.id === id ? 'true' : null,
      },
      h('span', { class: 'title' }, sc.title),
      h('span', { class: classes('expect', sc.alert ? 'fails' : 'passes') }, sc.alert ? `${sc.side} sends ${sc.alert}` : 'completes')))));
  }

  renderResult() {
    const { catalogue, id, result, error, mode } = this._state.certs || {};
    this.detail.dataset.scenario = id || '';
    const sc = (catalogue || []).find((x) => x.id === id);
    if (!id) {
      fill(this.body, h('p', { class: 'explanation' }, 'Pick a case: it runs as soon as you choose it.'));
      return;
    }
    if (error) {
      fill(this.body, h('div', { class: 'session-error', role: 'alert' }, h('strong', null, `“${id}” could not run.`), h('p', null, error)));
      return;
    }
    if (!sc || !result) {
      fill(this.body, h('h4', null, sc ? sc.title : id), h('p', { class: 'explanation' }, 'Minting the certificates and running the handshake…'));
      return;
    }
    const e = result.session.error;
    const m = modeInfo(result.mode || mode);
    const v = result.verification;
    const fact = (name, testid, ...value) => h('div', { 'data-testid': testid }, h('dt', null, name), h('dd', null, ...value));
    const web = [['Revocation (stapled OCSP)', 'scenario-revocation', result.revocation], ['Certificate Transparency', 'scenario-transparency', result.transparency]];
    const webFail = web.find(([, , x]) => x && !x.ok);
    fill(this.body, 
      h('h4', null, sc.title),
      h('p', { class: 'defect' }, h('strong', null, 'What is wrong: '), sc.defect),
      h('p', { class: 'explanation' }, `Ran a ${m.id === 'classic' ? 'classic' : m.label} handshake (${m.sub}) with the engine’s client and server.`),
      e ? refusal(e, { testid: 'scenario-refusal', failed: ((webFail ? webFail[2] : v) || {}).checks?.filter((c) => !c.ok).map((c) => c.name) || [] })
        : h('p', { class: 'verdict good', 'data-testid': 'scenario-ok' }, 'The handshake completed: the client accepted the chain.'),
      e && webFail ? h('p', { class: 'explanation', 'data-testid': 'scenario-webpki-note' },
        'The chain itself verifies: the client refused after path validation, in its WebPKI checks. The server stapled the OCSP response because the client asked with status_request (TLS 1.3: inside the leaf’s certificate entry, RFC 8446 §4.4.2.1; TLS 1.2: the CertificateStatus message right after Certificate, RFC 6066 §8), and the certificate carries its SCTs (RFC 6962 §3.3).') : null,
      h('dl', { class: 'scenario-facts' },
        v ? fact('Verification error (crypto/x509)', 'scenario-error', v.ok ? 'none: the chain verifies' : h('code', null, v.error)) : null,
        ...web.map(([name, testid, x]) => (x ? fact(name, testid, x.ok ? 'passes' : h('code', null, x.error)) : null)),
        e ? fact('Alert sent', 'scenario-alert', `the ${e.side} sends `, h('code', null, e.alert || '(none)')) : null,
        sc.stoppedBy ? fact('Stopped by', 'scenario-stopped-by', sc.stoppedBy) : null,
        fact('What a browser would show', 'scenario-browser',
          h('span', { class: 'browser' }, 'Chrome: ', h('code', null, sc.browser.chrome)), h('br'),
          h('span', { class: 'browser' }, 'Firefox: ', h('code', null, sc.browser.firefox)),
          sc.browser.note ? h('span', { class: 'explanation note' }, sc.browser.note) : null),
        fact('Why the check exists', 'scenario-why', linkTerms(sc.why)),
        (sc.rfc || []).length ? fact('In the RFCs', 'scenario-rfc', h('span', { class: 'rfc-cites' }, citations(sc.rfc))) : null),
      result.clientSuites && sc.category === 'negotiation' ? suites(result) : null,
      v ? checks(v) : null,
      ...web.map(([name, testid, x]) => (x ? checks(x, `${name}: the client’s checks`, `${testid}-checks`) : null)),
      chain(result, !sc.category || sc.category === 'certificate'),
      wire(result.session));
  }
}

/** suites shows both lists side by side (no-common-suite). */
function suites(result) {
  const shared = result.clientSuites.filter((x) => result.serverSuites.includes(x));
  const list = (title, items, testid) => h('section', null, h('h5', null, title),
    h('ul', { class: 'suite-list', 'data-testid': testid }, items.map((x) => h('li', null, h('code', null, x)))));
  return h('div', { class: 'suite-lists' },
    list('The client offers', result.clientSuites, 'scenario-client-suites'),
    list('The server enables', result.serverSuites, 'scenario-server-suites'),
    h('p', { class: classes('verdict', shared.length ? 'good' : 'bad') },
      shared.length ? `In common: ${shared.join(', ')}` : 'In common: nothing. The server cannot pick a suite, so it refuses the ClientHello before sending any certificate.'));
}

/** checks lists a check's steps (pki.Verify's on the chain, as the client ran them in step 3; the WebPKI checks after it). */
function checks(v, title = 'The client’s checks, one by one', testid = 'scenario-checks') {
  return h('details', { class: 'scenario-checks', open: true, 'data-testid': testid },
    h('summary', null, title),
    h('ul', { class: 'checks' }, (v.checks || []).map((c) => h('li', { class: classes('check', c.ok ? 'ok' : 'fail') },
      h('span', { class: 'mark', 'aria-hidden': 'true' }, c.ok ? '✓' : '✗'),
      h('span', { class: 'visually-hidden' }, c.ok ? 'passed: ' : 'failed: '),
      h('strong', null, c.name), ': ', c.detail))));
}

/** chain shows the certificates the server sent and the client's trust store. */
function chain(result, sent) {
  const certs = (list) => (list || []).map((c) => h('details', { class: 'cert-detail' },
    h('summary', null, h('code', null, c.subject), ' issued by ', h('code', null, c.issuer)),
    certTable(c)));
  return h('div', { class: 'scenario-chain' },
    h('section', null, h('h5', null, sent
      ? `The server sends (${(result.chain || []).length})`
      : 'The server would have sent (it never got that far)'), certs(result.chain)),
    h('section', null, h('h5', null, 'The client trusts'), certs(result.trustStore)));
}

function wire(session) {
  const w = document.createElement('tls-wire');
  w.view = 'plain';
  w.session = session;
  return h('section', { class: 'scenario-wire' }, h('h5', null, 'On the wire'), w);
}

customElements.define('tls-scenarios', ScenarioPanel);
