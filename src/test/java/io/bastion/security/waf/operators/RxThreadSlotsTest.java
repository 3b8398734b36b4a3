package io.bastion.security.waf.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** {@code @rx} keeps its matcher and automaton states in the slots the transaction fetched for its rule set. */
class RxThreadSlotsTest {

  /** A context that hands out the slots of one index, as a transaction does for its own rule set's index. */
  private static final class SlotCtx extends OperatorsTest.Ctx {
    final LiteralIndex own;
    final Object[] slots;

    SlotCtx(LiteralIndex own) {
      this.own = own;
      this.slots = own.threadSlots();
    }

    @Override
    public Object[] threadSlots(LiteralIndex index) {
      return index == own ? slots : null;
    }
  }

  @Test
  void usesTheContextsSlotsForItsOwnRuleSetOnly() {
    LiteralIndex index = new LiteralIndex();
    Rx first = new Rx("(?i)union\\s+select", true, index);
    Rx second = new Rx("^(\\d+)-(\\d+)$", true, index);
    index.freeze();
    SlotCtx ctx = new SlotCtx(index);
    assertEquals(5, ctx.slots.length); // the anchored pattern also has a whole-value automaton
    assertTrue(first.matches(ctx, "1 UNION  SELECT 2"));
    assertFalse(first.matches(ctx, "union of fractures, select a diet"));
    ctx.capture = true;
    assertTrue(second.matches(ctx, "12-34"));
    assertEquals("[0=12-34, 1=12, 2=34]", ctx.captures.toString());
    assertEquals(4, Arrays.stream(ctx.slots).filter(Objects::nonNull).count()); // two matchers, two DFA states

    // another rule set's context has no slots for this index: the operator keeps its own per-thread state
    SlotCtx other = new SlotCtx(new LiteralIndex().freeze());
    assertTrue(first.matches(other, "1 union select 2"));
    assertEquals(0, Arrays.stream(other.slots).filter(Objects::nonNull).count());
  }
}
