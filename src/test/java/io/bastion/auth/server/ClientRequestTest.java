package io.bastion.auth.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** A client's name is shown in the dashboard and stored as text: control characters are refused up front. */
class ClientRequestTest {

  private static JsonObject named(String name) {
    return new JsonObject().put("name", name).put("scopes", "system/Observation.rs").put("generateSecret", true);
  }

  @Test
  void aNameWithAControlCharacterIsA400NotADatabaseError() {
    // over ctl (no WAF in front), a NUL reached PostgreSQL, which refuses it in text: the reply was a 500
    for (String name : new String[] {"nul\u0000byte", "line\nbreak", "\u001b[31mred"}) {
      ClientException refused = assertThrows(ClientException.class, () -> ClientRequest.fromJson(named(name)));
      assertEquals(400, refused.status());
    }
  }

  @Test
  void anOrdinaryNameIsTaken() {
    assertEquals("lab feed", ClientRequest.fromJson(named("lab feed")).name());
  }
}
