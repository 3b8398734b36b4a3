package io.bastion.fhir.validation;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.Collections;

/**
 * The concrete R4 resource types. The list in fhir/r4-resource-types.txt is derived from the R4
 * StructureDefinitions shipped in hapi-fhir-validation-resources-r4 (kind resource, not abstract,
 * derivation specialization); ResourceTypesTest re-derives it from that artifact and fails on any drift.
 */
public final class ResourceTypes {

  private static final String LIST = "/fhir/r4-resource-types.txt";
  private final SortedSet<String> names;
  /** The same names hashed: every FHIR request checks its type, and the sorted set compares ~8 strings to do it. */
  private final Set<String> lookup;

  private ResourceTypes(SortedSet<String> names) {
    this.names = Collections.unmodifiableSortedSet(names);
    this.lookup = Set.copyOf(names);
  }

  /** Loads the R4 list from the classpath; call once at start-up (composition root). */
  public static ResourceTypes r4() {
    SortedSet<String> names = new TreeSet<>();
    try (InputStream in = ResourceTypes.class.getResourceAsStream(LIST)) {
      if (in == null) {
        throw new IllegalStateException(LIST + " is missing from the classpath");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = reader.readLine()) != null; ) {
        if (!line.isBlank()) {
          names.add(line.trim());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ResourceTypes(names);
  }

  public boolean isKnown(String type) {
    return type != null && lookup.contains(type);
  }

  public Set<String> names() {
    return names;
  }
}
