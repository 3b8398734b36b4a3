#!/usr/bin/env bash
# Sustained audit append throughput with the hash chain, group commit and durability (every counted
# append was committed in PostgreSQL). Needs PostgreSQL on localhost:5432; creates a fresh database.
# Usage: bench/audit-throughput/run.sh [contexts] [in-flight per context] [warm-up s] [measure s]
# Prints one line: events/s, latency percentiles of append() until commit, failures.
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -q -B -o test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  -Dlogback.configurationFile=src/test/resources/logback-test.xml \
  io.bastion.audit.AuditThroughput "${1:-2}" "${2:-1000}" "${3:-5}" "${4:-15}" 2>&1 | grep 'audit append throughput'
