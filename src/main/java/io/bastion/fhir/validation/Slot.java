package io.bastion.fhir.validation;

import java.util.Set;

/**
 * What one JSON property name stands for in a type: the element and the one type it has under that name
 * ({@code valueQuantity} is value[x] as a Quantity). The type is linked once while the model is built
 * (types refer to each other, backbone elements even to themselves) and never changes afterwards.
 */
final class Slot {

  private final ElementModel element;
  private final String typeCode;
  private final Set<String> targets;
  private final String key;
  private final String pathSegment;
  private final String companionKey;
  private TypeModel type;

  /**
   * @param element  the element
   * @param typeCode the name of the type's model: an R4 type ({@code Quantity}, {@code Resource}) or, for a
   *                 backbone element, its path ({@code Patient.contact})
   * @param targets  for a Reference, the resource types it may point to; empty means any
   * @param jsonKey  the property name this slot is found under
   */
  Slot(ElementModel element, String typeCode, Set<String> targets, String jsonKey) {
    this.element = element;
    this.typeCode = typeCode;
    this.targets = Set.copyOf(targets);
    this.key = jsonKey;
    // FHIRPath names a choice by its element and type: value.ofType(Quantity), not valueQuantity
    this.pathSegment = element.choice() ? element.jsonName() + ".ofType(" + typeCode + ")" : jsonKey;
    this.companionKey = "_" + jsonKey;
  }

  void link(TypeModel type) {
    this.type = type;
  }

  ElementModel element() {
    return element;
  }

  String typeCode() {
    return typeCode;
  }

  Set<String> targets() {
    return targets;
  }

  /** The property name this slot is found under. */
  String key() {
    return key;
  }

  /** How an expression names this slot: {@code birthDate}, {@code value.ofType(Quantity)}. */
  String pathSegment() {
    return pathSegment;
  }

  /** {@code _name}: for primitives, the property holding the value's id and extensions. */
  String companionKey() {
    return companionKey;
  }

  TypeModel type() {
    return type;
  }
}
