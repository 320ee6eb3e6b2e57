package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html"
	"io/fs"
	"path"
	"regexp"
	"strings"

	"tlsplayground/scripts/jsbundle"
	"tlsplayground/site"
)

// Element ids of the non-executing blocks js/singlefile.js reads.
const (
	workerBlockID = "tls-engine-worker"
	wasmBlockID   = "tls-engine-wasm"
	// serverBlockID holds the server module (./wasm/server), when the build
	// has one, in the same form: js/singlefile.js gives it as serverBytes.
	serverBlockID = "tls-server-wasm"
)

// entryModule runs first: it configures the engine loader (js/engine.js) to
// start the worker from the worker block and the engine from the wasm block.
const entryModule = "singlefile.js"

// skipModules are module scripts of index.html the single file leaves out, with why.
var skipModules = map[string]string{
	"pwa.js": "it registers the service worker, which serves the site's files: the single file is whole, and its CSP allows only blob: workers",
}

// engineWorker is the worker's script, relative to js/.
const engineWorker = "engine-worker.js"

type page struct {
	html      []byte
	wasmBytes int // the engine's share of html: gzip, then base64
}

var (
	reHTML    = regexp.MustCompile(`(?is)<html\b([^>]*)>`)
	reHead    = regexp.MustCompile(`(?is)<head\b[^>]*>(.*?)</head\s*>`)
	reBody    = regexp.MustCompile(`(?is)<body\b[^>]*>.*</body\s*>`)
	reItem    = regexp.MustCompile(`(?is)<!--.*?-->|<title\b[^>]*>.*?</title\s*>|<script\b([^>]*)>(.*?)</script\s*>|<(meta|link)\b([^>]*)>`)
	reAttr    = regexp.MustCompile(`(?is)([a-z][a-z0-9:-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?`)
	reCSSURL  = regexp.MustCompile(`(?i)url\(\s*['"]?([^'")\s]*)`)
	reBodySrc = regexp.MustCompile(`(?is)<(script|link|iframe|img|source|object|embed)\b`)
)

// attrs parses the attributes of a start tag (the text after its name).
func attrs(s string) map[string]string {
	out := map[string]string{}
	for _, m := range reAttr.FindAllStringSubmatch(s, -1) {
		out[strings.ToLower(m[1])] = html.UnescapeString(m[2] + m[3] + m[4])
	}
	return out
}

// localPath turns a reference in index.html into a path in the site's sources.
func localPath(ref string) (string, error) {
	if strings.Contains(ref, ":") || strings.HasPrefix(ref, "//") {
		return "", fmt.Errorf("index.html refers to %q, which is not a file of the site", ref)
	}
	p := path.Clean(strings.TrimPrefix(ref, "/"))
	if p == ".." || strings.HasPrefix(p, "../") {
		return "", fmt.Errorf("index.html refers to %q, outside the site", ref)
	}
	return p, nil
}

// scriptText makes text safe inside a <script> element: "</script" cannot end
// it (written "<\/script", the same in a JavaScript string, template or regular
// expression), and "<!--" (which would change how the HTML parser reads the
// rest) is refused.
func scriptText(what, text string) (string, error) {
	if strings.Contains(text, "<!--") {
		return "", fmt.Errorf("%s contains \"<!--\", which cannot appear inside a <script> element: write it differently", what)
	}
	var sb strings.Builder
	for i := 0; i < len(text); i++ {
		if text[i] == '<' && i+8 <= len(text) && text[i+1] == '/' && strings.EqualFold(text[i+2:i+8], "script") {
			sb.WriteString(`<\/`)
			i++
			continue
		}
		sb.WriteByte(text[i])
	}
	return sb.String(), nil
}

