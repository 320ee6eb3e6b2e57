package conn

import "tlsplayground/playground/suites"

// recordNotes explain the record protection of the version and suite in
// the trace of application data sent and received.
type recordNotes struct {
	seq, seqExplicit      string
	nonce, aad            string
	ciphertext, tag, wire string
	received, tagName     string
}

// notes returns the notes for the connection's version and suite: TLS 1.3
// (RFC 8446, Section 5.2), TLS 1.2 AES-GCM (RFC 5288) or ChaCha20-Poly1305
// (RFC 7905).
func (c *Core) notes() recordNotes {
	s := c.hs.Suite()
	if c.tls13 {
		cipher := ""
		if s != nil {
			cipher = s.Cipher
		}
		return recordNotes{
			seq:        "counts records under this key; never sent, mixed into the nonce",
			nonce:      "the traffic IV XOR the sequence number: nothing of it is sent",
			aad:        "the record header itself: type 23, version 0x0303, length",
			ciphertext: cipher + " encryption of the plaintext and its real content type (one byte, 0x17)",
			tag:        "16-byte authentication tag",
			wire:       "header + ciphertext + tag",
			received:   "the outer type says application_data whatever it carries",
			tagName:    "AEAD tag",
		}
	}
	n := recordNotes{
		seq:         "counts records in this direction; never sent: mixed into the nonce and authenticated in the additional data",
		seqExplicit: "counts records in this direction; with AES-GCM it also travels on the wire, as the record's 8-byte explicit nonce (RFC 5288, Section 3)",
		aad:         "seq_num + type + version + the plaintext's length (RFC 5246, Section 6.2.3.3): authenticated, not encrypted",
	}
	if s != nil && s.AEAD == suites.ChaCha20Poly1305 {
		n.ciphertext = "ChaCha20 encryption of the plaintext"
		n.nonce = "the 12-byte write IV XOR the sequence number: nothing of it is sent (RFC 7905)"
		n.tag, n.tagName = "16-byte Poly1305 authentication tag", "Poly1305 tag"
		n.wire = "header + ciphertext + tag"
		return n
	}
	n.ciphertext = "AES-GCM encryption of the plaintext"
	n.nonce = "implicit IV (4 bytes from the key block) + explicit nonce (8 bytes, sent in the record)"
	n.tag, n.tagName = "16-byte GCM authentication tag", "GCM tag"
	n.wire = "header + explicit nonce + ciphertext + tag"
	return n
}
