/**
 * Bastion's web application firewall engine: a SecLang (ModSecurity rule language) implementation that
 * runs the OWASP Core Rule Set unmodified. Pure Java, no Vert.x types; the gateway wires it in.
 *
 * <h2>Layout (one SecLang concept per file, explicit registries)</h2>
 * <ul>
 *   <li>{@code parser}: {@link io.bastion.security.waf.parser.SecLangParser} reads files (Include with
 *       globs, continuation lines and quoting as the CRS writes them) into a
 *       {@link io.bastion.security.waf.RuleSet}; every error names {@code file:line}.</li>
 *   <li>{@code variables}: the variable registry, targets with selectors, regex selectors, exclusions and
 *       counts, and macro expansion.</li>
 *   <li>{@code operators}: one class per operator, argument compiled once; PCRE translation, the ReDoS
 *       guard and the required-literal prefilter for {@code @rx}.</li>
 *   <li>{@code transformations}: one class per transformation; each returns its input instance when it
 *       changed nothing.</li>
 *   <li>{@code actions}: {@code setvar} and {@code ctl}; metadata, disruptive and flow actions are
 *       compiled into {@link io.bastion.security.waf.Rule}.</li>
 *   <li>{@code bodyprocessors}: URL-encoded, JSON ({@code json.a.b} names), multipart, XML.</li>
 * </ul>
 *
 * <h2>Use</h2>
 * <pre>{@code
 * WafEngine waf = WafEngine.load(List.of(crsSetup, crsRules));      // once; immutable, share it
 * Transaction tx = waf.newTransaction(new WafRequest(method, uri, protocol, headers, body, remoteAddr));
 * Interruption verdict = tx.processRequest();                       // phases 1 and 2
 * tx.loggedRuleIds(); tx.inboundAnomalyScore(); tx.evaluationBudgetExhausted();
 * }</pre>
 * Phases 3-5 ({@code processResponseHeaders}, {@code processResponseBody}, {@code processLogging}) are
 * available and optional. Limits and their reasons: {@code docs/rationale.md}.
 */
package io.bastion.security.waf;
