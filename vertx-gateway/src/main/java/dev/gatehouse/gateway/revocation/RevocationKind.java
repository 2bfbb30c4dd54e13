package dev.gatehouse.gateway.revocation;

/** What a row of the {@code revocations} table names; the column values of the revocation contract. */
public enum RevocationKind {
  SESSION("session"),
  SUBJECT("subject"),
  ROLE("role"),
  PERMISSION("permission"),
  CLIENT("client"),
  API_TOKEN("api_token");

  private final String column;

  RevocationKind(String column) {
    this.column = column;
  }

  public String column() {
    return column;
  }

  /** @throws IllegalArgumentException for a kind the contract does not define */
  public static RevocationKind fromColumn(String value) {
    for (RevocationKind kind : values()) {
      if (kind.column.equals(value)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown revocation kind '" + value + "'");
  }
}
