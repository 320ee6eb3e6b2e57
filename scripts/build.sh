#!/usr/bin/env bash
# build.sh builds the static site into site/dist/ (ignored by git):
#   1. the engine: the Go program in ./wasm, compiled for js/wasm;
#   2. the site's layout (go run ./scripts/sitebuild): the pages (index.html, embed.html), sw.js,
#      the manifest and icons at fixed names; the page's code (js/, css/, img/ and Go's
#      wasm_exec.js) in assets/<hash>/ and the engine in assets/engine-<hash>.wasm, named by
#      their content so that they can be cached for good; build.json says which is which
#      (scripts and tests read the engine's name from it).
# and then the Cloudflare Worker from the same engine into scripts/cloudflare/dist/
# (scripts/cloudflare/build.sh; ignored by git too).
# It needs only Go and bash; node is used, when present, to report the brotli size.
# Safe to run again: the dist is rebuilt in a temporary folder and swapped in.
#
# TLSPLAY_DIST=DIR builds into DIR instead of site/dist (a private build, e.g. for tests:
# TLS_PLAYGROUND_DIST=DIR node --test tests/browser/...); the Cloudflare Worker is then not
# rebuilt unless TLSPLAY_CLOUDFLARE=1.
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

echo "build.sh: GOOS=js GOARCH=wasm go build ./wasm"
GOOS=js GOARCH=wasm go build -trimpath -ldflags='-s -w' -o "$tmp/engine.wasm" ./wasm

# The site around it (a temporary folder swapped in: a failed build leaves the dist as it was).
go run ./scripts/sitebuild -site site -wasm "$tmp/engine.wasm" -wasm-exec "$wasm_exec" -out "$dist"
rm -rf "$tmp"
trap - EXIT

# Report the size a visitor downloads: raw, and brotli (what Netlify serves to browsers).
engine="$(sed -n 's/^  "engine": "\(.*\)",$/\1/p' "$dist/build.json")"
[[ -n "$engine" && -f "$dist/$engine" ]] || { echo "build.sh: $dist/build.json names no engine" >&2; exit 1; }
wasm="$dist/$engine"
raw=$(wc -c <"$wasm" | tr -d ' ')
if command -v brotli >/dev/null 2>&1; then
  br=$(brotli -c -q 11 "$wasm" | wc -c | tr -d ' ')
elif command -v node >/dev/null 2>&1; then
  br=$(node -e '
    const fs = require("fs"), zlib = require("zlib");
    const buf = fs.readFileSync(process.argv[1]);
    const out = zlib.brotliCompressSync(buf, { params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: buf.length } });
    process.stdout.write(String(out.length));' "$wasm")
else
  br=""
fi
mib() { awk -v b="$1" 'BEGIN { printf "%.2f MB", b / 1e6 }'; }
if [[ -n "$br" ]]; then
  echo "build.sh: engine.wasm ($engine) $raw bytes raw ($(mib "$raw")), $br bytes brotli ($(mib "$br"))"
else
  echo "build.sh: engine.wasm ($engine) $raw bytes raw ($(mib "$raw")); brotli size not measured (no brotli or node)"
fi
echo "build.sh: site built in $dist/"

# The same engine serves the page's in-page server (site/js/server-runtime.js, copied with
# the site) and the Cloudflare Worker: assemble the Worker in scripts/cloudflare/dist/ from it
# (not for a private build, which would overwrite the one Worker build of the checkout).
if [[ "$dist" == "site/dist" || "${TLSPLAY_CLOUDFLARE:-}" == 1 ]]; then
  bash scripts/cloudflare/build.sh --wasm "$wasm"
else
  echo "build.sh: private build (TLSPLAY_DIST): the Cloudflare Worker is not rebuilt (TLSPLAY_CLOUDFLARE=1 to rebuild it)"
fi

# The single-file edition (scripts/singlefile): the page with the engine inside, for file:// and a USB stick.
go run ./scripts/singlefile -site site -wasm "$wasm" -exec "$wasm_exec" -o "$dist/tls-playground.html"
