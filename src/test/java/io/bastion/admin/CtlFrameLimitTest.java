package io.bastion.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class CtlFrameLimitTest {

  @Test
  void framesUpToTheLimitPassUnchangedHoweverTheyAreSplit() {
    byte[] wire = concat(frame(10), frame(CtlFrameLimit.MAX_FRAME_BYTES), frame(0), frame(3));
    for (int split : new int[] {1, 2, 3, 5, 4096, wire.length}) {
      EmbeddedChannel channel = new EmbeddedChannel(new CtlFrameLimit());
      int received = 0;
      for (int at = 0; at < wire.length; at += split) {
        channel.writeInbound(Unpooled.wrappedBuffer(wire, at, Math.min(split, wire.length - at)));
        for (ByteBuf passed = channel.readInbound(); passed != null; passed = channel.readInbound()) {
          received += passed.readableBytes();
          passed.release();
        }
      }
      assertTrue(channel.isOpen(), "split " + split);
      assertEquals(wire.length, received, "split " + split);
    }
  }

  @Test
  void aLengthAboveTheLimitClosesTheConnectionAndPassesNothingOn() {
    EmbeddedChannel channel = new EmbeddedChannel(new CtlFrameLimit());
    channel.writeInbound(Unpooled.wrappedBuffer(frame(5)));
    ((ByteBuf) channel.readInbound()).release();
    ByteBuf huge = Unpooled.wrappedBuffer(ByteBuffer.allocate(6).putInt(CtlFrameLimit.MAX_FRAME_BYTES + 1).array());
    assertFalse(channel.writeInbound(huge));
    assertFalse(channel.isOpen());
    assertEquals(0, huge.refCnt(), "the refused bytes are released");
    ByteBuf negative = Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, 0, 0, 0});
    EmbeddedChannel other = new EmbeddedChannel(new CtlFrameLimit());
    other.writeInbound(negative);
    assertFalse(other.isOpen(), "a length with the top bit set (negative as an int) too");
  }

  private static byte[] frame(int payload) {
    return ByteBuffer.allocate(4 + payload).putInt(payload).array();
  }

  private static byte[] concat(byte[]... parts) {
    ByteBuffer all = ByteBuffer.allocate(java.util.Arrays.stream(parts).mapToInt(p -> p.length).sum());
    for (byte[] part : parts) {
      all.put(part);
    }
    return all.array();
  }
}
