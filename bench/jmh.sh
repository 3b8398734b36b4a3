#!/usr/bin/env bash
# Runs JMH benchmarks (classes named *Benchmark under src/test/java) with the test classpath.
# Usage: bench/jmh.sh [JMH options and benchmark regex], e.g. bench/jmh.sh -f 1 -wi 3 -i 5 TokenVerifierBenchmark
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/jmh-classpath.txt
exec java -cp "target/test-classes:target/classes:$(cat target/jmh-classpath.txt)" org.openjdk.jmh.Main "$@"
