// The three handshakes of the page, clicked through in Debian's Chromium:
// classic (TLS 1.2, RSA key transport), TLS 1.2 with ECDHE and TLS 1.3, each
// chosen with the mode switch and run to completion (all seven steps, a
// message each way); the key share of step 5, the key schedule tree, deep
// links that name a mode, and the side-by-side comparison (#compare). Like
// classic.test.mjs, every test fails on a console error, a page error, a CSP
// violation or a request that leaves this machine.
//
//   bash scripts/build.sh && node --test tests/browser/

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useSite, out, waitReady, waitStep, hashAfterIdle } from './helpers.mjs';

const site = useSite();

/** session waits until the page shows a session of mode (and group), different from the one before. */
async function waitSession(page, { mode, group, notSeed }) {
  await page.waitForFunction(({ mode, group, notSeed }) => {
    const b = document.body.dataset;
    if (b.busy !== 'false' || b.sessionMode !== mode) return false;
    if (group !== undefined && b.sessionGroup !== group) return false;
    return !notSeed || b.sessionSeed !== notSeed;
  }, { mode, group, notSeed }, { timeout: 30_000 });
}

/** choose sets the mode switch (mode, then group and server key when given) and waits for the new session. */
async function choose(page, { mode, group, keyType }) {
  if (!(await page.getByTestId(`mode-${mode}`).isChecked())) {
    const seed = await page.getAttribute('body', 'data-session-seed');
    await page.getByTestId(`mode-${mode}`).check();
    await waitSession(page, { mode, notSeed: seed });
  }
  if (keyType) {
    const before = await page.getAttribute('body', 'data-session-seed');
    if (await page.getByTestId('key-type').inputValue() !== keyType) {
      await page.getByTestId('key-type').selectOption(keyType);
      await waitSession(page, { mode, notSeed: before });
    }
  }
  if (group) {
    const before = await page.getAttribute('body', 'data-session-seed');
    if (await page.getByTestId('group').inputValue() !== group) {
      await page.getByTestId('group').selectOption(group);
      await waitSession(page, { mode, group, notSeed: before });
    }
  }
  assert.equal(await page.getAttribute('body', 'data-session-mode'), mode);
  assert.equal(await page.locator('[data-testid="session-error"]').isHidden(), true, 'no error is shown');
}

/**
 * runToCompletion clicks through the seven steps of the session shown, checks
 * the key share at step 5 and the key schedule, and sends a message each way.
 */
