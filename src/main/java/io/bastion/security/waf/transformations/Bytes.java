package io.bastion.security.waf.transformations;

/** Small byte-level helpers shared by the decoders. */
final class Bytes {

  private Bytes() {
  }

  static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  static int hex(char c) {
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
  }

  /** ModSecurity's isspace() plus NBSP, as its whitespace transformations use. */
  static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == '\f' || c == 0xa0;
  }

  /** Full-width ASCII (U+FF01..U+FF5E) maps to ASCII, anything else keeps its low byte. */
  static char fromUnicode(int code) {
    if (code >= 0xff01 && code <= 0xff5e) {
      return (char) (code - 0xfee0);
    }
    return (char) (code & 0xff);
  }
}
