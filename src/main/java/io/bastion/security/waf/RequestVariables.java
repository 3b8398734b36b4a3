package io.bastion.security.waf;

import io.bastion.security.waf.bodyprocessors.UrlEncodedProcessor;
import io.bastion.security.waf.transformations.UrlDecode;
import io.bastion.security.waf.variables.KeyedValues;
import io.bastion.security.waf.variables.Variable;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link WafRequest} into the request variables a transaction starts with: the request line
 * (REQUEST_URI, REQUEST_FILENAME percent-decoded as ModSecurity does, QUERY_STRING, ...), headers,
 * cookies, query arguments and, when first read, the TIME family. Values become byte strings (one char per byte).
 */
final class RequestVariables {

  private RequestVariables() {
  }

  static String bytes(String s) {
    boolean ascii = true;
    for (int i = 0; i < s.length() && ascii; i++) {
      ascii = s.charAt(i) < 0x80;
    }
    return ascii ? s : new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }

  /**
   * Fills the request variables (line, headers, cookies, query arguments) of a new transaction; the headers through
   * {@code kept} (null: none kept), which puts the memos of the headers it kept or keeps into {@code memos}.
   */
  static void populate(WafRequest request, String uniqueId, Map<Variable, KeyedValues> collections,
      Map<Variable, String> scalars, KeptHeaders kept, Map<String, ValueMemo> memos) {
    String uri = bytes(request.uri());
    String method = bytes(request.method());
    String protocol = bytes(request.protocol());
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    String query = q < 0 ? "" : uri.substring(q + 1);
    String filename = path;
    if (!filename.startsWith("/") && filename.contains("://")) {
      int slash = filename.indexOf('/', filename.indexOf("://") + 3);
      filename = slash < 0 ? "/" : filename.substring(slash);
    }
    scalars.put(Variable.REQUEST_METHOD, method);
    scalars.put(Variable.REQUEST_PROTOCOL, protocol);
    scalars.put(Variable.REQUEST_URI_RAW, uri);
    scalars.put(Variable.REQUEST_URI, uri);
    // As in ModSecurity, the path variables are percent-decoded ('+' stays: it is a space only in queries).
    filename = filename.indexOf('%') < 0 ? filename : UrlDecode.decode(filename.replace("+", "%2B"), false);
    scalars.put(Variable.REQUEST_FILENAME, filename);
    int slash = filename.lastIndexOf('/');
    scalars.put(Variable.REQUEST_BASENAME, slash < 0 ? filename : filename.substring(slash + 1));
    scalars.put(Variable.QUERY_STRING, query);
    scalars.put(Variable.REQUEST_LINE, method + " " + uri + " " + protocol);
    scalars.put(Variable.REMOTE_ADDR, request.remoteAddr());
    scalars.put(Variable.REMOTE_HOST, request.remoteAddr());
    scalars.put(Variable.UNIQUE_ID, uniqueId);
    scalars.put(Variable.REQBODY_ERROR, "0");
    scalars.put(Variable.REQBODY_PROCESSOR_ERROR, "0");
    scalars.put(Variable.INBOUND_DATA_ERROR, "0");
    scalars.put(Variable.REQUEST_BODY_LENGTH, Integer.toString(request.body().length));
    KeyedValues requestHeaders = collections.get(Variable.REQUEST_HEADERS);
    List<WafRequest.Header> headers = request.headers();
    for (int i = 0, n = headers.size(); i < n; i++) {
      WafRequest.Header h = headers.get(i);
      KeyedValues.Entry e = kept == null ? null : kept.entry(i, h, memos);
      if (e == null) {
        e = requestHeaders.add(bytes(h.name()), bytes(h.value()));
      } else {
        requestHeaders.add(e);
      }
      String name = e.key();
      String value = e.value();
      if (name.equalsIgnoreCase("cookie")) {
        parseCookies(value, collections.computeIfAbsent(Variable.REQUEST_COOKIES, c -> new KeyedValues()));
      }
      if (name.equalsIgnoreCase("host")) {
        scalars.put(Variable.SERVER_NAME, value);
      }
    }
    UrlEncodedProcessor.parse(query, (k, v) -> {
      collections.get(Variable.ARGS_GET).add(k, v);
      collections.get(Variable.ARGS).add(k, v);
    });
    updateCombinedSize(collections, scalars);
  }

  /** Whether the variable is one of the TIME family, filled by {@link #putTime} when a rule first reads one. */
  static boolean isTime(Variable v) {
    return switch (v) {
      case TIME, TIME_EPOCH, TIME_YEAR, TIME_MON, TIME_DAY, TIME_HOUR, TIME_MIN, TIME_SEC, TIME_WDAY -> true;
      default -> false;
    };
  }

  /**
   * The TIME family at {@code epochMillis} (the transaction's start, UTC). Not filled with the request
   * variables: no builtin rule reads them, and formatting nine numbers was a visible part of a read's cost.
   */
  static void putTime(long epochMillis, Map<Variable, String> scalars) {
    ZonedDateTime now = java.time.Instant.ofEpochMilli(epochMillis).atZone(ZoneOffset.UTC);
    scalars.put(Variable.TIME_EPOCH, Long.toString(now.toEpochSecond()));
    scalars.put(Variable.TIME_YEAR, Integer.toString(now.getYear()));
    scalars.put(Variable.TIME_MON, Integer.toString(now.getMonthValue()));
    scalars.put(Variable.TIME_DAY, Integer.toString(now.getDayOfMonth()));
    scalars.put(Variable.TIME_HOUR, Integer.toString(now.getHour()));
    scalars.put(Variable.TIME_MIN, Integer.toString(now.getMinute()));
    scalars.put(Variable.TIME_SEC, Integer.toString(now.getSecond()));
    scalars.put(Variable.TIME_WDAY, Integer.toString(now.getDayOfWeek().getValue() % 7));
    // not String.format: it costs more than the rest of this method, once per request
    scalars.put(Variable.TIME, twoDigits(now.getHour()) + ":" + twoDigits(now.getMinute()) + ":"
        + twoDigits(now.getSecond()));
  }

  private static String twoDigits(int n) {
    return n < 10 ? "0" + n : Integer.toString(n);
  }

  private static void parseCookies(String header, KeyedValues cookies) {
    for (String part : header.split(";")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      cookies.add(eq < 0 ? p : p.substring(0, eq).trim(),
          eq < 0 ? "" : p.substring(eq + 1).trim());
    }
  }

  /** ARGS_COMBINED_SIZE: names and values of all arguments, in bytes. */
  static void updateCombinedSize(Map<Variable, KeyedValues> collections, Map<Variable, String> scalars) {
    long size = 0;
    for (KeyedValues.Entry e : collections.get(Variable.ARGS).entries()) {
      size += e.key().length() + e.value().length();
    }
    scalars.put(Variable.ARGS_COMBINED_SIZE, Long.toString(size));
  }
}
