package io.bastion.security.waf.operators;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The fingerprint pre-checks of {@code @detectSQLi} may only say "no" where its patterns find nothing: checked on
 * every fingerprint the tokenizer can produce (every string of up to {@link DetectSqli#TOKENS} token classes).
 */
class DetectSqliTest {

  private static final String CLASSES = "snkUS&fFoc;(),vbK";

  @Test
  void preChecksOnlyRuleOutFingerprintsThePatternsDoNotMatch() throws Exception {
    Pattern asIs = pattern("AS_IS");
    Pattern quoted = pattern("QUOTED");
    List<String> fps = new ArrayList<>(List.of(""));
    List<String> last = List.of("");
    for (int n = 1; n <= DetectSqli.TOKENS; n++) {
      List<String> next = new ArrayList<>();
      for (String s : last) {
        for (char c : CLASSES.toCharArray()) {
          next.add(s + c);
        }
      }
      fps.addAll(next);
      last = next;
    }
    long ruledOut = 0;
    for (String fp : fps) {
      if (!DetectSqli.mayBeAsIs(fp)) {
        ruledOut++;
        assertTrue(!asIs.matcher(fp).find(), "AS_IS matches " + fp);
      }
      if (!DetectSqli.mayBeQuoted(fp)) {
        ruledOut++;
        assertTrue(!quoted.matcher(fp).find(), "QUOTED matches " + fp);
      }
    }
    assertTrue(ruledOut > fps.size(), "the pre-checks ruled out only " + ruledOut);
  }

  private static Pattern pattern(String name) throws Exception {
    Field f = DetectSqli.class.getDeclaredField(name);
    f.setAccessible(true);
    return (Pattern) f.get(null);
  }
}
