package dev.gatehouse.gateway.proxy;

import dev.gatehouse.gateway.config.RouteConfig;
import dev.gatehouse.gateway.credential.Credential;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/** What the proxy must send for one authorised request: where, exactly which target, and as whom. */
record ForwardPlan(
    RouteConfig route,
    String pathAndQuery,
    Map<String, String> identity,
    Credential credential,
    String clientAddress,
    String scheme,
    String host,
    RoutingContext context,
    UpstreamSilence silence) {}
