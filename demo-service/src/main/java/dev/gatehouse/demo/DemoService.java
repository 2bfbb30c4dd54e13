package dev.gatehouse.demo;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A small upstream with the example suite's endpoints under {@code /api/v1} (or another base path), described by the
 * OpenAPI document it serves at {@code <base path>/openapi.yaml}. It trusts the gateway's identity headers (it must
 * only ever be reachable through the gateway) and shows "authorized fields": a user's email and phone are returned
 * only to callers holding {@value #CONTACTS_PERMISSION}.
 */
public final class DemoService {
  public static final String CONTACTS_PERMISSION = "view-user-contacts";
  static final String IDENTITY_PREFIX = "x-auth-";

  public static final String DEFAULT_BASE_PATH = "/api/v1";
  /** The service's OpenAPI document, relative to the base path. */
  public static final String OPENAPI_PATH = "/openapi.yaml";

  private DemoService() {}

  public static Future<HttpServer> start(Vertx vertx, String host, int port) {
    return start(vertx, host, port, new String[] {DEFAULT_BASE_PATH});
  }

  /**
   * {@code basePaths}: where the API lives, {@value #DEFAULT_BASE_PATH} by default; another one lets the same service
   * be onboarded as a new service under its own route prefix (the gateway forwards the whole path). With several, the
   * same API answers under each (the local stack serves {@code /people} too, a service to onboard).
   */
  public static Future<HttpServer> start(Vertx vertx, String host, int port, String... basePaths) {
    Router router = Router.router(vertx);
    for (String basePath : basePaths) {
      addApi(router, basePath);
    }
    router.route().last().handler(ctx -> ctx.response().setStatusCode(404)
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", "not_found").put("message", "The demo service has no "
            + ctx.request().method() + " " + ctx.request().path()).encode()));
    return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port).setMaxHeaderSize(64 * 1024))
        .requestHandler(router)
        .listen();
  }

  private static void addApi(Router router, String basePath) {
    if (!basePath.matches("(/[A-Za-z0-9._~-]+)+")) {
      throw new IllegalArgumentException("The base path must look like /api/v1 (segments of letters, digits, '.',"
          + " '_', '~', '-'; no trailing '/'), not \"" + basePath + "\"");
    }
    String openApi = openApiDocument(basePath);
    router.get(basePath + OPENAPI_PATH).handler(ctx -> ctx.response()
        .putHeader("Content-Type", "application/yaml; charset=utf-8").end(openApi));
    router.route(basePath + "/echo").handler(BodyHandler.create(false).setBodyLimit(16 * 1024 * 1024));
    router.route(basePath + "/echo").handler(DemoService::echo);
    router.get(basePath + "/ws").handler(ctx -> ctx.request().toWebSocket().onSuccess(ws -> {
      ws.textMessageHandler(ws::writeTextMessage);
      ws.binaryMessageHandler(ws::writeBinaryMessage);
    }).onFailure(e -> ctx.response().setStatusCode(400).end("Send a WebSocket upgrade to " + basePath + "/ws")));
    router.get(basePath + "/roles").handler(ctx -> reply(ctx, new JsonObject().put("roles", DemoData.roles())));
    router.get(basePath + "/roles/:id/users").handler(DemoService::roleUsers);
    router.get(basePath + "/users").handler(ctx -> reply(ctx, new JsonObject().put("users",
        new JsonArray(DemoData.USERS.stream().map(u -> userView(u, permissions(ctx))).toList()))));
    router.get(basePath + "/users/:id").handler(DemoService::user);
    router.get(basePath + "/skills").handler(ctx -> reply(ctx, new JsonObject().put("skills",
        DemoData.list("skill", "Java", "Kotlin", "PostgreSQL"))));
    router.route(basePath + "/feedback").handler(BodyHandler.create(false).setBodyLimit(64 * 1024));
    router.get(basePath + "/feedback").handler(ctx -> reply(ctx, new JsonObject().put("feedback",
        DemoData.list("feedback", "Great sprint demo", "More pairing, please"))));
    router.post(basePath + "/feedback").handler(ctx -> {
      ctx.response().setStatusCode(201);
      reply(ctx, new JsonObject().put("created", true).put("receivedBytes", ctx.body().length()));
    });
    router.get(basePath + "/allocations").handler(ctx -> reply(ctx, new JsonObject().put("allocations",
        DemoData.list("allocation", "Ada → Project Atlas", "Alan → Project Borealis"))));
    router.get(basePath + "/ideas").handler(ctx -> reply(ctx, new JsonObject().put("ideas",
        DemoData.list("idea", "Guild lunches", "Internal tech radar"))));
  }

  /** The bundled OpenAPI document, its {@code servers} entry naming {@code basePath}. */
  public static String openApiDocument(String basePath) {
    try (InputStream in = DemoService.class.getResourceAsStream("/openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("openapi.yaml is missing from the demo service's jar");
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return text.replace("  - url: " + DEFAULT_BASE_PATH + "  # gatehouse-demo: base path", "  - url: " + basePath);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the demo service's openapi.yaml", e);
    }
  }

  private static void echo(RoutingContext ctx) {
    JsonObject headers = new JsonObject();
    for (String name : ctx.request().headers().names()) {
      headers.put(name.toLowerCase(Locale.ROOT), new JsonArray(ctx.request().headers().getAll(name)));
    }
    reply(ctx, new JsonObject()
        .put("method", ctx.request().method().name())
        .put("uri", ctx.request().uri())
        .put("path", ctx.request().path())
        .put("query", ctx.request().query())
        .put("headers", headers)
        .put("bodyLength", ctx.body() == null ? 0 : ctx.body().length()));
  }

  private static void roleUsers(RoutingContext ctx) {
    List<String> ids = DemoData.ROLE_USERS.get(ctx.pathParam("id"));
    if (ids == null) {
      notFound(ctx, "No role " + ctx.pathParam("id"));
      return;
    }
    Set<String> permissions = permissions(ctx);
    reply(ctx, new JsonObject().put("role", ctx.pathParam("id")).put("users", new JsonArray(DemoData.USERS.stream()
        .filter(u -> ids.contains(u.id())).map(u -> userView(u, permissions)).toList())));
  }

  private static void user(RoutingContext ctx) {
    DemoData.USERS.stream().filter(u -> u.id().equals(ctx.pathParam("id"))).findFirst().ifPresentOrElse(
        u -> reply(ctx, userView(u, permissions(ctx))),
        () -> notFound(ctx, "No user " + ctx.pathParam("id")));
  }

  /** The authorized-fields rule: contacts only for holders of {@value #CONTACTS_PERMISSION}. */
  static JsonObject userView(DemoData.User user, Set<String> permissions) {
    JsonObject view = user.publicView();
    if (permissions.contains(CONTACTS_PERMISSION)) {
      view.put("email", user.email()).put("phone", user.phone());
    }
    return view;
  }

  static Set<String> permissions(RoutingContext ctx) {
    String header = ctx.request().getHeader("X-Auth-Permissions");
    if (header == null || header.isBlank()) {
      return Set.of();
    }
    return Set.copyOf(Arrays.stream(header.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
  }

  /** Every response carries the identity the service received, so callers can see what the gateway sent. */
  private static void reply(RoutingContext ctx, JsonObject body) {
    Map<String, String> identity = new TreeMap<>();
    ctx.request().headers().forEach((name, value) -> {
      if (name.toLowerCase(Locale.ROOT).startsWith(IDENTITY_PREFIX)) {
        identity.merge(name.toLowerCase(Locale.ROOT), value, (a, b) -> a + " | " + b);
      }
    });
    body.put("identity", new JsonObject(new TreeMap<String, Object>(identity)));
    ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
  }

  private static void notFound(RoutingContext ctx, String message) {
    ctx.response().setStatusCode(404).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", "not_found").put("message", message).encode());
  }
}
