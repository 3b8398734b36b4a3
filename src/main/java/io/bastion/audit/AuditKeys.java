package io.bastion.audit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's Ed25519 checkpoint-signing key, and the public keys whose checkpoints it trusts.
 *
 * <p>The private key is generated at first start and kept in {@code <node.data-dir>/audit/checkpoint-signing.key}
 * (hex of the 32-byte seed, file mode 0600, directory 0700); it is never logged. Logs name the key by its
 * fingerprint. Trusted keys are this node's own plus any {@code *.pub} file (hex of a 32-byte public key) in
 * {@code <node.data-dir>/audit/trusted-keys/}: in a cluster, copy each node's
 * {@code checkpoint-signing.pub} there on the others. A key stored next to a checkpoint in the database is
 * never trusted for being there: whoever can write the table could have put it there.
 *
 * <p>Blocking (file I/O): {@link #loadOrCreate} runs on a worker thread.
 */
public final class AuditKeys {

  private static final Logger LOG = LoggerFactory.getLogger(AuditKeys.class);
  static final String PRIVATE_FILE = "checkpoint-signing.key";
  static final String PUBLIC_FILE = "checkpoint-signing.pub";
  static final String TRUSTED_DIR = "trusted-keys";

  private final Ed25519PrivateKeyParameters privateKey;
  private final byte[] publicKey;
  private final List<byte[]> trusted;

  AuditKeys(Ed25519PrivateKeyParameters privateKey, List<byte[]> extraTrusted) {
    this.privateKey = privateKey;
    this.publicKey = privateKey.generatePublicKey().getEncoded();
    List<byte[]> all = new ArrayList<>();
    all.add(publicKey);
    all.addAll(extraTrusted);
    this.trusted = List.copyOf(all);
  }

  /** Reads the key under {@code dataDir/audit}, creating it (0600) on first start. */
  public static AuditKeys loadOrCreate(Path dataDir, SecureRandom random) throws IOException {
    Path dir = dataDir.resolve("audit");
    Files.createDirectories(dir);
    restrict(dir, "rwx------");
    Path file = dir.resolve(PRIVATE_FILE);
    Ed25519PrivateKeyParameters key;
    if (Files.exists(file)) {
      key = new Ed25519PrivateKeyParameters(readHex(file, Ed25519PrivateKeyParameters.KEY_SIZE), 0);
    } else {
      key = new Ed25519PrivateKeyParameters(random);
      writeNew(file, key.getEncoded());
      LOG.info("audit: generated the checkpoint-signing key {} in {}", fingerprint(key.generatePublicKey().getEncoded()),
          dir);
    }
    byte[] publicKey = key.generatePublicKey().getEncoded();
    Files.writeString(dir.resolve(PUBLIC_FILE), HexFormat.of().formatHex(publicKey) + "\n", StandardCharsets.US_ASCII);
    List<byte[]> extra = new ArrayList<>();
    Path trustedDir = dir.resolve(TRUSTED_DIR);
    if (Files.isDirectory(trustedDir)) {
      try (Stream<Path> files = Files.list(trustedDir)) {
        for (Path pub : files.filter(p -> p.getFileName().toString().endsWith(".pub")).sorted().toList()) {
          extra.add(readHex(pub, Ed25519PublicKeyParameters.KEY_SIZE));
        }
      }
    }
    return new AuditKeys(key, extra);
  }

  /** Creates the file with mode 0600 before a byte is written, so the key is never readable by others. */
  private static void writeNew(Path file, byte[] seed) throws IOException {
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
    } catch (FileAlreadyExistsException e) {
      throw new IOException("audit signing key appeared while it was being created: " + file, e);
    }
    try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.SYNC)) {
      out.write((HexFormat.of().formatHex(seed) + "\n").getBytes(StandardCharsets.US_ASCII));
    }
  }

  private static void restrict(Path path, String mode) throws IOException {
    try {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: nothing finer to set
    }
  }

  private static byte[] readHex(Path file, int length) throws IOException {
    String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
    byte[] bytes;
    try {
      bytes = HexFormat.of().parseHex(text);
    } catch (IllegalArgumentException e) {
      throw new IOException(file + " is not a hex-encoded key", e);
    }
    if (bytes.length != length) {
      throw new IOException(file + " holds " + bytes.length + " bytes, expected " + length);
    }
    return bytes;
  }

  /** A short, loggable name for a public key: the first 16 hex digits of its SHA-256. */
  public static String fingerprint(byte[] publicKey) {
    return ChainHash.hex(ChainHash.sha256().digest(publicKey)).substring(0, 16);
  }

  public byte[] publicKey() {
    return publicKey.clone();
  }

  public byte[] sign(byte[] message) {
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, privateKey);
    signer.update(message, 0, message.length);
    return signer.generateSignature();
  }

  public boolean trusts(byte[] key) {
    return trusted.stream().anyMatch(k -> Arrays.equals(k, key));
  }

  /** Whether signature is key's Ed25519 signature of message (whatever the key; trust is separate). */
  public static boolean verify(byte[] key, byte[] message, byte[] signature) {
    if (key.length != Ed25519PublicKeyParameters.KEY_SIZE || signature.length != Ed25519PrivateKeyParameters.SIGNATURE_SIZE) {
      return false;
    }
    Ed25519Signer verifier = new Ed25519Signer();
    verifier.init(false, new Ed25519PublicKeyParameters(key, 0));
    verifier.update(message, 0, message.length);
    return verifier.verifySignature(signature);
  }

  @Override
  public String toString() {
    return "AuditKeys[" + fingerprint(publicKey) + "]"; // never the private key
  }
}
