package main

import (
	"strings"
	"testing"
)

func TestWithPreloads(t *testing.T) {
	code := map[string][]byte{
		"js/app.js":   []byte("// import { nothing } from './commented.js'\nimport { a } from './a.js';\nimport {\n  b,\n} from './lib/b.js';\nimport './c.js';\nconst later = () => import('./d.js');\n"),
		"js/a.js":     []byte("export const a = 1;\n"),
		"js/lib/b.js": []byte("export { a as b } from '../a.js';\nimport { e } from './e.js?v=1';\n"),
		"js/lib/e.js": []byte("export const e = 'from ./nowhere.js';\n"),
		"js/c.js":     []byte(""),
		"js/d.js":     []byte(""),
	}
	page := []byte("<head>\n  <link rel=\"modulepreload\" href=\"js/a.js\">\n  <!-- modulepreload: js/app.js -->\n  <script type=\"module\" src=\"js/app.js\"></script>\n</head>\n")
	out, err := withPreloads("index.html", page, code)
	if err != nil {
		t.Fatal(err)
	}
	want := "<head>\n  <link rel=\"modulepreload\" href=\"js/a.js\">\n" +
		"  <link rel=\"modulepreload\" href=\"js/lib/b.js\">\n" +
		"  <link rel=\"modulepreload\" href=\"js/lib/e.js\">\n" +
		"  <link rel=\"modulepreload\" href=\"js/c.js\">\n" +
		"  <script type=\"module\" src=\"js/app.js\"></script>\n</head>\n"
	if string(out) != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}

	for _, c := range []struct {
		page, code, want string
	}{
		{"<!-- modulepreload: js/none.js -->\n", "", "js/none.js is not one of the page's modules"},
		{"<!-- modulepreload: js/app.js -->\n", "import { x } from './missing.js';\n", "js/app.js imports js/missing.js, which is not in the site"},
	} {
		_, err := withPreloads("index.html", []byte(c.page), map[string][]byte{"js/app.js": []byte(c.code)})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want one saying %q", c.page, err, c.want)
		}
	}
}
