package io.bastion.security.waf.bodyprocessors;

import io.bastion.security.waf.variables.Variable;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code MULTIPART} ({@code multipart/form-data}): form fields into ARGS_POST; file parts into FILES
 * (field name to file name), FILES_NAMES, FILES_SIZES and FILES_COMBINED_SIZE; every part header into
 * MULTIPART_PART_HEADERS (keyed by the part's name). Irregularities ModSecurity flags (data before the
 * first or after the last boundary, a missing final boundary, LF-only lines, header folding, quoted or
 * whitespace-padded boundaries) set the MULTIPART_* flags and MULTIPART_STRICT_ERROR.
 */
public final class MultipartProcessor implements BodyProcessor {

  private static final Pattern BOUNDARY = Pattern.compile("(?i)boundary\\s*=\\s*(\"[^\"]*\"|[^;,\\s]+)");
  private static final Pattern PARAM = Pattern.compile(
      "(?i)(?:^|;)\\s*(name|filename)\\s*=\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^;]*))");

  @Override
  public void process(String body, String contentType, BodyContext ctx) throws BodyParseException {
    Matcher bm = BOUNDARY.matcher(contentType == null ? "" : contentType);
    if (!bm.find()) {
      throw new BodyParseException("multipart: no boundary in Content-Type");
    }
    String boundary = bm.group(1);
    boolean strict = false;
    if (boundary.startsWith("\"")) {
      boundary = boundary.substring(1, boundary.length() - 1);
      flag(ctx, Variable.MULTIPART_BOUNDARY_QUOTED);
      strict = true;
    }
    if (boundary.isEmpty()) {
      throw new BodyParseException("multipart: empty boundary");
    }
    String delim = "--" + boundary;
    int pos = body.indexOf(delim);
    if (pos < 0) {
      throw new BodyParseException("multipart: boundary not found in body");
    }
    if (!body.substring(0, pos).isBlank()) {
      flag(ctx, Variable.MULTIPART_DATA_BEFORE);
      strict = true;
    }
    long combined = 0;
    boolean finished = false;
    while (true) {
      int lineEnd = pos + delim.length();
      if (body.startsWith("--", lineEnd)) {
        finished = true;
        if (!body.substring(lineEnd + 2).isBlank()) {
          flag(ctx, Variable.MULTIPART_DATA_AFTER);
          strict = true;
        }
        break;
      }
      int next = body.indexOf("\n" + delim, lineEnd);
      int partStart = body.indexOf('\n', lineEnd);
      if (partStart < 0) {
        break;
      }
      partStart++;
      int partEnd = next < 0 ? body.length() : next;
      String part = body.substring(Math.min(partStart, partEnd), partEnd);
      if (part.endsWith("\r")) {
        part = part.substring(0, part.length() - 1);
      } else if (next >= 0) {
        flag(ctx, Variable.MULTIPART_LF_LINE);
      }
      combined += parsePart(part, ctx);
      if (next < 0) {
        break;
      }
      pos = next + 1;
    }
    if (!finished) {
      flag(ctx, Variable.MULTIPART_UNMATCHED_BOUNDARY);
      strict = true;
    }
    ctx.setScalar(Variable.FILES_COMBINED_SIZE, Long.toString(combined));
    if (strict) {
      flag(ctx, Variable.MULTIPART_STRICT_ERROR);
    }
  }

  private static long parsePart(String part, BodyContext ctx) {
    int sep = part.indexOf("\r\n\r\n");
    int sepLen = 4;
    if (sep < 0) {
      sep = part.indexOf("\n\n");
      sepLen = 2;
    }
    String head = sep < 0 ? part : part.substring(0, sep);
    String content = sep < 0 ? "" : part.substring(sep + sepLen);
    String name = null;
    String filename = null;
    String[] lines = head.split("\r?\n");
    for (String line : lines) {
      if (line.startsWith(" ") || line.startsWith("\t")) {
        flag(ctx, Variable.MULTIPART_HEADER_FOLDING);
      }
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-disposition")) {
        Matcher m = PARAM.matcher(line.substring(colon + 1));
        while (m.find()) {
          String v = m.group(2) != null ? m.group(2) : m.group(3).trim();
          if (m.group(1).toLowerCase(Locale.ROOT).equals("name")) {
            name = v;
          } else {
            filename = v;
          }
        }
      }
    }
    String key = name == null ? "" : name;
    for (String line : lines) {
      if (!line.isEmpty()) {
        ctx.collection(Variable.MULTIPART_PART_HEADERS).add(key, line);
      }
    }
    if (filename != null) {
      ctx.collection(Variable.FILES).add(key, filename);
      ctx.collection(Variable.FILES_NAMES).add(key, key);
      ctx.collection(Variable.FILES_SIZES).add(key, Integer.toString(content.length()));
      ctx.setScalar(Variable.MULTIPART_FILENAME, filename);
      return content.length();
    }
    ctx.setScalar(Variable.MULTIPART_NAME, key);
    ctx.addPostArg(key, content);
    return 0;
  }

  private static void flag(BodyContext ctx, Variable v) {
    ctx.setScalar(v, "1");
  }
}
