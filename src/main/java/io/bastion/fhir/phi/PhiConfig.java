package io.bastion.fhir.phi;

import io.bastion.config.ConfigReader;
import io.bastion.config.NodeConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * PHI encryption at rest ({@code phi.*}).
 *
 * @param enabled encrypt the configured elements of every stored resource
 * @param masterKey the master key from configuration, or null to use {@code masterKeyFile}
 * @param masterKeyFile where the master key is read from (and created at first start)
 * @param elements {@code name} (a primitive element with this name, anywhere) or {@code parent.child}
 *     (the string {@code child} of every object under {@code parent}, anywhere)
 * @param reencryptBatch resources re-encrypted per statement after a key rotation
 */
public record PhiConfig(boolean enabled, byte[] masterKey, Path masterKeyFile, List<String> elements,
    int reencryptBatch) {

  private static final String ELEMENT = "[a-zA-Z][a-zA-Z0-9]*(\\.[a-zA-Z][a-zA-Z0-9]*)?";

  public static PhiConfig read(ConfigReader r, NodeConfig node) {
    boolean enabled = r.bool("phi.encryption");
    byte[] key = null;
    String text = r.string("phi.master-key");
    if (!text.isEmpty()) {
      try {
        key = LocalMasterKey.decode(text, "phi.master-key");
      } catch (PhiKeyException e) {
        r.problem("phi.master-key", "<" + text.length() + " characters>", "base64 of exactly 32 bytes, or empty");
      }
    }
    String file = r.string("phi.master-key-file");
    Path keyFile = file.isEmpty() ? node.dataDir().resolve("phi-master.key") : Path.of(file).toAbsolutePath();
    List<String> elements = new ArrayList<>();
    for (String element : r.list("phi.elements")) {
      if (element.matches(ELEMENT)) {
        elements.add(element);
      } else {
        r.problem("phi.elements", element, "an element name (birthDate) or parent.child (identifier.value)");
      }
    }
    return new PhiConfig(enabled, key, keyFile, List.copyOf(elements),
        r.integer("phi.reencrypt-batch", 10, 10_000));
  }

  @Override
  public String toString() {
    return "PhiConfig[enabled=" + enabled + ", masterKey=" + (masterKey == null ? "file " + masterKeyFile : "<redacted>")
        + ", elements=" + elements + "]";
  }
}
