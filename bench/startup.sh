#!/usr/bin/env bash
# Start-up time and idle RSS of a node from target/bastion.jar.
# Usage: bench/startup.sh external|embedded-first|embedded-again [runs]
#   external        PostgreSQL on localhost:5432 (a fresh database per run), no Redis
#   embedded-first  embedded PostgreSQL in a new data dir (unpack + initdb + migrations)
#   embedded-again  embedded PostgreSQL on an existing data dir
# Prints, per run: ms until /health/ready answers 200 (measured from process launch), the node's own
# "ready in N ms" figure, and RSS after 20 s idle.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:?mode}; runs=${2:-3}
port=18090
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for i in $(seq 1 "$runs"); do
  env=(BASTION_HTTP_PORT=$port BASTION_REDIS_MODE=off BASTION_ADMIN_PASSWORD=bench-password-123 BASTION_LOG_ACCESS_LOG=false)
  case "$mode" in
    external)
      db="bench_$RANDOM$RANDOM"; psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $db" postgres
      env+=(BASTION_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/$db BASTION_NODE_DATA_DIR=$work/d$i) ;;
    embedded-first) env+=(BASTION_POSTGRES_MODE=embedded BASTION_NODE_DATA_DIR=$work/d$i) ;;
    embedded-again) env+=(BASTION_POSTGRES_MODE=embedded BASTION_NODE_DATA_DIR=$work/shared) ;;
  esac
  start=$(date +%s%N)
  env "${env[@]}" java -jar target/bastion.jar serve > "$work/log$i" 2>&1 &
  pid=$!
  until curl -fsS -o /dev/null "http://127.0.0.1:$port/health/ready" 2>/dev/null; do sleep 0.02; done
  ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  own=$(grep -o 'ready on port [0-9]* in [0-9]* ms' "$work/log$i" | grep -o 'in [0-9]* ms')
  sleep 20
  rss_kib=$(ps -o rss= -p "$pid" | tr -d ' ')
  # Embedded server: the postmaster (its command line names our data dir) and its children, by PSS so
  # shared buffers are not counted once per process.
  pg_kib=0
  for pm in $(pgrep -f "postgres.*$work" || true); do
    for p in $pm $(pgrep -P "$pm" || true); do
      pss=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
      pg_kib=$((pg_kib + ${pss:-0}))
    done
  done
  echo "$mode run $i: ready after ${ready_ms} ms from launch (node: $own), idle RSS $((rss_kib / 1024)) MiB" \
    "(+ embedded PostgreSQL processes, PSS: $((pg_kib / 1024)) MiB)"
  kill -TERM "$pid"; wait "$pid" || true
  if [ "$mode" = external ]; then psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE $db" postgres; fi
done
