package io.bastion.security;

import io.bastion.security.waf.WafRequest;

/**
 * One request of a WAF benchmark corpus.
 *
 * @param id       where it came from (corpus line id, or the benign set's own label)
 * @param attack   true for an attack, false for legitimate traffic
 * @param category the attack class (gotestwaf's) or the kind of legitimate traffic
 * @param request  the request as the gateway would hand it to the WAF
 */
record WafSample(String id, boolean attack, String category, WafRequest request) {
}
