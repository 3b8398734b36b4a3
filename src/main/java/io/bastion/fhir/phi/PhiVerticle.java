package io.bastion.fhir.phi;

import io.bastion.audit.AuditCodes;
import io.bastion.audit.AuditRecord;
import io.bastion.audit.AuditTrail;
import io.bastion.fhir.FhirAddresses;
import io.bastion.security.SecurityAddresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PHI key management on the control plane: {@link FhirAddresses#PHI_STATUS} lists the keys and the
 * re-encryption job; {@link FhirAddresses#PHI_ROTATE} makes a new data key active (audited) and starts the
 * job that re-encrypts everything under it. One job at a time; a rotation while one runs is refused (409).
 */
public final class PhiVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(PhiVerticle.class);
  static final int BUSY = 409;
  static final int FAILED = 500;

  private final Pool pool;
  private final PhiKeyRing keys;
  private final PhiCipher cipher;
  private final PhiConfig config;
  private final AuditTrail trail;
  private final String node;
  private final Clock clock;
  private PhiReencryption job;
  private Instant jobStarted;
  private Instant jobFinished;
  private String jobError;
  private MessageConsumer<JsonObject> status;
  private MessageConsumer<JsonObject> rotate;

  public PhiVerticle(Pool pool, PhiKeyRing keys, PhiCipher cipher, PhiConfig config, AuditTrail trail, String node,
      Clock clock) {
    this.pool = pool;
    this.keys = keys;
    this.cipher = cipher;
    this.config = config;
    this.trail = trail;
    this.node = node;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    status = vertx.eventBus().consumer(FhirAddresses.PHI_STATUS, this::status);
    rotate = vertx.eventBus().consumer(FhirAddresses.PHI_ROTATE, this::rotate);
    return Future.all(status.completion(), rotate.completion());
  }

  private void status(Message<JsonObject> message) {
    pool.query("SELECT kid, purpose, created_at, retired_at FROM phi_key ORDER BY created_at").execute()
        .onSuccess(rows -> {
          JsonArray list = new JsonArray();
          for (Row row : rows) {
            list.add(new JsonObject().put("id", row.getString("kid")).put("purpose", row.getString("purpose"))
                .put("created", row.getOffsetDateTime("created_at").toInstant().toString())
                .put("retired", row.getOffsetDateTime("retired_at") == null ? null
                    : row.getOffsetDateTime("retired_at").toInstant().toString()));
          }
          message.reply(new JsonObject().put("elements", new JsonArray(config.elements()))
              .put("activeKey", keys.activeKeyId()).put("keys", list).put("reencryption", jobJson()));
        })
        .onFailure(e -> message.fail(FAILED, "PHI key status unavailable: " + e.getMessage()));
  }

  private JsonObject jobJson() {
    if (jobStarted == null) {
      return new JsonObject().put("state", "never-run");
    }
    return new JsonObject().put("state", jobError != null ? "failed" : jobFinished == null ? "running" : "done")
        .put("started", jobStarted.toString()).put("finished", jobFinished == null ? null : jobFinished.toString())
        .put("scanned", job.scanned.get()).put("rewritten", job.rewritten.get()).put("error", jobError);
  }

  private void rotate(Message<JsonObject> message) {
    if (jobStarted != null && jobFinished == null) {
      message.fail(BUSY, "a re-encryption job is still running; rotate again once it is done");
      return;
    }
    String previous = keys.activeKeyId();
    keys.rotate().onSuccess(id -> {
      LOG.info("PHI data key rotated: {} replaces {}; re-encrypting", id, previous);
      startJob();
      audit(id, message).onComplete(audited -> {
        if (audited.succeeded()) {
          message.reply(new JsonObject().put("activeKey", id).put("previousKey", previous)
              .put("reencryption", jobJson()));
        } else {
          LOG.error("audit append failed for the PHI key rotation to {}", id);
          message.fail(FAILED, "the key was rotated to " + id + " but the audit trail is unavailable");
        }
      });
    }).onFailure(e -> message.fail(FAILED, "PHI key rotation failed: " + e.getMessage()));
  }

  private void startJob() {
    job = new PhiReencryption(vertx, pool, cipher, config.reencryptBatch());
    jobStarted = clock.instant();
    jobFinished = null;
    jobError = null;
    job.run().onComplete(done -> {
      jobFinished = clock.instant();
      if (done.failed()) {
        jobError = done.cause().getMessage();
        LOG.error("PHI re-encryption failed after {} rows: {}", job.scanned.get(), jobError);
      } else {
        LOG.info("PHI re-encryption done: {} rows scanned, {} re-encrypted", job.scanned.get(), job.rewritten.get());
      }
    });
  }

  /**
   * A config action in the audit trail, naming the new key (key ids are not secrets) and who asked: the ctl
   * bridge sets the actor headers from the token it checked, never from what the client sent.
   */
  private Future<Void> audit(String id, Message<JsonObject> message) {
    String actor = message.headers().get(SecurityAddresses.ACTOR_HEADER);
    AuditRecord record = new AuditRecord(AuditCodes.APPLICATION_ACTIVITY, null, AuditRecord.Action.U, clock.instant(),
        AuditRecord.Outcome.SUCCESS, null,
        List.of(new AuditRecord.Agent(AuditCodes.AGENT_USER, actor == null ? "bastion" : actor,
            message.headers().get(SecurityAddresses.ACTOR_ROLE_HEADER), true,
            message.headers().get(SecurityAddresses.ACTOR_IP_HEADER))), node,
        List.of(new AuditRecord.Entity("phi-key/" + id, AuditCodes.ENTITY_SYSTEM_OBJECT, null,
            null)), null);
    return trail.append(record);
  }

  @Override
  public Future<?> stop() {
    return Future.all(status.unregister(), rotate.unregister());
  }
}
