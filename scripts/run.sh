#!/usr/bin/env bash
# run.sh builds the playground and serves it at http://localhost:${PORT:-8080}/.
# Needs only Go and bash.  PORT=9000 bash scripts/run.sh picks another port.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/build.sh
exec go run ./scripts/serve -addr ":${PORT:-8080}" -dir site/dist
