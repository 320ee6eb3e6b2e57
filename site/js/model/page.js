// page.js holds the full page's store (pageStore): what the page shows, for
// every view mounted in it to read and follow. The bootstrap (app.js for the
// full page, embed.js for an embed) writes it; elements subscribe when they
// connect and unsubscribe when they disconnect.
//
// Keys:
//   'session'  the session on screen: the engine's session JSON plus
//              source: 'recorded' (the build's first session, shown before
//              the engine is ready) | 'live' (run by the engine in this page);
//              null while there is none.
//   'step'     the step shown, 1..7.
//   'ready'    whether the engine is ready (controls that need it work).
//   'busy'     whether the engine is working for the page.

import { createStore } from './store.js';

export const pageStore = createStore({
  session: null,
  step: 1,
  ready: false,
  busy: false,
});

/** SOURCES are where a session on screen comes from. */
export const SOURCES = Object.freeze({ recorded: 'recorded', live: 'live' });

/**
 * withSource returns session marked with where it came from (a new object;
 * the engine's JSON is not changed). null stays null.
 */
export function withSource(session, source) {
  if (!session) return null;
  if (source !== SOURCES.recorded && source !== SOURCES.live) throw new Error(`page store: unknown session source "${source}" (recorded or live)`);
  return { ...session, source };
}
