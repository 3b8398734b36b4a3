package io.bastion.security.waf;

import io.bastion.security.waf.actions.ActionContext;
import io.bastion.security.waf.actions.RuleAction;
import io.bastion.security.waf.bodyprocessors.BodyContext;
import io.bastion.security.waf.bodyprocessors.BodyParseException;
import io.bastion.security.waf.bodyprocessors.BodyProcessor;
import io.bastion.security.waf.bodyprocessors.BodyProcessors;
import io.bastion.security.waf.collections.PersistentCollections;
import io.bastion.security.waf.operators.MatchContext;
import io.bastion.security.waf.transformations.ByteSet;
import io.bastion.security.waf.transformations.TransformChain;
import io.bastion.security.waf.variables.CollectedValues;
import io.bastion.security.waf.variables.KeyedValues;
import io.bastion.security.waf.variables.Target;
import io.bastion.security.waf.variables.TargetList;
import io.bastion.security.waf.variables.Variable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One request's run through a {@link RuleSet}: the request's variables, the TX collection, matched rules
 * and the verdict. Not thread-safe; one per request, on the thread handling it. Call
 * {@link #processRequestHeaders()} (phase 1) then {@link #processRequestBody()} (phase 2), or
 * {@link #processRequest()} for both.
 */
public final class Transaction implements MatchContext, ActionContext, BodyContext {

  /**
   * The per-request evaluation budget: regex steps (input characters read, backtracking included) one
   * transaction may spend over all rules. A benign request at paranoia level 4 uses a few million; once
   * spent, remaining regex evaluations count as no-match, {@link #evaluationBudgetExhausted()} turns
   * true and TX:MSC_PCRE_LIMITS_EXCEEDED is set, so the caller (or a rule) can refuse the request rather
   * than let an attacker buy an uninspected pass with a costly payload. See docs/rationale.md.
   */
  public static final long REGEX_STEP_BUDGET = 50_000_000L;

  private static final String[] CAPTURE_KEYS = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};

  private final RuleSet rules;
  private final BodyProcessors bodyProcessors;
  private WafRequest request;
  private final long startNanos = System.nanoTime();
  /** The wall-clock start, for the TIME variables (computed when a rule first reads one). */
  private final long startMillis = System.currentTimeMillis();
  private boolean timeFilled;
  private final Map<Variable, KeyedValues> collections = new EnumMap<>(Variable.class);
  private final Map<Variable, String> scalars = new EnumMap<>(Variable.class);
  private final Map<String, KeyedValues> persistent = new HashMap<>();
  /** initcol bindings of persistent collections (ip, global), written back by {@link #persistCollections()}. */
  private PersistentCollections store;
  private long collectionTimeoutSeconds;
  private Map<String, Binding> bindings;

  private record Binding(String key, Map<String, String> before, Map<String, Long> expiries) {
  }
  /** {@code ctl:ruleRemoveById} ranges as (from, to) pairs: asked for every rule a phase reaches. */
  private final IdRanges removedRules = new IdRanges();
  /** {@link TagIds} of the tags removed by {@code ctl:ruleRemoveByTag}. */
  private int[] removedTags = new int[0];
  /**
   * {@code ctl:ruleRemoveTargetById} ranges, and the target each removes at the same index: asked for every chain
   * evaluated (the CRS's FHIR exclusions add 19 per /fhir request, and most rules lie outside every range).
   */
  private final IdRanges removedTargetRanges = new IdRanges();
  private Target[] removedTargetsById = NO_TARGETS;
  private final List<TagRemoval> removedTargetsByTag = new ArrayList<>();

  /** A {@code ctl:ruleRemoveTargetByTag}: the tag as its {@link TagIds} id, so each rule tests one bit. */
  private record TagRemoval(int tagId, Target target) {
  }
  private final List<MatchedRule> matched = new ArrayList<>();
  private final List<String> errors = new ArrayList<>();
  /**
   * Each collected value's memo (transformed forms, literal hits): keyed by identity, because a collection
   * value is the same String instance for every rule that inspects it. Sized for a FHIR body's values and
   * names (~250 with the headers) when the request announces a body, so it is not rehashed three times on the
   * way; otherwise for a read's or search's headers and arguments (a table for 256 is 1,024 slots to clear,
   * a sixth of what the engine allocated for a read).
   */
  private final Map<String, ValueMemo> memos;
  /** The memo of the form an operator is testing now, so {@link #literalHits} needs no lookup for it. */
  private ValueMemo testing;
  /** Whether {@link #testing} is through a chain several rules test ({@link RuleSet#sharedChain}). */
  private boolean testingShared = true;
  /** This thread's scratch slots of the rule set's operators, fetched at the start of each phase. */
  private Object[] threadSlots;
  /**
   * What each cacheable selection ({@link TargetList#selectionId}) picked from its collection, with the picked
   * values' memos, kept while the collection is unchanged: most CRS rules read the same few selections (ARGS,
   * ARGS_NAMES, REQUEST_HEADERS, ...), so their members are selected, excluded and memo-looked-up once.
   */
  private Selection[] selections = new Selection[0];
  /** This thread's target-group unions, fetched at the start of each phase (see {@link GroupUnions}). */
  private GroupUnions groups;
  /** {@link #groupBytes}'s work space. */
  private final long[] groupAcc = new long[4];
  /** One reusable buffer per chain depth for the values a rule inspects. */
  private RuleValues[] buffers = new RuleValues[0];
  private EngineMode mode;
  private boolean requestBodyAccess;
  private boolean forceRequestBodyVariable;
  private Rule current;
  private Interruption interruption;
  private boolean allowRequest;
  /** Names of the variables the current chain matched, in order without duplicates; null until one does. */
  private List<String> currentMatchedNames;
  private KeyedValues matchedVars;
  private WafResponse response;
  private long regexSteps = REGEX_STEP_BUDGET;
  private boolean budgetExhausted;
  /** Counts {@link #regexBudgetExceeded} calls: an evaluation that met the budget is not kept as a verdict. */
  private int budgetEvents;
  /** This thread's kept verdicts for the phase running, or null (none of its rules' verdicts may be kept). */
  private RepeatVerdicts verdicts;
  private boolean repeatVerdictsOff;
  private int repeatVerdictsUsed;

  Transaction(RuleSet rules, BodyProcessors bodyProcessors, WafRequest request, String uniqueId) {
    this.rules = rules;
    this.bodyProcessors = bodyProcessors;
    this.request = request;
    this.mode = rules.mode();
    this.requestBodyAccess = rules.requestBodyAccess();
    this.memos = new IdentityHashMap<>(announcesBody(request) ? 256 : 64);
    // the collections every request fills or reads; the others (cookies, a body's, files, response headers, ENV)
    // are made by collection() when something first reads or fills them
    for (Variable v : new Variable[] {Variable.ARGS, Variable.ARGS_GET, Variable.REQUEST_HEADERS,
        Variable.MATCHED_VARS}) {
      collections.put(v, new KeyedValues());
    }
    collections.put(Variable.TX, writableCollection("tx"));
    matchedVars = collections.get(Variable.MATCHED_VARS);
    RequestVariables.populate(request, uniqueId, collections, scalars, rules.keptHeaders(), memos);
  }

  private static String bytes(String s) {
    return RequestVariables.bytes(s);
  }

  /** Whether the request brought a body (attached or given with the request). */
  boolean hasRequestBody() {
    return request.body().length > 0;
  }

  /** A body is coming: a Content-Length other than 0, or a Transfer-Encoding (chunked). */
  private static boolean announcesBody(WafRequest request) {
    String length = request.header("Content-Length");
    return request.body().length > 0 || (length != null && !length.trim().equals("0"))
        || request.header("Transfer-Encoding") != null;
  }

  private void updateCombinedSize() {
    RequestVariables.updateCombinedSize(collections, scalars);
  }

  // ---- processing ----

  /** Phase 1: request line and headers. Returns the interruption, if any. */
  public Interruption processRequestHeaders() {
    String processor = BodyProcessors.byContentType(request.header("Content-Type"));
    if (processor != null) {
      scalars.put(Variable.REQBODY_PROCESSOR, processor);
    }
    runPhase(1);
    return interruption;
  }

  /**
   * Supplies the body after phase 1 ran on the request line and headers (the gateway reads the body only
   * once phase 1 has let the request through). Call before {@link #processRequestBody()}.
   */
  public void attachRequestBody(byte[] body) {
    request = new WafRequest(request.method(), request.uri(), request.protocol(), request.headers(), body,
        request.remoteAddr());
    scalars.put(Variable.REQUEST_BODY_LENGTH, Integer.toString(request.body().length));
  }

  /** Phase 2: the body, parsed by the selected processor. Returns the interruption, if any. */
  public Interruption processRequestBody() {
    if (interruption != null || allowRequest || mode == EngineMode.OFF) {
      return interruption;
    }
    String body = new String(request.body(), StandardCharsets.ISO_8859_1);
    if (requestBodyAccess && !body.isEmpty()) {
      String processorName = scalars.get(Variable.REQBODY_PROCESSOR);
      BodyProcessor processor = bodyProcessors.get(processorName);
      if (processor != null) {
        try {
          processor.process(body, request.header("Content-Type"), this);
        } catch (BodyParseException e) {
          scalars.put(Variable.REQBODY_ERROR, "1");
          scalars.put(Variable.REQBODY_PROCESSOR_ERROR, "1");
          scalars.put(Variable.REQBODY_ERROR_MSG, e.getMessage());
        }
      }
      // REQUEST_BODY holds the raw body except for XML and multipart bodies (as ModSecurity v2 on Apache,
      // which the CRS tests are written against); ctl:forceRequestBodyVariable overrides.
      if (processor == null || forceRequestBodyVariable || "URLENCODED".equals(processorName)
          || "JSON".equals(processorName)) {
        scalars.put(Variable.REQUEST_BODY, body);
      }
      updateCombinedSize();
    }
    runPhase(2);
    return interruption;
  }

  /**
   * Phase 3: the response status line and headers. Response inspection is optional: callers that do not
   * inspect responses simply never call this or {@link #processResponseBody()}.
   */
  public Interruption processResponseHeaders(WafResponse response) {
    this.response = response;
    scalars.put(Variable.RESPONSE_STATUS, Integer.toString(response.status()));
    scalars.put(Variable.RESPONSE_PROTOCOL, response.protocol());
    scalars.put(Variable.STATUS_LINE, response.protocol() + " " + response.status());
    KeyedValues headers = collection(Variable.RESPONSE_HEADERS);
    for (WafRequest.Header h : response.headers()) {
      headers.add(bytes(h.name()), bytes(h.value()));
    }
    String ct = response.header("Content-Type");
    if (ct != null) {
      scalars.put(Variable.RESPONSE_CONTENT_TYPE, bytes(ct));
    }
    scalars.put(Variable.RESPONSE_CONTENT_LENGTH, Integer.toString(response.body().length));
    runPhase(3);
    return interruption;
  }

  /** Phase 4: the response body, when SecResponseBodyAccess is on and its media type is listed. */
  public Interruption processResponseBody() {
    if (response == null) {
      throw new IllegalStateException("processResponseHeaders first");
    }
    String ct = response.header("Content-Type");
    String mime = ct == null ? "" : ct.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (rules.responseBodyAccess() && rules.responseBodyMimeTypes().contains(mime)) {
      scalars.put(Variable.RESPONSE_BODY, new String(response.body(), StandardCharsets.ISO_8859_1));
    }
    runPhase(4);
    return interruption;
  }

  /** Phase 5 (logging): runs whatever happened before, interruptions included. */
  public void processLogging() {
    Interruption before = interruption;
    interruption = null;
    boolean allowed = allowRequest;
    allowRequest = false;
    runPhase(5);
    interruption = before;
    allowRequest = allowed;
  }

  /** Phases 1 and 2. */
  public Interruption processRequest() {
    Interruption i = processRequestHeaders();
    return i != null ? i : processRequestBody();
  }

  private void runPhase(int phase) {
    if (mode == EngineMode.OFF || allowRequest || interruption != null) {
      return;
    }
    // the rules are passed over from the walk's dense arrays; a rule's object is loaded only to evaluate it
    PhaseWalk walk = rules.walk(phase);
    groups = rules.groupUnions();
    groups.startPhase();
    threadSlots = rules.literals() == null ? null : rules.literals().threadSlots();
    Variable[] repeatVariables = rules.repeatVariables(phase);
    verdicts = repeatVerdictsOff || repeatVariables.length == 0 ? null : rules.repeatVerdicts();
    if (verdicts != null) {
      verdicts.refresh(repeatVariables, this);
    }
    int skipTo = -1; // the number of the marker a skipAfter skips to, or -1
    int skip = 0;
    TxSegment[] segments = txSegmentsOff ? null : rules.txSegments(phase);
    recording = null;
    for (int i = 0, n = walk.size(); i < n; i++) {
      if (recording != null && i == recording.segment.end()) {
        recording.keepOutcome(skipTo, skip);
        recording = null;
      }
      // while one segment is recorded, the ones starting inside it are not looked at: its outcome must come from its
      // own rules' evaluation, not from another outcome applied on the way
      TxSegment segment = segments == null || recording != null ? null : segments[i];
      if (segment != null && skipTo < 0 && skip == 0 && !removalMayTouch(segment)) {
        KeyedValues.Entry[][] inputs = segmentInputs(segment);
        TxSegment.Outcome known = segment.find(inputs);
        if (known != null && regexSteps > known.regexSteps()) {
          apply(known);
          txSegmentsApplied++;
          skipTo = known.skipTo();
          skip = known.skip();
          i = segment.end() - 1;
          continue;
        }
        if (known == null && segment.hasRoom() && inputsKeepable(inputs)) {
          recording = new SegmentRun(segment, inputs);
        }
      }
      int marker = walk.markers[i];
      if (marker >= 0) {
        if (skipTo == marker) {
          skipTo = -1;
        }
        continue;
      }
      if (skipTo >= 0) {
        continue;
      }
      if (skip > 0) {
        skip--;
        continue;
      }
      if (isRemoved(walk, i)) {
        continue;
      }
      int repeatBase = verdicts == null ? -1 : rules.repeatBase(phase, i);
      if (repeatBase >= 0 && allKnown(repeatBase, rules.repeatAllKept(phase, i))) {
        continue;
      }
      if (cannotMatch(walk, i)) {
        continue;
      }
      Rule r = walk.rules[i];
      boolean hit;
      try {
        hit = evaluateChain(r, repeatBase);
      } catch (RuntimeException e) {
        errors.add(r + ": " + e);
        continue;
      }
      if (!hit) {
        continue;
      }
      if (recording != null && disruptive(r)) {
        recording = null; // its outcome depends on the engine mode: not kept
      }
      if (walk.skipTo[i] >= 0) {
        skipTo = walk.skipTo[i];
      } else if (r.skip() > 0) {
        skip = r.skip();
      }
      if (mode == EngineMode.ON) {
        switch (r.disruptive()) {
          case DENY, DROP -> interruption = new Interruption(r.id(), r.disruptive() == Rule.Disruptive.DROP
              ? "drop" : "deny", r.status() == 0 ? 403 : r.status());
          case ALLOW, ALLOW_REQUEST -> allowRequest = true;
          case ALLOW_PHASE -> {
            return;
          }
          default -> { }
        }
        if (interruption != null || allowRequest) {
          return;
        }
      }
      if (mode == EngineMode.OFF) {
        return;
      }
    }
    if (recording != null && recording.segment.end() == walk.size()) {
      recording.keepOutcome(skipTo, skip);
    }
    recording = null;
  }

  private static boolean disruptive(Rule r) {
    return switch (r.disruptive()) {
      case DENY, DROP, ALLOW, ALLOW_PHASE, ALLOW_REQUEST -> true;
      default -> false;
    };
  }

  // ---- TX segments (see TxSegment) ----

  private boolean txSegmentsOff;
  /** The segment this phase is evaluating rule by rule to keep its outcome, or null. */
  private SegmentRun recording;
  private int txSegmentsApplied;
  /** Counts {@link #recordMatch} calls, so a segment run knows whether it set MATCHED_VAR. */
  private int recordedMatches;
  /** Counts chains started (each clears MATCHED_VARS), so a segment run knows whether it changed MATCHED_VARS. */
  private int chainsStarted;

  /**
   * Evaluates every rule of this transaction, none passed over on a {@link TxSegment} outcome kept from an earlier
   * transaction, and keeps none: for tests that compare the two.
   */
  public void disableTxSegments() {
    txSegmentsOff = true;
  }

  /** How many {@link TxSegment}s this transaction passed over on an outcome kept from an earlier one. */
  int txSegmentsApplied() {
    return txSegmentsApplied;
  }

  /**
   * Whether a runtime removal ({@code ctl:ruleRemove...}) so far could name one of the segment's rules (by its ids'
   * bounds, or a tag one of them carries): its rules are then evaluated one by one, as the removals say.
   */
  private boolean removalMayTouch(TxSegment segment) {
    if (segment.mayHoldIds(removedRules)) {
      return true;
    }
    for (int tagId : removedTags) {
      if (segment.mayHoldTag(tagId)) {
        return true;
      }
    }
    if (!removedTargetVariables[Variable.TX.ordinal()]) {
      return false; // a target removal takes members of the variable it names only, and the segment reads only TX
    }
    if (segment.mayHoldIds(removedTargetRanges)) {
      return true;
    }
    for (TagRemoval x : removedTargetsByTag) {
      if (segment.mayHoldTag(x.tagId())) {
        return true;
      }
    }
    return false;
  }

  /** The TX members of each of the segment's input keys now (arrays the collection never changes in place). */
  private KeyedValues.Entry[][] segmentInputs(TxSegment segment) {
    KeyedValues tx = collections.get(Variable.TX);
    String[] keys = segment.inputKeys();
    KeyedValues.Entry[][] inputs = new KeyedValues.Entry[keys.length][];
    for (int k = 0; k < keys.length; k++) {
      inputs[k] = tx.withKey(keys[k]);
    }
    return inputs;
  }

  private static boolean inputsKeepable(KeyedValues.Entry[][] inputs) {
    for (KeyedValues.Entry[] members : inputs) {
      for (KeyedValues.Entry e : members) {
        if (e.value().length() > TxSegment.MAX_INPUT_LENGTH) {
          return false;
        }
      }
    }
    return true;
  }

  /** Does to this transaction what running the segment did when the outcome was recorded. */
  private void apply(TxSegment.Outcome o) {
    KeyedValues tx = collections.get(Variable.TX);
    for (String key : o.deleted()) {
      tx.remove(key);
    }
    for (KeyedValues.Entry e : o.written()) {
      tx.put(e);
    }
    for (RuleAction ctl : o.ctls()) {
      ctl.execute(this);
    }
    for (MatchedRule m : o.matches()) {
      matched.add(m);
    }
    if (o.matchedVar()) {
      scalars.put(Variable.MATCHED_VAR, o.matchedVarValue());
      scalars.put(Variable.MATCHED_VAR_NAME, o.matchedVarName());
    }
    if (o.matchedVars() != null) {
      matchedVars.clear();
      for (KeyedValues.Entry e : o.matchedVars()) {
        matchedVars.add(e);
      }
    }
    regexSteps -= o.regexSteps();
  }

  /** A segment being evaluated rule by rule: what it started from, to record its outcome when it ends. */
  private final class SegmentRun {
    final TxSegment segment;
    final KeyedValues.Entry[][] inputs;
    final List<KeyedValues.Entry> txBefore;
    final int matchedBefore = matched.size();
    final int errorsBefore = errors.size();
    final int budgetEventsBefore = budgetEvents;
    final long stepsBefore = regexSteps;
    final int recordedBefore = recordedMatches;
    final int chainsBefore = chainsStarted;
    final List<RuleAction> ctls = new ArrayList<>(0);

    SegmentRun(TxSegment segment, KeyedValues.Entry[][] inputs) {
      this.segment = segment;
      this.inputs = inputs;
      this.txBefore = new ArrayList<>(collections.get(Variable.TX).entries());
    }

    /** Keeps what the segment did, unless something it did is not a function of its inputs alone. */
    void keepOutcome(int skipTo, int skip) {
      if (errors.size() != errorsBefore || budgetEvents != budgetEventsBefore) {
        return; // a rule threw, or the regex budget ran out: left to each transaction
      }
      List<KeyedValues.Entry> after = collections.get(Variable.TX).entries();
      Set<KeyedValues.Entry> kept = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
      kept.addAll(txBefore);
      List<KeyedValues.Entry> written = new ArrayList<>();
      Set<String> present = new java.util.HashSet<>();
      for (KeyedValues.Entry e : after) {
        present.add(e.lowerKey());
        if (!kept.contains(e)) {
          written.add(e);
        }
      }
      Set<String> deleted = new LinkedHashSet<>();
      for (KeyedValues.Entry e : txBefore) {
        if (!present.contains(e.lowerKey())) {
          deleted.add(e.lowerKey());
        }
      }
      boolean setMatchedVar = recordedMatches != recordedBefore;
      segment.keep(new TxSegment.Outcome(inputs, deleted.toArray(new String[0]),
          written.toArray(new KeyedValues.Entry[0]), ctls.toArray(new RuleAction[0]),
          matched.subList(matchedBefore, matched.size()).toArray(new MatchedRule[0]), setMatchedVar,
          setMatchedVar ? scalars.get(Variable.MATCHED_VAR) : null,
          setMatchedVar ? scalars.get(Variable.MATCHED_VAR_NAME) : null,
          chainsStarted != chainsBefore ? matchedVars.entries().toArray(new KeyedValues.Entry[0]) : null,
          stepsBefore - regexSteps, skipTo, skip));
    }
  }

  /**
   * Whether every include of a chain starter (slots {@code base} to {@code base + slots - 1}, {@code slots} 0 when
   * some include cannot keep a verdict) holds a verdict "no match" for the content it reads now, so the rule can be
   * passed over as {@link #collect} would pass over each include, from dense arrays alone: in the node the rule
   * objects, target lists and values are out of cache by the next request, and walking them was most of what a
   * repeated include cost. Charged as there: each include's steps again, the total only while the budget exceeds
   * it. Not for a rule a runtime exclusion could apply to (a removal naming one of its variables): {@link #collect}
   * keeps no verdict for such an include. {@link #cannotMatch} is not consulted first: when every include repeats,
   * the rule was evaluated on this very content when its verdicts were kept, so its group could match then as now.
   */
  private boolean allKnown(int base, int slots) {
    if (slots == 0) {
      return false;
    }
    long steps = 0;
    for (int k = base, end = base + slots; k < end; k++) {
      if (!verdicts.known(k, rules.repeatOrdinal(k)) || removalMayApply(rules.repeatIncludeOrdinal(k))) {
        return false;
      }
      steps += verdicts.steps(k);
    }
    if (regexSteps <= steps) {
      return false; // near the end of the budget: each include is evaluated (or charged) on its own
    }
    regexSteps -= steps;
    repeatVerdictsUsed += slots;
    chainsStarted++;
    matchedVars.clear(); // as evaluateChain does for every starter it evaluates
    return true;
  }

  /** Per variable ordinal, whether a runtime target removal ({@code ctl:ruleRemoveTargetBy...}) names it. */
  private final boolean[] removedTargetVariables = new boolean[VARIABLE_COUNT];
  private static final Variable[] VARIABLES = Variable.values();
  private static final int VARIABLE_COUNT = VARIABLES.length;

  /**
   * Whether a runtime target removal names variable {@code ordinal} and could take something out of it: not when it
   * is a collection (or a collection's names) holding no member, as ARGS in a FHIR read, whose exclusions (the
   * CRS's FHIR exclusions name ARGS in every /fhir request) then change nothing and the include's kept verdict holds.
   */
  private boolean removalMayApply(int ordinal) {
    return removedTargetVariables[ordinal] && !holdsNoMember(VARIABLES[ordinal]);
  }

  private boolean holdsNoMember(Variable v) {
    Variable c = v.kind() == Variable.Kind.NAMES ? v.namesOf() : v;
    if (c.kind() != Variable.Kind.COLLECTION) {
      return false;
    }
    KeyedValues values = collections.get(c);
    return values != null && values.size() == 0;
  }

  /** Whether a runtime removal takes rule {@code i} of the walk's phase out; its object is loaded only for a tag's. */
  private boolean isRemoved(PhaseWalk walk, int i) {
    if (removedRules.contains(walk.ids[i])) {
      return true;
    }
    for (int tagId : removedTags) {
      if (walk.rules[i].hasTag(tagId)) {
        return true;
      }
    }
    return false;
  }

  private static final Target[] NO_TARGETS = new Target[0];
  private static final String[] NO_STRINGS = new String[0];
  private static final ValueMemo[] NO_MEMOS = new ValueMemo[0];

  /**
   * Whether the chain starter {@code r} cannot match whatever the phase's rules did before it, so it can be passed
   * over without collecting its values one selection at a time: it reads only values that are fixed within the
   * phase ({@link TargetList#groupId}), and none is collected, or none holds a byte the rule needs
   * ({@link Rule#needs}; {@link #inspect} would turn each one down). Runtime exclusions only remove values, so the
   * union over the whole group answers for every subset of it. A rule that does not match has no effect.
   */
  private boolean cannotMatch(PhaseWalk walk, int i) {
    int g = walk.groups[i];
    if (g < 0) {
      return false; // unconditional, or a group only this rule reads: its own selections' checks cost no more
    }
    int at = groupBytes(walk, i, g);
    long[] groupBytes = groups.words();
    if (groupBytes[at + 4] < 0) {
      return false; // the group holds a body: not read whole for this (see groupBytes)
    }
    if (groupBytes[at + 4] == 0) {
      return true; // nothing to inspect: a rule matches only on a value
    }
    if (walk.needsAll[i]) {
      return false;
    }
    long[] needs = walk.needs;
    int w = 4 * i;
    return ((needs[w] & groupBytes[at]) | (needs[w + 1] & groupBytes[at + 1]) | (needs[w + 2] & groupBytes[at + 2])
        | (needs[w + 3] & groupBytes[at + 3])) == 0;
  }

  /** A scalar longer than this (a body) makes its group's rules go through the usual per-value path. */
  private static final int LONG_SCALAR = 512;

  /**
   * The offset of group {@code g}'s five words in {@link #groups}' words (read by rule {@code rule} of the walk),
   * computed once per phase; the fifth is the number of values, or -1 when the group holds a scalar longer than
   * {@link #LONG_SCALAR}.
   */
  private int groupBytes(PhaseWalk walk, int rule, int g) {
    int at = g * 5;
    if (groups.known(g, TargetList.groupCount())) {
      return at;
    }
    TargetList targets = walk.rules[rule].targets(); // the rule's object, once per group and phase
    long[] acc = groupAcc;
    java.util.Arrays.fill(acc, 0);
    long values = 0;
    for (int i = 0, n = targets.size(); i < n; i++) {
      int id = targets.selectionId(i);
      if (id < 0) {
        String value = scalar(targets.include(i).variable()); // fixedWithinPhase: a scalar, not a count
        if (value != null && value.length() > LONG_SCALAR) {
          values = -1; // REQUEST_BODY, which the rules reading it usually exclude at runtime (a JSON body's values
          break;       // are its ARGS): reading its bytes for the group cost more than the rules it would skip
        }
        if (value != null) {
          memo(value).addBytesTo(acc);
          values++;
        }
        continue;
      }
      Selection s = currentSelection(targets, i, id);
      if (s == null) {
        continue;
      }
      s.addBytesTo(acc);
      values += s.size;
    }
    groups.keep(g, acc, values);
    return at;
  }

  /** Targets removed from this rule by earlier {@code ctl:ruleRemoveTargetById/ByTag} actions. */
  private Target[] runtimeExclusions(Rule starter) {
    int byId = removedTargetRanges.inRange(starter.id()) ? removedTargetRanges.size() : 0;
    int n = byId + removedTargetsByTag.size();
    if (n == 0) {
      return NO_TARGETS;
    }
    if (exclusionScratch.length < n) {
      exclusionScratch = new Target[n];
    }
    int count = 0;
    for (int i = 0; i < byId; i++) {
      if (removedTargetRanges.contains(i, starter.id())) {
        exclusionScratch[count++] = removedTargetsById[i];
      }
    }
    for (int i = byId; i < n; i++) {
      TagRemoval x = removedTargetsByTag.get(i - byId);
      if (starter.hasTag(x.tagId())) {
        exclusionScratch[count++] = x.target();
      }
    }
    if (count == 0) {
      return NO_TARGETS;
    }
    // most rules of a phase get the same exclusions (the builtin rules' tag removals): hand out the last array again
    // rather than a new one per rule; the arrays are never modified once handed out
    Target[] last = lastExclusions;
    if (last.length == count) {
      boolean same = true;
      for (int k = 0; k < count && same; k++) {
        same = last[k] == exclusionScratch[k];
      }
      if (same) {
        return last;
      }
    }
    lastExclusions = java.util.Arrays.copyOf(exclusionScratch, count);
    return lastExclusions;
  }

  /** {@link #runtimeExclusions}'s work space, and the array it handed out last. */
  private Target[] exclusionScratch = NO_TARGETS;
  private Target[] lastExclusions = NO_TARGETS;

  private RuleValues buffer(int depth) {
    if (depth >= buffers.length) {
      buffers = java.util.Arrays.copyOf(buffers, depth + 1);
    }
    RuleValues b = buffers[depth];
    if (b == null) {
      b = new RuleValues();
      buffers[depth] = b;
    }
    return b;
  }

  /**
   * Evaluates the chain starting at {@code starter}; {@code repeatBase} is the starter's first {@link RepeatVerdicts}
   * slot, or -1.
   */
  private boolean evaluateChain(Rule starter, int repeatBase) {
    chainsStarted++;
    matchedVars.clear();
    Target[] exclusions = runtimeExclusions(starter);
    currentMatchedNames = null;
    int depth = 0;
    for (Rule r = starter; r != null; r = r.chained()) {
      if (!evaluateRule(r, exclusions, buffer(depth++), r == starter ? repeatBase : -1)) {
        return false;
      }
    }
    current = starter;
    String msg = starter.msg() == null ? "" : starter.msg().expand(this);
    String logData = starter.logData() == null ? "" : starter.logData().expand(this);
    matched.add(new MatchedRule(starter.id(), starter.phase(), msg, logData, starter.tags(), starter.severity(),
        starter.log(), currentMatchedNames == null ? List.of() : List.copyOf(currentMatchedNames)));
    return true;
  }

  private boolean evaluateRule(Rule r, Target[] exclusions, RuleValues values, int repeatBase) {
    current = r;
    if (r.unconditional()) {
      runActions(r);
      return true;
    }
    values.clear();
    collect(r.targets(), exclusions, values, repeatBase);
    // Every target is collected before any value is tested, so a match's actions (setvar) cannot change
    // what a later target of the same rule reads; selections are only refilled by collect.
    boolean any = false;
    CollectedValues loose = values.loose;
    int looseFrom = 0;
    for (int run = 0; run < values.runs; run++) {
      long stepsBefore = regexSteps;
      int eventsBefore = budgetEvents;
      boolean runHit = false;
      Selection s = values.selections[run];
      if (s == null) {
        for (int i = looseFrom, n = values.looseEnds[run]; i < n; i++) {
          Object attached = loose.attached(i);
          ValueMemo hit = inspect(r, attached != null ? (ValueMemo) attached : memo(loose.value(i)));
          if (hit != null) {
            runHit = true;
            recordMatch(r, loose.name(i), hit.value);
          }
        }
        looseFrom = values.looseEnds[run];
      } else if (!noMemberCanMatch(r, s, values.excluded[run])) {
        String variable = values.variables[run];
        boolean[] excluded = values.excluded[run];
        for (int k = 0; k < s.size; k++) {
          if (excluded != null && excluded[k]) {
            continue;
          }
          ValueMemo hit = inspect(r, s.memos[k]);
          if (hit != null) {
            runHit = true;
            recordMatch(r, s.keys[k] == null ? variable : variable + ":" + s.keys[k], hit.value);
          }
        }
      }
      int slot = values.slots[run];
      if (slot >= 0 && !runHit && budgetEvents == eventsBefore) {
        verdicts.record(slot, stepsBefore - regexSteps);
      }
      any |= runHit;
    }
    return any;
  }

  /**
   * Whether the rule can skip the whole selection, as it would skip each member one by one: no member holds a
   * byte the rule needs ({@link Rule#needs}), or no member's form holds what the operator's literal condition
   * requires (the condition only grows with the literals present, so it fails on each member when it fails on
   * all the members' literals together). Both unions are kept by the selection, for every rule that reads it.
   */
  private boolean noMemberCanMatch(Rule r, Selection s, boolean[] excluded) {
    ByteSet needs = r.needs();
    if (needs == ByteSet.ALL) {
      return false; // a negated operator, or one that cannot tell what a match needs
    }
    if (!s.anyHolds(needs, excluded)) {
      return true;
    }
    io.bastion.security.waf.operators.LiteralIndex index = rules.literals();
    if (index == null) {
      return false;
    }
    TransformChain chain = r.chain();
    if (!sharedThroughout(r)) {
      return false; // the union would scan every member's form that only this rule tests: its own check is cheaper
    }
    long[] hits = s.hitsThrough(chain, index, excluded);
    if (r.multiMatch() && !chain.isEmpty()) {
      // the value itself and every shorter prefix's form are tested too (a copy: the unions are kept)
      hits = hits.clone();
      for (int k = 0; k < chain.steps().length; k++) {
        hits = Selection.or(hits, s.hitsThrough(k == 0 ? chain.prefix(1).parent() : chain.prefix(k), index, excluded));
      }
    }
    return !r.operator().mayMatchWithin(hits, index);
  }

  /** Whether every form the rule tests (each prefix's too, with multiMatch) is through a shared chain. */
  private boolean sharedThroughout(Rule r) {
    TransformChain chain = r.chain();
    if (!rules.sharedChain(chain.id())) {
      return false;
    }
    if (r.multiMatch()) {
      if (!rules.sharedChain(0)) {
        return false;
      }
      for (int k = 1; k < chain.steps().length; k++) {
        if (!rules.sharedChain(chain.prefix(k).id())) {
          return false;
        }
      }
    }
    return true;
  }

  /** The form of the value that satisfied the rule's operator (each form, with multiMatch), or null. */
  private ValueMemo inspect(Rule r, ValueMemo original) {
    ByteSet needs = r.needs();
    if (needs != ByteSet.ALL && !original.holdsAny(needs)) {
      return null; // no form of the value can hold what the operator needs (the usual case for a FHIR value)
    }
    TransformChain chain = r.chain();
    int chainCount = rules.chainCount();
    if (r.multiMatch()) {
      // test the value before and after each step that changed it; prefixes are memoised too
      ValueMemo v = original;
      boolean hit = test(r, v, 0);
      for (int k = 1; !hit && k <= chain.steps().length; k++) {
        TransformChain prefix = chain.prefix(k);
        ValueMemo next = original.form(prefix, chainCount);
        if (next.value != v.value) {
          v = next;
          hit = test(r, v, prefix.id());
        }
      }
      return hit ? v : null;
    }
    ValueMemo v = original.form(chain, chainCount);
    return test(r, v, chain.id()) ? v : null;
  }

  /**
   * As {@link TargetList#collect(VariableSource, Target[], CollectedValues)}, cached selections reused: when no
   * runtime exclusion names its variable (the builtin rules' only ones name REQUEST_BODY), a selection is read
   * in place rather than copied value by value.
   */
  private void collect(TargetList targets, Target[] runtimeExclusions, RuleValues values, int repeatBase) {
    CollectedValues out = values.loose;
    for (int i = 0, n = targets.size(); i < n; i++) {
      Variable v = targets.include(i).variable();
      // asked once: each Target is cold in the node; and only when some removal names the variable at all (the
      // builtin rules' name REQUEST_BODY), from one array the phase keeps hot, not from the rule's exclusions
      boolean excludedAtRuntime = removalMayApply(v.ordinal()) && anyExcludes(runtimeExclusions, v);
      // a verdict is not kept for an include a runtime exclusion names: this request's earlier rules decided that
      int slot = repeatBase < 0 || excludedAtRuntime || rules.repeatOrdinal(repeatBase + i) < 0 ? -1
          : repeatBase + i;
      if (slot >= 0 && verdicts.known(slot, rules.repeatOrdinal(slot)) && regexSteps > verdicts.steps(slot)) {
        // the same content found no match before: it would not now, and it is charged what it spent then
        regexSteps -= verdicts.steps(slot);
        repeatVerdictsUsed++;
        continue;
      }
      int collected = out.size();
      int id = targets.selectionId(i);
      if (id < 0) {
        targets.collect(this, i, runtimeExclusions, out);
        values.endLoose(slot);
        if (slot >= 0 && out.size() == collected) {
          verdicts.record(slot, 0); // nothing to inspect: no match
        }
        continue;
      }
      Selection s = currentSelection(targets, i, id);
      if (s == null || s.size == 0) {
        if (slot >= 0) {
          verdicts.record(slot, 0);
        }
        continue;
      }
      String name = v.name();
      if (!excludedAtRuntime) {
        values.addSelection(s, name, slot);
        continue;
      }
      // read in place too, the removed members passed over: the rule can then skip the whole selection on its
      // unions, which hold for every subset of it (a removal only takes members away)
      values.addSelection(s, name, s.excludedAtRuntime(v, runtimeExclusions));
    }
  }

  /**
   * Evaluates every rule of this transaction without the verdicts kept from earlier requests ({@link RepeatVerdicts}),
   * and keeps none of its own: what the engine did before they existed, for tests that compare the two.
   */
  public void disableRepeatVerdicts() {
    repeatVerdictsOff = true;
  }

  /** How many rule includes this transaction passed over on a verdict kept from an earlier request. */
  public int repeatVerdictsUsed() {
    return repeatVerdictsUsed;
  }

  /**
   * Whether a runtime exclusion names {@code v}: only such a one can remove a member of it. Asked for each include
   * of each rule evaluated; the variables an exclusions array names are listed once per array (the same array
   * serves a run of rules, see {@link #runtimeExclusions}).
   */
  private boolean anyExcludes(Target[] runtimeExclusions, Variable v) {
    if (runtimeExclusions != variablesNamedFor) {
      java.util.Arrays.fill(variablesNamed, false);
      for (Target x : runtimeExclusions) {
        variablesNamed[x.variable().ordinal()] = true;
      }
      variablesNamedFor = runtimeExclusions;
    }
    return variablesNamed[v.ordinal()];
  }

  /** {@link #anyExcludes}'s answers by variable ordinal, for the exclusions array (by identity) they list. */
  private final boolean[] variablesNamed = new boolean[VARIABLE_COUNT];
  private Target[] variablesNamedFor;

  /** Target {@code i}'s selection (cache slot {@code id}), filled anew when its collection changed; null without one. */
  private Selection currentSelection(TargetList targets, int i, int id) {
    KeyedValues source = targets.source(this, i);
    if (source == null) {
      return null;
    }
    Selection s = selection(id);
    if (s.source != source || s.version != source.version()) {
      s.fill(targets, i, source);
    }
    return s;
  }

  private Selection selection(int id) {
    if (id >= selections.length) {
      selections = java.util.Arrays.copyOf(selections, Math.max(id + 1, TargetList.selectionCount()));
    }
    Selection s = selections[id];
    if (s == null) {
      s = new Selection();
      selections[id] = s;
    }
    return s;
  }

  /**
   * What one rule inspects, in target order: runs of values collected one by one into {@link #loose}, and
   * cached selections read whole where they are (a selection is not refilled while the rule tests its values).
   */
  private static final class RuleValues {
    final CollectedValues loose = new CollectedValues();
    /** Per run: the selection it reads, or null for the loose values up to {@code looseEnds[run]}. */
    Selection[] selections = new Selection[4];
    String[] variables = new String[4];
    int[] looseEnds = new int[4];
    /** Per run: the {@link RepeatVerdicts} slot of the include it holds, or -1. */
    int[] slots = new int[4];
    /** Per run: for a selection, the members a runtime exclusion removes ({@link Selection#excludedAtRuntime}), or null. */
    boolean[][] excluded = new boolean[4][];
    int runs;

    void clear() {
      loose.clear();
      runs = 0;
    }

    /** A selection read in place; every loose value before it has been closed into a run by {@link #endLoose}. */
    void addSelection(Selection s, String variable, int slot) {
      add(s, variable, slot);
    }

    /**
     * A selection read in place but for the members {@code excluded} marks (runtime exclusions); no verdict is
     * kept for it. The marks stay as they are while the rule tests: only {@link #collect} works them out.
     */
    void addSelection(Selection s, String variable, boolean[] excluded) {
      add(s, variable, -1);
      this.excluded[runs - 1] = excluded;
    }

    /** Closes the run of loose values collected since the last run, if any: one include's values. */
    void endLoose(int slot) {
      int from = runs == 0 ? 0 : looseEnds[runs - 1];
      if (loose.size() > from) {
        add(null, null, slot);
      }
    }

    private void add(Selection s, String variable, int slot) {
      if (runs == selections.length) {
        selections = java.util.Arrays.copyOf(selections, runs * 2);
        variables = java.util.Arrays.copyOf(variables, runs * 2);
        looseEnds = java.util.Arrays.copyOf(looseEnds, runs * 2);
        slots = java.util.Arrays.copyOf(slots, runs * 2);
        excluded = java.util.Arrays.copyOf(excluded, runs * 2);
      }
      excluded[runs] = null;
      selections[runs] = s;
      variables[runs] = variable;
      looseEnds[runs] = loose.size();
      slots[runs] = slot;
      runs++;
    }
  }

  /** The members one selection picked from one state of its collection (see {@link #selections}). */
  private final class Selection implements TargetList.Sink {
    KeyedValues source;
    int version;
    int size;
    boolean names;
    // empty until filled: most selections are a TX variable by name (one member), some 25 per phase of a CRS read
    String[] keys = NO_STRINGS;
    String[] lowerKeys = NO_STRINGS;
    ValueMemo[] memos = NO_MEMOS;
    /** The union of the members' bytes ({@link ByteSet} words), or null until a rule asks. */
    private long[] bytes;
    /** Per transformation chain id: the union of the members' literal hits through it, null until a rule asks. */
    private long[][] hitsByChain;

    /** Whether some member, but those {@code excluded} marks (null or {@link #excludedByAny}), holds one of these bytes. */
    boolean anyHolds(ByteSet needs, boolean[] excluded) {
      long[] b = excluded == null ? bytes() : keptBytes();
      return needs.meets(b[0], b[1], b[2], b[3]);
    }

    /** {@link #bytes} over the members {@link #excludedByAny} leaves. */
    private long[] keptBytes() {
      if (keptBytes == null) {
        keptBytes = new long[4];
        for (int k = 0; k < size; k++) {
          if (!excludedByAny[k]) {
            memos[k].addBytesTo(keptBytes);
          }
        }
      }
      return keptBytes;
    }

    /** Or's the bytes some member holds into {@code acc}. */
    void addBytesTo(long[] acc) {
      long[] b = bytes();
      for (int w = 0; w < 4; w++) {
        acc[w] |= b[w];
      }
    }

    private long[] bytes() {
      if (bytes == null) {
        bytes = new long[4];
        for (int k = 0; k < size; k++) {
          memos[k].addBytesTo(bytes);
        }
      }
      return bytes;
    }

    /**
     * The literals (ids of {@code index}) that some member, but those {@code excluded} marks (null or
     * {@link #excludedByAny}), holds through the chain: a member a removal takes from the rules is not transformed
     * and scanned for them (a FHIR narrative, removed from most CRS rules, is the body's longest value).
     */
    long[] hitsThrough(TransformChain chain, io.bastion.security.waf.operators.LiteralIndex index, boolean[] excluded) {
      int chainCount = rules.chainCount();
      long[][] byChain = excluded == null ? hitsByChain : keptHitsByChain;
      if (byChain == null) {
        byChain = new long[chainCount][];
        if (excluded == null) {
          hitsByChain = byChain;
        } else {
          keptHitsByChain = byChain;
        }
      }
      long[] union = byChain[chain.id()];
      if (union == null) {
        union = chain.isEmpty() || !leavesLiteralsAlone(chain, chainCount, excluded) ? unionThrough(chain, index, excluded)
            : hitsThrough(chain.prefix(1).parent(), index, excluded);
        byChain[chain.id()] = union;
      }
      return union;
    }

    /**
     * Whether no member's form through the chain holds other literals than the member itself: every step left it
     * as it was, or changed only ASCII case ({@link ValueMemo#sameHitsAs}). A JSON body's names and most of its
     * values are left alone by most chains, so their union is the members' own, or'ed once per selection instead
     * of once per chain (a bitmap of every literal of the rule set is some 86 words).
     */
    private boolean leavesLiteralsAlone(TransformChain chain, int chainCount, boolean[] excluded) {
      for (int k = 0; k < size; k++) {
        if ((excluded == null || !excluded[k]) && !memos[k].form(chain, chainCount).sameHitsAs(memos[k])) {
          return false;
        }
      }
      return true;
    }

    private long[] unionThrough(TransformChain chain, io.bastion.security.waf.operators.LiteralIndex index,
        boolean[] excluded) {
      int chainCount = rules.chainCount();
      long[] union = new long[0];
      for (int k = 0; k < size; k++) {
        if (excluded == null || !excluded[k]) {
          union = or(union, memos[k].form(chain, chainCount).hits(index));
        }
      }
      return union;
    }

    /** {@code a} or'ed with {@code b}, in {@code a} when it is long enough and not shared. */
    static long[] or(long[] a, long[] b) {
      if (b.length == 0) {
        return a;
      }
      long[] out = a.length >= b.length ? a : java.util.Arrays.copyOf(a, b.length);
      for (int w = 0; w < b.length; w++) {
        out[w] |= b[w];
      }
      return out;
    }

    /**
     * Each runtime exclusion's verdict on each member, worked out once per selection: the CRS FHIR exclusions
     * remove targets by key regex from most rules, and matching every member's key against every exclusion
     * for every rule was more than half of the node's CPU on a CRS create.
     */
    private Map<Target, boolean[]> excludedBy; // made on first use: most selections never meet one

    void fill(TargetList targets, int i, KeyedValues from) {
      source = from;
      version = from.version();
      size = 0;
      bytes = null;
      hitsByChain = null;
      if (excludedBy != null) {
        excludedBy.clear();
      }
      excludedFor = null;
      names = targets.include(i).variable().kind() == Variable.Kind.NAMES;
      // room for every member at once (a body's ~125 arguments grew it 4 times), unless the include names one key:
      // TX:anomaly_score picks one of TX's ~100 members
      if (keys.length < from.size() && !targets.byKey(i)) {
        keys = new String[from.size()];
        lowerKeys = new String[from.size()];
        memos = new ValueMemo[from.size()];
      }
      targets.select(i, from, this);
    }

    /**
     * Per member of this selection of {@code v}, whether one of the runtime exclusions removes it: the verdicts of
     * the exclusions naming {@code v} or'ed together, kept for the exclusions array last asked about. The rules of a
     * phase get the same array until the removals that apply to them change ({@link #runtimeExclusions} hands the
     * last one out again), so the per-exclusion verdicts are combined once per run of rules, not looked up once per
     * member and exclusion for each rule (an identity-map lookup per member, 7-8% of a FHIR create's CPU).
     */
    boolean[] excludedAtRuntime(Variable v, Target[] runtimeExclusions) {
      if (excludedFor == runtimeExclusions && excludedForVariable == v) {
        return excludedByAny;
      }
      if (excludedByAny == null || excludedByAny.length < size) {
        excludedByAny = new boolean[keys.length];
      } else {
        java.util.Arrays.fill(excludedByAny, 0, size, false);
      }
      for (Target x : runtimeExclusions) {
        if (x.variable() != v) {
          continue;
        }
        boolean[] verdicts = verdictsOf(x, v);
        for (int m = 0; m < size; m++) {
          excludedByAny[m] |= verdicts[m];
        }
      }
      excludedFor = runtimeExclusions;
      excludedForVariable = v;
      keptBytes = null;
      keptHitsByChain = null;
      return excludedByAny;
    }

    /** One runtime exclusion's verdict on each member, worked out once per selection. */
    private boolean[] verdictsOf(Target x, Variable v) {
      if (excludedBy == null) {
        excludedBy = new IdentityHashMap<>(4);
      }
      boolean[] verdicts = excludedBy.get(x);
      if (verdicts == null) {
        verdicts = new boolean[size];
        for (int m = 0; m < size; m++) {
          verdicts[m] = x.excludes(v, lowerKeys[m]);
        }
        excludedBy.put(x, verdicts);
      }
      return verdicts;
    }

    /** The exclusions array (by identity) and variable {@link #excludedByAny} was combined for; reset by fill. */
    private Target[] excludedFor;
    private Variable excludedForVariable;
    private boolean[] excludedByAny;
    /** {@link #bytes} and {@link #hitsByChain} over the members {@link #excludedByAny} leaves; reset with it. */
    private long[] keptBytes;
    private long[][] keptHitsByChain;

    @Override
    public void accept(KeyedValues.Entry member) {
      if (size == keys.length) {
        int room = Math.max(2, size * 2);
        keys = java.util.Arrays.copyOf(keys, room);
        lowerKeys = java.util.Arrays.copyOf(lowerKeys, room);
        memos = java.util.Arrays.copyOf(memos, room);
      }
      keys[size] = member.key();
      lowerKeys[size] = member.lowerKey();
      memos[size] = memo(names ? member.key() : member.value());
      size++;
    }
  }

  /** Tests the form of a value through the chain {@code chainId}. */
  private boolean test(Rule r, ValueMemo form, int chainId) {
    testing = form;
    testingShared = rules.sharedChain(chainId);
    return r.operator().matches(this, form.value) != r.negated();
  }

  private ValueMemo memo(String value) {
    ValueMemo m = memos.get(value);
    if (m == null) {
      m = new ValueMemo(value);
      memos.put(value, m);
    }
    return m;
  }

  private void recordMatch(Rule r, String name, String transformedValue) {
    // ModSecurity reports the value as the operator saw it: after transformations.
    recordedMatches++;
    scalars.put(Variable.MATCHED_VAR, transformedValue);
    scalars.put(Variable.MATCHED_VAR_NAME, name);
    matchedVars.add(name, transformedValue);
    if (currentMatchedNames == null) {
      currentMatchedNames = new ArrayList<>(2);
    }
    if (!currentMatchedNames.contains(name)) {
      currentMatchedNames.add(name);
    }
    runActions(r);
  }

  private void runActions(Rule r) {
    for (RuleAction a : r.actionArray()) {
      a.execute(this);
      if (recording != null && a instanceof io.bastion.security.waf.actions.Ctl) {
        recording.ctls.add(a);
      }
    }
  }

  // ---- results ----

  public Interruption interruption() {
    return interruption;
  }

  /** Every rule (chain) that matched, in order, including {@code nolog} ones. */
  public List<MatchedRule> matchedRules() {
    return matched;
  }

  /** Ids of matched rules that log, as a ModSecurity log would list them. */
  public Set<Integer> loggedRuleIds() {
    Set<Integer> ids = new LinkedHashSet<>();
    for (MatchedRule m : matched) {
      if (m.logged() && m.id() != 0) {
        ids.add(m.id());
      }
    }
    return ids;
  }

  /** A TX variable's value, or null. */
  public String tx(String key) {
    return collections.get(Variable.TX).get(key);
  }

  /** The inbound anomaly score the CRS computed (blocking paranoia levels only). */
  public int inboundAnomalyScore() {
    return (int) io.bastion.security.waf.operators.NumericCompare.parse(tx("blocking_inbound_anomaly_score"));
  }

  /** Rules that threw while evaluating (they were skipped). */
  public List<String> errors() {
    return errors;
  }

  public EngineMode mode() {
    return mode;
  }

  // ---- VariableSource / MatchContext ----

  @Override
  public KeyedValues collection(Variable variable) {
    KeyedValues c = collections.get(variable);
    if (c == null) {
      switch (variable) {
        case XML, ARGS_POST, REQUEST_COOKIES, FILES, FILES_NAMES, FILES_SIZES, MULTIPART_PART_HEADERS, ENV,
            RESPONSE_HEADERS -> {
          c = new KeyedValues();
          collections.put(variable, c);
        }
        case IP, GLOBAL, SESSION, USER -> {
          c = writableCollection(variable.name());
          collections.put(variable, c);
        }
        case RULE -> {
          return ruleCollection();
        }
        default -> {
          return null;
        }
      }
    }
    return c;
  }

  private KeyedValues ruleCollection() {
    KeyedValues k = new KeyedValues();
    if (current != null) {
      k.add("id", Integer.toString(current.id()));
      k.add("phase", Integer.toString(current.phase()));
      k.add("severity", Integer.toString(current.severity()));
      if (current.msg() != null) {
        k.add("msg", current.msg().toString());
      }
    }
    return k;
  }

  @Override
  public String scalar(Variable variable) {
    if (variable == Variable.DURATION) {
      return Long.toString((System.nanoTime() - startNanos) / 1000);
    }
    if (!timeFilled && RequestVariables.isTime(variable)) {
      timeFilled = true;
      RequestVariables.putTime(startMillis, scalars);
    }
    return scalars.get(variable);
  }

  @Override
  public boolean capturing() {
    return current != null && current.capture();
  }

  @Override
  public void capture(int index, String value) {
    collections.get(Variable.TX).set(CAPTURE_KEYS[index], value);
  }

  @Override
  public void regexBudgetExceeded(String ruleContext) {
    budgetEvents++;
    collections.get(Variable.TX).set("MSC_PCRE_LIMITS_EXCEEDED", "1");
    if (regexSteps <= 0) {
      budgetExhausted = true;
    }
    if (errors.size() < 100) {
      errors.add("regex budget exceeded in " + current);
    }
  }

  @Override
  public long[] literalHits(String value) {
    io.bastion.security.waf.operators.LiteralIndex index = rules.literals();
    if (index == null) {
      return null;
    }
    if (testing != null && testing.value == value) {
      if (!testingShared && !testing.scanned()) {
        // a form only this rule tests, not scanned yet: the operator's own automaton (its literals only) answers
        // the same condition at a fraction of a scan against every literal of the rule set
        return null;
      }
      return testing.hits(index);
    }
    return memo(value).hits(index);
  }

  @Override
  public Object[] threadSlots(io.bastion.security.waf.operators.LiteralIndex index) {
    return index == rules.literals() ? threadSlots : null;
  }

  @Override
  public long remainingRegexSteps() {
    return regexSteps;
  }

  @Override
  public void consumeRegexSteps(long steps) {
    regexSteps -= steps;
  }

  /** True when the request used up {@link #REGEX_STEP_BUDGET}: some rules were not fully evaluated. */
  public boolean evaluationBudgetExhausted() {
    return budgetExhausted;
  }

  /** Regex steps spent so far. */
  public long regexStepsUsed() {
    return REGEX_STEP_BUDGET - regexSteps;
  }

  // ---- ActionContext ----

  @Override
  public KeyedValues writableCollection(String name) {
    // setvar passes the name lower-cased already: no need to lower-case it once per action
    String key = switch (name) {
      case "tx", "ip", "global", "session", "user" -> name;
      default -> name.toLowerCase(Locale.ROOT);
    };
    if (!key.equals("tx") && !key.equals("ip") && !key.equals("global") && !key.equals("session")
        && !key.equals("user")) {
      return null;
    }
    return persistent.computeIfAbsent(key, k -> new KeyedValues());
  }

  void persistentCollections(PersistentCollections collections, long timeoutSeconds) {
    this.store = collections;
    this.collectionTimeoutSeconds = timeoutSeconds;
  }

  @Override
  public void initCollection(String collection, String key) {
    if (store == null || !PersistentCollections.persistent(collection) || key == null || key.isEmpty()) {
      return;
    }
    if (bindings == null) {
      bindings = new HashMap<>(2);
    } else if (bindings.containsKey(collection)) {
      return; // as ModSecurity: a collection is initialised once per transaction
    }
    Map<String, String> before = store.load(collection, key);
    KeyedValues values = writableCollection(collection);
    values.clear();
    before.forEach(values::set);
    bindings.put(collection, new Binding(key, before, new HashMap<>(2)));
  }

  @Override
  public void expireVariable(String collection, String name, long seconds) {
    Binding b = bindings == null ? null : bindings.get(collection);
    if (b != null) {
      b.expiries().put(name.toLowerCase(Locale.ROOT), seconds);
    }
  }

  /**
   * Writes what this transaction changed in its initcol'd collections (IP, GLOBAL) back to the node's store.
   * Call once when the transaction is done (the gateway does after phase 2, blocked or not); idempotent.
   */
  public void persistCollections() {
    if (bindings == null) {
      return;
    }
    bindings.forEach((collection, b) -> store.commit(collection, b.key(), b.before(), persistent.get(collection),
        b.expiries(), collectionTimeoutSeconds));
    bindings = null;
  }

  @Override
  public void removeRules(int fromId, int toId) {
    removedRules.add(fromId, toId);
  }

  @Override
  public void removeRulesByTag(String tag) {
    int id = TagIds.find(tag);
    for (int removed : removedTags) {
      if (removed == id) {
        return;
      }
    }
    removedTags = java.util.Arrays.copyOf(removedTags, removedTags.length + 1);
    removedTags[removedTags.length - 1] = id;
  }

  @Override
  public void removeTargetById(int fromId, int toId, Target target) {
    if (removedTargetsById.length == removedTargetRanges.size()) {
      removedTargetsById = java.util.Arrays.copyOf(removedTargetsById, Math.max(8, removedTargetsById.length * 2));
    }
    removedTargetsById[removedTargetRanges.size()] = target;
    removedTargetRanges.add(fromId, toId);
    removedTargetVariables[target.variable().ordinal()] = true;
  }

  @Override
  public void removeTargetByTag(String tag, Target target) {
    removedTargetsByTag.add(new TagRemoval(TagIds.find(tag), target));
    removedTargetVariables[target.variable().ordinal()] = true;
  }

  @Override
  public void setEngineMode(EngineMode mode) {
    this.mode = mode;
  }

  @Override
  public void setRequestBodyProcessor(String processor) {
    scalars.put(Variable.REQBODY_PROCESSOR, processor);
  }

  @Override
  public void setRequestBodyAccess(boolean on) {
    this.requestBodyAccess = on;
  }

  @Override
  public void setForceRequestBodyVariable(boolean on) {
    this.forceRequestBodyVariable = on;
  }

  // ---- BodyContext ----

  @Override
  public void addPostArg(String name, String value) {
    if (argNames == null) {
      argNames = rules.keptArgNames(); // this thread's: a transaction runs its phases on one thread
    }
    KeyedValues post = collection(Variable.ARGS_POST);
    KeyedValues.Entry e = argNames.entry(name, value, memos);
    if (e == null) {
      e = post.add(name, value);
    } else {
      post.add(e);
    }
    collections.get(Variable.ARGS).add(e);
  }

  /** This thread's kept body argument names, fetched when the body brings its first argument. */
  private KeptArgNames argNames;

  @Override
  public void setScalar(Variable variable, String value) {
    scalars.put(variable, value);
  }
}
