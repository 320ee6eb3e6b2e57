package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// marshalledExport is what exportOf returned before it wrote the export
// itself: json.Marshal of the handle's session export, with "session": id
// added first.
func marshalledExport(t *testing.T, h *handle, id string) string {
	t.Helper()
	e, err := json.Marshal(h.sess.Export())
	if err != nil {
		t.Fatal(err)
	}
	q, err := json.Marshal(id)
	if err != nil {
		t.Fatal(err)
	}
	return `{"session":` + string(q) + "," + string(e[1:])
}

// TestExportOfMarshal: the sessions the page receives (newSession in each
// mode, close, keyUpdate, exportSession, a session of its own handle, a
// prepared one) are byte for byte what encoding/json wrote for them.
func TestExportOfMarshal(t *testing.T) {
	a := &API{}
	if _, err := a.Setup(`{"keyType":"ecdsa","seed":"01"}`, nil); err != nil {
		t.Fatal(err)
	}
	same := func(name, got string, err error, h *handle) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if want := marshalledExport(t, h, h.id); got != want {
			t.Errorf("%s: exportOf wrote\n%.300s\nencoding/json writes\n%.300s", name, got, want)
		}
	}
	for _, arg := range []string{`{"mode":"tls13","tamper":[{"record":3,"offset":9,"xor":1}]}`, `{"mode":"ecdhe","seed":"02"}`, `{"mode":"tls13","seed":"03","serverGroups":["secp256r1"]}`} {
		out, err := a.NewSession(arg)
		same("newSession "+arg, out, err, &a.handle)
		if (a.handle.sess.Export().Error != nil) != strings.Contains(arg, "tamper") {
			t.Fatalf("newSession %s: error %+v", arg, a.handle.sess.Export().Error)
		}
	}
	out, err := a.KeyUpdate(`{"from":"client"}`)
	same("keyUpdate", out, err, &a.handle)
	out, err = a.Close(`{}`)
	same("close", out, err, &a.handle)
	out, err = a.Export(`{}`)
	same("exportSession", out, err, &a.handle)
	out, err = a.NewSession(`{"own":true,"mode":"tls13"}`)
	if err != nil {
		t.Fatal(err)
	}
	var ref struct{ Session string }
	if err := json.Unmarshal([]byte(out), &ref); err != nil || a.handles[ref.Session] == nil {
		t.Fatalf("newSession own: %v %.100s", err, out)
	}
	same("newSession own", out, nil, a.handles[ref.Session])

	// A prepared session: the export and then "prepared".
	out, err = a.PrepareSession(`{"mode":"tls13"}`)
	if err != nil {
		t.Fatal(err)
	}
	h := &handle{sess: a.handle.prepared.sess}
	want := marshalledExport(t, h, defaultHandle)
	if !strings.HasPrefix(out, want[:len(want)-1]+`,"prepared":{`) {
		t.Errorf("prepareSession wrote\n%.300s\nwant the export first\n%.300s", out, want)
	}
	var p preparedOut
	if err := json.Unmarshal([]byte(out), &p); err != nil || p.Prepared == nil || p.Prepared.RanAt == "" {
		t.Errorf("prepareSession: %v %+v", err, p.Prepared)
	}

	// An id that needs escaping (adoptSession takes any string).
	for _, id := range []string{"s1", `x<"&>` + "\u2028\xff"} {
		got := string(appendExport(nil, a.handle.sess, id))
		if want := marshalledExport(t, &a.handle, id); got != want {
			t.Errorf("id %q: exportOf wrote\n%.100s\nencoding/json writes\n%.100s", id, got, want)
		}
	}
}
