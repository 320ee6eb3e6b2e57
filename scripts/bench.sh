#!/usr/bin/env bash
# bench.sh prints the numbers the README quotes: the wasm size and where it
# goes per Go package, CPU per handshake of the engine and crypto/tls (scripts/cpubench; INSTRUCTIONS=1
# adds valgrind's instruction counts, repeatable on a busy machine),
# the page beside the two rivals of ../shared/rivals in one Chromium run (issue
# 9's table, with a ratio column), the long tasks of every flow, what the engine's first calls
# cost in a fresh worker (tests/bench/cold-bench.mjs), the page alone
# (load to ready, handshake in the page, a repeat visit from the service worker), repeat visits
# with a kept profile (tests/bench/start-bench.mjs) and their floor (tests/bench/start-floor.mjs),
# and an embed in a host page of another origin (bytes before its engine starts,
# time to usable). The Worker's figures: scripts/load.sh.
# AB_BASE=DIR (a dist built before a change, e.g. TLSPLAY_DIST=DIR bash scripts/build.sh on the
# old commit) adds a before/after table: tests/bench/ab-bench.mjs, that build against this one,
# interleaved, with the main thread's CPU time per flow (what a busy machine inflates least).
# WORKER_BASE=REV (default 5792e83, the commit before issue 9's first change, whose fresh Go
# instance issue 9 measured at "6 ms"; WORKER_BASE= to skip) adds the fresh instance's A/B:
# that commit's Worker (built in a temporary worktree) against this tree's server build run by the
# same per-request glue (github.com/syumai/workers' worker.mjs), under workerd (what Go adds to a
# request, ABAB; workerd's CPU and page faults per fresh instance, freshbench.mjs, both orders),
# and under Node (startbench.mjs, each build with its own loader, both orders).
# Needs what scripts/test.sh installs (chromium, tests/node_modules).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/build.sh | grep -E 'engine.wasm|precache'
echo
echo "== bytes per Go package, per module (core engine, lab, server; builds with their name sections; --share-quality=5 estimates the shares quicker, totals stay brotli-11) =="
node tests/bench/wasm-size.mjs --build --rows="${SIZE_ROWS:-30}" --share-quality="${SHARE_QUALITY:-5}"
echo
echo "== CPU per handshake, native: the engine (trace included) and crypto/tls, same handshakes (scripts/cpubench) =="
go run ./scripts/cpubench -n "${CPU_N:-300}" -rounds "${CPU_ROUNDS:-5}"
if [[ -n "${INSTRUCTIONS:-}" ]] && command -v valgrind >/dev/null; then
  echo
  # Three rounds, their median: where the garbage collector's cycles fall in the 2N and N runs
  # moves a single round's count by 1-2 % (scripts/cpubench's comment).
  echo "== instructions per handshake, native (valgrind, median of 3 rounds; about 6 minutes per handshake) =="
  go run ./scripts/cpubench -instructions -n 60 -rounds 3
fi
echo
echo "== Go wasm under Node: the engine's time over crypto/tls's, batch by batch in one process (scripts/cpubench -wasm) =="
go run ./scripts/cpubench -wasm -n 16 -rounds "${CPU_ROUNDS:-5}"
echo
port="${PORT:-18093}"
go build -o /tmp/tlsplay-serve ./scripts/serve
/tmp/tlsplay-serve -addr "127.0.0.1:$port" -dir site/dist >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$port/" >/dev/null 2>&1 && break; sleep 0.1; done
rivals="$(cd "${RIVALS:-../shared/rivals}" 2>/dev/null && pwd || true)"
if [[ -n "$rivals" ]]; then
  echo "== beside the rivals (Chromium, one run, interleaved): issue 9's table =="
  (cd tests && node bench/rivals-bench.mjs "http://127.0.0.1:$port/" "$rivals" "${LOADS:-7}" "${CLICKS:-10}")
else
  echo "== beside the rivals: skipped, ${RIVALS:-../shared/rivals} not found (RIVALS=DIR) =="
fi
if [[ -n "${AB_BASE:-}" ]]; then
  echo
  echo "== before ($AB_BASE) and after (site/dist), interleaved (Chromium) =="
  /tmp/tlsplay-serve -addr "127.0.0.1:$((port + 1))" -dir "$AB_BASE" >/dev/null 2>&1 &
  abpid=$!
  trap 'kill $pid $abpid 2>/dev/null' EXIT
  for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$((port + 1))/" >/dev/null 2>&1 && break; sleep 0.1; done
  (cd tests && node bench/ab-bench.mjs "http://127.0.0.1:$((port + 1))/" "http://127.0.0.1:$port/" "${AB_ROUNDS:-4}" "${CLICKS:-5}")
