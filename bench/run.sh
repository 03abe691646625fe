#!/usr/bin/env bash
# HTTP benchmarks: a throwaway database, gunicorn on 127.0.0.1, wrk against the main pages, each row
# also printed as a share of a hello-world Flask app measured first under the same gunicorn settings.
# Usage: bench/run.sh   (or `make bench`). See bench/README.md for what it measures and the knobs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

DURATION="${BENCH_DURATION:-10s}"                # wrk -d per endpoint
SERIAL_DURATION="${BENCH_SERIAL_DURATION:-20s}"  # wrk -d for the one-connection rows (p95 needs samples)
CONNECTIONS="${BENCH_CONNECTIONS:-16}"           # wrk -c
WRK_THREADS="${BENCH_THREADS:-2}"                # wrk -t
WORKERS="${BENCH_WORKERS:-2}"                    # gunicorn -w (threads per worker come from gunicorn.conf.py)
SERIAL="${BENCH_SERIAL:-1}"                      # 1: also measure the big pages with one connection
UA="observer-school-bench"                       # one User-Agent for curl and wrk, so the log tells bench traffic apart
WRK="${WRK:-/usr/bin/wrk}"
PY=.venv/bin/python
export BENCH_COUNTRY="${BENCH_COUNTRY:-50000}"   # consultants for the admin overview (0: no country)

for tool in "$WRK" curl "$PY" .venv/bin/gunicorn .venv/bin/flask ${BENCH_PROFILE:+.venv/bin/py-spy}; do
    command -v "$tool" >/dev/null || { echo "bench: $tool not found" >&2; exit 1; }
done

TMP="$(mktemp -d /tmp/school-bench.XXXXXX)"
# shellcheck source=bench/lib.sh
source bench/lib.sh
cleanup() {
    local rc=$?
    stop_all
    if [[ $rc -ne 0 ]]; then
        for log in "$TMP"/gunicorn*.log; do
            [[ -s "$log" ]] || continue
            echo "--- last lines of $log ---" >&2
            grep -v -E '" HTTP/1\.[01]" |"method": ' "$log" | tail -n 30 >&2 || true  # skip per-request lines
        done
    fi
    drop_database
    flush_redis
    if [[ "${BENCH_KEEP_TMP:-0}" == 1 ]]; then echo "bench: kept $TMP" >&2; else rm -rf "$TMP"; fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export SCHOOL_ENV=development           # production refuses the default secret
export SESSION_COOKIE_SECURE=0          # plain http on 127.0.0.1
export LOGIN_ACCOUNT_LIMIT="100000 per minute" LOGIN_ADDRESS_LIMIT="100000 per minute"
choose_database
[[ "${BENCH_INSTANCES:-1}" == 1 ]] || use_redis   # two instances share the limits through Redis

# 1. Database: schema, content, demo district; the large team and activity; the quiz pools; the country.
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
"$PY" bench/pools.py wrk "$TMP" >>"$TMP/seed.env" 2>>"$TMP/seed.log" || { cat "$TMP/seed.log" >&2; exit 1; }
if [[ "$BENCH_COUNTRY" != 0 ]]; then
    "$PY" bench/country.py 2>>"$TMP/seed.log" || { cat "$TMP/seed.log" >&2; exit 1; }
fi
cat "$TMP/seed.log" >&2
# shellcheck disable=SC1091
source <(grep '^BENCH_[A-Z_]*=[A-Za-z0-9._-]*$' "$TMP/seed.env")
echo "bench: seeding took $((SECONDS - SEED_START))s" >&2

# 2. wrk, one row at a time: req/s, share of the ceiling, p50/p95/p99 (bench/wrk.lua), KB/response, errors.
mkdir -p bench/results
STAMP="$(date +%Y%m%d-%H%M%S)"
OUT="bench/results/$STAMP.txt"
FMT="%-44s %5s %9s %6s %9s %9s %9s %7s %7s %6s\n"
CEILING=""
wait_quiet
{
    echo "# Observer School bench $(date -Iseconds)"
    echo "# $(nproc) cores; gunicorn -w $WORKERS --threads ${THREADS:-2} (gunicorn.conf.py) x ${BENCH_INSTANCES:-1}," \
         "db $DB_KIND; wrk -t$WRK_THREADS -d$DURATION (one connection: -d$SERIAL_DURATION) --timeout 30s;" \
         "big team $BENCH_BIG_TEAM_SIZE consultants; country $BENCH_COUNTRY"
    echo "# load average at start (other work on this machine skews results): $(loadavg)"
    # shellcheck disable=SC2059
    printf "$FMT" "endpoint" "conns" "req/s" "share" "p50" "p95" "p99" "CPU ms" "KB/req" "errors"
} | tee "$OUT"

# measure LABEL COOKIE PATH CONNS [REQUESTS_FILE [ONCE]]: one wrk run, one printed row.
measure() {
    local label="$1" cookie="$2" path="$3" conns="$4" requests="${5:-}" once="${6:-0}"
    local duration="$DURATION" wrk_threads=$(( WRK_THREADS < conns ? WRK_THREADS : conns ))
    [[ "$conns" == 1 ]] && duration="$SERIAL_DURATION"
    local headers=(-H "User-Agent: $UA")
    [[ -n "$cookie" ]] && headers+=(-H "Cookie: session=$cookie")
    profile_start "$label" "$duration"
    local cpu0 cpu1
    cpu0="$(cpu_seconds "${APP_PIDS[@]}")"
    BENCH_REQUESTS="$requests" BENCH_ONCE="$once" BENCH_WRK_THREADS="$wrk_threads" \
        "$WRK" -t"$wrk_threads" -c"$conns" -d"$duration" --timeout 30s --latency -s bench/wrk.lua \
        "${headers[@]}" "$BASE$path" >"$TMP/wrk.out" 2>&1
    cpu1="$(cpu_seconds "${APP_PIDS[@]}")"
    profile_stop
    cat "$TMP/wrk.out" >>"$TMP/wrk-all.out"
    STATUSES="$(sed -n 's/^BENCH_STATUS //p' "$TMP/wrk.out")"
    REQUESTS="$(awk '/ requests in / {print $1}' "$TMP/wrk.out")"
    local rps p50 p95 p99 non2xx sock errors kb cpu_ms share="—"
    rps="$(awk '/^Requests\/sec:/ {print $2}' "$TMP/wrk.out")"
    read -r p50 p95 p99 < <(sed -n 's/^BENCH_LATENCY p50=\([0-9.]*\) p95=\([0-9.]*\) p99=\([0-9.]*\)$/\1ms \2ms \3ms/p' \
        "$TMP/wrk.out")
    non2xx="$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$TMP/wrk.out")"
    sock="$(awk '/Socket errors:/ {n = 0; for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) n += $i; print n}' \
        "$TMP/wrk.out")"
    errors=$(( ${non2xx:-0} + ${sock:-0} ))
    # "N requests in 10.00s, 5.12MB read" -> KB per response (headers included)
    kb="$(awk '/ requests in / {
            n = $1; v = $5; u = v; sub(/^[0-9.]+/, "", v); sub(/[A-Za-z]+$/, "", u)
            m = (v == "GB") ? 1048576 : (v == "MB") ? 1024 : (v == "KB") ? 1 : 1 / 1024
            if (n > 0) printf "%.1f", u * m / n }' "$TMP/wrk.out")"
    if [[ -z "$CEILING" ]]; then
        CEILING="$rps" share="100%"
    elif [[ "$conns" == "$CONNECTIONS" ]]; then
        share="$(awk -v r="$rps" -v c="$CEILING" 'BEGIN { printf "%.1f%%", 100 * r / c }')"
    fi
    # server CPU per request (every worker; py-spy's own cost is not in it): steadier than req/s on a busy machine
    cpu_ms="$(awk -v a="$cpu0" -v b="$cpu1" -v n="$REQUESTS" 'BEGIN { if (n > 0) printf "%.2f", 1000 * (b - a) / n }')"
    # shellcheck disable=SC2059
    printf "$FMT" "$label" "$conns" "${rps:-?}" "$share" "${p50:-?}" "${p95:-?}" "${p99:-?}" "${cpu_ms:-?}" "${kb:-?}" \
        "$errors" | tee -a "$OUT"
}

