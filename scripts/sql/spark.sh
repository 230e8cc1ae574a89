#!/usr/bin/env bash
# The views of `wotrules sql --dialect spark` in Spark SQL, a distributed engine run here in
# local mode, against the evaluator.
#
#   scripts/sql/spark.sh [--views] [MEMBERS]         (default 2000 members)
#
# Needs Java (Debian's openjdk-17-jre-headless) and pyspark (pip install pyspark).
# Generates CAcert's production dump and imports it, imports the hostile texts of
# tests/data/sql/texts.yaml, and runs the script of `wotrules sql --dialect spark --tables`
# (its steps written as Parquet tables), or with --views the plain views, over both
# (scripts/sql/spark_views.py), with Spark's ANSI mode off and on: with the date and the
# request set in wotrules_params as the README says (either side of ruling #1), and fixed
# when printed. Every output, deciding clause and column type must equal the evaluator's.
# Prints the seconds each run took, Spark's start left out. Not part of `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/../.."
form=tables
if [ "${1:-}" = "--views" ]; then
    form=views
    shift
fi
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
option=""
[ "$form" = views ] || option="--tables"
"$WOTRULES" sql --dialect spark $option >"$work/views.sql"
"$WOTRULES" sql --dialect spark $option --as-of 2011-12-01 >"$work/fixed.sql"
version="$(python3 -c 'import pyspark; print(pyspark.__version__)')"
failures=0
for ansi in false true; do
    for db in population texts; do
        for run in 2011-11-29:views 2011-12-06:views 2011-12-01:fixed; do
            as_of="${run%%:*}" script="${run##*:}"
            "$WOTRULES" eval --db "$work/$db.sqlite" --as-of "$as_of" --format json --explain >"$work/eval.json"
            rm -rf "$work/warehouse"
            took="$(python3 scripts/sql/spark_views.py "$work/$db.sqlite" "$work/$script.sql" "$form" "$as_of" \
                "$work/records.jsonl" "$work/members.jsonl" "$work/warehouse" "$work/types.json" "$ansi" \
                2> >(grep -v -E "WARN|^\s*$|Setting default log level|To adjust logging level" >&2))"
            note=""
            [ "$script" = views ] || note=" (fixed)"
            python3 scripts/sql/compare.py "$work/eval.json" "$work/records.jsonl" "$work/members.jsonl" \
                "spark $version (local, $form, ANSI $ansi), $db as of $as_of$note ($took s)" \
                "$work/types.json" spark ||
                failures=$((failures + 1))
        done
    done
done
if [ "$failures" -gt 0 ]; then
    echo "$failures comparisons failed" >&2
    exit 1
fi
echo "ok: the views in Spark SQL decide as the evaluator"
