package io.bastion.fhir.validation;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The R4 types compiled for validation from fhir/r4-elements.tsv, a table derived from the R4
 * StructureDefinitions (StructureTableTest re-derives it from hapi-fhir-validation-resources-r4 and fails on
 * any drift). Built once when the class loads; afterwards only read, from any thread.
 */
public final class StructureModel {

  public static final String TABLE = "/fhir/r4-elements.tsv";

  private static final StructureModel R4 = load();

  private final Map<String, TypeModel> types;

  private StructureModel(Map<String, TypeModel> types) {
    this.types = Map.copyOf(types);
  }

  /** The R4 model, built when this class was loaded. */
  public static StructureModel r4() {
    return R4;
  }

  /** A concrete or abstract resource type's model, or null. */
  TypeModel resource(String type) {
    TypeModel model = types.get(type);
    return model != null && model.kind() == TypeModel.Kind.RESOURCE ? model : null;
  }

  /** Any type by name (datatypes by their R4 name, backbone elements by path), or null. */
  TypeModel type(String name) {
    return types.get(name);
  }

  private record Row(String path, int min, int max, String types) {
    String name() {
      return path.substring(path.lastIndexOf('.') + 1);
    }

    boolean backbone() {
      return types.equals("BackboneElement") || types.equals("Element");
    }
  }

  /** One JSON name of an element: valueQuantity of value[x], linked to the model named linkTo. */
  private record Variant(String key, String linkTo, Set<String> targets) { }

  private static StructureModel load() {
    Map<String, String> primitives = new LinkedHashMap<>();
    Map<String, String> bases = new LinkedHashMap<>();
    Map<String, TypeModel.Kind> kinds = new HashMap<>();
    Map<String, List<Row>> rowsByOwner = new HashMap<>();
    try (InputStream in = StructureModel.class.getResourceAsStream(TABLE)) {
      if (in == null) {
        throw new IllegalStateException(TABLE + " is missing from the classpath");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = reader.readLine()) != null; ) {
        String[] f = line.split("\t", -1);
        switch (f[0]) {
          case "P" -> primitives.put(f[1], f[2]);
          case "C", "R" -> {
            bases.put(f[1], f[2]);
            kinds.put(f[1], f[0].equals("R") ? TypeModel.Kind.RESOURCE : TypeModel.Kind.COMPLEX);
          }
          case "E" -> {
            Row row = new Row(f[1], Integer.parseInt(f[2]),
                f[3].equals("*") ? ElementModel.UNBOUNDED : Integer.parseInt(f[3]), f[4]);
            rowsByOwner.computeIfAbsent(f[1].substring(0, f[1].lastIndexOf('.')), k -> new ArrayList<>()).add(row);
            if (row.backbone()) {
              bases.put(row.path(), row.types());
              kinds.put(row.path(), TypeModel.Kind.BACKBONE);
            }
          }
          default -> throw new IllegalStateException(TABLE + ": unexpected line kind " + f[0]);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, TypeModel> types = new HashMap<>();
    primitives.forEach((name, regex) -> types.put(name, new TypeModel(name, TypeModel.Kind.PRIMITIVE,
        PrimitiveFormat.of(name, regex), Map.of(), List.of(), List.of())));
    List<Slot> slots = new ArrayList<>();
    for (String name : bases.keySet()) {
      List<Row> rows = new ArrayList<>();
      collectRows(name, bases, rowsByOwner, rows);
      types.put(name, build(name, kinds.get(name), rows, primitives.keySet(), slots));
    }
    for (Slot slot : slots) {
      TypeModel target = types.get(slot.typeCode());
      if (target == null) {
        throw new IllegalStateException(TABLE + ": no model for type " + slot.typeCode());
      }
      slot.link(target);
    }
    return new StructureModel(types);
  }

  /** A type's elements: its base's first (recursively), then its own. */
  private static void collectRows(String name, Map<String, String> bases, Map<String, List<Row>> rowsByOwner,
      List<Row> into) {
    String base = bases.get(name);
    if (base != null && !base.isEmpty()) {
      collectRows(base, bases, rowsByOwner, into);
    }
    into.addAll(rowsByOwner.getOrDefault(name, List.of()));
  }

  private static TypeModel build(String name, TypeModel.Kind kind, List<Row> rows, Set<String> primitives,
      List<Slot> unlinked) {
    Map<String, Slot> byKey = new HashMap<>();
    List<ElementModel> required = new ArrayList<>();
    List<String> choicePrefixes = new ArrayList<>();
    for (Row row : rows) {
      String elementName = row.name();
      boolean choice = elementName.endsWith("[x]");
      String jsonName = choice ? elementName.substring(0, elementName.length() - 3) : elementName;
      List<String> presence = new ArrayList<>();
      List<Variant> variants = new ArrayList<>();
      for (String type : row.types().split(",")) {
        String code = type;
        Set<String> targets = new HashSet<>();
        int open = type.indexOf('(');
        if (open > 0) {
          code = type.substring(0, open);
          targets.addAll(List.of(type.substring(open + 1, type.length() - 1).split("\\|")));
        }
        // a backbone element is its own type, named by its path; a contentReference names another backbone
        String linkTo = type.startsWith("#") ? type.substring(1) : row.backbone() ? row.path() : code;
        String key = choice ? jsonName + Character.toUpperCase(code.charAt(0)) + code.substring(1) : jsonName;
        presence.add(key);
        if (primitives.contains(code)) {
          presence.add("_" + key);
        }
        variants.add(new Variant(key, linkTo, targets));
      }
      ElementModel element = new ElementModel(elementName, jsonName, row.min(), row.max(), presence);
      for (Variant variant : variants) {
        Slot slot = new Slot(element, variant.linkTo(), variant.targets(), variant.key());
        byKey.put(variant.key(), slot);
        unlinked.add(slot);
      }
      if (row.min() > 0) {
        required.add(element);
      }
      if (choice) {
        choicePrefixes.add(jsonName);
      }
    }
    return new TypeModel(name, kind, null, byKey, required, choicePrefixes);
  }
}
