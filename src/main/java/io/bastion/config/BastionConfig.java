package io.bastion.config;

import io.bastion.admin.AdminConfig;
import io.bastion.admin.CtlConfig;
import io.bastion.auth.AuthConfig;
import io.bastion.auth.server.AuthServerConfig;
import io.bastion.db.PostgresConfig;
import io.bastion.db.RedisConfig;
import io.bastion.fhir.bulk.ExportConfig;
import io.bastion.fhir.phi.PhiConfig;
import io.bastion.gateway.CorsConfig;
import io.bastion.gateway.HttpConfig;
import io.bastion.monitoring.MonitoringConfig;
import io.bastion.security.WafConfig;
import io.vertx.core.json.JsonObject;

/**
 * The whole, validated configuration. Each capability owns its section's record and reads it itself;
 * the composition root hands each verticle only its own part.
 *
 * @param effective the merged key tree, kept for {@code serve --print-config}
 */
public record BastionConfig(
    NodeConfig node,
    HttpConfig http,
    PostgresConfig postgres,
    RedisConfig redis,
    AdminConfig admin,
    CtlConfig ctl,
    AuthConfig auth,
    AuthServerConfig authServer,
    CorsConfig cors,
    MonitoringConfig monitoring,
    WafConfig waf,
    PhiConfig phi,
    LogConfig log,
    ExportConfig export,
    JsonObject effective) {

  static BastionConfig read(ConfigReader r, JsonObject effective) {
    NodeConfig node = NodeConfig.read(r);
    return new BastionConfig(
        node,
        HttpConfig.read(r),
        PostgresConfig.read(r, node),
        RedisConfig.read(r),
        AdminConfig.read(r),
        CtlConfig.read(r),
        AuthConfig.read(r),
        AuthServerConfig.read(r),
        CorsConfig.read(r),
        MonitoringConfig.read(r),
        WafConfig.read(r),
        PhiConfig.read(r, node),
        LogConfig.read(r),
        ExportConfig.read(r, node),
        effective);
  }

  /** The effective configuration as YAML-able JSON, with passwords, tokens and URL credentials hidden. */
  public JsonObject redacted() {
    return Secrets.redact(effective);
  }
}
