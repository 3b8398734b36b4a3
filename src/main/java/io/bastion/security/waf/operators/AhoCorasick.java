package io.bastion.security.waf.operators;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A case-insensitive (ASCII) Aho-Corasick automaton over byte strings, built once, searched in one pass.
 * Used by {@code @pm} and {@code @pmFromFile}.
 */
final class AhoCorasick {

  private static final class Node {
    final Map<Character, Node> next = new HashMap<>(4);
    Node fail;
    String output;
  }

  private final Node root = new Node();

  AhoCorasick(List<String> phrases) {
    for (String p : phrases) {
      if (p.isEmpty()) {
        continue;
      }
      Node n = root;
      for (int i = 0; i < p.length(); i++) {
        n = n.next.computeIfAbsent(lower(p.charAt(i)), k -> new Node());
      }
      n.output = p;
    }
    ArrayDeque<Node> queue = new ArrayDeque<>();
    for (Node child : root.next.values()) {
      child.fail = root;
      queue.add(child);
    }
    while (!queue.isEmpty()) {
      Node n = queue.poll();
      for (Map.Entry<Character, Node> e : n.next.entrySet()) {
        Node child = e.getValue();
        Node f = n.fail;
        while (f != null && !f.next.containsKey(e.getKey())) {
          f = f.fail;
        }
        child.fail = f == null ? root : f.next.get(e.getKey());
        if (child.output == null && child.fail.output != null) {
          child.output = child.fail.output;
        }
        queue.add(child);
      }
    }
  }

  private static char lower(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
  }

  /** The first phrase found in the input, or null. */
  String find(String input) {
    Node n = root;
    for (int i = 0; i < input.length(); i++) {
      char c = lower(input.charAt(i));
      while (n != root && !n.next.containsKey(c)) {
        n = n.fail;
      }
      n = n.next.getOrDefault(c, root);
      if (n.output != null) {
        return n.output;
      }
    }
    return null;
  }

  static List<String> splitPhrases(String argument) {
    List<String> out = new ArrayList<>();
    for (String s : argument.trim().split("\\s+")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }
}
