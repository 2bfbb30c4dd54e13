package dev.gatehouse.gateway.config;

import dev.gatehouse.gateway.forwarded.TrustedProxies;
import java.util.List;

/**
 * The configuration section the upstream proxy receives, and nothing else: the configured routes, the upstream pool,
 * the identity contract, and who may say where a request came from. Validated with the whole configuration.
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
    TrustedProxies trustedProxies) {}
