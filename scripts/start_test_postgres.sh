#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for the store's tests and print the line
# that points the tests at it:
#
#   eval "$(bash scripts/start_test_postgres.sh)"   # sets PLACARD_TEST_POSTGRES_URL
#
# Debian only, as root (or as a user that can run initdb itself). Installs the
# `postgresql` package when no server binaries are found, creates a cluster
# under $PLACARD_TEST_PG_DIR (default: /tmp/placard-test-pg) on a free port,
# trusts local connections, and creates the database. Running it again while
# that server is up starts nothing and prints the same line; a stale cluster
# (server gone) is started again on its port, or a new free one.
# Everything but the final `export` line goes to stderr.
set -euo pipefail

DIR="${PLACARD_TEST_PG_DIR:-/tmp/placard-test-pg}"
DB="${PLACARD_TEST_PG_DB:-placard_test}"
ROLE="placard"
log() { echo "start_test_postgres: $*" >&2; }

find_bindir() {
    local candidate
    if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
        pg_config --bindir; return 0
    fi
    for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then echo "$candidate"; return 0; fi
    done
    return 1
}

BINDIR="$(find_bindir || true)"
if [ -z "$BINDIR" ]; then
    log "no PostgreSQL server found: installing Debian's postgresql"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
    BINDIR="$(find_bindir)"
fi

# The server refuses to run as root: run it as the postgres user when we are root.
if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir "$DIR" --shell /bin/sh postgres
    as_owner() { runuser -u postgres -- "$@"; }
else
    as_owner() { "$@"; }
fi

free_port() {
    python3 - <<'PY'
import socket
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
PY
}

mkdir -p "$DIR"
[ "$(id -u)" = 0 ] && chown postgres: "$DIR"
DATA="$DIR/data"
PORT_FILE="$DIR/port"

if [ ! -f "$DATA/PG_VERSION" ]; then
    log "creating a cluster in $DATA"
    rm -rf "$DATA"
    as_owner "$BINDIR/initdb" -D "$DATA" -U "$ROLE" --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null \
        || as_owner "$BINDIR/initdb" -D "$DATA" -U "$ROLE" --auth=trust --encoding=UTF8 --locale=C >/dev/null
fi

if as_owner "$BINDIR/pg_ctl" -D "$DATA" status >/dev/null 2>&1 && [ -f "$PORT_FILE" ]; then
    PORT="$(cat "$PORT_FILE")"
    log "already running on port $PORT"
else
    PORT="$(cat "$PORT_FILE" 2>/dev/null || true)"
    if [ -z "$PORT" ] || (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
        PORT="$(free_port)"
    fi
    echo "$PORT" > "$PORT_FILE"
    [ "$(id -u)" = 0 ] && chown postgres: "$PORT_FILE"
    log "starting on port $PORT"
    # fsync off: a test cluster is thrown away, speed matters more than durability.
    as_owner "$BINDIR/pg_ctl" -D "$DATA" -l "$DIR/server.log" -w -t 60 \
        -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >&2
fi

if ! as_owner "$BINDIR/psql" -h 127.0.0.1 -p "$PORT" -U "$ROLE" -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
    as_owner "$BINDIR/createdb" -h 127.0.0.1 -p "$PORT" -U "$ROLE" "$DB"
fi

echo "export PLACARD_TEST_POSTGRES_URL=postgresql://$ROLE@127.0.0.1:$PORT/$DB"
