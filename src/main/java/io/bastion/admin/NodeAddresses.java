package io.bastion.admin;

/** Event-bus addresses about the node itself. */
public final class NodeAddresses {

  /**
   * Request/reply: body {} - reply {@code {node, version, uptimeSeconds, stores:{postgres:{source, reason},
   * redis:{mode, reason}}, verticles:[{name, instances}], requestsPerSecond}}.
   */
  public static final String STATUS = "bastion.node.status";

  private NodeAddresses() {
  }
}
