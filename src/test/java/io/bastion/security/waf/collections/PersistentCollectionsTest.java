package io.bastion.security.waf.collections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.security.waf.Interruption;
import io.bastion.security.waf.Transaction;
import io.bastion.security.waf.WafEngine;
import io.bastion.security.waf.WafRequest;
import io.bastion.security.waf.parser.SecLangParser;
import io.bastion.security.waf.variables.KeyedValues;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The node's IP and GLOBAL collections: initcol, setvar, expirevar, SecCollectionTimeout, bounds, concurrency. */
class PersistentCollectionsTest {

  private final AtomicLong now = new AtomicLong(1_000_000);

  private static final String RULES = """
      SecCollectionTimeout 600
      SecAction "id:1,phase:1,pass,nolog,initcol:ip=%{REMOTE_ADDR},initcol:global=global"
      SecRule ARGS "@contains evil" "id:2,phase:1,pass,log,setvar:ip.strikes=+1,setvar:global.attacks=+1,\\
        setvar:ip.flagged=1,expirevar:ip.flagged=60"
      SecRule IP:strikes "@ge 3" "id:3,phase:1,deny,log"
      SecRule &IP:flagged "@eq 1" "id:4,phase:1,pass,log"
      """;

  private WafEngine engine(PersistentCollections store) throws Exception {
    SecLangParser parser = SecLangParser.standard().parseText(Path.of("collections.conf"), RULES);
    return new WafEngine(parser.compile(), store, parser.collectionTimeoutSeconds());
  }

  private static Transaction run(WafEngine engine, String ip, String query) {
    Transaction tx = engine.newTransaction(new WafRequest("GET", "/x?" + query, "HTTP/1.1", List.of(), null, ip));
    tx.processRequestHeaders();
    tx.persistCollections();
    return tx;
  }

  @Test
  void ipCountersPersistAcrossTransactionsPerAddressAndGlobalAcrossAll() throws Exception {
    PersistentCollections store = new PersistentCollections(1000, now::get);
    WafEngine engine = engine(store);
    assertEquals(null, run(engine, "10.0.0.1", "q=evil").interruption());
    assertEquals(null, run(engine, "10.0.0.1", "q=evil").interruption());
    assertEquals(null, run(engine, "10.0.0.2", "q=evil").interruption());
    Interruption third = run(engine, "10.0.0.1", "q=evil").interruption();
    assertEquals(3, third == null ? 0 : third.ruleId(), "the third strike from one address is denied");
    assertEquals("1", store.load("ip", "10.0.0.2").get("strikes"));
    assertEquals("4", store.load("global", "global").get("attacks"));

    // a new engine (a reload) over the same store keeps the counts
    assertEquals(3, run(engine(store), "10.0.0.1", "q=fine").interruption().ruleId());
    // expirevar: flagged lives 60 s, the record (SecCollectionTimeout 600) longer
    assertTrue(run(engine, "10.0.0.2", "q=fine").loggedRuleIds().contains(4));
    now.addAndGet(61_000);
    assertEquals(false, run(engine, "10.0.0.2", "q=fine").loggedRuleIds().contains(4));
    assertEquals("1", store.load("ip", "10.0.0.2").get("strikes"));
    now.addAndGet(600_000);
    assertEquals(Map.of(), store.load("ip", "10.0.0.2"), "the whole record expired");
    assertEquals(null, run(engine, "10.0.0.1", "q=evil").interruption(), "strikes start again after the timeout");
  }

  @Test
  void withoutAStoreIpIsPerTransactionAsBefore() throws Exception {
    SecLangParser parser = SecLangParser.standard().parseText(Path.of("collections.conf"), RULES);
    WafEngine engine = new WafEngine(parser.compile());
    for (int i = 0; i < 4; i++) {
      assertEquals(null, run(engine, "10.0.0.1", "q=evil").interruption());
    }
  }

  @Test
  void concurrentIncrementsMergeAsDeltas() throws Exception {
    PersistentCollections store = new PersistentCollections(1000, now::get);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    for (int t = 0; t < 8; t++) {
      pool.submit(() -> {
        for (int i = 0; i < 500; i++) {
          Map<String, String> before = store.load("ip", "10.0.0.9");
          KeyedValues after = new KeyedValues();
          before.forEach(after::set);
          long hits = before.containsKey("hits") ? Long.parseLong(before.get("hits")) : 0;
          after.set("hits", Long.toString(hits + 1));
          after.set("last", "x");
          store.commit("ip", "10.0.0.9", before, after, Map.of(), 600);
        }
      });
    }
    pool.shutdown();
    assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
    assertEquals("4000", store.load("ip", "10.0.0.9").get("hits"));
  }

  @Test
  void deletedVariablesGoAndRecordsStayBounded() {
    PersistentCollections store = new PersistentCollections(10, now::get);
    KeyedValues values = new KeyedValues();
    values.set("a", "1");
    values.set("b", "text");
    store.commit("ip", "1.1.1.1", Map.of(), values, Map.of(), 600);
    KeyedValues fewer = new KeyedValues();
    fewer.set("a", "1");
    store.commit("ip", "1.1.1.1", store.load("ip", "1.1.1.1"), fewer, Map.of(), 600);
    assertEquals(Map.of("a", "1"), store.load("ip", "1.1.1.1"));

    for (int i = 0; i < 50; i++) {
      now.incrementAndGet();
      store.commit("ip", "10.1.0." + i, Map.of(), values, Map.of(), 600);
      assertTrue(store.size() <= 10, "bounded: " + store.size());
    }
    assertEquals(Map.of(), store.load("ip", "10.1.0.0"), "the least recently updated went first");
    assertEquals("1", store.load("ip", "10.1.0.49").get("a"));
  }
}
