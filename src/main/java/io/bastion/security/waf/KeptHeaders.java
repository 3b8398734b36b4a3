package io.bastion.security.waf;

import io.bastion.security.waf.variables.KeyedValues;
import java.util.Locale;
import java.util.Map;

/**
 * The request headers this thread's last transaction of a rule set started with, each as its REQUEST_HEADERS member
 * and the {@link ValueMemo}s of its name and value, so a request that sends a header again (the bearer token, Accept,
 * Host, Content-Type: all of a client's reads but the request line) starts with what the rules learned about it:
 * the bytes it holds, its transformed forms, its literal scans. In the node each request brings new String
 * instances, so each transaction read every header's bytes again (the token's ~500 characters twice: the
 * byte-string check and the byte set), lower-cased its name and scanned its forms; in the loop of
 * {@code WafEngineCpuTime} the same instances came back and hid most of it.
 * <p>
 * A memo is a pure function of its value and the rule set (the forms of pure transformations, the scans of the rule
 * set's literal index), so a kept one is exactly what a new one would compute. Slot {@code i} stands for the i-th
 * header when its name and value, as received, equal the last ones seen there (compared whole: an intrinsic,
 * far cheaper than the per-character work it spares); only the first {@link #MAX_HEADERS} headers of at most
 * {@link #MAX_CHARS} characters each are kept. What is kept: the last request's header values per thread and rule
 * set, in memory only, never logged, replaced by the next request's: the same exposure as {@link RepeatVerdicts}.
 * <p>
 * Not thread-safe: one per thread ({@link RuleSet#keptHeaders()}). A transaction takes its members and memos when it
 * is made, so transactions interleaved on one thread (a request's body still arriving) each keep their own; a
 * transaction runs its phases on the thread that made it (see {@link Transaction}).
 */
final class KeptHeaders {

  static final int MAX_HEADERS = RepeatVerdicts.MAX_ENTRIES;
  static final int MAX_CHARS = 4096;

  private final String[] rawNames = new String[MAX_HEADERS];
  private final String[] rawValues = new String[MAX_HEADERS];
  private final KeyedValues.Entry[] entries = new KeyedValues.Entry[MAX_HEADERS];
  private final ValueMemo[] nameMemos = new ValueMemo[MAX_HEADERS];
  private final ValueMemo[] valueMemos = new ValueMemo[MAX_HEADERS];

  /**
   * The REQUEST_HEADERS member for header {@code i} of a request (name and value as received), its memos put into
   * {@code memos}: the kept one when the header repeats, else a new one, kept for the next request. Null when the
   * header is not kept (beyond the first {@link #MAX_HEADERS}, or too long): the caller makes the member itself.
   */
  KeyedValues.Entry entry(int i, WafRequest.Header header, Map<String, ValueMemo> memos) {
    if (i >= MAX_HEADERS) {
      return null;
    }
    String name = header.name();
    String value = header.value();
    if (value.length() > MAX_CHARS || name.length() > MAX_CHARS) {
      forget(i);
      return null;
    }
    if (!value.equals(rawValues[i]) || !name.equals(rawNames[i])) {
      String key = RequestVariables.bytes(name);
      KeyedValues.Entry e = new KeyedValues.Entry(key, key.toLowerCase(Locale.ROOT), RequestVariables.bytes(value));
      rawNames[i] = name;
      rawValues[i] = value;
      entries[i] = e;
      nameMemos[i] = new ValueMemo(e.key());
      valueMemos[i] = new ValueMemo(e.value());
    }
    KeyedValues.Entry e = entries[i];
    memos.putIfAbsent(e.key(), nameMemos[i]);
    memos.putIfAbsent(e.value(), valueMemos[i]);
    return e;
  }

  private void forget(int i) {
    rawNames[i] = null;
    rawValues[i] = null;
    entries[i] = null;
    nameMemos[i] = null;
    valueMemos[i] = null;
  }
}
