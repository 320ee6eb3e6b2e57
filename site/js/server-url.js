// server-url.js reads the base URL of a server behind HTTP as a visitor typed
// it. The page's router (model/route.js, for #server=https://…) and the engine
// worker's network layer (network.js) both need it; it lives apart so that the
// page's first view does not load the network layer for it (issue 9).

/** normalizeBase turns what a visitor typed into a server's base URL (no trailing slash). */
export function normalizeBase(url) {
  const u = new URL(String(url || '').trim());
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error(`${u.protocol} is not http: or https:`);
  let path = u.pathname.replace(/\/+$/, '');
  // A link to the info route itself still names the server.
  path = path.replace(/\/tls(\/(info|flight))?$/, '');
  return `${u.origin}${path}`;
}
