// Package site holds the one table of HTTP headers the built site (site/dist,
// made by scripts/build.sh) is served with, and a handler that serves a built
// site with them: scripts/serve uses it locally, `tlsplay web` for the
// classroom edition, and netlify.toml mirrors the same table in production
// (a test checks the two path by path).
//
// The policy:
//   - /assets/… is content-hashed (assets/<hash>/js/…, assets/engine-<hash>.wasm):
//     cached for a year, immutable.
//   - Everything else (the HTML pages, sw.js, the manifest, the icons, the
//     embed host script, build.json) is revalidated on every use (no-cache),
//     so a deploy is seen at once; the service worker then decides when the
//     page switches to it.
//   - One Content-Security-Policy, 'self' only; the pages that are not the
//     embed add frame-ancestors 'self', the embed (/embed.html, /embed) may
//     be framed by any site.
//   - nosniff everywhere; application/wasm and application/manifest+json.
//
// Netlify applies every [[headers]] rule whose path matches a request. How it
// merges one header set by two matching rules is not documented consistently
// (netlify dev keeps the last; the CDN is said to join them with commas), so
// no two rules here that can match the same path set the same header: every
// merge gives the same answer.
package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"strings"
	"sync"
	"time"
)

// CSP is the Content-Security-Policy of every response that has one, without
// frame-ancestors. connect-src lets the page reach a TLS Playground server that
// the visitor names (a Worker over https, or one on this machine); nothing is
// fetched from elsewhere unless the visitor asks.
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
	"img-src 'self' data:; connect-src 'self' https: http://localhost:* http://127.0.0.1:*; worker-src 'self'; " +
	"base-uri 'none'; form-action 'none'"

// FrameSelf is the framing policy of the pages that only this site may frame.
const FrameSelf = "frame-ancestors 'self'"

// PageCSP is CSP for the pages that only this site may frame.
const PageCSP = CSP + "; " + FrameSelf

// Cache-Control values.
const (
	Immutable  = "public, max-age=31536000, immutable"
	Revalidate = "no-cache"
)

// Rule is one header rule, as netlify.toml writes it: the headers in Values are
// sent for every request path that For matches (Netlify's syntax: an exact
// path, or a path ending in /* for everything below it; /*.ext for an
// extension).
type Rule struct {
	For    string
	Values map[string]string
}

// Rules is the table. netlify.toml has the same rules (site_test.go checks).
var Rules = []Rule{
	{"/*", map[string]string{"X-Content-Type-Options": "nosniff"}},
	{"/*.wasm", map[string]string{"Content-Type": "application/wasm"}},

	// The pages: framed only by this site.
	{"/", page()},
	{"/index.html", page()},
	{"/index", page()},
	// The embed: any site may frame it.
	{"/embed.html", embed()},
	{"/embed", embed()},

	// Content-hashed: a changed file gets a new name.
	{"/assets/*", map[string]string{"Cache-Control": Immutable, "Content-Security-Policy": CSP}},

	// Fixed names: revalidated.
	{"/sw.js", revalidated()},
	{"/manifest.webmanifest", with(revalidated(), "Content-Type", "application/manifest+json")},
	{"/favicon.svg", revalidated()},
	{"/icons/*", revalidated()},
	// The host script that blog pages load from anywhere: a module import needs CORS.
	{"/tls-playground.js", with(revalidated(), "Access-Control-Allow-Origin", "*")},
	{"/build.json", revalidated()},
	// The single-file edition (scripts/singlefile), to download: its own <meta> CSP allows its
	// inline code by hash, which a 'self' policy here would block; only the framing is added.
	{"/tls-playground.html", map[string]string{"Cache-Control": Revalidate, "Content-Security-Policy": FrameSelf}},
}

func page() map[string]string {
	return map[string]string{"Cache-Control": Revalidate, "Content-Security-Policy": PageCSP}
}

func embed() map[string]string {
	return map[string]string{"Cache-Control": Revalidate, "Content-Security-Policy": CSP}
}

func revalidated() map[string]string {
	return map[string]string{"Cache-Control": Revalidate, "Content-Security-Policy": CSP}
}

func with(m map[string]string, k, v string) map[string]string {
	m[k] = v
	return m
}

// Match reports whether a rule's path pattern matches a request path the way
// Netlify matches them (@netlify/headers-parser): case-insensitive, a trailing
// slash optional, a standalone * matching the rest of the path (the slash
// before it optional), a * inside a segment matching anything.
func Match(pattern, urlPath string) bool {
	if re, ok := patterns.Load(pattern); ok {
		return re.(*regexp.Regexp).MatchString(urlPath)
	}
	re := compile(pattern)
	patterns.Store(pattern, re)
	return re.MatchString(urlPath)
}

