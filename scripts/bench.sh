#!/usr/bin/env bash
# bench.sh prints the numbers the README quotes: the wasm size, native
# handshake benchmarks (the engine and crypto/tls), and the page in
# Debian's Chromium (load to ready, handshake in the page, a repeat visit from the
# service worker), and an embed in a host page of another origin (bytes before
# its engine starts, time to usable).
# Needs what scripts/test.sh installs (chromium, tests/node_modules).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/build.sh | grep -E 'engine.wasm|precache'
echo
echo "== native (go test -bench): the engine and crypto/tls, same handshakes =="
go test ./playground/session -run '^$' -bench 'Handshake' -benchtime 300x -count 3 | grep -E '^Benchmark'
echo
echo "== Go wasm under Node (go test -bench with go_js_wasm_exec): the engine and crypto/tls =="
GOOS=js GOARCH=wasm go test -exec="$(go env GOROOT)/lib/wasm/go_js_wasm_exec" ./playground/session \
  -run '^$' -bench 'Handshake' -benchtime 100x | grep -E '^Benchmark'
echo
port="${PORT:-18093}"
go build -o /tmp/tlsplay-serve ./scripts/serve
/tmp/tlsplay-serve -addr "127.0.0.1:$port" -dir site/dist >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$port/" >/dev/null 2>&1 && break; sleep 0.1; done
echo "== page (Chromium) =="
(cd tests && node bench/page-bench.mjs "http://127.0.0.1:$port/" "${LOADS:-7}" "${HANDSHAKES:-40}")
echo
echo "== embed (Chromium): a host page on another origin with one <tls-playground> =="
(cd tests && node bench/embed-bench.mjs "http://127.0.0.1:$port/" "$PWD/../site/dist" "${LOADS:-7}")
