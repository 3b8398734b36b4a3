package io.bastion.fhir.bulk;

import io.bastion.audit.AuditRecord.Entity;
import io.bastion.auth.AccessDecision;
import io.bastion.auth.AccessPolicy;
import io.bastion.auth.BearerChallenge;
import io.bastion.auth.Interaction;
import io.bastion.auth.Principal;
import io.bastion.auth.TokenFailure;
import io.bastion.fhir.FhirAudit;
import io.bastion.fhir.FhirException;
import io.bastion.fhir.FhirHeaders;
import io.bastion.fhir.FhirRoutes;
import io.bastion.fhir.bulk.ExportRequest.Level;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BiFunction;

/**
 * FHIR Bulk Data $export over HTTP: kick-off (system and Patient level), the status URL (poll, DELETE) and
 * the NDJSON downloads. A job is visible only to the principal that started it (others get 404, as for an
 * unknown job); kick-off needs an export grant (user/ or system/ read and search) on every exported type.
 */
public final class ExportRoutes {

  static final String STATUS_PATH = "/$export-status/";
  static final String FILE_PATH = "/$export-file/";
  static final String NDJSON = "application/fhir+ndjson";
  static final String JOB_ID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
  /** Seconds a client should wait between polls of a running job. */
  private static final int POLL_SECONDS = 2;
  private static final int BUSY_RETRY_SECONDS = 30;

  private final BulkExport exports;
  private final List<String> systemTypes;
  private final List<String> patientTypes;
  /** SMART scope checks; null when auth.enabled is false (then every job is everyone's). */
  private final AccessPolicy policy;

  /**
   * @param systemTypes  the types a system-level export covers (every stored type)
   * @param patientTypes Patient and the types of the Patient compartment
   */
  public ExportRoutes(BulkExport exports, List<String> systemTypes, List<String> patientTypes, AccessPolicy policy) {
    this.exports = exports;
    this.systemTypes = List.copyOf(systemTypes);
    this.patientTypes = List.copyOf(patientTypes);
    this.policy = policy;
  }

  /** System level: every R4 type stored in fhir_resource; Patient level: Patient and the compartment's types. */
  public static ExportRoutes r4(BulkExport exports, io.bastion.fhir.validation.ResourceTypes types,
      io.bastion.fhir.search.PatientCompartment compartment, AccessPolicy policy) {
    List<String> system = types.names().stream().filter(t -> !t.equals("AuditEvent")).sorted().toList();
    java.util.Set<String> patient = new java.util.LinkedHashSet<>();
    patient.add("Patient");
    compartment.links().forEach(link -> patient.add(link[0]));
    return new ExportRoutes(exports, system, List.copyOf(patient), policy);
  }

  /**
   * The downloads, mounted before content negotiation: they answer NDJSON whatever Accept says (clients send
   * application/fhir+ndjson). {@code guard} is the FHIR routes' guard (audit mark plus the given check).
   */
  public void mountDownloads(Router router,
      BiFunction<Interaction, Handler<RoutingContext>, Handler<RoutingContext>> guard) {
    router.get("/fhir" + FILE_PATH + ":job/:file").handler(guard.apply(Interaction.EXPORT, null)).handler(this::download);
  }

  /** Kick-off and status; call before the generic /fhir/:type routes. */
  public void mount(Router router, BiFunction<Interaction, Handler<RoutingContext>, Handler<RoutingContext>> guard) {
    router.get("/fhir/$export").handler(guard.apply(Interaction.EXPORT, scopeCheck(Level.SYSTEM)))
        .handler(ctx -> kickOff(ctx, Level.SYSTEM));
    router.get("/fhir/Patient/$export").handler(guard.apply(Interaction.EXPORT, scopeCheck(Level.PATIENT)))
        .handler(ctx -> kickOff(ctx, Level.PATIENT));
    router.get("/fhir" + STATUS_PATH + ":job").handler(this::status);
    router.delete("/fhir" + STATUS_PATH + ":job").handler(this::delete);
  }

  /** The types of a level, in export order. */
  private List<String> exportable(Level level) {
    return level == Level.SYSTEM ? systemTypes : patientTypes;
  }

