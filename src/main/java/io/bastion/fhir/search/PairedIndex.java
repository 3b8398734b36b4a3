package io.bastion.fhir.search;

import java.util.List;

/**
 * A string parameter paired with a date parameter of the same resource type, indexed together in
 * fhir_idx_string_date: one row per pair of the resource's string row and date row (the same values, PHI
 * transformations included), named {@link #name}. A search with one criterion on each, and nothing else, is
 * answered by the value's rows in res_pk order with the date checked in the same index tuple
 * (PgSearchService, paired page), instead of probing the date rows per string candidate.
 *
 * <p>The pair answers exactly: a resource has a string row and a date row meeting the two criteria iff it has
 * a pair meeting both. Several criteria on the date are met by one pair only when they are by one date row,
 * so the date parameter must have at most one value per resource (Patient.birthDate is 0..1).
 */
record PairedIndex(String type, String string, String date) {

  /** The pairs indexed; each costs a row per resource with both values, written with its other index rows. */
  static final List<PairedIndex> ALL = List.of(new PairedIndex("Patient", "family", "birthdate"));

  /** The longest value_exact kept (characters; see {@link #pairsExact}). */
  static final int MAX_EXACT = 200;

  static final String TABLE = "fhir_idx_string_date";

  /** The rows' parameter name. */
  String name() {
    return string + "+" + date;
  }

  /** The pair's rows of a resource of its type, added to its other rows (whose string and date rows it pairs). */
  void addRows(IndexRows rows) {
    for (String[] s : rows.rows(IndexRows.STRING)) {
      if (!s[0].equals(string)) {
        continue;
      }
      String exact = cut(s[2]);
      for (String[] d : rows.rows(IndexRows.DATE)) {
        if (d[0].equals(date)) {
          rows.add(IndexRows.STRING_DATE, new String[] {name(), s[1], exact, d[1], d[2]});
        }
      }
    }
  }

  /** At most {@link #MAX_EXACT} characters, never half a surrogate pair: a cut value is 199 or 200 long. */
  private static String cut(String exact) {
    if (exact.length() <= MAX_EXACT) {
      return exact;
    }
    int end = Character.isHighSurrogate(exact.charAt(MAX_EXACT - 1)) ? MAX_EXACT - 1 : MAX_EXACT;
    return exact.substring(0, end);
  }

  /**
   * Whether :exact with this value finds the same resources on paired rows as on string rows: it is shorter
   * than any cut value_exact, so it equals a paired row's only when it equals the whole original.
   */
  static boolean pairsExact(String value) {
    return value.length() < MAX_EXACT - 1;
  }

  /** The pair a search of these criteria can be answered from, or null. */
  static PairedIndex of(String type, List<Criterion> criteria) {
    for (PairedIndex pair : ALL) {
      if (pair.type.equals(type) && pair.answers(criteria)) {
        return pair;
      }
    }
    return null;
  }

  /** Exactly one pairable criterion on the string parameter, at least one on the date, no other criterion. */
  private boolean answers(List<Criterion> criteria) {
    int strings = 0;
    int dates = 0;
    for (Criterion criterion : criteria) {
      if (!(criterion instanceof IndexCriterion index) || !index.pairable() || !index.parameter().base().equals(type)) {
        return false;
      }
      if (index.parameter().code().equals(string)) {
        strings++;
      } else if (index.parameter().code().equals(date)) {
        dates++;
      } else {
        return false;
      }
    }
    return strings == 1 && dates >= 1;
  }
}
