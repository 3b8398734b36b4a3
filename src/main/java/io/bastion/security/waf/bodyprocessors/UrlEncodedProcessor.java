package io.bastion.security.waf.bodyprocessors;

import io.bastion.security.waf.transformations.UrlDecode;
import java.util.function.BiConsumer;

/**
 * {@code URLENCODED}: {@code a=1&b=2} into ARGS_POST, names and values URL-decoded ({@code +} is a space),
 * a name without {@code =} gets an empty value. Also used for the query string (ARGS_GET).
 */
public final class UrlEncodedProcessor implements BodyProcessor {

  @Override
  public void process(String body, String contentType, BodyContext ctx) {
    parse(body, ctx::addPostArg);
  }

  /** Splits {@code a=1&b=2} and hands each decoded pair to {@code sink}. */
  public static void parse(String text, BiConsumer<String, String> sink) {
    if (text == null || text.isEmpty()) {
      return;
    }
    int start = 0;
    int n = text.length();
    while (start <= n) {
      int amp = text.indexOf('&', start);
      int end = amp < 0 ? n : amp;
      if (end > start) {
        String pair = text.substring(start, end);
        int eq = pair.indexOf('=');
        String name = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : pair.substring(eq + 1);
        sink.accept(UrlDecode.decode(name, false), UrlDecode.decode(value, false));
      }
      if (amp < 0) {
        break;
      }
      start = amp + 1;
    }
  }
}
