#!/usr/bin/env bash
# build.sh builds the static site into site/dist/ (ignored by git):
#   site/dist/engine.wasm   the Go program in ./wasm, compiled for js/wasm
#   site/dist/wasm_exec.js  Go's JS glue, copied from $(go env GOROOT)/lib/wasm
#   site/dist/...           everything else in site/ (HTML, CSS, ES modules), copied as is
#                           (js/server-runtime.js runs engine.wasm's server role in the page)
# and then the Cloudflare Worker from the same engine.wasm into scripts/cloudflare/dist/
# (scripts/cloudflare/build.sh; ignored by git too).
# It needs only Go and bash; node is used, when present, to report the brotli size.
# Safe to run again: site/dist is rebuilt from scratch each time.
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

# Build into a temporary folder, then swap it in, so a failed build never leaves a half-built dist.
mkdir -p "$(dirname "$dist")"
tmp="$(mktemp -d "$(dirname "$dist")/.$(basename "$dist").XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

# Copy the site's sources: everything in site/ except dist/ and our temporary folder.
shopt -s dotglob nullglob
for entry in site/*; do
  name="$(basename "$entry")"
  case "$name" in
    dist|.dist.*) continue ;;
  esac
  cp -R "$entry" "$tmp/"
done
shopt -u dotglob nullglob

cp "$wasm_exec" "$tmp/wasm_exec.js"

echo "build.sh: GOOS=js GOARCH=wasm go build ./wasm -> $dist/engine.wasm"
GOOS=js GOARCH=wasm go build -trimpath -ldflags='-s -w' -o "$tmp/engine.wasm" ./wasm

rm -rf "$dist"
mv "$tmp" "$dist"
chmod 755 "$dist"
trap - EXIT

# Report the size a visitor downloads: raw, and brotli (what Netlify serves to browsers).
wasm="$dist/engine.wasm"
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
  echo "build.sh: engine.wasm $raw bytes raw ($(mib "$raw")), $br bytes brotli ($(mib "$br"))"
else
  echo "build.sh: engine.wasm $raw bytes raw ($(mib "$raw")); brotli size not measured (no brotli or node)"
fi
echo "build.sh: site built in $dist/"

# The same engine.wasm serves the page's in-page server (site/js/server-runtime.js, copied with
# the site) and the Cloudflare Worker: assemble the Worker in scripts/cloudflare/dist/ from it.
bash scripts/cloudflare/build.sh --wasm "$wasm"
