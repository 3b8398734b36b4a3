package io.bastion.security.waf.variables;

import java.util.ArrayList;
import java.util.List;

/**
 * A rule's compiled target list: the targets it inspects and the exclusions that apply to them. Immutable;
 * {@link #collect} expands it against one transaction.
 */
public final class TargetList {

  private final List<Target> includes;
  private final List<Target> exclusions;
  private final Target[] includeArray;
  /** The static exclusions that apply to each include (same index), resolved once. */
  private final Target[][] ownExclusions;
  /** Exclusions grouped by the variable they apply to, so a value is only checked against its own. */
  private final java.util.Map<Variable, Target[]> exclusionsByVariable = new java.util.EnumMap<>(Variable.class);
  private static final Target[] NONE = new Target[0];
  /**
   * Small counts as one String instance each: a transaction memoises values by identity, and the CRS's set-up rules
   * count TX members (`&TX:x "@eq 0"`) on every request, so a new "0" each time was a new memo each time.
   */
  private static final String[] SMALL_COUNTS = new String[64];

  static {
    for (int i = 0; i < SMALL_COUNTS.length; i++) {
      SMALL_COUNTS[i] = Integer.toString(i);
    }
  }

  /**
   * Dense ids of every (include, its static exclusions) pair of the rule sets loaded, keyed by description, so
   * rules with the same selection (most CRS rules read {@code ARGS}, {@code ARGS_NAMES}, ...) share one id.
   */
  private static final java.util.Map<String, Integer> SELECTION_IDS = new java.util.concurrent.ConcurrentHashMap<>();
  /** Each include's selection id, or -1 when its selection is not {@link #cacheable}. */
  private final int[] selectionIds;
  /**
   * Dense ids of every target list of the rule sets loaded whose values are {@link #fixedWithinPhase}, keyed by
   * description: the CRS's ~280 rules of a request read ~30 distinct lists.
   */
  private static final java.util.Map<String, Integer> GROUP_IDS = new java.util.concurrent.ConcurrentHashMap<>();
  /** This list's id among {@link #GROUP_IDS}, or -1 when what it collects may change within a phase. */
  private final int groupId;

  /** What receives the members a selection picks, in order. */
  public interface Sink {
    void accept(KeyedValues.Entry member);
  }

  public TargetList(List<Target> targets) {
    List<Target> inc = new ArrayList<>();
    List<Target> exc = new ArrayList<>();
    for (Target t : targets) {
      (t.exclusion() ? exc : inc).add(t);
    }
    this.includes = List.copyOf(inc);
    this.includeArray = inc.toArray(NONE);
    this.ownExclusions = new Target[includeArray.length][];
    this.exclusions = List.copyOf(exc);
    for (Target x : exc) {
      Target[] old = exclusionsByVariable.getOrDefault(x.variable(), NONE);
      Target[] grown = java.util.Arrays.copyOf(old, old.length + 1);
      grown[old.length] = x;
      exclusionsByVariable.put(x.variable(), grown);
    }
    this.selectionIds = new int[includeArray.length];
    for (int i = 0; i < includeArray.length; i++) {
      ownExclusions[i] = exclusionsByVariable.getOrDefault(includeArray[i].variable(), NONE);
      selectionIds[i] = cacheable(includeArray[i]) ? selectionId(includeArray[i], ownExclusions[i]) : -1;
    }
    this.groupId = includeArray.length > 0 && fixedWithinPhase(includeArray) ? id(GROUP_IDS, this.includes + " "
        + this.exclusions) : -1;
  }

  /**
   * Whether everything the includes collect stays the same for the rest of a phase: each reads the members of a
   * cacheable selection or a scalar of a {@link Variable#fixedWithinPhase} variable (not a count).
   */
  private static boolean fixedWithinPhase(Target[] includes) {
    for (Target t : includes) {
      if (t.count() || !t.variable().fixedWithinPhase()) {
        return false;
      }
    }
    return true;
  }

  private static int id(java.util.Map<String, Integer> ids, String key) {
    Integer id = ids.get(key);
    if (id != null) {
      return id;
    }
    synchronized (ids) {
      return ids.computeIfAbsent(key, k -> ids.size());
    }
  }

  /**
   * The id this list shares with every list of the same targets, when each value it collects stays the same for
   * the rest of a phase (see {@link Variable#fixedWithinPhase}), so a transaction may keep facts about those values
   * for the phase; -1 otherwise (a {@code TX}, {@code MATCHED_VARS}, count... target).
   */
  public int groupId() {
    return groupId;
  }

  /** How many group ids there are (over every rule set loaded). */
  public static int groupCount() {
    return GROUP_IDS.size();
  }

  /**
   * Whether what an include picks depends on nothing but its collection's members, so a transaction may keep it
   * while the collection is unchanged: members of a collection, not a count, not the per-rule RULE collection.
   */
  private static boolean cacheable(Target t) {
    return !t.count() && t.variable().kind() != Variable.Kind.SCALAR && t.variable() != Variable.RULE;
  }

  private static int selectionId(Target include, Target[] own) {
    return id(SELECTION_IDS, include + " " + java.util.Arrays.toString(own));
  }

  /** How many selection ids there are (over every rule set loaded). */
  public static int selectionCount() {
    return SELECTION_IDS.size();
  }

  /** The number of includes. */
  public int size() {
    return includeArray.length;
  }

  public Target include(int i) {
    return includeArray[i];
  }

  /** The i-th include's selection id (shared by every include with the same target and exclusions), or -1. */
  public int selectionId(int i) {
    return selectionIds[i];
  }

