# Shared by bench/run.sh and bench/load.sh (sourced, not run): a throwaway database, gunicorn (one
# instance, or two behind nginx on one port), and cleanup. Expects ROOT, TMP and PY to be set.
# shellcheck shell=bash

PIDS=()          # everything started here, stopped by stop_all
PG_DB=""         # the throwaway PostgreSQL database, dropped by drop_database
PG_ADMIN_URL="${BENCH_PG_ADMIN_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/postgres}"
REDIS_DB_URL="${BENCH_REDIS_URL:-redis://127.0.0.1:6379/14}"

free_port() {
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# Wait until the 1-minute load average is below BENCH_QUIET (unset: do not wait), at most BENCH_QUIET_WAIT
# seconds (default 1200); say what it was either way.
wait_quiet() {
    [[ -n "${BENCH_QUIET:-}" ]] || return 0
    local waited=0 limit="${BENCH_QUIET_WAIT:-1200}"
    while awk -v q="$BENCH_QUIET" '{ exit !($1 >= q) }' /proc/loadavg && (( waited < limit )); do
        (( waited % 60 == 0 )) && echo "bench: waiting for a quiet machine (load $(loadavg))" >&2
        sleep 10; waited=$(( waited + 10 ))
    done
    echo "bench: load average $(loadavg) after waiting ${waited}s" >&2
}

# DATABASE_URL: BENCH_DATABASE_URL as given; BENCH_DB=postgresql creates bench_<random> (dropped on exit);
# else SQLite in TMP.
choose_database() {
    if [[ -n "${BENCH_DATABASE_URL:-}" ]]; then
        export DATABASE_URL="$BENCH_DATABASE_URL"
    elif [[ "${BENCH_DB:-sqlite}" == postgresql ]]; then
        PG_DB="bench_$("$PY" -c 'import uuid; print(uuid.uuid4().hex[:12])')"
        "$PY" - "$PG_ADMIN_URL" "$PG_DB" <<'EOF'
import sys
from sqlalchemy import create_engine, text
with create_engine(sys.argv[1], isolation_level="AUTOCOMMIT").connect() as c:
    c.execute(text(f'CREATE DATABASE "{sys.argv[2]}"'))
EOF
        export DATABASE_URL="${PG_ADMIN_URL%/*}/$PG_DB"
    else
        export DATABASE_URL="sqlite:///$TMP/bench.db"
    fi
    DB_KIND="${DATABASE_URL%%:*}"
}

drop_database() {
    [[ -n "$PG_DB" ]] || return 0
    "$PY" - "$PG_ADMIN_URL" "$PG_DB" <<'EOF' || echo "bench: could not drop database $PG_DB" >&2
import sys
from sqlalchemy import create_engine, text
with create_engine(sys.argv[1], isolation_level="AUTOCOMMIT").connect() as c:
    c.execute(text(f'DROP DATABASE IF EXISTS "{sys.argv[2]}" WITH (FORCE)'))
EOF
    PG_DB=""
}

# Redis db for the limits when two instances share them; only that db is flushed.
use_redis() {
    export REDIS_URL="$REDIS_DB_URL"
    "$PY" -c 'import redis, sys; redis.Redis.from_url(sys.argv[1]).flushdb()' "$REDIS_URL"
}

flush_redis() {
    [[ -n "${REDIS_URL:-}" ]] || return 0
    "$PY" -c 'import redis, sys; redis.Redis.from_url(sys.argv[1]).flushdb()' "$REDIS_URL" 2>/dev/null || true
}

wait_healthy() {
    local url="$1" pid="$2"
    for _ in $(seq 150); do
        curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || { echo "bench: a server exited (see $TMP)" >&2; return 1; }
        sleep 0.2
    done
    curl -fsS -o /dev/null "$url" || { echo "bench: $url never answered" >&2; return 1; }
}

# start_gunicorn NAME PORT APP: gunicorn.conf.py settings, -w BENCH_WORKERS; sets LAST_PID.
start_gunicorn() {
    local name="$1" port="$2" app="$3"
    .venv/bin/gunicorn -c gunicorn.conf.py -b "127.0.0.1:$port" -w "$WORKERS" "$app" >"$TMP/$name.log" 2>&1 &
    LAST_PID=$!
    PIDS+=("$LAST_PID")
    wait_healthy "http://127.0.0.1:$port${HEALTH_PATH:-/healthz}" "$LAST_PID"
}

# start_nginx PORT UPSTREAM_PORT...: round robin over the instances, keep-alive to both; sets LAST_PID.
start_nginx() {
    local port="$1" servers=""
    shift
    for p in "$@"; do servers+="server 127.0.0.1:$p;"; done
    mkdir -p "$TMP/nginx"
    cat >"$TMP/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $TMP/nginx/body;
    proxy_temp_path $TMP/nginx/proxy;
    fastcgi_temp_path $TMP/nginx/fastcgi;
    uwsgi_temp_path $TMP/nginx/uwsgi;
    scgi_temp_path $TMP/nginx/scgi;
    # gunicorn closes an idle keep-alive connection after 2 s (its keepalive); nginx must drop it first,
    # or a POST sent on a connection gunicorn is closing comes back as 502 (nginx never retries a POST).
    upstream school { $servers keepalive 32; keepalive_timeout 1s; }
    server {
        listen 127.0.0.1:$port;
        client_max_body_size 20m;
        location / {
            proxy_pass http://school;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
        }
    }
}
EOF
    "$NGINX" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/error.log" &
    LAST_PID=$!
    PIDS+=("$LAST_PID")
    wait_healthy "http://127.0.0.1:$port/healthz" "$LAST_PID"
}

# The school on BASE: one gunicorn, or (BENCH_INSTANCES=2) two behind nginx. Sets BASE, APP_PIDS.
start_school() {
    local port
    port="${BENCH_PORT:-$(free_port)}"
    APP_PIDS=()
    if [[ "${BENCH_INSTANCES:-1}" == 1 ]]; then
        start_gunicorn gunicorn "$port" "school:create_app()"
        APP_PIDS+=("$LAST_PID")
    else
        NGINX="${NGINX:-/usr/sbin/nginx}"
        [[ -x "$NGINX" ]] || { echo "bench: $NGINX not found (make bench-load installs nginx-light)" >&2; return 1; }
        local ports=()
        for n in $(seq "$BENCH_INSTANCES"); do
            ports+=("$(free_port)")
            TRUSTED_PROXIES=1 start_gunicorn "gunicorn-$n" "${ports[-1]}" "school:create_app()"
            APP_PIDS+=("$LAST_PID")
        done
        start_nginx "$port" "${ports[@]}"
    fi
    BASE="http://127.0.0.1:$port"
}

stop_pid() {
    local pid="$1"
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

stop_all() {
    local pid
    for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
    PIDS=()
}

# CPU seconds (user + system) used so far by these processes and all their children (psutil, with locust).
cpu_seconds() {
    "$PY" - "$@" <<'EOF_PY'
import sys
import psutil
total = 0.0
for pid in map(int, sys.argv[1:]):
    try:
        parent = psutil.Process(pid)
        for p in [parent, *parent.children(recursive=True)]:
            times = p.cpu_times()
            total += times.user + times.system
    except psutil.NoSuchProcess:
        pass
print(f"{total:.3f}")
EOF_PY
}
