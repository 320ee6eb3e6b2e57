// lab-attacks.js runs the attacks of the page's attack lab for lab.js, which
// keeps what they produced and hands it to <tls-attack-lab>; lab.js imports it
// on the first attack (issue 9: the first view needs none of it). Each runner
// asks the engine through the view (app: see lab.js createLab) and writes its
// result into the lab's state.

import { recordName } from './components/wire.js';
import { presetsFor } from './tamper-presets.js';

/**
 * attacksFor returns the runners of a lab: lab is lab.js's state (written
 * here), app the view's hooks (lab.js createLab), tamperBase() the session
 * tampering starts from. → {handle(event), arrive(), afterNewSession()}.
 */
export function attacksFor(lab, app, { tamperBase }) {
  const engine = () => app.engine();
  const st = () => app.state;
  const local = () => st().server === 'local';
  /** at names the handle of the session on screen in a call's options. */
  const at = () => (app.at ? app.at() : {});
  /** handles: the engine keeps sessions as handles (newSession({own: true}), releaseSession). */
  const handles = () => typeof engine().releaseSession === 'function';

  /**
   * scratch runs fn(own) where own(opts) adds what makes a call run in a
   * handle of the attack's own: with handles, {own: true} for the first
   * newSession and then that handle; the handle is released afterwards.
   * Without handles own(opts) is opts and the session on screen is restored.
   */
  async function scratch(fn) {
    if (!handles()) {
      try {
        return await fn((opts) => opts);
      } finally {
        await restore();
      }
    }
    let id = null;
    const own = (opts) => (id ? { ...opts, session: id } : { ...opts, own: true });
    const track = async (p) => {
      const out = await p;
      if (!id && out && out.session) id = out.session;
      return out;
    };
    try {
      return await fn(own, track);
    } finally {
      if (id) engine().releaseSession(id).catch(() => {});
    }
  }

  // ---- the session on screen ----------------------------------------------------

  /** screenOpts are the newSession options of the session on screen, without its seed. */
  function screenOpts() {
    const s = st();
    return { ...(s.sessionOpts || { mode: s.mode }) };
  }

  /**
   * restore makes the engine's current session the one on screen again:
   * the same handshake from the same seed, the same messages resent.
   */
  async function restore() {
    const s = st();
    if (!local() || !s.session || !s.session.seed) return;
    const e = engine();
    let session = await e.newSession({ ...screenOpts(), seed: s.session.seed });
    const exchanges = [];
    for (const ex of s.exchanges) {
      try {
        exchanges.push(await e.send({ from: ex.from, text: ex.plaintext }));
      } catch {
        break;
      }
    }
    if (s.session.closed) session = await e.close();
    else if (exchanges.length) session = await e.exportSession();
    s.session = session;
    s.exchanges = exchanges;
  }

  /** arrive runs what the attack shown runs on arrival (lab.js open). */
  async function arrive() {
    switch (lab.attack) {
      case 'mallory':
        if (!lab.mallory.result || lab.mallory.mode !== st().mode) await mitm({ trust: false });
        break;
      case 'downgrade':
        if (!lab.downgrade.stripped) await downgrade();
        break;
      case 'certificates':
        await catalogue();
        if (lab.scenario) await runScenario(lab.scenario);
        break;
      case 'bleichenbacher':
        if (!lab.bleich.real) await bleichenbacher({});
        break;
      case 'resumption':
        if (!lab.resumption.result) await resume(lab.resumption.opts);
        break;
      default:
        break;
    }
  }

  // ---- Eve --------------------------------------------------------------------------

  async function eve() {
    if (!local()) throw new Error('Eve reads the session of the engine in this page: choose “Server: in one engine” above');
    const result = await app.work('Eve decrypts the recording with the leaked server key', () => engine().eve(at()));
    lab.eve = { result: { ...result, recorded: st().session } };
    app.setStatus(result.ok
      ? `Eve read the recording: ${result.verdict}.`
      : `Eve failed: ${result.verdict}.`);
  }

  /**
   * eveToken: over HTTP the server sealed its randomness into the token under a long-lived
   * key; Eve, holding the recording and that key, rebuilds the server's ephemeral key.
   */
  async function eveToken() {
    if (local()) throw new Error('the token key exists only with the server behind HTTP: choose “Server: in this page over HTTP” above');
    const result = await app.work('Eve opens a recorded token with the leaked token key', () => engine().callJSON('eveTokenKey', {}));
    lab.eve = { result: { ...result, recorded: st().session } };
    app.setStatus(result.ok ? `Eve read the recording with the token key: ${result.verdict}.` : `Eve failed: ${result.verdict}.`);
  }

  /** eveIn records a new session in mode (the one on screen changes) and lets the key leak. */
  async function eveIn(mode) {
    await app.configure({ mode });
    await eve();
  }

  // ---- Mallory ---------------------------------------------------------------------

  async function mitm({ trust, rewrite = lab.mallory.rewrite }) {
    const mode = st().mode;
    const first = !lab.mallory.result;
    const label = trust
      ? 'Mallory intercepts again: the client now trusts her root'
      : `Mallory intercepts a ${mode} handshake${first ? ' (she makes her own root CA and key first)' : ''}`;
    const result = await app.work(label, () => engine().mitm({ mode, trustMallory: trust, rewrite }));
    lab.mallory = { result, sends: [], rewrite, mode };
    app.setStatus(result.right
      ? 'Mallory is in the middle: two sessions, and neither end can tell.'
      : `The client refused Mallory: ${result.left.error ? result.left.error.alert : 'no error'}.`);
  }

  async function mitmSend({ from, text }) {
    const out = await app.work(`The ${from} sends a message through Mallory`, () => engine().mitmSend({ from, text }));
    lab.mallory = { ...lab.mallory, result: out.session, sends: [...lab.mallory.sends, { from, text, delivered: out.delivered }] };
    app.setStatus(out.delivered === text
      ? `Mallory read “${text}” and passed it on unchanged.`
      : `Mallory read “${text}” and delivered “${out.delivered}”.`);
  }

  // ---- the downgrade --------------------------------------------------------------

  async function downgrade() {
    const seed = local() && st().session ? st().session.seed : undefined;
    await app.work('A client offering TLS 1.3 and 1.2, with and without Mallory stripping TLS 1.3', () => scratch(async (own, track = (p) => p) => {
      // With handles, a handle of the lab's own (its first handshake only makes it) holds the two runs.
      if (handles()) await track(engine().newSession(own({ ...screenOpts(), seed })));
      const clean = await engine().downgrade(own({ strip: false, seed }));
      const stripped = await engine().downgrade(own({ strip: true, seed }));
      lab.downgrade = { clean, stripped };
    }));
    const e = lab.downgrade.stripped.error;
    app.setStatus(e ? `Downgrade detected: the client sent ${e.alert}.` : 'The downgrade was not detected.');
  }

  // ---- certificate failures ----------------------------------------------------------

  async function catalogue() {
    if (lab.certs.catalogue) return;
    lab.certs = { ...lab.certs, catalogue: await engine().scenarios() };
  }

  async function runScenario(id) {
    const mode = st().mode;
    lab.scenario = id;
    lab.certs = { ...lab.certs, result: null, error: '', mode };
    app.render();
    try {
      const result = await app.work(`Minting the certificates of “${id}” and running a ${mode} handshake`,
        () => engine().runScenario({ id, mode }));
      lab.certs = { ...lab.certs, result };
      const e = result.session.error;
      app.setStatus(e ? `${id}: the ${e.side} sent ${e.alert}.` : `${id}: the handshake completed.`);
    } catch (err) {
      lab.certs = { ...lab.certs, error: err.message };
      throw err;
    }
  }

  // ---- tampering --------------------------------------------------------------------------

  /** setEMS switches the extended master secret of the handshake to tamper with (TLS 1.2). */
  async function setEMS(ems) {
    const s = st().session;
    if (ems) {
      lab.tamper = { ...lab.tamper, custom: null, ems: true, result: null };
      return;
    }
    const opts = { ...screenOpts(), ems: false };
    const session = await app.work('Running the same handshake without the extended master secret',
      () => scratch((own, track = (p) => p) => track(engine().newSession(own({ ...opts, seed: s.seed })))));
    lab.tamper = { ...lab.tamper, custom: { session, opts }, ems: false, result: null };
  }

  /** tamper runs the base handshake again with one byte changed on the wire. */
  async function tamper({ record, offset, value }) {
    const base = tamperBase();
    if (!base) throw new Error('no session to tamper with yet');
    const custom = lab.tamper.custom;
    const opts = custom ? custom.opts : screenOpts();
    const resend = custom ? [] : st().exchanges;
    const from = parseInt(base.records[record].hex.slice(offset * 2, offset * 2 + 2), 16);
    const replay = [];
    const session = await app.work(`Running the handshake again with byte ${offset} of record ${record + 1} changed`, () => scratch(async (own, track = (p) => p) => {
      let out = await track(engine().newSession(own({ ...opts, seed: base.seed, tamper: [{ record, offset, value }] })));
      if (!out.error && resend.length) {
        for (const ex of resend) {
          try {
            const got = await engine().send(own({ from: ex.from, text: ex.plaintext }));
            replay.push({ from: ex.from, text: ex.plaintext, decrypted: got.decrypted, record: got.record });
          } catch (err) {
            replay.push({ from: ex.from, text: ex.plaintext, decrypted: null, record: ex.record, error: err.message });
            break;
          }
        }
        out = await engine().exportSession(own({}));
      }
      return out;
    }));
    lab.tamper = { ...lab.tamper, result: { session, change: { record, offset, from, to: value, name: recordName(base, record) }, replay, base } };
    const e = session.error;
    app.setStatus(e
      ? `Record ${record + 1}, byte ${offset} changed: the ${e.side} ${e.alert ? `sent ${e.alert}` : 'waits for more bytes'}.`
      : `Record ${record + 1}, byte ${offset} changed: nobody noticed.`);
  }

  /** presets are the ready-made changes for the base session (tamper-panel.js). */
  function presets() {
    const t = lab.tamper;
    return presetsFor(tamperBase(), { exchanges: t.custom ? [] : st().exchanges, onScreen: !t.custom });
  }

  /** tamperPreset runs a ready-made change, first without EMS when it needs that. */
  async function tamperPreset(id) {
    let p = presets().find((x) => x.id === id);
    if (!p) throw new Error(`no ready-made change ${JSON.stringify(id)} for this session`);
    if (p.ems === false && lab.tamper.ems) {
      await setEMS(false);
      p = presets().find((x) => x.id === id);
      if (!p) throw new Error(`no ready-made change ${JSON.stringify(id)} without the extended master secret`);
    }
    await tamper(p);
  }

  // ---- Bleichenbacher ---------------------------------------------------------------------

  /** bleichenbacher changes one byte of the ClientKeyExchange for the real and the leaky server. */
  async function bleichenbacher({ offset, value }) {
    const s = st().session;
    const seed = s && local() ? s.seed : undefined;
    const onScreen = local() && s && s.mode === 'classic' && !s.error;
    await app.work('Sending a changed ClientKeyExchange to the real server and to the padding oracle', () => scratch(async (own, track = (p) => p) => {
      let base = onScreen ? s : lab.bleich.seed === seed && lab.bleich.base;
      if (!base) base = await track(engine().newSession(own({ mode: 'classic', seed })));
      const cke = (base.messages || []).find((m) => m.name === 'ClientKeyExchange');
      if (!cke) throw new Error('the classic handshake has no ClientKeyExchange');
      const hex = base.records[cke.record].hex;
      let at = offset;
      if (at === undefined || at < 0) at = Math.floor(hex.length / 4); // the middle of the record: inside the encrypted pre-master secret
      const from = parseInt(hex.slice(at * 2, at * 2 + 2), 16);
      const to = value === undefined ? from ^ 0x01 : value;
      const change = [{ record: cke.record, offset: at, value: to }];
      const real = await track(engine().newSession(own({ mode: 'classic', seed: base.seed, tamper: change })));
      const leaky = await engine().newSession(own({ mode: 'classic', seed: base.seed, tamper: change, paddingOracle: true }));
      lab.bleich = { base, seed, offset: at, real, leaky, change: { record: cke.record, offset: at, from, to, name: 'ClientKeyExchange' } };
    }));
    const { real, leaky } = lab.bleich;
    app.setStatus(`Real server: ${real.error ? real.error.alert : 'no error'}; padding oracle: ${leaky.error ? leaky.error.alert : 'no error'}.`);
  }

  // ---- resumption and 0-RTT -------------------------------------------------------------

  /**
   * resume runs a first connection and resumes it (its own pair of connections: the
   * session on screen stays): TLS 1.3 (mode tls13, the default) with psk_dhe_ke or
   * psk_ke and an optional 0-RTT request; TLS 1.2 (ecdhe, classic) with a ticket.
   */
  async function resume({ mode = 'tls13', pskOnly = false, earlyData = '', antiReplay = true }) {
    const is13 = mode === 'tls13';
    const opts = { mode, pskOnly, earlyData, antiReplay };
    const arg = { mode, noAntiReplay: !antiReplay };
    if (is13) Object.assign(arg, { pskOnly, earlyData });
    lab.resumption = { ...lab.resumption, result: null, replays: [], eve: null, mode, opts };
    app.render();
    const result = await app.work(`A ${mode} connection, then the same client resuming it`, () => engine().callJSON('resume', arg));
    lab.resumption = { ...lab.resumption, result };
    const r = result.resumption || {};
    app.setStatus(r.resumed ? `Resumed${r.mode ? ` with ${r.mode}` : ''}: ${(r.skipped || []).join(', ')} skipped.` : 'The server did not resume: a full handshake.');
  }

  /** replayEarly sends the recorded ClientHello and 0-RTT data to the server again. */
  async function replayEarly() {
    const out = await app.work('The attacker sends the recorded ClientHello and 0-RTT request again', () => engine().callJSON('replayEarlyData', {}));
    const result = { ...lab.resumption.result, resumption: out.resumption };
    lab.resumption = { ...lab.resumption, result, replays: [...lab.resumption.replays, out.replay] };
    app.setStatus(`Replay ${out.replay.attempt}: ${out.replay.accepted ? 'the server accepted the request again' : 'the server refused the early data'}.`);
  }

  /** eveTicket: Eve recorded both connections; the server's ticket key leaks. */
  async function eveTicket() {
    const result = await app.work('Eve opens the recorded ticket with the leaked ticket key', () => engine().callJSON('eveTicketKey', {}));
    lab.resumption = { ...lab.resumption, eve: result };
    const second = result.second || result;
    app.setStatus(`Eve with the ticket key: ${second.verdict || ''}.`);
  }

  /** handle runs what a tls-attack event asks for. */
  async function handle({ action, ...arg }) {
    switch (action) {
      case 'eve-leak': return eve();
      case 'eve-mode': return eveIn(arg.mode);
      case 'eve-token': return eveToken();
      case 'mallory-run': return mitm({ trust: Boolean(arg.trust), rewrite: arg.rewrite ?? lab.mallory.rewrite });
      case 'mallory-send': return mitmSend(arg);
      case 'downgrade-run': return downgrade();
      case 'scenario-run': return runScenario(arg.id);
      case 'tamper-ems': return setEMS(Boolean(arg.ems));
      case 'tamper-run': return tamper(arg);
      case 'tamper-preset': return tamperPreset(arg.id);
      case 'bleichenbacher-run': return bleichenbacher(arg);
      case 'resume-run': return resume(arg);
      case 'resume-replay': return replayEarly();
      case 'resume-eve': return eveTicket();
      default: throw new Error(`unknown attack action ${JSON.stringify(action)}`);
    }
  }

  /** afterNewSession: a view that runs on arrival follows the handshake chosen above. */
  async function afterNewSession() {
    if (lab.attack === 'certificates' && lab.scenario && lab.certs.mode !== st().mode) await runScenario(lab.scenario);
    if (lab.attack === 'mallory' && lab.mallory.result && lab.mallory.mode !== st().mode) await mitm({ trust: false });
  }

  return { handle, arrive, afterNewSession };
}
