//go:build !core

package main

import (
	"testing"

	"tlsplayground/playground/browserhello"
	"tlsplayground/playground/eve"
	"tlsplayground/playground/scenario"
	"tlsplayground/playground/session"
)

// TestBridgeJSONLab: the lab's arguments and responses, as TestBridgeJSON.
func TestBridgeJSONLab(t *testing.T) {
	sameJSON(t, []any{
		&ExposureRequest{}, &EveTokenKeyRequest{}, &MITMRequest{}, &DowngradeRequest{}, &ResumeRequest{},
		&ScenarioRequest{}, &AnalyzeRequest{}, &CaptureRequest{}, &BrowserHelloRequest{}, &ImportRequest{},
	}, true)
	sameJSON(t, []any{
		&eve.Exposure{}, &eve.Result{}, &session.MITMExport{}, &session.Export{}, &ResumeResponse{},
		&session.ReplayResult{}, &session.ResumptionExport{}, &session.EveTicket{}, &[]scenario.Scenario{},
		&scenario.Result{}, &AnalyzeResponse{}, &ImportResponse{}, &browserhello.Comparison{},
	}, false)
}
