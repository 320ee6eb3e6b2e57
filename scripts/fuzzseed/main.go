// Command fuzzseed writes the seed corpora of the fuzz targets from real
// TLS captures: it runs tshark with each capture's key log, takes every
// record (as sent) and every handshake message (decrypted), and writes
// them as Go fuzz corpus files under each package's testdata/fuzz/<Target>/.
//
//	go run ./scripts/fuzzseed [CAPTURES_DIR]   (default ../shared/testdata/captures)
//
// Each capture is a directory with capture.pcap and keylog.txt
// (scripts/fuzz.sh runs this first; the files it writes are committed).
package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"

	"golang.org/x/crypto/cryptobyte"

	"tlsplayground/playground/handshake"
)

// packet is what one TCP segment carried, in capture order.
type packet struct {
	fromClient bool
	records    [][]byte
	messages   [][]byte
}

func main() {
	dir := "../shared/testdata/captures"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	caps, _ := filepath.Glob(filepath.Join(dir, "*", "capture.pcap"))
	if len(caps) == 0 {
		fail("no */capture.pcap under %s", dir)
	}
	sort.Strings(caps)
	total := 0
	for _, pcap := range caps {
		name := filepath.Base(filepath.Dir(pcap))
		pkts, err := read(pcap, filepath.Join(filepath.Dir(pcap), "keylog.txt"))
		if err != nil {
			fail("%s: %v", pcap, err)
		}
		n := write(name, pkts)
		fmt.Printf("%s: %d packets with TLS, %d corpus files\n", name, len(pkts), n)
		total += n
	}
	fmt.Printf("%d corpus files\n", total)
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "fuzzseed: "+format+"\n", args...)
	os.Exit(1)
}

// read runs tshark and collects, per packet, the TLS records and the
// handshake messages (decrypted with the key log).
func read(pcap, keylog string) ([]packet, error) {
	out, err := exec.Command("tshark", "-r", pcap, "-o", "tls.keylog_file:"+keylog, "-T", "json", "-x", "--no-duplicate-keys").Output()
	if err != nil {
		return nil, fmt.Errorf("tshark: %w", err)
	}
	var frames []struct {
		Source struct {
			Layers map[string]any `json:"layers"`
		} `json:"_source"`
	}
	if err := json.Unmarshal(out, &frames); err != nil {
		return nil, err
	}
	var pkts []packet
	clientPort := ""
	for _, fr := range frames {
		tls, ok := fr.Source.Layers["tls"]
		if !ok {
			continue
		}
		tcp, _ := fr.Source.Layers["tcp"].(map[string]any)
		src := fmt.Sprint(tcp["tcp.srcport"])
		var p packet
		collect(tls, "tls.record_raw", &p.records)
		collect(tls, "tls.handshake_raw", &p.messages)
		if clientPort == "" {
			for _, m := range p.messages {
				if m[0] == handshake.TypeClientHello {
					clientPort = src
				}
			}
		}
		p.fromClient = src == clientPort
		pkts = append(pkts, p)
	}
	return pkts, nil
}

// collect appends the bytes of every field named key under v. tshark
// gives a raw field as [hex, offset, length, mask, type], or a list of
// them when the field repeats.
func collect(v any, key string, out *[][]byte) {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if k == key {
				addRaw(v[k], out)
				continue
			}
			collect(v[k], key, out)
		}
	case []any:
		for _, x := range v {
			collect(x, key, out)
		}
	}
}

func addRaw(v any, out *[][]byte) {
	l, ok := v.([]any)
	if !ok || len(l) == 0 {
		return
	}
	if s, ok := l[0].(string); ok {
		if b, err := hex.DecodeString(s); err == nil && len(b) > 0 {
			*out = append(*out, b)
		}
		return
	}
	for _, x := range l {
		addRaw(x, out)
	}
}

// corpus is one fuzz input: the values of the target's arguments.
type corpus []any

func (c corpus) encode() []byte {
	var b bytes.Buffer
	b.WriteString("go test fuzz v1\n")
	for _, v := range c {
		switch v := v.(type) {
		case []byte:
			fmt.Fprintf(&b, "[]byte(%s)\n", strconv.Quote(string(v)))
		case string:
			fmt.Fprintf(&b, "string(%s)\n", strconv.Quote(v))
		case bool:
			fmt.Fprintf(&b, "bool(%v)\n", v)
		case uint8:
			fmt.Fprintf(&b, "byte(%d)\n", v)
		case uint16:
			fmt.Fprintf(&b, "uint16(%d)\n", v)
		case int16:
			fmt.Fprintf(&b, "int16(%d)\n", v)
		default:
			panic(fmt.Sprintf("fuzzseed: type %T", v))
		}
	}
	return b.Bytes()
}

