package io.bastion.fhir.search;

/**
 * An _include or _revinclude: the resources that {@code sourceType}'s reference parameter points to (or,
 * reversed, the sourceType resources pointing at the page), optionally only of {@code targetType}.
 * {@code iterate} applies it once more to what the first round included.
 */
record Include(String sourceType, SearchParameter parameter, String targetType, boolean iterate) {

  String text() {
    return sourceType + ":" + parameter.code() + (targetType == null ? "" : ":" + targetType);
  }
}
