#!/usr/bin/env bash
# Writes the dumps `tests/mysql_dump.rs` reads (tests/data/dumps/mariadb/) with the real
# mariadb-dump: CAcert's production tables holding the rows of hostile-rows.sql, loaded as
# the webdb writes them, in a server whose time zone is Europe/Berlin, dumped the ways an
# operator might. `cargo test` needs no MariaDB; run this again to renew the files.
#
#   scripts/mariadb/dump-fixtures.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release --quiet
WOTRULES="$PWD/target/release/wotrules"
work="$(mktemp -d)"
source scripts/mariadb/server.sh
trap 'mariadb_stop; rm -rf "$work"' EXIT
mariadb_start "$work"
out=tests/data/dumps/mariadb
mkdir -p "$out"

mariadb_schema cacert
sql --default-character-set=latin1 cacert <scripts/mariadb/hostile-rows.sql
sql cacert -e "CREATE TRIGGER notary_stamp BEFORE INSERT ON notary FOR EACH ROW SET NEW.sponsor = NEW.sponsor;
CREATE PROCEDURE count_users() SELECT COUNT(*) FROM users;"
sql -e "CREATE DATABASE cacert_test; CREATE TABLE cacert_test.users LIKE cacert.users;
INSERT INTO cacert_test.users (id, fname, uniqueID) VALUES (900001, 'Other', 'x');"

mariadb_dump --default-character-set=latin1 cacert >"$out/latin1.sql"
mariadb_dump cacert >"$out/utf8mb4.sql"
mariadb_dump --compact cacert >"$out/compact.sql"
mariadb_dump --no-create-info --complete-insert cacert >"$out/no-create-info.sql"
mariadb_dump --databases cacert cacert_test >"$out/databases.sql"
mariadb_dump --compatible=ansi cacert >"$out/ansi.sql"
mariadb_dump --routines --triggers --skip-extended-insert cacert >"$out/routines.sql"
mariadb_dump --xml cacert users >"$out/xml.sql"
mariadb_dump cacert users notary cats_passed >"$out/table-list.sql"
sql --default-character-set=latin1 cacert <scripts/mariadb/bad-rows.sql
mariadb_dump --default-character-set=latin1 cacert >"$out/bad-rows.sql"
ls -l "$out"
