package io.bastion.fhir.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The rows of one resource: duplicates dropped as the JSON rows' keys once dropped them, two views of the same rows. */
class IndexRowsTest {

  private static final String A = IndexRows.ABSENT;

  @Test
  void aRowGivenTwiceIsKeptOnce() {
    IndexRows rows = new IndexRows();
    rows.add(IndexRows.STRING, new String[] {"name", "smith", "Smith"});
    rows.add(IndexRows.STRING, new String[] {"name", "smith", "Smith"});
    rows.add(IndexRows.STRING, new String[] {"family", "smith", "Smith"});
    rows.add(IndexRows.STRING, new String[] {"name", "smith", "SMITH"});
    rows.add(IndexRows.TOKEN, new String[] {"name", "smith", "Smith", null});
    assertEquals(3, rows.count(IndexRows.STRING));
    assertEquals(1, rows.count(IndexRows.TOKEN));
  }

  @Test
  void nullAndTheTextNullCompareEqualAsTheyAlwaysDid() {
    IndexRows rows = new IndexRows();
    rows.add(IndexRows.TOKEN, new String[] {"identifier", null, "42", null});
    rows.add(IndexRows.TOKEN, new String[] {"identifier", "null", "42", null});
    rows.add(IndexRows.TOKEN, new String[] {"identifier", "urn:x", "42", null});
    assertEquals(2, rows.count(IndexRows.TOKEN));
    assertArrayEquals(new String[] {null, "urn:x"}, rows.column(IndexRows.TOKEN, 1));
  }

  @Test
  void compositeRowsLeaveTheirAbsentColumnsOutOfTheJsonAndNullInTheArrays() {
    IndexRows rows = new IndexRows();
    String[] date = {"code-value-date", "http://loinc.org", "8302-2", A, A, A, "2020-01-01T00:00:00Z", "2020-01-01T23:59:59.999999Z", A};
    rows.add(IndexRows.COMPOSITE, date);
    rows.add(IndexRows.COMPOSITE, date.clone());
    rows.add(IndexRows.COMPOSITE, new String[] {"code-value-string", null, "x", A, A, A, A, A, "text"});
    rows.add(IndexRows.DATE, new String[] {"birthdate", "1970-01-01T00:00:00Z", "1970-01-01T23:59:59.999999Z"});
    assertEquals(2, rows.count(IndexRows.COMPOSITE));
    assertEquals((1 << IndexRows.COMPOSITE) | (1 << IndexRows.DATE), rows.tables());
    assertArrayEquals(new String[] {null, "text"}, rows.column(IndexRows.COMPOSITE, 8));
    assertArrayEquals(new String[] {"2020-01-01T00:00:00Z", null}, rows.column(IndexRows.COMPOSITE, 6));
    assertEquals(new JsonObject()
        .put("date", new JsonArray().add(new JsonObject().put("n", "birthdate").put("l", "1970-01-01T00:00:00Z")
            .put("h", "1970-01-01T23:59:59.999999Z")))
        .put("composite", new JsonArray()
            .add(new JsonObject().put("n", "code-value-date").put("s", "http://loinc.org").put("c", "8302-2")
                .put("vl", "2020-01-01T00:00:00Z").put("vh", "2020-01-01T23:59:59.999999Z"))
            .add(new JsonObject().put("n", "code-value-string").putNull("s").put("c", "x").put("vt", "text"))),
        rows.json());
    assertEquals(new JsonObject(), new IndexRows().json());
    assertEquals(0, new IndexRows().tables());
  }
}
