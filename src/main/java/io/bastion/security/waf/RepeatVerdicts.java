package io.bastion.security.waf;

import io.bastion.security.waf.variables.KeyedValues;
import io.bastion.security.waf.variables.Variable;
import java.util.List;

/**
 * What the rules found in the request variables this thread saw last, so a request that repeats them skips the
 * rules' work on them. Across the requests of one client most values repeat exactly (the bearer token, Accept,
 * Host, User-Agent...), while a read's new id only changes the request-line variables; evaluating every header
 * again cost a FHIR read more node CPU than the rest of the WAF.
 * <p>
 * A verdict is kept per (chain starter, include of its target list), a "slot" of {@link RuleSet#repeatSlots}: the
 * include found no match, and spent so many regex steps. It stands for a later request when the include's
 * variable holds the same keys and values: the rule is one whose operator depends on the value only
 * ({@link io.bastion.security.waf.operators.Operator#dependsOnValueOnly}), and the include reads a variable that only
 * the request sets ({@link Variable#fixedWithinPhase}); transformations are pure functions. So the include would find
 * no match again, and the transaction is charged the same regex steps. {@code capture} does not stand in the way:
 * operators write TX:0-9 only when they match, so a rule's "no match" captured nothing (most CRS detection rules
 * capture; the CRS's benign GET evaluated some 40 of them again on repeated values). A negated rule with
 * {@code capture} keeps none: its "no match" is the operator's match, which did capture.
 * Matches are never kept: a matching include is evaluated every time, its actions run as before.
 * <p>
 * Each variable has a version, bumped when a phase starts with different content than the last one seen
 * ({@link #refresh}); a verdict holds while its variable's version is not newer than the verdict. Only variables of
 * at most {@link #MAX_ENTRIES} members and {@link #MAX_CHARS} characters are kept, and none that holds what a request
 * body brought; any other counts as new at every phase. What is kept: the last request's request line and header
 * values per thread and rule set (its URI and query, headers with the bearer token), held in memory only, never
 * logged, replaced by the next request's: the same exposure as {@code operators.CredentialScans}.
 * Not thread-safe: one per thread ({@link RuleSet#repeatVerdicts()}), used by one phase at a time.
 */
final class RepeatVerdicts {

  static final int MAX_ENTRIES = 32;
  static final int MAX_CHARS = 8192;
  /** A snapshot that equals no content: the variable was too large to keep. */
  private static final Object TOO_LARGE = new Object();
  private static final Object ABSENT = new Object();

  /** Per variable ordinal: the content last seen (a String, a String[] of keys and values, ABSENT, TOO_LARGE). */
  private final Object[] seen = new Object[Variable.values().length];
  private final long[] version = new long[Variable.values().length];
  private long clock = 1;
  /** Per slot: the clock when its verdict "no match" was recorded (0: none), and the regex steps it spent. */
  private final long[] stamps;
  private final long[] steps;

  RepeatVerdicts(int slots) {
    stamps = new long[slots];
    steps = new long[slots];
  }

  /** Compares the variables the slots read with what was seen last; a changed one gets a new version. */
  void refresh(Variable[] variables, Transaction tx) {
    boolean body = tx.hasRequestBody();
    for (Variable v : variables) {
      int o = v.ordinal();
      Object before = seen[o];
      Object now = body && fromBody(v) ? TOO_LARGE
          : v.kind() == Variable.Kind.SCALAR ? scalar(tx.scalar(v), before) : members(tx.collection(v), before);
      if (now != before || now == TOO_LARGE) {
        seen[o] = now;
        version[o] = ++clock;
      }
    }
  }

  /**
   * Whether the variable holds what a request body brings (ARGS holds the body's arguments after phase 1): a body is
   * not kept beyond its request, whatever its size (clinical content, and a create's body does not repeat anyway).
   */
  private static boolean fromBody(Variable v) {
    return switch (v) {
      case ARGS, ARGS_POST, REQUEST_BODY, FILES, FILES_NAMES, FILES_SIZES, MULTIPART_PART_HEADERS, XML -> true;
      default -> false;
    };
  }

  /** Whether slot {@code slot}, reading variable {@code ordinal}, found no match in the content seen now. */
  boolean known(int slot, int ordinal) {
    return stamps[slot] >= version[ordinal] && version[ordinal] != 0;
  }

  /** The regex steps the slot's kept evaluation spent. */
  long steps(int slot) {
    return steps[slot];
  }

  /** Records that the slot found no match in the current content, spending {@code regexSteps}. */
  void record(int slot, long regexSteps) {
    stamps[slot] = clock;
    steps[slot] = regexSteps;
  }

  /** {@code before} when the scalar is the same, else what to keep for it now. */
  private static Object scalar(String value, Object before) {
    if (value == null) {
      return ABSENT;
    }
    if (value.length() > MAX_CHARS) {
      return TOO_LARGE;
    }
    return value.equals(before) ? before : value;
  }

  /** {@code before} when the collection holds the same keys and values in the same order, else what to keep now. */
  private static Object members(KeyedValues values, Object before) {
    if (values == null) {
      return ABSENT;
    }
    List<KeyedValues.Entry> entries = values.entries();
    int n = entries.size();
    if (n > MAX_ENTRIES) {
      return TOO_LARGE;
    }
    if (before instanceof String[] kept && kept.length == 2 * n) {
      boolean same = true;
      for (int i = 0; i < n && same; i++) {
        KeyedValues.Entry e = entries.get(i);
        same = e.key().equals(kept[2 * i]) && e.value().equals(kept[2 * i + 1]);
      }
      if (same) {
        return before;
      }
    }
    String[] now = new String[2 * n];
    long chars = 0;
    for (int i = 0; i < n; i++) {
      KeyedValues.Entry e = entries.get(i);
      now[2 * i] = e.key();
      now[2 * i + 1] = e.value();
      chars += e.key().length() + e.value().length();
    }
    return chars > MAX_CHARS ? TOO_LARGE : now;
  }
}
