package io.bastion.fhir.search;

import io.bastion.fhir.FhirException;
import io.bastion.fhir.phi.PhiProtection;
import io.bastion.fhir.search.SearchRequest.Total;
import io.bastion.fhir.search.SearchResult.Entry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link SearchService} on PostgreSQL. A page is one statement: the criteria as semi-joins on the index
 * tables, ordered by the sort keys and res_pk, started after the cursor, limited to _count + 1 (the extra
 * row says whether there is a next page). Totals and includes are further statements run after it.
 */
public final class PgSearchService implements SearchService {

  /** SQLSTATE of a statement cancelled, here by the search pools' statement_timeout. */
  private static final String QUERY_CANCELED = "57014";

  private static final String COLUMNS = "r.res_pk, r.res_type, r.res_id, r.version, r.last_updated, r.content::text AS content";

  /** The most resources _include and _revinclude add to one page: bounds the memory a page needs. */
  public static final int MAX_INCLUDED = 1000;

  /** The pool, or a transaction's connection ({@link #on}). */
  private final SqlClient pool;
  /**
   * Where pages driven by an ordered prefix stream run ({@link Statement#fixedShape}): a pool whose sessions
   * plan each statement once, generically, or the same client as {@link #pool}.
   */
  private final SqlClient fixedShapePages;
  private final int maxIncluded;
  private final PhiProtection phi;
  /**
   * postgres.search-timeout-seconds in ms, set on a transaction's connection before its first search: the search
   * pools carry it as a session setting, a transaction's connection comes from the main pool, which does not
   * (seeding and index builds run longer). 0: the session's own setting.
   */
  private final long transactionTimeoutMs;
  /** Whether {@link #pool} is a transaction's connection ({@link #on}) rather than a search pool. */
  private final boolean onTransaction;
  /** The statement that made the transaction's session a search session, once the first search has sent it. */
  private Future<Void> searchSession;

  /** @param maxIncluded the most resources _include and _revinclude add to one page */
  public PgSearchService(Pool pool, int maxIncluded) {
    this(pool, maxIncluded, PhiProtection.NONE);
  }

  /** @param phi how search values meet encrypted PHI (blind indexes, shifted dates) and how matches are revealed */
  public PgSearchService(Pool pool, int maxIncluded, PhiProtection phi) {
    this(pool, pool, maxIncluded, phi);
  }

  /**
   * @param pool sessions planning each statement for its values ({@code plan_cache_mode = force_custom_plan}):
   *     the choice of driving index depends on them
   * @param fixedShapePages sessions planning each statement once ({@code force_generic_plan}), for the pages
   *     whose SQL already fixes how they are driven (see {@link Statement#fixedShape})
   */
  public PgSearchService(Pool pool, Pool fixedShapePages, int maxIncluded, PhiProtection phi) {
    this(pool, fixedShapePages, maxIncluded, phi, 0);
  }

  /**
   * @param transactionTimeoutMs the longest a statement of a transaction may run once the transaction has searched
   *     ({@link #on}), as the search pools' statement_timeout bounds their statements; 0 for no bound
   */
  public PgSearchService(Pool pool, Pool fixedShapePages, int maxIncluded, PhiProtection phi, long transactionTimeoutMs) {
    this((SqlClient) pool, (SqlClient) fixedShapePages, maxIncluded, phi, transactionTimeoutMs, false);
  }

  private PgSearchService(SqlClient client, SqlClient fixedShapePages, int maxIncluded, PhiProtection phi,
      long transactionTimeoutMs, boolean onTransaction) {
    this.pool = client;
    this.fixedShapePages = fixedShapePages;
    this.maxIncluded = maxIncluded;
    this.phi = phi;
    this.transactionTimeoutMs = transactionTimeoutMs;
    this.onTransaction = onTransaction;
  }

  @Override
  public SearchService on(SqlClient connection) {
    // a transaction's searches see its own writes: everything on its connection
    return new PgSearchService(connection, connection, maxIncluded, phi, transactionTimeoutMs, true);
  }

