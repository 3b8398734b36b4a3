package io.bastion.security.waf;

import io.bastion.security.waf.variables.Target;
import io.bastion.security.waf.variables.Variable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A compiled rule set: the rules of each phase in file order (markers included in every phase so that
 * {@code skipAfter} works anywhere), plus engine settings from the directives. Immutable; one instance
 * is shared by every transaction and swapped as a whole on reload.
 */
public final class RuleSet {

  /** Phases 1-5 (index 0 unused). */
  private final List<List<Rule>> byPhase;
  private final EngineMode mode;
  private final boolean requestBodyAccess;
  private final long requestBodyLimit;
  private final List<String> warnings;
  private final int ruleCount;
  private final int chainCount;
  private final boolean[] sharedChains;
  private final boolean[] sharedGroups;
  private final boolean responseBodyAccess;
  private final Set<String> responseBodyMimeTypes;
  /**
   * Per phase and rule index, the first {@link RepeatVerdicts} slot of the rule (one per include of its target list,
   * in order), or -1 when no verdict of the rule may be kept: its operator reads more than the value, or it captures
   * and is negated. A rule with {@code capture} keeps them otherwise: an operator captures only when it matches, and
   * only the rule's "no match" is kept.
   */
  private final int[][] repeatBase;
  /** Per slot, the ordinal of the variable whose content its verdict depends on, or -1 when it is not kept. */
  private final int[] repeatOrdinals;
  /** Per slot, the ordinal of the include's own variable (ARGS_NAMES, not ARGS), which a runtime exclusion names. */
  private final int[] repeatIncludeOrdinals;
  /**
   * Per phase and rule index, how many slots the rule has when every one of them is kept (so a rule whose every
   * include repeats can be passed over from these arrays alone, {@code Transaction#allKnown}), else 0.
   */
  private final int[][] repeatAllKept;
  /** Per phase, the variables the phase's slots read, compared with the last request's as the phase starts. */
  private final Variable[][] repeatVariables;
  private final ThreadLocal<RepeatVerdicts> repeatVerdicts;
  /** Per phase and rule index, the {@link TxSegment} starting there, or null. */
  private final TxSegment[][] txSegments;
  private final ThreadLocal<KeptHeaders> keptHeaders = ThreadLocal.withInitial(KeptHeaders::new);
  private final ThreadLocal<GroupUnions> groupUnions = ThreadLocal.withInitial(GroupUnions::new);
  /** Per phase, its rules' facts in dense arrays (index 0 unused). */
  private final PhaseWalk[] walks = new PhaseWalk[6];
  private final ThreadLocal<KeptArgNames> keptArgNames = ThreadLocal.withInitial(KeptArgNames::new);

  /** Response body inspection settings ({@code SecResponseBodyAccess}, {@code SecResponseBodyMimeType}). */
  public record ResponseSettings(boolean bodyAccess, Set<String> mimeTypes) {
    public static final ResponseSettings DEFAULT = new ResponseSettings(false, Set.of("text/plain", "text/html"));
  }

  private final io.bastion.security.waf.operators.LiteralIndex literals;

  public RuleSet(List<Rule> rules, EngineMode mode, boolean requestBodyAccess, long requestBodyLimit,
      List<String> warnings) {
    this(rules, mode, requestBodyAccess, requestBodyLimit, ResponseSettings.DEFAULT, warnings, null);
  }