var patterns sync.Map // pattern → *regexp.Regexp

func compile(pattern string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("(?i)^/")
	first := true
	for _, part := range strings.Split(pattern, "/") {
		part = strings.TrimRight(part, " \t")
		if part == "" {
			continue
		}
		if !first {
			b.WriteString("/")
		}
		first = false
		switch {
		case strings.HasPrefix(part, ":"):
			b.WriteString("([^/]+)")
		case part == "*":
			b.WriteString("?(.*)")
		default:
			quoted := strings.Split(part, "*")
			for i := range quoted {
				quoted[i] = regexp.QuoteMeta(quoted[i])
			}
			b.WriteString(strings.Join(quoted, "(.*)"))
		}
	}
	b.WriteString("/?$")
	return regexp.MustCompile(b.String())
}

// HeadersFrom returns the headers rules give a request path: those of every
// matching rule, a header set by several joined with ", " (as Netlify's CDN
// is said to; Rules never relies on it).
func HeadersFrom(rules []Rule, urlPath string) http.Header {
	h := http.Header{}
	for _, r := range rules {
		if !Match(r.For, urlPath) {
			continue
		}
		for k, v := range r.Values {
			k = http.CanonicalHeaderKey(k)
			if old := h.Get(k); old != "" {
				v = old + ", " + v
			}
			h.Set(k, v)
		}
	}
	return h
}

// Headers returns the headers of the table for a request path.
func Headers(urlPath string) http.Header {
	return HeadersFrom(Rules, urlPath)
}

// types is the Content-Type of each kind of file the site has (the same on
// every system, unlike mime.TypeByExtension).
var types = map[string]string{
	".html":        "text/html; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".json":        "application/json",
	".webmanifest": "application/manifest+json",
	".wasm":        "application/wasm",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".ico":         "image/x-icon",
	".txt":         "text/plain; charset=utf-8",
}

// ContentType returns the Content-Type of a file name.
func ContentType(name string) string {
	if t, ok := types[strings.ToLower(path.Ext(name))]; ok {
		return t
	}
	return "application/octet-stream"
}

// Handler serves a built site (the contents of site/dist) from fsys with the
// headers of Rules: "/" is index.html, a path without an extension is the
// .html file of that name when there is one (as Netlify's pretty URLs), and
// files that are revalidated carry an ETag so a revalidation costs no body.
func Handler(fsys fs.FS) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed: the site answers GET and HEAD", http.StatusMethodNotAllowed)
			return
		}
		name, data, modtime, err := open(fsys, r.URL.Path)
		if err != nil {
			w.Header().Set("X-Content-Type-Options", "nosniff")
			if errors.Is(err, fs.ErrNotExist) {
				http.Error(w, "not found", http.StatusNotFound)
			} else {
				http.Error(w, "cannot read "+r.URL.Path+": "+err.Error(), http.StatusInternalServerError)
			}
			return
		}
		h := w.Header()
		for k, v := range Headers(r.URL.Path) {
			h[k] = v
		}
		if h.Get("Content-Type") == "" {
			h.Set("Content-Type", ContentType(name))
		}
		if h.Get("Cache-Control") != Immutable {
			sum := sha256.Sum256(data)
			h.Set("ETag", `"`+hex.EncodeToString(sum[:12])+`"`)
		}
		http.ServeContent(w, r, name, modtime, bytes.NewReader(data))
	})
}

// open finds the file a request path names and reads it.
func open(fsys fs.FS, urlPath string) (name string, data []byte, modtime time.Time, err error) {
	if !strings.HasPrefix(urlPath, "/") {
		urlPath = "/" + urlPath
	}
	clean := path.Clean(urlPath)
	name = strings.TrimPrefix(clean, "/")
	if name == "" || strings.HasSuffix(urlPath, "/") {
		name = path.Join(name, "index.html")
	}
	if !fs.ValidPath(name) {
		return "", nil, time.Time{}, fs.ErrNotExist
	}
	candidates := []string{name}
	if path.Ext(name) == "" {
		candidates = append(candidates, name+".html", path.Join(name, "index.html"))
	}
	for _, c := range candidates {
		st, serr := fs.Stat(fsys, c)
		if serr != nil || st.IsDir() {
			continue
		}
		f, oerr := fsys.Open(c)
		if oerr != nil {
			return "", nil, time.Time{}, oerr
		}
		data, err = io.ReadAll(f)
		f.Close()
		return c, data, st.ModTime(), err
	}
	return "", nil, time.Time{}, fs.ErrNotExist
}
