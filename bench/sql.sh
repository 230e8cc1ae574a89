#!/usr/bin/env bash
# The views of `wotrules sql` against `wotrules eval --db`, deciding every output of every
# record and member of the same generated population, measured in the same run.
#
#   bench/sql.sh [MEMBERS]      (default 1000000; bench/run.sh calls it with its L)
#
# SQLite: Debian's sqlite3 shell reading both views of a copy of the population's
# database, ÷ eval --db --format json on it. MariaDB (when mariadb-server is installed,
# scripts/mariadb/server.sh): the population's production dump loaded, then
# `CALL wotrules_refresh()` and reading both views of `wotrules sql --tables`, ÷ eval --db
# of the same dump imported. Each is the best of two runs.
set -euo pipefail
cd "$(dirname "$0")/.."
MEMBERS=${1:-1000000}
AS_OF=2021-01-01
cargo build --release --quiet
WOTRULES="$PWD/target/release/wotrules"
DATA=target/bench-data
mkdir -p "$DATA"
work="$(mktemp -d)"
best() {
    local best=999999
    for _ in 1 2; do
        local start end
        start=$(date +%s.%N)
        "$@" >/dev/null
        end=$(date +%s.%N)
        best=$(awk -v a="$best" -v s="$start" -v e="$end" 'BEGIN{t=e-s; print (t<a)?t:a}')
    done
    echo "$best"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }
seconds() { awk -v a="$1" 'BEGIN{printf "%.1f s", a}'; }

DUMP="$DATA/production-$MEMBERS.sql"
[ -f "$DUMP" ] || "$WOTRULES" gen --members "$MEMBERS" --seed 7 --mysql-dump "$DUMP" >/dev/null
"$WOTRULES" import --mysql-dump "$DUMP" --db "$work/population.sqlite" >/dev/null
"$WOTRULES" sql --dialect sqlite --as-of "$AS_OF" >"$work/sqlite.sql"
sqlite3 "$work/population.sqlite" <"$work/sqlite.sql"
EVAL=$(best "$WOTRULES" eval --db "$work/population.sqlite" --as-of "$AS_OF" --format json)
VIEWS=$(best sqlite3 "$work/population.sqlite" "SELECT * FROM wotrules_records; SELECT * FROM wotrules_members;")
echo "| figure ($MEMBERS members) | measured |"
echo "| --- | --- |"
echo "| sqlite3 $(sqlite3 --version | cut -d' ' -f1) reading both views ÷ eval --db --format json | $(ratio "$VIEWS" "$EVAL") ($(seconds "$VIEWS") ÷ $(seconds "$EVAL")) |"

if command -v mariadbd >/dev/null; then
    source scripts/mariadb/server.sh
    trap 'mariadb_stop; rm -rf "$work"' EXIT
    mariadb_start "$work"
    mariadb_schema cacert
    mariadb_load_generated cacert "$DUMP"
    "$WOTRULES" sql --dialect mariadb --tables --as-of "$AS_OF" | sql cacert
    REFRESH=$(best sql cacert -e "CALL wotrules_refresh(); SELECT * FROM wotrules_records; SELECT * FROM wotrules_members;")
    echo "| MariaDB $(sql -N -e 'SELECT VERSION()' | cut -d- -f1): wotrules_refresh() and reading both views ÷ eval --db --format json | $(ratio "$REFRESH" "$EVAL") ($(seconds "$REFRESH") ÷ $(seconds "$EVAL")) |"
else
    trap 'rm -rf "$work"' EXIT
    echo "| MariaDB | not installed (apt-get install mariadb-server) |"
fi
