package dev.gatehouse.cli;

/** The exit codes of every command; scripts and CI rely on them (README, "Command line"). */
public final class ExitCode {
  /** Done; policy tests all passed; {@code --check} found no drift. */
  public static final int OK = 0;
  /** A policy test failed, or {@code import-openapi --check} found the live activities differ from the spec. */
  public static final int FAILED = 1;
  /** Bad command line (unknown option, missing argument): picocli's own code. */
  public static final int USAGE = 2;
  /** Input refused: an invalid spec or table, or the gateway refused the request (400, 404, 409, 412). */
  public static final int REFUSED = 3;
  /** The token is missing, invalid (401) or lacks the permission (403). */
  public static final int NOT_AUTHORIZED = 4;
  /** The gateway (or Keycloak behind it) could not be reached or answered 5xx: try again later. */
  public static final int UNAVAILABLE = 5;

  private ExitCode() {}
}
