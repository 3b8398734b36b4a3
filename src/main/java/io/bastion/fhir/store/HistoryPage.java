package io.bastion.fhir.store;

import java.util.List;

/**
 * One page of history, newest first.
 *
 * @param next  where the next page starts; null on the last page
 * @param total number of matching versions, for instance history only (null otherwise: counting a whole
 *              type's history costs a scan)
 */
public record HistoryPage(List<ResourceVersion> entries, HistoryCursor next, Integer total) {
}
