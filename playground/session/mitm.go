package session

import (
	"errors"
	"fmt"
	"strings"

	"tlsplayground/playground/pki"
	"tlsplayground/playground/trace"
)

// MITM is Mallory in the middle: two TLS sessions, one on each side of her.
// On the left the client talks to Mallory, who presents her own certificate
// for the server's name; on the right Mallory talks to the real server as
// a client. The client's trust store decides: it refuses Mallory unless
// Mallory's root was added to it, which is what corporate TLS proxies and
// preinstalled rogue roots do.
type MITM struct {
	Left, Right  *Session
	TrustMallory bool
	// Rewrite, when set, changes what Mallory forwards.
	Rewrite func(from, text string) string
	events  []trace.Event
}

// MITMExport is what the page shows: both sessions and Mallory's actions.
type MITMExport struct {
	TrustMallory bool          `json:"trustMallory"`
	Left         *Export       `json:"left"`  // client ↔ Mallory
	Right        *Export       `json:"right"` // Mallory ↔ server
	Mallory      []trace.Event `json:"mallory"`
	MalloryRoot  string        `json:"malloryRootPem"`
	// MalloryRootName is her root's common name: she copies the real
	// root's, so that the two look alike.
	MalloryRootName string `json:"malloryRootName"`
}

// NewMITM runs both handshakes: the client's with Mallory (who uses
// mallory, a setup for the same server name under her own root), and
// Mallory's with the real server.
func NewMITM(real, mallory *pki.Setup, trustMallory bool, opt Options) (*MITM, error) {
	if real.ServerName != mallory.ServerName {
		return nil, errors.New("mallory: her certificate must be for the server's own name, or the host name check alone stops her")
	}
	roots := real.Roots()
	if trustMallory {
		roots.AddCert(mallory.CA)
	}
	lopt := opt
	lopt.ClientRoots = roots
	left, err := New(mallory, lopt)
	if err != nil {
		return nil, err
	}
	m := &MITM{Left: left, TrustMallory: trustMallory}
	if !left.Established() {
		m.note("Is refused: the client does not trust her certificate",
			trace.Text("What stopped her", left.err.Message, "step 3: the chain does not end at a root in the client's trust store"),
			trace.Text("Alert the client sent", left.err.Alert, ""))
		return m, nil
	}
	ropt := opt
	ropt.Seed = append([]byte("mallory "), left.seed...)
	right, err := New(real, ropt)
	if err != nil {
		return nil, err
	}
	m.Right = right
	m.note("Sits in the middle: two sessions, two sets of keys",
		trace.Text("Left session", "client ↔ Mallory, with Mallory's certificate for "+mallory.ServerName, "the client sees a valid chain: it ends at Mallory's root, which someone added to its trust store"),
		trace.Text("Right session", "Mallory ↔ server, Mallory as an ordinary client", "the server sees nothing unusual"),
		trace.Secret("Left master secret", hexBytes(left.Export().Secrets["masterSecret"]), "Mallory's, shared with the client"),
		trace.Secret("Right master secret", hexBytes(right.Export().Secrets["masterSecret"]), "Mallory's, shared with the server: a different one"))
	return m, nil
}

func (m *MITM) note(title string, values ...trace.Value) {
	if values == nil {
		values = []trace.Value{}
	}
	m.events = append(m.events, trace.NewEvent(7, "mallory", title, values...))
}

// Send carries a message from the client or the server through Mallory,
// who reads it, rewrites it if she wants, and re-encrypts it for the other side.
func (m *MITM) Send(from, text string) (string, error) {
	if m.Right == nil {
		return "", errors.New("the client refused Mallory's certificate: there is no connection to intercept")
	}
	in, out := m.Left, m.Right
	side := trace.Client
	if from == trace.Server {
		in, out, side = m.Right, m.Left, trace.Server
	} else if from != trace.Client {
		return "", fmt.Errorf("sender %q is neither \"client\" nor \"server\"", from)
	}
	// The sender's message reaches Mallory, decrypted with her keys.
	ex, err := in.Send(side, text)
	if err != nil {
		return "", err
	}
	forward := ex.Decrypted
	if m.Rewrite != nil {
		forward = m.Rewrite(from, forward)
	}
	m.note("Reads the "+from+"'s message and forwards it",
		trace.Text("Decrypted with her keys", ex.Decrypted, "nothing warned either side"),
		trace.Check("Rewritten", forward != ex.Decrypted, forward))
	ex2, err := out.Send(side, forward)
	if err != nil {
		return "", err
	}
	return ex2.Decrypted, nil
}

// Export returns both sessions and Mallory's actions.
func (m *MITM) Export() *MITMExport {
	e := &MITMExport{TrustMallory: m.TrustMallory, Left: m.Left.Export(), Mallory: append([]trace.Event{}, m.events...),
		MalloryRoot: string(pki.CertPEM(m.Left.setup.CA.Raw)), MalloryRootName: m.Left.setup.CA.Subject.CommonName}
	if m.Right != nil {
		e.Right = m.Right.Export()
	}
	return e
}

// UpperRewrite is a sample rewrite: Mallory changes "100" into "10000".
func UpperRewrite(from, text string) string {
	return strings.ReplaceAll(text, "100", "10000")
}

func hexBytes(h string) []byte {
	b, _ := hexDecode(h)
	return b
}
