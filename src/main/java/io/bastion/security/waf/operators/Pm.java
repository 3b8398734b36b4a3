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
  /** Bytes a matching value holds one of: each phrase's least common byte ({@link RequiredBytes#rarestOf}). */
  private final ByteSet requiredBytes;

  private Pm(List<String> phrases) {
    this.automaton = new AhoCorasick(phrases);
    ByteSet bytes = ByteSet.NONE;
    for (String phrase : phrases) {
      bytes = bytes.union(RequiredBytes.rarestOf(phrase));
    }
    this.requiredBytes = phrases.isEmpty() || bytes.isAll() ? ByteSet.ALL : bytes;
  }

  /**
   * A value holding a phrase holds each of its bytes (letters in either case, as the automaton folds them), so it
   * holds the phrase's least common byte: a value holding none of the phrases' such bytes cannot match.
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
