package httpserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"testing"

	"tlsplayground/playground/jsonenc/jsonenctest"
)

// TestJSONLikeEncodingJSON: the bodies the handler writes with jsonenc (the
// info, every error) are what encoding/json wrote for them, byte for byte,
// for every field filled with strings it escapes, empty, nil and zero.
func TestJSONLikeEncodingJSON(t *testing.T) {
	for round := range 40 {
		var in Info
		jsonenctest.NewFiller(t, round, nil).Fill(&in, "Info")
		jsonenctest.Same(t, fmt.Sprintf("Info round %d", round), &in)

		var e apiError
		jsonenctest.NewFiller(t, round, nil).Fill(&e, "apiError")
		jsonenctest.Same(t, fmt.Sprintf("apiError round %d", round), &e)

		// The error's whole body, as json.Encoder wrote it before.
		e.Status = 400 + round
		rec := httptest.NewRecorder()
		writeError(rec, &e)
		var want bytes.Buffer
		if err := json.NewEncoder(&want).Encode(map[string]*apiError{"error": &e}); err != nil {
			t.Fatal(err)
		}
		if rec.Code != e.Status || rec.Body.String() != want.String() {
			t.Errorf("round %d: writeError wrote %d %q, want %d %q", round, rec.Code, rec.Body, e.Status, want.String())
		}
	}
}
