package dev.gatehouse.gateway.login;

/** Placeholder, completed below. */
public final class LoginRoutes {
  public static final String CALLBACK = "/auth/callback";
  public static final String LOGOUT_DONE = "/auth/logout/done";
}
