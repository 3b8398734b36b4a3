package io.bastion.fhir.search;

import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** A statement being built: SQL text plus its positional parameters, so values are never spliced in. */
final class Sql {

  private final List<Object> params = new ArrayList<>();

  /** Adds a parameter and returns its placeholder. */
  String bind(Object value) {
    params.add(value);
    return "$" + params.size();
  }

  Tuple tuple() {
    return Tuple.wrap(new ArrayList<>(params));
  }
}
