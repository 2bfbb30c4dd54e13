package dev.gatehouse.gateway.token;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** An immutable, never-empty set of verification keys, looked up by {@code kid}. */
public final class SigningKeys {

  private final Map<String, SigningKey> byKid;

  private SigningKeys(Map<String, SigningKey> byKid) {
    this.byKid = byKid;
  }

  /** Refuses an empty set: a verifier without keys must not exist (an empty-keyed JWT library accepts unsigned tokens). */
  public static SigningKeys of(Collection<SigningKey> keys) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("A signing key set must hold at least one key");
    }
    Map<String, SigningKey> byKid = new LinkedHashMap<>();
    for (SigningKey key : keys) {
      if (byKid.putIfAbsent(key.kid(), key) != null) {
        throw new IllegalArgumentException("Two signing keys share the kid '" + key.kid() + "'");
      }
    }
    return new SigningKeys(Map.copyOf(byKid));
  }

  public SigningKey find(String kid) {
    return byKid.get(kid);
  }

  public boolean contains(String kid) {
    return byKid.containsKey(kid);
  }

  public Set<String> kids() {
    return byKid.keySet();
  }

  public int size() {
    return byKid.size();
  }
}
