package dev.gatehouse.stack.keycloak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The realms a Keycloak instance imports, read from realm-config/: the production realm, optionally with the dev
 * overlay merged in and the stand-in {@code fake-google} realm added.
 */
public final class RealmFiles {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<ObjectNode> realms;

  private RealmFiles(List<ObjectNode> realms) {
    this.realms = List.copyOf(realms);
  }

  /** The production realm only, exactly as committed. */
  public static RealmFiles production(Path realmConfigDir) {
    return new RealmFiles(List.of(read(realmConfigDir.resolve("gatehouse-realm.json"))));
  }

  /** Production realm + dev overlay + the fake-google stand-in: what local runs and tests import. */
  public static RealmFiles development(Path realmConfigDir) {
    ObjectNode production = read(realmConfigDir.resolve("gatehouse-realm.json"));
    ObjectNode overlay = read(realmConfigDir.resolve("dev/gatehouse-realm.overlay.json"));
    List<ObjectNode> realms = new ArrayList<>();
    realms.add(read(realmConfigDir.resolve("dev/fake-google-realm.json")));
    realms.add(RealmOverlay.apply(production, overlay));
    return new RealmFiles(realms);
  }

  /** Returns a copy with one more overlay merged onto the realm of that name (tests use this for fixtures). */
  public RealmFiles withOverlay(String realmName, ObjectNode overlay) {
    List<ObjectNode> merged = new ArrayList<>();
    boolean found = false;
    for (ObjectNode realm : realms) {
      if (realmName.equals(realm.path("realm").asText())) {
        merged.add(RealmOverlay.apply(realm, overlay));
        found = true;
      } else {
        merged.add(realm);
      }
    }
    if (!found) {
      throw new IllegalArgumentException("No realm named '" + realmName + "' to overlay; have " + names());
    }
    return new RealmFiles(merged);
  }

  public List<String> names() {
    return realms.stream().map(realm -> realm.path("realm").asText()).toList();
  }

  /** Writes one {@code <realm>-realm.json} per realm into Keycloak's import directory. */
  public void writeTo(Path importDir) {
    try {
      Files.createDirectories(importDir);
      for (ObjectNode realm : realms) {
        Path file = importDir.resolve(realm.path("realm").asText() + "-realm.json");
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), realm);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write realm files to " + importDir, e);
    }
  }

  private static ObjectNode read(Path file) {
    try {
      JsonNode node = JSON.readTree(file.toFile());
      if (!(node instanceof ObjectNode object) || !object.hasNonNull("realm")) {
        throw new IllegalStateException(file + " is not a realm export: expected a JSON object with a \"realm\" name.");
      }
      return object;
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read realm file " + file + ": " + e.getMessage(), e);
    }
  }
}