  public RuleSet(List<Rule> rules, EngineMode mode, boolean requestBodyAccess, long requestBodyLimit,
      ResponseSettings response, List<String> warnings, io.bastion.security.waf.operators.LiteralIndex literals) {
    this.literals = literals;
    this.responseBodyAccess = response.bodyAccess();
    this.responseBodyMimeTypes = Set.copyOf(response.mimeTypes());
    List<List<Rule>> phases = new ArrayList<>();
    for (int p = 0; p <= 5; p++) {
      phases.add(new ArrayList<>());
    }
    int count = 0;
    for (Rule r : rules) {
      if (r.marker() != null) {
        for (int p = 1; p <= 5; p++) {
          phases.get(p).add(r);
        }
      } else {
        phases.get(Math.max(1, Math.min(5, r.phase()))).add(r);
        count++;
      }
    }
    List<List<Rule>> frozen = new ArrayList<>();
    for (List<Rule> l : phases) {
      frozen.add(List.copyOf(l));
    }
    this.byPhase = List.copyOf(frozen);
    this.mode = mode;
    this.requestBodyAccess = requestBodyAccess;
    this.requestBodyLimit = requestBodyLimit;
    this.warnings = List.copyOf(warnings);
    this.ruleCount = count;
    int chains = 1;
    for (Rule r : rules) {
      for (Rule c = r; c != null; c = c.chained()) {
        chains = Math.max(chains, c.chain().id() + 1);
      }
    }
    this.chainCount = chains;
    this.sharedChains = sharedChains(rules, chains);
    this.sharedGroups = sharedGroups(rules);
    // a number per marker name (SecMarker or skipAfter), so the walk compares numbers (PhaseWalk#markers)
    Map<String, Integer> markerNumbers = new HashMap<>();
    for (Rule r : rules) {
      for (String name : new String[] {r.marker(), r.skipAfter()}) {
        if (name != null) {
          markerNumbers.putIfAbsent(name, markerNumbers.size());
        }
      }
    }
    for (int p = 1; p <= 5; p++) {
      walks[p] = new PhaseWalk(byPhase.get(p), markerNumbers, this);
    }
    int slots = 0;
    this.repeatBase = new int[6][];
    this.repeatVariables = new Variable[6][];
    List<Integer> ordinals = new ArrayList<>();
    List<Integer> includeOrdinals = new ArrayList<>();
    this.repeatAllKept = new int[6][];
    for (int p = 1; p <= 5; p++) {
      List<Rule> list = byPhase.get(p);
      int[] base = new int[list.size()];
      int[] allKept = new int[list.size()];
      java.util.Set<Variable> read = java.util.EnumSet.noneOf(Variable.class);
      for (int i = 0; i < list.size(); i++) {
        Rule r = list.get(i);
        base[i] = -1;
        if (r.marker() != null || r.unconditional() || !r.operator().dependsOnValueOnly()
            || r.capture() && r.negated()) { // a negated rule's "no match" is its operator's match, which captured
          continue;
        }
        base[i] = slots;
        boolean every = r.targets().size() > 0;
        for (int k = 0; k < r.targets().size(); k++) {
          Target t = r.targets().include(k);
          Variable v = t.variable().kind() == Variable.Kind.NAMES ? t.variable().namesOf() : t.variable();
          boolean kept = !t.count() && t.variable().fixedWithinPhase() && v.fixedWithinPhase();
          ordinals.add(kept ? v.ordinal() : -1);
          includeOrdinals.add(t.variable().ordinal());
          if (kept) {
            read.add(v);
          }
          every &= kept;
          slots++;
        }
        allKept[i] = every ? r.targets().size() : 0;
      }
      repeatBase[p] = base;
      repeatAllKept[p] = allKept;
      repeatVariables[p] = read.toArray(new Variable[0]);
    }
    repeatBase[0] = new int[0];
    repeatAllKept[0] = new int[0];
    repeatVariables[0] = new Variable[0];
    this.repeatOrdinals = ordinals.stream().mapToInt(Integer::intValue).toArray();
    this.repeatIncludeOrdinals = includeOrdinals.stream().mapToInt(Integer::intValue).toArray();
    this.txSegments = new TxSegment[6][];
    txSegments[0] = new TxSegment[0];
    for (int p = 1; p <= 5; p++) {
      txSegments[p] = TxSegment.of(byPhase.get(p));
    }
    int slotCount = slots;
    this.repeatVerdicts = ThreadLocal.withInitial(() -> new RepeatVerdicts(slotCount));
  }

