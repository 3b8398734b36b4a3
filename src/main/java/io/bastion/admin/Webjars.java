package io.bastion.admin;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Finds a WebJar's classpath folder from its Maven metadata, so the pom alone decides the version. */
final class Webjars {

  private Webjars() {
  }

  static String path(String npmName) {
    String pom = "META-INF/maven/org.webjars.npm/" + npmName + "/pom.properties";
    try (InputStream in = Webjars.class.getClassLoader().getResourceAsStream(pom)) {
      if (in == null) {
        throw new IllegalStateException("webjar missing from the classpath: " + npmName);
      }
      Properties props = new Properties();
      props.load(in);
      return "META-INF/resources/webjars/" + npmName + "/" + props.getProperty("version");
    } catch (IOException e) {
      throw new IllegalStateException("webjar metadata unreadable: " + npmName, e);
    }
  }
}
