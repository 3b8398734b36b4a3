package io.bastion.security.waf;

import java.util.List;

/**
 * A rule (or whole chain) that matched in a transaction, as a log line would report it.
 *
 * @param id          the rule id (the chain starter's id for chains)
 * @param phase       the phase it ran in
 * @param message     the expanded {@code msg}, may be empty
 * @param logData     the expanded {@code logdata}, may be empty; may hold request data, so never log it raw
 * @param tags        the rule's tags
 * @param severity    the severity, or -1
 * @param logged      false when the rule says {@code nolog}
 * @param matchedVars names of the variables that matched (never their values)
 */
public record MatchedRule(int id, int phase, String message, String logData, List<String> tags, int severity,
    boolean logged, List<String> matchedVars) {
}
