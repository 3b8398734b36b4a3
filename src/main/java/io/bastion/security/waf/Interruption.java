package io.bastion.security.waf;

/**
 * The verdict of a disruptive action: what the gateway should do instead of handling the request.
 *
 * @param ruleId the rule that disrupted the transaction
 * @param action {@code deny}, {@code drop} or {@code allow}
 * @param status the HTTP status to answer with (deny), 0 when not applicable
 */
public record Interruption(int ruleId, String action, int status) {
}
