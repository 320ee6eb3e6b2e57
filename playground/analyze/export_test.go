package analyze

// Test helpers for the external test package (capture_test.go), which
// cannot be inside package analyze: playground/capture imports it.
var (
	CheckTree = checkTree
	Leaves    = leaves
	KindsSeen = kindsSeen
	Dump      = dump
)
