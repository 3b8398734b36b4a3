package io.bastion.security.waf.transformations;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Interns the transformation chains of one rule set while it compiles: equal chains (the same
 * transformation instances in the same order) become one {@link TransformChain}, and each chain's prefixes
 * are interned too, so rules that share a chain or a prefix share its memoised results per value.
 */
public final class TransformChains {

  private final Map<List<Transformation>, TransformChain> byList = new HashMap<>();
  private final List<TransformChain> all = new ArrayList<>();
  private final TransformChain empty;

  public TransformChains() {
    empty = new TransformChain(0, new Transformation[0], null);
    byList.put(List.of(), empty);
    all.add(empty);
  }

  /** The interned chain for these transformations, in order. */
  public synchronized TransformChain intern(List<Transformation> steps) {
    TransformChain found = byList.get(steps);
    if (found != null) {
      return found;
    }
    List<Transformation> copy = List.copyOf(steps);
    TransformChain parent = intern(copy.subList(0, copy.size() - 1));
    TransformChain chain = new TransformChain(all.size(), copy.toArray(new Transformation[0]), parent);
    byList.put(copy, chain);
    all.add(chain);
    return chain;
  }

  /** How many chains (ids 0..count-1) were interned. */
  public synchronized int count() {
    return all.size();
  }
}
