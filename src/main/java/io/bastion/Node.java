package io.bastion;

import io.bastion.admin.AdminAccounts;
import io.bastion.admin.AdminRoutes;
import io.bastion.admin.AdminVerticle;
import io.bastion.admin.CtlTokens;
import io.bastion.api.cache.CacheVerticle;
import io.bastion.audit.Audit;
import io.bastion.audit.AuditConfig;
import io.bastion.audit.AuditTrail;
import io.bastion.audit.AuditVerticle;
import io.bastion.auth.AccessPolicy;
import io.bastion.auth.BearerAuthenticationHandler;
import io.bastion.auth.LocalIssuer;
import io.bastion.auth.RefusedTokenAudit;
import io.bastion.auth.server.AuthServer;
import io.bastion.auth.server.ClientVerticle;
import io.bastion.auth.TokenVerifier;
import io.bastion.backup.BackupVerticle;
import io.bastion.config.BastionConfig;
import io.bastion.db.DatabaseVerticle;
import io.bastion.db.LoopPipelines;
import io.bastion.db.Migrations;
import io.bastion.db.PostgresServer;
import io.bastion.db.PostgresSource;
import io.bastion.db.RedisSource;
import io.bastion.db.RedisStore;
import io.bastion.db.StoreHealth;
import io.bastion.fhir.FhirAudit;
import io.bastion.fhir.FhirLimits;
import io.bastion.fhir.FhirRoutes;
import io.bastion.fhir.bulk.BulkExport;
import io.bastion.fhir.bulk.ExportRoutes;
import io.bastion.fhir.bulk.ExportVerticle;
import io.bastion.fhir.search.PatientCompartment;
import io.bastion.fhir.phi.LocalMasterKey;
import io.bastion.fhir.phi.PhiCipher;
import io.bastion.fhir.phi.PhiKeyRing;
import io.bastion.fhir.phi.PhiProtection;
import io.bastion.fhir.phi.PhiVerticle;
import io.bastion.fhir.search.PgSearchService;
import io.bastion.fhir.search.SearchIndexer;
import io.bastion.fhir.search.SearchParameters;
import io.bastion.fhir.seed.SeedVerticle;
import io.bastion.fhir.store.PgCopyLoader;
import io.bastion.fhir.store.PgResourceStore;
import io.bastion.fhir.store.TimeOrderedIds;
import io.bastion.fhir.validation.ResourceTypes;
import io.bastion.gateway.Gateway;
import io.bastion.gateway.GatewayVerticle;
import io.bastion.load.LoadVerticle;
import io.bastion.monitoring.MonitoringVerticle;
import io.bastion.monitoring.TrafficMeter;
import io.bastion.security.InlineWaf;
import io.bastion.security.SecurityVerticle;
import io.bastion.security.WafAuditLog;
import io.bastion.security.WafRuntime;
import io.bastion.security.waf.WafConfigException;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Deployable;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.WorkerExecutor;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.security.SecureRandom;
import java.time.Clock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds Vert.x and the shared objects (pool, Redis, meters, accounts), then deploys
 * the verticles in dependency order, the gateway last so no request arrives before the stores are ready.
 * {@link #stop()} undoes it in reverse: drain the gateway, stop the control plane, close the stores.
 */
public final class Node {

  private static final Logger LOG = LoggerFactory.getLogger(Node.class);
  static final String BLOCKING_POOL = "bastion-blocking";
  static final int AUDIT_POOL_SIZE = 4;

  private final BastionConfig config;
  private final Vertx vertx;
  private final NodeInfo info;
  private final Clock clock;
  private final Deque<String> deployments = new ArrayDeque<>();
  private WorkerExecutor blocking;
  private PostgresServer postgres;
  private Pool pool;
  private Pool searchPool;
  private Pool fixedShapeSearchPool;
  private Pool auditPool;
  /** Reads by id and version: one pipelined connection per event loop, beside {@link #pool}. */
  private LoopPipelines pipelines;
  private int eventLoops;
  private RedisStore redis;
  private Audit audit;
  private Gateway gateway;
  private io.bastion.fhir.store.ResourceStore fhirStore;
  private BulkExport exports;
  private PgCopyLoader seedLoader;
  private TokenVerifier verifier;
  private WafRuntime waf;
  private WafAuditLog wafAuditLog;
  private PhiProtection phi = PhiProtection.NONE;
  /** Null when PHI encryption is off. */
  private PhiKeyRing phiKeys;
  private PhiCipher phiCipher;
  private AuthServer authServer;
  private LocalIssuer localIssuer;

  /** SIGHUP reloads the WAF rules: on for a node run by `bastion serve`, off for nodes inside tests. */
  private boolean reloadOnSighup;

  private Node(BastionConfig config, Vertx vertx, Clock clock) {
    this.config = config;
    this.vertx = vertx;
    this.clock = clock;
    this.info = new NodeInfo(config.node().id(), NodeInfo.versionFromManifest(), Instant.now());
  }

  /** Starts a node as `bastion serve` does: default Vert.x options, and SIGHUP reloads the WAF rules. */
  public static Future<Node> start(BastionConfig config) {
    return start(config, new VertxOptions(), Clock.systemUTC(), true);
  }

  /** Starts a node; on failure everything already started is stopped again before the future fails. */
  public static Future<Node> start(BastionConfig config, VertxOptions options) {
    return start(config, options, Clock.systemUTC());
  }

  /** As above, with the clock that TOTP, lock-out, session and token expiry (and FHIR timestamps) read. */
  public static Future<Node> start(BastionConfig config, VertxOptions options, Clock clock) {
    return start(config, options, clock, false);
  }

  private static Future<Node> start(BastionConfig config, VertxOptions options, Clock clock, boolean reloadOnSighup) {
    long began = System.nanoTime();
    PrometheusMeterRegistry registry = meterRegistry();
    options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
        .setLabels(EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME,
            Label.EB_SIDE, Label.EB_FAILURE)));
    Vertx vertx = Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry)).build();
    Node node = new Node(config, vertx, clock);
    node.reloadOnSighup = reloadOnSighup;
    node.eventLoops = options.getEventLoopPoolSize();
    Promise<Node> started = Promise.promise();
    node.boot(registry).onComplete(booted -> {
      if (booted.succeeded()) {
        LOG.info("node {} ready on port {} in {} ms (postgres: {}, redis: {}, gateway instances: {})", node.info.id(),
            node.gateway.port(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began),
            node.postgres.source().label(), node.redis.where(), config.http().effectiveInstances());
        started.complete(node);
      } else {
        // stop() closes Vert.x, so it runs off the event loop: callbacks on a closed loop never fire.
        CompletableFuture.runAsync(() -> awaitQuietly(node.stop()))
            .whenComplete((v, e) -> started.fail(booted.cause()));
      }
    });
    return started.future();
  }

  private static void awaitQuietly(Future<Void> future) {
    try {
      future.await(2, TimeUnit.MINUTES);
    } catch (Exception e) {
      LOG.warn("cleanup after a failed start did not finish: {}", e.toString());
    }
  }

  private Future<Void> boot(PrometheusMeterRegistry registry) {
    blocking = vertx.createSharedWorkerExecutor(BLOCKING_POOL, 4, 5, TimeUnit.MINUTES);
    SecureRandom random = new SecureRandom();
    TrafficMeter traffic = new TrafficMeter();
    // the WAF's rules first: a broken rules file stops the node before anything else starts
    return blocking.executeBlocking(() -> loadWaf(registry), false)
        .compose(loaded -> {
          return new PostgresSource(vertx, blocking, config.postgres()).resolve();
        })
        .compose(server -> {
          postgres = server;
          return blocking.executeBlocking(() -> Migrations.apply(server), false);
        })
        .compose(schemaVersion -> {
          pool = PgBuilder.pool()
              .with(new PoolOptions().setMaxSize(config.postgres().poolSize()).setName("bastion").setShared(false))
              // the hot path runs a small fixed set of statements: parse and plan each once per connection
              .connectingTo(new PgConnectOptions(postgres.options()).setCachePreparedStatements(true))
              .using(vertx)
              .build();
          // PostgreSQL stops a search statement past its timeout itself: nothing keeps running for a client that
          // has gone (docs/fhir.md, "Limits")
          String searchTimeout = config.postgres().searchTimeoutSeconds() * 1000 + "ms";
          // searches get their own pool whose sessions never use a generic plan: a cached search statement
          // planned without its values (rows=1 everywhere) can drive from the least selective index and take
          // seconds where the plan for the actual values takes a millisecond (docs/fhir.md, SQL)
          searchPool = PgBuilder.pool()
              .with(new PoolOptions().setMaxSize(config.postgres().poolSize()).setName("bastion-search").setShared(false))
              .connectingTo(new PgConnectOptions(postgres.options()).setCachePreparedStatements(true)
                  .addProperty("plan_cache_mode", "force_custom_plan")
                  .addProperty("statement_timeout", searchTimeout))
              .using(vertx)
              .build();
          // except for the pages whose SQL fixes their plan (a family prefix read in res_pk order, the other
          // criteria probed per candidate): planning those for each request cost as much as running them
          fixedShapeSearchPool = PgBuilder.pool()
              .with(new PoolOptions().setMaxSize(config.postgres().poolSize()).setName("bastion-search-fixed").setShared(false))
              .connectingTo(new PgConnectOptions(postgres.options()).setCachePreparedStatements(true)
                  .addProperty("plan_cache_mode", "force_generic_plan")
                  .addProperty("statement_timeout", searchTimeout))
              .using(vertx)
              .build();
          // reads by id: one pipelined connection per event loop (docs/fhir.md, "Connections")
          pipelines = new LoopPipelines(vertx, new PgConnectOptions(postgres.options()).setCachePreparedStatements(true),
              pool, eventLoops);
          // the audit writer's batches never queue behind the requests waiting for them: connections of its own
          // (one batch in flight, plus checkpoints, verification and the patients index's merges)
          auditPool = PgBuilder.pool()
              .with(new PoolOptions().setMaxSize(AUDIT_POOL_SIZE).setName("bastion-audit").setShared(false))
              .connectingTo(new PgConnectOptions(postgres.options()).setCachePreparedStatements(true))
              .using(vertx)
              .build();
          return new RedisSource(vertx, config.redis()).resolve().map(store -> {
            redis = store;
            return new StoreHealth(pool, postgres, store, schemaVersion);
          });
        })
        .compose(health -> Audit.open(vertx, blocking, auditPool, config.node(), AuditConfig.defaults(), clock)
            .map(opened -> {
              audit = opened;
              return health;
            }))
        .compose(health -> startAuthServer().compose(v -> startTokenVerifier()).map(created -> {
          verifier = created;
          return health;
        }))
        .compose(health -> openPhi(random).map(opened -> {
          phi = opened;
          return health;
        }))
        .compose(health -> blocking.executeBlocking(() -> {
          // reads the R4 tables from the classpath and builds a ~200 KB CapabilityStatement: off the event loop
          SearchParameters searchParameters = SearchParameters.r4();
          AccessPolicy policy = verifier == null ? null : new AccessPolicy();
          PatientCompartment compartment = PatientCompartment.r4(searchParameters);
          exports = new BulkExport(vertx, pool, postgres, config.export(), compartment, phi, info.id(), clock);
          SearchIndexer indexer = new SearchIndexer(searchParameters, phi);
          fhirStore = new PgResourceStore(pool, pipelines, clock, new TimeOrderedIds(clock, random), indexer, phi);
          seedLoader = new PgCopyLoader(postgres, indexer, phi, clock);
          return new FhirRoutes(info, ResourceTypes.r4(), fhirStore,
              searchParameters, new PgSearchService(searchPool, fixedShapeSearchPool, PgSearchService.MAX_INCLUDED, phi,
                  config.postgres().searchTimeoutSeconds() * 1000L),
              FhirLimits.withBodyLimit(config.http().maxBodyBytes()), clock, policy)
              .auditEvents(pool)
              .exports(ExportRoutes.r4(exports, ResourceTypes.r4(), compartment, policy))
              .audited(fhirAudit());
        }, false).compose(fhir -> {
          AdminAccounts accounts = new AdminAccounts(pool, blocking, random);
          CtlTokens ctlTokens = new CtlTokens(pool, clock, random);
          AdminRoutes.logMfaStorage(config.admin());
          // In the order their routes are tried. A request walks every route mounted before the one that takes
          // it, so the FHIR API (nearly all traffic) comes before the dashboard's ~40 routes; the paths of the
          // three modules do not overlap, except /fhir/.well-known/smart-configuration, which the token
          // endpoint must take before FHIR's /fhir/:type/:id does.
          List<io.bastion.gateway.RouteModule> modules = new java.util.ArrayList<>();
          if (authServer != null) {
            modules.add(authServer.routes());
          }
          modules.add(fhir);
          modules.add(new AdminRoutes(accounts, ctlTokens, pool, config.admin(), config.http().tls(), clock, random)
              .audited(audit.trail(), info.id()).clients(authServer == null ? null : authServer.clients()));
          gateway = new Gateway(config.http(), config.log().accessLog(), traffic, info, health, registry, modules,
              verifier == null ? null : BearerAuthenticationHandler.create(verifier, registry,
                  Set.of("/fhir/metadata", "/fhir/.well-known/smart-configuration"))
                  .audited(new RefusedTokenAudit(audit.trail(), info.id(), clock)))
              .waf(waf, wafAuditLog).cors(config.cors());
          return accounts.ensureFirstAdmin(config.admin())
              .compose(v -> deploy("DatabaseVerticle", () -> new DatabaseVerticle(health), 1))
              .compose(v -> deploy("SecurityVerticle", () -> new SecurityVerticle(waf, config.waf(), blocking,
                  audit.trail(), info.id(), clock, reloadOnSighup), 1))
              .compose(v -> deploy("CacheVerticle", CacheVerticle::new, 1))
              .compose(v -> deploy("AuditVerticle", () -> new AuditVerticle(audit), 1))
              .compose(v -> deploy("MonitoringVerticle",
                  () -> new MonitoringVerticle(info.id(), config.monitoring(), traffic, health), 1))
              .compose(v -> deploy("BackupVerticle", BackupVerticle::new, 1))
              .compose(v -> deploy("LoadVerticle", LoadVerticle::new, 1))
              .compose(v -> deploy("SeedVerticle", () -> new SeedVerticle(seedLoader), 1))
              .compose(v -> deploy("ExportVerticle", () -> new ExportVerticle(exports), 1))
              .compose(v -> phiKeys == null ? Future.<String>succeededFuture() : deploy("PhiVerticle",
                  () -> new PhiVerticle(pool, phiKeys, phiCipher, config.phi(), audit.trail(), info.id(), clock), 1))
              .compose(v -> authServer == null ? Future.<String>succeededFuture()
                  : deploy("ClientVerticle", () -> new ClientVerticle(authServer.clients()), 1))
              .compose(v -> deploy("AdminVerticle", () -> new AdminVerticle(info, health, config.ctl(), ctlTokens), 1))
              .compose(v -> deploy("GatewayVerticle", () -> new GatewayVerticle(gateway),
                  config.http().effectiveInstances()))
              .mapEmpty();
        }));
  }

  /**
   * Compiles waf.rules and opens waf.audit-log (blocking: runs on the worker pool); no WAF when waf.rules is
   * empty. Returns the loaded WAF or null.
   */
  private InlineWaf loadWaf(PrometheusMeterRegistry registry) {
    try {
      InlineWaf loaded = InlineWaf.load(config.waf(), clock);
      if (loaded != null) {
        LOG.info("WAF {}: {} rules from {}", config.waf().mode(), loaded.rules().ruleCount(), config.waf().rules());
        for (String warning : loaded.rules().warnings()) {
          LOG.warn("waf.rules: {}", warning);
        }
        waf = new WafRuntime(loaded);
        Path auditLog = config.waf().auditLogPath(config.node().dataDir());
        if (auditLog != null) {
          wafAuditLog = WafAuditLog.open(auditLog, registry);
          LOG.info("WAF audit log of blocked transactions: {}", auditLog);
        }
      }
      return loaded;
    } catch (java.io.IOException e) {
      throw new IllegalStateException("waf.audit-log cannot be opened: " + e.getMessage(), e);
    } catch (WafConfigException e) {
      throw new IllegalStateException("waf.rules: " + e.problems().size() + " problem(s):\n  "
          + String.join("\n  ", e.problems()), e);
    }
  }

  /** The FHIR interaction auditor, or null (and a loud warning) when audit.fhir-interactions is false. */
  private FhirAudit fhirAudit() {
    if (config.audit().fhirInteractions()) {
      return new FhirAudit(audit.trail(), info.id(), clock);
    }
    LOG.warn("audit.fhir-interactions is false: FHIR reads, searches and writes are NOT audited on this node");
    return null;
  }

  /** PHI encryption at rest: the master key (file I/O on a worker), then the data keys from PostgreSQL. */
  private Future<PhiProtection> openPhi(SecureRandom random) {
    if (!config.phi().enabled()) {
      LOG.warn("phi.encryption is false: identifiers, contact details, address lines and birth dates are stored "
          + "in plaintext");
      return Future.succeededFuture(PhiProtection.NONE);
    }
    return blocking.executeBlocking(() -> LocalMasterKey.resolve(config.phi(), random), false)
        .compose(master -> PhiKeyRing.open(pool, master, random, clock))
        .map(ring -> {
          phiKeys = ring;
          LOG.info("PHI encryption: {} sealed with AES-256-GCM (data key {})", config.phi().elements(),
              ring.activeKeyId());
          phiCipher = new PhiCipher(ring, config.phi().elements(), random);
          return phiCipher;
        });
  }

  /** The bearer-token verifier when auth.enabled, else null after a loud warning: /fhir is then open. */
  private Future<TokenVerifier> startTokenVerifier() {
    if (config.auth().enabled()) {
      return TokenVerifier.create(vertx, config.auth(), clock, authServer == null ? null : localIssuer);
    }
    LOG.warn("auth.enabled is false: the FHIR API at /fhir accepts requests without a token (development only)");
    return Future.succeededFuture();
  }

  /** Bastion's own token endpoint and signing keys (auth.server.enabled), before the verifier that trusts them. */
  private Future<Void> startAuthServer() {
    if (!config.authServer().enabled()) {
      return Future.succeededFuture();
    }
    localIssuer = new LocalIssuer(config.authServer().baseUrl(), () -> gateway == null ? -1 : gateway.port(),
        config.http().tls());
    return AuthServer.start(vertx, pool, blocking, clock, config.auth(), config.authServer(), config.admin().mfaKey(),
        localIssuer, audit.trail(), info.id(), new SecureRandom()).onSuccess(started -> authServer = started).mapEmpty();
  }

  private Future<String> deploy(String name, Supplier<? extends Deployable> verticle, int instances) {
    return vertx.deployVerticle(verticle, new DeploymentOptions().setInstances(instances)
            .setThreadingModel(ThreadingModel.EVENT_LOOP))
        .onSuccess(id -> {
          deployments.push(id);
          info.deployed(name, instances);
        })
        .recover(e -> Future.failedFuture(new IllegalStateException(name + " failed to start: " + e.getMessage(), e)));
  }

  /**
   * Stops in reverse order. Call it from a thread that is not one of this node's Vert.x threads.
   * Order: the gateway first (stops accepting, drains in-flight requests up to
   * http.drain-timeout-seconds), then the control plane, the pool and Redis, the embedded PostgreSQL (if
   * this node started one), and Vert.x last. Safe to call on a partly started node.
   */
  public Future<Void> stop() {
    Future<Void> chain = Future.succeededFuture();
    while (!deployments.isEmpty()) {
      String id = deployments.pop();
      chain = chain.compose(v -> vertx.undeploy(id).otherwise(e -> {
        LOG.warn("undeploy failed: {}", e.toString());
        return null;
      }));
    }
    return chain
        .andThen(v -> {
          if (verifier != null) {
            verifier.close();
          }
          if (authServer != null) {
            authServer.close();
          }
        })
        .compose(v -> wafAuditLog == null ? Future.<Void>succeededFuture()
            : vertx.<Void>executeBlocking(() -> {
              wafAuditLog.close(); // writes what is queued: the gateway is undeployed, nothing more arrives
              return null;
            }, false).otherwiseEmpty())
        .compose(v -> pipelines == null ? Future.<Void>succeededFuture() : pipelines.close().otherwiseEmpty())
        .compose(v -> pool == null ? Future.<Void>succeededFuture() : pool.close().otherwiseEmpty())
        .compose(v -> searchPool == null ? Future.<Void>succeededFuture() : searchPool.close().otherwiseEmpty())
        .compose(v -> fixedShapeSearchPool == null ? Future.<Void>succeededFuture()
            : fixedShapeSearchPool.close().otherwiseEmpty())
        .compose(v -> auditPool == null ? Future.<Void>succeededFuture() : auditPool.close().otherwiseEmpty())
        .compose(v -> {
          if (redis != null && !redis.local()) {
            redis.client().close();
          }
          if (postgres == null || postgres.embedded() == null) {
            return Future.<Void>succeededFuture();
          }
          return vertx.<Void>executeBlocking(() -> {
            postgres.embedded().close();
            return null;
          }, false).otherwiseEmpty();
        })
        .eventually(vertx::close)
        .onComplete(done -> LOG.info("node {} stopped", info.id()));
  }

  /** Meter registry with latency histograms on HTTP server timings, for quantiles in Prometheus/Grafana. */
  private static PrometheusMeterRegistry meterRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        if (id.getName().startsWith("vertx.http.server.response.time")) {
          return DistributionStatisticConfig.builder().percentilesHistogram(true)
              .minimumExpectedValue((double) TimeUnit.MICROSECONDS.toNanos(100))
              .maximumExpectedValue((double) TimeUnit.SECONDS.toNanos(30))
              .build().merge(config);
        }
        return config;
      }
    });
    return registry;
  }

  public Vertx vertx() {
    return vertx;
  }

  public NodeInfo info() {
    return info;
  }

  /** The HTTP port actually bound. */
  public int httpPort() {
    return gateway.port();
  }

  public Pool pool() {
    return pool;
  }

  public PostgresServer postgres() {
    return postgres;
  }

  public RedisStore redis() {
    return redis;
  }

  /** The audit trail the data plane appends to (FHIR interactions, logins, admin actions). */
  public AuditTrail auditTrail() {
    return audit.trail();
  }

  public BastionConfig config() {
    return config;
  }
}
