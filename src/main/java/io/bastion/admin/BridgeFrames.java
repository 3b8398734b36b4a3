package io.bastion.admin;

import io.vertx.core.json.JsonObject;

/**
 * What both event-bus bridges (ctl over TCP, the dashboard over SockJS) require of a frame's body before it
 * reaches a consumer: a JSON object, or none. Consumers read their arguments from a JsonObject; a number,
 * string or array would make one throw with no reply, and the client would wait out its timeout.
 */
final class BridgeFrames {

  static final String BODY_NOT_AN_OBJECT = "the body must be a JSON object";

  private BridgeFrames() {
  }

  static boolean bodyIsObjectOrAbsent(JsonObject frame) {
    Object body = frame == null ? null : frame.getValue("body");
    return body == null || body instanceof JsonObject;
  }
}
