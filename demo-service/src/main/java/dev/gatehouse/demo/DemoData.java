package dev.gatehouse.demo;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/** The example suite's fixed data. */
final class DemoData {
  private DemoData() {}

  record User(String id, String name, String email, String phone) {
    JsonObject publicView() {
      return new JsonObject().put("id", id).put("name", name);
    }
  }

  static final List<User> USERS = List.of(
      new User("1", "Ada Lovelace", "ada@example.com", "+44 20 0000 0001"),
      new User("2", "Grace Hopper", "grace@example.com", "+1 202 000 0002"),
      new User("3", "Alan Turing", "alan@example.com", "+44 20 0000 0003"));

  static final Map<String, List<String>> ROLE_USERS = Map.of(
      "fellow", List.of("1", "3"),
      "talent-manager", List.of("2"),
      "admin", List.of("2"));

  static JsonArray roles() {
    return new JsonArray(ROLE_USERS.keySet().stream().sorted()
        .map(id -> new JsonObject().put("id", id).put("members", ROLE_USERS.get(id).size())).toList());
  }

  static JsonArray list(String kind, String... names) {
    JsonArray out = new JsonArray();
    for (int i = 0; i < names.length; i++) {
      out.add(new JsonObject().put("id", String.valueOf(i + 1)).put("kind", kind).put("name", names[i]));
    }
    return out;
  }
}
