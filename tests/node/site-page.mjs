// site-page.mjs: the built dist (TLS_PLAYGROUND_DIST) served, one headless Chromium, and a
// blank page of the site's origin whose script is the test's own (no CSP: it may start a
// blob: worker), for the tests that drive site/js/engine.js directly.
import fs from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';

import { chromium } from '../node_modules/playwright-core/index.mjs';
import { launchOptions, serve } from '../browser/helpers.mjs';
import { distDir } from './engine.mjs';

/**
 * useSite serves the dist and launches Chromium before the suite's tests and stops both
 * after them; the object it returns holds `build` (build.json), `server` and `browser` once
 * the suite runs.
 */
export function useSite() {
  const site = {};
  before(async () => {
    site.build = JSON.parse(fs.readFileSync(path.join(distDir, 'build.json'), 'utf8'));
    site.server = await serve(distDir);
    site.browser = await chromium.launch(launchOptions);
  });
  after(async () => {
    await site.browser?.close();
    await site.server?.close();
  });
  return site;
}

/** blankPage opens /NAME.html of the site's origin, an empty document; errors collects the page's uncaught errors. */
export async function blankPage(site, name) {
  const page = await site.browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const url = `${site.server.origin}/${name}.html`;
  await page.route(url, (route) => route.fulfill({ contentType: 'text/html', body: `<!doctype html><title>${name}</title>` }));
  await page.goto(url);
  return { page, errors };
}