  /** The phase's rules in dense arrays, for the walk over them. */
  PhaseWalk walk(int phase) {
    return walks[phase];
  }

  /** Per index of the phase's rules, the {@link TxSegment} that starts there, or null. */
  TxSegment[] txSegments(int phase) {
    return txSegments[phase];
  }

  /** The first repeat slot of rule {@code index} of the phase, or -1 (see {@link RepeatVerdicts}). */
  int repeatBase(int phase, int index) {
    return repeatBase[phase][index];
  }

  /** How many slots rule {@code index} of the phase has when every one of them may keep a verdict, else 0. */
  int repeatAllKept(int phase, int index) {
    return repeatAllKept[phase][index];
  }

  /** The ordinal of the variable slot {@code slot}'s include names (ARGS_NAMES for {@code ARGS_NAMES}). */
  int repeatIncludeOrdinal(int slot) {
    return repeatIncludeOrdinals[slot];
  }

  /** The variable ordinal slot {@code slot} depends on, or -1 when its verdicts are not kept. */
  int repeatOrdinal(int slot) {
    return repeatOrdinals[slot];
  }

  /** The variables whose content the phase's kept verdicts depend on. */
  Variable[] repeatVariables(int phase) {
    return repeatVariables[phase];
  }

  /** This thread's kept verdicts for this rule set. */
  RepeatVerdicts repeatVerdicts() {
    return repeatVerdicts.get();
  }

  /** This thread's target-group unions (valid within one phase). */
  GroupUnions groupUnions() {
    return groupUnions.get();
  }

  /** This thread's last request headers with their memos, for this rule set (its chains and literal index). */
  KeptHeaders keptHeaders() {
    return keptHeaders.get();
  }

  /** This thread's body argument names with their memos, for this rule set. */
  KeptArgNames keptArgNames() {
    return keptArgNames.get();
  }

  /**
   * Per target group ({@link io.bastion.security.waf.variables.TargetList#groupId}), whether more than one chain
   * starter reads it. Working out what a group's values hold costs about what one rule's own check of its
   * selections does, so it only pays when several rules share the answer (the CRS: dozens of rules read
   * {@code REQUEST_COOKIES|REQUEST_COOKIES_NAMES|ARGS_NAMES|ARGS|XML:/*}; the builtin rules' lists are mostly their own).
   */
  private static boolean[] sharedGroups(List<Rule> rules) {
    int[] readers = new int[io.bastion.security.waf.variables.TargetList.groupCount()];
    for (Rule r : rules) {
      int g = r.marker() != null || r.unconditional() ? -1 : r.targets().groupId();
      if (g >= 0 && g < readers.length) {
        readers[g]++;
      }
    }
    boolean[] shared = new boolean[readers.length];
    for (int g = 0; g < readers.length; g++) {
      shared[g] = readers[g] > 1;
    }
    return shared;
  }

  /** Whether several rules of the set read target group {@code g} (see above). */
  public boolean sharedGroup(int g) {
    return g < sharedGroups.length && sharedGroups[g];
  }

