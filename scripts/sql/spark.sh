#!/usr/bin/env bash
# The views of `wotrules sql --dialect spark` in Spark SQL, a distributed engine run here in
# local mode, against the evaluator.
#
#   scripts/sql/spark.sh [MEMBERS]         (default 2000 members)
#
# Needs Java (Debian's openjdk-17-jre-headless) and pyspark (pip install pyspark).
# Generates CAcert's production dump and imports it, imports the hostile texts of
# tests/data/sql/texts.yaml, and runs the script of `wotrules sql --dialect spark --tables`
# (its steps written as Parquet tables: Spark, like MariaDB, computes a common table
# expression again for every reference, and needs minutes to plan the plain views) over both
# (scripts/sql/spark_views.py): with the date read from wotrules_params (either side of
# ruling #1) and fixed when printed. Every output and deciding clause must equal the
# evaluator's. Not part of `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/../.."
members="${1:-2000}"
command -v java >/dev/null || { echo "needs Java (apt-get install openjdk-17-jre-headless)" >&2; exit 2; }
python3 -c "import pyspark" 2>/dev/null || { echo "needs pyspark (pip install pyspark)" >&2; exit 2; }
cargo build --release --quiet
WOTRULES="$PWD/target/release/wotrules"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Timestamps are read without a zone: Python and Spark both take them as UTC.
export TZ=UTC
"$WOTRULES" gen --members "$members" --seed 31 --mysql-dump "$work/population.sql" >/dev/null
"$WOTRULES" import --mysql-dump "$work/population.sql" --db "$work/population.sqlite" >/dev/null
"$WOTRULES" import tests/data/sql/texts.yaml --db "$work/texts.sqlite" >/dev/null
"$WOTRULES" sql --dialect spark --tables >"$work/views.sql"
"$WOTRULES" sql --dialect spark --tables --as-of 2011-12-01 >"$work/fixed.sql"
version="$(python3 -c 'import pyspark; print(pyspark.__version__)')"
failures=0
for db in population texts; do
    for run in 2011-11-29:views 2011-12-06:views 2011-12-01:fixed; do
        as_of="${run%%:*}" script="${run##*:}"
        "$WOTRULES" eval --db "$work/$db.sqlite" --as-of "$as_of" --format json --explain >"$work/eval.json"
        start=$(date +%s.%N)
        rm -rf "$work/warehouse"
        python3 scripts/sql/spark_views.py "$work/$db.sqlite" "$work/$script.sql" "$as_of" \
            "$work/records.jsonl" "$work/members.jsonl" "$work/warehouse" 2> >(grep -v -E "WARN|^\s*$|Setting default log level|To adjust logging level" >&2)
        end=$(date +%s.%N)
        note=""
        [ "$script" = views ] || note=" (fixed)"
        python3 scripts/sql/compare.py "$work/eval.json" "$work/records.jsonl" "$work/members.jsonl" \
            "spark $version (local, --tables), $db as of $as_of$note ($(printf '%.1f' "$(echo "$end - $start" | bc)") s with Spark's start)" ||
            failures=$((failures + 1))
    done
done
if [ "$failures" -gt 0 ]; then
    echo "$failures comparisons failed" >&2
    exit 1
fi
echo "ok: the views in Spark SQL decide as the evaluator"
