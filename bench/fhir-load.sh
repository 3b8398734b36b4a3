#!/usr/bin/env bash
# FHIR throughput, end to end: starts a node from target/bastion.jar on a fresh database in the local
# PostgreSQL (127.0.0.1:5432), seeds synthetic patients with `bastion ctl seed`, runs the load driver
# (io.bastion.bench.FhirLoad: closed loop, fixed concurrency) for each scenario, then prints PostgreSQL row
# counts and sizes and the node's RSS, stops the node and drops the database.
#
# Usage: bench/fhir-load.sh [options] [-- extra FhirLoad options]
#   --patients N        patients to seed (default 100000; e.g. 10000 for a quick run)
#   --concurrency N     connections with one request in flight each (default 32)
#   --warmup S          unmeasured seconds per scenario (default 60: the JIT compiler threads still take ~0.4 of
#                       a core 30-40 s after start, ~0.06 at 60-75 s; docs/benchmarks.md, "JIT warm-up")
#   --duration S        measured seconds per scenario (default 30)
#   --scenarios LIST    comma-separated (default read,search-patient,search-observation,create,transaction)
#   --env KEY=VALUE     extra environment for the node, repeatable (e.g. --env BASTION_WAF_MODE=on
#                       --env BASTION_WAF_RULES=/etc/crs/crs-setup.conf,/etc/crs/rules/*.conf)
#   --jvm-opt OPT       extra JVM option for the node, repeatable (e.g. --jvm-opt -XX:StartFlightRecording=...)
#   --auth on|off       on (default, the node's default): the driver uses a bearer token from the node's own
#                       token endpoint (a client with system/*.cruds); off: BASTION_AUTH_ENABLED=false
#   --port N            node HTTP port (default 18091; the ctl bridge uses N+1)
#   --keep-db           keep the database afterwards (its name is printed); use with --data-dir, or the PHI
#                       master key (in the node's data dir) is gone and the kept PHI cannot be read again
#   --data-dir DIR      the node's data dir (PHI master key, keystores): created if missing, never deleted
#                       (default: a temporary dir, deleted at the end)
#   --db NAME           use this database: created and seeded when it does not exist; when it exists it is
#                       reused as it is and the seed, VACUUM ANALYZE and CHECKPOINT are skipped (give the same
#                       --data-dir as the run that seeded it); a database given here is never dropped
#   --waf-modes LIST    compare WAF modes on one running node instead of one node per mode: e.g. off,on. After a
#                       warm-up in each mode (--warmup seconds), --rounds rounds switch the mode with `bastion ctl
#                       waf mode` and measure each scenario for --duration seconds after a 10 s settle, the modes'
#                       order reversed every other round (ABBA), then print each mode's share of the first mode's
#                       throughput on the sums. Runs minutes apart on this shared machine drift by up to 1.5x;
#                       interleaved slices of one warm node do not (docs/benchmarks.md). Start the node with the
#                       rules to compare (--env BASTION_WAF_RULES=...): `off` only bypasses them.
#   --rounds N          rounds of --waf-modes (default 3)
#   Seed once, then measure many times:
#     bench/fhir-load.sh --db bench_fhir_mine --data-dir /tmp/mine-data --scenarios read --duration 5
#     bench/fhir-load.sh --db bench_fhir_mine --data-dir /tmp/mine-data --scenarios search-patient --warmup 60
#   and drop it yourself at the end: psql -h 127.0.0.1 -U postgres -c 'DROP DATABASE bench_fhir_mine' postgres
# The driver alone, against any running node (after `bench/fhir-load.sh --help` has built it once):
#   java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" io.bastion.bench.FhirLoad --help
set -euo pipefail
cd "$(dirname "$0")/.."

patients=100000 concurrency=32 warmup=60 duration=30 port=18091 keep_db=false auth=on
scenarios=read,search-patient,search-observation,create,transaction
data_dir= db= waf_modes= rounds=3
node_env=() jvm_opts=() driver_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --patients) patients=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --scenarios) scenarios=$2; shift 2 ;;
    --env) node_env+=("$2"); shift 2 ;;
    --jvm-opt) jvm_opts+=("$2"); shift 2 ;;
    --port) port=$2; shift 2 ;;
    --auth) auth=$2; shift 2 ;;
    --keep-db) keep_db=true; shift ;;
    --data-dir) data_dir=$2; shift 2 ;;
    --db) db=$2; keep_db=true; shift 2 ;;
    --waf-modes) waf_modes=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --help|-h) sed -n '2,32p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --) shift; driver_args=("$@"); break ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

