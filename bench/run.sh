#!/usr/bin/env bash
# Every performance figure of wotrules as a ratio against a baseline measured in the same
# round, on this machine, with its target. Usage: bench/run.sh [L_MEMBERS] [RUNS] (defaults
# 1000000 and 3): every figure is measured in RUNS rounds, one after another, and printed as
# the median with the range (this VM's baselines move by 2x between the rounds of a day).
# The interpreter and the columnar executor are both measured (eval's --engine).
# Generates S (10 000 members) and L databases into target/bench-data/ once (wotrules gen,
# seed 7, benches/population.yaml); the baselines are in benches/src/ (a crate of its own).
set -euo pipefail
cd "$(dirname "$0")/.."
L=${1:-1000000}
RUNS=${2:-3}
S=10000
AS_OF=2021-01-01
cargo build --release --quiet
(cd benches && cargo build --release --quiet)
W=target/release/wotrules
B=benches/target/release/wotrules-bench
DATA=target/bench-data
mkdir -p "$DATA"
M=100000
SDB=$DATA/s-$S.sqlite
MDB=$DATA/m-$M.sqlite
LDB=$DATA/l-$L.sqlite
[ -f "$SDB" ] || $W gen --members $S --seed 7 --db "$SDB" >/dev/null
[ -f "$MDB" ] || $W gen --members $M --seed 7 --db "$MDB" >/dev/null
[ -f "$LDB" ] || $W gen --members "$L" --seed 7 --db "$LDB" >/dev/null

# best_of N CMD...: the shortest wall time (s) and the largest peak RSS (KB) of N runs.
best_of() {
  local runs=$1; shift
  local best=999999 rss=0
  for _ in $(seq "$runs"); do
    /usr/bin/time -o "$DATA/time.txt" -f "%e %M" "$@" >/dev/null 2>&1
    read -r t m < "$DATA/time.txt"
    best=$(awk -v a="$best" -v b="$t" 'BEGIN{print (b<a)?b:a}')
    rss=$(awk -v a="$rss" -v b="$m" 'BEGIN{print (b>a)?b:a}')
  done
  echo "$best $rss"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }
row() { printf "| %-44s | %-34s | %-10s | %-4s |\n" "$1" "$2" "$3" "$4"; }
met() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN{ok=(op=="<=")?(v<=t):(v>=t); print ok?"yes":"no"}'; }

# diff against rules whose single-record cap (read by every points output) is edited: every
# output that depends on it is evaluated under both versions (diff skips the definitions
# that are the same in both, so unchanged rules cost little more than reading).
EDITED=$DATA/rules-edited
rm -rf "$EDITED" && cp -r rules "$EDITED"
sed -i 's/then: min(100, record.method_points)/then: min(99, record.method_points)/' "$EDITED/ap/points.yaml"
cmp -s rules/ap/points.yaml "$EDITED/ap/points.yaml" && { echo "bench/run.sh: the edit to ap/points.yaml no longer applies" >&2; exit 1; }
records() { sqlite3 "$1" "select count(*) from notary" 2>/dev/null || $W eval --db "$1" --summary --as-of $AS_OF | awk '/ records$/{print $1}'; }
RECORDS_S=$(records "$SDB")
RECORDS_M=$(records "$MDB")
RECORDS_L=$(records "$LDB")
per_row() { awk -v t="$1" -v n="$2" 'BEGIN{printf "%.2f", t*1e6/n}'; }
# hyper CMD: the mean wall time of 30 runs in ms (hyperfine when installed, else a timed loop).
hyper() {
  if command -v hyperfine >/dev/null; then
    hyperfine --warmup 3 --runs 30 --export-json /tmp/wotrules-hyperfine.json "$1" >/dev/null 2>&1 &&
      awk -F': ' '/"mean"/{gsub(",","",$2); printf "%.1f", $2*1000; exit}' /tmp/wotrules-hyperfine.json
  else
    for _ in 1 2 3; do $1 >/dev/null 2>&1; done
    local start end
    start=$(date +%s%N)
    for _ in $(seq 30); do $1 >/dev/null 2>&1; done
    end=$(date +%s%N)
    awk -v s="$start" -v e="$end" 'BEGIN{printf "%.1f", (e-s)/30/1e6}'
  fi
}

