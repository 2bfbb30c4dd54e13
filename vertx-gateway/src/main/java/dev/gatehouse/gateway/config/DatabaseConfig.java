package dev.gatehouse.gateway.config;

/** Where the activities live. The password is kept out of {@link #toString()}. */
public record DatabaseConfig(String host, int port, String database, String user, String password) {
  @Override
  public String toString() {
    return "DatabaseConfig[" + user + "@" + host + ":" + port + "/" + database + "]";
  }

  static DatabaseConfig read(SettingsReader in) {
    return new DatabaseConfig(
        in.string("database.host", "127.0.0.1", false),
        (int) in.number("database.port", 5432, 1, 65535),
        in.string("database.database", "gatehouse", false),
        in.string("database.user", "gatehouse", false),
        password(in));
  }

  /** Never echoed in a problem. */
  private static String password(SettingsReader in) {
    Object value = in.raw("database.password");
    if (value == null) {
      return "";
    }
    if (!(value instanceof String s)) {
      in.problem("database.password", "(hidden)", "a string");
      return "";
    }
    return s;
  }
}
