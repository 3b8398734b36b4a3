package io.bastion.testsupport;

import java.io.IOException;
import java.net.ServerSocket;

/** A TCP port that was free a moment ago, for servers that cannot report the port they bound. */
public final class FreePort {

  private FreePort() {
  }

  public static int next() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