  /**
   * Gives the transaction this service is bound to what the search pools' sessions have, before its first search
   * (conditional interactions, transaction Bundles): the statement timeout, so a search that would run for minutes
   * does not hold the transaction, its criteria locks and a main-pool connection while it does; and custom plans, so a
   * search statement the connection has cached is not run with a generic plan (see Node). {@code set_config(...,
   * true)} lasts until the transaction ends: the statements it runs after the search are bounded too. Called only
   * when {@link #onTransaction}, on the request's context, one search at a time.
   */
  private Future<Void> asSearchSession() {
    if (searchSession == null) {
      searchSession = pool.preparedQuery("SELECT set_config('statement_timeout',"
              + " coalesce($1, current_setting('statement_timeout')), true),"
              + " set_config('plan_cache_mode', 'force_custom_plan', true)")
          .execute(Tuple.of(transactionTimeoutMs > 0 ? transactionTimeoutMs + "ms" : null)).mapEmpty();
    }
    return searchSession;
  }

  @Override
  public Future<SearchResult> search(SearchRequest request) {
    // a search pool's search (the hot path) goes straight on: no future composed for a transaction's settings
    return onTransaction ? asSearchSession().compose(v -> searchNow(request)) : searchNow(request);
  }

  private Future<SearchResult> searchNow(SearchRequest request) {
    boolean countOnly = request.summary() == SearchRequest.Summary.COUNT;
    Future<List<Row>> page = countOnly || request.count() == 0 ? Future.succeededFuture(List.of()) : page(request);
    Total total = countOnly ? Total.ACCURATE : request.total();
    return page.compose(rows -> {
      List<Entry> matches = new ArrayList<>();
      String next = null;
      for (Row row : rows) {
        if (matches.size() == request.count()) {
          Entry last = matches.get(matches.size() - 1);
          List<String> keys = new ArrayList<>();
          Row lastRow = rows.get(matches.size() - 1);
          for (int k = 0; k < request.sort().size(); k++) {
            keys.add(lastRow.getString("c" + k));
          }
          next = new SearchCursor(keys, last.pk()).encode();
          break;
        }
        matches.add(entry(row));
      }
      String nextCursor = next;
      Future<Long> counted;
      boolean firstPageHoldsAll = next == null && request.cursor() == null && !countOnly && request.count() > 0;
      if (total == Total.ACCURATE) {
        counted = count(request);
      } else if (firstPageHoldsAll) {
        counted = Future.succeededFuture((long) matches.size()); // exact, and free
      } else if (total == Total.ESTIMATE) {
        // the planner's figure comes from statistics that may be stale (a table not yet analysed says 1 row): never
        // fewer than this page shows, and one more when a next page follows
        long atLeast = matches.size() + (next == null ? 0 : 1);
        counted = estimate(request).map(estimated -> Math.max(estimated, atLeast));
      } else {
        counted = Future.succeededFuture(null);
      }
      Future<List<Entry>> included = includes(request, matches);
      return Future.all(counted, included).map(done ->
          new SearchResult(matches, included.result(), nextCursor, counted.result()));
    }).recover(PgSearchService::mapFailure);
  }

  private Future<List<Row>> page(SearchRequest request) {
    Statement page = pageStatement(request, phi);
    SqlClient client = page.fixedShape() ? fixedShapePages : pool;
    return client.preparedQuery(page.sql()).execute(page.params()).map(PgSearchService::list);
  }

  /**
   * A statement and its parameters.
   *
   * @param fixedShape whether the SQL itself fixes the plan's shape, whatever the values: a page driven by an
   *     ordered prefix stream ({@link IndexCriterion#orderedPks}) reads that stream in res_pk order and probes
   *     the other criteria per candidate until the page is full or a budget is spent, then hashes them for the
   *     later candidates ({@link #orderedPage}). Planning it for each request's values costs
   *     as much PostgreSQL time as running it (~0.3-0.6 ms against ~0.4 ms on 100,000 patients) and yields
   *     the same plan, so it may be planned once per connection; other pages may not, as the best driving
   *     index depends on the values (docs/fhir.md, SQL)
   */
  record Statement(String sql, Tuple params, boolean fixedShape) {

    Statement(String sql, Tuple params) {
      this(sql, params, false);
    }
  }

