package io.bastion.security.waf.parser;

import io.bastion.security.waf.Rule;
import io.bastion.security.waf.transformations.Transformation;
import java.util.List;

/**
 * What {@code SecDefaultAction} gives the rules of one phase that do not say otherwise: the disruptive
 * action (also what {@code block} means), the status, logging and leading transformations.
 */
record ActionDefaults(int phase, Rule.Disruptive disruptive, int status, boolean log,
    List<Transformation> transformations) {
}