  /** Null when auth is off; else a check that the token may export every requested type. */
  private Handler<RoutingContext> scopeCheck(Level level) {
    if (policy == null) {
      return null;
    }
    return ctx -> {
      Principal principal = Principal.of(ctx);
      if (principal == null) {
        BearerChallenge.refuse(ctx, TokenFailure.MISSING, 0);
        return;
      }
      if (principal.patient() != null) {
        // a patient-context token is for one patient's record; bulk export is for user and backend clients
        BearerChallenge.insufficientScope(ctx, new AccessDecision(false,
            "bulk export is not available to patient-context tokens", null, List.of()));
        return;
      }
      List<String> types = ExportRequest.typesOrNull(ctx.queryParams(), exportable(level), level);
      if (types == null) {
        ctx.next(); // the handler answers 400 for the bad _type
        return;
      }
      for (String type : types) {
        AccessDecision decision = policy.decide(principal, Interaction.EXPORT, type);
        if (!decision.allowed()) {
          BearerChallenge.insufficientScope(ctx, decision);
          return;
        }
      }
      ctx.next();
    };
  }

  private void kickOff(RoutingContext ctx, Level level) {
    try {
      ExportRequest request = ExportRequest.parse(level, ctx.queryParams(), ctx.request().getHeader("Prefer"),
          exportable(level));
      String query = ctx.request().query();
      String relative = (level == Level.SYSTEM ? "$export" : "Patient/$export") + (query == null ? "" : "?" + query);
      String base = FhirHeaders.base(ctx);
      exports.start(request, owner(ctx), base + "/" + relative, policy != null)
          .onSuccess(job -> FhirAudit.respond(ctx, List.of(Entity.query(relative)), () -> {
            ctx.response().setStatusCode(202).putHeader("Content-Location", base + STATUS_PATH + job.id())
                .putHeader("Content-Type", "application/fhir+json; charset=utf-8")
                .end(outcome("information", "informational", "the export is running; poll the Content-Location URL")
                    .encode());
          }))
          .onFailure(e -> {
            if (e instanceof FhirException refused && refused.status() == 429) {
              ctx.response().putHeader("Retry-After", Integer.toString(BUSY_RETRY_SECONDS));
            }
            FhirRoutes.fail(ctx, e);
          });
    } catch (RuntimeException e) {
      FhirRoutes.fail(ctx, e);
    }
  }

  /** GET on the status URL: 202 while it runs, the manifest once done, an OperationOutcome if it failed. */
  private void status(RoutingContext ctx) {
    ownJob(ctx, job -> {
      if (ExportJob.COMPLETED.equals(job.status())) {
        String base = FhirHeaders.base(ctx);
        exports.files(job.id()).onSuccess(files -> ctx.response().setStatusCode(200)
            .putHeader("Content-Type", "application/json; charset=utf-8")
            .end(manifest(base, job, files).encode())).onFailure(e -> FhirRoutes.fail(ctx, e));
      } else if (ExportJob.FAILED.equals(job.status())) {
        FhirRoutes.fail(ctx, FhirException.of(500, "exception", job.error()));
      } else {
        String progress = exports.progress(job.id());
        ctx.response().setStatusCode(202).putHeader("X-Progress", progress != null ? progress : job.status())
            .putHeader("Retry-After", Integer.toString(POLL_SECONDS)).end();
      }
    });
  }

  /** DELETE on the status URL: cancels a running job or removes a finished one, with its files. */
  private void delete(RoutingContext ctx) {
    ownJob(ctx, job -> exports.delete(job).onSuccess(done -> ctx.response().setStatusCode(202)
        .putHeader("Content-Type", "application/fhir+json; charset=utf-8")
        .end(outcome("information", "informational", job.finished() ? "the export and its files are deleted"
            : "the export is cancelled; its files are deleted").encode())).onFailure(e -> FhirRoutes.fail(ctx, e)));
  }