  /** The page query of a search (package-private so the plan test can EXPLAIN exactly what runs). */
  static Statement pageStatement(SearchRequest request, PhiProtection phi) {
    Sql sql = new Sql(phi);
    if (request.sort().isEmpty() && drivenByIndex(request)) {
      PairedIndex pair = PairedIndex.of(request.type(), request.criteria());
      return pair != null ? pairedPage(request, sql, pair) : indexDrivenPage(request, sql);
    }
    String where = where(request, sql);
    String text;
    if (request.sort().isEmpty()) {
      String after = request.cursor() == null ? "" : " AND r.res_pk > " + sql.bind(request.cursor().resourcePk());
      // the page's res_pks first, then their content: only the rows returned are read and detoasted
      text = "SELECT " + COLUMNS + " FROM (SELECT r.res_pk AS pk FROM fhir_resource r WHERE " + where + after
          + " ORDER BY r.res_pk LIMIT " + sql.bind(request.count() + 1) + ") p JOIN fhir_resource r ON r.res_pk = p.pk"
          + " ORDER BY p.pk";
    } else {
      StringBuilder keys = new StringBuilder();
      StringBuilder order = new StringBuilder();
      StringBuilder outerOrder = new StringBuilder();
      StringBuilder cursorColumns = new StringBuilder();
      for (int k = 0; k < request.sort().size(); k++) {
        SortKey key = request.sort().get(k);
        keys.append(", ").append(key.expression(sql)).append(" AS k").append(k);
        String direction = key.descending() ? " DESC NULLS LAST" : " ASC NULLS LAST";
        order.append("q.k").append(k).append(direction).append(", ");
        outerOrder.append("p.k").append(k).append(direction).append(", ");
        cursorColumns.append(", p.k").append(k).append("::text AS c").append(k);
      }
      String after = request.cursor() == null ? "" : " WHERE " + keyset(request, sql);
      text = "SELECT " + COLUMNS + cursorColumns + " FROM (SELECT q.* FROM (SELECT r.res_pk AS pk" + keys
          + " FROM fhir_resource r WHERE " + where + ") q" + after + " ORDER BY " + order + "q.pk LIMIT "
          + sql.bind(request.count() + 1) + ") p JOIN fhir_resource r ON r.res_pk = p.pk ORDER BY " + outerOrder + "p.pk";
    }
    return new Statement(text, sql.tuple());
  }

  /** Whether every criterion is on index rows: then the page can be found in the index tables alone. */
  private static boolean drivenByIndex(SearchRequest request) {
    return !request.criteria().isEmpty() && request.criteria().stream().allMatch(c -> c instanceof IndexCriterion);
  }

  /**
   * The page found in the index tables, the resource rows read only for the page itself: one criterion's
   * index rows (the first that can be read in res_pk order, see {@link #orderedPage}, else the first), the others as
   * semi-joins on them. Index rows exist only for live resources of
   * their own type, so no candidate needs a visit to fhir_resource (a probe per candidate, each a heap visit
   * on recently written pages); the planner still picks which criterion to scan first and which to probe.
   */
  private static Statement indexDrivenPage(SearchRequest request, Sql sql) {
    List<Criterion> criteria = new ArrayList<>(request.criteria());
    IndexCriterion ordered = firstOrdered(criteria);
    if (ordered != null) {
      criteria.remove(ordered);
      return orderedPage(request, sql, ordered, criteria);
    }
    StringBuilder page = new StringBuilder("SELECT d.res_pk AS pk FROM ")
        .append(((IndexCriterion) criteria.remove(0)).rows(sql, "d"));
    if (request.cursor() != null) {
      page.append(" AND d.res_pk > ").append(sql.bind(request.cursor().resourcePk()));
    }
    for (Criterion criterion : criteria) {
      page.append(" AND ").append(criterion.sql(sql, "d"));
    }
    // a resource with several matching rows (two names starting alike) counts once
    page.append(" GROUP BY d.res_pk ORDER BY d.res_pk LIMIT ").append(sql.bind(request.count() + 1));
    return new Statement(withResources(page), sql.tuple(), false);
  }

