//go:build !core

package main

// What the tests see of the lab build (go build ./wasm: every method); a
// core build (-tags core) has none of the lab's methods (build_core_test.go).

// wantBuilt is what globalThis.tlsPlaygroundModules.built says in this build.
const wantBuilt = "full"

// labAPICalls are the lab's calls that take a JSON argument (FuzzAPICalls).
var labAPICalls = []apiCall{
	{"mitm", (*API).MITM},
	{"mitmSend", (*API).MITMSend},
	{"downgrade", (*API).Downgrade},
	{"runScenario", (*API).RunScenario},
}

// labLimitCases are TestAPILimits' calls of the lab's methods.
func labLimitCases(a *API, long func(int) string, seed130 string) []limitCase {
	return []limitCase{
		{"mitm seed of 65 bytes", func() (string, error) { return a.MITM(`{"seed":"` + seed130 + `"}`) }, "mitm: seed is 130 hex digits"},
		{"mitmSend text of 65,537 bytes", func() (string, error) { return a.MITMSend(`{"from":"client","text":"` + long(65537) + `"}`) }, "mitmSend: text is 65537 bytes"},
		{"downgrade seed of 65 bytes", func() (string, error) { return a.Downgrade(`{"seed":"` + seed130 + `"}`) }, "downgrade: seed is 130 hex digits"},
		{"runScenario id of 70,000 bytes", func() (string, error) { return a.RunScenario(`{"id":"` + long(70000) + `"}`) }, "runScenario: id is 70000 bytes: the limit is 64"},
		{"runScenario seed of 65 bytes", func() (string, error) { return a.RunScenario(`{"id":"expired","seed":"` + seed130 + `"}`) }, "runScenario: seed is 130 hex digits"},
	}
}
