# Sourced by scripts/test and Benchmarks/run: installs what is missing and starts a
# throwaway PostgreSQL cluster on 127.0.0.1:$pg_port, stopped and removed on exit.
# Sets ORDERLY_PG_ADMIN_URL (the `postgres` database of user `orderly`).

source "$(dirname "${BASH_SOURCE[0]}")/install.sh"

start_postgres() {
  pg_port=${1:-54329}
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  pg_dir=$(mktemp -d /tmp/orderly-pg.XXXXXX)
  # PostgreSQL refuses to run as root: use the postgres account when we are root.
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$pg_dir"
    as_pg() { runuser -u postgres -- "$@"; }
  else
    as_pg() { "$@"; }
  fi
  trap stop_postgres EXIT
  as_pg "$pg_bin/initdb" -D "$pg_dir/data" -U orderly -A trust --no-sync >/dev/null
  as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -c port=$pg_port -c unix_socket_directories=$pg_dir -c max_connections=500 ${PG_EXTRA_OPTIONS:-}" \
    start >/dev/null
  echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port"
  ORDERLY_PG_ADMIN_URL="postgres://orderly@127.0.0.1:$pg_port/postgres"
}

stop_postgres() {
  as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
}
