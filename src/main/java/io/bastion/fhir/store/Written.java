package io.bastion.fhir.store;

/** The outcome of a write: the version now current, and whether the write created the resource. */
public record Written(ResourceVersion resource, boolean created) {
}
