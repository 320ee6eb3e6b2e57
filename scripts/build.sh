#!/usr/bin/env bash
# build.sh builds the static site into site/dist/ (ignored by git):
#   1. the engine, compiled for js/wasm as three modules (issue 9, "lazy modules"): the core
#      (go build -tags core ./wasm: what the first view uses), the lab (go build ./wasm: the
#      whole engine, which the worker starts beside the core on the first use of an attack,
#      the analyzer or a capture) and the HTTP server role (go build ./wasm/server, when it
#      exists); and the page's first session, recorded (go run ./scripts/firstsession, when
#      it exists);
#   2. the site's layout (go run ./scripts/sitebuild): the pages (index.html, embed.html), sw.js,
#      the manifest and icons at fixed names; the page's code (js/, css/, img/ and Go's
#      wasm_exec.js) in assets/<hash>/ and the engine in assets/engine-<hash>.wasm, named by
#      their content so that they can be cached for good, assets/lab-<hash>.wasm and
#      assets/server-<hash>.wasm beside it; build.json says which is which (scripts and tests
#      read the engine's name from it: "engine", "lab", "server", "firstSession").
# and then the Cloudflare Worker from the same engine into scripts/cloudflare/dist/
# (scripts/cloudflare/build.sh; ignored by git too).
# It needs only Go and bash; node is used, when present, to report the brotli size.
# Safe to run again: the dist is rebuilt in a temporary folder and swapped in.
#
# TLSPLAY_DIST=DIR builds into DIR instead of site/dist (a private build, e.g. for tests:
# TLS_PLAYGROUND_DIST=DIR node --test tests/browser/...); the Cloudflare Worker is then not
# rebuilt unless TLSPLAY_CLOUDFLARE=1. TLSPLAY_OVERLAY=0 builds the modules without
# scripts/wasm-overlay (Go's own tables: a "before" for an A/B).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

dist="${TLSPLAY_DIST:-site/dist}"
dist="${dist%/}"
goroot="$(go env GOROOT)"
wasm_exec="$goroot/lib/wasm/wasm_exec.js"

[[ -f wasm/main.go ]] || { echo "build.sh: wasm/main.go not found (run from a checkout of the project)" >&2; exit 1; }
[[ -f "$wasm_exec" ]] || { echo "build.sh: $wasm_exec not found (Go 1.24+ keeps it in lib/wasm)" >&2; exit 1; }

