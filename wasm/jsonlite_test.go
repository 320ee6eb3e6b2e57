package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"testing"

	"tlsplayground/playground/jsonenc/jsonenctest"
	"tlsplayground/playground/jsonlite"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/session"
)

// The bridge reads its arguments and writes its responses with package
// jsonlite (the core is built without encoding/json). These tests fill
// every field of every request and response type by reflection and check
// that jsonlite writes the bytes encoding/json writes, and reads them
// back into the value encoding/json reads (jsonlite_lab_test.go: the lab's
// types).

// coreRequests are the arguments of the core's methods.
var coreRequests = []any{
	&SetupRequest{}, &GenerateKeyRequest{}, &SessionRequest{}, &SendRequest{}, &KeyUpdateRequest{},
	&sessionArg{}, &DescribeRequest{}, &ReleaseRequest{}, &RemoteStartRequest{}, &RemoteDeliverRequest{},
	&RemoteSendRequest{}, &handleState{},
}

// coreResponses are the results of the core's methods that encode writes.
var coreResponses = []any{
	&handleState{}, &GenerateKeyResponse{}, &session.Exchange{}, &session.Catalogue{}, &[]pki.CertInfo{},
	&PreparedInfo{}, &RemoteResult{}, &ServerIdentity{},
	&struct {
		Released string `json:"released"`
		Live     int    `json:"live"`
	}{},
	&struct {
		Session string `json:"session"`
		Taken   bool   `json:"taken"`
	}{},
}

func TestBridgeJSON(t *testing.T) {
	sameJSON(t, coreRequests, true)
	sameJSON(t, coreResponses, false)
}

// sameJSON fills each value (100 rounds) and compares jsonlite with
// encoding/json writing it and, for a request (read), reading it back.
func sameJSON(t *testing.T, values []any, read bool) {
	t.Helper()
	for _, v := range values {
		typ := reflect.TypeOf(v).Elem()
		for round := range 100 {
			p := reflect.New(typ)
			jsonenctest.NewFiller(t, round, known).Fill(p.Interface(), typ.String())
			name := fmt.Sprintf("%s, round %d", typ, round)
			want, err := json.Marshal(p.Interface())
			if err != nil {
				t.Fatalf("%s: json.Marshal: %v", name, err)
			}
			got, err := jsonlite.Marshal(p.Interface())
			if err != nil {
				t.Fatalf("%s: jsonlite.Marshal: %v", name, err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("%s: jsonlite wrote\n%.400s\nencoding/json writes\n%.400s", name, got, want)
			}
			if !read {
				continue
			}
			back, jback := reflect.New(typ), reflect.New(typ)
			if err := jsonlite.Unmarshal(want, back.Interface()); err != nil {
				t.Fatalf("%s: jsonlite.Unmarshal: %v", name, err)
			}
			if err := json.Unmarshal(want, jback.Interface()); err != nil {
				t.Fatalf("%s: json.Unmarshal: %v", name, err)
			}
			if !reflect.DeepEqual(back.Interface(), jback.Interface()) {
				t.Fatalf("%s: read back differently:\n jsonlite %+v\n json     %+v", name, back.Elem(), jback.Elem())
			}
		}
	}
}

// known fills the types that write themselves: the trace's, and a
// session reference (null, or an id).
var known = func() map[reflect.Type]func(f *jsonenctest.Filler, v reflect.Value, path string) {
	m := maps.Clone(jsonenctest.Known)
	m[reflect.TypeFor[sessionRef]()] = func(f *jsonenctest.Filler, v reflect.Value, path string) {
		if f.Shape() != "nil" {
			v.Set(reflect.ValueOf(sessionRef{ID: fmt.Sprintf("s<%d>", f.Next()), Set: true}))
		}
	}
	return m
}()
