#!/usr/bin/env bash
# classroom.sh builds the classroom edition: the site (scripts/build.sh), then `tlsplay` with the
# whole site compiled in (go build -tags embedsite), for Linux, macOS and Windows on amd64 and
# arm64, into classroom/ (ignored by git). Each binary needs nothing at run time, no network
# and no Go: `tlsplay web` serves the page on 127.0.0.1 and opens the browser. Beside them it
# copies tls-playground.html, the single-file edition (double-click it; no server at all).
#
#   bash scripts/classroom.sh
#
# TLSPLAY_DIST=DIR builds the site into DIR instead of site/dist (as scripts/build.sh does)
# and compiles that in (through go build -overlay, so site/dist is left alone);
# TLSPLAY_SITE_BUILT=1 skips the site build and uses the one already in the dist.
# CLASSROOM_OUT=DIR writes the binaries into DIR instead of classroom/.
# Not run in CI (it builds six binaries of about 25 MB each).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

dist="${TLSPLAY_DIST:-site/dist}"
dist="${dist%/}"
out="${CLASSROOM_OUT:-classroom}"
out="${out%/}"

if [[ "${TLSPLAY_SITE_BUILT:-}" != 1 ]]; then
  bash scripts/build.sh
fi
[[ -f "$dist/index.html" ]] || { echo "classroom.sh: $dist/index.html not found: build the site first (bash scripts/build.sh)" >&2; exit 1; }

# go:embed reads site/dist; a dist elsewhere is mapped onto it with an overlay.
overlay=()
dist_abs="$(cd "$dist" && pwd)"
if [[ "$dist_abs" != "$root/site/dist" ]]; then
  overlay_file="$(mktemp)"
  trap 'rm -f "$overlay_file"' EXIT
  {
    printf '{"Replace":{'
    sep=''
    while IFS= read -r -d '' f; do
      rel="${f#"$dist_abs"/}"
      printf '%s"%s":"%s"' "$sep" "$root/site/dist/$rel" "$f"
      sep=','
    done < <(find "$dist_abs" -type f -print0 | sort -z)
    printf '}}\n'
  } >"$overlay_file"
  overlay=(-overlay "$overlay_file")
fi

mkdir -p "$out"
printf 'classroom.sh: tlsplay with the site of %s compiled in, into %s/\n' "$dist" "$out"
for os in linux darwin windows; do
  for arch in amd64 arm64; do
    bin="$out/tlsplay-$os-$arch"
    [[ "$os" == windows ]] && bin="$bin.exe"
    CGO_ENABLED=0 GOOS="$os" GOARCH="$arch" go build "${overlay[@]}" -tags embedsite -trimpath -ldflags='-s -w' -o "$bin" ./playground/cmd/tlsplay
    size=$(wc -c <"$bin" | tr -d ' ')
    awk -v b="$size" -v f="$bin" 'BEGIN { printf "classroom.sh: %-36s %9d bytes (%.1f MB)\n", f, b, b / 1e6 }'
  done
done
if [[ -f "$dist/tls-playground.html" ]]; then
  cp "$dist/tls-playground.html" "$out/"
  size=$(wc -c <"$out/tls-playground.html" | tr -d ' ')
  awk -v b="$size" -v f="$out/tls-playground.html" 'BEGIN { printf "classroom.sh: %-36s %9d bytes (%.1f MB)\n", f, b, b / 1e6 }'
fi
echo "classroom.sh: run ./$out/tlsplay-<os>-<arch> web (the page opens in the browser), or open tls-playground.html"