  /**
   * A page answered by a {@link PairedIndex} alone (Patient?family=smith&birthdate=ge1990): the pair's rows of
   * the string criterion's value, the date criteria checked on the same rows, read in res_pk order as the
   * string criterion's own rows would be ({@link IndexCriterion#orderedPks}: the exact value's rows from the
   * index in res_pk order, merged with the longer values' sorted) and cut after the page. Every check is on
   * the index tuple, so a late birth date costs a scan of the value's index entries (~2,000 for a common
   * family, a few dozen pages) instead of a probe of the date index per candidate. The SQL fixes the plan
   * ({@link Statement#fixedShape}).
   */
  private static Statement pairedPage(SearchRequest request, Sql sql, PairedIndex pair) {
    IndexCriterion string = null;
    List<Criteria.RowCondition> dates = new ArrayList<>();
    for (Criterion criterion : request.criteria()) {
      IndexCriterion index = (IndexCriterion) criterion;
      if (index.parameter().code().equals(pair.string())) {
        string = index;
      } else {
        dates.add(index.condition());
      }
    }
    IndexCriterion.Ordered split = string.ordered() != null ? string.ordered()
        : new IndexCriterion.Ordered(string.condition(), null);
    Criteria.RowCondition date = (s, i) -> {
      StringBuilder all = new StringBuilder();
      for (Criteria.RowCondition d : dates) {
        all.append(all.length() == 0 ? "(" : " AND (").append(d.sql(s, i)).append(')');
      }
      return all.toString();
    };
    IndexCriterion paired = new IndexCriterion(
        new SearchParameter(pair.type(), pair.name(), SearchParamType.STRING, null, null, List.of(), List.of()),
        PairedIndex.TABLE, and(string.condition(), date),
        new IndexCriterion.Ordered(and(split.equal(), date), split.rest() == null ? null : and(split.rest(), date)));
    String after = request.cursor() == null ? null : sql.bind(request.cursor().resourcePk());
    // a resource with several matching rows (two names starting alike) counts once
    String page = "SELECT c.res_pk AS pk FROM " + paired.orderedPks(sql, after, "") + " c GROUP BY c.res_pk"
        + " ORDER BY c.res_pk LIMIT " + sql.bind(request.count() + 1);
    return new Statement(withResources(page), sql.tuple(), true);
  }

  private static Criteria.RowCondition and(Criteria.RowCondition a, Criteria.RowCondition b) {
    return (sql, i) -> "(" + a.sql(sql, i) + ") AND (" + b.sql(sql, i) + ")";
  }

  private static String withResources(CharSequence page) {
    return "SELECT " + COLUMNS + " FROM (" + page + ") p JOIN fhir_resource r ON r.res_pk = p.pk"
        + " WHERE NOT r.deleted ORDER BY p.pk";
  }

  /**
   * How many of an ordered stream's candidates a page probes one by one before it matches the rest by hashing
   * (see {@link #orderedPage}): 24 per row of the page, so the hashing is for matches rarer than ~1 in 24
   * candidates. An index probe costs ~2 µs and hashing ~0.25 µs per row read (the other criterion's matching
   * rows and the later candidates); on 100,000 patients (families of ~2,000), an estimate from those costs put
   * the mean and the 99th percentile of the page's work, over birth dates spread as the patients' own, lowest
   * near this bound (docs/benchmarks.md, branch searchpat2).
   */
  static int probeBudget(int count) {
    return 24 * (count + 1);
  }

