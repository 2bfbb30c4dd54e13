package dev.gatehouse.gateway.policy;

/** A conditional write found the service at another revision than the writer read: nothing was changed. */
public final class ServiceChangedException extends RuntimeException {
  private final long currentRevision;

  public ServiceChangedException(String name, long currentRevision) {
    super("Service '" + name + "' was changed since you read it; nothing was changed now. Read it again (GET),"
        + " reapply your change and send the new ETag in If-Match.");
    this.currentRevision = currentRevision;
  }

  public long currentRevision() {
    return currentRevision;
  }
}
