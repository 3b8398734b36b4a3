package io.bastion.security.waf.operators;

import java.util.regex.Pattern;

/**
 * {@code @detectXSS}: Bastion's own cross-site scripting detector, equivalent in intent (not in output)
 * to libinjection's HTML5 tokenizer. First version, honestly labelled: it looks, without regard to case
 * and after removing NULs, for the constructs that turn data into script in a browser — an opening or
 * closing tag with a dangerous name, an event-handler attribute ({@code on...=}) at the input's start or
 * after a tag, quote, slash or whitespace, a {@code javascript:}/{@code vbscript:} URL (even with
 * whitespace or entities inside the scheme), {@code data:text/html}, CSS {@code expression(} and
 * IE conditional comments. Linear-time patterns only.
 */
public final class DetectXss implements Operator {

  private static final Pattern XSS = Pattern.compile(String.join("|",
      "<\\s*/?\\s*(?:[a-z0-9_-]+:)?(?:script|iframe|frame|frameset|object|embed|applet|svg|math|style|link|meta|base|form"
          + "|isindex|xml|vmlframe|img|image|body|video|audio|details|marquee|input|button|textarea|keygen"
          + "|source|xss|html|bgsound|layer|ilayer|import|animate|set|template|portal|a\\b)",
      "(?:^|[\\s\"'`/;])on[a-z]{3,30}\\s*=",
      "(?:java|vb|live)\\s*(?:&#?\\w+;?)*\\s*s\\s*c\\s*r\\s*i\\s*p\\s*t\\s*:",
      "data\\s*:\\s*text/html", "expression\\s*\\(", "<!--\\s*\\[if", "<\\?import",
      "\\bsrcdoc\\s*=", "\\b(?:src|href|action|formaction|data)\\s*=\\s*[\"']?\\s*data\\s*:", "<\\s*[a-z][a-z0-9-]*[^>]*\\s(?:href|src|action|formaction|xlink:href)\\s*=\\s*[\"']?\\s*"
          + "(?:java|vb)script"), Pattern.CASE_INSENSITIVE);

  /** Most values hold none of the literals every construct above needs ('<', "on" and '=', ...). */
  private static final LiteralPrefilter REQUIRED = LiteralPrefilter.of(XSS.pattern());

  private final boolean prefilter;

  public DetectXss() {
    this(true);
  }

  /** {@code prefilter=false} turns the required-literal shortcut off (used to prove it changes nothing). */
  public DetectXss(boolean prefilter) {
    this.prefilter = prefilter && REQUIRED != null;
  }

  @Override
  public boolean matches(MatchContext ctx, String input) {
    String s = input.indexOf('\0') >= 0 ? input.replace("\0", "") : input;
    if (prefilter && !REQUIRED.mayMatch(s)) {
      return false;
    }
    java.util.regex.Matcher m = XSS.matcher(new BoundedCharSequence(s));
    try {
      if (m.find()) {
        if (ctx.capturing()) {
          ctx.capture(0, m.group());
        }
        return true;
      }
    } catch (RegexBudgetExceededException | StackOverflowError e) {
      ctx.regexBudgetExceeded("@detectXSS");
    }
    return false;
  }

  @Override
  public boolean dependsOnValueOnly() {
    return true;
  }
}
