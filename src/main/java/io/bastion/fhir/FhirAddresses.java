package io.bastion.fhir;

/** Event-bus addresses of the FHIR capability's control plane. */
public final class FhirAddresses {

  /** Request {@code {patients, seed}} → reply {@code {patients, seed, resources, millis}} when the data is written. */
  public static final String SEED = "bastion.fhir.seed";
  /** Published while a seed runs: {@code {patients, done, resources, millis}}. */
  public static final String SEED_PROGRESS = "bastion.fhir.seed.progress";

  /** Request {@code {}} → {@code {elements, activeKey, keys: [{id, purpose, created, retired}], reencryption}}. */
  public static final String PHI_STATUS = "bastion.fhir.phi.status";
  /** Request {@code {}} → {@code {activeKey, previousKey, reencryption}}: a new data key, then re-encryption. */
  public static final String PHI_ROTATE = "bastion.fhir.phi.rotate";

  private FhirAddresses() {
  }
}
