// bridge.mjs serves a fetch-shaped server (site/js/server-runtime.js's {fetch}) on 127.0.0.1, so
// that the engine's native client (tests/workerd/client) reaches the in-page server over real
// HTTP. Used by tests/node/server.test.mjs and tests/workerd/startbench.mjs. Not a test file.
import http from 'node:http';

export const ORIGIN = 'https://in-page.invalid';

/** bridge resolves a listening http.Server that hands each request to inPage.fetch. */
export function bridge(inPage) {
  const hop = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length']);
  const srv = http.createServer(async (req, res) => {
    try {
      const chunks = [];
      for await (const c of req) chunks.push(c);
      const headers = Object.entries(req.headers).filter(([k]) => !hop.has(k));
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      const request = new Request(`${ORIGIN}${req.url}`, { method: req.method, headers, body: hasBody ? Buffer.concat(chunks) : undefined });
      const response = await inPage.fetch(request);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (err) {
      console.error('bridge:', err);
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`bridge: ${err.message}`);
    }
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve(srv)));
}
