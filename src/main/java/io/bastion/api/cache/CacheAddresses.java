package io.bastion.api.cache;

/** Event-bus addresses of the cache capability (bound when the capability lands). */
public final class CacheAddresses {

  public static final String INVALIDATE = "bastion.cache.invalidate";
  public static final String STATS = "bastion.cache.stats";
  public static final String FLUSH = "bastion.cache.flush";

  private CacheAddresses() {
  }
}
