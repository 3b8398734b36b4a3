package io.bastion.security.waf.variables;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A string with {@code %{VAR}} / {@code %{VAR.key}} references (as in {@code msg}, {@code logdata},
 * {@code setvar} and some operator arguments), parsed once and expanded per transaction. A reference to
 * something that does not exist expands to the empty string... except that an unknown variable name is
 * kept verbatim, so literal text like {@code %{foo}} survives.
 */
public final class Macro {

  private record Part(String literal, Variable variable, String key) {
  }

  private final String source;
  private final List<Part> parts;

  private Macro(String source, List<Part> parts) {
    this.source = source;
    this.parts = parts;
  }

  public static Macro parse(String text) {
    List<Part> parts = new ArrayList<>();
    int i = 0;
    StringBuilder lit = new StringBuilder();
    while (i < text.length()) {
      int start = text.indexOf("%{", i);
      if (start < 0) {
        lit.append(text, i, text.length());
        break;
      }
      int end = text.indexOf('}', start + 2);
      if (end < 0) {
        lit.append(text, i, text.length());
        break;
      }
      lit.append(text, i, start);
      String ref = text.substring(start + 2, end);
      int dot = ref.indexOf('.');
      int colon = ref.indexOf(':');
      int sep = dot < 0 ? colon : colon < 0 ? dot : Math.min(dot, colon);
      String name = sep < 0 ? ref : ref.substring(0, sep);
      Variable v = Variable.byName(name);
      if (v == null) {
        lit.append(text, start, end + 1);
      } else {
        if (lit.length() > 0) {
          parts.add(new Part(lit.toString(), null, null));
          lit.setLength(0);
        }
        parts.add(new Part(null, v, sep < 0 ? null : ref.substring(sep + 1).toLowerCase(Locale.ROOT)));
      }
      i = end + 1;
    }
    if (lit.length() > 0) {
      parts.add(new Part(lit.toString(), null, null));
    }
    return new Macro(text, List.copyOf(parts));
  }

  /** True when there is nothing to expand. */
  public boolean isConstant() {
    for (Part p : parts) {
      if (p.variable() != null) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether every reference is to a TX variable by name or to one of {@code alsoAllowed}; the TX names
   * (lower-cased) are added to {@code txKeys}.
   */
  public boolean readsOnlyTx(java.util.Set<Variable> alsoAllowed, java.util.Collection<String> txKeys) {
    for (Part p : parts) {
      if (p.variable() == null) {
        continue;
      }
      if (p.variable() == Variable.TX && p.key() != null) {
        txKeys.add(p.key());
      } else if (!alsoAllowed.contains(p.variable())) {
        return false;
      }
    }
    return true;
  }

  public String expand(VariableSource source) {
    if (parts.size() == 1) {
      // a constant, or one reference alone (%{tx.restricted_headers_basic}): its value as it is, not a copy
      Part only = parts.get(0);
      if (only.literal() != null) {
        return only.literal();
      }
      String v = resolve(source, only.variable(), only.key());
      return v == null ? "" : v;
    }
    StringBuilder sb = new StringBuilder();
    for (Part p : parts) {
      if (p.literal() != null) {
        sb.append(p.literal());
      } else {
        String v = resolve(source, p.variable(), p.key());
        if (v != null) {
          sb.append(v);
        }
      }
    }
    return sb.toString();
  }

  private static String resolve(VariableSource source, Variable v, String key) {
    if (v.kind() == Variable.Kind.SCALAR) {
      return source.scalar(v);
    }
    KeyedValues c = source.collection(v.kind() == Variable.Kind.NAMES ? v.namesOf() : v);
    if (c == null) {
      return null;
    }
    if (key == null) {
      return c.size() == 0 ? null : c.entries().get(0).value();
    }
    return c.get(key);
  }

  @Override
  public String toString() {
    return source;
  }
}
