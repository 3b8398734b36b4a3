package io.bastion.fhir.validation;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Structural validation of a resource against the R4 definitions ({@link StructureModel}): every property is
 * an element of its type (choice elements only under their allowed types, {@code _name} companions only for
 * primitives), cardinality, JSON shape (arrays exactly for repeating elements, no nulls, no empty objects or
 * arrays), primitive formats, reference forms and targets, extensions (url, value or extensions, not both),
 * contained and other nested resources recursively. One pass over the JSON tree with map lookups; every
 * problem is reported with a FHIRPath-style expression such as {@code Observation.component[1].code}.
 */
public final class StructureValidator {

  private final StructureModel model;
  private final ResourceTypes types;
  private final ReferenceFormat references;
  private final TypeModel element;
  private final TypeModel extension;
  private final TypeModel reference;

  public StructureValidator(StructureModel model, ResourceTypes types) {
    this.model = model;
    this.types = types;
    this.references = new ReferenceFormat(types);
    this.element = model.type("Element");
    this.extension = model.type("Extension");
    this.reference = model.type("Reference");
  }

  /**
   * Validates a resource of a known type. Returns the problems as OperationOutcome issues, empty when it is
   * valid.
   *
   * @param ignoreId true on create: the server replaces the body's id, so it is not judged
   */
  public List<JsonObject> validate(String type, JsonObject resource, boolean ignoreId) {
    TypeModel root = model.resource(type);
    if (root == null || !types.isKnown(type)) {
      throw new IllegalArgumentException("not a concrete R4 resource type");
    }
    Walk walk = new Walk(type, ignoreId);
    walk.resource(resource.getMap(), root, false);
    return walk.issues.list();
  }

  /** One validation: the current path and the problems found so far. */
  private final class Walk {

    private final StringBuilder path = new StringBuilder(64);
    private final Issues issues = new Issues();
    private boolean skipRootId;
    /** Ids of the contained resources of the resource being walked: what a local reference may name. */
    private Set<String> containedIds;

    Walk(String type, boolean ignoreId) {
      path.append(type);
      skipRootId = ignoreId;
    }

    void resource(Map<String, Object> json, TypeModel type, boolean contained) {
      Set<String> outer = containedIds;
      if (!contained) {
        containedIds = containedIds(json);
      } else if (json.containsKey("contained")) {
        issue("structure", ".contained", "is not allowed: a contained resource cannot contain resources (dom-2)");
      }
      object(json, type, true);
      containedIds = outer;
    }

    private void object(Map<String, Object> json, TypeModel type, boolean resourceRoot) {
      boolean skipId = resourceRoot && skipRootId;
      skipRootId = false;
      boolean hasChild = false;
      List<Slot> choices = null;
      for (Map.Entry<String, Object> property : json.entrySet()) {
        if (issues.full()) {
          return;
        }
        String key = property.getKey();
        if (resourceRoot && (key.equals("resourceType") || (skipId && key.equals("id")))) {
          continue;
        }
        if (key.startsWith("_")) {
          String name = key.substring(1);
          Slot slot = type.slot(name);
          hasChild = true;
          if (slot == null || !slot.type().primitive()) {
            unknown(type, key);
            continue;
          }
          if (slot.element().choice()) {
            choices = choice(choices, slot);
          }
          if (!json.containsKey(name)) {
            // only the id and extensions of the value: validated here, else together with the value
            element(slot, null, property.getValue());
          }
          continue;
        }
        Slot slot = type.slot(key);
        hasChild |= !key.equals("id");
        if (slot == null) {
          unknown(type, key);
          continue;
        }
        if (slot.element().choice()) {
          choices = choice(choices, slot);
        }
        element(slot, property.getValue(), slot.type().primitive() ? json.get(slot.companionKey()) : null);
      }
      for (ElementModel required : type.required()) {
        if (!present(json, required)) {
          issue("required", "." + required.jsonName(), "is required (minimum cardinality " + required.min() + ")");
        }
      }
      if (!resourceRoot && !hasChild) {
        issue("structure", "", "must have a value or child elements (ele-1)");
      }
    }

    private boolean present(Map<String, Object> json, ElementModel element) {
      for (String key : element.presence()) {
        if (json.containsKey(key)) {
          return true;
        }
      }
      return false;
    }

    /** Remembers the choice elements seen in one object; two types of the same one is an error. */
    private List<Slot> choice(List<Slot> seen, Slot slot) {
      List<Slot> list = seen == null ? new ArrayList<>(2) : seen;
      for (Slot other : list) {
        if (other.element() == slot.element() && other != slot) {
          issue("structure", "." + slot.element().jsonName(), "has more than one type (" + other.key() + " and "
              + slot.key() + "); " + slot.element().name() + " takes one");
          return list;
        }
      }
      list.add(slot);
      return list;
    }

    private void unknown(TypeModel type, String key) {
      String name = key.startsWith("_") ? key.substring(1) : key;
      String prefix = type.choicePrefixOf(name);
      String typeName = type.name();
      if (prefix != null) {
        issue("structure", "." + key, "is not allowed: " + prefix + "[x] of " + typeName + " does not take the type "
            + name.substring(prefix.length()));
      } else if (key.startsWith("_")) {
        issue("structure", "." + key, "is not allowed: " + name + " is not a primitive element of " + typeName);
      } else {
        issue("structure", "." + key, "is not an element of " + typeName);
      }
    }

