#!/usr/bin/env bash
# A/B of two builds of the interpreter by instructions executed, which this VM's timings
# (±30 % from run to run) cannot resolve: BASE and NEW are `wotrules-bench` binaries (build
# one, copy it away, change the code, build again); each runs `handwritten` on S under
# callgrind counting only `interpret` (the interpreter's three runs), both at once.
# Usage: bench/ab.sh BASE NEW  (about 5 minutes; needs valgrind and S from bench/run.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 2 ] || { echo "usage: bench/ab.sh BASE NEW" >&2; exit 2; }
SDB=target/bench-data/s-10000.sqlite
[ -f "$SDB" ] || { echo "bench/ab.sh: $SDB is missing: run bench/run.sh once" >&2; exit 2; }
count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect='wotrules_bench::interpret*' \
    "$1" handwritten "$SDB" 2021-01-01 rules 2>&1 | awk '/Collected/{print $4}'
}
# Each run also checks that the interpreter and the hand-written rules agree (a build that
# changed a decision fails here).
count "$1" > "${TMPDIR:-/tmp}/ab-base.txt" &
BASE_RUN=$!
count "$2" > "${TMPDIR:-/tmp}/ab-new.txt"
wait "$BASE_RUN"
read -r BASE < "${TMPDIR:-/tmp}/ab-base.txt"
read -r NEW < "${TMPDIR:-/tmp}/ab-new.txt"
awk -v b="$BASE" -v n="$NEW" 'BEGIN{printf "instructions in interpret: base %d, new %d, new ÷ base %.4f\n", b, n, n/b}'
