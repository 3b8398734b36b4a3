package io.bastion.gateway;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

/**
 * Pipeline step 1 (body part): refuses a declared Content-Length above the limit before a byte of the
 * body is read. Bodies without a length (chunked) are bounded where they are read (BodyHandler limit).
 */
final class BodyLimitHandler implements Handler<RoutingContext> {

  private final long maxBodyBytes;

  BodyLimitHandler(long maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String length = ctx.request().getHeader("Content-Length");
    if (length != null) {
      long declared;
      try {
        declared = Long.parseLong(length.trim());
      } catch (NumberFormatException e) {
        ctx.fail(new HttpException(400, "Content-Length is not a number"));
        return;
      }
      if (declared > maxBodyBytes) {
        ctx.response().putHeader("Connection", "close");
        ctx.fail(new HttpException(413, "the request body is larger than " + maxBodyBytes + " bytes"));
        return;
      }
    }
    ctx.next();
  }
}
