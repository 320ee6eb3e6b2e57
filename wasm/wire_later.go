package main

import (
	"errors"
)

// importCapture's state until playground/capture lands (H7): the method is
// registered and checks its arguments; reading the file comes with it.

type importedCapture struct{}

func (w *wireState) importedAnalysis(i int) (*analysis, error) {
	return nil, errors.New("no capture imported: call importCapture first")
}

func (a *API) ImportCapture(arg string, file, keylog []byte, progress func(done, total int)) (string, error) {
	return "", errors.New("importCapture: this engine cannot read captures yet (playground/capture is not in this build)")
}
func (w *wireState) importedHello(i int) ([]byte, error) {
	return nil, errors.New("no capture imported: call importCapture first")
}
