#!/usr/bin/env bash
# Bulk Data $export throughput: seeds a fresh database with synthetic patients, then times one system-level
# export from kick-off to the completed manifest. Needs PostgreSQL on localhost:5432.
# Usage: bench/export-throughput/run.sh [patients] [fetch size]
# Prints one line: resources, files, MB, seconds, resources/s, MB/s.
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -q -B -o test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  -Dlogback.configurationFile=src/test/resources/logback-test.xml \
  io.bastion.fhir.bulk.ExportThroughput "${1:-2000}" "${2:-500}" 2>&1 | grep 'export throughput'