  /**
   * Per chain id, whether more than one {@code @rx} with a literal condition tests values through it (or, with
   * {@code multiMatch}, through it as a prefix of its chain): a value's form through such a chain is worth one scan
   * against the whole {@link #literals()} index, shared by those rules. A form through a chain only one rule tests
   * is checked by that rule's own, much smaller automaton instead. Rules tagged for a paranoia level above the
   * set's ({@link #paranoiaLevel}) are not counted: at PL1 the CRS skips them, and 934160's base64-decoded forms
   * (one per JSON value) were scanned against the whole index because a PL2 sibling (934101) shares the chain.
   */
  private static boolean[] sharedChains(List<Rule> rules, int chains) {
    int[] consumers = new int[chains];
    int level = paranoiaLevel(rules);
    for (Rule starter : rules) {
      if (aboveParanoiaLevel(starter, level)) {
        continue; // skipped at this level (the CRS skips each file's higher levels): it scans nothing
      }
      for (Rule r = starter; r != null; r = r.chained()) {
        if (!(r.operator() instanceof io.bastion.security.waf.operators.Rx rx) || rx.requiredLiterals() == null) {
          continue;
        }
        consumers[r.chain().id()]++;
        if (r.multiMatch()) {
          consumers[0]++; // the value itself (the empty chain has id 0)
          for (int k = 1; k < r.chain().steps().length; k++) {
            consumers[r.chain().prefix(k).id()]++;
          }
        }
      }
    }
    boolean[] shared = new boolean[chains];
    for (int c = 0; c < chains; c++) {
      shared[c] = consumers[c] > 1;
    }
    return shared;
  }

  /**
   * The highest paranoia level any rule of the set sets as a constant ({@code setvar:tx.blocking_paranoia_level=1},
   * {@code tx.detection_paranoia_level}, what {@code waf.paranoia-level} and crs-setup.conf write), or 4 when none
   * does. Used for cost only ({@link #sharedChains}): a wrong guess makes a form's scan cheaper or dearer, never a
   * verdict different.
   */
  static int paranoiaLevel(List<Rule> rules) {
    int level = 0;
    for (Rule starter : rules) {
      for (Rule r = starter; r != null; r = r.chained()) {
        for (io.bastion.security.waf.actions.RuleAction a : r.actionArray()) {
          if (a instanceof io.bastion.security.waf.actions.SetVar v && v.collection().equals("tx")
              && v.name().isConstant() && v.value().isConstant()) {
            String name = v.name().expand(null).toLowerCase(java.util.Locale.ROOT);
            if (name.equals("blocking_paranoia_level") || name.equals("detection_paranoia_level")) {
              level = Math.max(level, parseLevel(v.value().expand(null)));
            }
          }
        }
      }
    }
    return level == 0 ? 4 : level;
  }

  private static int parseLevel(String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      return 4;
    }
  }

  /** Whether the rule is tagged {@code paranoia-level/N} with N above {@code level}. */
  private static boolean aboveParanoiaLevel(Rule r, int level) {
    for (String tag : r.tags()) {
      if (tag.startsWith("paranoia-level/")) {
        try {
          return Integer.parseInt(tag.substring("paranoia-level/".length())) > level;
        } catch (NumberFormatException e) {
          return false;
        }
      }
    }
    return false;
  }

  /** Whether more than one literal-conditioned {@code @rx} tests values through the chain (see above). */
  public boolean sharedChain(int chainId) {
    return sharedChains[chainId];
  }

  /**
   * How many distinct transformation chains (prefixes included) the rules use: chain ids are below this,
   * so a transaction can memoise a value's transformed forms in an array indexed by chain id.
   */
  public int chainCount() {
    return chainCount;
  }

  public List<Rule> phase(int phase) {
    return byPhase.get(phase);
  }

  public EngineMode mode() {
    return mode;
  }

  public boolean requestBodyAccess() {
    return requestBodyAccess;
  }

  /** The required literals of all the set's regexes, or null. */
  public io.bastion.security.waf.operators.LiteralIndex literals() {
    return literals;
  }

  public boolean responseBodyAccess() {
    return responseBodyAccess;
  }

  /** Response media types (lower case, no parameters) whose body phase 4 inspects. */
  public Set<String> responseBodyMimeTypes() {
    return responseBodyMimeTypes;
  }

  public long requestBodyLimit() {
    return requestBodyLimit;
  }

  /** Load-time warnings ({@code file:line: ...}) for directives and operators accepted but not applied. */
  public List<String> warnings() {
    return warnings;
  }

  /** Rules (chain starters and SecActions), markers not counted. */
  public int ruleCount() {
    return ruleCount;
  }
}
