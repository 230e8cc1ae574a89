#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 600), two at a time (mysqldump last), seeded with the
# shipped rules and cases. The targets that stay in wotrules' own code (expression, rule_file,
# case_file) run without AddressSanitizer: that code is `#![forbid(unsafe_code)]`, so ASan has
# nothing of it to check and only slows each execution (its allocation bookkeeping was ~60 % of
# one). The targets that reach SQLite's C code (database, mysqldump) keep ASan. Crashes land in fuzz/artifacts/<target>/; copy each into
# tests/bad_inputs/ as a regression test once fixed. Needs the nightly toolchain and
# cargo-fuzz (cargo install cargo-fuzz).
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_EACH=${1:-600}
mkdir -p corpus/expression corpus/rule_file corpus/case_file corpus/database corpus/mysqldump
# Seeds: every expression of the shipped rules, the rule files, the case files.
grep -hoE '(value|when|then): .+' ../rules/[a-s]*/*.yaml ../rules/ttp/*.yaml | sed -E 's/^(value|when|then): //' |
  awk '{ f = sprintf("corpus/expression/seed-%04d", NR); print > f; close(f) }'
for f in ../rules/*/*.yaml ../tests/bad_inputs/rules/*.yaml; do cp "$f" "corpus/rule_file/$(echo "$f" | tr / _)"; done
for f in ../rules/tests/cases/*.yaml ../examples/*.yaml ../tests/bad_inputs/cases/*.yaml; do
  cp "$f" "corpus/case_file/$(echo "$f" | tr / _)"
done
cp ../examples/sample.sqlite corpus/database/sample.sqlite
rm -f corpus/database/generated.sqlite
(cd .. && cargo run --quiet --release -- gen --members 40 --seed 3 --db fuzz/corpus/database/generated.sqlite >/dev/null)
for f in ../tests/bad_inputs/dumps/*.sql ../tests/data/dumps/*.sql; do cp "$f" "corpus/mysqldump/$(basename "$f")"; done
rm -f corpus/mysqldump/generated.sql
(cd .. && cargo run --quiet --release -- gen --members 30 --seed 3 --mysql-dump fuzz/corpus/mysqldump/generated.sql >/dev/null)
SAFE_RUST=(expression rule_file case_file)
sanitizer() { [[ " ${SAFE_RUST[*]} " == *" $1 "* ]] && echo none || echo address; }
for target in expression rule_file case_file database mysqldump; do
  cargo +nightly fuzz build --release -s "$(sanitizer "$target")" --target-dir "target/$(sanitizer "$target")" "$target"
done
run() {
  cargo +nightly fuzz run --release -s "$(sanitizer "$1")" --target-dir "target/$(sanitizer "$1")" "$1" "corpus/$1" -- \
    -max_total_time="$SECONDS_EACH" -rss_limit_mb=4096 -max_len=65536 -print_final_stats=1 \
    > "fuzz-$1.log" 2>&1 || echo "$1: crashed, see fuzz/fuzz-$1.log and fuzz/artifacts/$1/"
  grep -E "stat::number_of_executed_units|stat::average_exec_per_sec|stat::new_units_added|stat::peak_rss" "fuzz-$1.log" |
    sed "s/^/$1 /" || true
  echo "$1 corpus: $(ls "corpus/$1" | wc -l) inputs, crashes: $(ls "artifacts/$1" 2>/dev/null | wc -l)"
}
run expression &
run rule_file &
wait
run case_file &
run database &
wait
run mysqldump