fi
echo
echo "== long tasks per flow (Chromium) =="
(cd tests && node bench/flows-bench.mjs "http://127.0.0.1:$port/" "${FLOW_RUNS:-3}")
echo
echo "== first calls in a fresh engine worker against the same calls again (Chromium; V8 compiles wasm on first call) =="
(cd tests && node bench/cold-bench.mjs "http://127.0.0.1:$port/" "${COLD_ROUNDS:-5}")
echo
echo "== page (Chromium) =="
(cd tests && node bench/page-bench.mjs "http://127.0.0.1:$port/" "${LOADS:-7}" "${HANDSHAKES:-40}")
echo
echo "== repeat visits (Chromium, a profile kept across visits): engine ready, where it goes, what V8's code cache did =="
echo "-- by reload (the renderer process keeps the compiled engine) --"
(cd tests && node bench/start-bench.mjs "$PWD/../site/dist" "${VISITS:-6}")
echo "-- in a new tab (a new renderer process: a visitor who comes back another day) --"
(cd tests && node bench/start-bench.mjs "$PWD/../site/dist" "${VISITS:-6}" --new-tab)
echo "-- the floor: a page that only starts the engine worker, with the core and with a Go hello world, beside the page (each kind of repeat visit) --"
(cd tests && node bench/start-floor.mjs "$PWD/../site/dist" "${VISITS:-6}")
echo
echo "== the Worker: a request on a fresh Go instance and on the one warm instance (the server build, under Node), then workerd under load =="
server_wasm="site/dist/$(sed -n 's/^  "server": "\(.*\)",$/\1/p' site/dist/build.json)"
node tests/workerd/startbench.mjs "$server_wasm" "${START_N:-150}"
node tests/workerd/load.mjs "${LOAD_N:-300}" 8 tls13,classic "$(nproc)"
worker_base="${WORKER_BASE-5792e83}"
if [[ -n "$worker_base" ]] && git rev-parse -q --verify "$worker_base^{commit}" >/dev/null; then
  echo
  echo "== the Worker's fresh Go instance: $worker_base (issue 9's baseline) against this tree, the same per-request glue =="
  wb="$(mktemp -d)"
  trap 'kill $pid ${abpid:-} 2>/dev/null; git worktree remove --force "$wb/tree" >/dev/null 2>&1; rm -rf "$wb"' EXIT
  git worktree add -q --detach "$wb/tree" "$worker_base"
  (cd "$wb/tree" && bash scripts/cloudflare/build.sh >/dev/null && cp -r scripts/cloudflare/dist "$wb/base")
  cp -r "$wb/base" "$wb/fresh"
  cp "$server_wasm" "$wb/fresh/app.wasm"
  for d in base fresh base fresh; do
    echo "-- $([[ $d == base ]] && echo "$worker_base" || echo "this tree"), workerd"
    TLSPLAY_WORKER_DIST="$wb/$d" node tests/workerd/load.mjs 20 2 tls13,classic 1 | grep -E '^latency: (baseline|info) |Go adds'
  done
  echo "-- inside workerd, its CPU and page faults per fresh instance (tests/workerd/freshbench.mjs), both orders"
  TLSPLAY_WORKER_DIST="$wb/fresh" node tests/workerd/freshbench.mjs "$wb/base/app.wasm" "$server_wasm" 4
  TLSPLAY_WORKER_DIST="$wb/fresh" node tests/workerd/freshbench.mjs "$server_wasm" "$wb/base/app.wasm" 4
  echo "-- under Node (startbench.mjs), each build with its own loader, both orders"
  node tests/workerd/startbench.mjs "$wb/base/app.wasm=$wb/tree/site/js/server-runtime.js" "$server_wasm" "${START_N:-150}"
  node tests/workerd/startbench.mjs "$server_wasm" "$wb/base/app.wasm=$wb/tree/site/js/server-runtime.js" "${START_N:-150}"
fi
echo
echo "== embed (Chromium): a host page on another origin with one <tls-playground> =="
(cd tests && node bench/embed-bench.mjs "http://127.0.0.1:$port/" "$PWD/../site/dist" "${LOADS:-7}")
