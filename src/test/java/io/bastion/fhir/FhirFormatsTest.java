package io.bastion.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Accept (q-values, wildcards, specificity), _format and Content-Type decisions, table-driven. */
class FhirFormatsTest {

  @ParameterizedTest(name = "Accept: {0}")
  @CsvSource(delimiter = '|', nullValues = "NONE", value = {
      "NONE                                             | application/fhir+json",
      "application/fhir+json                            | application/fhir+json",
      "application/json                                 | application/json",
      "application/json+fhir                            | application/fhir+json",
      "*/*                                              | application/fhir+json",
      "text/html,application/xhtml+xml,*/*;q=0.8        | application/fhir+json",
      "application/json;q=0.9, application/fhir+json    | application/fhir+json",
      "application/fhir+json;q=0.5, application/json    | application/json",
      "application/fhir+xml                             | application/fhir+xml",
      "application/fhir+json;q=0                        | NONE",
      "text/plain, application/xml                      | application/xml",
      "text/xml                                         | text/xml",
      "text/*                                           | text/xml",
      "image/png, text/plain                            | NONE",
      "application/fhir+xml;q=1.0, application/xml+fhir;q=0.9 | application/fhir+xml",
      "application/fhir+json;q=1.0, application/json+fhir;q=0.9 | application/fhir+json",
      "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8 | application/xml",
      "application/fhir+json;q=0.8, application/fhir+xml;q=0.9 | application/fhir+xml",
      "application/fhir+xml, application/fhir+json      | application/fhir+json",
      "application/fhir+json;q=0, */*                   | application/fhir+xml",
      "application/fhir+xml;q=0, application/*          | application/fhir+json",
      "application/*;q=0.5, application/fhir+xml;q=0.4  | application/fhir+json",
      "application/fhir+xml;q=abc, application/json;q=0.1 | application/json",
  })
  void accept(String accept, String expected) {
    assertEquals(expected, FhirFormats.fromAccept(accept));
  }

  @ParameterizedTest(name = "_format={0}")
  @CsvSource(delimiter = '|', nullValues = "NONE", value = {
      "json                  | application/fhir+json",
      "application/fhir+json | application/fhir+json",
      "application/json      | application/json",
      "xml                   | application/fhir+xml",
      "XML                   | application/fhir+xml",
      "application/fhir+xml  | application/fhir+xml",
      "application/fhir xml  | application/fhir+xml",
      "application/xml+fhir  | application/fhir+xml",
      "application/xml       | application/xml",
      "text/xml              | text/xml",
      "application/fhir+json;charset=utf-8 | application/fhir+json",
      "turtle                | NONE",
      "html                  | NONE",
  })
  void format(String format, String expected) {
    assertEquals(expected, FhirFormats.fromFormat(format));
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', nullValues = "NONE", value = {
      "POST  | application/fhir+json                 | 10 | true",
      "POST  | application/json; charset=utf-8       | 10 | true",
      "PUT   | application/fhir+json;charset=\"UTF-8\" | 10 | true",
      "POST  | NONE                                  | 0  | true",
      "POST  | NONE                                  | 10 | false",
      "POST  | application/fhir+xml                  | 10 | true",
      "PUT   | application/xml                       | 10 | true",
      "POST  | text/xml; charset=utf-8               | 10 | true",
      "POST  | application/xml+fhir                  | 10 | true",
      "POST  | application/fhir+xml; charset=latin1  | 10 | false",
      "PATCH | application/fhir+xml                  | 10 | false",
      "POST  | text/plain                            | 10 | false",
      "POST  | application/json; charset=latin1      | 10 | false",
      "PATCH | application/json-patch+json           | 10 | true",
      "PATCH | application/fhir+json                 | 10 | false",
  })
  void contentType(String method, String contentType, String length, boolean accepted) {
    String problem = FhirFormats.checkContentType(HttpMethod.valueOf(method), contentType, length);
    if (accepted) {
      assertNull(problem);
    } else {
      assertNotNull(problem);
    }
  }
}
