#!/usr/bin/env bash
# HTTP benchmarks: a throwaway database, gunicorn on 127.0.0.1, wrk against the main pages.
# Usage: bench/run.sh   (or `make bench`). See bench/README.md for what it measures and the knobs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

DURATION="${BENCH_DURATION:-10s}"         # wrk -d per endpoint
CONNECTIONS="${BENCH_CONNECTIONS:-16}"    # wrk -c
WRK_THREADS="${BENCH_THREADS:-2}"         # wrk -t
WORKERS="${BENCH_WORKERS:-2}"             # gunicorn -w (threads per worker come from gunicorn.conf.py)
SERIAL="${BENCH_SERIAL:-1}"               # 1: also measure the big-team pages with one connection
UA="observer-school-bench"                # one User-Agent for curl and wrk, so the log tells bench traffic apart
WRK="${WRK:-/usr/bin/wrk}"
PY=.venv/bin/python

for tool in "$WRK" curl "$PY" .venv/bin/gunicorn .venv/bin/flask; do
    command -v "$tool" >/dev/null || { echo "bench: $tool not found" >&2; exit 1; }
done

TMP="$(mktemp -d /tmp/school-bench.XXXXXX)"
GUNICORN_PID=""
cleanup() {
    local rc=$?
    if [[ -n "$GUNICORN_PID" ]] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
        kill -TERM "$GUNICORN_PID" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$GUNICORN_PID" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$GUNICORN_PID" 2>/dev/null || true
        wait "$GUNICORN_PID" 2>/dev/null || true
    fi
    if [[ $rc -ne 0 && -s "$TMP/gunicorn.log" ]]; then
        echo "--- last lines of the gunicorn log ---" >&2
        grep -v -E '"GET |"method": ' "$TMP/gunicorn.log" | tail -n 30 >&2 || true  # skip per-request lines
    fi
    if [[ "${BENCH_KEEP_TMP:-0}" == 1 ]]; then echo "bench: kept $TMP" >&2; else rm -rf "$TMP"; fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export SCHOOL_ENV=development           # production refuses the default secret
export SESSION_COOKIE_SECURE=0          # plain http on 127.0.0.1
export LOGIN_ACCOUNT_LIMIT="100000 per minute" LOGIN_ADDRESS_LIMIT="100000 per minute"
export DATABASE_URL="${BENCH_DATABASE_URL:-sqlite:///$TMP/bench.db}"
DB_KIND="${DATABASE_URL%%:*}"

# 1. Database: schema, content, demo district; then the large team and activity.
echo "bench: setting up the database ($DB_KIND) in $TMP" >&2
.venv/bin/flask --app school setup >"$TMP/setup.log" 2>&1 || { cat "$TMP/setup.log" >&2; exit 1; }
PASSWORD="$(awk '$1 == "admin" && NF == 2 {print $2; exit}' "$TMP/setup.log")"
PASSWORD="${PASSWORD:-${BENCH_PASSWORD:-}}"
if [[ -z "$PASSWORD" ]]; then
    echo "bench: setup printed no demo password (the database already had users); set BENCH_PASSWORD" >&2
    exit 1
fi
SEED_START=$SECONDS
"$PY" bench/seed.py >"$TMP/seed.env" 2>"$TMP/seed.log" || { cat "$TMP/seed.log" >&2; exit 1; }
cat "$TMP/seed.log" >&2
# shellcheck disable=SC1091
source <(grep '^BENCH_[A-Z_]*=[A-Za-z0-9._-]*$' "$TMP/seed.env")
echo "bench: seeding took $((SECONDS - SEED_START))s" >&2

# 2. gunicorn on a free loopback port.
PORT="${BENCH_PORT:-$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
BASE="http://127.0.0.1:$PORT"
.venv/bin/gunicorn -c gunicorn.conf.py -b "127.0.0.1:$PORT" -w "$WORKERS" "school:create_app()" \
    >"$TMP/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
for _ in $(seq 150); do
    curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break
    kill -0 "$GUNICORN_PID" 2>/dev/null || { echo "bench: gunicorn exited" >&2; exit 1; }
    sleep 0.2
done
curl -fsS -o /dev/null "$BASE/healthz" || { echo "bench: /healthz never answered" >&2; exit 1; }

# 3. Log in (GET /login for the CSRF token and cookie, then POST) and keep the session cookie.
login() {
    local user="$1" jar="$TMP/jar-$1" token code
    token="$(curl -fsS -A "$UA" -c "$jar" "$BASE/login" \
        | sed -n 's/.*name="csrf_token" type="hidden" value="\([^"]*\)".*/\1/p' | head -n1)"
    [[ -n "$token" ]] || { echo "bench: no csrf_token on /login" >&2; return 1; }
    code="$(curl -sS -A "$UA" -b "$jar" -c "$jar" -o /dev/null -w '%{http_code}' \
        --data-urlencode "login=$user" --data-urlencode "password=$PASSWORD" \
        --data-urlencode "csrf_token=$token" "$BASE/login")"
    [[ "$code" == 302 ]] || { echo "bench: login as $user answered $code, expected 302" >&2; return 1; }
    awk '$6 == "session" {print $7}' "$jar" | tail -n1
}
CONSULTANT="$(login consultant1-1)"
COORDINATOR="$(login coordinator1)"
BIG_COORDINATOR="$(login "$BENCH_BIG_COORDINATOR")"

# 4. wrk against each endpoint. wrk counts 3xx as success, so each endpoint is checked for a
#    200 with curl before and after its run (a lost session would show as a 302 to /login).
TEAM_SMALL="/teams/$BENCH_SMALL_TEAM_ID"
TEAM_BIG="/teams/$BENCH_BIG_TEAM_ID"
# label | cookie | path | connections
ENDPOINTS=(
    "healthz||/healthz|$CONNECTIONS"
    "login GET||/login|$CONNECTIONS"
    "dashboard (consultant)|$CONSULTANT|/dashboard|$CONNECTIONS"
    "section GET, writes progress|$CONSULTANT|/modules/$BENCH_MODULE/$BENCH_SECTION|$CONNECTIONS"
    "team page, $BENCH_SMALL_TEAM_SIZE consultants|$COORDINATOR|$TEAM_SMALL|$CONNECTIONS"
    "team page, $BENCH_BIG_TEAM_SIZE consultants|$BIG_COORDINATOR|$TEAM_BIG|$CONNECTIONS"
    "readiness.csv, $BENCH_BIG_TEAM_SIZE consultants|$BIG_COORDINATOR|$TEAM_BIG/readiness.csv|$CONNECTIONS"
)
if [[ "$SERIAL" == 1 ]]; then
    ENDPOINTS+=(
        "team page, $BENCH_BIG_TEAM_SIZE consultants|$BIG_COORDINATOR|$TEAM_BIG|1"
        "readiness.csv, $BENCH_BIG_TEAM_SIZE consultants|$BIG_COORDINATOR|$TEAM_BIG/readiness.csv|1"
    )
fi

check_200() {
    local cookie="$1" path="$2" code args=(-sS -A "$UA" -o /dev/null -w '%{http_code}')
    [[ -n "$cookie" ]] && args+=(-H "Cookie: session=$cookie")
    code="$(curl "${args[@]}" "$BASE$path")"
    [[ "$code" == 200 ]] || { echo "bench: $path answered $code, expected 200" >&2; return 1; }
}

mkdir -p bench/results
STAMP="$(date +%Y%m%d-%H%M%S)"
OUT="bench/results/$STAMP.txt"
FMT="%-38s %5s %9s %9s %9s %8s %7s\n"
{
    echo "# Observer School bench $(date -Iseconds)"
    echo "# $(nproc) cores; gunicorn -w $WORKERS --threads ${THREADS:-2} (gunicorn.conf.py)," \
         "db $DB_KIND; wrk -t$WRK_THREADS -d$DURATION --timeout 30s; big team $BENCH_BIG_TEAM_SIZE consultants"
    echo "# load average at start (other work on this machine skews results): $(cut -d' ' -f1-3 /proc/loadavg)"
    # shellcheck disable=SC2059
    printf "$FMT" "endpoint" "conns" "req/s" "p50" "p99" "KB/req" "errors"
} | tee "$OUT"

for entry in "${ENDPOINTS[@]}"; do
    IFS='|' read -r label cookie path conns <<<"$entry"
    check_200 "$cookie" "$path"
    headers=(-H "User-Agent: $UA")
    [[ -n "$cookie" ]] && headers+=(-H "Cookie: session=$cookie")
    wrk_threads=$(( WRK_THREADS < conns ? WRK_THREADS : conns ))
    "$WRK" -t"$wrk_threads" -c"$conns" -d"$DURATION" --timeout 30s --latency "${headers[@]}" "$BASE$path" \
        >"$TMP/wrk.out" 2>&1
    check_200 "$cookie" "$path"
    rps="$(awk '/^Requests\/sec:/ {print $2}' "$TMP/wrk.out")"
    p50="$(awk '$1 == "50%" {print $2}' "$TMP/wrk.out")"
    p99="$(awk '$1 == "99%" {print $2}' "$TMP/wrk.out")"
    non2xx="$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$TMP/wrk.out")"
    sock="$(awk '/Socket errors:/ {n = 0; for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) n += $i; print n}' \
        "$TMP/wrk.out")"
    errors=$(( ${non2xx:-0} + ${sock:-0} ))
    # "N requests in 10.00s, 5.12MB read" -> KB per response (headers included)
    kb="$(awk '/ requests in / {
            n = $1; v = $5; u = v; sub(/^[0-9.]+/, "", v); sub(/[A-Za-z]+$/, "", u)
            m = (v == "GB") ? 1048576 : (v == "MB") ? 1024 : (v == "KB") ? 1 : 1 / 1024
            if (n > 0) printf "%.1f", u * m / n }' "$TMP/wrk.out")"
    # shellcheck disable=SC2059
    printf "$FMT" "$label" "$conns" "${rps:-?}" "${p50:-?}" "${p99:-?}" "${kb:-?}" "$errors" | tee -a "$OUT"
    cat "$TMP/wrk.out" >>"$TMP/wrk-all.out"
done
echo "bench: results written to $OUT" >&2
