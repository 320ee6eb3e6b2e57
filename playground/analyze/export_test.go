package analyze

// Test helpers for the external test package (analyze_test): the tests
// that build sessions or read captures import playground/session and
// playground/capture, which import this package (through playground/eve),
// so they cannot be inside package analyze.
var (
	CheckTree = checkTree
	Leaves    = leaves
	KindsSeen = kindsSeen
	Dump      = dump
	MustHex   = mustHex
)

// Extension code points the analyzer names that the engine does not send.
const (
	ExtDelegatedCredentials = extDelegatedCredentials
	ExtALPSOld              = extALPSOld
	ExtALPS                 = extALPS
	ExtECH                  = extECH
	ExtECHOuterExtensions   = extECHOuterExtensions
	ExtTrustAnchors         = extTrustAnchors
)

// SetVersion makes a an analyzer of a connection that negotiated v.
func SetVersion(a *Analyzer, v uint16) { a.version = v }
