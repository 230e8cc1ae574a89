#!/usr/bin/env bash
# The views of `wotrules sql --dialect postgres` in a real PostgreSQL, against the evaluator.
#
#   scripts/sql/postgres.sh [MEMBERS]         (default 2000 members)
#
# Generates CAcert's production dump (`wotrules gen --mysql-dump`) and imports it; imports
# the hostile texts of tests/data/sql/texts.yaml; starts a private PostgreSQL cluster
# (Debian's postgresql, in a temporary directory, on a socket, without networking), loads
# both into databases of their own (CAcert's tables, a zero date as NULL) and runs the
# views there: with the date read from wotrules_params (either side of ruling #1) and
# fixed when printed. Every output and deciding clause must equal the evaluator's.
# Not part of `cargo test` (it needs PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/../.."
members="${1:-2000}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$bin/initdb" ] || { echo "needs PostgreSQL (apt-get install postgresql)" >&2; exit 2; }
cargo build --release --quiet
WOTRULES="$PWD/target/release/wotrules"
work="$(mktemp -d)"
chmod 755 "$work"
# PostgreSQL refuses to run as root: as root, the cluster belongs to `postgres`.
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
mkdir "$work/pg"
[ "$(id -u)" != 0 ] || chown postgres "$work/pg"
stop() { as_owner "$bin/pg_ctl" -D "$work/pg/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap stop EXIT
as_owner "$bin/initdb" -D "$work/pg/data" -U wotrules -E UTF8 --locale=C.UTF-8 >/dev/null
as_owner "$bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -w \
    -o "-c listen_addresses='' -k $work/pg" start >/dev/null
psql_in() { local db="$1"; shift; PGOPTIONS="-c client_min_messages=warning" "$bin/psql" -h "$work/pg" -U wotrules -d "$db" -q -v ON_ERROR_STOP=1 "$@"; }

"$WOTRULES" gen --members "$members" --seed 31 --mysql-dump "$work/population.sql" >/dev/null
"$WOTRULES" import --mysql-dump "$work/population.sql" --db "$work/population.sqlite" >/dev/null
"$WOTRULES" import tests/data/sql/texts.yaml --db "$work/texts.sqlite" >/dev/null
failures=0
version="$(psql_in postgres -At -c 'SHOW server_version')"

# compare DB AS_OF [NOTE]: evaluates, reads the views, compares.
compare() {
    local db="$1" as_of="$2" note="${3:-}"
    "$WOTRULES" eval --db "$work/$db.sqlite" --as-of "$as_of" --format json --explain >"$work/eval.json"
    local start end
    start=$(date +%s.%N)
    psql_in "$db" -At -c "SELECT row_to_json(v) FROM wotrules_records v" >"$work/records.jsonl"
    psql_in "$db" -At -c "SELECT row_to_json(v) FROM wotrules_members v" >"$work/members.jsonl"
    end=$(date +%s.%N)
    psql_in "$db" -At -c "SELECT json_object_agg(table_name || '.' || column_name, data_type) \
        FROM information_schema.columns WHERE table_name IN ('wotrules_records', 'wotrules_members')" >"$work/types.json"
    python3 scripts/sql/compare.py "$work/eval.json" "$work/records.jsonl" "$work/members.jsonl" \
        "postgresql $version, $db as of $as_of$note ($(printf '%.1f' "$(echo "$end - $start" | bc)") s to read both views)" \
        "$work/types.json" postgres ||
        failures=$((failures + 1))
}

for db in population texts; do
    psql_in postgres -c "CREATE DATABASE $db"
    python3 scripts/sql/postgres_load.py "$work/$db.sqlite" | psql_in "$db"
    "$WOTRULES" sql --dialect postgres | psql_in "$db"
    request="$(python3 scripts/sql/postgres_load.py --request "$work/$db.sqlite")"
    for as_of in 2011-11-29 2011-12-06; do
        psql_in "$db" -c "UPDATE wotrules_params SET as_of = '$as_of', $request"
        compare "$db" "$as_of"
    done
    "$WOTRULES" sql --dialect postgres --as-of 2011-12-01 | psql_in "$db"
    compare "$db" 2011-12-01 " (fixed)"
done

if [ "$failures" -gt 0 ]; then
    echo "$failures comparisons failed" >&2
    exit 1
fi
echo "ok: the views in PostgreSQL decide as the evaluator"
