package io.bastion.audit;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail's control plane: answers {@link AuditAddresses#VERIFY}, signs a checkpoint every
 * {@code checkpointEverySeconds} if the chain grew (the writer itself signs one every
 * {@code checkpointEveryRecords}), and on undeploy waits for queued appends to be written.
 * The data plane appends through {@link AuditTrail} directly, not through this verticle.
 */
public final class AuditVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AuditVerticle.class);
  static final int VERIFY_FAILED = 500;

  private final Audit audit;
  private MessageConsumer<JsonObject> verify;
  private long checkpointTimer = -1;

  public AuditVerticle(Audit audit) {
    this.audit = audit;
  }

  @Override
  public Future<?> start() {
    verify = vertx.eventBus().consumer(AuditAddresses.VERIFY, message -> audit.verifier().verify().onComplete(done -> {
      if (done.succeeded()) {
        AuditVerification result = done.result();
        if (!result.ok()) {
          LOG.error("audit: chain verification failed at seq {} ({}): {}", result.firstBadSequence(), result.kind(),
              result.problem());
        }
        message.reply(result.toJson());
      } else {
        message.fail(VERIFY_FAILED, "audit verification could not run: " + done.cause().getMessage());
      }
    }));
    long period = TimeUnit.SECONDS.toMillis(audit.config().checkpointEverySeconds());
    checkpointTimer = vertx.setPeriodic(period, period, id -> audit.trail().checkpoint());
    return verify.completion();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(checkpointTimer);
    return audit.trail().close()
        .compose(v -> audit.trail().checkpoint())
        .otherwiseEmpty();
  }
}