step() { printf '\n== %s (load average %s)\n' "$1" "$(cut -d' ' -f1-3 /proc/loadavg)"; }

step "build"
# the jar when any main source or resource is newer than it; the driver's classes and classpath always
if [ ! -f target/bastion.jar ] || [ -n "$(find src/main pom.xml -newer target/bastion.jar -print -quit)" ]; then
  ./mvnw -q -B -o -DskipTests package || ./mvnw -q -B -DskipTests package
fi
cp_goals=(test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt)
./mvnw -q -B -o "${cp_goals[@]}" || ./mvnw -q -B "${cp_goals[@]}"
driver_cp="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"

work=$(mktemp -d)
[ -n "$db" ] || db="bench_fhir_$(date +%s)_$$"
[ -n "$data_dir" ] || data_dir="$work/data"
mkdir -p "$data_dir"
reuse=false
if [ "$(psql -h 127.0.0.1 -U postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$db'" postgres)" = 1 ]; then
  reuse=true
fi
token="bench-ctl-token-$RANDOM$RANDOM$RANDOM"
node_pid=
cleanup() {
  if [ -n "$node_pid" ] && kill -0 "$node_pid" 2>/dev/null; then
    kill -TERM "$node_pid"; wait "$node_pid" 2>/dev/null || true
  fi
  if [ "$keep_db" = false ]; then
    psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db" postgres >/dev/null 2>&1 || true
  else
    echo "database kept: $db"
  fi
  rm -rf "$work"
}
trap cleanup EXIT

[ "$auth" = off ] && node_env+=(BASTION_AUTH_ENABLED=false)
step "node on :$port, database $db (auth $auth$([ "$reuse" = true ] && echo ', reused: no seed'))"
[ "$reuse" = true ] || psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $db" postgres
env BASTION_HTTP_PORT="$port" BASTION_CTL_PORT=$((port + 1)) BASTION_CTL_TOKEN="$token" \
  BASTION_POSTGRES_URL="postgresql://postgres@127.0.0.1:5432/$db" BASTION_NODE_DATA_DIR="$data_dir" \
  BASTION_ADMIN_PASSWORD=bench-password-123 BASTION_AUTH_SERVER_TOKEN_LIFETIME_SECONDS=3600 "${node_env[@]}" \
  java "${jvm_opts[@]}" -jar target/bastion.jar serve > "$work/node.log" 2>&1 &
node_pid=$!
for _ in $(seq 1 600); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/health/ready" 2>/dev/null && break
  kill -0 "$node_pid" 2>/dev/null || { echo "the node exited; its log:"; tail -30 "$work/node.log"; exit 1; }
  sleep 0.1
done
curl -fsS -o /dev/null "http://127.0.0.1:$port/health/ready" || { echo "the node is not ready after 60 s"; tail -30 "$work/node.log"; exit 1; }
grep -o 'ready on port[^"]*' "$work/node.log" | head -1 || true

if [ "$reuse" = false ]; then
step "seed $patients patients"
java -jar target/bastion.jar ctl seed --patients "$patients" --seed 1 --port $((port + 1)) --token "$token"
# how the seed went (empty-store load phases), without the progress lines; the node's CPU time so far
grep -o '"formattedMessage":"seed: [^"]*"' "$work/node.log" | grep -v ' resources"$' | sed 's/^"formattedMessage":"//; s/"$//' || true
echo "node JVM CPU after the seed: $(awk '{printf "%.1f s", ($14 + $15) / 100}' "/proc/$node_pid/stat")"
# fresh planner statistics, as autovacuum would give after a while: the plans must not depend on its timing;
# then a checkpoint, so that the seed's hundreds of MB of dirty pages are on disk before the load starts: while
# they are being written back, every WAL flush (each audited request's commit) queues behind them, a cost
# that belongs to the seed, not to the scenario
psql -q -h 127.0.0.1 -U postgres -d "$db" -c "VACUUM ANALYZE" -c "CHECKPOINT"
fi

