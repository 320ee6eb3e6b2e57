package session

import "tlsplayground/playground/jsonenc"

// AppendJSON appends the export's JSON to b, byte for byte what
// json.Marshal(e) writes, without reflection: the page receives an export
// on every session (wasm's exportOf), and encoding/json took as long to
// write one as the engine took for the handshake. The field names are the
// struct tags'; export_json_test.go proves the two agree on every field
// of every type the export holds, so a field added to one of them and
// not here fails it.
func (e *Export) AppendJSON(b []byte) []byte {
	b = jsonenc.StringField(b, `{"version":`, e.Version)
	b = jsonenc.StringField(b, `,"mode":`, e.Mode)
	b = jsonenc.StringField(b, `,"suite":`, e.Suite)
	b = jsonenc.StringField(b, `,"group":`, e.Group)
	b = jsonenc.StringField(b, `,"signatureScheme":`, e.SignatureScheme)
	b = jsonenc.BoolField(b, `,"forwardSecrecy":`, e.ForwardSecrecy)
	b = jsonenc.StringField(b, `,"forwardSecrecyReason":`, e.ForwardSecrecyReason)
	b = jsonenc.StringField(b, `,"forwardSecrecyNote":`, e.ForwardSecrecyNote)
	b = jsonenc.StringField(b, `,"keyState":`, e.KeyState)
	b = jsonenc.IntField(b, `,"roundTrips":`, e.RoundTrips)
	b = jsonenc.BoolField(b, `,"helloRetry":`, e.HelloRetry)
	b = jsonenc.StringField(b, `,"seed":`, e.Seed)
	b = jsonenc.BoolField(b, `,"ems":`, e.EMS)
	b = jsonenc.StringField(b, `,"keylog":`, e.Keylog)
	b = jsonenc.BoolField(b, `,"closed":`, e.Closed)
	b = append(b, `,"error":`...)
	if e.Error == nil {
		b = append(b, "null"...)
	} else {
		b = e.Error.AppendJSON(b)
	}
	b = jsonenc.ListField(b, `,"steps":`, e.Steps == nil)
	for i := range e.Steps {
		b = e.Steps[i].AppendJSON(jsonenc.Next(b, i))
	}
	b = jsonenc.EndList(b, e.Steps == nil)
	b = jsonenc.ListField(b, `,"messages":`, e.Messages == nil)
	for i := range e.Messages {
		b = e.Messages[i].AppendJSON(jsonenc.Next(b, i))
	}
	b = jsonenc.EndList(b, e.Messages == nil)
	b = jsonenc.ListField(b, `,"records":`, e.Records == nil)
	for i := range e.Records {
		b = e.Records[i].AppendJSON(jsonenc.Next(b, i))
	}
	b = jsonenc.EndList(b, e.Records == nil)
	b = append(b, `,"secrets":`...)
	b = jsonenc.StringMap(b, e.Secrets)
	b = append(b, `,"keyShare":`...)
	if e.KeyShare == nil {
		b = append(b, "null"...)
	} else {
		b = e.KeyShare.AppendJSON(b)
	}
	b = append(b, `,"keySchedule":`...)
	b = e.KeySchedule.AppendJSON(b)
	b = append(b, `,"server":`...)
	b = e.Server.AppendJSON(b)
	b = append(b, `,"serverRandom":`...)
	if e.ServerRandom == nil {
		b = append(b, "null"...)
	} else {
		b = e.ServerRandom.AppendJSON(b)
	}
	return append(b, '}')
}

// AppendJSON appends the error.
func (x *ErrorInfo) AppendJSON(b []byte) []byte {
	b = jsonenc.StringField(b, `{"side":`, x.Side)
	b = jsonenc.StringField(b, `,"alert":`, x.Alert)
	b = jsonenc.StringField(b, `,"check":`, x.Check)
	b = jsonenc.StringField(b, `,"message":`, x.Message)
	return append(b, '}')
}

// AppendJSON appends the step: its text's fields (StepText is embedded),
// then its events.
func (s *Step) AppendJSON(b []byte) []byte {
	b = jsonenc.IntField(b, `{"n":`, s.N)
	b = jsonenc.StringField(b, `,"title":`, s.Title)
	b = jsonenc.StringField(b, `,"article":`, s.Article)
	b = jsonenc.StringField(b, `,"really":`, s.Really)
	b = jsonenc.StringsField(b, `,"rfc":`, s.RFC)
	b = jsonenc.ListField(b, `,"events":`, s.Events == nil)
	for i := range s.Events {
		b = s.Events[i].AppendJSON(jsonenc.Next(b, i))
	}
	b = jsonenc.EndList(b, s.Events == nil)
	return append(b, '}')
}

// AppendJSON appends the handshake message.
func (m *Message) AppendJSON(b []byte) []byte {
	b = jsonenc.StringField(b, `{"name":`, m.Name)
	b = jsonenc.StringField(b, `,"from":`, m.From)
	b = jsonenc.IntField(b, `,"step":`, m.Step)
	b = jsonenc.IntField(b, `,"record":`, m.Record)
	b = jsonenc.BoolField(b, `,"encrypted":`, m.Encrypted)
	return append(b, '}')
}

// AppendJSON appends the record (its wire bytes are not exported: Hex
// says them).
func (r *Record) AppendJSON(b []byte) []byte {
	b = jsonenc.StringField(b, `{"from":`, r.From)
	b = jsonenc.StringField(b, `,"hex":`, r.Hex)
	return append(b, '}')
}

// AppendJSON appends the key schedule.
func (k *KeySchedule) AppendJSON(b []byte) []byte {
	b = jsonenc.ListField(b, `{"nodes":`, k.Nodes == nil)
	for i := range k.Nodes {
		b = k.Nodes[i].AppendJSON(jsonenc.Next(b, i))
	}
	b = jsonenc.EndList(b, k.Nodes == nil)
	return append(b, '}')
}

// AppendJSON appends the server's identity.
func (s *ServerInfo) AppendJSON(b []byte) []byte {
	b = jsonenc.StringField(b, `{"name":`, s.Name)
	b = jsonenc.StringField(b, `,"keyType":`, s.KeyType)
	b = jsonenc.IntField(b, `,"keyBits":`, s.KeyBits)
	b = jsonenc.StringField(b, `,"certPem":`, s.CertPEM)
	b = jsonenc.StringField(b, `,"rootPem":`, s.RootPEM)
	return append(b, '}')
}

// AppendJSON appends the server random and its sentinel.
func (r *RandomInfo) AppendJSON(b []byte) []byte {
	b = jsonenc.StringField(b, `{"hex":`, r.Hex)
	b = jsonenc.IntField(b, `,"sentinelAt":`, r.SentinelAt)
	b = jsonenc.IntField(b, `,"sentinelLen":`, r.SentinelLen)
	b = jsonenc.StringField(b, `,"sentinel":`, r.Sentinel)
	return append(b, '}')
}
