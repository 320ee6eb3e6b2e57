//go:build !embedsite

package site

import (
	"errors"
	"io/fs"
)

// Built returns the site compiled into the binary; this one was built
// without it (the build tag embedsite adds it).
func Built() (fs.FS, error) {
	return nil, errors.New(`this tlsplay was built without the site: build one with "bash scripts/build.sh && go build -tags embedsite ./playground/cmd/tlsplay", or "bash scripts/classroom.sh" for every system`)
}
