package io.bastion.security.waf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.bastion.security.waf.operators.LiteralIndex;
import io.bastion.security.waf.transformations.TransformChain;
import io.bastion.security.waf.transformations.TransformChains;
import io.bastion.security.waf.transformations.Transformations;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValueMemoTest {

  private final Transformations t = Transformations.standard();

  @Test
  void aLowerCasedFormTakesItsInputsLiteralHitsWithoutAScan() {
    LiteralIndex index = new LiteralIndex();
    index.register(List.of("select", "union", "é"));
    index.freeze();
    TransformChains chains = new TransformChains();
    TransformChain lower = chains.intern(List.of(t.get("urldecodeuni"), t.get("lowercase")));
    for (String value : List.of("UNION%20Select", "Caf\u00c9 SELECT", "caf\u00e9 union", "Nothing")) {
      ValueMemo memo = new ValueMemo(value);
      ValueMemo decoded = memo.form(lower.parent(), chains.count());
      ValueMemo lowered = memo.form(lower, chains.count());
      assertEquals(lower.apply(value), lowered.value);
      // the same bitmap as scanning the lower-cased text itself: the index folds exactly what t:lowercase folds
      assertArrayEquals(index.scanBits(lowered.value), lowered.hits(index), value);
      assertSame(decoded.hits(index), lowered.hits(index), value);
    }
  }

  @Test
  void aCommandLineFormThatOnlyLowerCasedTakesItsInputsHitsAndAnyOtherIsScanned() {
    LiteralIndex index = new LiteralIndex();
    index.register(List.of("cat", "/etc/", "a b"));
    index.freeze();
    TransformChains chains = new TransformChains();
    TransformChain cmd = chains.intern(List.of(t.get("cmdLine")));
    for (String value : List.of("CAT /ETC/passwd", "a,b", "A;B", "c'at", "Galway University Hospital")) {
      ValueMemo memo = new ValueMemo(value);
      ValueMemo form = memo.form(cmd, chains.count());
      assertEquals(cmd.apply(value), form.value);
      assertArrayEquals(index.scanBits(form.value), form.hits(index), value);
      boolean caseOnly = form.value.equals(value.toLowerCase(java.util.Locale.ROOT));
      assertEquals(caseOnly, memo.hits(index) == form.hits(index), value);
    }
  }
}
