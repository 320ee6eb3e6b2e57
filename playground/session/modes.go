package session

import (
	"encoding/hex"
	"fmt"
	"tlsplayground/playground/alert"
	wire "tlsplayground/playground/record"

	"tlsplayground/playground/kx"
	"tlsplayground/playground/tls12"
	"tlsplayground/playground/tls13"
	"tlsplayground/playground/trace"
)

// Modes lists the modes a session can run, in teaching order.
func Modes() []string {
	var out []string
	for _, m := range modeTable {
		if _, ok := stepTexts[m.ID]; ok {
			out = append(out, m.ID)
		}
	}
	return out
}

// groupsFor resolves the client's key share group and the server's accepted
// groups for a mode.
func groupsFor(mode, group string, server []string) (*kx.Group, []*kx.Group, error) {
	allowed := ModeGroups(mode) // the catalogue's policy
	if len(allowed) == 0 {
		return nil, nil, nil
	}
	def := allowed[0]
	pick := func(name string) (*kx.Group, error) {
		g, err := kx.ByName(name)
		if err != nil {
			return nil, err
		}
		for _, a := range allowed {
			if a == g {
				return g, nil
			}
		}
		return nil, fmt.Errorf("group %q is not available in TLS 1.2: ML-KEM hybrids exist only in TLS 1.3", name)
	}
	g := def
	if group != "" {
		var err error
		if g, err = pick(group); err != nil {
			return nil, nil, err
		}
	}
	sg := allowed
	if len(server) > 0 {
		sg = nil
		for _, n := range server {
			x, err := pick(n)
			if err != nil {
				return nil, nil, fmt.Errorf("server groups: %w", err)
			}
			sg = append(sg, x)
		}
	}
	return g, sg, nil
}

// tls13View reads a TLS 1.3 session: the client's secrets and both sides'
// key shares.
func tls13View(c, srv *tls13.Conn) view {
	v := view{version: "TLS 1.3", keylog: c.KeyLog(), helloRetry: c.HelloRetry(), established: c.HandshakeComplete()}
	if st := c.Suite(); st != nil {
		v.suite = st.Name
	}
	if g := c.Group(); g != nil {
		v.group = g.Name
	}
	if sc := c.Scheme(); sc != nil {
		v.scheme = sc.Name
	}
	cr, sr := c.Randoms()
	cp := func(b []byte) []byte { return append([]byte(nil), b...) }
	v.secrets = []trace.Named{trace.N("clientRandom", cp(cr)), trace.N("serverRandom", cp(sr))}
	var ss *tls13.Share
	if srv != nil {
		ss = srv.KeyShare()
	}
	if cs := c.KeyShare(); cs != nil {
		v.secrets = append(v.secrets, trace.N("sharedSecret", cp(cs.Shared)))
		ks := &trace.KeyShare{Group: cs.Group.Name, ClientPublic: trace.HexString(cs.ClientPublic), ServerPublic: trace.HexString(cs.ServerPublic),
			ClientPrivate: trace.HexString(cs.MyPrivate), ClientShared: trace.HexString(cs.Shared)}
		if ss != nil {
			ks.ServerPrivate, ks.ServerShared = trace.HexString(ss.MyPrivate), trace.HexString(ss.Shared)
			ks.Match = ks.ClientShared == ks.ServerShared
		}
		v.keyShare = ks
	}
	if k := c.Schedule(); k != nil {
		// The early and handshake secrets are zeroed once the master
		// secret exists: the export reads them from the key schedule's
		// nodes, the teaching copy.
		early, hs := k.Value("early"), k.Value("handshake")
		for _, kv := range []trace.Named{
			trace.N("earlySecret", early), trace.N("handshakeSecret", hs), trace.N("masterSecret", k.Master),
			trace.N("clientHandshakeTrafficSecret", k.ClientHandshake), trace.N("serverHandshakeTrafficSecret", k.ServerHandshake),
			trace.N("clientApplicationTrafficSecret", k.ClientApp), trace.N("serverApplicationTrafficSecret", k.ServerApp),
			trace.N("exporterMasterSecret", k.Exporter), trace.N("resumptionMasterSecret", k.Resumption),
		} {
			v.secrets = append(v.secrets, trace.N(kv.Name, cp(kv.Value)))
		}
		for _, n := range k.Nodes {
			switch n.ID {
			case "c_hs_key", "c_hs_iv", "s_hs_key", "s_hs_iv", "c_ap_key", "c_ap_iv", "s_ap_key", "s_ap_iv":
				v.secrets = append(v.secrets, trace.N(camel(n.ID), cp(k.Value(n.ID))))
			}
		}
		v.schedule = append([]trace.KSNode(nil), k.Nodes...)
	}
	return v
}

// camel turns a node id such as "c_hs_key" into "clientHandshakeKey".
func camel(id string) string {
	m := map[string]string{"c": "client", "s": "server", "hs": "Handshake", "ap": "Application", "key": "Key", "iv": "IV"}
	out := ""
	for _, part := range splitUnderscore(id) {
		out += m[part]
	}
	return out
}

func splitUnderscore(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '_' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// ecdheView adds the ECDHE exchange to the classic view; the server erases its
// private key and shared secret before the client does, so prev keeps them.
func ecdheView(c, srv *tls12.Conn, prev *trace.KeyShare) view {
	v := classicView(c)
	ck := c.ECDHE()
	if ck == nil {
		return v
	}
	v.group = ck.Group.Name
	if ck.Scheme != nil {
		v.scheme = ck.Scheme.Name
	}
	ks := &trace.KeyShare{Group: ck.Group.Name, ClientPublic: trace.HexString(ck.ClientPublic), ServerPublic: trace.HexString(ck.ServerPublic),
		ClientPrivate: trace.HexString(ck.Private), ClientShared: trace.HexString(ck.Shared)}
	if srv == nil {
		// A remote server: its side is not known here.
	} else if sk := srv.ECDHE(); sk != nil && len(sk.Shared) > 0 && !allZero(sk.Shared) {
		ks.ServerPrivate, ks.ServerShared = trace.HexString(sk.Private), trace.HexString(sk.Shared)
	} else if prev != nil {
		ks.ServerPrivate, ks.ServerShared = prev.ServerPrivate, prev.ServerShared
	}
	ks.Match = ks.ClientShared != "" && ks.ClientShared == ks.ServerShared
	v.keyShare = ks
	return v
}

func hexDecode(s string) ([]byte, error) { return hex.DecodeString(s) }

// toRecords converts named received records.
func toRecords(outs []wire.Out) []recvRecord {
	rs := make([]recvRecord, len(outs))
	for i, o := range outs {
		rs[i] = recvRecord{name: o.Name, hex: trace.HexString(o.Wire), step: o.Step, encrypted: o.Encrypted}
	}
	return rs
}

// alertOf names the alert an error carries.
func alertOf(err error) (string, bool) {
	a, ok := alert.Of(err)
	if !ok {
		return "", false
	}
	return a.String(), true
}