# One round of every measurement, printed as one line of figures in the order of FIGURES.
FIGURES="read dump plain columnar webdb rego case check diff diff_same mib cores us_s us_m us_l scale bpr engines"
round() {
  local EVAL_L RSS_L EVAL_L1 EVAL_LI DIFF_L DIFF_SAME_L SCAN_L DUMP_L INTERP_S PLAIN_S COLUMNAR_S WEBDB_L REGO_S INTERP_REGO_S EVAL_S EVAL_M US_L US_S
  read -r EVAL_L RSS_L < <(best_of 3 $W eval --db "$LDB" --summary --as-of $AS_OF)
  # One core: pinned to CPU 0 (reading runs on two threads and evaluation on rayon's).
  read -r EVAL_L1 _ < <(best_of 1 taskset -c 0 $W eval --db "$LDB" --summary --as-of $AS_OF)
  # The same with the interpreter alone (the columnar executor is the default).
  read -r EVAL_LI _ < <(best_of 3 $W eval --db "$LDB" --summary --as-of $AS_OF --engine interpreter)
  read -r DIFF_L _ < <(best_of 1 $W diff --base "$EDITED" --db "$LDB" --as-of $AS_OF)
  read -r DIFF_SAME_L _ < <(best_of 1 $W diff --base rules --db "$LDB" --as-of $AS_OF)
  read -r _ SCAN_L _ < <($B scan "$LDB")
  # sqlite3's own shell printing the three tables wotrules reads (a reader that only formats).
  read -r DUMP_L _ < <(best_of 1 sqlite3 "$LDB" "SELECT * FROM notary; SELECT * FROM users; SELECT * FROM cats_passed;")
  read -r _ INTERP_S PLAIN_S COLUMNAR_S _ < <($B handwritten "$SDB" $AS_OF rules)
  read -r _ WEBDB_L _ < <($B webdb "$LDB")
  read -r _ REGO_S INTERP_REGO_S _ < <($B regorus "$SDB" $AS_OF rules)
  # Scaling: eval --summary's time per notary row at S, M and L (it should stay flat).
  read -r EVAL_S _ < <(best_of 3 $W eval --db "$SDB" --summary --as-of $AS_OF)
  read -r EVAL_M _ < <(best_of 3 $W eval --db "$MDB" --summary --as-of $AS_OF)
  US_S=$(per_row "$EVAL_S" "$RECORDS_S")
  US_L=$(per_row "$EVAL_L" "$RECORDS_L")
  echo "$(ratio "$EVAL_L" "$SCAN_L") $(ratio "$EVAL_L" "$DUMP_L") $(ratio "$INTERP_S" "$PLAIN_S") $(ratio "$COLUMNAR_S" "$PLAIN_S")" \
    "$(ratio "$WEBDB_L" "$EVAL_L") $(ratio "$REGO_S" "$INTERP_REGO_S")" \
    "$(hyper "$W eval --case rules/tests/cases/a20111001.1.yaml") $(hyper "$W check")" \
    "$(ratio "$DIFF_L" "$EVAL_L") $(ratio "$DIFF_SAME_L" "$EVAL_L")" \
    "$(awk -v k="$RSS_L" 'BEGIN{printf "%.0f", k/1024}') $(ratio "$EVAL_L1" "$EVAL_L")" \
    "$US_S $(per_row "$EVAL_M" "$RECORDS_M") $US_L $(ratio "$US_L" "$US_S")" \
    "$(awk -v k="$RSS_L" -v n="$RECORDS_L" 'BEGIN{printf "%.0f", k*1024/n}') $(ratio "$EVAL_L" "$EVAL_LI")"
}

