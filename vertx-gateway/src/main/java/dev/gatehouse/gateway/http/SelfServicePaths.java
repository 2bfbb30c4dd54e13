package dev.gatehouse.gateway.http;

/**
 * The caller's own view ({@code /gatehouse/me}, see {@code me.SelfServiceApi}): every verified caller may reach it,
 * so the pipeline skips the activity decision there, and only there. Credential, verification and revocation checks
 * still apply. Kept here so that the pipeline does not depend on the endpoints' package.
 */
public final class SelfServicePaths {
  public static final String MOUNT = "/gatehouse/me";

  private SelfServicePaths() {}

  public static boolean isSelfService(String path) {
    return path.equals(MOUNT) || path.startsWith(MOUNT + "/");
  }
}
