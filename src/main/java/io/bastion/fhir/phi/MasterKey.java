package io.bastion.fhir.phi;

/**
 * Wraps and unwraps the data keys that encrypt PHI, so the keys stored in PostgreSQL are useless without
 * it. {@link LocalMasterKey} holds the key in the process; a KMS (Vault transit, AWS KMS, …) plugs in here
 * by implementing these two calls against its API.
 */
public interface MasterKey {

  /** The wrapped form of a data key; the key id is bound to it as associated data. */
  byte[] wrap(String keyId, byte[] dataKey);

  /** The data key; throws {@link PhiKeyException} when this master key did not wrap it. */
  byte[] unwrap(String keyId, byte[] wrapped);
}
