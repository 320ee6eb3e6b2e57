// compare.js runs the comparison (<tls-comparison>): a classic and a TLS 1.3
// handshake with the same RSA-2048 server key, each carrying the visitor's
// message. Like lab.js it is a view's helper, not a component: it calls the
// engine and hands what it made to the view, which hands it to the element.
//
// The comparison's sessions never replace the one the visitor is stepping
// through: with an engine that keeps sessions as handles they live in a
// handle of their own (with its own setup) in the same engine, released when
// the comparison runs again or the view ends. An engine without handles gets
// a second engine (a second worker) when something else holds a session.

import { Engine } from './engine.js';
import { modeInfo } from './components/mode-switch.js';
import { keyOrigin } from './model/keys.js';

/**
 * createComparison returns the comparison's runner. view gives it:
 *   engine()     the view's Engine
 *   handles()    whether that engine keeps sessions as handles
 *   alone()      whether nothing else holds a session on that engine (then, without handles, it is lent)
 *   keys()       a promise of the RSA-2048 pair to use: {ca, server} keyring records
 *   serverName   the server's name in the certificates
 *   set(v)       merges v into the view's comparison state and renders:
 *                {busy, status, error, result: {classic, tls13: {session, exchange}}, text}
 */
export function createComparison(view) {
  let runner = null;  // the engine the comparison runs in
  let setup = null;   // its setup (without handles: made once)
  let handle = null;  // its handle, with handles
  let busy = false;

  const release = () => {
    if (handle && runner) runner.releaseSession(handle).catch(() => {});
    handle = null;
  };

  /** run runs both handshakes and sends text over each. */
  async function run(text) {
    if (busy) return;
    busy = true;
    const handles = view.handles();
    const lent = handles || view.alone();
    view.set({ busy: true, error: '', status: lent ? 'Preparing the comparison…' : 'Starting a second engine for the comparison…' });
    try {
      if (!runner) {
        runner = lent ? view.engine() : new Engine();
        await runner.ready;
      }
      // The page's own RSA-2048 pair (kept, fresh or the starter), so nobody waits for key generation.
      const keys = await view.keys();
      const opts = { keyType: 'rsa', keyBits: 2048, serverName: view.serverName, caKeyPem: keys.ca.pem, keyPem: keys.server.pem };
      let at = {};
      if (handles) {
        // A handle of its own, with its own setup: the session on screen keeps its own.
        release();
        view.set({ status: 'Signing the certificates of the RSA-2048 server key for both handshakes…' });
        setup = await runner.setup({ ...opts, own: true });
        handle = setup.session;
        at = { session: handle };
      } else if (!setup) {
        view.set({ status: 'Signing the certificates of the RSA-2048 server key for both handshakes…' });
        setup = await runner.setup(opts);
      }
      const origin = keyOrigin(keys.server);
      const result = {};
      for (const mode of ['classic', 'tls13']) {
        const label = `${modeInfo(mode).label} (${modeInfo(mode).sub})`;
        view.set({ status: `Running the ${label} handshake and sending the message…` });
        let session;
        try {
          session = await runner.newSession({ mode, ...at });
        } catch (err) {
          throw new Error(`the ${label} handshake: ${err.message}`);
        }
        if (session.error) throw new Error(`the ${label} handshake failed: ${session.error.message}`);
        const exchange = await runner.send({ from: 'client', text, ...at });
        result[mode] = { session: await runner.exportSession(at), exchange };
      }
      view.set({ busy: false, result, text, status: `Both handshakes ran with the same RSA-2048 server key (${origin}) and carried “${text}”.` });
    } catch (err) {
      view.set({ busy: false, result: null, error: err.message, status: '' });
    } finally {
      busy = false;
    }
  }

  /** dispose releases the comparison's handle, or stops the second engine it started. */
  function dispose() {
    release();
    if (runner && runner !== view.engine()) runner.terminate();
    runner = null;
  }

  return { run, dispose };
}
