package trace

import "tlsplayground/playground/jsonenc"

// The trace's types append their JSON as encoding/json writes it (the
// field names are their struct tags; export_json_test.go in
// playground/session proves the two agree on every field), for the
// session export the page receives on every session
// (session.Export.AppendJSON).

// AppendJSON appends the value: the fields tagged omitempty are left out
// when empty.
func (v *Value) AppendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = jsonenc.String(b, v.ID)
	b = append(b, `,"side":`...)
	b = jsonenc.String(b, v.Side)
	b = append(b, `,"label":`...)
	b = jsonenc.String(b, v.Label)
	b = append(b, `,"kind":`...)
	b = jsonenc.String(b, v.Kind)
	if len(v.Raw) > 0 {
		b = append(b, `,"hex":`...)
		b = jsonenc.Hex(b, v.Raw)
	}
	if v.Len != 0 {
		b = append(b, `,"len":`...)
		b = jsonenc.Int(b, v.Len)
	}
	if v.Text != "" {
		b = append(b, `,"text":`...)
		b = jsonenc.String(b, v.Text)
	}
	if len(v.Items) > 0 {
		b = append(b, `,"items":`...)
		b = jsonenc.Strings(b, v.Items)
	}
	if v.Cert != nil {
		b = append(b, `,"cert":`...)
		b = v.Cert.AppendJSON(b)
	}
	if v.OK != nil {
		b = append(b, `,"ok":`...)
		b = jsonenc.Bool(b, *v.OK)
	}
	if v.Secret {
		b = append(b, `,"secret":true`...)
	}
	if v.Note != "" {
		b = append(b, `,"note":`...)
		b = jsonenc.String(b, v.Note)
	}
	return append(b, '}')
}

// AppendJSON appends the certificate decoded, as MarshalJSON writes it.
func (r *CertRef) AppendJSON(b []byte) []byte {
	info := r.Info()
	return info.AppendJSON(b)
}

// AppendJSON appends the event.
func (e *Event) AppendJSON(b []byte) []byte {
	b = append(b, `{"kind":`...)
	b = jsonenc.String(b, e.Kind)
	b = append(b, `,"step":`...)
	b = jsonenc.Int(b, e.Step)
	b = append(b, `,"actor":`...)
	b = jsonenc.String(b, e.Actor)
	b = append(b, `,"title":`...)
	b = jsonenc.String(b, e.Title)
	b = append(b, `,"values":`...)
	b = jsonenc.Slice(b, e.Values, (*Value).AppendJSON)
	return append(b, '}')
}

// AppendJSON appends the key schedule's node.
func (n *KSNode) AppendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = jsonenc.String(b, n.ID)
	b = append(b, `,"side":`...)
	b = jsonenc.String(b, n.Side)
	b = append(b, `,"label":`...)
	b = jsonenc.String(b, n.Label)
	b = append(b, `,"hex":`...)
	b = jsonenc.Hex(b, n.Raw)
	b = append(b, `,"secret":`...)
	b = jsonenc.Bool(b, n.Secret)
	b = append(b, `,"op":`...)
	b = jsonenc.String(b, n.Op)
	b = append(b, `,"from":`...)
	b = jsonenc.Strings(b, n.From)
	if len(n.Transcript) > 0 {
		b = append(b, `,"transcript":`...)
		b = jsonenc.Hex(b, n.Transcript)
	}
	return append(b, '}')
}

// AppendJSON appends the key exchange.
func (k *KeyShare) AppendJSON(b []byte) []byte {
	b = append(b, `{"group":`...)
	b = jsonenc.String(b, k.Group)
	b = append(b, `,"clientPublic":`...)
	b = jsonenc.String(b, k.ClientPublic)
	b = append(b, `,"serverPublic":`...)
	b = jsonenc.String(b, k.ServerPublic)
	b = append(b, `,"clientPrivate":`...)
	b = jsonenc.String(b, k.ClientPrivate)
	b = append(b, `,"serverPrivate":`...)
	b = jsonenc.String(b, k.ServerPrivate)
	b = append(b, `,"clientShared":`...)
	b = jsonenc.String(b, k.ClientShared)
	b = append(b, `,"serverShared":`...)
	b = jsonenc.String(b, k.ServerShared)
	b = append(b, `,"match":`...)
	b = jsonenc.Bool(b, k.Match)
	return append(b, '}')
}
