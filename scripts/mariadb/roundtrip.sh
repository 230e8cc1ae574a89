#!/usr/bin/env bash
# CAcert's production dump, exactly as a real MariaDB writes it, read by `wotrules import`.
#
#   scripts/mariadb/roundtrip.sh [--migrations DIR] [MEMBERS]     (default 2000 members)
#
# 1. Starts a private MariaDB (Debian's mariadb-server; time zone Europe/Berlin) and builds
#    CAcert's production tables: the DDL `wotrules gen --mysql-dump` writes, or CAcert's own
#    migrations with `--migrations DIR` (a CAcertOrg/cacert-devel checkout's
#    scripts/db_migrations), in which case the two schemas are compared table by table.
# 2. Loads a generated population through a latin1 connection (as the webdb writes: UTF-8
#    bytes stored as they are), dumps it with the real mariadb-dump, imports it, and checks
#    that every decision equals the one from the same population generated as SQLite.
# 3. Adds the hostile rows of hostile-rows.sql, then dumps the database in many ways
#    (character sets, insert styles, compact, a whole database with routines and triggers,
#    several databases, gzip, a pipe, time zones) and checks, for each, that every name and
#    every free text equals the bytes MariaDB stores, every CATS pass date equals the server's
#    local time, and every decision equals that of the first dump.
# 4. Adds bad-rows.sql: the dump is refused, and `--quarantine` leaves exactly those rows out.
#
# Not part of `cargo test` (it needs MariaDB, and sqlite3 to compare).
set -euo pipefail
cd "$(dirname "$0")/../.."
migrations=""
if [ "${1:-}" = "--migrations" ]; then
    migrations="$(cd "$2" && pwd)"
    shift 2
fi
members="${1:-2000}"
command -v sqlite3 >/dev/null || { echo "needs sqlite3 (apt-get install sqlite3)" >&2; exit 2; }
cargo build --release --quiet
WOTRULES="$PWD/target/release/wotrules"
work="$(mktemp -d)"
source scripts/mariadb/server.sh
trap 'mariadb_stop; rm -rf "$work"' EXIT
mariadb_start "$work"
as_of=2012-06-01
failures=0
fail() { echo "FAIL $*" >&2; failures=$((failures + 1)); }

mariadb_schema cacert "$migrations"
if [ -n "$migrations" ]; then
    mariadb_schema ours
    for table in users notary cats_passed cats_variant cats_type email; do
        shape() { sql -N -e "SHOW CREATE TABLE $1.$table" | cut -f2- | sed 's/ AUTO_INCREMENT=[0-9]*//'; }
        if [ "$(shape cacert)" = "$(shape ours)" ]; then
            echo "schema: $table as CAcert's migrations build it"
        else
            fail "schema: $table differs from CAcert's migrations"
            diff <(shape cacert) <(shape ours) | head -10 >&2 || true
        fi
    done
fi

"$WOTRULES" gen --members "$members" --seed 11 --db "$work/generated.sqlite" >/dev/null
"$WOTRULES" gen --members "$members" --seed 11 --mysql-dump "$work/generated.sql" >/dev/null
mariadb_load_generated cacert "$work/generated.sql"
mariadb_dump --default-character-set=latin1 --skip-tz-utc cacert >"$work/population.sql"
"$WOTRULES" import --mysql-dump "$work/population.sql" --db "$work/population.sqlite" >/dev/null
for db in generated population; do
    "$WOTRULES" eval --db "$work/$db.sqlite" --as-of "$as_of" --format json >"$work/$db.json"
done
if cmp -s "$work/generated.json" "$work/population.json"; then
    echo "population: $members members, every decision as generated, through MariaDB and mariadb-dump"
else
    fail "population: decisions differ"
    diff "$work/generated.json" "$work/population.json" | head -10 >&2 || true
fi

sql --default-character-set=latin1 cacert <scripts/mariadb/hostile-rows.sql
# What dumps with routines and triggers hold; a second database with a `users` table.
sql cacert -e "CREATE TRIGGER notary_stamp BEFORE INSERT ON notary FOR EACH ROW SET NEW.sponsor = NEW.sponsor;
CREATE PROCEDURE count_users() SELECT COUNT(*) FROM users;"
sql -e "CREATE DATABASE cacert_test; CREATE TABLE cacert_test.users LIKE cacert.users;
INSERT INTO cacert_test.users (id, fname, uniqueID) VALUES (900001, 'Other', 'x');"

# The bytes MariaDB holds (what the webdb shows, read as UTF-8), and the pass dates in the
# server's local time.
sql -N cacert -e "SELECT id, HEX(email), HEX(fname), HEX(mname), HEX(lname), HEX(suffix) FROM users ORDER BY id" >"$work/names.expected"
sql -N cacert -e "SELECT id, HEX(method), HEX(location), HEX(date) FROM notary ORDER BY id" >"$work/texts.expected"
sql -N cacert -e "SELECT id, IFNULL(NULLIF(DATE_FORMAT(pass_date, '%Y-%m-%d %H:%i:%s'), '0000-00-00 00:00:00'), 'NULL') FROM cats_passed ORDER BY id" >"$work/passes.expected"

