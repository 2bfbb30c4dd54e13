package dev.gatehouse.stack;

import java.util.Map;

/**
 * Well-known secrets for local runs and tests ONLY. The production realm reads these placeholders from the
 * environment; here they get fixed, public values so that a person can copy them from the console output.
 */
public final class DevSecrets {
  public static final String GATEWAY_CLIENT_SECRET = "GATEHOUSE_GATEWAY_CLIENT_SECRET";
  public static final String REPORTING_SERVICE_SECRET = "GATEHOUSE_REPORTING_SERVICE_SECRET";
  public static final String FAKE_GOOGLE_CLIENT_SECRET = "GATEHOUSE_FAKE_GOOGLE_CLIENT_SECRET";
  public static final String MOBILE_BACKEND_SECRET = "GATEHOUSE_MOBILE_BACKEND_SECRET";

  /** Seals the gateway's login-state cookie in local runs; any 32+ byte value works, it just must not be secret. */
  public static final String LOGIN_STATE_SECRET = "dev-login-state-secret-for-local-runs-only-0001";

  private DevSecrets() {}

  public static String gatewayClientSecret() {
    return keycloakEnvironment().get(GATEWAY_CLIENT_SECRET);
  }

  public static Map<String, String> keycloakEnvironment() {
    return Map.of(
        GATEWAY_CLIENT_SECRET, "dev-gateway-secret",
        REPORTING_SERVICE_SECRET, "dev-reporting-service-secret",
        FAKE_GOOGLE_CLIENT_SECRET, "dev-fake-google-secret",
        MOBILE_BACKEND_SECRET, "dev-mobile-backend-secret");
  }
}
