# Sourced by the MariaDB scripts: a private MariaDB server in a temporary directory, on a
# socket, without networking, stopped when the script exits.
#
#   mariadb_start WORKDIR      starts it (time zone Europe/Berlin, as a server in Europe
#                              runs, with the tz tables loaded so that the name is known)
#   sql [ARGS…]                the mariadb client on it, as the webdb connects: no
#                              character set named, so latin1 (the server's default)
#   mariadb_dump [ARGS…]       mariadb-dump on it
#   mariadb_schema DB [DIR]    creates DB with CAcert's production tables: those
#                              `wotrules gen --mysql-dump` writes, or, with DIR, by running
#                              CAcert's own migrations (DIR = a cacert-devel checkout's
#                              scripts/db_migrations, version0.sh … version7.sh)
#   mariadb_load_generated DB DUMP
#                              loads the rows of a dump `wotrules gen --mysql-dump` wrote
#                              into DB's tables (INSERT IGNORE: the migrations' own CATS
#                              types and variants stay), through a latin1 connection as the
#                              webdb writes
#
# Needs Debian's mariadb-server (apt-get install mariadb-server).

for tool in mariadbd mariadb-install-db mariadb mariadb-dump mariadb-tzinfo-to-sql; do
    command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install mariadb-server)" >&2; exit 2; }
done

MARIADB_SERVER_PID=""
MARIADB_SOCKET=""

mariadb_stop() {
    if [ -n "$MARIADB_SERVER_PID" ]; then
        kill "$MARIADB_SERVER_PID" 2>/dev/null && wait "$MARIADB_SERVER_PID" 2>/dev/null
        MARIADB_SERVER_PID=""
    fi
}

mariadb_start() {
    local work="$1"
    MARIADB_SOCKET="$work/mysql.sock"
    mariadb-install-db --no-defaults --datadir="$work/data" --user="$(id -un)" \
        --auth-root-authentication-method=socket >/dev/null
    mariadbd --no-defaults --datadir="$work/data" --socket="$MARIADB_SOCKET" --skip-networking \
        --user="$(id -un)" --pid-file="$work/mysqld.pid" --character-set-server=latin1 \
        --collation-server=latin1_swedish_ci >"$work/server.log" 2>&1 &
    MARIADB_SERVER_PID=$!
    for _ in $(seq 120); do
        mariadb --no-defaults -S "$MARIADB_SOCKET" -e 'SELECT 1' >/dev/null 2>&1 && break
        sleep 0.5
    done
    mariadb-tzinfo-to-sql /usr/share/zoneinfo 2>/dev/null | sql mysql
    sql -e "SET GLOBAL time_zone = 'Europe/Berlin'"
}

sql() { mariadb --no-defaults -S "$MARIADB_SOCKET" "$@"; }
mariadb_dump() { mariadb-dump --no-defaults -S "$MARIADB_SOCKET" "$@"; }

mariadb_schema() {
    local db="$1" migrations="${2:-}"
    sql -e "CREATE DATABASE $db"
    if [ -n "$migrations" ]; then
        # The migrations call `mysql` with the options they are given.
        for version in 0 1 2 3 4 5 6 7; do
            sh "$migrations/version$version.sh" -S "$MARIADB_SOCKET" "$db" >/dev/null
        done
    else
        "$WOTRULES" gen --members 1 --seed 1 --mysql-dump "$work/schema-only.sql" >/dev/null
        # The tables only: the rows of the one generated member are not wanted here.
        sed -n '/^DROP TABLE/,/^\/\*!40101 SET character_set_client = @saved_cs_client/p' \
            "$work/schema-only.sql" | sql "$db"
        rm "$work/schema-only.sql"
    fi
}

mariadb_load_generated() {
    local db="$1" dump="$2"
    {
        echo "SET SESSION sql_mode = '';"
        awk '/^LOCK TABLES/{on=1; next} /^UNLOCK TABLES/{on=0} on' "$dump" |
            sed 's/^INSERT INTO/INSERT IGNORE INTO/'
    } | sql --default-character-set=latin1 "$db"
}