ROUNDS=$DATA/rounds.txt
: > "$ROUNDS"
for n in $(seq "$RUNS"); do
  round >> "$ROUNDS"
  echo "round $n of $RUNS: $(tail -1 "$ROUNDS")" >&2
done
# figure NAME: the median of the rounds, and their range when there are several.
figure() {
  local column
  column=$(echo "$FIGURES" | tr ' ' '\n' | grep -nx "$1" | cut -d: -f1)
  awk -v c="$column" '{print $c}' "$ROUNDS" | sort -g | awk '{v[NR]=$1} END{
    m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2
    if (NR > 1) printf "%.3g (%.3g–%.3g)", m, v[1], v[NR]; else printf "%.3g", m }'
}
median() { figure "$1" | cut -d' ' -f1; }

echo "wotrules benchmarks, $(date -u +%Y-%m-%d), $(nproc) cores, L = $L members; median (range) of $RUNS rounds"
echo
row "figure" "measured" "target" "met"
row "---" "---" "---" "---"
row "eval --db L --summary ÷ bare SQLite scan" "$(figure read)" "<= 1.2" "$(met "$(median read)" "<=" 1.2)"
row "eval --db L --summary ÷ sqlite3 printing the tables" "$(figure dump)" "<= 1.0" "$(met "$(median dump)" "<=" 1.0)"
row "interpreter ÷ hand-written Rust (S, 1 core)" "$(figure plain)" "<= 2.0" "$(met "$(median plain)" "<=" 2.0)"
row "columnar executor ÷ hand-written Rust (S, 1 core)" "$(figure columnar)" "<= 2.0" "$(met "$(median columnar)" "<=" 2.0)"
row "eval --db L --summary: columnar ÷ interpreter" "$(figure engines)" "-" "-"
row "webdb per-member queries (L) ÷ wotrules (L)" "$(figure webdb)" ">= 10" "$(met "$(median webdb)" ">=" 10)"
row "regorus (Rego AP rules, S) ÷ wotrules (S)" "$(figure rego)" ">= 50" "$(met "$(median rego)" ">=" 50)"
row "eval --case a20111001.1 (hyperfine mean, ms)" "$(figure case)" "< 20" "$(met "$(median case)" "<=" 20)"
row "check rules/ (hyperfine mean, ms)" "$(figure check)" "< 20" "$(met "$(median check)" "<=" 20)"
row "diff L (the record cap edited) ÷ eval L" "$(figure diff)" "<= 2.0" "$(met "$(median diff)" "<=" 2.0)"
row "diff L (rules unchanged) ÷ eval L" "$(figure diff_same)" "-" "-"
row "peak RSS of eval --db L --summary (MiB)" "$(figure mib), $(median bpr) bytes/record" "<= 600" "$(met "$(median mib)" "<=" 600)"
row "speed-up on $(nproc) cores (1 core ÷ all)" "$(figure cores)" ">= 1.8" "$(met "$(median cores)" ">=" 1.8)"
row "µs per row S / M / L" "$(median us_s) / $(median us_m) / $(median us_l)" "-" "-"
row "µs per row L ÷ S" "$(figure scale)" "<= 1.5" "$(met "$(median scale)" "<=" 1.5)"
echo
echo "Every round's figures ($FIGURES):"
cat "$ROUNDS"

# The profile by rule: what each definition costs the interpreter (S, one core), with what it
# reads; the ten costliest.
echo
echo "Costliest definitions (S, 1 core, each with what it reads; wotrules-bench definitions):"
taskset -c 1 $B definitions "$SDB" $AS_OF rules | head -11

# The rules as SQL views, against eval --db (bench/sql.sh; MariaDB when installed).
echo
echo "The SQL views (bench/sql.sh):"
bench/sql.sh "$L"

# The language server: re-check latency after an edit of the shipped rules (bench/lsp.py).
echo
echo "The language server (bench/lsp.py):"
python3 bench/lsp.py 200