  /**
   * A page driven by an ordered prefix stream, in two parts whose results are disjoint and in res_pk order:
   * <ol>
   * <li>the stream's first {@link #probeBudget} candidates in res_pk order, each probed for the other criteria
   *     (an index-only probe per candidate) until the page is full: with common matches (family=smith&
   *     birthdate=ge1986) the page ends after a few dozen probes;
   * <li>only when those leave the page short, every later candidate (res_pk after the budget's last one), the
   *     other criteria matched by hashing their rows once ({@link IndexCriterion#hashedSql}) instead of a probe
   *     per candidate: with rare matches (a birth date in the last 1% of the range) the page would otherwise
   *     probe all ~2,000 candidates of a family (~5 ms), where hashing the ~1,000 later birth dates and the
   *     remaining candidates costs under a millisecond.
   * </ol>
   * A page driven by one reference target ({@link IndexCriterion.Ordered#probeOthers}) probes in both parts: its
   * candidates are one patient's resources, few against the other criteria's rows (a code's 50,000), so hashing
   * those would cost more than probing every candidate, which is what a plan for the values did before.
   * The second part runs only when the first leaves the page short: it is gated by the count of the first
   * part's rows (materialised, at most a page), a one-time filter that skips it entirely otherwise. Both parts
   * are fixed by the SQL (the second by res_pk + 0), so the statement runs on generic plans
   * ({@link Statement#fixedShape}).
   */
  private static Statement orderedPage(SearchRequest request, Sql sql, IndexCriterion ordered, List<Criterion> others) {
    String after = request.cursor() == null ? null : sql.bind(request.cursor().resourcePk());
    String limit = sql.bind(request.count() + 1);
    int budget = probeBudget(request.count());
    StringBuilder probed = new StringBuilder("SELECT d.res_pk AS pk FROM ")
        .append(ordered.orderedPks(sql, after, "LIMIT " + sql.bind(budget))).append(" d WHERE true");
    // a parameter on several row names (StoredRows) merges a stream per name, each estimated apart: the sum
    // made the planner hash every later birth date rather than probe the budget's candidates, so probe them
    boolean probe = ordered.ordered().probeOthers() || ordered.parameter().rows().names(sql.phi()).size() > 1;
    for (Criterion criterion : others) {
      probed.append(" AND ").append(probe && criterion instanceof IndexCriterion index
          ? index.probedSql(sql, "d") : criterion.sql(sql, "d"));
    }
    // a resource with several matching rows (two names starting alike) counts once
    probed.append(" GROUP BY d.res_pk ORDER BY d.res_pk LIMIT ").append(limit);
    // its matches in no particular order (res_pk + 0: no index order to keep, so nothing favours probing in
    // res_pk order over hashing), sorted with the first part's under the page's limit
    StringBuilder hashed = new StringBuilder("SELECT x.res_pk + 0 AS pk FROM ").append(ordered.rows(sql, "x"))
        .append(" AND x.res_pk > (SELECT s.res_pk FROM ")
        .append(ordered.orderedPks(sql, after, "OFFSET " + sql.bind(budget - 1) + " LIMIT 1")).append(" s)");
    for (Criterion criterion : others) {
      hashed.append(" AND ").append(!(criterion instanceof IndexCriterion index) ? criterion.sql(sql, "x")
          : ordered.ordered().probeOthers() ? index.probedSql(sql, "x") : index.hashedSql(sql, "x"));
    }
    hashed.append(" AND (SELECT count(*) FROM probed) < ").append(limit).append(" GROUP BY 1");
    String page = "WITH probed AS MATERIALIZED (" + probed + ") SELECT u.pk FROM (SELECT probed.pk FROM probed UNION ALL "
        + hashed + ") u ORDER BY u.pk LIMIT " + limit;
    return new Statement(withResources(page), sql.tuple(), true);
  }

  /**
   * The first criterion whose index rows can be read in res_pk order, a string prefix before a reference target,
   * or null.
   */
  private static IndexCriterion firstOrdered(List<Criterion> criteria) {
    IndexCriterion target = null;
    for (Criterion criterion : criteria) {
      if (criterion instanceof IndexCriterion index && index.ordered() != null) {
        if (!index.ordered().probeOthers()) {
          return index; // a prefix stream first: such pages were driven by it before references could be
        }
        target = target == null ? index : target;
      }
    }
    return target;
  }

  /** Rows strictly after the cursor in (k0, k1, …, pk) order, each key ascending or descending, nulls last. */
  private static String keyset(SearchRequest request, Sql sql) {
    SearchCursor cursor = request.cursor();
    StringBuilder any = new StringBuilder("(");
    StringBuilder equalSoFar = new StringBuilder();
    for (int k = 0; k < request.sort().size(); k++) {
      SortKey key = request.sort().get(k);
      String column = "q.k" + k;
      String value = cursor.keys().get(k);
      if (value != null) {
        String bound = "(" + sql.bind(value) + "::text)::" + key.castType();
        any.append(equalSoFar).append('(').append(column).append(key.descending() ? " < " : " > ").append(bound)
            .append(" OR ").append(column).append(" IS NULL) OR ");
        equalSoFar.append(column).append(" = ").append(bound).append(" AND ");
      } else {
        equalSoFar.append(column).append(" IS NULL AND ");
      }
    }
    return any.append(equalSoFar).append("q.pk > ").append(sql.bind(cursor.resourcePk())).append(')').toString();
  }

