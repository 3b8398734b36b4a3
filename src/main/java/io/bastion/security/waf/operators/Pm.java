package io.bastion.security.waf.operators;

import io.bastion.security.waf.transformations.ByteSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code @pm phrase1 phrase2 ...} and {@code @pmFromFile file.data}: case-insensitive multi-phrase match
 * (Aho-Corasick). Data files hold one phrase per line; {@code #} comments and blank lines are ignored;
 * paths are relative to the rule file. With {@code capture}, TX:0 is the phrase found.
 * Example: {@code SecRule REQUEST_HEADERS:User-Agent "@pmFromFile scanners-user-agents.data" "id:1,..."}.
 */
public final class Pm implements Operator {

  private final AhoCorasick automaton;
  /** Bytes a matching value holds one of: one byte of each phrase, chosen together ({@link RequiredBytes#anyOf}). */
  private final ByteSet requiredBytes;

  private final List<String> phrases;

  private Pm(List<String> phrases) {
    this.automaton = new AhoCorasick(phrases);
    this.phrases = List.copyOf(phrases);
    this.requiredBytes = requiredBytes(java.util.function.UnaryOperator.identity());
  }

  /**
   * The phrases' bytes chosen for what the chain makes of them: t:normalizePath can make a "/" of a "." (".." becomes
   * "../"), so "/" costs every JSON argument name (they all hold a ".") and another byte of the same phrases is chosen.
   */
  @Override
  public ByteSet requiredBytes(java.util.function.UnaryOperator<ByteSet> inputsFor) {
    ByteSet bytes = phrases.isEmpty() ? ByteSet.ALL : inputsFor.apply(RequiredBytes.anyOf(phrases, inputsFor));
    return bytes.isAll() ? ByteSet.ALL : bytes;
  }

  /**
   * A value holding a phrase holds each of its bytes (letters in either case, as the automaton folds them), so it
   * holds the byte chosen for the phrase: a value holding none of the chosen bytes cannot match. One byte shared by
   * many phrases stands for all of them (the '/' or '.' of the file paths of lfi-os-files.data, the '$' or '/' of
   * unix-shell.data), so far fewer values are scanned than with each phrase's own rarest byte.
   */
  @Override
  public ByteSet requiredBytes() {
    return requiredBytes;
  }

  public static Pm ofPhrases(String argument) {
    return new Pm(AhoCorasick.splitPhrases(argument));
  }

  public static Pm fromFiles(String argument, OperatorFactory.Environment env) {
    List<String> phrases = new ArrayList<>();
    for (String file : argument.trim().split("\\s+")) {
      Path path = env.ruleFileDir().resolve(file);
      try {
        for (String line : Files.readAllLines(path, StandardCharsets.ISO_8859_1)) {
          String t = line.trim();
          if (!t.isEmpty() && !t.startsWith("#")) {
            phrases.add(t);
          }
        }
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read data file " + path + ": " + e.getMessage());
      }
    }
    return new Pm(phrases);
  }

  @Override
  public boolean matches(MatchContext ctx, String input) {
    String found = automaton.find(input);
    if (found != null && ctx.capturing()) {
      ctx.capture(0, found);
    }
    return found != null;
  }

  @Override
  public boolean dependsOnValueOnly() {
    return true;
  }
}
