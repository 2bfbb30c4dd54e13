package dev.gatehouse.gateway.policy;

/** A conditional write found the activity at another revision than the writer read: nothing was changed. */
public final class ActivityChangedException extends RuntimeException {
  private final long currentRevision;

  public ActivityChangedException(long id, long currentRevision) {
    super("Activity " + id + " was changed since you read it; nothing was changed now. Read it again (GET), reapply"
        + " your change and send the new ETag in If-Match.");
    this.currentRevision = currentRevision;
  }

  public long currentRevision() {
    return currentRevision;
  }
}
