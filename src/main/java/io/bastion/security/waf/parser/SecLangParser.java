package io.bastion.security.waf.parser;

import io.bastion.security.waf.EngineMode;
import io.bastion.security.waf.Rule;
import io.bastion.security.waf.RuleSet;
import io.bastion.security.waf.WafConfigException;
import io.bastion.security.waf.actions.ActionSpec;
import io.bastion.security.waf.operators.OperatorFactory;
import io.bastion.security.waf.operators.Operators;
import io.bastion.security.waf.transformations.Transformations;
import io.bastion.security.waf.variables.Target;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Reads SecLang files and compiles them into a {@link RuleSet}. Use one parser per rule set: feed it
 * files and text in order ({@link #parseFile}, {@link #parseText}), then call {@link #compile}. Every
 * problem is collected with its {@code file:line}; compile fails listing all of them. Directives that do
 * not apply to Bastion are accepted with a warning.
 */
public final class SecLangParser {

  private final Operators operators;
  private final Transformations transformations;
  private final RuleBuilder ruleBuilder;
  private final List<String> problems = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  private final List<Rule.Builder> rules = new ArrayList<>();
  private final Map<Integer, ActionDefaults> defaults = new HashMap<>();
  private final List<Consumer<List<Rule.Builder>>> updates = new ArrayList<>();
  private Rule.Builder openChain;
  private EngineMode mode = EngineMode.ON;
  private boolean requestBodyAccess = true;
  private long requestBodyLimit = 13_107_200;
  private boolean responseBodyAccess;
  private final java.util.Set<String> responseMimeTypes = new java.util.LinkedHashSet<>(List.of("text/plain",
      "text/html"));
  private int includeDepth;
  private long collectionTimeoutSeconds = io.bastion.security.waf.collections.PersistentCollections.DEFAULT_TIMEOUT_SECONDS;
  private final io.bastion.security.waf.operators.LiteralIndex literals =
      new io.bastion.security.waf.operators.LiteralIndex();

  public SecLangParser(Operators operators, Transformations transformations) {
    this.operators = operators;
    this.transformations = transformations;
    this.ruleBuilder = new RuleBuilder(operators, transformations);
  }

  /** A parser with the standard operator and transformation registries. */
  public static SecLangParser standard() {
    return new SecLangParser(Operators.standard(), Transformations.standard());
  }

  /** Parses a file (or a glob such as {@code rules/*.conf}, expanded in name order). */
  public SecLangParser parseFile(Path pathOrGlob) {
    List<Path> files = expand(pathOrGlob);
    if (files.isEmpty()) {
      problems.add(pathOrGlob + ": no such file");
    }
    for (Path f : files) {
      try {
        String text = Files.readString(f, StandardCharsets.ISO_8859_1);
        parseText(f, text);
      } catch (IOException e) {
        problems.add(f + ": cannot read: " + e.getMessage());
      }
    }
    return this;
  }

  /** Parses SecLang text; {@code origin} names it in messages and anchors relative paths. */
  public SecLangParser parseText(Path origin, String text) {
    for (Directive d : DirectiveReader.read(origin, text, problems)) {
      try {
        apply(d);
      } catch (IllegalArgumentException e) {
        String msg = String.valueOf(e.getMessage()).replace('\n', ' ');
        problems.add(d.location() + ": " + d.name() + ": " + (msg.length() > 300 ? msg.substring(0, 300) + "..." : msg));
      }
    }
    return this;
  }

  /** {@code SecCollectionTimeout}: seconds a persistent (IP, GLOBAL) record lives after its last update. */
  public long collectionTimeoutSeconds() {
    return collectionTimeoutSeconds;
  }

  /** Compiles what was parsed, or fails listing every problem. */
  public RuleSet compile() throws WafConfigException {
    if (openChain != null) {
      problems.add(openChain.location + ": chain without a following rule");
    }
    for (Consumer<List<Rule.Builder>> u : updates) {
      u.accept(rules);
    }
    if (!problems.isEmpty()) {
      throw new WafConfigException(problems);
    }
    List<Rule> built = new ArrayList<>();
    io.bastion.security.waf.transformations.TransformChains chains =
        new io.bastion.security.waf.transformations.TransformChains();
    for (Rule.Builder b : rules) {
      built.add(b.build(chains));
    }
    return new RuleSet(built, mode, requestBodyAccess, requestBodyLimit,
        new RuleSet.ResponseSettings(responseBodyAccess, responseMimeTypes), warnings, literals.freeze());
  }

  public List<String> warnings() {
    return warnings;
  }

  private void apply(Directive d) {
    List<String> a = d.args();
    switch (d.name().toLowerCase(Locale.ROOT)) {
      case "secrule" -> {
        need(d, 2);
        addRule(d, a.get(0), a.get(1), a.size() > 2 ? a.get(2) : "");
      }
      case "secaction" -> {
        need(d, 1);
        addRule(d, null, null, a.get(0));
      }
      case "secmarker" -> {
        need(d, 1);
        Rule.Builder m = new Rule.Builder();
        m.marker = a.get(0);
        m.location = d.location();
        m.phase = 0;
        rules.add(m);
      }
      case "secdefaultaction" -> {
        need(d, 1);
        ActionDefaults def = ruleBuilder.defaults(a.get(0), env(d));
        defaults.put(def.phase(), def);
      }
      case "secruleengine" -> {
        need(d, 1);
        EngineMode m = EngineMode.parse(a.get(0));
        if (m == null) {
          throw new IllegalArgumentException("expected On, Off or DetectionOnly, got " + a.get(0));
        }
        mode = m;
      }
      case "secrequestbodyaccess" -> {
        need(d, 1);
        requestBodyAccess = a.get(0).equalsIgnoreCase("on");
      }
      case "secresponsebodyaccess" -> {
        need(d, 1);
        responseBodyAccess = a.get(0).equalsIgnoreCase("on");
      }
      case "secresponsebodymimetype" -> {
        for (String m : a) {
          responseMimeTypes.add(m.toLowerCase(Locale.ROOT));
        }
      }
      case "secresponsebodymimetypesclear" -> responseMimeTypes.clear();
      case "secrequestbodylimit" -> {
        need(d, 1);
        requestBodyLimit = Long.parseLong(a.get(0));
      }
      case "secruleremovebyid" -> {
        List<int[]> ranges = new ArrayList<>();
        for (String s : a) {
          for (String part : s.split(",")) {
            ranges.add(parseRange(part));
          }
        }
        updates.add(list -> list.removeIf(r -> r.marker == null && inRanges(r.id, ranges)));
      }
      case "secruleremovebytag" -> {
        need(d, 1);
        Pattern p = Pattern.compile(a.get(0));
        updates.add(list -> list.removeIf(r -> r.tags.stream().anyMatch(t -> p.matcher(t).find())));
      }
      case "secruleremovebymsg" -> {
        need(d, 1);
        Pattern p = Pattern.compile(a.get(0));
        updates.add(list -> list.removeIf(r -> r.msg != null && p.matcher(r.rawMsg).find()));
      }
      case "secruleupdatetargetbyid", "secruleupdatetargetbytag", "secruleupdatetargetbymsg" -> {
        need(d, 2);
        List<Target> targets = parseTargets(a.get(1));
        boolean byId = d.name().equalsIgnoreCase("SecRuleUpdateTargetById");
        boolean byTag = d.name().equalsIgnoreCase("SecRuleUpdateTargetByTag");
        List<int[]> ranges = byId ? List.of(parseRange(a.get(0))) : List.of();
        Pattern p = byId ? null : Pattern.compile(a.get(0));
        updates.add(list -> {
          for (Rule.Builder r : list) {
            boolean hit = byId ? r.marker == null && inRanges(r.id, ranges)
                : byTag ? r.tags.stream().anyMatch(t -> p.matcher(t).find())
                : p.matcher(r.rawMsg).find();
            if (hit) {
              r.targets.addAll(targets);
            }
          }
        });
      }
      case "secruleupdateactionbyid" -> {
        need(d, 2);
        int[] range = parseRange(a.get(0));
        OperatorFactory.Environment env = env(d);
        String actions = a.get(1);
        updates.add(list -> {
          for (Rule.Builder r : list) {
            if (r.marker == null && r.id >= range[0] && r.id <= range[1]) {
              ruleBuilder.applyActions(r, ActionSpec.parseList(actions), env, true);
            }
          }
        });
      }
      case "include" -> {
        need(d, 1);
        if (includeDepth > 16) {
          throw new IllegalArgumentException("Include nested too deeply");
        }
        Path target = d.file().toAbsolutePath().getParent().resolve(a.get(0));
        includeDepth++;
        try {
          parseFile(target);
        } finally {
          includeDepth--;
        }
      }
      case "seccomponentsignature" -> { }
      case "seccollectiontimeout" -> {
        need(d, 1);
        try {
          collectionTimeoutSeconds = Long.parseLong(a.get(0).trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("expected seconds, got " + a.get(0));
        }
        if (collectionTimeoutSeconds < 1) {
          throw new IllegalArgumentException("expected at least 1 second, got " + a.get(0));
        }
      }
      default -> warnings.add(d.location() + ": directive " + d.name() + " is not applied by Bastion");
    }
  }

  private void addRule(Directive d, String variables, String operator, String actions) {
    Rule.Builder b = ruleBuilder.build(variables == null ? null : parseTargets(variables), operator,
        ActionSpec.parseList(actions), env(d));
    b.location = d.location();
    if (openChain != null) {
      Rule.Builder tail = openChain;
      b.phase = tail.phase;
      b.id = tail.id;
      tail.chained = b;
      openChain = b.chain ? b : null;
      return;
    }
    ruleBuilder.applyDefaults(b, defaults.get(b.phase));
    rules.add(b);
    openChain = b.chain ? b : null;
  }

  private OperatorFactory.Environment env(Directive d) {
    Path dir = d.file().toAbsolutePath().getParent();
    return new OperatorFactory.Environment(dir, w -> warnings.add(d.location() + ": " + w), literals);
  }

  private static List<Target> parseTargets(String text) {
    List<Target> out = new ArrayList<>();
    for (String part : splitTargets(text)) {
      if (!part.isBlank()) {
        out.add(Target.parse(part));
      }
    }
    return out;
  }

  /** Splits on {@code |} and {@code ,} outside {@code /regex/} selectors. */
  private static List<String> splitTargets(String text) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean inRegex = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '/' && (inRegex || (i > 0 && text.charAt(i - 1) == ':'
          && !cur.toString().stripLeading().toUpperCase(Locale.ROOT).startsWith("XML")))) {
        if (!inRegex || text.charAt(i - 1) != '\\') {
          inRegex = !inRegex;
        }
      }
      if (!inRegex && (c == '|' || c == ',')) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }

  private static int[] parseRange(String s) {
    String t = s.trim();
    int dash = t.indexOf('-', 1);
    if (dash > 0) {
      return new int[] {Integer.parseInt(t.substring(0, dash)), Integer.parseInt(t.substring(dash + 1))};
    }
    int id = Integer.parseInt(t);
    return new int[] {id, id};
  }

  private static boolean inRanges(int id, List<int[]> ranges) {
    for (int[] r : ranges) {
      if (id >= r[0] && id <= r[1]) {
        return true;
      }
    }
    return false;
  }

  private static void need(Directive d, int n) {
    if (d.args().size() < n) {
      throw new IllegalArgumentException("expected at least " + n + " argument(s)");
    }
  }

  private static List<Path> expand(Path pathOrGlob) {
    String name = pathOrGlob.getFileName() == null ? "" : pathOrGlob.getFileName().toString();
    if (name.indexOf('*') < 0 && name.indexOf('?') < 0 && name.indexOf('[') < 0) {
      return Files.isRegularFile(pathOrGlob) ? List.of(pathOrGlob) : List.of();
    }
    Path dir = pathOrGlob.toAbsolutePath().getParent();
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, name)) {
      for (Path p : ds) {
        if (Files.isRegularFile(p)) {
          out.add(p);
        }
      }
    } catch (IOException e) {
      return List.of();
    }
    out.sort(null);
    return out;
  }

  Operators operators() {
    return operators;
  }

  Transformations transformations() {
    return transformations;
  }
}
