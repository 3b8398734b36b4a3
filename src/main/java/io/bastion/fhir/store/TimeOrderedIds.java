package io.bastion.fhir.store;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Server-assigned resource ids: version 7 UUIDs (RFC 9562), the creation time in milliseconds in the first 48
 * bits and 74 random bits after it, written as the usual lower-case text (a valid FHIR id). Ids made one after
 * another sort one after another, so a create's entry in the {@code (res_type, res_id)} unique index and the
 * audit's patient keys land next to the previous create's, on pages already in memory, instead of at a random
 * place in an index that grows with every resource (random version 4 ids: docs/benchmarks.md, branch
 * {@code create100k}). The random part keeps ids unguessable; the time part says when the resource was created,
 * which its first {@code meta.lastUpdated} says too.
 */
public final class TimeOrderedIds implements Supplier<String> {

  private final Clock clock;
  private final SecureRandom random;

  public TimeOrderedIds(Clock clock, SecureRandom random) {
    this.clock = clock;
    this.random = random;
  }

  @Override
  public String get() {
    byte[] r = new byte[10];
    random.nextBytes(r);
    long high = clock.millis() << 16 | 0x7000L | (r[0] & 0x0fL) << 8 | (r[1] & 0xffL);
    long low = 0x8000000000000000L | (r[2] & 0x3fL) << 56;
    for (int i = 3; i < 10; i++) {
      low |= (r[i] & 0xffL) << (8 * (9 - i));
    }
    return new UUID(high, low).toString();
  }
}
