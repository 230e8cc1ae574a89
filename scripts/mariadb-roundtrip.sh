#!/usr/bin/env bash
# Loads a generated production-schema dump into a real MariaDB, dumps it back with the real
# `mysqldump` (mariadb-dump), imports that with `wotrules import --mysql-dump`, and checks
# that every decision equals the one from the generated SQLite database.
#
#   scripts/mariadb-roundtrip.sh [MEMBERS]      (default 2000; needs mariadb-server)
#
# Not part of `cargo test`: it needs a MariaDB server binary (`apt-get install
# mariadb-server`). The server runs as a private instance in a temporary directory, on a
# socket, without networking, and is stopped at the end.
set -euo pipefail
members="${1:-2000}"
cd "$(dirname "$0")/.."
for tool in mariadbd mariadb-install-db mariadb mariadb-dump; do
    command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install mariadb-server)" >&2; exit 2; }
done
cargo build --release --quiet
wotrules=target/release/wotrules
work="$(mktemp -d)"
socket="$work/mysql.sock"
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

mariadb-install-db --no-defaults --datadir="$work/data" --user="$(id -un)" \
    --auth-root-authentication-method=socket >/dev/null
mariadbd --no-defaults --datadir="$work/data" --socket="$socket" --skip-networking \
    --user="$(id -un)" --pid-file="$work/mysqld.pid" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 60); do
    mariadb --no-defaults -S "$socket" -e 'SELECT 1' >/dev/null 2>&1 && break
    sleep 0.5
done
sql() { mariadb --no-defaults -S "$socket" "$@"; }

"$wotrules" gen --members "$members" --seed 11 --db "$work/generated.sqlite" >/dev/null
"$wotrules" gen --members "$members" --seed 11 --mysql-dump "$work/generated.sql" >/dev/null
sql -e 'CREATE DATABASE cacert CHARACTER SET utf8mb4'
sql cacert <"$work/generated.sql"
mariadb-dump --no-defaults -S "$socket" --default-character-set=utf8mb4 cacert >"$work/real.sql"
echo "mariadb-dump wrote $(wc -c <"$work/real.sql") bytes; importing it"
"$wotrules" import --mysql-dump "$work/real.sql" --db "$work/real.sqlite"

for db in generated real; do
    "$wotrules" eval --db "$work/$db.sqlite" --as-of 2012-06-01 --format json >"$work/$db.json"
done
if cmp -s "$work/generated.json" "$work/real.json"; then
    echo "same decisions for $members members through MariaDB and mariadb-dump"
else
    diff "$work/generated.json" "$work/real.json" | head -20
    echo "decisions differ" >&2
    exit 1
fi
