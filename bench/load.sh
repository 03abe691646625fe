#!/usr/bin/env bash
# The deadline rush (`make bench-load`): 1,000 consultants, signed in beforehand, start the same quiz
# within a minute, answer every question with autosave and submit (bench/load/locustfile.py, headless,
# bounded in time); then bench/load/check.py compares what the clients were told with the database.
# Twice: SQLite behind one gunicorn, then PostgreSQL behind two gunicorn instances and nginx on one port
# (Redis for the limits); the last line gives PostgreSQL against SQLite. See bench/README.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

USERS="${BENCH_LOAD_USERS:-1000}"                  # consultants in the rush
SPAWN_SECONDS="${BENCH_LOAD_SPAWN:-60}"            # all of them start within this many seconds
RUN_TIME="${BENCH_LOAD_TIME:-8m}"                  # the hard bound; the run ends earlier when all are done
export BENCH_LOAD_THINK="${BENCH_LOAD_THINK:-3-9}"  # seconds between two answers (uniform)
PHASES="${BENCH_LOAD_PHASES:-sqlite postgresql}"   # sqlite: one instance; postgresql: two behind nginx
WORKERS="${BENCH_WORKERS:-2}"                      # gunicorn -w per instance
PY=.venv/bin/python

for tool in curl "$PY" .venv/bin/gunicorn .venv/bin/flask .venv/bin/locust; do
    command -v "$tool" >/dev/null || { echo "bench-load: $tool not found" >&2; exit 1; }
done

RUN_DIR="$(mktemp -d /tmp/school-load.XXXXXX)"
TMP="$RUN_DIR"
# shellcheck source=bench/lib.sh
source bench/lib.sh
cleanup() {
    local rc=$?
    stop_all
    drop_database
    flush_redis
    if [[ "${BENCH_KEEP_TMP:-0}" == 1 ]]; then echo "bench-load: kept $RUN_DIR" >&2; else rm -rf "$RUN_DIR"; fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export SCHOOL_ENV=development SESSION_COOKIE_SECURE=0
mkdir -p bench/results
OUT="bench/results/load-$(date +%Y%m%d-%H%M%S).txt"
echo "# Observer School bench-load $(date -Iseconds): $USERS consultants within ${SPAWN_SECONDS}s," \
     "think ${BENCH_LOAD_THINK}s per question; $(nproc) cores; gunicorn -w $WORKERS --threads ${THREADS:-2}" | tee "$OUT"

STATUS=0
for phase in $PHASES; do
    TMP="$RUN_DIR/$phase"
    mkdir -p "$TMP"
    unset DATABASE_URL REDIS_URL
    if [[ "$phase" == postgresql ]]; then
        BENCH_DB=postgresql choose_database
        use_redis
        export BENCH_INSTANCES=2
    else
        BENCH_DB=sqlite choose_database
        export BENCH_INSTANCES=1
    fi
    echo "bench-load: $phase: setting up ($DB_KIND, $BENCH_INSTANCES instance(s)) in $TMP" >&2
    .venv/bin/flask --app school setup >"$TMP/setup.log" 2>&1 || { cat "$TMP/setup.log" >&2; exit 1; }
    "$PY" bench/seed.py >/dev/null 2>"$TMP/seed.log" || { cat "$TMP/seed.log" >&2; exit 1; }
    "$PY" bench/pools.py load "$USERS" "$TMP/users.json"
    start_school
    wait_quiet
    echo "# $phase: $BENCH_INSTANCES gunicorn instance(s), db $DB_KIND; load average at start: $(loadavg)" | tee -a "$OUT"
    cpu0="$(cpu_seconds "${APP_PIDS[@]}")" t0=$SECONDS
    BENCH_LOAD_USERS="$TMP/users.json" BENCH_LOAD_ACKS="$TMP/acks.jsonl" BENCH_LOAD_CPU="$TMP/cpu.json" \
        .venv/bin/locust -f bench/load/locustfile.py --headless --host "$BASE" -u "$USERS" \
        -r "$(awk -v u="$USERS" -v s="$SPAWN_SECONDS" 'BEGIN { printf "%.3f", u / s }')" \
        --run-time "$RUN_TIME" --stop-timeout 30 --csv "$TMP/locust" --only-summary \
        >"$TMP/locust.log" 2>&1 || true  # check.py judges the run; locust exits 1 on any failure
    cpu1="$(cpu_seconds "${APP_PIDS[@]}")"
    tail -n 25 "$TMP/locust.log" >&2
    echo "# $phase: load average at the end: $(loadavg); gunicorn CPU $(awk -v a="$cpu0" -v b="$cpu1" \
        -v t=$((SECONDS - t0)) -v n="$(nproc)" 'BEGIN { printf "%.0f s in %d s, %.0f%% of the machine", b - a, t,
        100 * (b - a) / t / n }')" | tee -a "$OUT"
    "$PY" bench/load/check.py --pool "$TMP/users.json" --acks "$TMP/acks.jsonl" --stats "$TMP/locust" \
        --cpu "$TMP/cpu.json" --label "$phase" --out "$OUT" "$TMP"/gunicorn*.log || STATUS=1
    stop_all
    drop_database
    flush_redis
done
"$PY" - "$OUT" <<'EOF' | tee -a "$OUT"
import re, sys
lines = {m[1]: m for m in (re.match(r"^(\w+): .*\((\d+)/s\).*p50 ([\d.]+) ms, p95 ([\d.]+) ms", l)
                          for l in open(sys.argv[1])) if m}
if {"sqlite", "postgresql"} <= lines.keys():
    s, p = lines["sqlite"], lines["postgresql"]
    print(f"# postgresql (2 instances) against sqlite (1): throughput {int(p[2]) / int(s[2]):.2f}x, "
          f"save p50 {float(s[3]) / float(p[3]):.2f}x and p95 {float(s[4]) / float(p[4]):.2f}x as fast")
EOF
echo "bench-load: results in $OUT" >&2
exit $STATUS
