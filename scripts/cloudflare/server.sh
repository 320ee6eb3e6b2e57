#!/usr/bin/env bash
# server.sh builds the server role (./wasm/server) as the Worker and the page's in-page server run
# it, into OUT.wasm: scripts/build.sh (assets/server-<hash>.wasm) and scripts/cloudflare/build.sh
# (when it compiles the server itself) both build it here.
#
#   GOOS=js GOARCH=wasm go build -trimpath -ldflags='-s -w' -overlay=<the server's> ./wasm/server
#   go run ./scripts/wasmmerge -strip-lines -strip-names -drop-findfunctab -drop-inltree -compact-names -compact-pctab -min-memory-pages 128 OUT.wasm
#
# The server's overlay (go run ./scripts/wasm-overlay -server; scripts/wasm-overlay/server.go) is
# not the page's: a server may start a Go instance per request, and what an instance costs to
# start counts more than the module's size. It keeps Go's own P-256, AES and powers-of-ten tables
# (the page's overlay computes them, in every instance again) and edits Go's runtime so that a
# fresh instance touches fewer pages: findfunc without the findfunctab (which wasmmerge
# -drop-findfunctab then leaves out of the data: 1.55 MB less to copy into every new instance's
# memory), and the alignment gap below the first heap arena left uncleared (it is zero already).
# The line tables and most function names are zeroed as in the page's modules (scripts/wasmmerge;
# TLSPLAY_LINES=1 keeps them), and so are the inline trees (a traceback shows physical frames
# only). TLSPLAY_OVERLAY=0 builds with Go's files as they are and keeps the findfunctab (a
# "before" for an A/B).
#
# Usage: bash scripts/cloudflare/server.sh OUT.wasm
set -euo pipefail

out="${1:?usage: bash scripts/cloudflare/server.sh OUT.wasm}"
[[ "$out" == /* ]] || out="$PWD/$out"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

overlay=()
merge=(-strip-lines -strip-names)
if [[ "${TLSPLAY_LINES:-}" == 1 ]]; then merge=(); fi
if [[ "${TLSPLAY_OVERLAY:-}" != 0 ]]; then
  flag="$(go run ./scripts/wasm-overlay -dir "$tmp" -server)"
  # The server's runtime does not read the findfunctab: wasmmerge leaves it out of the data.
  if [[ -n "$flag" ]]; then overlay=("$flag"); merge+=(-drop-findfunctab); fi
fi
# The pc-value tables, the function names and the funcdata that stay moved together, the inline
# trees dropped: the zeros -strip-lines, -strip-names and -drop-inltree leave are left out of the
# data (4 KB pages written per instantiation: pctab 38 -> 15, funcnametab 53 -> 14, go:func.* 92
# -> 28; all the data 494 -> 367).
if [[ "${TLSPLAY_LINES:-}" != 1 ]]; then merge+=(-drop-inltree -compact-names -compact-pctab); fi
# 8 MB of initial memory (the linker declares 79 pages, 5 MB; a started server uses about 100):
# Go's start takes it without growing the memory, and V8, which accounts a new ArrayBuffer at each
# grow, collects less (startbench, 79 against 128 pages, both orders: total 0.91 / 0.96, CPU
# 0.80 / 0.89, instantiate p90 6.8 -> 1.7 ms). Pages never written cost nothing.
merge+=(-min-memory-pages 128)

with=" (Go's files as they are)"
if ((${#overlay[@]})); then with=" with the server overlay (scripts/wasm-overlay/server.go)"; fi
echo "server.sh: GOOS=js GOARCH=wasm go build ./wasm/server (the server role)$with"
GOOS=js GOARCH=wasm go build -trimpath -ldflags='-s -w' ${overlay[@]+"${overlay[@]}"} -o "$out" ./wasm/server
go run ./scripts/wasmmerge ${merge[@]+"${merge[@]}"} "$out"