# check NAME DUMP-OPTIONS -- IMPORT-OPTIONS: dumps, imports and compares.
reference=""
check() {
    local name="$1"; shift
    local dump_options=() import_options=()
    while [ "$1" != "--" ]; do dump_options+=("$1"); shift; done
    shift
    import_options=("$@")
    local dump="$work/$name.sql" db="$work/$name.sqlite" source
    mariadb_dump "${dump_options[@]}" >"$dump"
    source="$dump"
    case "$name" in
        gzip) gzip -9 "$dump"; source="$dump.gz" ;;
    esac
    local imported
    if [ "$name" = pipe ]; then
        imported="$("$WOTRULES" import --mysql-dump - --db "$db" "${import_options[@]}" <"$source" 2>&1)" || { fail "$name: $imported"; return; }
    else
        imported="$("$WOTRULES" import --mysql-dump "$source" --db "$db" "${import_options[@]}" 2>&1)" || { fail "$name: $imported"; return; }
    fi
    sqlite3 -separator $'\t' "$db" "SELECT id, hex(email), hex(fname), hex(mname), hex(lname), hex(suffix) FROM users ORDER BY id" >"$work/$name.names"
    sqlite3 -separator $'\t' "$db" "SELECT id, hex(method), hex(location), hex(date) FROM notary ORDER BY id" >"$work/$name.texts"
    sqlite3 -separator $'\t' "$db" "SELECT id, IFNULL(pass_date, 'NULL') FROM cats_passed ORDER BY id" >"$work/$name.passes"
    "$WOTRULES" eval --db "$db" --as-of "$as_of" --format json >"$work/$name.json" 2>"$work/$name.err" || { fail "$name: $(head -1 "$work/$name.err")"; return; }
    local verdict="ok"
    cmp -s "$work/names.expected" "$work/$name.names" || { verdict="names differ"; diff "$work/names.expected" "$work/$name.names" | head -4 >&2 || true; }
    cmp -s "$work/texts.expected" "$work/$name.texts" || verdict="$verdict; texts differ"
    cmp -s "$work/passes.expected" "$work/$name.passes" || { verdict="$verdict; pass dates differ"; diff "$work/passes.expected" "$work/$name.passes" | head -4 >&2 || true; }
    [ -z "$reference" ] && reference="$work/$name.json"
    cmp -s "$reference" "$work/$name.json" || verdict="$verdict; decisions differ"
    local users
    users="$(wc -l <"$work/$name.names")"
    if [ "$verdict" = ok ]; then
        printf 'ok    %-22s %s users: every name, text, pass date and decision equal (%s)\n' "$name" "$users" "$(echo "$imported" | grep -c '^note' || true) notes"
    else
        fail "$name: $verdict"
    fi
}

zone=(--time-zone Europe/Berlin)
check latin1            --default-character-set=latin1 cacert -- "${zone[@]}"
check utf8mb4           --default-character-set=utf8mb4 cacert -- "${zone[@]}"
check default           cacert -- "${zone[@]}"
check skip-tz-utc       --skip-tz-utc cacert --
check skip-extended     --skip-extended-insert cacert -- "${zone[@]}"
check complete-insert   --complete-insert cacert -- "${zone[@]}"
check hex-blob          --hex-blob cacert -- "${zone[@]}"
check compact           --compact --skip-tz-utc cacert -- --dump-charset utf8mb4
check compact-latin1    --compact --skip-tz-utc --default-character-set=latin1 cacert -- --dump-charset latin1
check compact-detected  --compact --skip-tz-utc --default-character-set=latin1 cacert --
check ansi              --compatible=ansi cacert -- "${zone[@]}" --dump-charset latin1
check ansi-utf8mb4      --compatible=ansi --default-character-set=utf8mb4 cacert -- "${zone[@]}" --dump-charset utf8mb4
check no-create-info    --no-create-info --complete-insert cacert -- "${zone[@]}"
check routines          --routines --triggers --events --single-transaction cacert -- "${zone[@]}"
check databases         --databases cacert cacert_test -- "${zone[@]}" --database cacert
check all-databases     --all-databases -- "${zone[@]}" --database cacert
check gzip              --default-character-set=latin1 cacert -- "${zone[@]}"
check pipe              cacert -- "${zone[@]}"

# Without --database, a dump of two databases with CAcert's tables is refused, naming both.
mariadb_dump --databases cacert cacert_test >"$work/two.sql"
if out="$("$WOTRULES" import --mysql-dump "$work/two.sql" --db "$work/two.sqlite" 2>&1)"; then
    fail "two databases: imported"
elif [ -e "$work/two.sqlite" ] || ! grep -q 'cacert_test' <<<"$out"; then
    fail "two databases: $out"
else
    echo "ok    two databases refused: $(head -1 <<<"$out")"
fi

# Rows production holds and the rules cannot read: refused, or left out with --quarantine.
sql --default-character-set=latin1 cacert <scripts/mariadb/bad-rows.sql
mariadb_dump --default-character-set=latin1 cacert >"$work/bad.sql"
if out="$("$WOTRULES" import --mysql-dump "$work/bad.sql" --db "$work/bad.sqlite" --time-zone Europe/Berlin 2>&1)"; then
    fail "bad rows: imported"
elif [ -e "$work/bad.sqlite" ]; then
    fail "bad rows: a database was left behind"
else
    echo "ok    bad rows refused: $(head -1 <<<"$out")"
fi
"$WOTRULES" import --mysql-dump "$work/bad.sql" --db "$work/bad.sqlite" --time-zone Europe/Berlin \
    --quarantine "$work/quarantine.jsonl" >/dev/null 2>&1 || fail "bad rows: --quarantine failed"
left_out="$(grep -o '"id":[0-9]*' "$work/quarantine.jsonl" | tr -d '"id:' | sort -n | tr '\n' ' ')"
if [ "$left_out" = "900101 900102 9000101 " ]; then
    echo "ok    --quarantine left out exactly the bad rows: $left_out"
    sed 's/^/      /' "$work/quarantine.jsonl"
else
    fail "--quarantine left out: $left_out"
fi

if [ "$failures" -gt 0 ]; then
    echo "$failures check(s) failed" >&2
    exit 1
fi
echo "every check passed"
