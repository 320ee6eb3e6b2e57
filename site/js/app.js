// app.js boots the full page (index.html): one view of the playground
// (view-controller.js) over the whole document, routed by the URL's fragment
// (model/route.js lists what a link may choose), with the page's store
// (model/page.js) and the recorded first session (model/first-session.js)
// on screen until the engine runs a live one. The embed (embed.js) and
// <tls-view> (tls-view.js) are other bootstraps of the same view.

import { createView } from './view-controller.js';
import { pageStore } from './model/page.js';
import { loadFirstSession } from './model/first-session.js';

// The single-file edition, opened from a file, has no build to read the recorded session from.
const built = location.protocol !== 'file:' && document.documentElement.dataset.edition !== 'single-file';

const view = createView({
  root: document,
  routed: true,
  marks: document.body,
  store: pageStore,
  firstSession: built ? loadFirstSession({ base: document.baseURI }) : null,
});

// A failure to start is shown in the status line (createView's start says why).
view.start().catch(() => {});
