package io.bastion.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;

/** Identity of this node and where it keeps its files. */
public record NodeConfig(String id, Path dataDir) {

  static NodeConfig read(ConfigReader r) {
    String id = r.string("node.id");
    if (id.isEmpty()) {
      id = hostName();
    } else if (!id.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
      r.problem("node.id", id, "letters, digits, '.', '_' or '-', at most 63 characters");
    }
    String dir = r.string("node.data-dir");
    if (dir.isEmpty()) {
      r.problem("node.data-dir", dir, "a directory path");
      dir = "./data";
    }
    return new NodeConfig(id, Path.of(dir).toAbsolutePath().normalize());
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "bastion";
    }
  }
}
