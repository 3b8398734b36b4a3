package io.bastion.fhir.validation;

import java.util.List;
import java.util.Map;

/**
 * A type compiled for validation: a primitive (its format), a complex datatype, a resource or a backbone
 * element (named by its path, e.g. {@code Patient.contact}). Lookups are by JSON property name.
 */
final class TypeModel {

  enum Kind { PRIMITIVE, COMPLEX, RESOURCE, BACKBONE }

  private final String name;
  private final Kind kind;
  private final PrimitiveFormat format;
  private final Map<String, Slot> slots;
  private final List<ElementModel> required;
  private final List<String> choicePrefixes;

  TypeModel(String name, Kind kind, PrimitiveFormat format, Map<String, Slot> slots, List<ElementModel> required,
      List<String> choicePrefixes) {
    this.name = name;
    this.kind = kind;
    this.format = format;
    this.slots = Map.copyOf(slots);
    this.required = List.copyOf(required);
    this.choicePrefixes = List.copyOf(choicePrefixes);
  }

  String name() {
    return name;
  }

  Kind kind() {
    return kind;
  }

  boolean primitive() {
    return kind == Kind.PRIMITIVE;
  }

  /** The format of a primitive; null for other kinds. */
  PrimitiveFormat format() {
    return format;
  }

  /** The slot for a JSON property name, or null when the type has no such element. */
  Slot slot(String jsonKey) {
    return slots.get(jsonKey);
  }

  /** Elements with min ≥ 1. */
  List<ElementModel> required() {
    return required;
  }

  /** The choice element whose name starts a property name ({@code value} for valueMoney), or null. */
  String choicePrefixOf(String jsonKey) {
    for (String prefix : choicePrefixes) {
      if (jsonKey.length() > prefix.length() && jsonKey.startsWith(prefix)
          && Character.isUpperCase(jsonKey.charAt(prefix.length()))) {
        return prefix;
      }
    }
    return null;
  }
}
