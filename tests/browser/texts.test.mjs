// The page's teaching texts (issue 11, points 4-10): each step names its RFC
// sections as links, glossary terms in a step link to <tls-glossary> (once
// per step), the glossary is deep-linkable, and the hybrid key share is
// labelled in the order its bytes travel — checked against the
// cryptography: X25519 of the client's private part and the server's
// public part gives the last 32 bytes of the shared secret.
//
//   TLSPLAY_DIST=/tmp/dist bash scripts/build.sh && TLS_PLAYGROUND_DIST=/tmp/dist node --test tests/browser/texts.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { useSite, out, root, waitReady, waitStep, hashAfterIdle } from './helpers.mjs';

const site = useSite();
const { GLOSSARY } = await import(pathToFileURL(path.join(root, 'site/js/glossary-data.js')).href);
const { TERMS } = await import(pathToFileURL(path.join(root, 'site/js/glossary-terms.js')).href);
const termOf = new Map(TERMS.map((t) => [t.id, t.term]));

/** hexOf reads the bytes a hex dump shows, without its spaces and line breaks. */
async function hexOf(locator) {
  return (await locator.textContent()).replace(/[^0-9a-f]/gi, '').toLowerCase();
}

/** glossaryShown scrolls to index.html's <tls-glossary> (it draws its entries only as it comes near) and waits for them. */
async function glossaryShown(page) {
  await page.locator('tls-glossary').scrollIntoViewIfNeeded();
  await page.locator('tls-glossary [data-testid="glossary"]').waitFor();
}

test('each step cites its RFC sections and links its glossary terms once', async (t) => {
  const { page, problems } = await site.openPage(t);
  await page.goto(`${site.origin}/#step=1`);
  await waitReady(page);
  await glossaryShown(page);
  for (const mode of ['classic', 'tls13']) {
    if (mode !== 'classic') {
      const seed = await page.getAttribute('body', 'data-session-seed');
      await page.getByTestId(`mode-${mode}`).check();
      await page.waitForFunction(({ mode, seed }) => document.body.dataset.busy === 'false' && document.body.dataset.sessionMode === mode && document.body.dataset.sessionSeed !== seed, { mode, seed });
    }
    for (let n = 1; n <= 7; n++) {
      await page.locator(`[data-step-link="${n}"]`).click();
      await waitStep(page, n);
      const panel = page.locator(`tls-step-panel[data-step="${n}"]`);
      const cites = panel.locator('[data-testid="step-rfc"] a');
      assert.ok(await cites.count() >= 1, `${mode} step ${n} cites an RFC`);
      for (const a of await cites.all()) {
        const text = await a.textContent();
        const m = /^RFC (\d+) §([0-9A-Z.]+)$/.exec(text);
        assert.ok(m, `${mode} step ${n}: citation ${text}`);
        const kind = /^[A-Z]/.test(m[2]) ? 'appendix' : 'section';
        assert.equal(await a.getAttribute('href'), `https://www.rfc-editor.org/rfc/rfc${m[1]}#${kind}-${m[2]}`);
      }
      const ids = await panel.locator('.really-happens a.glossary-term').evaluateAll((as) => as.map((a) => a.dataset.glossary));
      assert.equal(new Set(ids).size, ids.length, `${mode} step ${n} links each term once: ${ids}`);
      for (const id of ids) assert.equal(await page.locator(`#glossary-${id}`).count(), 1, `glossary-${id} exists`);
    }
  }
  // Step 1 of TLS 1.3 names the server name, which links to its entry.
  await page.locator('[data-step-link="1"]').click();
  await waitStep(page, 1);
  const sni = page.locator('tls-step-panel .really-happens a.glossary-term[data-glossary="sni"]');
  assert.equal(await sni.count(), 1, 'SNI links to the glossary');
  const before = await hashAfterIdle(page);
  await sni.click();
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'glossary-sni');
  assert.equal(await page.locator('[data-testid="glossary-entry-sni"]').getAttribute('class'), 'glossary-entry current');
  assert.equal(await hashAfterIdle(page), before, 'the step link stays in the fragment');
  assert.deepEqual(problems, [], 'no console error, page error, CSP violation or foreign request');
});

