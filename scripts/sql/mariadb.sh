#!/usr/bin/env bash
# The views of `wotrules sql --dialect mariadb` in a real MariaDB, against the evaluator.
#
#   scripts/sql/mariadb.sh [--tables] [--migrations DIR] [MEMBERS]   (default 30 members)
#
# Starts a private MariaDB (Debian's mariadb-server, scripts/mariadb/server.sh), builds
# CAcert's production tables (or runs CAcert's own migrations with --migrations DIR), loads
# a generated population and the hostile rows of scripts/mariadb/hostile-rows.sql through a
# latin1 connection as the webdb writes them, and dumps it with mariadb-dump. The dump is
# imported and evaluated by wotrules; the views run in MariaDB over the same tables: with
# the date read from wotrules_params (2011-11-29 and 2011-12-05, either side of ruling #1)
# and fixed when printed (2011-12-01). Every output and deciding clause must agree. With
# --tables, the script of `wotrules sql --tables` (the steps kept in tables, computed by
# `CALL wotrules_refresh()`, timed); the plain views take MariaDB 6 s for 35 members
# (with the hostile rows), as it computes a common table expression again for every reference to it.
# Not part of `cargo test` (it needs MariaDB).
set -euo pipefail
cd "$(dirname "$0")/../.."
migrations=""
tables=""
if [ "${1:-}" = "--tables" ]; then
    tables="--tables"
    shift
fi
if [ "${1:-}" = "--migrations" ]; then
    migrations="$(cd "$2" && pwd)"
    shift 2
fi
members="${1:-30}"
cargo build --release --quiet
WOTRULES="$PWD/target/release/wotrules"
work="$(mktemp -d)"
source scripts/mariadb/server.sh
trap 'mariadb_stop; rm -rf "$work"' EXIT
mariadb_start "$work"
failures=0

mariadb_schema cacert "$migrations"
"$WOTRULES" gen --members "$members" --seed 31 --mysql-dump "$work/generated.sql" >/dev/null
mariadb_load_generated cacert "$work/generated.sql"
sql --default-character-set=latin1 cacert <scripts/mariadb/hostile-rows.sql
mariadb_dump --default-character-set=latin1 --skip-tz-utc cacert >"$work/cacert.sql"
"$WOTRULES" import --mysql-dump "$work/cacert.sql" --db "$work/cacert.sqlite" >/dev/null
echo "loaded: $(sql -N cacert -e 'SELECT COUNT(*) FROM users') users, $(sql -N cacert -e 'SELECT COUNT(*) FROM notary') notary rows"

# rows VIEW FILE: the view's rows as JSON objects, one a line.
rows() {
    local columns
    columns="$(sql -N cacert -e "SELECT GROUP_CONCAT(CONCAT('''', column_name, ''', \`', column_name, '\`') ORDER BY ordinal_position) FROM information_schema.columns WHERE table_schema = 'cacert' AND table_name = '$1'")"
    sql -N -r --default-character-set=utf8mb4 cacert -e "SELECT JSON_OBJECT($columns) FROM $1" >"$2"
}

# compare AS_OF [NOTE]: evaluates, (refreshes the tables,) reads the views, compares.
compare() {
    local as_of="$1" note="${2:-}"
    "$WOTRULES" eval --db "$work/cacert.sqlite" --as-of "$as_of" --format json --explain >"$work/eval.json"
    local start end
    start=$(date +%s.%N)
    [ -z "$tables" ] || sql cacert -e "CALL wotrules_refresh()"
    rows wotrules_records "$work/records.jsonl"
    rows wotrules_members "$work/members.jsonl"
    end=$(date +%s.%N)
    local took
    took="$(printf '%.1f' "$(echo "$end - $start" | bc)") s to ${tables:+refresh and }read both views"
    sql -N cacert -e "SELECT JSON_OBJECTAGG(CONCAT(table_name, '.', column_name), data_type) \
        FROM information_schema.columns WHERE table_schema = 'cacert' \
        AND table_name IN ('wotrules_records', 'wotrules_members')" >"$work/types.json"
    if python3 scripts/sql/compare.py "$work/eval.json" "$work/records.jsonl" "$work/members.jsonl" \
        "mariadb $(sql -N -e 'SELECT VERSION()')${tables:+ $tables}, as of $as_of$note ($took)" \
        "$work/types.json" mariadb; then
        :
    else
        failures=$((failures + 1))
    fi
}

"$WOTRULES" sql --dialect mariadb $tables | sql cacert
for as_of in 2011-11-29 2011-12-05; do
    sql cacert -e "UPDATE wotrules_params SET as_of = '$as_of'"
    compare "$as_of"
done
"$WOTRULES" sql --dialect mariadb $tables --as-of 2011-12-01 | sql cacert
compare 2011-12-01 " (fixed)"

if [ "$failures" -gt 0 ]; then
    echo "$failures comparisons failed" >&2
    exit 1
fi
echo "ok: the views in MariaDB decide as the evaluator"
