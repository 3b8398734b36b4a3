package io.bastion.fhir.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
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

  /** A fresh server id, as create would assign (transactions reserve ids before writing). */
  String newId();

  /**
   * Runs the work in one PostgreSQL transaction: the store it is given makes every write on the same
   * connection, committed when the work's future succeeds, rolled back when it fails.
   */
  <T> Future<T> inTransaction(Function<ResourceStore, Future<T>> work);

  /** The current version; fails NOT_FOUND, or GONE when the current version is a deletion. */
  Future<ResourceVersion> read(String type, String id);

  /** One version; fails NOT_FOUND, or GONE when that version is a deletion. */
  Future<ResourceVersion> vread(String type, String id, int version);

  /**
   * Replaces the resource with a new version, or creates it under the client's id when it does not exist.
   *
   * @param ifMatch the version the client believes current, or null; a mismatch fails VERSION_MISMATCH
   */
  Future<Written> update(String type, String id, JsonObject resource, Integer ifMatch);

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