async function runToCompletion(page, { mode, version, minNodes, shots = false }) {
  await page.locator('[data-step-link="1"]').click();
  await waitStep(page, 1);
  const titles = [];
  for (let n = 1; n <= 7; n++) {
    if (n > 1) await page.getByTestId('next').click();
    await waitStep(page, n);
    const panel = page.locator(`tls-step-panel[data-step="${n}"]`);
    titles.push((await panel.locator('h2').textContent()).trim());
    assert.ok((await panel.locator('.really-happens').textContent()).trim().length > 20, `${mode} step ${n}: what really happens`);
    if (n < 7) assert.ok(await panel.locator('.event').count() > 0, `${mode} step ${n} shows events`);
    assert.equal(await page.locator('svg.sequence .band.current').getAttribute('data-band'), String(n));
    const hash = await hashAfterIdle(page);
    assert.equal(hash, mode === 'classic' ? `#step=${n}` : new URLSearchParams(hash.slice(1)).get('mode') === mode && hash.endsWith(`step=${n}`) ? hash : `(a #mode=${mode}…&step=${n} link, not ${hash})`);
    if (n === 5) {
      const share = page.locator('tls-key-share');
      if (mode === 'classic') {
        assert.equal(await share.isHidden(), true, 'the classic handshake has no key share');
      } else {
        await share.locator('[data-testid="key-share"]').waitFor();
        const client = await share.locator('[data-testid="shared-client"]').textContent();
        const server = await share.locator('[data-testid="shared-server"]').textContent();
        assert.ok(client.trim().length >= 32 * 3 - 1, 'the client\'s shared secret is shown');
        assert.equal(client, server, 'both sides show the same shared secret');
        assert.match(await share.locator('[data-testid="key-share-match"]').textContent(), /✓\s*Match/);
        assert.ok(await share.locator('.value.secret').count() >= 4, 'private keys and shared secrets are marked secret');
        if (shots) await share.screenshot({ path: path.join(out, `${mode}-key-share.png`) });
      }
    }
  }
  assert.equal(new Set(titles).size, 7, `${mode}: seven different step titles`);
  assert.match(await page.getByTestId('suite').textContent(), mode === 'classic' ? /^TLS_RSA_/ : mode === 'ecdhe' ? /^TLS_ECDHE_/ : /^TLS_(AES|CHACHA20)/);
  assert.match(await page.locator('tls-session-summary dl.facts').textContent(), new RegExp(version.replace('.', '\\.')));

  // The key schedule: a tree of the session's values; selecting one shows its bytes.
  const tree = page.locator('tls-key-schedule');
  const nodes = Number(await tree.getAttribute('data-nodes'));
  assert.ok(nodes >= minNodes, `${mode}: the key schedule has ${nodes} values (want at least ${minNodes})`);
  const master = tree.locator('g.ks-node[data-node="master"]').first();
  await master.click();
  assert.equal(await tree.getAttribute('data-selected'), 'master');
  assert.match(await tree.locator('[data-testid="ks-detail"] h3').textContent(), /master secret/i);
  assert.match((await tree.locator('[data-testid="ks-hex"]').textContent()).replace(/\s+/g, ''), /^[0-9a-f]{96}$/, 'a 48-byte master secret');
  assert.ok(await tree.locator('g.ks-node.lineage').count() >= 1, 'its parents are highlighted');
  // Keyboard: the tree is one Tab stop; the arrows move along it (and not between the steps).
  assert.equal(await tree.locator('g.ks-node[tabindex="0"]').count(), 1, 'one Tab stop in the tree');
  const stepBefore = await page.getAttribute('tls-step-panel', 'data-step');
  await page.keyboard.press('ArrowDown');
  const child = await tree.getAttribute('data-selected');
  assert.notEqual(child, 'master', 'ArrowDown selects a value derived from the master secret');
  await page.keyboard.press('ArrowUp');
  assert.equal(await tree.getAttribute('data-selected'), 'master', 'ArrowUp goes back to its parent');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.getAttribute('tls-step-panel', 'data-step'), stepBefore, 'the arrows stayed in the tree');
  if (shots) await tree.screenshot({ path: path.join(out, `${mode}-key-schedule.png`) });

  // Step 7: a message each way.
  await page.locator('[data-step-link="7"]').click();
  await waitStep(page, 7);
  await page.waitForFunction(() => !document.querySelector('[data-testid="send-client"]').disabled);
  const sent = [['client', `GET /${mode} — héllo ✓`], ['server', `200 OK from ${version}`]];
  for (const [i, [from, text]] of sent.entries()) {
    await page.getByTestId('message-input').fill(text);
    await page.getByTestId(`send-${from}`).click();
    await page.locator('[data-testid="decrypted"]').nth(i).waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('[data-testid="decrypted"]').nth(i).textContent(), text, `${mode}: the ${from}'s message round-trips`);
  }
  if (shots) await page.screenshot({ path: path.join(out, `${mode}-step7.png`), fullPage: false });
}

test('every mode runs to completion: classic, TLS 1.2 + ECDHE, TLS 1.3', async (t) => {
  const { page, problems } = await site.openPage(t);
  await page.goto(`${site.origin}/`);
  await waitReady(page);
  assert.equal(await page.getAttribute('body', 'data-session-mode'), 'classic');

  await t.test('classic', async () => {
    await runToCompletion(page, { mode: 'classic', version: 'TLS 1.2', minNodes: 9 });
  });

  await t.test('ecdhe', async () => {
    await choose(page, { mode: 'ecdhe', group: 'secp256r1', keyType: 'ecdsa' });
    await runToCompletion(page, { mode: 'ecdhe', version: 'TLS 1.2', minNodes: 9, shots: true });
  });

  await t.test('tls13', async () => {
    await choose(page, { mode: 'tls13', keyType: 'rsa', group: 'X25519MLKEM768' });
    await runToCompletion(page, { mode: 'tls13', version: 'TLS 1.3', minNodes: 20, shots: true });
  });

  await t.test('tls13 with P-256 and an Ed25519 key', async () => {
    await choose(page, { mode: 'tls13', keyType: 'ed25519', group: 'secp256r1' });
    assert.match(await page.locator('tls-session-summary dl.facts').textContent(), /ed25519/i);
    await runToCompletion(page, { mode: 'tls13', version: 'TLS 1.3', minNodes: 20 });
  });

  await t.test('back to classic forces an RSA key', async () => {
    await choose(page, { mode: 'classic' });
    assert.equal(await page.getByTestId('key-type').inputValue(), 'rsa');
    assert.ok(await page.getByTestId('group').isDisabled(), 'the classic handshake has no group');
    assert.equal(await hashAfterIdle(page), '#step=7');
  });

  assert.deepEqual(problems, [], 'no console error, page error, CSP violation or foreign request');
});

