// The core engine has no P-224, P-384 or P-521 (scripts/wasm-overlay, -tags core), but the
// trust box describes whatever certificate the visitor pastes: engine-worker.js answers a
// describeCertificates the core refuses for its curve with the lab's description (the lab has
// them). Through site/js/engine.js and its worker, in headless Chromium, on a page of the built
// dist (TLS_PLAYGROUND_DIST) whose script is this test's.
//
//   bash scripts/build.sh && node --test tests/node/core-curves.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

import { blankPage, useSite } from './site-page.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const omitted = fs.readFileSync(path.join(here, '../../scripts/wasm-overlay/testdata/omitted-curves.pem'), 'utf8');

/** certAfter is the first CERTIFICATE block after the line that starts with marker in omitted-curves.pem. */
function certAfter(marker) {
  const rest = omitted.slice(omitted.indexOf(marker));
  const m = rest.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/);
  assert.ok(m, `no certificate after ${marker} in omitted-curves.pem`);
  return m[0];
}

describe('describeCertificates of a curve the core does not carry', { timeout: 240_000 }, () => {
  const site = useSite();

  it('answers the lab\'s description (P-384), and the core\'s for RSA', async () => {
    const { page, errors } = await blankPage(site, 'core-curves-test');
    const p384 = certAfter('# secp384r1');
    const out = await page.evaluate(async ({ assets, engine, lab, p384 }) => {
      const text = async (p) => (await fetch(`/${p}`)).text();
      const bytes = async (p) => (await fetch(`/${p}`)).arrayBuffer();
      const { Engine } = await import(`/${assets}js/engine.js`);
      const { STARTER_KEYS } = await import(`/${assets}js/starter-keys.js`);
      const workerSource = `self.tlsPlaygroundWorker = { wasm: 'message' };\n${await text(`${assets}wasm_exec.js`)}\n${await text(`${assets}js/engine-worker.js`)}`;
      let labAsked = false;
      const e = new Engine({ workerSource, wasmBytes: () => bytes(engine), labBytes: () => { labAsked = true; return bytes(lab); } });
      await e.ready;
      const r = {};
      // RSA: the core answers, the lab is not loaded.
      const setup = await e.setup({ keyType: 'rsa', keyBits: 2048, caKeyPem: STARTER_KEYS.ca, keyPem: STARTER_KEYS.server });
      r.rsa = (await e.describeCertificates({ pem: setup.leaf.pem }))[0].publicKey;
      r.labAfterRSA = labAsked;
      const [cert] = await e.describeCertificates({ pem: p384 });
      r.p384 = { publicKey: cert.publicKey, subject: cert.subject };
      r.labAfterP384 = labAsked;
      // Not a certificate at all: the core's own error, not the lab's.
      r.garbage = await e.describeCertificates({ pem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' }).then(() => 'answered', (err) => err.message);
      return r;
    }, { assets: site.build.assets, engine: site.build.engine, lab: site.build.lab, p384 });
    assert.match(out.rsa, /RSA/);
    assert.equal(out.labAfterRSA, false, 'an RSA certificate needs no lab');
    assert.equal(out.p384.publicKey, 'ECDSA P-384');
    assert.match(out.p384.subject, /secp384r1\.example/);
    assert.equal(out.labAfterP384, true, 'the lab described the P-384 certificate');
    assert.notEqual(out.garbage, 'answered');
    assert.doesNotMatch(out.garbage, /core engine/);
    assert.deepEqual(errors, []);
  });
});