// write writes the corpus files of one capture and returns how many.
func write(name string, pkts []packet) int {
	n := 0
	put := func(pkg, target, kind string, i int, c corpus) {
		d := filepath.Join(pkg, "testdata", "fuzz", target)
		if err := os.MkdirAll(d, 0o755); err != nil {
			fail("%v", err)
		}
		f := filepath.Join(d, fmt.Sprintf("capture-%s-%s-%d", name, kind, i))
		if err := os.WriteFile(f, c.encode(), 0o644); err != nil {
			fail("%v", err)
		}
		n++
	}
	tls13 := false
	var toServer, toClient, firstFlight, firstAnswer []byte
	var serverName string
	answered := false
	for _, p := range pkts {
		for _, m := range p.messages {
			if m[0] == handshake.TypeEncryptedExtensions {
				tls13 = true
			}
		}
	}
	mode := "ecdhe"
	if tls13 {
		mode = "tls13"
	}
	for i, p := range pkts {
		for j, r := range p.records {
			k := fmt.Sprintf("%d-%d", i, j)
			put("playground/record", "FuzzParse", "record"+k, 0, corpus{r, uint16(len(r) / 2)})
			if r[0] == 23 {
				which := uint8(0)
				if tls13 {
					which = 2
				}
				put("playground/record", "FuzzOpen", "record"+k, 0, corpus{which, r})
			}
			if p.fromClient {
				toServer = append(toServer, r...)
			} else {
				toClient = append(toClient, r...)
			}
		}
		if p.fromClient && !answered {
			for _, r := range p.records {
				firstFlight = append(firstFlight, r...)
			}
		}
		if !p.fromClient && firstAnswer == nil {
			answered = true
			for _, r := range p.records {
				firstAnswer = append(firstAnswer, r...)
			}
		}
		for j, m := range p.messages {
			k := fmt.Sprintf("%d-%d", i, j)
			put("playground/handshake", "FuzzMessages", "message"+k, 0, corpus{m})
			for _, e := range extensions(m) {
				put("playground/handshake", "FuzzExtensionData", fmt.Sprintf("ext%s-%d", k, e.Type), 0, corpus{e.Type, e.Data})
				if e.Type == handshake.ExtServerName && m[0] == handshake.TypeClientHello {
					serverName, _ = handshake.ParseServerName(e.Data)
				}
			}
		}
	}
	for i, p := range pkts {
		for j, m := range p.messages {
			if chain := certificates(m); chain != nil {
				put("playground/pki", "FuzzVerify", fmt.Sprintf("chain%d-%d", i, j), 0, corpus{chain, serverName, int16(0)})
			}
		}
	}
	put("playground/record", "FuzzParse", "client-stream", 0, corpus{toServer, uint16(100)})
	put("playground/record", "FuzzParse", "server-stream", 0, corpus{toClient, uint16(1000)})
	put("playground/httpserver", "FuzzFlight", "first-flight", 0, corpus{false, mode, "", []byte(nil), firstFlight})
	put("playground/httpserver", "FuzzFlight", "first-flight-token", 0, corpus{true, mode, "", []byte(nil), firstFlight})
	pkg := "playground/tls12"
	if tls13 {
		pkg = "playground/tls13"
	}
	put(pkg, "FuzzServerReceive", "first-flight", 0, corpus{firstFlight})
	put(pkg, "FuzzClientReceive", "first-answer", 0, corpus{firstAnswer})
	put("wasm", "FuzzRemoteDeliver", "first-answer", 0, corpus{uint8(map[bool]uint8{false: 1, true: 2}[tls13]), firstAnswer, []byte("[]"), []byte(nil)})
	return n
}

// extensions returns the extensions of a hello or EncryptedExtensions.
func extensions(m []byte) []handshake.Extension {
	switch m[0] {
	case handshake.TypeClientHello:
		if h, err := handshake.UnmarshalClientHello(m); err == nil {
			return h.Extensions
		}
	case handshake.TypeServerHello:
		if h, err := handshake.UnmarshalServerHello(m); err == nil {
			return h.Extensions
		}
	case handshake.TypeEncryptedExtensions:
		if h, err := handshake.UnmarshalEncryptedExtensions(m); err == nil {
			return h.Extensions
		}
	}
	return nil
}

// certificates returns the chain of a Certificate message (either
// version's format) as a TLS 1.2 certificate_list body, or nil.
func certificates(m []byte) []byte {
	if m[0] != handshake.TypeCertificate {
		return nil
	}
	var chain [][]byte
	if c, err := handshake.UnmarshalCertificate(m); err == nil {
		chain = c.Certificates
	} else if c, err := handshake.UnmarshalCertificate13(m); err == nil {
		chain = c.Certificates()
	} else {
		return nil
	}
	var b cryptobyte.Builder
	for _, der := range chain {
		b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(der) })
	}
	return b.BytesOrPanic()
}
