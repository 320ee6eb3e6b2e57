package session

import (
	"tlsplayground/playground/jsonenc"
	"tlsplayground/playground/trace"
)

// AppendJSON appends the export's JSON to b, byte for byte what
// json.Marshal(e) writes, without reflection: the page receives an export
// on every session (wasm's exportOf), and encoding/json took as long to
// write one as the engine took for the handshake. The field names are the
// struct tags'; export_json_test.go proves the two agree on every field
// of every type the export holds, so a field added to one of them and
// not here fails it.
func (e *Export) AppendJSON(b []byte) []byte {
	b = append(b, `{"version":`...)
	b = jsonenc.String(b, e.Version)
	b = append(b, `,"mode":`...)
	b = jsonenc.String(b, e.Mode)
	b = append(b, `,"suite":`...)
	b = jsonenc.String(b, e.Suite)
	b = append(b, `,"group":`...)
	b = jsonenc.String(b, e.Group)
	b = append(b, `,"signatureScheme":`...)
	b = jsonenc.String(b, e.SignatureScheme)
	b = append(b, `,"forwardSecrecy":`...)
	b = jsonenc.Bool(b, e.ForwardSecrecy)
	b = append(b, `,"forwardSecrecyReason":`...)
	b = jsonenc.String(b, e.ForwardSecrecyReason)
	b = append(b, `,"forwardSecrecyNote":`...)
	b = jsonenc.String(b, e.ForwardSecrecyNote)
	b = append(b, `,"keyState":`...)
	b = jsonenc.String(b, e.KeyState)
	b = append(b, `,"roundTrips":`...)
	b = jsonenc.Int(b, e.RoundTrips)
	b = append(b, `,"helloRetry":`...)
	b = jsonenc.Bool(b, e.HelloRetry)
	b = append(b, `,"seed":`...)
	b = jsonenc.String(b, e.Seed)
	b = append(b, `,"ems":`...)
	b = jsonenc.Bool(b, e.EMS)
	b = append(b, `,"keylog":`...)
	b = jsonenc.String(b, e.Keylog)
	b = append(b, `,"closed":`...)
	b = jsonenc.Bool(b, e.Closed)
	b = append(b, `,"error":`...)
	if e.Error == nil {
		b = append(b, "null"...)
	} else {
		b = e.Error.AppendJSON(b)
	}
	b = append(b, `,"steps":`...)
	b = jsonenc.Slice(b, e.Steps, (*Step).AppendJSON)
	b = append(b, `,"messages":`...)
	b = jsonenc.Slice(b, e.Messages, (*Message).AppendJSON)
	b = append(b, `,"records":`...)
	b = jsonenc.Slice(b, e.Records, (*Record).AppendJSON)
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
	b = append(b, `{"side":`...)
	b = jsonenc.String(b, x.Side)
	b = append(b, `,"alert":`...)
	b = jsonenc.String(b, x.Alert)
	b = append(b, `,"check":`...)
	b = jsonenc.String(b, x.Check)
	b = append(b, `,"message":`...)
	b = jsonenc.String(b, x.Message)
	return append(b, '}')
}

// AppendJSON appends the step: its text's fields (StepText is embedded),
// then its events.
func (s *Step) AppendJSON(b []byte) []byte {
	b = append(b, `{"n":`...)
	b = jsonenc.Int(b, s.N)
	b = append(b, `,"title":`...)
	b = jsonenc.String(b, s.Title)
	b = append(b, `,"article":`...)
	b = jsonenc.String(b, s.Article)
	b = append(b, `,"really":`...)
	b = jsonenc.String(b, s.Really)
	b = append(b, `,"rfc":`...)
	b = jsonenc.Strings(b, s.RFC)
	b = append(b, `,"events":`...)
	b = jsonenc.Slice(b, s.Events, (*trace.Event).AppendJSON)
	return append(b, '}')
}

// AppendJSON appends the handshake message.
func (m *Message) AppendJSON(b []byte) []byte {
	b = append(b, `{"name":`...)
	b = jsonenc.String(b, m.Name)
	b = append(b, `,"from":`...)
	b = jsonenc.String(b, m.From)
	b = append(b, `,"step":`...)
	b = jsonenc.Int(b, m.Step)
	b = append(b, `,"record":`...)
	b = jsonenc.Int(b, m.Record)
	b = append(b, `,"encrypted":`...)
	b = jsonenc.Bool(b, m.Encrypted)
	return append(b, '}')
}

// AppendJSON appends the record (its wire bytes are not exported: Hex
// says them).
func (r *Record) AppendJSON(b []byte) []byte {
	b = append(b, `{"from":`...)
	b = jsonenc.String(b, r.From)
	b = append(b, `,"hex":`...)
	b = jsonenc.String(b, r.Hex)
	return append(b, '}')
}

// AppendJSON appends the key schedule.
func (k *KeySchedule) AppendJSON(b []byte) []byte {
	b = append(b, `{"nodes":`...)
	b = jsonenc.Slice(b, k.Nodes, (*trace.KSNode).AppendJSON)
	return append(b, '}')
}

// AppendJSON appends the server's identity.
func (s *ServerInfo) AppendJSON(b []byte) []byte {
	b = append(b, `{"name":`...)
	b = jsonenc.String(b, s.Name)
	b = append(b, `,"keyType":`...)
	b = jsonenc.String(b, s.KeyType)
	b = append(b, `,"keyBits":`...)
	b = jsonenc.Int(b, s.KeyBits)
	b = append(b, `,"certPem":`...)
	b = jsonenc.String(b, s.CertPEM)
	b = append(b, `,"rootPem":`...)
	b = jsonenc.String(b, s.RootPEM)
	return append(b, '}')
}

// AppendJSON appends the server random and its sentinel.
func (r *RandomInfo) AppendJSON(b []byte) []byte {
	b = append(b, `{"hex":`...)
	b = jsonenc.String(b, r.Hex)
	b = append(b, `,"sentinelAt":`...)
	b = jsonenc.Int(b, r.SentinelAt)
	b = append(b, `,"sentinelLen":`...)
	b = jsonenc.Int(b, r.SentinelLen)
	b = append(b, `,"sentinel":`...)
	b = jsonenc.String(b, r.Sentinel)
	return append(b, '}')
}
