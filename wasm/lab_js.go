//go:build js && wasm && !core

package main

import "github.com/hack-pad/safejs"

// labMethods are the lab module's implementations of methodTable's lab
// entries (a core build has none: lab_core_js.go). Among them the methods
// of the wire views (wire.go): the analyzer, the capture download and
// import, and the browser's hello. Like the others,
// each takes a JSON string first (checked by install); importCapture also
// takes a progress callback, the capture and the key log:
//
//	importCapture('{"name":"x.pcapng"}', progress, captureBytes, keylogBytes)
//
// sessionCapture resolves an object {pcapng: Uint8Array, keylog, name,
// streams} rather than JSON, so that megabytes of capture cross to the page
// by structured clone, not as base64 in a string.
func labMethods(api *API) map[string]jsMethod {
	return map[string]jsMethod{
		"adoptSession":    str(api.AdoptSession),
		"eve":             str(api.Eve),
		"eveTokenKey":     str(api.EveTokenKey),
		"exposure":        str(api.Exposure),
		"mitm":            str(api.MITM),
		"mitmSend":        str(api.MITMSend),
		"downgrade":       str(api.Downgrade),
		"resume":          str(api.Resume),
		"replayEarlyData": str(api.ReplayEarlyData),
		"eveTicketKey":    str(api.EveTicketKey),
		"scenarios":       str(api.Scenarios),
		"runScenario":     str(api.RunScenario),
		"analyze":         str(api.Analyze),
		"sessionCapture": func(arg string, _ []safejs.Value) (any, error) {
			c, err := api.SessionCapture(arg)
			if err != nil {
				return nil, err
			}
			return jsObject{"pcapng": c.PCAPNG, "keylog": c.Keylog, "name": c.Name, "streams": c.Streams}, nil
		},
		"importCapture": func(arg string, args []safejs.Value) (any, error) {
			progress, err := progressArg("importCapture", args)
			if err != nil {
				return nil, err
			}
			file, err := bytesArg("importCapture", args, 2, "the third argument (the capture file)", true)
			if err != nil {
				return nil, err
			}
			keylog, err := bytesArg("importCapture", args, 3, "the fourth argument (the key log file)", false)
			if err != nil {
				return nil, err
			}
			var report func(done, total int)
			if progress != nil {
				report = func(done, total int) { _, _ = progress.Invoke(done, total) }
			}
			return api.ImportCapture(arg, file, keylog, report)
		},
		"browserHello": str(api.BrowserHello),
	}
}
