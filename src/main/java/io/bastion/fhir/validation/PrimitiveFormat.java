package io.bastion.fhir.validation;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.YearMonth;
import java.util.regex.Pattern;

/**
 * How one R4 primitive is written in JSON and what its value may be: the JSON kind (string, boolean,
 * integer or decimal number, as the R4 JSON format gives it), the spec's regex from the type's
 * StructureDefinition, and what the regex cannot say — the 32-bit range of the integer types and that
 * dates are days that exist ("Dates SHALL be valid dates").
 *
 * <p>Short values are matched with java.util.regex. Longer ones go to RE2J, which matches in linear time
 * without recursion: java.util.regex recurses once per repetition of a group, so the spec's patterns for
 * code and base64Binary overflow the stack on a few thousand characters.
 */
final class PrimitiveFormat {

  enum JsonKind { STRING, BOOLEAN, INTEGER, DECIMAL }

  /** Longest value matched by java.util.regex (recursion depth stays far below any thread's stack). */
  static final int SHORT_VALUE = 128;

  private final String type;
  private final JsonKind kind;
  private final Pattern shortPattern;
  private final com.google.re2j.Pattern longPattern;
  private final long minimum;
  private final boolean calendarDate;
  private final boolean xhtml;

  private PrimitiveFormat(String type, JsonKind kind, String regex, long minimum) {
    this.type = type;
    this.kind = kind;
    this.shortPattern = regex == null || regex.isEmpty() ? null : Pattern.compile(withoutCaptures(regex));
    this.longPattern = shortPattern == null ? null : com.google.re2j.Pattern.compile(regex);
    this.minimum = minimum;
    this.calendarDate = type.equals("date") || type.equals("dateTime") || type.equals("instant");
    this.xhtml = type.equals("xhtml");
  }

  /** The format of the R4 primitive {@code type} with the regex of its StructureDefinition (may be empty). */
  static PrimitiveFormat of(String type, String regex) {
    return switch (type) {
      case "boolean" -> new PrimitiveFormat(type, JsonKind.BOOLEAN, null, 0);
      case "decimal" -> new PrimitiveFormat(type, JsonKind.DECIMAL, null, 0);
      case "integer" -> new PrimitiveFormat(type, JsonKind.INTEGER, null, Integer.MIN_VALUE);
      case "unsignedInt" -> new PrimitiveFormat(type, JsonKind.INTEGER, null, 0);
      case "positiveInt" -> new PrimitiveFormat(type, JsonKind.INTEGER, null, 1);
      default -> new PrimitiveFormat(type, JsonKind.STRING, regex, 0);
    };
  }

  String type() {
    return type;
  }

  /**
   * Checks one JSON value (not null); returns null when it is valid, else what is wrong with it in words
   * that never quote the value.
   */
  String check(Object value) {
    return switch (kind) {
      case BOOLEAN -> value instanceof Boolean ? null : "must be a JSON boolean (true or false) for a boolean";
      case DECIMAL -> checkDecimal(value);
      case INTEGER -> checkInteger(value);
      case STRING -> value instanceof String text ? checkString(text)
          : "must be a JSON string for a " + type + " (not a number, boolean, object or array)";
    };
  }

  private String checkDecimal(Object value) {
    if (value instanceof Integer || value instanceof Long || value instanceof BigInteger
        || value instanceof BigDecimal) {
      return null;
    }
    if (value instanceof Double || value instanceof Float) {
      return Double.isFinite(((Number) value).doubleValue()) ? null : "must be a finite number for a decimal";
    }
    return "must be a JSON number for a decimal (not a string)";
  }

  private String checkInteger(Object value) {
    long number;
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      number = ((Number) value).longValue();
    } else if (value instanceof BigInteger) {
      return "is outside the 32-bit range of " + type;
    } else if (value instanceof Number) {
      return "must be a whole JSON number for " + type + " (no fraction or exponent)";
    } else {
      return "must be a JSON number for " + type + " (not a string)";
    }
    if (number > Integer.MAX_VALUE || number < minimum) {
      return minimum == 1 ? "must be between 1 and 2147483647 for positiveInt"
          : minimum == 0 ? "must be between 0 and 2147483647 for unsignedInt"
          : "is outside the 32-bit range of integer";
    }
    return null;
  }

  private String checkString(String text) {
    if (text.isEmpty()) {
      return "must not be an empty string (leave the element out instead)";
    }
    if (shortPattern != null && !(text.length() <= SHORT_VALUE ? shortPattern.matcher(text).matches()
        : longPattern.matches(text))) {
      return "is not a valid " + type + hint();
    }
    if (xhtml && !text.stripLeading().startsWith("<div")) {
      return "must be an XHTML div element";
    }
    if (calendarDate && !dayExists(text)) {
      return "is not a valid " + type + ": the day does not exist in that month";
    }
    return null;
  }

  private String hint() {
    return switch (type) {
      case "date" -> " (YYYY, YYYY-MM or YYYY-MM-DD)";
      case "dateTime" -> " (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss[.fff] with a time zone)";
      case "instant" -> " (YYYY-MM-DDThh:mm:ss[.fff] with a time zone)";
      case "time" -> " (hh:mm:ss[.fff])";
      case "id" -> " (1-64 characters of A-Z, a-z, 0-9, '-' and '.')";
      case "code" -> " (no leading, trailing or repeated whitespace)";
      case "oid" -> " (urn:oid: followed by dotted numbers)";
      case "uuid" -> " (urn:uuid: followed by a lower-case UUID)";
      case "uri", "url", "canonical" -> " (no whitespace)";
      case "base64Binary" -> " (base64 characters in groups of four)";
      default -> "";
    };
  }

  /**
   * The same pattern with every group non-capturing: matches() answers the same, and java.util.regex no
   * longer clears a capture array per value (most of the matching cost for the date patterns' many groups).
   */
  static String withoutCaptures(String regex) {
    StringBuilder out = new StringBuilder(regex.length() + 16);
    boolean inClass = false;
    for (int i = 0; i < regex.length(); i++) {
      char c = regex.charAt(i);
      out.append(c);
      if (c == '\\' && i + 1 < regex.length()) {
        out.append(regex.charAt(++i));
      } else if (c == '[') {
        inClass = true;
      } else if (c == ']') {
        inClass = false;
      } else if (c == '(' && !inClass && (i + 1 == regex.length() || regex.charAt(i + 1) != '?')) {
        out.append("?:");
      }
    }
    return out.toString();
  }

  /** The regexes let 2023-02-30 through; the spec says dates shall be valid dates. */
  private static boolean dayExists(String text) {
    if (text.length() < 10) {
      return true;
    }
    int year = Integer.parseInt(text, 0, 4, 10);
    int month = Integer.parseInt(text, 5, 7, 10);
    int day = Integer.parseInt(text, 8, 10, 10);
    return day <= YearMonth.of(year, month).lengthOfMonth();
  }
}
