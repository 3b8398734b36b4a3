package io.bastion.load;

/** Event-bus addresses of the load capability (bound when the capability lands). */
public final class LoadAddresses {

  public static final String START = "bastion.load.start";
  public static final String STOP = "bastion.load.stop";
  public static final String STATUS = "bastion.load.status";
  public static final String PROGRESS = "bastion.load.progress";

  private LoadAddresses() {
  }
}
