package io.bastion.fhir;

import io.bastion.fhir.store.NoneMatch;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Versioning headers (ETag, If-Match, If-None-Match, Last-Modified) and Prefer, as FHIR uses them. */
public final class FhirHeaders {

  private static final Pattern ETAG = Pattern.compile("(?:W/)?\"([1-9][0-9]{0,8})\"");
  /** IMF-fixdate (RFC 9110 5.6.7), for years the hand-written form below does not cover. */
  private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT)
      .withZone(ZoneOffset.UTC);
  private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

  /** What the client asked for in Prefer: return=... */
  enum Return { MINIMAL, REPRESENTATION, OPERATION_OUTCOME }

  private FhirHeaders() {
  }

  static String etag(long version) {
    return "W/\"" + version + "\"";
  }

  /**
   * IMF-fixdate, e.g. {@code Sat, 05 Dec 2026 08:00:00 GMT}. Written by hand: every read's Last-Modified goes
   * through here, and DateTimeFormatter cost about as much as the rest of the response headers together.
   */
  static String httpDate(Instant instant) {
    long seconds = instant.getEpochSecond();
    LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400));
    if (date.getYear() < 1 || date.getYear() > 9999) {
      return HTTP_DATE.format(instant);
    }
    int secondOfDay = (int) Math.floorMod(seconds, 86_400);
    StringBuilder text = new StringBuilder(29).append(DAYS[date.getDayOfWeek().ordinal()]).append(", ");
    twoDigits(text, date.getDayOfMonth()).append(' ').append(MONTHS[date.getMonthValue() - 1]).append(' ');
    int year = date.getYear();
    twoDigits(twoDigits(text, year / 100), year % 100).append(' ');
    twoDigits(text, secondOfDay / 3600).append(':');
    twoDigits(text, secondOfDay / 60 % 60).append(':');
    return twoDigits(text, secondOfDay % 60).append(" GMT").toString();
  }

  private static StringBuilder twoDigits(StringBuilder text, int value) {
    return text.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
  }

  /** The version a version ETag ({@code W/"3"} or {@code "3"}) names, null when the text is not one. */
  static Integer version(String tag) {
    Matcher m = ETAG.matcher(tag.trim());
    return m.matches() ? Integer.valueOf(m.group(1)) : null;
  }

  /** The version an If-Match names, null without one; 400 when it is not a version ETag. */
  static Integer ifMatch(RoutingContext ctx) {
    String header = ctx.request().getHeader("If-Match");
    if (header == null) {
      return null;
    }
    Integer version = version(header);
    if (version == null) {
      throw FhirException.of(400, "invalid", "If-Match must be a version ETag such as W/\"3\"");
    }
    return version;
  }

  /** If-None-Match as a write's precondition, null without one; 400 when it is neither * nor version ETags. */
  static NoneMatch ifNoneMatch(RoutingContext ctx) {
    try {
      return noneMatch(ctx.request().getHeader("If-None-Match"));
    } catch (IllegalArgumentException e) {
      throw FhirException.of(400, "invalid", e.getMessage());
    }
  }

  /**
   * An If-None-Match value (the header, or a Bundle entry's {@code request.ifNoneMatch}) as a write's precondition,
   * null for none; IllegalArgumentException for anything but {@code *} or version ETags, because a write must not go
   * ahead on a precondition it cannot read.
   */
  static NoneMatch noneMatch(String header) {
    if (header == null) {
      return null;
    }
    boolean any = false;
    Set<Integer> versions = new HashSet<>();
    for (String tag : header.split(",", -1)) {
      Integer version = version(tag);
      if (tag.trim().equals("*")) {
        any = true;
      } else if (version != null) {
        versions.add(version);
      } else {
        throw new IllegalArgumentException("If-None-Match must be * or version ETags such as W/\"3\"");
      }
    }
    return new NoneMatch(any, versions);
  }

  /** Whether If-None-Match names this version (or is *); on a read, what is not a version ETag names nothing. */
  private static boolean noneMatchHits(RoutingContext ctx, long version) {
    String header = ctx.request().getHeader("If-None-Match");
    if (header == null) {
      return false;
    }
    for (String tag : header.split(",")) {
      Integer named = version(tag);
      if (tag.trim().equals("*") || named != null && named == version) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a read may answer 304 Not Modified: If-None-Match names the current version (or is *), or, when there is
   * no If-None-Match (it takes precedence, RFC 9110 13.2.2), If-Modified-Since is not before the last update to the
   * second, as Last-Modified gives it. A date that does not parse is ignored, as RFC 9110 13.1.3 says.
   */
  static boolean notModified(RoutingContext ctx, long version, Instant lastUpdated) {
    if (ctx.request().getHeader("If-None-Match") != null) {
      return noneMatchHits(ctx, version);
    }
    String since = ctx.request().getHeader("If-Modified-Since");
    if (since == null) {
      return false;
    }
    try {
      Instant date = DateTimeFormatter.RFC_1123_DATE_TIME.parse(since.trim(), Instant::from);
      return lastUpdated.getEpochSecond() <= date.getEpochSecond();
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  static Return preferredReturn(RoutingContext ctx) {
    for (String prefer : ctx.request().headers().getAll("Prefer")) {
      for (String part : prefer.split("[,;]")) {
        String token = part.trim().toLowerCase(Locale.ROOT).replace("\"", "");
        switch (token) {
          case "return=minimal":
            return Return.MINIMAL;
          case "return=representation":
            return Return.REPRESENTATION;
          case "return=operationoutcome":
            return Return.OPERATION_OUTCOME;
          default:
            break;
        }
      }
    }
    return Return.REPRESENTATION;
  }

  /** Prefer: handling=strict (unknown search parameters are refused); lenient, the default, ignores them. */
  static boolean strictHandling(RoutingContext ctx) {
    for (String prefer : ctx.request().headers().getAll("Prefer")) {
      for (String part : prefer.split("[,;]")) {
        if (part.trim().toLowerCase(Locale.ROOT).replace("\"", "").equals("handling=strict")) {
          return true;
        }
      }
    }
    return false;
  }

  /** The service base URL as the client addressed it, e.g. http://host:8080/fhir. */
  public static String base(RoutingContext ctx) {
    String authority = ctx.request().authority() == null ? "localhost" : ctx.request().authority().toString();
    return ctx.request().scheme() + "://" + authority + "/fhir";
  }
}
