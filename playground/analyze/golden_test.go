package analyze

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.explained from the analyser's output")

// TestGolden: the text rendering of Chromium's ClientHello is the one in
// testdata (regenerate with -update after a deliberate change), and a
// tree survives JSON as the page receives it.
func TestGolden(t *testing.T) {
	b, err := os.ReadFile("testdata/chromium.hello")
	if err != nil {
		t.Fatal(err)
	}
	n := 5 + (int(b[3])<<8 | int(b[4]))
	tr := New().Record(Record{FromClient: true, Wire: b[:n]})
	var out bytes.Buffer
	if err := Fprint(&out, tr); err != nil {
		t.Fatal(err)
	}
	const golden = "testdata/chromium-hello.explained"
	if *update {
		if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("Fprint differs from %s (run go test -update after a deliberate change):\n%s", golden, out.String())
	}

	j, err := json.Marshal(tr)
	if err != nil {
		t.Fatal(err)
	}
	var back Tree
	if err := json.Unmarshal(j, &back); err != nil {
		t.Fatal(err)
	}
	checkTree(t, "from JSON", back.Wire, n, false)
	if back.Wire.Children[0].Kind != "record.type" || !bytes.Contains(j, []byte(`"kind":"ext.encrypted_client_hello"`)) || !bytes.Contains(j, []byte(`"rfc":"RFC 8701 §2"`)) {
		t.Errorf("JSON lacks the expected kinds: %.300s", j)
	}
}
