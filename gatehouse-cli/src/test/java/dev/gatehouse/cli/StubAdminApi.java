package dev.gatehouse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tiny stand-in for the gateway's admin API on 127.0.0.1 (port 0), speaking the control-plane contract: the
 * services' sync endpoint (plan, apply, prune, unknown permissions), policy tests and explain. It lets the CLI's HTTP
 * side be tested before the real sync endpoint exists; the real gateway is covered by PolicyTestsIT.
 */
final class StubAdminApi implements AutoCloseable {
  static final String TOKEN = "good-token";
  private static final ObjectMapper JSON = new ObjectMapper();

  final List<String> requests = new CopyOnWriteArrayList<>();
  final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
  /** The live activities of service "demo", by "METHOD regex". */
  final Map<String, ObjectNode> live = new LinkedHashMap<>();
  volatile String spec = "";
  private final HttpServer server;

  StubAdminApi() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String line = exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath();
    requests.add(line);
    byte[] raw = exchange.getRequestBody().readAllBytes();
    if (line.equals("GET /spec.yaml")) {
      send(exchange, 200, spec);
      return;
    }
    if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
      send(exchange, 401, "{\"error\":\"unauthorized\",\"message\":\"The token is not valid.\"}");
      return;
    }
    JsonNode body = raw.length == 0 ? null : JSON.readTree(raw);
    bodies.add(body == null ? JSON.nullNode() : body);
    switch (line) {
      case "POST /gatehouse/admin/services/demo/activities/sync" -> sync(exchange, body);
      case "POST /gatehouse/admin/policy-tests" -> policyTests(exchange, body);
      case "POST /gatehouse/admin/explain" -> send(exchange, 200, "{\"allowed\":true,\"normalizedPath\":\"/api/x\","
          + "\"decidingActivity\":{\"id\":1},\"reason\":\"Activity 1 (GET /api/x) matches and is linked to view-x.\"}");
      default -> send(exchange, 404, "{\"error\":\"not_found\",\"message\":\"No admin endpoint at " + line + ".\"}");
    }
  }

  private void sync(HttpExchange exchange, JsonNode body) throws IOException {
    ObjectNode plan = JSON.createObjectNode();
    ArrayNode added = plan.putArray("added");
    ArrayNode changed = plan.putArray("changed");
    ArrayNode removed = plan.putArray("removed");
    ArrayNode unchanged = plan.putArray("unchanged");
    Map<String, ObjectNode> wanted = new LinkedHashMap<>();
    for (JsonNode activity : body.path("activities")) {
      for (JsonNode permission : activity.path("permissions")) {
        if (permission.asText().equals("no-such-permission")) {
          send(exchange, 400, "{\"error\":\"unknown_permission\",\"message\":\"There is no permission named"
              + " 'no-such-permission'. Permissions are the client roles of client 'gatehouse-permissions'.\","
              + "\"unknownPermissions\":[\"no-such-permission\"]}");
          return;
        }
      }
      wanted.put(activity.path("method").asText() + " " + activity.path("serviceRegex").asText(),
          (ObjectNode) activity);
    }
    wanted.forEach((key, activity) -> {
      ObjectNode current = live.get(key);
      if (current == null) {
        added.add(activity);
      } else if (current.equals(activity)) {
        unchanged.add(activity);
      } else {
        // As the gateway answers: the activity as it will be, the names of the changed fields, and "before".
        ObjectNode entry = activity.deepCopy();
        entry.putArray("changedFields").add("permissions");
        changed.add(entry.set("before", current));
      }
    });
    live.forEach((key, activity) -> {
      if (!wanted.containsKey(key)) {
        removed.add(activity.deepCopy().put("applied", !body.path("dryRun").asBoolean()
            && body.path("prune").asBoolean()));
      }
    });
    if (!body.path("dryRun").asBoolean()) {
      live.putAll(wanted);
      if (body.path("prune").asBoolean()) {
        live.keySet().retainAll(wanted.keySet());
      }
    }
    send(exchange, 200, plan.toString());
  }

  /** Allows admins everything and everyone else nothing; "who" user nobody is unknown. */
  private void policyTests(HttpExchange exchange, JsonNode body) throws IOException {
    ObjectNode report = JSON.createObjectNode();
    ArrayNode cases = report.putArray("cases");
    int failed = 0;
    for (JsonNode testCase : body.path("cases")) {
      ObjectNode result = ((ObjectNode) testCase).deepCopy();
      if ("nobody".equals(testCase.path("who").path("user").asText())) {
        result.putNull("actual").put("passed", false).put("reason", "Keycloak does not know user 'nobody': no such"
            + " user.");
      } else {
        boolean allowed = "admin".equals(testCase.path("who").path("role").asText());
        result.put("actual", allowed ? "allow" : "deny")
            .put("passed", (allowed ? "allow" : "deny").equals(testCase.path("expected").asText()))
            .put("reason", allowed ? "Activity 1 matches and is linked to manage-everything."
                : "No activity for " + testCase.path("method").asText() + " matching " + testCase.path("path").asText()
                + " is linked to any of the 0 permission(s) given.");
      }
      failed += result.path("passed").asBoolean() ? 0 : 1;
      cases.add(result);
    }
    report.put("passed", failed == 0).put("total", cases.size()).put("failed", failed);
    send(exchange, 200, report.toString());
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