  private static String where(SearchRequest request, Sql sql) {
    StringBuilder where = new StringBuilder("r.res_type = ").append(sql.bind(request.type())).append(" AND NOT r.deleted");
    for (Criterion criterion : request.criteria()) {
      where.append(" AND ").append(criterion.sql(sql, "r"));
    }
    return where.toString();
  }

  private Future<Long> count(SearchRequest request) {
    Sql sql = new Sql(phi);
    String where = where(request, sql);
    return pool.preparedQuery("SELECT count(*) AS total FROM fhir_resource r WHERE " + where).execute(sql.tuple())
        .map(rows -> rows.iterator().next().getLong("total"));
  }

  /** The planner's row estimate for the criteria: cheap, and exact enough to size a result. */
  private Future<Long> estimate(SearchRequest request) {
    Sql sql = new Sql(phi);
    String where = where(request, sql);
    return pool.preparedQuery("EXPLAIN (FORMAT JSON) SELECT 1 FROM fhir_resource r WHERE " + where).execute(sql.tuple())
        .map(rows -> {
          Object plan = rows.iterator().next().getValue(0);
          JsonArray array = plan instanceof JsonArray a ? a : new JsonArray(plan.toString());
          return array.getJsonObject(0).getJsonObject("Plan").getLong("Plan Rows");
        });
  }

  private Future<List<Entry>> includes(SearchRequest request, List<Entry> matches) {
    if (matches.isEmpty() || (request.includes().isEmpty() && request.revincludes().isEmpty())) {
      return Future.succeededFuture(List.of());
    }
    Map<Long, Entry> seen = new LinkedHashMap<>();
    matches.forEach(m -> seen.put(m.pk(), m));
    Map<Long, Entry> included = new LinkedHashMap<>();
    return round(request, matches, false, seen, included)
        .compose(first -> round(request, first, true, seen, included))
        .map(v -> List.copyOf(included.values()));
  }

  /** Applies the includes (the first round: all that start from the sources' type; then only :iterate). */
  private Future<List<Entry>> round(SearchRequest request, List<Entry> sources, boolean iterateOnly,
      Map<Long, Entry> seen, Map<Long, Entry> included) {
    List<Future<List<Row>>> queries = new ArrayList<>();
    for (Include include : request.includes()) {
      if (!iterateOnly || include.iterate()) {
        List<Entry> from = sources.stream().filter(e -> e.type().equals(include.sourceType())).toList();
        if (!from.isEmpty()) {
          queries.add(forward(include, from));
        }
      }
    }
    for (Include include : request.revincludes()) {
      if (!iterateOnly || include.iterate()) {
        List<Entry> to = sources.stream()
            .filter(e -> include.targetType() == null || e.type().equals(include.targetType())).toList();
        if (!to.isEmpty()) {
          queries.add(reverse(include, to));
        }
      }
    }
    if (queries.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return Future.all(queries).map(done -> {
      List<Entry> added = new ArrayList<>();
      for (Future<List<Row>> query : queries) {
        for (Row row : query.result()) {
          Entry entry = entry(row);
          if (included.size() < maxIncluded && !seen.containsKey(entry.pk())) {
            seen.put(entry.pk(), entry);
            included.put(entry.pk(), entry);
            added.add(entry);
          }
        }
      }
      return added;
    });
  }

  private Future<List<Row>> forward(Include include, List<Entry> from) {
    Long[] pks = from.stream().map(Entry::pk).toArray(Long[]::new);
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM fhir_resource r WHERE NOT r.deleted AND (r.res_type, r.res_id)"
        + " IN (SELECT i.target_type, i.target_id FROM fhir_idx_reference i WHERE i.res_pk = ANY($1::bigint[])"
        + " AND i.res_type = $2 AND i.name = ANY($3::text[]) AND ($4::text IS NULL OR i.target_type = $4::text)"
        + " AND ($6::text IS NULL OR i.target_type = $6::text)) LIMIT $5")
        .execute(Tuple.of(pks, include.sourceType(), rowNames(include), include.targetType(), maxIncluded,
            include.parameter().rows().targetType()))
        .map(PgSearchService::list);
  }