auth_args=()
if [ "$auth" = on ]; then
  step "client and bearer token (client_credentials against /auth/token)"
  added=$(java -jar target/bastion.jar ctl clients add --name fhir-load --scopes "system/*.cruds" --generate-secret \
    --port $((port + 1)) --token "$token")
  client_id=$(echo "$added" | awk '/^client_id/ {print $2}')
  client_secret=$(echo "$added" | awk '/^client_secret/ {print $2}')
  bearer=$(curl -fsS -u "$client_id:$client_secret" -d grant_type=client_credentials -d scope="system/*.cruds" \
    "http://127.0.0.1:$port/auth/token" | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
  auth_args=(--header "Authorization: Bearer $bearer")
fi

load() { # warm-up seconds, measured seconds
  java -cp "$driver_cp" -Dlogback.configurationFile=src/test/resources/logback-test.xml io.bastion.bench.FhirLoad \
    --url "http://127.0.0.1:$port/fhir" --scenarios "$scenarios" --concurrency "$concurrency" \
    --warmup "$1" --duration "$2" "${auth_args[@]}" "${driver_args[@]}"
}
waf_mode() {
  java -jar target/bastion.jar ctl waf mode "$1" --port $((port + 1)) --token "$token" > /dev/null
}
status=0
if [ -z "$waf_modes" ]; then
  step "load: concurrency $concurrency, ${warmup} s warm-up + ${duration} s measured per scenario"
  load "$warmup" "$duration" || status=$?
else
  IFS=, read -r -a modes <<< "$waf_modes"
  for mode in "${modes[@]}"; do
    step "warm-up with the WAF $mode: ${warmup} s per scenario"
    waf_mode "$mode"
    load "$warmup" 1 > /dev/null || status=$?
  done
  results="$work/interleaved.tsv"
  for round in $(seq 1 "$rounds"); do
    order=("${modes[@]}")
    if [ $((round % 2)) = 0 ]; then # ABBA: a drift through the round weighs on every mode alike
      order=(); for ((i = ${#modes[@]} - 1; i >= 0; i--)); do order+=("${modes[$i]}"); done
    fi
    for mode in "${order[@]}"; do
      step "round $round of $rounds, WAF $mode: 10 s settle + ${duration} s measured per scenario"
      waf_mode "$mode"
      load 10 "$duration" | tee "$work/slice.txt" || status=$?
      awk -v mode="$mode" -v round="$round" '$2 == "'"$concurrency"'" && $4 ~ /^[0-9.]+$/ {print round "\t" mode "\t" $1 "\t" $4 "\t" $6}' \
        "$work/slice.txt" >> "$results"
    done
  done
  step "WAF modes interleaved: req/s per round (p99 ms), and each mode's share of ${modes[0]}'s on the sums"
  awk -F'\t' -v first="${modes[0]}" '
    { key = $3 SUBSEP $2; sum[key] += $4; cells[key] = cells[key] sprintf(" %9.1f (%6.2f)", $4, $5)
      if (!($3 in seen)) { seen[$3] = 1; scen[++n] = $3 }
      if (!($2 in seenMode)) { seenMode[$2] = 1; mode[++m] = $2 } }
    END {
      for (i = 1; i <= n; i++) for (j = 1; j <= m; j++) {
        key = scen[i] SUBSEP mode[j]; base = sum[scen[i] SUBSEP first]
        printf "%-20s %-16s%s   share %5.1f%%\n", scen[i], mode[j], cells[key], (base > 0 ? 100 * sum[key] / base : 0)
      }
    }' "$results"
fi

step "PostgreSQL: rows and sizes"
psql -q -h 127.0.0.1 -U postgres -d "$db" -P footer=off <<'SQL'
SELECT c.relname AS "table",
       to_char((xpath('//n/text()', query_to_xml('SELECT count(*) AS n FROM ' || c.relname, false, false, '')))[1]::text::bigint, 'FM999,999,999') AS "rows",
       pg_size_pretty(pg_relation_size(c.oid)) AS "heap",
       pg_size_pretty(pg_indexes_size(c.oid)) AS "indexes",
       pg_size_pretty(pg_total_relation_size(c.oid)) AS "total (with TOAST)"
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public' AND c.relkind = 'r' AND (c.relname LIKE 'fhir%' OR c.relname LIKE 'audit%')
 ORDER BY pg_total_relation_size(c.oid) DESC;
SELECT pg_size_pretty(pg_database_size(current_database())) AS "database size";
SQL

step "node"
echo "node RSS: $(( $(ps -o rss= -p "$node_pid" | tr -d ' ') / 1024 )) MiB (pid $node_pid, after the load)"
errors=$(grep -c '"level":"ERROR"' "$work/node.log" || true)
echo "node log: $(wc -l < "$work/node.log") lines, $errors at ERROR level"
[ "$errors" = 0 ] || grep '"level":"ERROR"' "$work/node.log" | head -5
exit $status