# BENCH_PROFILE=REGEX: py-spy on every worker while the rows whose label matches run; top lines in
# bench/results/. --gil samples only the thread holding the GIL: where the CPU goes, not who waits for it.
PROFILE_PIDS=()
profile_start() {
    PROFILE_PIDS=()
    [[ -n "${BENCH_PROFILE:-}" && "$1" =~ ${BENCH_PROFILE} ]] || return 0
    PROFILE_LABEL="$1"
    local seconds="${2%s}" n=0 worker
    rm -f "$TMP"/profile-*.txt
    for worker in $(pgrep -P "$(IFS=,; echo "${APP_PIDS[*]}")"); do
        n=$((n + 1))
        .venv/bin/py-spy record --gil --nonblocking -r 200 -d "$seconds" -f raw -o "$TMP/profile-$n.txt" -p "$worker" \
            >/dev/null 2>&1 &
        PROFILE_PIDS+=("$!")
    done
}
profile_stop() {
    [[ ${#PROFILE_PIDS[@]} -gt 0 ]] || return 0
    local pid
    for pid in "${PROFILE_PIDS[@]}"; do wait "$pid" || true; done
    local name="${PROFILE_LABEL//[^A-Za-z0-9]/-}"
    cat "$TMP"/profile-*.txt >"bench/results/$STAMP-profile-$name.txt"
    "$PY" bench/pyspy_top.py "bench/results/$STAMP-profile-$name.txt" >"bench/results/$STAMP-profile-$name.top"
    echo "bench: profile of «$PROFILE_LABEL» in bench/results/$STAMP-profile-$name.top" >&2
}

# The ceiling first: bench/hello.py under the same gunicorn settings, then stopped.
HELLO_PORT="$(free_port)"
HEALTH_PATH=/ start_gunicorn hello "$HELLO_PORT" "bench.hello:app"
HELLO_PID="$LAST_PID" APP_PIDS=("$LAST_PID")
BASE="http://127.0.0.1:$HELLO_PORT"
measure "hello-world Flask (the ceiling)" "" "/" "$CONNECTIONS" "" 0 </dev/null
stop_pid "$HELLO_PID"

start_school

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
ADMIN="$(login admin)"

# wrk counts 3xx as success, so a page is checked for a 200 with curl before and after its run (a lost
# session would show as a 302 to /login); the prepared POSTs are checked in the database instead.
check_200() {
    local cookie="$1" path="$2" code args=(-sS -A "$UA" -o /dev/null -w '%{http_code}')
    [[ -n "$cookie" ]] && args+=(-H "Cookie: session=$cookie")
    code="$(curl "${args[@]}" "$BASE$path")"
    [[ "$code" == 200 ]] || { echo "bench: $path answered $code, expected 200" >&2; return 1; }
}
page() {  # page LABEL COOKIE PATH CONNS
    check_200 "$2" "$3"
    measure "$@"
    check_200 "$2" "$3"
}
# One prepared request line (bench/pools.py) sent by curl: prints the response body.
send_line() {
    local method path cookie body accept args
    IFS=$'\t' read -r method path cookie body accept < <(sed -n "${2}p" "$1")
    args=(-sS -A "$UA" -X "$method" -H "Cookie: session=$cookie" -H "Accept: ${accept:-*/*}")
    [[ -n "$body" ]] && args+=(--data "$body")
    curl "${args[@]}" "$BASE$path"
}
pool_check() {  # pool_check POOL CONNS: answers saved / attempts started / graded = wrk's requests (database check)
    "$PY" bench/pools.py check "$TMP" "$1" "$REQUESTS" "$2" "$STATUSES" | tee -a "$OUT"
}

IFS=$'\t' read -r _ PAGE_PATH PAGE_COOKIE _ < <(head -n1 "$TMP/page.tsv")
send_line "$TMP/save.tsv" 1 | grep -q '"saved":\[1\]' || { echo "bench: a prepared save was not acknowledged" >&2; exit 1; }

page "healthz" "" "/healthz" "$CONNECTIONS"
page "login GET" "" "/login" "$CONNECTIONS"
page "dashboard (consultant)" "$CONSULTANT" "/dashboard" "$CONNECTIONS"
page "section GET, writes progress" "$CONSULTANT" "/modules/$BENCH_MODULE/$BENCH_SECTION" "$CONNECTIONS"
check_200 "$PAGE_COOKIE" "$PAGE_PATH"
measure "quiz page (open attempt, $BENCH_QUESTIONS questions)" "" "/" "$CONNECTIONS" "$TMP/page.tsv"
check_200 "$PAGE_COOKIE" "$PAGE_PATH"
measure "save one answer (autosave POST)" "" "/" "$CONNECTIONS" "$TMP/save.tsv" 1
REQUESTS=$(( REQUESTS + 1 )) pool_check save "$CONNECTIONS"  # + the one sent by curl above
measure "start an attempt (a fresh consultant each)" "" "/" "$CONNECTIONS" "$TMP/start.tsv" 1
pool_check start "$CONNECTIONS"
measure "submit an attempt ($BENCH_QUESTIONS answers, graded)" "" "/" "$CONNECTIONS" "$TMP/submit.tsv" 1
pool_check submit "$CONNECTIONS"
TEAM_SMALL="/teams/$BENCH_SMALL_TEAM_ID"
TEAM_BIG="/teams/$BENCH_BIG_TEAM_ID"
page "team page, $BENCH_SMALL_TEAM_SIZE consultants" "$COORDINATOR" "$TEAM_SMALL" "$CONNECTIONS"
page "team page, $BENCH_BIG_TEAM_SIZE consultants" "$BIG_COORDINATOR" "$TEAM_BIG" "$CONNECTIONS"
page "readiness.csv, $BENCH_BIG_TEAM_SIZE consultants" "$BIG_COORDINATOR" "$TEAM_BIG/readiness.csv" "$CONNECTIONS"
if [[ "$SERIAL" == 1 ]]; then
    page "team page, $BENCH_BIG_TEAM_SIZE consultants" "$BIG_COORDINATOR" "$TEAM_BIG" 1
    page "readiness.csv, $BENCH_BIG_TEAM_SIZE consultants" "$BIG_COORDINATOR" "$TEAM_BIG/readiness.csv" 1
    [[ "$BENCH_COUNTRY" == 0 ]] || page "admin overview, country of $BENCH_COUNTRY consultants" "$ADMIN" "/admin/" 1
fi
echo "# load average at the end: $(loadavg)" | tee -a "$OUT"
echo "bench: results written to $OUT" >&2
