package io.bastion.security;

import io.bastion.audit.AuditTrail;
import io.bastion.security.waf.WafConfigException;
import io.bastion.security.waf.collections.PersistentCollections;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns intrusion scoring, bans, threat feeds, SIEM export and the WAF's operation. For the WAF it binds:
 * {@link SecurityAddresses#STATUS} (mode, rules, activity), {@link SecurityAddresses#RULES_RELOAD},
 * {@link SecurityAddresses#WAF_MODE} and {@link SecurityAddresses#RULES_DISABLE}; every change is appended
 * to the audit trail under the sender's name before it takes effect (an unaudited change does not happen),
 * then swapped into the shared {@link WafRuntime}. It aggregates this node's security events
 * ({@link SecurityAddresses#EVENT}) into {@link WafStats}, and reloads the rules on SIGHUP.
 */
public final class SecurityVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SecurityVerticle.class);

  private final WafRuntime runtime;
  private final WafConfig config;
  private final WorkerExecutor blocking;
  private final WafChangeAudit audit;
  private final Clock clock;
  private final boolean reloadOnSighup;
  private final WafStats stats = new WafStats();
  private JsonObject lastReload;
  private SighupReload sighup;

  /**
   * @param runtime         the WAF the gateway runs, or null when waf.rules is empty (nothing to operate)
   * @param blocking        the worker pool the rules are compiled on
   * @param reloadOnSighup  whether SIGHUP reloads the rules (a node in production; not in-JVM test nodes)
   */
  public SecurityVerticle(WafRuntime runtime, WafConfig config, WorkerExecutor blocking, AuditTrail trail, String node,
      Clock clock, boolean reloadOnSighup) {
    this.runtime = runtime;
    this.config = config;
    this.blocking = blocking;
    this.audit = new WafChangeAudit(trail, node, clock);
    this.clock = clock;
    this.reloadOnSighup = reloadOnSighup;
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    bus.<JsonObject>localConsumer(SecurityAddresses.EVENT, m -> {
      if (m.body() != null && "waf".equals(m.body().getString("type"))) {
        stats.record(m.body(), clock.millis());
      }
    });
    bus.<JsonObject>consumer(SecurityAddresses.STATUS, m -> m.reply(status()));
    bus.<JsonObject>consumer(SecurityAddresses.RULES_RELOAD, m -> reload(WafChangeAudit.Actor.of(m)).onComplete(done -> {
      if (done.succeeded()) {
        m.reply(done.result());
      } else {
        fail(m, done.cause());
      }
    }));
    bus.<JsonObject>consumer(SecurityAddresses.WAF_MODE, this::switchMode);
    bus.<JsonObject>consumer(SecurityAddresses.RULES_DISABLE, this::disableRule);
    if (reloadOnSighup && runtime != null) {
      sighup = SighupReload.install(() -> context.runOnContext(v -> reload(WafChangeAudit.Actor.SIGHUP)
          .onFailure(e -> LOG.warn("SIGHUP: WAF rules not reloaded: {}", firstLine(e.getMessage())))));
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    if (sighup != null) {
      sighup.restore();
    }
    return Future.succeededFuture();
  }

  JsonObject status() {
    JsonObject waf = new JsonObject().put("enabled", runtime != null);
    if (runtime == null) {
      waf.put("mode", "off").put("ruleCount", 0).put("files", new JsonArray()).put("disabledRules", new JsonArray());
    } else {
      InlineWaf current = runtime.current();
      CompiledRules rules = current.compiled();
      waf.put("mode", InlineWaf.modeName(current.mode())).put("ruleCount", rules.ruleCount())
          .put("files", new JsonArray(rules.files())).put("loadedAt", rules.loadedAt().toString())
          .put("disabledRules", new JsonArray(List.copyOf(current.disabledRules())))
          .put("paranoiaLevel", config.paranoiaLevel())
          .put("collectionRecords", rules.engine().collections() == null ? 0 : rules.engine().collections().size());
    }
    waf.put("lastReload", lastReload);
    return new JsonObject().put("waf", waf).put("activity", stats.snapshot(clock.millis())).put("recent", stats.recent());
  }

  /** Compiles waf.rules on a worker; on success audits, then swaps (keeping mode and disabled rules). */
  Future<JsonObject> reload(WafChangeAudit.Actor actor) {
    if (runtime == null) {
      return Future.failedFuture(new WafCommandException(SecurityAddresses.NO_RULES,
          "waf.rules is empty: there is nothing to reload"));
    }
    long began = System.nanoTime();
    PersistentCollections collections = runtime.current().compiled().engine().collections();
    return blocking.<CompiledRules>executeBlocking(() -> InlineWaf.compile(config, collections), true)
        .recover(e -> {
          if (e instanceof WafConfigException invalid) {
            String problems = String.join("\n", invalid.problems());
            lastReload = new JsonObject().put("at", clock.instant().toString()).put("ok", false)
                .put("errors", new JsonArray(invalid.problems()));
            LOG.warn("WAF rules not reloaded ({} problem(s)); the running rule set stays", invalid.problems().size());
            return audit.reloadFailed(actor, invalid.problems().size()).transform(done -> Future.failedFuture(
                new WafCommandException(SecurityAddresses.RULES_INVALID, "rules not reloaded, the running set stays; "
                    + invalid.problems().size() + " problem(s):\n" + problems)));
          }
          return Future.failedFuture(e);
        })
        .compose(compiled -> audit.reloaded(actor, compiled.ruleCount()).map(v -> {
          runtime.replaceRules(compiled);
          long ms = (System.nanoTime() - began) / 1_000_000;
          lastReload = new JsonObject().put("at", clock.instant().toString()).put("ok", true)
              .put("ruleCount", compiled.ruleCount()).put("millis", ms);
          LOG.info("WAF rules reloaded by {}: {} rules from {} in {} ms", actor.who(), compiled.ruleCount(),
              compiled.files(), ms);
          for (String warning : compiled.engine().rules().warnings()) {
            LOG.debug("waf.rules: {}", warning);
          }
          return new JsonObject().put("ruleCount", compiled.ruleCount()).put("files", new JsonArray(compiled.files()))
              .put("loadedAt", compiled.loadedAt().toString()).put("warnings", compiled.engine().rules().warnings().size())
              .put("millis", ms);
        }));
  }

  private void switchMode(Message<JsonObject> m) {
    String name = m.body() == null ? null : m.body().getString("mode");
    WafConfig.Mode mode = name == null ? null : InlineWaf.parseMode(name);
    if (mode == null) {
      m.fail(SecurityAddresses.BAD_REQUEST, "mode must be one of off, detection-only, on");
      return;
    }
    if (runtime == null) {
      m.fail(SecurityAddresses.NO_RULES, "waf.rules is empty: configure rules before switching the WAF on");
      return;
    }
    WafChangeAudit.Actor actor = WafChangeAudit.Actor.of(m);
    String previous = InlineWaf.modeName(runtime.current().mode());
    audit.modeChanged(actor, name).onComplete(done -> {
      if (done.failed()) {
        fail(m, done.cause());
        return;
      }
      runtime.switchMode(mode);
      LOG.info("WAF mode {} -> {} by {}", previous, name, actor.who());
      m.reply(new JsonObject().put("mode", name).put("previous", previous));
    });
  }

  private void disableRule(Message<JsonObject> m) {
    Object idValue = m.body() == null ? null : m.body().getValue("id");
    Object flag = m.body() == null ? null : m.body().getValue("disabled");
    if (!(idValue instanceof Number number) || number.longValue() < 1 || number.longValue() > Integer.MAX_VALUE
        || number.doubleValue() != number.longValue() || !(flag instanceof Boolean)) {
      m.fail(SecurityAddresses.BAD_REQUEST, "send {\"id\": <rule id, a positive integer>, \"disabled\": true|false}");
      return;
    }
    if (runtime == null) {
      m.fail(SecurityAddresses.NO_RULES, "waf.rules is empty: there are no rules to disable");
      return;
    }
    int id = number.intValue();
    boolean disabled = (Boolean) flag;
    InlineWaf current = runtime.current();
    if (disabled && !current.compiled().contains(id)) {
      m.fail(SecurityAddresses.NOT_FOUND, "no rule " + id + " in the loaded rules");
      return;
    }
    if (!disabled && !current.disabledRules().contains(id)) {
      m.fail(SecurityAddresses.NOT_FOUND, "rule " + id + " is not disabled");
      return;
    }
    WafChangeAudit.Actor actor = WafChangeAudit.Actor.of(m);
    audit.ruleToggled(actor, id, disabled).onComplete(done -> {
      if (done.failed()) {
        fail(m, done.cause());
        return;
      }
      InlineWaf now = runtime.disableRule(id, disabled);
      LOG.info("WAF rule {} {} by {}", id, disabled ? "disabled" : "enabled", actor.who());
      m.reply(new JsonObject().put("id", id).put("disabled", disabled)
          .put("disabledRules", new JsonArray(List.copyOf(now.disabledRules()))));
    });
  }

  private static void fail(Message<?> m, Throwable e) {
    if (e instanceof WafCommandException command) {
      m.fail(command.code(), command.getMessage());
    } else {
      LOG.error("WAF command failed: {}", e.toString());
      m.fail(SecurityAddresses.AUDIT_UNAVAILABLE, "the change was not made: " + e.getClass().getSimpleName());
    }
  }

  private static String firstLine(String text) {
    int nl = text == null ? -1 : text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }
}
