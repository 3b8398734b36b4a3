package io.bastion.security.waf;

import io.bastion.security.waf.variables.KeyedValues;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The argument names that request bodies parsed on this thread brought (a JSON body's paths, {@code json.name.0.family}),
 * each with its lower-cased key and the {@link ValueMemo} of the name, so a body with the same structure as an earlier
 * one starts with what the rules learned about its names: the bytes they hold, their transformed forms, their literal
 * scans. FHIR clients send resources of a few shapes, so a create's names are nearly all ones seen before, while each
 * body brings new String instances, and each transaction lower-cased every name, read its bytes and scanned it again
 * for the ARGS_NAMES rules.
 * <p>
 * A memo is a pure function of its value and the rule set (see {@link KeptHeaders}), so a kept one is exactly what a
 * new one would compute, and the name's String is equal to the one parsed. Names only: a body's values (PHI in FHIR)
 * are not kept, as {@link RepeatVerdicts} keeps nothing a body brought. At most {@link #MAX_NAMES} names of at most
 * {@link #MAX_CHARS} characters each; when the table is full it is emptied and fills again with the names that come
 * next (a client sending ever new names costs one table of lookups, not a growing memory).
 * <p>
 * Not thread-safe: one per thread and rule set ({@link RuleSet#keptArgNames()}). Transactions interleaved on one
 * thread may share a kept memo: a memo only ever fills in what its value determines.
 */
final class KeptArgNames {

  static final int MAX_NAMES = 1024;
  static final int MAX_CHARS = 256;

  /** A kept name: its member's key and lower-cased key, and its memo. */
  private record Name(String key, String lowerKey, ValueMemo memo) {
  }

  private final Map<String, Name> names = new HashMap<>(2 * MAX_NAMES);

  /**
   * The ARGS_POST member for a body argument, its name's memo put into {@code memos}: the kept name when it was seen
   * before, else a new one, kept for the next body. Null when the name is too long to keep: the caller makes the
   * member itself.
   */
  KeyedValues.Entry entry(String name, String value, Map<String, ValueMemo> memos) {
    if (name.length() > MAX_CHARS) {
      return null;
    }
    Name kept = names.get(name);
    if (kept == null) {
      if (names.size() == MAX_NAMES) {
        names.clear();
      }
      kept = new Name(name, name.toLowerCase(Locale.ROOT), new ValueMemo(name));
      names.put(name, kept);
    }
    memos.putIfAbsent(kept.key(), kept.memo());
    return new KeyedValues.Entry(kept.key(), kept.lowerKey(), value);
  }
}