  private Future<List<Row>> reverse(Include include, List<Entry> to) {
    String[] types = to.stream().map(Entry::type).toArray(String[]::new);
    String[] ids = to.stream().map(Entry::id).toArray(String[]::new);
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM fhir_resource r WHERE NOT r.deleted AND r.res_pk IN"
        + " (SELECT i.res_pk FROM fhir_idx_reference i JOIN unnest($1::text[], $2::text[]) AS g(gt, gi)"
        + " ON i.target_id = g.gi AND i.target_type = g.gt WHERE i.res_type = $3 AND i.name = ANY($4::text[])"
        + " AND ($6::text IS NULL OR i.target_type = $6::text)) LIMIT $5")
        .execute(Tuple.of(types, ids, include.sourceType(), rowNames(include), maxIncluded,
            include.parameter().rows().targetType()))
        .map(PgSearchService::list);
  }

  /** The names of the index rows holding the included reference parameter's values (StoredRows). */
  private String[] rowNames(Include include) {
    return include.parameter().rows().names(phi).toArray(String[]::new);
  }

  @Override
  public Future<SearchResult> everything(String patientId, boolean withPatient, List<String[]> links, Instant since,
      long afterPk, int count) {
    return onTransaction ? asSearchSession().compose(v -> everythingNow(patientId, withPatient, links, since, afterPk, count))
        : everythingNow(patientId, withPatient, links, since, afterPk, count);
  }

  private Future<SearchResult> everythingNow(String patientId, boolean withPatient, List<String[]> links, Instant since,
      long afterPk, int count) {
    String[] types = links.stream().map(l -> l[0]).toArray(String[]::new);
    String[] names = links.stream().map(l -> l[1]).toArray(String[]::new);
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM fhir_resource r WHERE NOT r.deleted AND r.res_pk > $1"
        + " AND ($7::timestamptz IS NULL OR r.last_updated >= $7) AND ("
        + "($6 AND r.res_type = 'Patient' AND r.res_id = $2) OR r.res_pk IN (SELECT i.res_pk FROM fhir_idx_reference i"
        + " JOIN unnest($3::text[], $4::text[]) AS c(ct, cn) ON i.res_type = c.ct AND i.name = c.cn"
        + " WHERE i.target_id = $2 AND i.target_type = 'Patient')) ORDER BY r.res_pk LIMIT $5")
        .execute(Tuple.of(afterPk, patientId, types, names, count + 1, withPatient,
            since == null ? null : OffsetDateTime.ofInstant(since, ZoneOffset.UTC)))
        .map(rows -> {
          List<Entry> page = new ArrayList<>();
          for (Row row : rows) {
            page.add(entry(row));
          }
          String next = null;
          if (page.size() > count) {
            page = new ArrayList<>(page.subList(0, count));
            next = Long.toString(page.get(page.size() - 1).pk());
          }
          return new SearchResult(page, List.of(), next, null);
        }).recover(PgSearchService::mapFailure);
  }

  private static List<Row> list(RowSet<Row> rows) {
    List<Row> out = new ArrayList<>(rows.size());
    rows.forEach(out::add);
    return out;
  }

  private Entry entry(Row row) {
    String type = row.getString("res_type");
    String id = row.getString("res_id");
    return new Entry(row.getLong("res_pk"), type, id, row.getInteger("version"),
        row.getOffsetDateTime("last_updated").toInstant(), phi.reveal(type, id, row.getString("content")));
  }

  /**
   * A forged cursor whose key text PostgreSQL cannot cast, or a value out of its range: the client's fault. A
   * statement stopped by the search pools' {@code statement_timeout}: too costly, like the other search bounds
   * (a retry would cost PostgreSQL as much again, so no 503).
   */
  private static <T> Future<T> mapFailure(Throwable failure) {
    if (failure instanceof PgException pg && pg.getSqlState() != null) {
      if (pg.getSqlState().startsWith("22")) {
        return Future.failedFuture(FhirException.of(400, "value",
            "a search value or page token is out of range for its type; check the values or start from the first page"));
      }
      if (QUERY_CANCELED.equals(pg.getSqlState())) {
        return Future.failedFuture(FhirException.of(400, "too-costly",
            "the search ran longer than postgres.search-timeout-seconds allows and was stopped; narrow it with more"
                + " selective criteria or a smaller _count"));
      }
    }
    return Future.failedFuture(failure);
  }

}
