package io.bastion.audit;

import io.bastion.audit.AuditRecord.Action;
import io.bastion.audit.AuditRecord.Agent;
import io.bastion.audit.AuditRecord.Entity;
import io.bastion.audit.AuditRecord.Outcome;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * What the node spends per audited read on the record itself: the canonical AuditEvent of a typical read
 * (caller's thread), and the chain hash of its entry with a digest looked up per record or kept by the writer.
 * Run: bench/jmh.sh -f 1 -wi 3 -i 5 AuditEncodingBenchmark
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AuditEncodingBenchmark {

  private final AuditRecord read = new AuditRecord(AuditCodes.REST, AuditCodes.interaction("read"), Action.R,
      Instant.parse("2026-12-05T05:44:46.484Z"), Outcome.SUCCESS, null,
      List.of(new Agent(AuditCodes.AGENT_APPLICATION, "bcl_8c1f0e5a2b7d4e3f9a1b", null, true, "127.0.0.1")),
      "node-3f2a9c1d", List.of(Entity.patient("p-000123"), Entity.resource("Observation/o-000456")),
      "7f3c9a2e-1b4d-4c8e-9f0a-2d6b8e1c3a5f");
  private final String entry = ChainHash.entry(CanonicalAuditEvent.encode(read), 1_234_567);
  private final byte[] prev = new byte[32];
  private final MessageDigest kept = ChainHash.sha256();

  @Benchmark
  public String canonicalEvent() {
    return CanonicalAuditEvent.encode(read);
  }

  @Benchmark
  public byte[] hashWithDigestLookedUp() {
    return ChainHash.hash(prev, entry);
  }

  @Benchmark
  public byte[] hashWithDigestKept() {
    kept.reset();
    kept.update(prev);
    kept.update(entry.getBytes(StandardCharsets.UTF_8));
    return kept.digest();
  }
}
