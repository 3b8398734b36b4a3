#!/usr/bin/env bash
# Token endpoint throughput: private_key_jwt client-credentials requests against a real node (signature
# check, jti replay insert, audit append, ES256 token). Needs PostgreSQL on localhost:5432; creates a fresh
# database. Usage: bench/token-endpoint.sh [in flight] [warm-up s] [measure s]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -o test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  -Dlogback.configurationFile=src/test/resources/logback-test.xml \
  io.bastion.auth.server.TokenEndpointThroughput "${1:-16}" "${2:-5}" "${3:-15}" 2>&1 | grep 'token endpoint throughput'