  /** The collection the i-th include reads (its names: the same collection), or null. */
  public KeyedValues source(VariableSource source, int i) {
    Variable v = includeArray[i].variable();
    return source.collection(v.kind() == Variable.Kind.NAMES ? v.namesOf() : v);
  }

  /** Whether the i-th include names one key exactly ({@code TX:anomaly_score}): it picks that key's members only. */
  public boolean byKey(int i) {
    return includeArray[i].key() != null;
  }

  /** Hands the members of {@code values} the i-th include picks, its static exclusions applied, to the sink. */
  public void select(int i, KeyedValues values, Sink sink) {
    Target t = includeArray[i];
    Variable v = t.variable();
    Target[] own = ownExclusions[i];
    if (t.key() != null) {
      for (KeyedValues.Entry e : values.withKey(t.key())) {
        if (own.length == 0 || !isExcluded(v, e.lowerKey(), own, NONE)) {
          sink.accept(e);
        }
      }
      return;
    }
    List<KeyedValues.Entry> entries = values.entries();
    for (int k = 0, size = entries.size(); k < size; k++) {
      KeyedValues.Entry e = entries.get(k);
      if (t.selects(e.lowerKey()) && (own.length == 0 || !isExcluded(v, e.lowerKey(), own, NONE))) {
        sink.accept(e);
      }
    }
  }

  /** As {@link #collect(VariableSource, Target[], CollectedValues)} for the i-th include only. */
  public void collect(VariableSource source, int i, Target[] runtimeExclusions, CollectedValues out) {
    collectOne(source, includeArray[i], ownExclusions[i], runtimeExclusions, out);
  }

  public List<Target> includes() {
    return includes;
  }

  public List<Target> exclusions() {
    return exclusions;
  }

  /** A copy with more targets appended (SecRuleUpdateTargetById). */
  public TargetList with(List<Target> more) {
    List<Target> all = new ArrayList<>(includes);
    all.addAll(exclusions);
    all.addAll(more);
    return new TargetList(all);
  }

  /**
   * Appends every value this target list selects in {@code source} to {@code out}, skipping members
   * excluded statically or by {@code runtimeExclusions} (from {@code ctl:ruleRemoveTarget...}).
   */
  public void collect(VariableSource source, List<Target> runtimeExclusions, List<MatchTarget> out) {
    CollectedValues buffer = new CollectedValues();
    collect(source, runtimeExclusions.toArray(NONE), buffer);
    for (int i = 0; i < buffer.size(); i++) {
      out.add(buffer.target(i));
    }
  }

  /** As {@link #collect(VariableSource, List, List)}, into a reusable buffer: allocation-free on the hot path. */
  public void collect(VariableSource source, Target[] runtimeExclusions, CollectedValues out) {
    for (int i = 0; i < includeArray.length; i++) {
      collectOne(source, includeArray[i], ownExclusions[i], runtimeExclusions, out);
    }
  }

  private static void collectOne(VariableSource source, Target t, Target[] own, Target[] runtime,
      CollectedValues out) {
    Variable v = t.variable();
    String name = v.name();
    boolean checkExclusions = own.length > 0 || runtime.length > 0;
    switch (v.kind()) {
      case SCALAR -> {
        if (checkExclusions && isExcluded(v, null, own, runtime)) {
          return;
        }
        String value = source.scalar(v);
        if (t.count()) {
          out.add(name, null, value == null ? "0" : "1", true);
        } else if (value != null) {
          out.add(name, null, value, false);
        }
      }
      case COLLECTION, NAMES -> {
        boolean names = v.kind() == Variable.Kind.NAMES;
        KeyedValues values = source.collection(names ? v.namesOf() : v);
        if (values == null) {
          if (t.count()) {
            out.add(name, t.key(), "0", true);
          }
          return;
        }
        int n = 0;
        if (t.key() != null) {
          // an exact key: only the members with that key, found without walking the collection
          KeyedValues.Entry[] same = values.withKey(t.key());
          for (KeyedValues.Entry e : same) {
            n += add(name, e, names, t.count(), checkExclusions && isExcluded(v, e.lowerKey(), own, runtime), out);
          }
        } else {
          List<KeyedValues.Entry> entries = values.entries();
          for (int i = 0, size = entries.size(); i < size; i++) {
            KeyedValues.Entry e = entries.get(i);
            if (t.selects(e.lowerKey())) {
              n += add(name, e, names, t.count(), checkExclusions && isExcluded(v, e.lowerKey(), own, runtime), out);
            }
          }
        }
        if (t.count()) {
          out.add(name, t.key(), count(n), true);
        }
      }
    }
  }

  private static String count(int n) {
    return n < SMALL_COUNTS.length ? SMALL_COUNTS[n] : Integer.toString(n);
  }

  /** Adds a selected member unless excluded; returns 1 when it counts. */
  private static int add(String name, KeyedValues.Entry e, boolean names, boolean count, boolean excluded,
      CollectedValues out) {
    if (excluded) {
      return 0;
    }
    if (!count) {
      out.add(name, e.key(), names ? e.key() : e.value(), false);
    }
    return 1;
  }

  private static boolean isExcluded(Variable v, String lowerKey, Target[] own, Target[] runtime) {
    for (Target x : own) {
      if (x.excludes(v, lowerKey)) {
        return true;
      }
    }
    for (Target x : runtime) {
      if (x.excludes(v, lowerKey)) {
        return true;
      }
    }
    return false;
  }
}