test('the glossary lists every entry, with its RFC links, and #glossary-<id> lands on one', async (t) => {
  const { page, problems } = await site.openPage(t);
  await page.goto(`${site.origin}/#glossary-hkdf`);
  await waitReady(page);
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'glossary-hkdf');
  await page.waitForTimeout(300);
  const box = await page.locator('#glossary-hkdf').boundingBox();
  const height = await page.evaluate(() => innerHeight);
  assert.ok(box && box.y >= 0 && box.y < height, `the entry is on screen once the page is ready (y ${box && box.y} of ${height})`);
  const entries = page.locator('tls-glossary .glossary-entry');
  assert.equal(await entries.count(), GLOSSARY.length);
  for (const e of GLOSSARY) {
    const entry = page.locator(`[data-testid="glossary-entry-${e.id}"]`);
    assert.equal(await entry.locator('dfn').textContent(), termOf.get(e.id));
    assert.deepEqual(await entry.locator('.rfc-cites a').allTextContents(), e.rfc);
    assert.equal(await entry.locator(`a.glossary-term[data-glossary="${e.id}"]`).count(), 0, `${e.id} does not link to itself`);
  }
  await page.locator('#glossary-hkdf').screenshot({ path: path.join(out, 'glossary-hkdf.png') });
  assert.deepEqual(problems, []);
});

test('the hybrid key share is labelled in wire order: ML-KEM first, then X25519', async (t) => {
  const { page, problems } = await site.openPage(t);
  await page.goto(`${site.origin}/#mode=tls13&step=5`);
  await waitReady(page);
  await waitStep(page, 5);
  assert.equal(await page.getAttribute('body', 'data-session-group'), 'X25519MLKEM768');
  const share = page.locator('tls-key-share');
  await share.locator('[data-testid="key-share"]').waitFor();
  const part = (who, kind, i) => share.locator(`[data-testid="${kind}-${who}-parts"] > li`).nth(i);
  const want = {
    'public-client': [['ML-KEM-768 encapsulation key', 1184], ['X25519 public key', 32]],
    'public-server': [['ML-KEM-768 ciphertext', 1088], ['X25519 public key', 32]],
    'private-client': [['ML-KEM-768 decapsulation key seed', 64], ['X25519 private key', 32]],
  };
  const hex = {};
  for (const [key, parts] of Object.entries(want)) {
    const [kind, who] = key.split('-');
    for (const [i, [name, len]] of parts.entries()) {
      assert.equal((await part(who, kind, i).locator('.label.part').textContent()).trim(), name, `${key} part ${i + 1}`);
      const bytes = await hexOf(share.locator(`[data-testid="${key}-part-${i}"]`));
      assert.equal(bytes.length, len * 2, `${key} part ${i + 1}: ${name} is ${len} bytes`);
      hex[`${key}-${i}`] = bytes;
    }
  }
  // X25519(client's X25519 private key, server's X25519 public key) is the shared secret's last 32 bytes.
  const b64 = (h) => Buffer.from(h, 'hex').toString('base64url');
  const privateKey = crypto.createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: b64(hex['private-client-1']), x: b64(hex['public-client-1']) }, format: 'jwk' });
  const publicKey = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64(hex['public-server-1']) }, format: 'jwk' });
  const x25519 = crypto.diffieHellman({ privateKey, publicKey }).toString('hex');
  const shared = await hexOf(share.locator('[data-testid="shared-client"]'));
  assert.equal(shared.length, 128, 'the hybrid shared secret is 64 bytes');
  assert.equal(shared.slice(64), x25519, 'the X25519 secret comes second');
  assert.notEqual(shared.slice(0, 64), x25519);
  assert.match(await share.locator('[data-testid="key-share-hybrid"]').textContent(), /still classical/);
  await share.screenshot({ path: path.join(out, 'tls13-key-share-parts.png') });
  assert.deepEqual(problems, []);
});
