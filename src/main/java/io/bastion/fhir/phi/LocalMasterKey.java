package io.bastion.fhir.phi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A master key held by the process: from {@code phi.master-key} (config or BASTION_PHI_MASTER_KEY), or
 * read from {@code phi.master-key-file}, which is created with a new random key (mode 0600) on first
 * start so a fresh node encrypts from its first write. Keep that file out of database backups: a dump
 * plus the key is plaintext again.
 */
public final class LocalMasterKey implements MasterKey {

  private static final Logger LOG = LoggerFactory.getLogger(LocalMasterKey.class);

  private final SecretKeySpec key;
  private final SecureRandom random;

  public LocalMasterKey(byte[] key, SecureRandom random) {
    if (key.length != Aes256Gcm.KEY_BYTES) {
      throw new PhiKeyException("the PHI master key must be 32 bytes (base64 of 32 random bytes)");
    }
    this.key = new SecretKeySpec(key, "AES");
    this.random = random;
  }

  /** The configured key, else the key file's, else a new key written to the key file. Blocking (file I/O). */
  public static LocalMasterKey resolve(PhiConfig config, SecureRandom random) {
    if (config.masterKey() != null) {
      return new LocalMasterKey(config.masterKey(), random);
    }
    Path file = config.masterKeyFile();
    try {
      if (!Files.exists(file)) {
        byte[] fresh = new byte[Aes256Gcm.KEY_BYTES];
        random.nextBytes(fresh);
        Files.createDirectories(file.toAbsolutePath().getParent());
        try {
          Files.writeString(Files.createFile(file, PosixFilePermissions.asFileAttribute(
              PosixFilePermissions.fromString("rw-------"))), Base64.getEncoder().encodeToString(fresh) + "\n",
              StandardCharsets.US_ASCII, StandardOpenOption.WRITE);
          LOG.warn("PHI master key generated in {}: back it up apart from the database (without it, encrypted "
              + "fields cannot be read; with a dump, they can)", file);
        } catch (FileAlreadyExistsException raced) {
          // another process created it between the check and the create: use theirs
        }
      }
      return new LocalMasterKey(decode(Files.readString(file, StandardCharsets.US_ASCII).trim(), file.toString()),
          random);
    } catch (IOException e) {
      throw new PhiKeyException("cannot read or create the PHI master key file " + file + ": " + e.getMessage(), e);
    }
  }

  static byte[] decode(String base64, String where) {
    try {
      byte[] key = Base64.getDecoder().decode(base64);
      if (key.length != Aes256Gcm.KEY_BYTES) {
        throw new PhiKeyException(where + ": the PHI master key must be base64 of 32 bytes, not " + key.length);
      }
      return key;
    } catch (IllegalArgumentException e) {
      throw new PhiKeyException(where + ": the PHI master key is not base64", e);
    }
  }

  @Override
  public byte[] wrap(String keyId, byte[] dataKey) {
    return Aes256Gcm.seal(key, random, aad(keyId), dataKey);
  }

  @Override
  public byte[] unwrap(String keyId, byte[] wrapped) {
    try {
      return Aes256Gcm.open(key, aad(keyId), wrapped);
    } catch (PhiKeyException e) {
      throw new PhiKeyException("PHI data key " + keyId + " does not open under this master key: is "
          + "phi.master-key (or the key file) the one this database was encrypted with?", e);
    }
  }

  private static byte[] aad(String keyId) {
    return ("bastion-phi-key:" + keyId).getBytes(StandardCharsets.UTF_8);
  }
}
