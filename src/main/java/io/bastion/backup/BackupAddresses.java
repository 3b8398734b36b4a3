package io.bastion.backup;

/** Event-bus addresses of the backup capability (bound when the capability lands). */
public final class BackupAddresses {

  public static final String RUN = "bastion.backup.run";
  public static final String LIST = "bastion.backup.list";
  public static final String VERIFY = "bastion.backup.verify";
  public static final String RESTORE = "bastion.backup.restore";
  public static final String PROGRESS = "bastion.backup.progress";

  private BackupAddresses() {
  }
}
