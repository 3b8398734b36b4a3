package io.bastion.fhir.bulk;

import io.bastion.config.ConfigReader;
import io.bastion.config.NodeConfig;
import java.nio.file.Path;

/**
 * fhir.export: where Bulk Data $export writes its NDJSON files, how many jobs run at once, how they stream
 * and how long their files are kept.
 *
 * @param dir                   the directory holding one sub-directory per job
 * @param maxConcurrentJobs     jobs running at once on this node; a kick-off beyond it answers 429
 * @param maxResourcesPerFile   a type's output is split into files of at most this many resources
 * @param fetchSize             rows fetched from PostgreSQL per round trip (the cursor's batch)
 * @param retentionHours        a finished job's files and status are removed this long after it finished
 * @param cleanupIntervalSeconds how often expired jobs are looked for
 */
public record ExportConfig(Path dir, int maxConcurrentJobs, int maxResourcesPerFile, int fetchSize, int retentionHours,
    int cleanupIntervalSeconds) {

  public static ExportConfig read(ConfigReader r, NodeConfig node) {
    String dir = r.string("fhir.export.dir");
    return new ExportConfig(
        dir.isEmpty() ? node.dataDir().resolve("exports") : Path.of(dir).toAbsolutePath().normalize(),
        r.integer("fhir.export.max-concurrent-jobs", 1, 64),
        r.integer("fhir.export.max-resources-per-file", 1, 10_000_000),
        r.integer("fhir.export.fetch-size", 1, 100_000),
        r.integer("fhir.export.retention-hours", 1, 24 * 90),
        r.integer("fhir.export.cleanup-interval-seconds", 1, 86_400));
  }
}
