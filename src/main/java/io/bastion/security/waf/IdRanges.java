package io.bastion.security.waf;

import java.util.Arrays;

/**
 * Rule id ranges a transaction's {@code ctl} actions removed, in the order they were added, in one int array with
 * the bounds of their union: the engine asks them about every rule it reaches, and a list of {@code int[]} pairs
 * cost a load per range (the CRS's FHIR exclusions add 19 ranges to every /fhir request). Not thread-safe.
 */
final class IdRanges {

  private int[] pairs = new int[8];
  private int size;
  private int min = Integer.MAX_VALUE;
  private int max = Integer.MIN_VALUE;

  void add(int fromId, int toId) {
    if (2 * size == pairs.length) {
      pairs = Arrays.copyOf(pairs, pairs.length * 2);
    }
    pairs[2 * size] = fromId;
    pairs[2 * size + 1] = toId;
    size++;
    min = Math.min(min, fromId);
    max = Math.max(max, toId);
  }

  int size() {
    return size;
  }

  /** Whether {@code id} lies within the union's bounds: when not, no range holds it. */
  boolean inRange(int id) {
    return id >= min && id <= max;
  }

  /** Whether range {@code i} holds {@code id}. */
  boolean contains(int i, int id) {
    return id >= pairs[2 * i] && id <= pairs[2 * i + 1];
  }

  /** Whether some range shares an id with {@code fromId..toId}. */
  boolean overlaps(int fromId, int toId) {
    if (toId < min || fromId > max) {
      return false;
    }
    for (int i = 0; i < size; i++) {
      if (pairs[2 * i] <= toId && pairs[2 * i + 1] >= fromId) {
        return true;
      }
    }
    return false;
  }

  /** Whether any range holds {@code id}. */
  boolean contains(int id) {
    if (!inRange(id)) {
      return false;
    }
    for (int i = 0; i < size; i++) {
      if (contains(i, id)) {
        return true;
      }
    }
    return false;
  }
}