func hash(text string) string {
	sum := sha256.Sum256([]byte(text))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// connectSrc returns the sources of the site's connect-src directive.
func connectSrc() (string, error) {
	for _, d := range strings.Split(site.CSP, ";") {
		d = strings.TrimSpace(d)
		if rest, ok := strings.CutPrefix(d, "connect-src "); ok {
			return rest, nil
		}
	}
	return "", fmt.Errorf("site.CSP has no connect-src directive")
}

// build assembles the single file from the site's sources (fsys: the site/
// folder), the engine and Go's wasm_exec.js.
func build(fsys fs.FS, wasm []byte, glue string) (*page, error) {
	return buildWith(fsys, wasm, nil, glue)
}

// gzipBase64 is data as a block carries it: gzip, then base64.
func gzipBase64(data []byte) (string, error) {
	var gz bytes.Buffer
	zw, err := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	if err != nil {
		return "", err
	}
	if _, err := zw.Write(data); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(gz.Bytes()), nil
}

// buildWith is build with the server module (nil: none; the file then has no in-page server).
func buildWith(fsys fs.FS, wasm, server []byte, glue string) (*page, error) {
	index, err := fs.ReadFile(fsys, "index.html")
	if err != nil {
		return nil, err
	}
	doc := string(index)
	htmlTag := reHTML.FindStringSubmatch(doc)
	head := reHead.FindStringSubmatch(doc)
	body := reBody.FindString(doc)
	if htmlTag == nil || head == nil || body == "" {
		return nil, fmt.Errorf("index.html: expected <html>, <head>…</head> and <body>…</body>")
	}
	if m := reBodySrc.FindStringSubmatch(body); m != nil {
		return nil, fmt.Errorf("index.html: the body has a <%s> element: the single file only carries the head's scripts and style sheets (teach scripts/singlefile about it)", m[1])
	}

	var (
		metas     []string // <meta> and <title>, in order (the charset goes first)
		charset   string
		icon      string
		styles    []string
		classic   []string // inline classic scripts (boot.js)
		modules   = []string{entryModule}
		leftovers = reItem.ReplaceAllString(head[1], "")
	)
	if strings.TrimSpace(leftovers) != "" {
		return nil, fmt.Errorf("index.html: the head has content the single file does not know: %q", strings.TrimSpace(leftovers))
	}
	for _, m := range reItem.FindAllStringSubmatch(head[1], -1) {
		item := m[0]
		switch {
		case strings.HasPrefix(item, "<!--"):
		case strings.HasPrefix(strings.ToLower(item), "<title"):
			metas = append(metas, item)
		case strings.HasPrefix(strings.ToLower(item), "<script"):
			a := attrs(m[1])
			if a["src"] == "" {
				return nil, fmt.Errorf("index.html: an inline <script> in the head (the site's CSP forbids them)")
			}
			p, err := localPath(a["src"])
			if err != nil {
				return nil, err
			}
			switch strings.ToLower(a["type"]) {
			case "module":
				name, ok := strings.CutPrefix(p, "js/")
				if !ok {
					return nil, fmt.Errorf("index.html: module script %q is not in js/", a["src"])
				}
				if _, skip := skipModules[name]; !skip {
					modules = append(modules, name)
				}
			case "", "text/javascript":
				text, err := fs.ReadFile(fsys, p)
				if err != nil {
					return nil, err
				}
				classic = append(classic, string(text))
			default:
				return nil, fmt.Errorf("index.html: a <script type=%q> the single file does not know", a["type"])
			}
		case strings.EqualFold(m[3], "meta"):
			a := attrs(m[4])
			switch {
			case strings.EqualFold(a["http-equiv"], "content-security-policy"):
				// The single file has its own.
			case a["charset"] != "":
				charset = item
			default:
				metas = append(metas, item)
			}
		case strings.EqualFold(m[3], "link"):
			a := attrs(m[4])
			rels := strings.Fields(strings.ToLower(a["rel"]))
			has := func(r string) bool {
				for _, x := range rels {
					if x == r {
						return true
					}
				}
				return false
			}
			switch {
			case has("stylesheet"):
				p, err := localPath(a["href"])
				if err != nil {
					return nil, err
				}
				css, err := fs.ReadFile(fsys, p)
				if err != nil {
					return nil, err
				}
				if err := checkCSS(p, string(css)); err != nil {
					return nil, err
				}
				styles = append(styles, string(css))
			case has("icon") && icon == "":
				p, err := localPath(a["href"])
				if err != nil {
					return nil, err
				}
				data, err := fs.ReadFile(fsys, p)
				if err != nil {
					return nil, err
				}
				types := map[string]string{".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon"}
				typ := types[path.Ext(p)]
				if typ == "" {
					return nil, fmt.Errorf("index.html: icon %q: not .svg, .png or .ico", p)
				}
				icon = fmt.Sprintf(`<link rel="icon" type="%s" href="data:%s;base64,%s">`, typ, typ, base64.StdEncoding.EncodeToString(data))
			default:
				// modulepreload, manifest, other icons: nothing to load from a file.
			}
		}
	}
	if charset == "" {
		charset = `<meta charset="utf-8">`
	}

	// The page's modules.
	jsFS, err := fs.Sub(fsys, "js")
	if err != nil {
		return nil, err
	}
	pageBundle := jsbundle.New(jsFS, false)
	for _, name := range modules {
		if err := pageBundle.Add(name); err != nil {
			return nil, err
		}
	}
	var mod strings.Builder
	mod.WriteString("// The TLS Playground's modules, bundled by scripts/singlefile (the single-file edition).\n")
	mod.WriteString(pageBundle.Write())
	for _, name := range modules {
		fmt.Fprintf(&mod, "%s.load(%q);\n", jsbundle.RegistryName, name)
	}
	moduleScript, err := scriptText("the page's modules", mod.String())
	if err != nil {
		return nil, err
	}

	// The worker: Go's glue, the modules it loads lazily, the worker itself.
	workerSrc, err := fs.ReadFile(jsFS, engineWorker)
	if err != nil {
		return nil, err
	}
	wm, err := jsbundle.Parse(engineWorker, string(workerSrc), true)
	if err != nil {
		return nil, err
	}
	if len(wm.Imports) > 0 || len(wm.Order) > 0 {
		return nil, fmt.Errorf("%s: a classic worker script has no import or export statements", engineWorker)
	}
	workerBundle := jsbundle.New(jsFS, true)
	for _, name := range wm.Dynamic {
		if err := workerBundle.Add(name); err != nil {
			return nil, err
		}
		if !strings.Contains(string(workerSrc), fmt.Sprintf("lazyModule('%s'", name)) {
			return nil, fmt.Errorf("%s imports %s but does not ask lazyModule('%s', …) for it: the bundle would not be used", engineWorker, name, name)
		}
	}
	var w strings.Builder
	w.WriteString(glue)
	w.WriteString("\n;// ---- the TLS Playground's engine worker, bundled by scripts/singlefile\n")
	w.WriteString("self.tlsPlaygroundWorker = { wasm: 'message' };\n(() => {\n")
	w.WriteString(workerBundle.Write())
	w.WriteString("self.__tlsModules = Object.assign(self.__tlsModules || {}, {\n")
	for _, name := range wm.Dynamic {
		fmt.Fprintf(&w, "  %q: () => %s.load(%q),\n", name, jsbundle.RegistryName, name)
	}
	w.WriteString("});\n})();\n(function () {\n")
	w.Write(workerSrc)
	w.WriteString("\n}).call(self);\n")
	workerScript, err := scriptText("the engine worker", w.String())
	if err != nil {
		return nil, err
	}

	// The engine (and the server): gzip, then base64.
	wasmText, err := gzipBase64(wasm)
	if err != nil {
		return nil, err
	}
	serverText := ""
	if server != nil {
		if serverText, err = gzipBase64(server); err != nil {
			return nil, err
		}
	}

	for i, c := range classic {
		if classic[i], err = scriptText("an inline classic script", c); err != nil {
			return nil, err
		}
	}
	style := strings.Join(styles, "\n")

	connect, err := connectSrc()
	if err != nil {
		return nil, err
	}
	scriptHashes := []string{}
	for _, c := range classic {
		scriptHashes = append(scriptHashes, hash(c))
	}
	scriptHashes = append(scriptHashes, hash(moduleScript))
	csp := fmt.Sprintf("default-src 'none'; script-src %s 'wasm-unsafe-eval'; style-src %s; img-src data:; "+
		"connect-src %s; worker-src blob:; base-uri 'none'; form-action 'none'",
		strings.Join(scriptHashes, " "), hash(style), connect)

	var out strings.Builder
	out.WriteString("<!doctype html>\n")
	fmt.Fprintf(&out, "<html%s data-edition=\"single-file\">\n<head>\n", strings.TrimRight(htmlTag[1], " \t\r\n/"))
	fmt.Fprintf(&out, "  %s\n", charset)
	// In a double-quoted attribute only & and " need escaping (the policy's quotes stay readable).
	fmt.Fprintf(&out, "  <meta http-equiv=\"Content-Security-Policy\" content=\"%s\">\n", strings.NewReplacer("&", "&amp;", `"`, "&quot;").Replace(csp))
	out.WriteString("  <!-- The TLS Playground, single-file edition: open this file in a browser; it needs no server and no network.\n" +
		"       Made by scripts/singlefile from the site's sources; the engine (Go compiled to WebAssembly) is inside. -->\n")
	for _, m := range metas {
		fmt.Fprintf(&out, "  %s\n", m)
	}
	if icon != "" {
		fmt.Fprintf(&out, "  %s\n", icon)
	}
	fmt.Fprintf(&out, "  <style>%s</style>\n", style)
	for _, c := range classic {
		fmt.Fprintf(&out, "  <script>%s</script>\n", c)
	}
	fmt.Fprintf(&out, "  <script type=\"module\">%s</script>\n", moduleScript)
	out.WriteString("</head>\n")
	closing := strings.LastIndex(strings.ToLower(body), "</body")
	out.WriteString(body[:closing])
	fmt.Fprintf(&out, "<script type=\"text/plain\" id=\"%s\">%s</script>\n", workerBlockID, workerScript)
	fmt.Fprintf(&out, "<script type=\"application/octet-stream\" id=\"%s\">%s</script>\n", wasmBlockID, wasmText)
	if serverText != "" {
		fmt.Fprintf(&out, "<script type=\"application/octet-stream\" id=\"%s\">%s</script>\n", serverBlockID, serverText)
	}
	out.WriteString(body[closing:])
	out.WriteString("\n</html>\n")
	return &page{html: []byte(out.String()), wasmBytes: len(wasmText) + len(serverText)}, nil
}

// checkCSS refuses a style sheet that would load anything (the single file
// has nothing else to load) or end its <style> element early.
func checkCSS(name, css string) error {
	if strings.Contains(strings.ToLower(css), "</style") {
		return fmt.Errorf("%s contains \"</style\"", name)
	}
	if strings.Contains(css, "@import") {
		return fmt.Errorf("%s uses @import: the single file inlines only the style sheets index.html links", name)
	}
	for _, m := range reCSSURL.FindAllStringSubmatch(css, -1) {
		if !strings.HasPrefix(m[1], "data:") && !strings.HasPrefix(m[1], "#") {
			return fmt.Errorf("%s loads url(%s): the single file has no other files (use a data: URL)", name, m[1])
		}
	}
	return nil
}
