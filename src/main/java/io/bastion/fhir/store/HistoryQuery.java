package io.bastion.fhir.store;

import java.time.Instant;

/**
 * A history request: system (type and id null), type (id null) or instance.
 *
 * @param since only versions last updated at or after this instant; null for all
 * @param count page size (0: no entries, just the total where there is one)
 * @param after where the previous page ended; {@link HistoryCursor#TOP} for the first page
 */
public record HistoryQuery(String type, String id, Instant since, int count, HistoryCursor after) {

  public boolean instance() {
    return id != null;
  }
}
