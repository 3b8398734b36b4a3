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
    this.exclusions = List.copyOf(exc);
    for (Target x : exc) {
      Target[] old = exclusionsByVariable.getOrDefault(x.variable(), NONE);
      Target[] grown = java.util.Arrays.copyOf(old, old.length + 1);
      grown[old.length] = x;
      exclusionsByVariable.put(x.variable(), grown);
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
    for (Target t : includes) {
      collectOne(source, t, runtimeExclusions, out);
    }
  }

  private void collectOne(VariableSource source, Target t, List<Target> runtime, List<MatchTarget> out) {
    Variable v = t.variable();
    String name = v.name();
    Target[] own = exclusionsByVariable.getOrDefault(v, NONE);
    switch (v.kind()) {
      case SCALAR -> {
        if (isExcluded(v, null, own, runtime)) {
          return;
        }
        String value = source.scalar(v);
        if (t.count()) {
          out.add(new MatchTarget("&" + name, null, value == null ? "0" : "1"));
        } else if (value != null) {
          out.add(new MatchTarget(name, null, value));
        }
      }
      case COLLECTION, NAMES -> {
        boolean names = v.kind() == Variable.Kind.NAMES;
        KeyedValues values = source.collection(names ? v.namesOf() : v);
        if (values == null) {
          if (t.count()) {
            out.add(new MatchTarget("&" + name, t.key(), "0"));
          }
          return;
        }
        int n = 0;
        for (KeyedValues.Entry e : values.entries()) {
          if (!t.selects(e.lowerKey()) || ((own.length > 0 || !runtime.isEmpty())
              && isExcluded(v, e.lowerKey(), own, runtime))) {
            continue;
          }
          n++;
          if (!t.count()) {
            out.add(new MatchTarget(name, e.key(), names ? e.key() : e.value()));
          }
        }
        if (t.count()) {
          out.add(new MatchTarget("&" + name, t.key(), Integer.toString(n)));
        }
      }
    }
  }

  private static boolean isExcluded(Variable v, String lowerKey, Target[] own, List<Target> runtime) {
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
