package io.bastion.security.waf.variables;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The registry of SecLang variables Bastion knows. A variable is a collection (members with keys, which
 * selectors such as {@code ARGS:id} or {@code ARGS:/^id/} pick from), the names of a collection
 * ({@code ARGS_NAMES}: the keys, as values), or a scalar ({@code REQUEST_METHOD}).
 */
public enum Variable {
  ARGS(Kind.COLLECTION), ARGS_GET(Kind.COLLECTION), ARGS_POST(Kind.COLLECTION),
  ARGS_NAMES(Kind.NAMES, ARGS), ARGS_GET_NAMES(Kind.NAMES, ARGS_GET), ARGS_POST_NAMES(Kind.NAMES, ARGS_POST),
  ARGS_COMBINED_SIZE(Kind.SCALAR),
  REQUEST_HEADERS(Kind.COLLECTION), REQUEST_HEADERS_NAMES(Kind.NAMES, REQUEST_HEADERS),
  REQUEST_COOKIES(Kind.COLLECTION), REQUEST_COOKIES_NAMES(Kind.NAMES, REQUEST_COOKIES),
  REQUEST_URI(Kind.SCALAR), REQUEST_URI_RAW(Kind.SCALAR), REQUEST_FILENAME(Kind.SCALAR),
  REQUEST_BASENAME(Kind.SCALAR), REQUEST_LINE(Kind.SCALAR), REQUEST_METHOD(Kind.SCALAR),
  REQUEST_PROTOCOL(Kind.SCALAR), QUERY_STRING(Kind.SCALAR), REQUEST_BODY(Kind.SCALAR),
  REQUEST_BODY_LENGTH(Kind.SCALAR), REQBODY_ERROR(Kind.SCALAR), REQBODY_ERROR_MSG(Kind.SCALAR),
  REQBODY_PROCESSOR(Kind.SCALAR), REQBODY_PROCESSOR_ERROR(Kind.SCALAR),
  FILES(Kind.COLLECTION), FILES_NAMES(Kind.COLLECTION), FILES_SIZES(Kind.COLLECTION),
  FILES_COMBINED_SIZE(Kind.SCALAR), MULTIPART_PART_HEADERS(Kind.COLLECTION),
  MULTIPART_STRICT_ERROR(Kind.SCALAR), MULTIPART_UNMATCHED_BOUNDARY(Kind.SCALAR),
  MULTIPART_BOUNDARY_QUOTED(Kind.SCALAR), MULTIPART_BOUNDARY_WHITESPACE(Kind.SCALAR),
  MULTIPART_DATA_BEFORE(Kind.SCALAR), MULTIPART_DATA_AFTER(Kind.SCALAR),
  MULTIPART_HEADER_FOLDING(Kind.SCALAR), MULTIPART_LF_LINE(Kind.SCALAR), MULTIPART_CRLF_LF_LINES(Kind.SCALAR),
  MULTIPART_MISSING_SEMICOLON(Kind.SCALAR), MULTIPART_INVALID_QUOTING(Kind.SCALAR),
  MULTIPART_INVALID_PART(Kind.SCALAR), MULTIPART_INVALID_HEADER_FOLDING(Kind.SCALAR),
  MULTIPART_FILE_LIMIT_EXCEEDED(Kind.SCALAR), MULTIPART_FILENAME(Kind.SCALAR), MULTIPART_NAME(Kind.SCALAR),
  XML(Kind.COLLECTION),
  TX(Kind.COLLECTION), IP(Kind.COLLECTION), GLOBAL(Kind.COLLECTION), SESSION(Kind.COLLECTION),
  USER(Kind.COLLECTION), ENV(Kind.COLLECTION), RULE(Kind.COLLECTION),
  REMOTE_ADDR(Kind.SCALAR), REMOTE_HOST(Kind.SCALAR), REMOTE_PORT(Kind.SCALAR), SERVER_NAME(Kind.SCALAR),
  MATCHED_VAR(Kind.SCALAR), MATCHED_VAR_NAME(Kind.SCALAR),
  MATCHED_VARS(Kind.COLLECTION), MATCHED_VARS_NAMES(Kind.NAMES, MATCHED_VARS),
  UNIQUE_ID(Kind.SCALAR), DURATION(Kind.SCALAR), TIME(Kind.SCALAR), TIME_EPOCH(Kind.SCALAR),
  TIME_YEAR(Kind.SCALAR), TIME_MON(Kind.SCALAR), TIME_DAY(Kind.SCALAR), TIME_HOUR(Kind.SCALAR),
  TIME_MIN(Kind.SCALAR), TIME_SEC(Kind.SCALAR), TIME_WDAY(Kind.SCALAR),
  RESPONSE_STATUS(Kind.SCALAR), RESPONSE_HEADERS(Kind.COLLECTION),
  RESPONSE_HEADERS_NAMES(Kind.NAMES, RESPONSE_HEADERS), RESPONSE_BODY(Kind.SCALAR),
  RESPONSE_CONTENT_TYPE(Kind.SCALAR), RESPONSE_CONTENT_LENGTH(Kind.SCALAR), RESPONSE_PROTOCOL(Kind.SCALAR),
  STATUS_LINE(Kind.SCALAR), FULL_REQUEST(Kind.SCALAR), FULL_REQUEST_LENGTH(Kind.SCALAR),
  INBOUND_DATA_ERROR(Kind.SCALAR), OUTBOUND_DATA_ERROR(Kind.SCALAR), URLENCODED_ERROR(Kind.SCALAR),
  HIGHEST_SEVERITY(Kind.SCALAR), STATUS(Kind.SCALAR);

