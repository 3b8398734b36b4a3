package io.bastion.security;

import io.bastion.security.waf.Rule;
import io.bastion.security.waf.WafEngine;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One compiled load of waf.rules: the engine, which files it came from and when, and what the operations
 * side needs to know about its rules (which ids exist, which deny, their unexpanded messages). Immutable.
 */
public final class CompiledRules {

  private final WafEngine engine;
  private final List<String> files;
  private final Instant loadedAt;
  private final Set<Integer> ids;
  private final Set<Integer> denying;
  /** Raw {@code msg} text: macros unexpanded, so no request data can leak through it. */
  private final Map<Integer, String> messages;

  public CompiledRules(WafEngine engine, List<String> files, Instant loadedAt) {
    this.engine = engine;
    this.files = List.copyOf(files);
    this.loadedAt = loadedAt;
    Set<Integer> all = new HashSet<>();
    Set<Integer> deny = new HashSet<>();
    Map<Integer, String> msgs = new HashMap<>();
    for (int phase = 1; phase <= 5; phase++) {
      for (Rule r : engine.rules().phase(phase)) {
        if (r.marker() != null || r.id() == 0) {
          continue;
        }
        all.add(r.id());
        if (r.disruptive() == Rule.Disruptive.DENY || r.disruptive() == Rule.Disruptive.DROP) {
          deny.add(r.id());
        }
        if (r.msg() != null) {
          msgs.put(r.id(), r.msg().toString());
        }
      }
    }
    this.ids = Set.copyOf(all);
    this.denying = Set.copyOf(deny);
    this.messages = Map.copyOf(msgs);
  }

  public WafEngine engine() {
    return engine;
  }

  public List<String> files() {
    return files;
  }

  public Instant loadedAt() {
    return loadedAt;
  }

  public int ruleCount() {
    return engine.rules().ruleCount();
  }

  public boolean contains(int id) {
    return ids.contains(id);
  }

  boolean denying(int id) {
    return denying.contains(id);
  }

  /** The rule's message as written in the file (macros such as %{MATCHED_VAR} left unexpanded), or null. */
  public String rawMessage(int id) {
    return messages.get(id);
  }
}
