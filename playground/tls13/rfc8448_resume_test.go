package tls13

import (
	"bytes"
	"crypto"
	"encoding/hex"
	"testing"

	"tlsplayground/playground/handshake"
	"tlsplayground/playground/suites"
)

// TestRFC8448Resumption checks the resumption PSK and the early secret of
// RFC 8448, Section 4 (the resumed 0-RTT handshake), from Section 3's
// resumption_master_secret and the nonce of its NewSessionTicket: the
// values the RFC prints as the IKM and the secret of extract "early".
func TestRFC8448Resumption(t *testing.T) {
	v := loadRFC8448(t)
	nst, err := handshake.UnmarshalNewSessionTicket(v["new_session_ticket"])
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(nst.Nonce, []byte{0, 0}) || nst.Lifetime != 30 || len(nst.Extensions) != 1 || nst.Extensions[0].Type != handshake.ExtEarlyData {
		t.Fatalf("RFC 8448's NewSessionTicket: nonce %x lifetime %d extensions %v", nst.Nonce, nst.Lifetime, nst.Extensions)
	}
	psk := ResumptionPSK(crypto.SHA256, v["resumption_master_secret"], nst.Nonce)
	wantPSK, _ := hex.DecodeString("4ecd0eb6ec3b4d87f5d6028f922ca4c5851a277fd41311c9e62d2c9492e1c4f3")
	if !bytes.Equal(psk, wantPSK) {
		t.Fatalf("PSK %x, RFC 8448 Section 4 prints %x", psk, wantPSK)
	}
	ks := NewSchedule(suites.ByID(0x1301))
	ks.EarlySecret(psk)
	wantEarly, _ := hex.DecodeString("9b2188e9b2fc6d64d71dc329900e20bb41915000f678aa839cbb797cb7d8332c")
	if !bytes.Equal(ks.Early, wantEarly) {
		t.Fatalf("early secret %x, RFC 8448 Section 4 prints %x", ks.Early, wantEarly)
	}
}
