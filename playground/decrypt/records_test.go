package decrypt_test

import (
	"encoding/binary"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"tlsplayground/playground/decrypt"
	"tlsplayground/playground/session"
)

const capturesDir = "../../../shared/testdata/captures"

// pcapRecords is a minimal reader for the two test captures (classic pcap,
// BSD loopback or Ethernet, IPv4 or IPv6, one TCP connection, no loss): it gives the
// TLS records in the order they completed on the wire. playground/capture
// does this for real with playground/pcap.
func pcapRecords(t testing.TB, path string) []decrypt.Record {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if binary.LittleEndian.Uint32(b) != 0xa1b2c3d4 {
		t.Fatalf("%s: not a little-endian microsecond pcap", path)
	}
	link := binary.LittleEndian.Uint32(b[20:])
	var out []decrypt.Record
	var bufs [2][]byte
	clientPort := -1
	for off := 24; off+16 <= len(b); {
		incl := int(binary.LittleEndian.Uint32(b[off+8:]))
		pkt := b[off+16 : off+16+incl]
		off += 16 + incl
		switch link {
		case 0: // BSD loopback: a 4-byte address family
			pkt = pkt[4:]
		case 1: // Ethernet
			pkt = pkt[14:]
		default:
			t.Fatalf("link type %d", link)
		}
		var tcp []byte
		switch {
		case pkt[0]>>4 == 4 && pkt[9] == 6:
			tcp = pkt[int(pkt[0]&15)*4 : binary.BigEndian.Uint16(pkt[2:])]
		case pkt[0]>>4 == 6 && pkt[6] == 6: // no extension headers in these captures
			tcp = pkt[40 : 40+int(binary.BigEndian.Uint16(pkt[4:]))]
		default:
			continue
		}
		src := int(binary.BigEndian.Uint16(tcp))
		doff := int(tcp[12]>>4) * 4
		payload := tcp[doff:]
		if tcp[13]&0x02 != 0 && tcp[13]&0x10 == 0 { // SYN without ACK: the client
			clientPort = src
		}
		if len(payload) == 0 {
			continue
		}
		fromClient := src == clientPort
		i := 0
		if fromClient {
			i = 1
		}
		bufs[i] = append(bufs[i], payload...)
		for len(bufs[i]) >= 5 {
			n := 5 + int(binary.BigEndian.Uint16(bufs[i][3:]))
			if len(bufs[i]) < n {
				break
			}
			out = append(out, decrypt.Record{FromClient: fromClient, Wire: append([]byte(nil), bufs[i][:n]...)})
			bufs[i] = bufs[i][n:]
		}
	}
	return out
}

func readKeyLog(t testing.TB, path string) decrypt.KeyLog {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	kl, err := decrypt.ParseKeyLog(b)
	if err != nil {
		t.Fatal(err)
	}
	return kl
}

func capture(t testing.TB, name string) ([]decrypt.Record, decrypt.KeyLog) {
	dir := filepath.Join(capturesDir, name)
	return pcapRecords(t, filepath.Join(dir, "capture.pcap")), readKeyLog(t, filepath.Join(dir, "keylog.txt"))
}

// exportRecords turns a session export's records into decrypt's input.
func exportRecords(t *testing.T, e *session.Export) []decrypt.Record {
	t.Helper()
	out := make([]decrypt.Record, len(e.Records))
	for i, r := range e.Records {
		w, err := hex.DecodeString(r.Hex)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = decrypt.Record{FromClient: r.From == "client", Wire: w}
	}
	return out
}
