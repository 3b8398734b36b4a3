package io.bastion;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/** Who this node is, since when, and which verticles it runs: what `ctl status` and /health report. */
public final class NodeInfo {

  private final String id;
  private final String version;
  private final Instant startedAt;
  private final Map<String, Integer> deployments = new ConcurrentSkipListMap<>();

  public NodeInfo(String id, String version, Instant startedAt) {
    this.id = id;
    this.version = version;
    this.startedAt = startedAt;
  }

  /** The version from the jar manifest, or "dev" when running from classes. */
  public static String versionFromManifest() {
    String version = NodeInfo.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  public String id() {
    return id;
  }

  public String version() {
    return version;
  }

  public Duration uptime() {
    return Duration.between(startedAt, Instant.now());
  }

  void deployed(String verticle, int instances) {
    deployments.put(verticle, instances);
  }

  public JsonArray verticles() {
    JsonArray list = new JsonArray();
    deployments.forEach((name, instances) -> list.add(new JsonObject().put("name", name).put("instances", instances)));
    return list;
  }
}
