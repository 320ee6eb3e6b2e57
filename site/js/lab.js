// lab.js runs the attacks of the page's attack lab (<tls-attack-lab>):
// Eve, Mallory, the downgrade, the certificate failures, tampering,
// Bleichenbacher, and resumption with 0-RTT. It is a view's helper (view-controller.js), not a component: it calls the
// engine (through the page's Engine), keeps what each attack produced, and
// hands a view of it to the components, which only emit tls-attack events.
//
// The session on screen lives in an engine handle (the page's default one,
// or the view's own: app.at() names it). Eve reads that session's recording.
// Tampering, Bleichenbacher and the downgrade run handshakes of their own in
// the same engine (same seed, so every byte is identical up to the change),
// each in a handle of its own that is released when the attack has run: the
// session on screen is never touched. (An engine without handles has one
// current session: there the lab restores the session on screen afterwards
// by running it again from its seed and resending the messages of step 7.)
//
// Links (the URL's fragment):
//   #attack=eve | mallory | downgrade | certificates | tamper | bleichenbacher | resumption
//   #scenario=<id>        a certificate failure (or no-common-suite), run on arrival
//   #mode=classic&…       as everywhere on the page: the handshake the attacks use

// The attacks themselves (what each one asks the engine, lab-attacks.js) are
// imported on the first one: the first view does not need them (issue 9).

/** ATTACKS are the lab's views, in the order of its menu. */
export const ATTACKS = ['eve', 'mallory', 'downgrade', 'certificates', 'tamper', 'bleichenbacher', 'resumption'];

/** TITLES name each view, for the status line. */
const TITLES = {
  eve: 'Eve, the eavesdropper',
  mallory: 'Mallory in the middle',
  downgrade: 'The downgrade attempt',
  certificates: 'Certificate failures',
  tamper: 'Tampering with the wire',
  bleichenbacher: 'Bleichenbacher’s padding oracle',
  resumption: 'Resumption and 0-RTT',
};

/**
 * createLab returns the lab's controller. app gives it the page:
 *   state      the page's state (read: session, exchanges, sessionOpts, mode, group, server, ready, busy)
 *   engine()   the page's Engine
 *   at()       what names the session on screen's handle in a call's options ({} for the default)
 *   work(label, fn), setStatus(text), render(), configure(requested)
 */
export function createLab(app) {
  const lab = {
    attack: null,
    scenario: null,
    eve: { result: null },
    mallory: { result: null, sends: [], rewrite: true, mode: '' },
    downgrade: { clean: null, stripped: null },
    tamper: { custom: null, ems: true, result: null },
    bleich: { base: null, offset: -1, real: null, leaky: null, change: null, seed: '' },
    certs: { catalogue: null, result: null, mode: '', error: '' },
    resumption: { result: null, replays: [], eve: null, mode: '', opts: { mode: 'tls13', pskOnly: false, earlyData: 'POST /transfer?to=bob&amount=100', antiReplay: true } },
    error: '', // the last attack that failed, and why
  };
  const st = () => app.state;
  const local = () => st().server === 'local';
  let runners = null;
  /** attacks imports the attacks on first use (lab-attacks.js): → their runners over this lab. */
  function attacks() {
    if (!runners) {
      runners = import('./lab-attacks.js').then(({ attacksFor }) => attacksFor(lab, app, { tamperBase }));
      runners.catch(() => { runners = null; }); // offline, say: tried again on the next attack
    }
    return runners;
  }

  // ---- opening a view -------------------------------------------------------------

  /** open shows an attack (or a scenario) and runs what it runs on arrival. */
  async function open({ attack, scenario }) {
    lab.attack = scenario ? 'certificates' : (ATTACKS.includes(attack) ? attack : 'eve');
    lab.scenario = scenario || (lab.attack === 'certificates' ? lab.scenario : null);
    app.render();
    if (!st().ready) return;
    await (await attacks()).arrive();
  }

  /** hash is the fragment that links to what the lab shows. */
  function hash() {
    const p = new URLSearchParams();
    if (st().mode && st().mode !== 'classic') p.set('mode', st().mode);
    if (lab.attack === 'certificates' && lab.scenario) p.set('scenario', lab.scenario);
    else if (lab.attack) p.set('attack', lab.attack);
    return `#${p}`;
  }

  /** tamperBase is the session whose bytes the learner picks from: the one on screen, or one without EMS. */
  function tamperBase() {
    return lab.tamper.custom ? lab.tamper.custom.session : st().session;
  }

  // ---- events and hooks ------------------------------------------------------------------

  /** handle runs what a tls-attack event asks for. */
  async function handle(arg) {
    return (await attacks()).handle(arg);
  }

  /** onNewSession forgets what belonged to the previous session on screen. */
  async function onNewSession() {
    lab.eve = { result: null };
    lab.tamper = { custom: null, ems: true, result: null };
    lab.bleich = { ...lab.bleich, real: null, leaky: null, change: null };
    if (!lab.attack || !st().ready) return;
    await (await attacks()).afterNewSession();
  }

  /** onSessionGrew: a message was sent or the connection closed; Eve's last attempt is out of date. */
  function onSessionGrew() {
    lab.eve = { result: null };
    lab.tamper = { ...lab.tamper, result: null };
  }

  /** view is what <tls-attack-lab> shows. */
  function view() {
    const s = st();
    return {
      attack: lab.attack,
      ready: s.ready,
      busy: s.busy,
      local: local(),
      canLeakToken: s.server === 'page',
      mode: s.mode,
      session: s.session,
      exchanges: s.exchanges,
      http: s.server === 'local' ? null : { server: s.server, base: s.serverURL, exchanges: s.net.exchanges },
      eve: lab.eve,
      mallory: lab.mallory,
      downgrade: lab.downgrade,
      certs: { ...lab.certs, id: lab.scenario },
      tamper: { ...lab.tamper, base: tamperBase() },
      bleich: lab.bleich,
      resumption: lab.resumption,
      error: lab.error,
    };
  }

  /** dispose forgets what the lab holds (its handles are released as each attack ends). */
  function dispose() {
    lab.attack = null;
  }

  return {
    open, handle, view, hash, onNewSession, onSessionGrew, dispose,
    setError(message) { lab.error = message || ''; },
    title: (a) => TITLES[a] || a,
    get attack() { return lab.attack; },
    get scenario() { return lab.scenario; },
  };
}

