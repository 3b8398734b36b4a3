package io.bastion.security.waf;

import io.bastion.security.waf.bodyprocessors.BodyProcessors;
import io.bastion.security.waf.collections.PersistentCollections;
import io.bastion.security.waf.parser.SecLangParser;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The WAF engine: a compiled {@link RuleSet} plus the body processors, handing out one
 * {@link Transaction} per request. Immutable and thread-safe; share one instance, replace it to reload.
 */
public final class WafEngine {

  private final RuleSet rules;
  private final BodyProcessors bodyProcessors;
  private final AtomicLong sequence = new AtomicLong();
  private final String idPrefix = Long.toHexString(System.currentTimeMillis());

  /** Persistent IP/GLOBAL collections (shared across reloads), or null: those collections live per transaction. */
  private final PersistentCollections collections;
  private final long collectionTimeoutSeconds;

  public WafEngine(RuleSet rules) {
    this(rules, null, PersistentCollections.DEFAULT_TIMEOUT_SECONDS);
  }

  /** With a persistent-collection store for initcol (IP, GLOBAL) and the rules' SecCollectionTimeout. */
  public WafEngine(RuleSet rules, PersistentCollections collections, long collectionTimeoutSeconds) {
    this.rules = rules;
    this.bodyProcessors = BodyProcessors.standard();
    this.collections = collections;
    this.collectionTimeoutSeconds = collectionTimeoutSeconds;
  }

  /** The persistent collections, or null. */
  public PersistentCollections collections() {
    return collections;
  }

  /** Loads and compiles SecLang files (globs allowed), in order. */
  public static WafEngine load(List<Path> files) throws WafConfigException {
    SecLangParser parser = SecLangParser.standard();
    for (Path f : files) {
      parser.parseFile(f);
    }
    return new WafEngine(parser.compile());
  }

  public RuleSet rules() {
    return rules;
  }

  /** A new transaction for one request; nothing is evaluated until its process methods are called. */
  public Transaction newTransaction(WafRequest request) {
    Transaction tx = new Transaction(rules, bodyProcessors, request, idPrefix + "-" + sequence.incrementAndGet());
    if (collections != null) {
      tx.persistentCollections(collections, collectionTimeoutSeconds);
    }
    return tx;
  }
}