test('deep link #mode=tls13&step=5 opens TLS 1.3 at the key share; step links keep the mode', async (t) => {
  const { page, problems } = await site.openPage(t);
  await page.goto(`${site.origin}/#mode=tls13&step=5`);
  await waitReady(page);
  await waitStep(page, 5);
  assert.equal(await page.getAttribute('body', 'data-session-mode'), 'tls13');
  assert.equal(await page.getAttribute('body', 'data-session-group'), 'X25519MLKEM768', 'TLS 1.3 starts with the hybrid group');
  assert.ok(await page.getByTestId('mode-tls13').isChecked());
  await page.locator('tls-key-share [data-testid="key-share"]').waitFor();
  await page.screenshot({ path: path.join(out, 'tls13-step5.png'), fullPage: false });
  // A step link of the static list keeps the mode, and says so in its href.
  assert.equal(await page.locator('[data-step-link="3"]').getAttribute('href'), '#mode=tls13&step=3');
  await page.locator('[data-step-link="3"]').click();
  await waitStep(page, 3);
  assert.equal(await hashAfterIdle(page), '#mode=tls13&step=3');
  assert.equal(await page.getAttribute('body', 'data-session-mode'), 'tls13');
  // A link typed in that names another mode switches to it.
  const seed = await page.getAttribute('body', 'data-session-seed');
  await page.evaluate(() => { location.hash = '#step=2&mode=classic'; });
  await waitSession(page, { mode: 'classic', notSeed: seed });
  await waitStep(page, 2);
  assert.equal(await hashAfterIdle(page), '#step=2');
  assert.deepEqual(problems, []);
});

test('comparison (#compare): classic against TLS 1.3 on the same message', async (t) => {
  const { page, problems } = await site.openPage(t);
  await page.goto(`${site.origin}/#compare`);
  await waitReady(page);
  const cmp = page.locator('tls-comparison');
  await page.waitForSelector('tls-comparison[data-state="done"], tls-comparison[data-state="failed"]', { timeout: 30_000 });
  if (await cmp.getAttribute('data-state') === 'failed') assert.fail(await cmp.locator('[data-testid="compare-error"]').textContent());
  assert.equal(await hashAfterIdle(page), '#compare', 'the deep link stays');

  const cells = async (testid) => cmp.locator(`[data-testid="${testid}"] td`);
  const text = async (testid, i) => (await (await cells(testid)).nth(i).textContent()).trim();
  // Round trips before data: 2 against 1.
  assert.equal(await (await cells('compare-round-trips')).nth(0).locator('.big').textContent(), '2');
  assert.equal(await (await cells('compare-round-trips')).nth(1).locator('.big').textContent(), '1');
  // In the clear and encrypted: the certificate is readable in the classic handshake only.
  assert.match(await text('compare-clear', 0), /Certificate/);
  assert.doesNotMatch(await text('compare-clear', 1), /Certificate/);
  assert.match(await text('compare-encrypted', 1), /Certificate/);
  assert.match(await text('compare-encrypted', 1), /EncryptedExtensions/);
  assert.equal(await (await cells('compare-certificate')).nth(0).locator('[data-encrypted]').getAttribute('data-encrypted'), 'false');
  assert.equal(await (await cells('compare-certificate')).nth(1).locator('[data-encrypted]').getAttribute('data-encrypted'), 'true');
  // A stolen server key.
  assert.match(await text('compare-stolen-key', 0), /every recorded session decrypts/i);
  assert.match(await text('compare-stolen-key', 1), /nothing: the ephemeral keys are gone/i);
  // The same message went over both and came out intact.
  const sent = await page.getByTestId('compare-input').inputValue();
  const decrypted = cmp.locator('[data-testid="compare-decrypted"]');
  assert.deepEqual(await decrypted.allTextContents(), [sent, sent]);
  await cmp.screenshot({ path: path.join(out, 'compare.png') });

  // Another message: both sessions run again.
  await page.getByTestId('compare-input').fill('POST /login password=hunter2');
  await page.getByTestId('compare-run').click();
  await page.waitForFunction(() => {
    const outs = [...document.querySelectorAll('[data-testid="compare-decrypted"]')].map((o) => o.textContent);
    return outs.length === 2 && outs.every((o) => o === 'POST /login password=hunter2');
  }, null, { timeout: 30_000 });

  // The session above was left alone: still classic, still open.
  assert.equal(await page.getAttribute('body', 'data-session-mode'), 'classic');
  assert.deepEqual(problems, []);
});
