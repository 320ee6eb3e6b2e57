// embed.js boots an embed view (embed.html): one focused view of the
// playground, without the page's chrome, made to live in an iframe of someone
// else's page. It reads the view from the fragment (views.js: the same links
// as the full page), mounts that view's elements (mountView, as <tls-view>
// does), starts a view over them (view-controller.js, the full page's too,
// routed by the fragment, with the recorded first session of a step view)
// and tells the host page its height whenever it changes.
//
// The message to the host (the host script tls-playground.js listens for it):
//   {type: 'tls-playground:resize', version: 1, height, view}
// height: the embed's content height in CSS pixels; view: the view's kind.
// It is posted to the parent with targetOrigin '*': it says nothing secret,
// and the embed cannot know its host. The host accepts it only from its own
// iframes of this site (checking event.origin and event.source).
//
// An embed never scrolls or focuses its host: the view never calls
// scrollIntoView here, and moves focus only once the visitor is inside.

import { parseView, titleOf } from './views.js';
import { mountView } from './tls-view.js';
import { createView } from './view-controller.js';
import { loadFirstSession, besideCode } from './model/first-session.js';

// The modules run: boot.js (the classic script that reports a page that
// cannot start) waits for this mark, which engine.js sets only once the
// view's modules load, a moment later here.
document.documentElement.dataset.modules = 'ran';

const view = parseView(location.hash);

const main = document.getElementById('view');
main.replaceChildren(...mountView(view.kind));
document.documentElement.dataset.view = view.kind;
document.querySelector('.embed-title').textContent = titleOf(view);
document.title = `TLS Playground: ${titleOf(view)}`;
// "TLS Playground" opens the full page at the same view.
document.querySelector('.embed-brand').href = `./${location.hash}`;

// ---- the host's iframe follows the content's height ----------------------------

let reported = -1;
let timer = 0;

/** measure posts the content height to the host when it changed. */
function measure() {
  timer = 0;
  const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
  if (height === reported || window.parent === window) return;
  reported = height;
  window.parent.postMessage({ type: 'tls-playground:resize', version: 1, height, view: view.kind }, '*');
}

/**
 * report measures soon, once for a burst of changes. Browsers pause rendering
 * (and with it ResizeObserver and requestAnimationFrame) in a cross-origin
 * iframe that is off screen, so changes to the DOM are watched too and
 * measured on a timer: an embed below the fold still reports its height.
 */
function report() {
  if (!timer) timer = setTimeout(measure, 30);
}

new ResizeObserver(report).observe(document.documentElement);
new MutationObserver(report).observe(document.body, { childList: true, subtree: true, attributes: true, characterData: true });
addEventListener('resize', report);
addEventListener('load', report);
report();

createView({
  root: document,
  routed: true,
  embedded: true,
  marks: document.body,
  firstSession: view.kind === 'step' && location.protocol !== 'file:' && navigator.onLine !== false
    ? loadFirstSession({ base: document.baseURI, path: besideCode(import.meta.url) }) : null,
}).start().catch(() => {});
