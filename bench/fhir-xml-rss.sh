#!/usr/bin/env bash
# Idle RSS of one node from target/bastion.jar before and after the FHIR XML warm-up (HAPI's context), and the
# time of the first XML requests. Needs PostgreSQL on 127.0.0.1:5432 (a fresh database is made and dropped).
# Usage: bench/fhir-xml-rss.sh [port]
set -euo pipefail
cd "$(dirname "$0")/.."
port=${1:-18393}
db="bench_xml_$RANDOM$RANDOM"; psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $db" postgres
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
BASTION_HTTP_PORT=$port BASTION_REDIS_MODE=off BASTION_ADMIN_PASSWORD=bench-password-123 BASTION_LOG_ACCESS_LOG=false \
  BASTION_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/$db BASTION_NODE_DATA_DIR=$work/d \
  java -jar target/bastion.jar serve > "$work/log" 2>&1 &
pid=$!
for _ in $(seq 1 1200); do curl -fsS -o /dev/null "http://127.0.0.1:$port/health/ready" 2>/dev/null && break; sleep 0.1; done
rss() { echo $(( $(ps -o rss= -p "$pid") / 1024 )); }
echo "ready: RSS $(rss) MiB, HAPI context built: $(grep -c 'Creating new FHIR context' "$work/log" || true)"
sleep 20
echo "+20 s: RSS $(rss) MiB, HAPI context built: $(grep -c 'Creating new FHIR context' "$work/log" || true)"
for what in "first XML" "second XML"; do
  curl -s -o /dev/null -w "$what /fhir/metadata: %{http_code} in %{time_total} s\n" "http://127.0.0.1:$port/fhir/metadata?_format=xml"
done
curl -s -o /dev/null -w "JSON /fhir/metadata: %{http_code} in %{time_total} s\n" "http://127.0.0.1:$port/fhir/metadata"
sleep 5
echo "after the requests: RSS $(rss) MiB"
kill -TERM "$pid"; wait "$pid" || true
psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE $db" postgres