  /** How a variable yields values. */
  public enum Kind { COLLECTION, NAMES, SCALAR }

  private static final Map<String, Variable> BY_NAME = new HashMap<>();

  static {
    for (Variable v : values()) {
      BY_NAME.put(v.name(), v);
    }
  }

  private final Kind kind;
  private final Variable namesOf;

  Variable(Kind kind) {
    this(kind, null);
  }

  Variable(Kind kind, Variable namesOf) {
    this.kind = kind;
    this.namesOf = namesOf;
  }

  public Kind kind() {
    return kind;
  }

  /** For a NAMES variable, the collection whose keys it lists. */
  public Variable namesOf() {
    return namesOf;
  }

  /** Looks a variable up by its SecLang name, case-insensitively; null when unknown. */
  /**
   * Whether the variable can only change between phases: what the request line, headers and body set
   * ({@code RequestVariables}, the body processors), never a rule's action ({@code setvar}, {@code ctl}, a match).
   * A transaction may keep what such variables hold for the rest of a phase.
   */
  public boolean fixedWithinPhase() {
    return switch (this) {
      case ARGS, ARGS_GET, ARGS_POST, ARGS_NAMES, ARGS_GET_NAMES, ARGS_POST_NAMES, ARGS_COMBINED_SIZE,
          REQUEST_HEADERS, REQUEST_HEADERS_NAMES, REQUEST_COOKIES, REQUEST_COOKIES_NAMES, REQUEST_URI,
          REQUEST_URI_RAW, REQUEST_FILENAME, REQUEST_BASENAME, REQUEST_LINE, REQUEST_METHOD, REQUEST_PROTOCOL,
          QUERY_STRING, REQUEST_BODY, REQUEST_BODY_LENGTH, FILES, FILES_NAMES, FILES_SIZES, FILES_COMBINED_SIZE,
          MULTIPART_PART_HEADERS, XML, REMOTE_ADDR, REMOTE_PORT, SERVER_NAME -> true;
      default -> false;
    };
  }

  public static Variable byName(String name) {
    return BY_NAME.get(name.toUpperCase(Locale.ROOT));
  }
}