    /** One element's value (and the _ companion of a primitive), array or single as its cardinality says. */
    private void element(Slot slot, Object value, Object companion) {
      int mark = path.length();
      path.append('.').append(slot.pathSegment());
      if (slot.element().array()) {
        array(slot, value, companion);
      } else if (isArray(value) || isArray(companion)) {
        issue("structure", "", "must be a single value, not an array (" + slot.element().name() + " has at most 1)");
      } else {
        item(slot, value, companion);
      }
      path.setLength(mark);
    }

    private void array(Slot slot, Object value, Object companion) {
      ElementModel element = slot.element();
      List<?> values = value == null ? null : asList(value);
      List<?> companions = companion == null ? null : asList(companion);
      if ((value != null && values == null) || (companion != null && companions == null)) {
        issue("structure", "", "must be a JSON array (" + element.name() + " repeats)");
        return;
      }
      if (values != null && companions != null && values.size() != companions.size()) {
        issue("structure", "", "has " + values.size() + " values but _" + slot.key() + " has " + companions.size()
            + " items; they must line up, with null where one side has nothing");
        return;
      }
      int size = values != null ? values.size() : companions.size();
      if (size == 0) {
        issue("structure", "", "must not be an empty array (leave the element out instead)");
        return;
      }
      if (size > element.max()) {
        issue("structure", "", "has " + size + " items; at most " + element.max() + " are allowed");
      } else if (size < element.min()) {
        issue("required", "", "has " + size + " items; at least " + element.min() + " are required");
      }
      int mark = path.length();
      for (int i = 0; i < size && !issues.full(); i++) {
        path.append('[').append(i).append(']');
        Object item = values == null ? null : values.get(i);
        Object itemCompanion = companions == null ? null : companions.get(i);
        item(slot, item, itemCompanion);
        path.setLength(mark);
      }
    }

    private void item(Slot slot, Object value, Object companion) {
      TypeModel type = slot.type();
      if (type.primitive()) {
        if (value == null && companion == null) {
          issue("structure", "", "must not be null");
          return;
        }
        if (value != null) {
          String problem = type.format().check(value);
          if (problem != null) {
            issue("value", "", problem);
          }
        }
        if (companion != null) {
          Map<String, Object> extras = asMap(companion);
          if (extras == null) {
            issue("structure", "", "has a _" + slot.key() + " that is not a JSON object (id and extension)");
          } else {
            object(extras, element, false);
          }
        }
        return;
      }
      if (value == null) {
        issue("structure", "", "must not be null");
        return;
      }
      Map<String, Object> json = asMap(value);
      if (json == null) {
        issue("structure", "", "must be a JSON object (" + typeLabel(type) + ")");
        return;
      }
      if (type.kind() == TypeModel.Kind.RESOURCE) {
        nestedResource(json, slot.element().name().equals("contained"));
        return;
      }
      object(json, type, false);
      if (type == extension) {
        checkExtension(json);
      } else if (type == reference && json.get("reference") instanceof String text) {
        String problem = references.check(text, slot.targets(), containedIds);
        if (problem != null) {
          issue("value", ".reference", problem);
        }
      }
    }

    private void nestedResource(Map<String, Object> json, boolean contained) {
      TypeModel type = json.get("resourceType") instanceof String name && types.isKnown(name)
          ? model.resource(name) : null;
      if (type == null) {
        issue("structure", "", "must be a resource with the resourceType of a concrete R4 resource type");
        return;
      }
      resource(json, type, contained);
    }

    /** ext-1: an extension has a value or nested extensions, not both and not neither. */
    private void checkExtension(Map<String, Object> json) {
      boolean nested = json.containsKey("extension");
      boolean valued = false;
      for (String key : json.keySet()) {
        if (key.startsWith("value") || key.startsWith("_value")) {
          valued = true;
          break;
        }
      }
      if (nested == valued) {
        issue("structure", "", nested ? "has both a value[x] and nested extensions (ext-1)"
            : "has neither a value[x] nor nested extensions (ext-1)");
      }
    }

    private void issue(String code, String suffix, String problem) {
      issues.add(code, suffix.isEmpty() ? path.toString() : path + suffix, problem);
    }
  }

  private static Set<String> containedIds(Map<String, Object> json) {
    List<?> contained = asList(json.get("contained"));
    if (contained == null) {
      return null;
    }
    Set<String> ids = new HashSet<>();
    for (Object item : contained) {
      Map<String, Object> resource = asMap(item);
      if (resource != null && resource.get("id") instanceof String id) {
        ids.add(id);
      }
    }
    return ids;
  }

  private static String typeLabel(TypeModel type) {
    return type.kind() == TypeModel.Kind.BACKBONE ? "a backbone element" : "a " + type.name();
  }

  private static boolean isArray(Object value) {
    return value instanceof JsonArray || value instanceof List;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object value) {
    if (value instanceof JsonObject json) {
      return json.getMap();
    }
    return value instanceof Map<?, ?> map ? (Map<String, Object>) map : null;
  }

  private static List<?> asList(Object value) {
    if (value instanceof JsonArray array) {
      return array.getList();
    }
    return value instanceof List<?> list ? list : null;
  }
}
