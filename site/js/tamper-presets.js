// tamper-presets.js lists the ready-made byte changes of the tampering view
// (components/tamper-panel.js), one per check it teaches. The attack lab
// (lab.js) runs them too, and it is in the first view's module graph: the
// list lives here, without the panel's element, so that the panel (and the
// lab's other panels) load with the attack lab, below the first screen
// (issue 9: fewer modules before the first session is on screen).

import { byteAt, byteLength } from './hex.js';
import { recordName } from './components/wire.js';
import { cachedAnalysis, findField } from './analysis.js';

/**
 * presetRecords lists the records whose analyzer trees the presets need
 * (the ClientHello, the server's Certificate and ServerKeyExchange):
 * the panel asks for them, presetsFor reads them once they arrived.
 */
export function presetRecords(session) {
  const first = (name) => (session.messages || []).find((m) => m.name === name && m.from === 'server');
  return [0, first('Certificate'), first('ServerKeyExchange')]
    .map((x) => (typeof x === 'number' ? x : x && !x.encrypted ? x.record : -1))
    .filter((i) => i >= 0);
}

/** fieldIn returns the field of kind in record index's wire tree (analysed already), or null. */
function fieldIn(session, index, kind) {
  const a = cachedAnalysis(session, index);
  const found = a && findField(a.tree.wire, kind);
  return found ? found.field : null;
}

/**
 * presetsFor lists ready-made changes for a session, each {id, label,
 * record, offset, value, ems?}: one per check the tampering view teaches.
 * ems: false means the change only shows its check without the extended
 * master secret. onScreen: the session on screen, whose step-7 messages
 * are resent (so its application data can be changed too). The bytes are
 * found by the analyzer's field kinds; a preset whose record has not been
 * analysed yet is left out (the panel asks, then lists it).
 */
export function presetsFor(session, { exchanges = [], onScreen = true } = {}) {
  if (!session || !(session.records || []).length) return [];
  const out = [];
  const records = session.records;
  const first = (name, from) => (session.messages || []).find((m) => m.name === name && (!from || m.from === from));
  const flip = (record, offset) => ({ record, offset, value: byteAt(records[record].hex, offset) ^ 0x01 });
  const last = (record) => byteLength(records[record].hex) - 1;
  const end = (f) => f.offset + f.length - 1;
  const tls12 = session.version === 'TLS 1.2';

  const enc = (session.messages || []).find((m) => m.encrypted);
  if (enc) {
    out.push({ id: 'aead', ...flip(enc.record, last(enc.record)), label: `The last byte of record #${enc.record + 1} (${recordName(session, enc.record)}, encrypted): its AEAD tag` });
  }
  const sni = tls12 && (fieldIn(session, 0, 'ext.server_name.host_name.data') || fieldIn(session, 0, 'ext.server_name.host_name'));
  if (sni) {
    out.push({
      id: 'finished', ems: false, ...flip(0, end(sni)),
      label: 'A letter of the server name in the ClientHello, without the extended master secret: only Finished can tell',
    });
  }
  const cert = first('Certificate', 'server');
  const certData = cert && !cert.encrypted && fieldIn(session, cert.record, 'certificate.cert_data');
  if (certData) {
    // The leaf comes first; its DER ends with the issuer's signature (RFC 5280, Section 4.1.1.3).
    out.push({ id: 'certificate', ...flip(cert.record, end(certData)), label: 'The last byte of the certificate’s signature' });
  }
  const ske = first('ServerKeyExchange', 'server');
  const skeSig = ske && fieldIn(session, ske.record, 'server_key_exchange.signature');
  if (skeSig) {
    out.push({ id: 'ske', ...flip(ske.record, end(skeSig)), label: 'The ServerKeyExchange signature (what CertificateVerify is to TLS 1.3)' });
  }
  const cv = first('CertificateVerify', 'server');
  if (cv) {
    out.push({ id: 'certverify', ...flip(cv.record, Math.floor(last(cv.record) / 2)), label: 'The CertificateVerify (encrypted in TLS 1.3)' });
  }
  const hsLen = fieldIn(session, 0, 'handshake.length');
  if (hsLen && byteAt(records[0].hex, end(hsLen)) > 0) {
    const at = end(hsLen);
    out.push({ id: 'length', record: 0, offset: at, value: byteAt(records[0].hex, at) - 1, label: 'The ClientHello’s length: one byte shorter than the message' });
  }
  const recLen = fieldIn(session, 0, 'record.length');
  if (recLen) {
    const low = end(recLen);
    const v = byteAt(records[0].hex, low);
    out.push(v < 0xff
      ? { id: 'grow', record: 0, offset: low, value: v + 1, label: 'The record length of the ClientHello: one byte more than was sent' }
      : { id: 'grow', record: 0, offset: recLen.offset, value: byteAt(records[0].hex, recLen.offset) + 1, label: 'The record length of the ClientHello: 256 bytes more than were sent' });
  }
  if (onScreen && exchanges.length) {
    const ex = exchanges[0];
    out.push({ id: 'appdata', ...flip(ex.record, Math.floor(last(ex.record) / 2)), label: `Your message “${ex.plaintext}” (record #${ex.record + 1}, application data)` });
  }
  return out;
}
