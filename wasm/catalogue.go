package main

import "tlsplayground/playground/session"

// Catalogue answers the catalogue method (core module): the engine's one
// catalogue of modes, groups, server key types, suites, suite orders,
// checks and alerts, with their ids, labels and teaching texts
// (session.GetCatalogue). It takes no argument; the page reads it once
// and keys its choices and explanations on its ids.
func (a *API) Catalogue(arg string) (string, error) {
	if err := noArgument("catalogue", arg); err != nil {
		return "", err
	}
	return encode(session.GetCatalogue())
}
