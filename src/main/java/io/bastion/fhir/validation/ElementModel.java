package io.bastion.fhir.validation;

import java.util.List;

/**
 * One element of a type as the R4 definitions give it: its name ({@code birthDate}, or {@code value[x]} for a
 * choice), cardinality, and the JSON property names under which it may appear (each choice type's name and
 * the {@code _name} companions of primitives), used to decide whether a required element is present.
 *
 * @param name       the name in the definition, e.g. {@code value[x]}
 * @param jsonName   the name without {@code [x]}: what an expression names when the element is missing
 * @param min        minimum cardinality
 * @param max        maximum cardinality, {@link #UNBOUNDED} for {@code *}
 * @param presence   JSON property names any of which make the element present
 */
record ElementModel(String name, String jsonName, int min, int max, List<String> presence) {

  static final int UNBOUNDED = Integer.MAX_VALUE;

  ElementModel {
    presence = List.copyOf(presence);
  }

  /** In JSON, an element is an array exactly when it may repeat. */
  boolean array() {
    return max > 1;
  }

  boolean choice() {
    return name.endsWith("[x]");
  }
}
