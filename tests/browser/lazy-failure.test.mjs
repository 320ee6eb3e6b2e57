// What the parts loaded on first use do when their code cannot be fetched
// (offline before the service worker stored them, a host that dropped an old
// version): they say so in place, with the reason, instead of staying empty
// placeholders, and the next ask loads them once the code is reachable again.
// Covers the glossary's entries (components/glossary.js) and a part below the
// first screen (js/below-fold.js: the comparison).
//
//   bash scripts/build.sh && node --test tests/browser/lazy-failure.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSite, waitReady } from './helpers.mjs';

const site = useSite();

// The requests a test cuts on purpose, and the browser's console line about each.
const cutProblems = (problems, pattern) => problems.filter((p) => !(
  (p.startsWith('request failed: ') && pattern.test(p.split(' ')[2]) && p.endsWith(' net::ERR_INTERNET_DISCONNECTED'))
  || p === 'console error: Failed to load resource: net::ERR_INTERNET_DISCONNECTED'));

test('the glossary says in place that its entries could not be loaded, and loads them when asked again', async (t) => {
  const { page, problems } = await site.openPage(t);
  const cut = /\/js\/glossary-data\.js(\?.*)?$/;
  let asked = 0;
  await page.route(cut, (route) => { asked++; return route.abort('internetdisconnected'); });
  await page.goto(`${site.origin}/`);
  await waitReady(page);
  // The first Tab asks for the list (the keyboard may go there next).
  await page.keyboard.press('Tab');
  const error = page.getByTestId('glossary-error');
  await error.waitFor({ timeout: 30_000 });
  assert.equal(await error.getAttribute('role'), 'alert');
  assert.match((await error.textContent()).trim(), /^The glossary's entries could not be loaded: .+\. Try again$/s);
  assert.ok(asked >= 1, 'the entries were asked for');
  assert.equal(await page.locator('tls-glossary .glossary-entry').count(), 0, 'no entry is shown');

  // Back online: "Try again" loads the list.
  await page.unroute(cut);
  await error.getByRole('button', { name: 'Try again' }).click();
  await page.getByTestId('glossary-entry-prf').waitFor({ timeout: 30_000 });
  assert.ok(await page.locator('tls-glossary .glossary-entry').count() > 20, 'the whole list is shown');
  assert.equal(await page.getByTestId('glossary-error').count(), 0, 'the notice is gone');
  // A term's link lands on its entry.
  await page.goto(`${site.origin}/#glossary-hkdf`);
  await page.waitForFunction(() => document.querySelector('.glossary-entry.current [id="glossary-hkdf"]'), null, { timeout: 30_000 });

  assert.deepEqual(cutProblems(problems, cut), [], problems.join('\n'));
});

test('a part below the first screen says in place that it could not be loaded, and loads when asked again', async (t) => {
  const { page, problems } = await site.openPage(t);
  const cut = /\/js\/components\/comparison\.js(\?.*)?$/;
  await page.route(cut, (route) => route.abort('internetdisconnected'));
  await page.goto(`${site.origin}/`);
  await waitReady(page);
  // The lede's link asks for the comparison at once.
  await page.locator('header a[href="#compare"]').click();
  const error = page.locator('tls-comparison .below-fold-error');
  await error.waitFor({ timeout: 30_000 });
  assert.equal(await error.getAttribute('role'), 'alert');
  assert.match((await error.textContent()).trim(), /^This part of the page could not be loaded: .+/);

  // Back online: the same link loads it and the comparison runs.
  await page.unroute(cut);
  await page.evaluate(() => { location.hash = ''; });
  await page.locator('header a[href="#compare"]').click();
  await page.waitForSelector('tls-comparison[data-state="done"]', { timeout: 60_000 });
  assert.equal(await page.locator('tls-comparison .below-fold-error').count(), 0, 'the notice is gone');

  assert.deepEqual(cutProblems(problems, cut), [], problems.join('\n'));
});
