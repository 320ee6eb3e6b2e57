// app.js boots the full page (index.html): one view of the playground
// (view-controller.js) over the whole document, routed by the URL's fragment
// (model/route.js lists what a link may choose), with the page's store
// (model/page.js) and the recorded first session (model/first-session.js)
// on screen until the engine runs a live one. The embed (embed.js) and
// <tls-view> (tls-view.js) are other bootstraps of the same view.

import { createView } from './view-controller.js';
import { pageStore } from './model/page.js';
import { loadFirstSession, besideCode, takeEarlyFirstSession } from './model/first-session.js';

// The recorded first session: in a build, beside the page's code (scripts/sitebuild puts it in
// assets/<hash>/, whose js/ holds this module), so no request precedes it and the service worker
// keeps it with the code; else (a development tree) by build.json's "firstSession". Not in the
// single-file edition (opened from a file, no build to read), nor offline without a build's name
// for it (build.json is not kept by the service worker: the page waits for the engine, which is kept).
const named = besideCode(import.meta.url);
const built = location.protocol !== 'file:' && document.documentElement.dataset.edition !== 'single-file'
  && (Boolean(named) || navigator.onLine !== false);

// js/first-session-start.js began to fetch it with the page: by now it is usually here, and the
// view's first render shows it (createView takes the session itself as well as a promise of it).
const early = built ? takeEarlyFirstSession() : undefined;

const view = createView({
  root: document,
  routed: true,
  marks: document.body,
  store: pageStore,
  firstSession: early !== undefined ? early : built ? loadFirstSession({ base: document.baseURI, path: named }) : null,
});

// A failure to start is shown in the status line (createView's start says why).
view.start().catch(() => {});
