package dev.gatehouse.gateway.config;

/** Where the activities live. The password is kept out of {@link #toString()}. */
public record DatabaseConfig(String host, int port, String database, String user, String password) {
  @Override
  public String toString() {
    return "DatabaseConfig[" + user + "@" + host + ":" + port + "/" + database + "]";
  }
}
