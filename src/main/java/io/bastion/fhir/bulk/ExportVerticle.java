package io.bastion.fhir.bulk;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control-plane side of $export: at start, fails the jobs this node was running when it last stopped;
 * then removes expired jobs and their files, and job directories no job row names (deleted through another
 * node, or left by a crash), every fhir.export.cleanup-interval-seconds; at stop, stops the
 * running jobs. The jobs themselves run on {@link BulkExport}'s worker pool.
 */
public final class ExportVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ExportVerticle.class);

  private final BulkExport exports;
  private long timer = -1;

  public ExportVerticle(BulkExport exports) {
    this.exports = exports;
  }

  @Override
  public Future<?> start() {
    return exports.failInterrupted().onSuccess(failed -> {
      if (failed > 0) {
        LOG.warn("{} export job(s) were running when this node stopped; they are marked failed", failed);
      }
      timer = vertx.setPeriodic(exports.config().cleanupIntervalSeconds() * 1000L, id -> cleanUp());
    });
  }

  private void cleanUp() {
    exports.removeExpired().compose(expired -> exports.removeOrphans().map(orphans -> expired + orphans))
        .onComplete(done -> {
      if (done.failed()) {
        LOG.warn("export cleanup failed: {}; retrying at the next interval", done.cause().getClass().getSimpleName());
      } else if (done.result() > 0) {
        LOG.info("removed the files of {} expired or deleted export job(s)", done.result());
      }
    });
  }

  @Override
  public Future<?> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return exports.stop();
  }
}
