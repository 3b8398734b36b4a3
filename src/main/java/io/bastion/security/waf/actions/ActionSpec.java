package io.bastion.security.waf.actions;

import java.util.ArrayList;
import java.util.List;

/**
 * One action as written in a rule's action list: {@code name} or {@code name:value}, value unquoted.
 *
 * @param name  the action name
 * @param value the argument, or null when there is none
 */
public record ActionSpec(String name, String value) {

  /**
   * Splits an action list ({@code "id:1,phase:2,msg:'a, b',t:none"}) into actions. Commas inside single
   * quotes do not split; {@code \'} inside quotes is a literal quote. Whitespace around actions (left by
   * line continuations) is dropped.
   *
   * @throws IllegalArgumentException on an unterminated quote
   */
  public static List<ActionSpec> parseList(String text) {
    List<ActionSpec> out = new ArrayList<>();
    int n = text.length();
    int i = 0;
    while (i < n) {
      while (i < n && (Character.isWhitespace(text.charAt(i)) || text.charAt(i) == ',')) {
        i++;
      }
      if (i >= n) {
        break;
      }
      int start = i;
      while (i < n && text.charAt(i) != ':' && text.charAt(i) != ',') {
        i++;
      }
      String name = text.substring(start, i).trim();
      String value = null;
      if (i < n && text.charAt(i) == ':') {
        i++;
        while (i < n && text.charAt(i) == ' ') {
          i++;
        }
        StringBuilder v = new StringBuilder();
        if (i < n && text.charAt(i) == '\'') {
          i++;
          boolean closed = false;
          while (i < n) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < n && text.charAt(i + 1) == '\'') {
              v.append('\'');
              i += 2;
            } else if (c == '\'') {
              closed = true;
              i++;
              break;
            } else {
              v.append(c);
              i++;
            }
          }
          if (!closed) {
            throw new IllegalArgumentException("unterminated quote in action " + name);
          }
          while (i < n && text.charAt(i) != ',') {
            i++;
          }
        } else {
          while (i < n && text.charAt(i) != ',') {
            v.append(text.charAt(i));
            i++;
          }
        }
        value = v.toString().trim();
      }
      out.add(new ActionSpec(name, value));
    }
    return out;
  }
}
