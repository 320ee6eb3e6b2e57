#!/usr/bin/env bash
# fuzz.sh runs every Go fuzz target of the project, one after the other, and
# prints how many inputs each one tried.
#
#   bash scripts/fuzz.sh [--seeds] [FUZZTIME] [REGEXP]
#
#   FUZZTIME  how long each target runs (go test -fuzztime), default 30s
#   REGEXP    run only the targets whose "package.Target" matches (grep -E)
#   --seeds   first rewrite the seed corpora from the real captures
#             (go run ./scripts/fuzzseed ../shared/testdata/captures; needs tshark)
#
# Environment: FUZZ_PARALLEL (fuzzing workers per target, default: all CPUs),
# FUZZ_REPORT (also write the summary table to this file).
#
# Settings that work: -fuzzminimizetime=0. With go test's default (60 s of
# minimizing each new input) a target whose every input costs a handshake
# spends its whole budget minimizing and runs a few hundred inputs. New
# inputs found are kept in Go's cache ($(go env GOCACHE)/fuzz), not in the
# tree; a failing input is written to the package's testdata/fuzz/<Target>/
# (commit it with its fix: it becomes a regression test of `go test`).
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

seeds=0
if [[ "${1:-}" == "--seeds" ]]; then seeds=1; shift; fi
fuzztime="${1:-30s}"
pattern="${2:-.}"
parallel="${FUZZ_PARALLEL:-}"

if ((seeds)); then
  go run ./scripts/fuzzseed "${FUZZ_CAPTURES:-../shared/testdata/captures}" || exit 1
fi

# Every fuzz target: "import/path Target".
targets=()
while IFS= read -r pkg; do
  while IFS= read -r t; do
    [[ "$t" == Fuzz* ]] || continue
    targets+=("$pkg $t")
  done < <(go test -list '^Fuzz' "$pkg" 2>/dev/null)
done < <(grep -rl --include='*_test.go' '^func Fuzz' . | xargs -n1 dirname | sort -u | sed 's|^\.|tlsplayground|')

rows=()
failed=()
for entry in "${targets[@]}"; do
  pkg="${entry% *}"; t="${entry#* }"
  short="${pkg#tlsplayground/}.$t"
  [[ "$short" =~ $pattern ]] || continue
  echo "==== $short (fuzztime $fuzztime)"
  log="$(mktemp)"
  args=(-run '^$' -fuzz "^$t\$" -fuzztime "$fuzztime" -fuzzminimizetime=0)
  [[ -n "$parallel" ]] && args+=(-parallel "$parallel")
  # Progress every 30 s (go test prints it every 3 s), failures in full.
  go test "$pkg" "${args[@]}" 2>&1 | tee "$log" |
    awk '/^fuzz: elapsed: .*execs/ { if (n++ % 10 == 0) { print; fflush() } next } /gathering baseline/ { next } { print; fflush() }'
  status="${PIPESTATUS[0]}"
  # The last progress line: "fuzz: elapsed: 5m0s, execs: 1234567 (0/sec), new interesting: 12 (total: 40)"
  last="$(grep -E '^fuzz: elapsed: .*execs: [0-9]+' "$log" | tail -1)"
  execs="$(sed -E 's/.*execs: ([0-9]+).*/\1/' <<<"$last")"
  elapsed="$(sed -E 's/^fuzz: elapsed: ([0-9hms]+),.*/\1/' <<<"$last")"
  secs="$(awk -v e="$elapsed" 'BEGIN { s = 0; if (match(e, /[0-9]+h/)) s += 3600 * substr(e, RSTART, RLENGTH - 1); if (match(e, /[0-9]+m/)) s += 60 * substr(e, RSTART, RLENGTH - 1); if (match(e, /[0-9]+s/)) s += substr(e, RSTART, RLENGTH - 1); print s }')"
  interesting="$(sed -E 's/.*new interesting: ([0-9]+) \(total: ([0-9]+)\).*/\1 new, \2 in corpus/' <<<"$last")"
  rate="$(awk -v n="${execs:-0}" -v s="$secs" 'BEGIN { if (s > 0) printf "%d", n / s; else print "-" }')"
  result=ok
  if [[ "$status" != 0 ]]; then
    result=FAILED
    failed+=("$short: $(grep -m1 -E 'Failing input written to' "$log" || grep -m1 -E 'FAIL|panic' "$log")")
  fi
  rows+=("$(printf '| %-40s | %12s | %9s | %8s | %-26s | %s |' "$short" "${execs:-0}" "$rate" "${elapsed:-?}" "${interesting:-}" "$result")")
  rm -f "$log"
done

table="$(printf '| %-40s | %12s | %9s | %8s | %-26s | %s |\n' target execs execs/s time corpus result
printf '|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..42})" "$(printf -- '-%.0s' {1..14})" "$(printf -- '-%.0s' {1..11})" "$(printf -- '-%.0s' {1..10})" "$(printf -- '-%.0s' {1..28})" "--------"
printf '%s\n' "${rows[@]}")"
echo
echo "go $(go env GOVERSION), $(nproc) CPUs, -fuzztime $fuzztime -fuzzminimizetime=0${parallel:+ -parallel $parallel}"
echo "$table"
[[ -n "${FUZZ_REPORT:-}" ]] && { echo "go $(go env GOVERSION), $(nproc) CPUs, -fuzztime $fuzztime -fuzzminimizetime=0${parallel:+ -parallel $parallel}"; echo "$table"; } > "$FUZZ_REPORT"
if ((${#failed[@]})); then
  echo
  echo "FAILED targets:"
  printf '  %s\n' "${failed[@]}"
  exit 1
fi
