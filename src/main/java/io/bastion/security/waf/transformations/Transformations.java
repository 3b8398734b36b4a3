package io.bastion.security.waf.transformations;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The registry of transformations by SecLang name (case-insensitive). Instances are stateless and shared.
 * {@code none} is not a transformation but a reset of the chain; the rule compiler handles it.
 */
public final class Transformations {

  private final Map<String, Transformation> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

  private Transformations() {
  }

  /** The standard set. */
  public static Transformations standard() {
    Transformations t = new Transformations();
    t.register("lowercase", new LowerCase());
    t.register("uppercase", new UpperCase());
    t.register("urlDecode", new UrlDecode(false));
    t.register("urlDecodeUni", new UrlDecode(true));
    t.register("htmlEntityDecode", new HtmlEntityDecode());
    t.register("jsDecode", new JsDecode());
    t.register("cssDecode", new CssDecode());
    t.register("escapeSeqDecode", new EscapeSeqDecode());
    t.register("base64Decode", new Base64Decode(false));
    t.register("base64DecodeExt", new Base64Decode(true));
    t.register("hexDecode", new HexDecode());
    t.register("hexEncode", new HexEncode());
    t.register("sqlHexDecode", new SqlHexDecode());
    t.register("removeNulls", new RemoveNulls(false));
    t.register("replaceNulls", new RemoveNulls(true));
    t.register("removeWhitespace", new RemoveWhitespace());
    t.register("compressWhitespace", new CompressWhitespace());
    t.register("removeComments", new RemoveComments(false));
    t.register("replaceComments", new RemoveComments(true));
    t.register("removeCommentsChar", new RemoveCommentsChar());
    t.register("cmdLine", new CmdLine());
    t.register("normalizePath", new NormalizePath(false));
    t.register("normalisePath", new NormalizePath(false));
    t.register("normalizePathWin", new NormalizePath(true));
    t.register("normalisePathWin", new NormalizePath(true));
    t.register("utf8toUnicode", new Utf8ToUnicode());
    t.register("length", new Length());
    t.register("sha1", new Digest("SHA-1"));
    t.register("md5", new Digest("MD5"));
    t.register("trim", new Trim(true, true));
    t.register("trimLeft", new Trim(true, false));
    t.register("trimRight", new Trim(false, true));
    return t;
  }

  private void register(String name, Transformation t) {
    byName.put(name.toLowerCase(Locale.ROOT), t);
  }

  /** The transformation with that name, or null. */
  public Transformation get(String name) {
    return byName.get(name);
  }
}
