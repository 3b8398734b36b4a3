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
    for (int i = 0; i < includeArray.length; i++) {
      ownExclusions[i] = exclusionsByVariable.getOrDefault(includeArray[i].variable(), NONE);
    }
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
        List<KeyedValues.Entry> entries = values.entries();
        int n = 0;
        for (int i = 0, size = entries.size(); i < size; i++) {
          KeyedValues.Entry e = entries.get(i);
          if (!t.selects(e.lowerKey()) || (checkExclusions && isExcluded(v, e.lowerKey(), own, runtime))) {
            continue;
          }
          n++;
          if (!t.count()) {
            out.add(name, e.key(), names ? e.key() : e.value(), false);
          }
        }
        if (t.count()) {
          out.add(name, t.key(), Integer.toString(n), true);
        }
      }
    }
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
