package dev.gatehouse.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.TreeSet;
import java.util.SortedSet;

/** Reads a compact JWT's payload in tests, without verifying it (the tests are about what Keycloak put in). */
public final class Jwt {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Jwt() {}

  public static JsonNode payload(String compactJwt) {
    String[] parts = compactJwt.split("\\.");
    if (parts.length != 3) {
      throw new IllegalArgumentException("Not a compact JWS: " + parts.length + " segments");
    }
    try {
      return JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalArgumentException("JWT payload is not JSON", e);
    }
  }

  /** The string elements of an array claim, or an empty set when the claim is absent. */
  public static SortedSet<String> stringSet(JsonNode claims, String name) {
    SortedSet<String> values = new TreeSet<>();
    claims.path(name).forEach(value -> values.add(value.asText()));
    return values;
  }
}
