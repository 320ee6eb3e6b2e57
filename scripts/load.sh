#!/usr/bin/env bash
# load.sh: the bounded load run of issue 4 against the Cloudflare Worker under workerd on
# 127.0.0.1: N handshakes (default 1000) from C concurrent clients (default 8), modes taken in
# turn (default tls13,classic), zero failures; prints p50/p99 latency and handshakes per second,
# and before it the sequential latency (what Go adds to a request, each flight).
#
# Usage: bash scripts/load.sh [N] [C] [MODES] [PROCESSES]
#   PROCESSES: workerd processes (default 1, or TLSPLAY_WORKERD_PROCS): workerd runs a Worker's
#   JavaScript on one thread, so one process per core is what uses the machine.
# Builds the site and the Worker (scripts/build.sh) and installs tests/node_modules when missing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
[[ -x tests/node_modules/.bin/workerd ]] || (cd tests && npm ci --no-audit --no-fund)
bash scripts/build.sh
echo "== load: $(nproc) cores, $(go env GOVERSION), $(node --version), workerd $(tests/node_modules/.bin/workerd --version | cut -d' ' -f2)"
node tests/workerd/load.mjs "$@"
