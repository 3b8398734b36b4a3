package io.bastion.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class AesGcmBoxTest {

  private static final byte[] ROW = "bastion.table.1".getBytes(StandardCharsets.UTF_8);

  @Test
  void opensWhatItSealedAndNothingElse() throws Exception {
    SecureRandom random = new SecureRandom();
    byte[] key = new byte[32];
    random.nextBytes(key);
    AesGcmBox box = new AesGcmBox(key, random);
    byte[] secret = "a private key".getBytes(StandardCharsets.UTF_8);
    byte[] sealed = box.seal(secret, ROW);
    assertArrayEquals(secret, box.open(sealed, ROW));
    assertFalse(Arrays.equals(sealed, box.seal(secret, ROW)), "a fresh IV each time");
    assertThrows(GeneralSecurityException.class, () -> box.open(sealed, "bastion.table.2".getBytes(StandardCharsets.UTF_8)),
        "copied onto another row");
    byte[] tampered = sealed.clone();
    tampered[tampered.length - 1] ^= 1;
    assertThrows(GeneralSecurityException.class, () -> box.open(tampered, ROW));
    byte[] otherKey = key.clone();
    otherKey[0] ^= 1;
    assertThrows(GeneralSecurityException.class, () -> new AesGcmBox(otherKey, random).open(sealed, ROW));
    assertThrows(GeneralSecurityException.class, () -> box.open(new byte[5], ROW));
  }
}
