package io.bastion.security.waf;

import io.bastion.security.waf.transformations.ByteSet;
import java.util.List;
import java.util.Map;

/**
 * One phase's rules as {@code Transaction}'s walk reads them before it evaluates one: in dense arrays indexed like
 * the phase's list, so passing a rule over (a marker, a rule skipped to a marker, one removed at runtime, one whose
 * target group holds no byte it needs) reads a few words here instead of the rule's object, its target list and its
 * byte set. In the node a CRS read walks some 350 rules per request and evaluates about 50; the rest were passed
 * over, but each cost the cache misses on its object (the node's other work evicts the ~29 MB rule set between two
 * reads), which made the engine's walk several times dearer there than in a hot loop. Immutable; one per phase of a
 * {@link RuleSet}.
 */
final class PhaseWalk {

  /** The rules, in phase order: loaded only for a rule the walk evaluates. */
  final Rule[] rules;
  /** Per rule, its id (0 for a marker), for the runtime removals by id. */
  final int[] ids;
  /**
   * Per rule, its marker's number when it is a SecMarker, else -1: markers and {@code skipAfter} names are compared
   * as numbers ({@code markerNumbers}, one per name of the rule set), not as strings held by the rules.
   */
  final int[] markers;
  /** Per rule, the number of the marker its {@code skipAfter} names, or -1. */
  final int[] skipTo;
  /**
   * Per rule, the target group {@code Transaction#cannotMatch} asks about ({@link
   * io.bastion.security.waf.variables.TargetList#groupId}, several rules reading it), or -1 when it asks nothing: a
   * marker, an unconditional rule, a target list not fixed within the phase or only this rule's.
   */
  final int[] groups;
  /** Per rule with a group, whether it needs every byte ({@link ByteSet#ALL}: a negated operator, say). */
  final boolean[] needsAll;
  /** Per rule, the four words of {@link Rule#needs}. */
  final long[] needs;

  PhaseWalk(List<Rule> phase, Map<String, Integer> markerNumbers, RuleSet set) {
    int n = phase.size();
    rules = phase.toArray(new Rule[0]);
    ids = new int[n];
    markers = new int[n];
    skipTo = new int[n];
    groups = new int[n];
    needsAll = new boolean[n];
    needs = new long[4 * n];
    for (int i = 0; i < n; i++) {
      Rule r = rules[i];
      ids[i] = r.id();
      markers[i] = r.marker() == null ? -1 : markerNumbers.get(r.marker());
      skipTo[i] = r.skipAfter() == null ? -1 : markerNumbers.get(r.skipAfter());
      int g = r.marker() != null || r.unconditional() ? -1 : r.targets().groupId();
      groups[i] = g >= 0 && set.sharedGroup(g) ? g : -1;
      ByteSet b = r.marker() != null ? ByteSet.ALL : r.needs();
      needsAll[i] = b == ByteSet.ALL;
      needs[4 * i] = b.w0;
      needs[4 * i + 1] = b.w1;
      needs[4 * i + 2] = b.w2;
      needs[4 * i + 3] = b.w3;
    }
  }

  int size() {
    return rules.length;
  }
}
