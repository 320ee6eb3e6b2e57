//go:build !core

package main

import (
	"fmt"

	"tlsplayground/playground/limits"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/scenario"
)

// The scenario API: the gallery of failures (playground/scenario) for the
// page's certificate failures and the no-common-suite case.

// Scenarios returns the catalogue, in teaching order.
func (a *API) Scenarios(arg string) (string, error) {
	if err := noArgument("scenarios", arg); err != nil {
		return "", err
	}
	return encode(scenario.All())
}

// maxScenarioID bounds a scenario id (the longest is far shorter).
const maxScenarioID = 64

// ScenarioRequest is the argument of runScenario.
type ScenarioRequest struct {
	ID   string `json:"id"`
	Mode string `json:"mode"` // one of the scenario's modes; empty: its first
	Seed string `json:"seed"` // the session's seed; empty: a fresh one
	// Session names the handle whose keys are reused (default: the page's).
	Session sessionRef `json:"session"`
}

// RunScenario mints the scenario's certificates and runs its handshake:
// → scenario.Result. The handle's setup's keys, when there is one, are
// reused so that no RSA key is generated.
func (a *API) RunScenario(arg string) (string, error) {
	var req ScenarioRequest
	if err := decode("runScenario", arg, &req); err != nil {
		return "", err
	}
	if err := limits.Size("runScenario: id", len(req.ID), maxScenarioID, "an id is a short name from scenarios()"); err != nil {
		return "", err
	}
	sc, err := scenario.Lookup(req.ID)
	if err != nil {
		return "", fmt.Errorf("runScenario: %w", err)
	}
	opt := scenario.Options{Mode: req.Mode}
	if opt.Seed, err = seed("runScenario", req.Seed); err != nil {
		return "", err
	}
	h, err := a.handleOf("runScenario", req.Session)
	if err != nil {
		return "", err
	}
	if h.setup != nil {
		opt.PKI = pki.Options{ServerName: h.setup.ServerName, CAKey: h.setup.CAKey, Key: h.setup.Key}
	}
	if a.now != nil {
		opt.PKI.Now = a.now()
	}
	r, err := sc.Run(opt)
	if err != nil {
		return "", fmt.Errorf("runScenario: %w", err)
	}
	return encode(r)
}
