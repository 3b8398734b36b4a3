package io.bastion.security.waf.variables;

import java.util.Arrays;

/**
 * A reusable buffer of the values one rule inspects (what {@link MatchTarget}s describe, as parallel
 * arrays): a transaction refills one per chain depth for every rule, so collecting allocates nothing once
 * the arrays have grown to the request's size. Not thread-safe; owned by one transaction.
 */
public final class CollectedValues {

  private String[] variables = new String[16];
  private String[] keys = new String[16];
  private String[] values = new String[16];
  private boolean[] counts = new boolean[16];
  /** What the caller attached to a value (a transaction: its memo), or null. */
  private Object[] attached = new Object[16];
  private int size;

  /** Empties the buffer (references are overwritten on reuse, not cleared). */
  public void clear() {
    size = 0;
  }

  void add(String variable, String key, String value, boolean count) {
    add(variable, key, value, count, null);
  }

  /** Adds a collection member with something the caller attaches to its value (see {@link #attached}). */
  public void add(String variable, String key, String value, Object attachment) {
    add(variable, key, value, false, attachment);
  }

  private void add(String variable, String key, String value, boolean count, Object attachment) {
    if (size == values.length) {
      int n = size * 2;
      variables = Arrays.copyOf(variables, n);
      keys = Arrays.copyOf(keys, n);
      values = Arrays.copyOf(values, n);
      counts = Arrays.copyOf(counts, n);
      attached = Arrays.copyOf(attached, n);
    }
    variables[size] = variable;
    keys[size] = key;
    values[size] = value;
    counts[size] = count;
    attached[size] = attachment;
    size++;
  }

  /** What {@link #add(String, String, String, Object)} attached to the i-th value, else null. */
  public Object attached(int i) {
    return attached[i];
  }

  public int size() {
    return size;
  }

  public String value(int i) {
    return values[i];
  }

  /** The name ModSecurity reports, e.g. {@code ARGS:id}, {@code &ARGS} or {@code REQUEST_METHOD}. */
  public String name(int i) {
    String variable = counts[i] ? "&" + variables[i] : variables[i];
    return keys[i] == null ? variable : variable + ":" + keys[i];
  }

  /** The i-th value as a {@link MatchTarget} (allocates; for callers outside the hot path). */
  public MatchTarget target(int i) {
    return new MatchTarget(counts[i] ? "&" + variables[i] : variables[i], keys[i], values[i]);
  }
}
