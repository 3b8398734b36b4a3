package io.bastion.fhir.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import java.util.Collection;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Versioned FHIR resource storage. Every write is one PostgreSQL transaction that updates the current
 * row and appends a history row. Failures that the client caused come back as {@link StoreException};
 * the resource bodies given to writes are already validated, and the store fills in id and meta.
 */
public interface ResourceStore {

  /** Stores a new resource under a server-assigned id, version 1. */
  Future<Written> create(String type, JsonObject resource);

  /** Stores a new resource under an id the caller chose from {@link #newId()}, version 1. */
  Future<Written> create(String type, String id, JsonObject resource);

  /** A resource for {@link #createBatch}: its type, the id the caller chose, its content. */
  record NewResource(String type, String id, JsonObject resource) {
  }

  /**
   * Stores many new resources, version 1, under the ids given, with their search-index rows, in one
   * statement (so one transaction): all or none. Meant for bulk loads (seeding): the index rows are computed
   * on the calling thread, so call it from a worker, with batches of a few hundred resources.
   *
   * @return the number of resources stored
   */
  Future<Integer> createBatch(List<NewResource> resources);

  /**
   * Stores new resources, version 1, under the ids given, with their history and search-index rows, in one
   * statement: all or none. For a transaction's run of creates (one statement instead of one per resource);
   * a failure does not say which resource caused it.
   *
   * @return what each create wrote, in the order given
   */
  Future<List<Written>> createAll(List<NewResource> resources);

  /** A fresh server id, as create would assign (transactions reserve ids before writing). */
  String newId();

  /**
   * Runs the work in one PostgreSQL transaction: the store it is given makes every write on the same
   * connection, committed when the work's future succeeds, rolled back when it fails.
   */
  <T> Future<T> inTransaction(Function<ResourceStore, Future<T>> work);

  /**
   * Runs conditional work (its search, then its write) serialised with every other conditional interaction on
   * the same criteria: in one transaction (or the caller's, when this store is bound to one) that first takes a
   * transaction-scoped advisory lock on a hash of each key, in sorted order so two transactions never wait on
   * each other. The work gets the transaction's store and connection; its search must run on that connection,
   * where each statement after the lock sees what the lock's previous holder committed (READ COMMITTED).
   *
   * @param keys the criteria's keys (type and normalised parameters); empty: just a transaction
   */
  <T> Future<T> inCriteriaLocks(Collection<String> keys, BiFunction<ResourceStore, SqlClient, Future<T>> work);

  /** The current version; fails NOT_FOUND, or GONE when the current version is a deletion. */
  Future<ResourceVersion> read(String type, String id);

  /** One version; fails NOT_FOUND, or GONE when that version is a deletion. */
  Future<ResourceVersion> vread(String type, String id, int version);

  /**
   * Replaces the resource with a new version, or creates it under the client's id when it does not exist.
   *
   * @param ifMatch the version the client believes current, or null; a mismatch fails VERSION_MISMATCH
   * @param ifNoneMatch versions that must not be current (If-None-Match), or null; a hit fails VERSION_MISMATCH
   */
  Future<Written> update(String type, String id, JsonObject resource, Integer ifMatch, NoneMatch ifNoneMatch);

  /**
   * Reads the current version under a row lock, applies the change to its JSON text and stores the
   * result as the next version, all in one transaction; an exception thrown by the change rolls back and
   * fails the future with it. The change gets the text so that it can parse it with FHIR's rules.
   */
  Future<Written> patch(String type, String id, Integer ifMatch, Function<String, JsonObject> change);

  /**
   * Deletes the resource as a new version. Deleting a deleted resource changes nothing and answers the
   * existing deletion; fails NOT_FOUND for an unknown one.
   *
   * @param ifMatch the version the client believes current, or null; a live resource at another version
   *                fails VERSION_MISMATCH
   */
  Future<ResourceVersion> delete(String type, String id, Integer ifMatch);

  /** A page of history; instance history fails NOT_FOUND for an unknown resource. */
  Future<HistoryPage> history(HistoryQuery query);
}
