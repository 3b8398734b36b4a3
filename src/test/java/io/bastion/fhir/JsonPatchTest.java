package io.bastion.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 6902 operations, pointer escaping, atomicity and the 400/422 split, table-driven where it can be. */
class JsonPatchTest {

  private static final JsonObject DOC = new JsonObject(
      "{\"a\":1,\"b\":{\"c\":[\"x\",\"y\"]},\"d/e\":2,\"f~g\":3,\"n\":1.50}");

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "add member           | [{\"op\":\"add\",\"path\":\"/z\",\"value\":true}]                 | /z          | true",
      "add replaces member  | [{\"op\":\"add\",\"path\":\"/a\",\"value\":5}]                    | /a          | 5",
      "add into array       | [{\"op\":\"add\",\"path\":\"/b/c/1\",\"value\":\"q\"}]            | /b/c        | [\"x\",\"q\",\"y\"]",
      "append with dash     | [{\"op\":\"add\",\"path\":\"/b/c/-\",\"value\":\"z\"}]            | /b/c        | [\"x\",\"y\",\"z\"]",
      "remove array item    | [{\"op\":\"remove\",\"path\":\"/b/c/0\"}]                       | /b/c        | [\"y\"]",
      "replace              | [{\"op\":\"replace\",\"path\":\"/a\",\"value\":{\"k\":1}}]        | /a          | {\"k\":1}",
      "escaped slash        | [{\"op\":\"replace\",\"path\":\"/d~1e\",\"value\":9}]             | /d~1e       | 9",
      "escaped tilde        | [{\"op\":\"replace\",\"path\":\"/f~0g\",\"value\":8}]             | /f~0g       | 8",
      "move                 | [{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/b/a\"}]             | /b/a        | 1",
      "copy                 | [{\"op\":\"copy\",\"from\":\"/b/c\",\"path\":\"/copy\"}]          | /copy       | [\"x\",\"y\"]",
      "test then add        | [{\"op\":\"test\",\"path\":\"/a\",\"value\":1.0},{\"op\":\"add\",\"path\":\"/t\",\"value\":1}] | /t | 1",
      "test decimal by value| [{\"op\":\"test\",\"path\":\"/n\",\"value\":1.5},{\"op\":\"add\",\"path\":\"/t\",\"value\":2}] | /t | 2",
  })
  void appliesOperations(String name, String patch, String pointer, String expected) {
    JsonObject result = JsonPatch.parse(new JsonArray(patch)).apply(DOC);
    Object actual = at(result, pointer);
    Object want = new JsonArray("[" + expected + "]").getValue(0);
    assertTrue(JsonPatch.jsonEquals(want, actual), name + ": " + actual);
  }

  @Test
  void removeAndMoveDropTheSource() {
    JsonObject removed = JsonPatch.parse(new JsonArray("[{\"op\":\"remove\",\"path\":\"/b\"}]")).apply(DOC);
    assertEquals(false, removed.containsKey("b"));
    JsonObject moved = JsonPatch.parse(new JsonArray("[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/z\"}]")).apply(DOC);
    assertEquals(false, moved.containsKey("a"));
    assertEquals(1, moved.getInteger("z"));
  }

  @Test
  void failedOperationLeavesTheInputUntouchedAndIs422() {
    JsonObject input = DOC.copy();
    FhirException failure = assertThrows(FhirException.class, () -> JsonPatch.parse(new JsonArray(
        "[{\"op\":\"add\",\"path\":\"/added\",\"value\":1},{\"op\":\"test\",\"path\":\"/a\",\"value\":2}]")).apply(input));
    assertEquals(422, failure.status());
    assertTrue(failure.getMessage().contains("test failed"));
    assertEquals(DOC, input);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "missing member       | [{\"op\":\"remove\",\"path\":\"/nope\"}]",
      "replace missing      | [{\"op\":\"replace\",\"path\":\"/nope\",\"value\":1}]",
      "index out of bounds  | [{\"op\":\"add\",\"path\":\"/b/c/3\",\"value\":1}]",
      "leading zero index   | [{\"op\":\"remove\",\"path\":\"/b/c/01\"}]",
      "parent missing       | [{\"op\":\"add\",\"path\":\"/x/y\",\"value\":1}]",
      "test mismatch        | [{\"op\":\"test\",\"path\":\"/b/c\",\"value\":[\"y\",\"x\"]}]",
      "copy from missing    | [{\"op\":\"copy\",\"from\":\"/q\",\"path\":\"/r\"}]",
      "replace root by array| [{\"op\":\"replace\",\"path\":\"\",\"value\":[1]}]",
  })
  void unapplicablePatchesAre422(String name, String patch) {
    FhirException failure = assertThrows(FhirException.class, () -> JsonPatch.parse(new JsonArray(patch)).apply(DOC));
    assertEquals(422, failure.status(), name);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "unknown op           | [{\"op\":\"merge\",\"path\":\"/a\"}]",
      "missing path         | [{\"op\":\"remove\"}]",
      "pointer without slash| [{\"op\":\"remove\",\"path\":\"a\"}]",
      "bad escape           | [{\"op\":\"remove\",\"path\":\"/a~2\"}]",
      "add without value    | [{\"op\":\"add\",\"path\":\"/a\"}]",
      "move without from    | [{\"op\":\"move\",\"path\":\"/a\"}]",
      "move into child      | [{\"op\":\"move\",\"from\":\"/b\",\"path\":\"/b/c/0\"}]",
      "operation not object | [1]",
  })
  void malformedPatchDocumentsAre400(String name, String patch) {
    FhirException failure = assertThrows(FhirException.class, () -> JsonPatch.parse(new JsonArray(patch)));
    assertEquals(400, failure.status(), name);
  }

  @Test
  void documentMustBeAnArray() {
    assertEquals(400, assertThrows(FhirException.class, () -> JsonPatch.parse(new JsonObject())).status());
  }

  @Test
  void nullValuesAreValuesAndTestComparesObjectsUnordered() {
    JsonObject result = JsonPatch.parse(new JsonArray("[{\"op\":\"add\",\"path\":\"/z\",\"value\":null},"
        + "{\"op\":\"test\",\"path\":\"/b\",\"value\":{\"c\":[\"x\",\"y\"]}}]")).apply(DOC);
    assertTrue(result.containsKey("z"));
  }

  private static Object at(JsonObject document, String pointer) {
    Object current = document;
    for (String raw : pointer.substring(1).split("/")) {
      String token = raw.replace("~1", "/").replace("~0", "~");
      current = current instanceof JsonObject o ? o.getValue(token) : ((JsonArray) current).getValue(Integer.parseInt(token));
    }
    return current;
  }
}
