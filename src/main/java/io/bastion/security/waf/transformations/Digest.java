package io.bastion.security.waf.transformations;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** {@code t:sha1} and {@code t:md5}: the binary digest of the value, one char per byte. */
public final class Digest implements Transformation {

  private final String algorithm;

  public Digest(String algorithm) {
    this.algorithm = algorithm;
  }

  @Override
  public String transform(String in) {
    try {
      byte[] d = MessageDigest.getInstance(algorithm).digest(in.getBytes(StandardCharsets.ISO_8859_1));
      return new String(d, StandardCharsets.ISO_8859_1);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is part of every JRE", e);
    }
  }
}
