#!/usr/bin/env bash
# make cluster-up / cluster-down: PostgreSQL (the DuckLake catalog) and Redis (the Celery broker) on loopback,
# under $NIANBAO_HOME/cluster, as the current user (root: as the `postgres` user Debian's package creates).
# `up` writes the settings it chose as export lines to $NIANBAO_HOME/cluster.env and starts
# NIANBAO_CLUSTER_WORKERS (default 2) Celery workers in the background, with those settings and the current
# environment (NIANBAO_RAW_DIR included: restart the workers after changing it). Needs Debian's postgresql and
# redis-server packages (root: apt-get install -y postgresql redis-server).
set -euo pipefail

HOME_DIR="$(mkdir -p "${NIANBAO_HOME:-./data}" && cd "${NIANBAO_HOME:-./data}" && pwd)"
DIR="$HOME_DIR/cluster"
ENV_FILE="$HOME_DIR/cluster.env"
PY="${PY:-$(pwd)/.venv/bin/python}"
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
[ -x "$PG_BIN/pg_ctl" ] || PG_BIN="$(dirname "$(command -v pg_ctl 2>/dev/null || echo /nonexistent/pg_ctl)")"

as_pg() {  # run a PostgreSQL server command as a user it accepts (initdb and postgres refuse root)
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {  # a free TCP port on 127.0.0.1
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pgdata() {  # root: the data folder lives where the postgres user can reach it (NIANBAO_HOME may be private)
  if [ -f "$DIR/pgdata.path" ]; then cat "$DIR/pgdata.path"; return; fi
  local d="$DIR/pg"
  if [ "$(id -u)" -eq 0 ]; then d="$(mktemp -d /tmp/nianbao-pg.XXXXXX)"; chown postgres: "$d"; fi
  echo "$d" > "$DIR/pgdata.path"
  echo "$d"
}

up() {
  [ -x "$PG_BIN/pg_ctl" ] || { echo "cluster-up: PostgreSQL not found (apt-get install -y postgresql)" >&2; exit 1; }
  command -v redis-server >/dev/null || { echo "cluster-up: redis-server not found (apt-get install -y redis-server)" >&2; exit 1; }
  mkdir -p "$DIR/lake"
  local pg; pg="$(pgdata)"
  local pg_port redis_port
  pg_port="$(cat "$DIR/pg.port" 2>/dev/null || free_port)"; echo "$pg_port" > "$DIR/pg.port"
  redis_port="$(cat "$DIR/redis.port" 2>/dev/null || free_port)"; echo "$redis_port" > "$DIR/redis.port"
  if [ ! -f "$pg/PG_VERSION" ]; then
    as_pg "$PG_BIN/initdb" -D "$pg" -U nianbao --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$DIR/initdb.log"
  fi
  if ! as_pg "$PG_BIN/pg_ctl" -D "$pg" status >/dev/null 2>&1; then
    as_pg "$PG_BIN/pg_ctl" -D "$pg" -w -l "$pg/server.log" \
      -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg -c max_connections=200 -c fsync=on" start >/dev/null
  fi
  "$PG_BIN/psql" -h 127.0.0.1 -p "$pg_port" -U nianbao -d postgres -tAc \
    "select 1 from pg_database where datname = 'nianbao'" | grep -q 1 \
    || "$PG_BIN/createdb" -h 127.0.0.1 -p "$pg_port" -U nianbao nianbao
  if ! redis-cli -p "$redis_port" ping >/dev/null 2>&1; then
    redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$DIR" --daemonize yes --pidfile "$DIR/redis.pid" \
      --logfile "$DIR/redis.log" --appendonly yes --save "" >/dev/null
    for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  cat > "$ENV_FILE" <<EOF
export NIANBAO_CATALOG='postgresql://nianbao@127.0.0.1:$pg_port/nianbao'
export NIANBAO_DATA_PATH='$DIR/lake/'
export NIANBAO_EXECUTOR=celery
export NIANBAO_BROKER='redis://127.0.0.1:$redis_port/0'
EOF
  workers_up
  echo "cluster up: PostgreSQL on 127.0.0.1:$pg_port, Redis on 127.0.0.1:$redis_port; settings in $ENV_FILE"
}

workers_up() {  # Celery workers, one task at a time each, detached (pid and log files under $DIR)
  local i n="${NIANBAO_CLUSTER_WORKERS:-2}"
  for i in $(seq 1 "$n"); do
    if [ -f "$DIR/worker$i.pid" ] && kill -0 "$(cat "$DIR/worker$i.pid")" 2>/dev/null; then continue; fi
    rm -f "$DIR/worker$i.pid"
    (set -a; . "$ENV_FILE"; NIANBAO_HOME="$HOME_DIR"
     "$PY" -m celery -A orchestration.workers worker -Q dagster -c 1 -n "nianbao$i@%h" --loglevel=INFO \
       --detach --pidfile="$DIR/worker$i.pid" --logfile="$DIR/worker$i.log")
  done
  for i in $(seq 1 "$n"); do  # detached workers write their pid file once started: wait, so down finds them all
    for _ in $(seq 600); do [ -s "$DIR/worker$i.pid" ] && break; sleep 0.1; done
    [ -s "$DIR/worker$i.pid" ] || { echo "cluster-up: worker $i did not start (see $DIR/worker$i.log)" >&2; exit 1; }
  done
}

workers_down() {
  local f pid
  for f in "$DIR"/worker*.pid; do
    [ -f "$f" ] || continue
    pid="$(cat "$f")"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$f"
  done
}

down() {
  workers_down
  if [ -f "$DIR/pgdata.path" ] && [ -x "$PG_BIN/pg_ctl" ]; then
    local pg; pg="$(cat "$DIR/pgdata.path")"
    as_pg "$PG_BIN/pg_ctl" -D "$pg" -m fast -w stop >/dev/null 2>&1 || true
  fi
  if [ -f "$DIR/redis.port" ]; then
    redis-cli -p "$(cat "$DIR/redis.port")" shutdown nosave >/dev/null 2>&1 || true
  fi
  rm -f "$ENV_FILE"
  echo "cluster down (data kept under $DIR; remove it to start empty)"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
