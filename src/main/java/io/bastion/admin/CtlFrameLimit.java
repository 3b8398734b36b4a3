package io.bastion.admin;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of every ctl bridge connection: it reads the frame lengths as they pass (the bridge's wire
 * format is a 4-byte big-endian length, then that many bytes of JSON) and closes the connection at the first
 * length above {@link #MAX_FRAME_BYTES}. The bridge's own parser buffers a whole frame before anyone looks at it,
 * token or not: without this, one unauthenticated connection announcing a 2 GB frame filled the heap.
 * Bytes pass through unchanged. It also ends connections the client reset, without the bridge's stack trace.
 *
 * <p>The bridge offers no hook on a new connection (it sends no SOCKET_CREATED event) and keeps its server and
 * connection handler private, so {@link #install} takes them by reflection: when a new version of
 * vertx-tcp-eventbus-bridge renames them, the node refuses to start the ctl bridge rather than run without the limit
 * ({@code CtlStatusTest} sends the 2 GB frame).
 */
final class CtlFrameLimit extends ChannelInboundHandlerAdapter {

  /** The largest ctl request (a client's JWKS of at most 10 keys, a seed's arguments) is a few KiB. */
  static final int MAX_FRAME_BYTES = 1 << 20;
  private static final Logger LOG = LoggerFactory.getLogger(CtlBridge.class); // the bridge's log: ops look there

  /** Vert.x's name for its own handler in a connection's pipeline: the limit goes right before it. */
  private static final String VERTX_HANDLER = "handler";

  private int headerBytesSeen;
  private int length;
  private long payloadLeft;

  /** Puts a limit in front of every connection the bridge accepts from now on; call it before the bridge listens. */
  static void install(TcpEventBusBridge bridge) {
    try {
      Field serverField = bridge.getClass().getDeclaredField("server");
      serverField.setAccessible(true);
      NetServer server = (NetServer) serverField.get(bridge);
      Method bridgeHandler = bridge.getClass().getDeclaredMethod("handler", NetSocket.class);
      bridgeHandler.setAccessible(true);
      server.connectHandler(socket -> {
        // called as the connection becomes active, on its event loop: before its first byte is read
        ChannelPipeline pipeline = socket instanceof NetSocketInternal internal
            ? internal.channelHandlerContext().pipeline() : null;
        if (pipeline == null || pipeline.get(VERTX_HANDLER) == null) {
          LOG.error("ctl bridge: cannot limit the frames of a connection from {}; closed", socket.remoteAddress());
          socket.close();
          return;
        }
        pipeline.addBefore(VERTX_HANDLER, "ctl-frame-limit", new CtlFrameLimit());
        try {
          bridgeHandler.invoke(bridge, socket);
        } catch (ReflectiveOperationException e) {
          LOG.error("ctl bridge: the bridge's connection handler failed; connection closed", e);
          socket.close();
        }
      });
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("vertx-tcp-eventbus-bridge has changed: the ctl bridge cannot put its frame-size "
          + "limit in front of it (" + e + ")", e);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf bytes && !withinLimit(bytes)) {
      bytes.release();
      LOG.warn("ctl bridge closed a connection from {}: it announced a frame larger than {} bytes",
          ctx.channel().remoteAddress(), MAX_FRAME_BYTES);
      ctx.close();
      return;
    }
    ctx.fireChannelRead(msg);
  }

  /**
   * A client that goes away mid-conversation (a reset connection) is not a node error, but the bridge logs it at
   * ERROR with a stack trace, once per connection: any client could fill the log. Such a connection ends here.
   */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException) {
      LOG.debug("ctl bridge: the connection from {} ended: {}", ctx.channel().remoteAddress(), cause.toString());
      ctx.close();
      return;
    }
    ctx.fireExceptionCaught(cause);
  }

  /** Walks the frames these bytes carry on from the previous ones, without consuming them. */
  boolean withinLimit(ByteBuf bytes) {
    int at = bytes.readerIndex();
    int end = bytes.writerIndex();
    while (at < end) {
      if (payloadLeft > 0) {
        int skipped = (int) Math.min(payloadLeft, end - at);
        at += skipped;
        payloadLeft -= skipped;
        continue;
      }
      length = (length << 8) | (bytes.getByte(at++) & 0xff);
      if (++headerBytesSeen == Integer.BYTES) {
        if (length < 0 || length > MAX_FRAME_BYTES) {
          return false;
        }
        payloadLeft = length;
        headerBytesSeen = 0;
        length = 0;
      }
    }
    return true;
  }
}