  /** A file of a completed job, streamed from disk (sendFile: nothing is held in memory). */
  private void download(RoutingContext ctx) {
    String name = ctx.pathParam("file");
    if (!ExportFile.validName(name)) {
      FhirRoutes.fail(ctx, FhirException.of(404, "not-found", "no export file has this name"));
      return;
    }
    ownJob(ctx, job -> {
      if (!ExportJob.COMPLETED.equals(job.status())) {
        FhirRoutes.fail(ctx, FhirException.of(404, "not-found", "the export has not completed"));
        return;
      }
      if (!job.nodeId().equals(exports.nodeId())) {
        FhirRoutes.fail(ctx, FhirException.of(404, "not-found", "the export's files are on another node"));
        return;
      }
      String path = exports.file(job.id(), name).toString();
      exports.files(job.id())
          .compose(files -> files.stream().anyMatch(f -> f.name().equals(name))
              ? ctx.vertx().fileSystem().exists(path) : io.vertx.core.Future.succeededFuture(false))
          .onSuccess(exists -> {
            if (!exists) {
              FhirRoutes.fail(ctx, FhirException.of(404, "not-found", "the export has no such file"));
              return;
            }
            FhirAudit.respond(ctx, List.of(Entity.query(relative(job.request()))), () -> ctx.response()
                .putHeader("Content-Type", NDJSON).sendFile(path)
                .onFailure(e -> FhirRoutes.fail(ctx, e)));
          }).onFailure(e -> FhirRoutes.fail(ctx, e));
    });
  }

  /** Runs {@code then} with the path's job when it exists and belongs to the caller; else answers 401/404. */
  private void ownJob(RoutingContext ctx, java.util.function.Consumer<ExportJob> then) {
    String id = ctx.pathParam("job");
    String owner = owner(ctx);
    if (owner == null) {
      BearerChallenge.refuse(ctx, TokenFailure.MISSING, 0);
      return;
    }
    if (id == null || !id.matches(JOB_ID)) {
      FhirRoutes.fail(ctx, unknownJob());
      return;
    }
    exports.job(id).onSuccess(job -> {
      // another principal's job answers as an unknown one: its existence is not revealed
      if (job == null || !MessageDigest.isEqual(job.owner().getBytes(StandardCharsets.UTF_8),
          owner.getBytes(StandardCharsets.UTF_8))) {
        FhirRoutes.fail(ctx, unknownJob());
        return;
      }
      then.accept(job);
    }).onFailure(e -> FhirRoutes.fail(ctx, e));
  }

  /** The kick-off as the audit's query entity, relative to the base as at kick-off ("$export?_type=…"). */
  private static String relative(String requestUrl) {
    int fhir = requestUrl.indexOf("/fhir/");
    return fhir < 0 ? requestUrl : requestUrl.substring(fhir + "/fhir/".length());
  }

  private static FhirException unknownJob() {
    return FhirException.of(404, "not-found", "no export job has this id (it may have expired or been deleted)");
  }

  /**
   * Who may see a job: "-" when auth is off (anyone), else a SHA-256 of the token's issuer, subject and client;
   * null when auth is on and the request has no principal.
   */
  private String owner(RoutingContext ctx) {
    if (policy == null) {
      return "-";
    }
    Principal principal = Principal.of(ctx);
    if (principal == null) {
      return null;
    }
    String who = principal.issuer() + "\n" + principal.subject() + "\n" + principal.clientId();
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(who.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }

  static JsonObject manifest(String base, ExportJob job, List<ExportFile> files) {
    JsonArray output = new JsonArray();
    for (ExportFile file : files) {
      output.add(new JsonObject().put("type", file.type()).put("url", base + FILE_PATH + job.id() + "/" + file.name())
          .put("count", file.count()));
    }
    return new JsonObject().put("transactionTime", job.transactionTime().toString()).put("request", job.request())
        .put("requiresAccessToken", job.requiresToken()).put("output", output).put("error", new JsonArray());
  }

  private static JsonObject outcome(String severity, String code, String text) {
    return new JsonObject().put("resourceType", "OperationOutcome").put("issue", new JsonArray()
        .add(FhirException.issue(severity, code, text, null)));
  }
}
