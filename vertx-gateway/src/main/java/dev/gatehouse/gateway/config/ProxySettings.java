package dev.gatehouse.gateway.config;

import dev.gatehouse.gateway.forwarded.TrustedProxies;
import dev.gatehouse.gateway.policy.ServiceRules;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The configuration section the upstream proxy receives, and nothing else: the configured routes ({@code routes}),
 * the upstream pool ({@code upstream.*}), the identity contract ({@code identity.*}), and who may say where a request
 * came from ({@code trustedProxies}). {@code maxHeaderBytes} and {@code cookieName} are the server's and the token's
 * values, repeated here so that the proxy needs no other section.
 */
public record ProxySettings(
    List<RouteConfig> routes,
    long connectTimeoutMillis,
    int poolSize,
    int maxWaitQueue,
    int maxHeaderBytes,
    String identityHeaderPrefix,
    int maxIdentityHeaderBytes,
    String cookieName,
    TrustedProxies trustedProxies) {

  public ProxySettings {
    routes = List.copyOf(routes);
  }

  static ProxySettings read(SettingsReader in, int maxHeaderBytes, String cookieName) {
    List<RouteConfig> routes = routes(in);
    int poolSize = (int) in.number("upstream.poolSize", 64, 1, 10_000);
    int maxWaitQueue = (int) in.number("upstream.maxWaitQueue", 1_000, 0, 1_000_000);
    long connectTimeout = in.number("upstream.connectTimeoutMillis", 2_000, 1, 60_000);
    String identityPrefix = in.string("identity.headerPrefix", "X-Auth-", false);
    if (identityPrefix != null && !identityPrefix.matches("[A-Za-z0-9-]+-")) {
      in.problem("identity.headerPrefix", identityPrefix, "a header-name prefix ending in '-', such as \"X-Auth-\"");
    }
    int maxIdentityBytes = (int) in.number("identity.maxHeaderBytes", 32 * 1024, 1024, 1024 * 1024);
    TrustedProxies trustedProxies = TlsSettings.trustedProxies(in);
    return new ProxySettings(routes, connectTimeout, poolSize, maxWaitQueue, maxHeaderBytes, identityPrefix,
        maxIdentityBytes, cookieName, trustedProxies);
  }

  private static List<RouteConfig> routes(SettingsReader in) {
    JsonArray array = in.array("routes");
    List<RouteConfig> routes = new ArrayList<>();
    if (array == null || array.isEmpty()) {
      if (array != null || in.raw("routes") == null) {
        in.problem("routes", in.raw("routes"),
            "at least one route {\"prefix\": \"/api\", \"upstream\": \"http://host:port\"} (or GATEHOUSE_ROUTES)");
      }
      return routes;
    }
    Set<String> prefixes = new HashSet<>();
    for (int i = 0; i < array.size(); i++) {
      String key = "routes[" + i + "]";
      if (!(array.getValue(i) instanceof JsonObject route)) {
        in.problem(key, array.getValue(i), "an object with \"prefix\" and \"upstream\"");
        continue;
      }
      SettingsReader rin = new SettingsReader(new JsonObject().put(key, route), Map.of());
      String prefix = rin.string(key + ".prefix", null, true);
      String upstream = rin.string(key + ".upstream", null, true);
      long timeout = rin.number(key + ".timeoutMillis", 30_000, 1, 600_000);
      String caFile = rin.string(key + ".caFile", null, false);
      in.problems().addAll(rin.problems());
      if (prefix != null && !ServiceRules.validPrefix(prefix)) {
        in.problem(key + ".prefix", prefix,
            "a normalised path prefix: starts with '/', no trailing '/', no '.' or '..' segments, no '?', '#', '%' or '//'");
      } else if (prefix != null && !prefixes.add(prefix)) {
        in.problem(key + ".prefix", prefix, "a prefix not used by another route");
      }
      URI upstreamUri = upstream == null ? null : upstreamUrl(in, key + ".upstream", upstream);
      Path upstreamCa = null;
      if (upstreamUri != null && "https".equals(upstreamUri.getScheme())) {
        upstreamCa = TlsSettings.upstreamCaFile(in, key + ".caFile", caFile, in.string("upstream.caFile", null, false));
      } else if (caFile != null) {
        in.problem(key + ".caFile", caFile, "no CA bundle on an http upstream (it is only used for https)");
      }
      if (prefix != null && upstreamUri != null) {
        routes.add(new RouteConfig(prefix, upstreamUri, timeout, upstreamCa));
      }
    }
    return routes;
  }

  private static URI upstreamUrl(SettingsReader in, String key, String value) {
    URI uri = in.httpUrl(key, value);
    if (uri == null) {
      return null;
    }
    boolean bare = (uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))
        && uri.getRawQuery() == null && uri.getRawFragment() == null && uri.getRawUserInfo() == null;
    if (!bare) {
      in.problem(key, value, "only scheme, host and port (the request path is forwarded unchanged), e.g. \"http://10.0.0.5:8080\"");
      return null;
    }
    return URI.create(uri.getScheme() + "://" + uri.getRawAuthority());
  }
}