# The engine, into a temporary folder; sitebuild copies it into the dist under its hash.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# The page's modules with the compiler flags of scripts/wasm-gcflags (no inlining outside the
# cryptography: about 125 KB less brotli for the core; the file says why and what it costs).
gcflags=()
coreflags=() # the lines "#core: VALUE": the core's own, after the others
while IFS= read -r line; do
  if [[ "$line" == "#core: "* ]]; then
    coreflags+=("-gcflags=${line#\#core: }")
  elif [[ -n "$line" && "$line" != \#* ]]; then
    gcflags+=("-gcflags=$line")
  fi
done <scripts/wasm-gcflags
# scripts/wasm-overlay: Go's P-256 base-point table (88,064 incompressible bytes, about 83 KB
# of the core's brotli) is computed on first use instead, AES's tables (8 KB, about 9 KB) and
# strconv's powers of ten (11 KB, about 10 KB) as their packages start; and the core alone
# (-tags core) has no P-224, P-384, P-521 or custom curves in crypto/ecdsa, ecdh and elliptic
# (about 70 KB: the first view makes and reads RSA, P-256 and Ed25519 keys only; such a
# certificate or key fails there with an error that names the lab, which has them), no system
# roots' file reading, net's /etc/protocols reader not linked by net's initialiser and no
# GODEBUG bisect matcher (about 21 KB; scripts/wasm-overlay/core.go). The overlay prints nothing,
# and says why loudly, when this Go's files are not the ones it was written for (then Go's
# files stay).
# TLSPLAY_OVERLAY=0 builds with Go's tables (a "before" for an A/B of the first P-256 use).
# The server role has an overlay of its own (scripts/cloudflare/server.sh, below).
overlay=()
if [[ "${TLSPLAY_OVERLAY:-}" == 0 ]]; then
  echo "build.sh: TLSPLAY_OVERLAY=0: without scripts/wasm-overlay (Go's P-256, AES and powers-of-ten tables shipped, Go's files in the core)"
else
  flag="$(go run ./scripts/wasm-overlay -dir "$tmp/overlay")"
  if [[ -n "$flag" ]]; then overlay=("$flag"); echo "build.sh: with scripts/wasm-overlay (the P-256, AES and powers-of-ten tables computed, not shipped; the core's cuts of Go's files, core.go)"; fi
fi
echo "build.sh: GOOS=js GOARCH=wasm go build -tags core ./wasm (the core), go build ./wasm (the lab), with scripts/wasm-gcflags"
GOOS=js GOARCH=wasm go build -trimpath -ldflags='-s -w' ${overlay[@]+"${overlay[@]}"} "${gcflags[@]}" ${coreflags[@]+"${coreflags[@]}"} -tags core -o "$tmp/engine.wasm" ./wasm
GOOS=js GOARCH=wasm go build -trimpath -ldflags='-s -w' ${overlay[@]+"${overlay[@]}"} "${gcflags[@]}" -o "$tmp/lab.wasm" ./wasm
extra=(-lab "$tmp/lab.wasm")
# Go's linker writes ~100,000 data segments; scripts/wasmmerge rewrites them into a few with the
# same memory image (about 100 KB less brotli per module, and a faster instantiation), zeroes
# the Go runtime's file and line tables (-strip-lines: about 160 KB less brotli for the core; a
# Go traceback says "?:0" for file and line) and the names of the functions only a traceback
# reads (-strip-names: about 23 KB less brotli for the core; the runtime's, reflect's and the
# compiler's wrappers' names stay, which the program itself reads; a traceback leaves the other
# frames out). TLSPLAY_LINES=1 keeps both (a build to debug a panic in the browser).
merge=(-strip-lines -strip-names)
if [[ "${TLSPLAY_LINES:-}" == 1 ]]; then
  merge=()
  echo "build.sh: TLSPLAY_LINES=1: the modules keep Go's file and line tables and function names"
fi
for m in "$tmp"/engine.wasm "$tmp"/lab.wasm; do go run ./scripts/wasmmerge "${merge[@]}" "$m"; done
# The server role (./wasm/server), built and merged by scripts/cloudflare/server.sh, as the Worker
# runs it: with the server's own overlay (a fresh Go instance's start counts there, not the size).
if [[ -f wasm/server/main.go ]]; then
  bash scripts/cloudflare/server.sh "$tmp/server.wasm"
  extra+=(-server "$tmp/server.wasm")
fi
if [[ -f scripts/firstsession/main.go ]]; then
  echo "build.sh: go run ./scripts/firstsession (the page's first session, recorded)"
  go run ./scripts/firstsession -o "$tmp/first-session.json"
  extra+=(-first-session "$tmp/first-session.json")
fi

# The site around it (a temporary folder swapped in: a failed build leaves the dist as it was).
go run ./scripts/sitebuild -site site -wasm "$tmp/engine.wasm" "${extra[@]}" -wasm-exec "$wasm_exec" -out "$dist"
# The single-file edition carries one whole engine (below): keep the lab's bytes until then.
whole="$tmp/lab.wasm"

# Report the size a visitor downloads: raw, and brotli (what Netlify serves to browsers).
field() { sed -n "s/^  \"$1\": \"\(.*\)\",\$/\1/p" "$dist/build.json"; }
engine="$(field engine)"
[[ -n "$engine" && -f "$dist/$engine" ]] || { echo "build.sh: $dist/build.json names no engine" >&2; exit 1; }
wasm="$dist/$engine"
brotli_size() {
  if command -v brotli >/dev/null 2>&1; then
    brotli -c -q 11 "$1" | wc -c | tr -d ' '
  elif command -v node >/dev/null 2>&1; then
    node -e '
      const fs = require("fs"), zlib = require("zlib");
      const buf = fs.readFileSync(process.argv[1]);
      const out = zlib.brotliCompressSync(buf, { params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: buf.length } });
      process.stdout.write(String(out.length));' "$1"
  fi
}
mib() { awk -v b="$1" 'BEGIN { printf "%.2f MB", b / 1e6 }'; }
for name in engine lab server; do
  file="$(field "$name")"
  [[ -n "$file" ]] || continue
  if [[ "$name" != engine && "$file" == "$engine" ]]; then
    echo "build.sh: $name: none (the engine plays the role)"
    continue
  fi
  raw=$(wc -c <"$dist/$file" | tr -d ' ')
  # brotli-11 of 10 MB takes a while: the lab's and the server's only when asked (TLSPLAY_SIZES=1).
  br=""
  if [[ "$name" == engine || "${TLSPLAY_SIZES:-}" == 1 ]]; then br="$(brotli_size "$dist/$file")"; fi
  if [[ -n "$br" ]]; then
    echo "build.sh: $name.wasm ($file) $raw bytes raw ($(mib "$raw")), $br bytes brotli ($(mib "$br"))"
  else
    echo "build.sh: $name.wasm ($file) $raw bytes raw ($(mib "$raw")); brotli size not measured (TLSPLAY_SIZES=1; needs brotli or node)"
  fi
done
echo "build.sh: site built in $dist/"

# The Cloudflare Worker serves with the server module: assemble it in scripts/cloudflare/dist/
# (not for a private build, which would overwrite the one Worker build of the checkout).
server="$(field server)"
[[ -n "$server" && "$server" != "$engine" && -f "$dist/$server" ]] || { echo "build.sh: $dist/build.json names no server module (./wasm/server)" >&2; exit 1; }
if [[ "$dist" == "site/dist" || "${TLSPLAY_CLOUDFLARE:-}" == 1 ]]; then
  bash scripts/cloudflare/build.sh --wasm "$dist/$server"
else
  echo "build.sh: private build (TLSPLAY_DIST): the Cloudflare Worker is not rebuilt (TLSPLAY_CLOUDFLARE=1 to rebuild it)"
fi

# The single-file edition (scripts/singlefile): the page with the engine inside, for file:// and a
# USB stick. It carries the whole engine (the lab build: every method, no second module to load)
# and the server module (./wasm/server) for the in-page server, each gzip + base64
# (js/singlefile.js).
go run ./scripts/singlefile -site site -wasm "$whole" -server "$dist/$server" -exec "$wasm_exec" -o "$dist/tls-playground.html"
rm -rf "$tmp"
trap - EXIT
