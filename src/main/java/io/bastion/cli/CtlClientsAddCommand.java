package io.bastion.cli;

import io.bastion.auth.server.ClientAddresses;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code bastion ctl clients add --name N --scopes "system/*.rs" (--jwks-file F | --jwks-uri U | --generate-secret)}:
 * registers a backend-service client and prints its client id (and, with --generate-secret, the secret,
 * shown this once).
 */
@Command(name = "add", mixinStandardHelpOptions = true,
    description = "Register an API client: private_key_jwt with a JWKS (file or URL), or a generated secret.")
final class CtlClientsAddCommand extends CtlSubcommand {

  @Option(names = "--name", required = true, description = "What the client is, e.g. \"lab results feed\".")
  String name;

  @Option(names = "--scopes", required = true, paramLabel = "SCOPES",
      description = "SMART system scopes it may request, space-separated, e.g. \"system/Patient.rs system/Observation.rs\".")
  String scopes;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Credential credential;

  static final class Credential {
    @Option(names = "--jwks-file", paramLabel = "FILE", description = "The client's public JWK Set (JSON file).")
    Path jwksFile;

    @Option(names = "--jwks-uri", paramLabel = "URL", description = "Where the client publishes its JWK Set (https).")
    String jwksUri;

    @Option(names = "--generate-secret", description = "Generate a client secret (client_secret_basic/post), printed once.")
    boolean generateSecret;
  }

  private JsonObject jwks;

  @Override
  void prepare() {
    if (credential.jwksFile != null) {
      try {
        jwks = new JsonObject(Files.readString(credential.jwksFile));
      } catch (IOException | DecodeException e) {
        throw new ParameterException(spec.commandLine(), "--jwks-file: cannot read a JSON JWK Set from " + credential.jwksFile);
      }
    }
  }

  @Override
  String address() {
    return ClientAddresses.ADD;
  }

  @Override
  JsonObject body() {
    JsonObject body = new JsonObject().put("name", name).put("scopes", scopes);
    if (jwks != null) {
      body.put("jwks", jwks);
    } else if (credential.jwksUri != null) {
      body.put("jwksUri", credential.jwksUri);
    } else {
      body.put("generateSecret", true);
    }
    return body;
  }

  @Override
  void render(JsonObject reply, PrintWriter out) {
    out.println("client_id      " + reply.getString("clientId"));
    out.println("auth method    " + reply.getString("authMethod"));
    out.println("scopes         " + String.join(" ", reply.getJsonArray("scopes").stream().map(String::valueOf).toList()));
    if (reply.getString("clientSecret") != null) {
      out.println("client_secret  " + reply.getString("clientSecret"));
      out.println("(the secret is shown this once; Bastion keeps only its hash)");
    }
  }
}
