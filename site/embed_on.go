//go:build embedsite

package site

import (
	goembed "embed" // named: site.go has a func embed
	"fmt"
	"io/fs"
)

// dist is the built site, compiled into the binary (go build -tags embedsite,
// after scripts/build.sh has built site/dist).
//
//go:embed all:dist
var dist goembed.FS

// Built returns the site compiled into this binary: the contents of site/dist.
func Built() (fs.FS, error) {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		return nil, err
	}
	if _, err := fs.Stat(sub, "index.html"); err != nil {
		return nil, fmt.Errorf("the site in this binary has no index.html: build the site (bash scripts/build.sh), then this binary again")
	}
	return sub, nil
}
