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
	b = jsonenc.StringField(b, `{"id":`, v.ID)
	b = jsonenc.StringField(b, `,"side":`, v.Side)
	b = jsonenc.StringField(b, `,"label":`, v.Label)
	b = jsonenc.StringField(b, `,"kind":`, v.Kind)
	if len(v.Raw) > 0 {
		b = jsonenc.HexField(b, `,"hex":`, v.Raw)
	}
	if v.Len != 0 {
		b = jsonenc.IntField(b, `,"len":`, v.Len)
	}
	if v.Text != "" {
		b = jsonenc.StringField(b, `,"text":`, v.Text)
	}
	if len(v.Items) > 0 {
		b = jsonenc.StringsField(b, `,"items":`, v.Items)
	}
	if v.Cert != nil {
		b = append(b, `,"cert":`...)
		b = v.Cert.AppendJSON(b)
	}
	if v.OK != nil {
		b = jsonenc.BoolField(b, `,"ok":`, *v.OK)
	}
	if v.Secret {
		b = append(b, `,"secret":true`...)
	}
	if v.Note != "" {
		b = jsonenc.StringField(b, `,"note":`, v.Note)
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
	b = jsonenc.StringField(b, `{"kind":`, e.Kind)
	b = jsonenc.IntField(b, `,"step":`, e.Step)
	b = jsonenc.StringField(b, `,"actor":`, e.Actor)
	b = jsonenc.StringField(b, `,"title":`, e.Title)
	b = jsonenc.ListField(b, `,"values":`, e.Values == nil)
	for i := range e.Values {
		b = e.Values[i].AppendJSON(jsonenc.Next(b, i))
	}
	b = jsonenc.EndList(b, e.Values == nil)
	return append(b, '}')
}

// AppendJSON appends the key schedule's node.
func (n *KSNode) AppendJSON(b []byte) []byte {
	b = jsonenc.StringField(b, `{"id":`, n.ID)
	b = jsonenc.StringField(b, `,"side":`, n.Side)
	b = jsonenc.StringField(b, `,"label":`, n.Label)
	b = jsonenc.HexField(b, `,"hex":`, n.Raw)
	b = jsonenc.BoolField(b, `,"secret":`, n.Secret)
	b = jsonenc.StringField(b, `,"op":`, n.Op)
	b = jsonenc.StringsField(b, `,"from":`, n.From)
	if len(n.Transcript) > 0 {
		b = jsonenc.HexField(b, `,"transcript":`, n.Transcript)
	}
	return append(b, '}')
}

// AppendJSON appends the key exchange.
func (k *KeyShare) AppendJSON(b []byte) []byte {
	b = jsonenc.StringField(b, `{"group":`, k.Group)
	b = jsonenc.StringField(b, `,"clientPublic":`, k.ClientPublic)
	b = jsonenc.StringField(b, `,"serverPublic":`, k.ServerPublic)
	b = jsonenc.StringField(b, `,"clientPrivate":`, k.ClientPrivate)
	b = jsonenc.StringField(b, `,"serverPrivate":`, k.ServerPrivate)
	b = jsonenc.StringField(b, `,"clientShared":`, k.ClientShared)
	b = jsonenc.StringField(b, `,"serverShared":`, k.ServerShared)
	b = jsonenc.BoolField(b, `,"match":`, k.Match)
	return append(b, '}')
}
