package dev.gatehouse.it.bench.floor;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.DeploymentOptions;
import io.vertx.httpproxy.HttpProxy;

/**
 * The framework's own floor for the proxy benchmark, run as its own JVM: a bare Vert.x 5 server piping to a Vert.x
 * client ({@code pipe}), or vertx-http-proxy with no interceptor ({@code http-proxy}). No routing, metrics or auth:
 * what any Vert.x proxy pays before doing anything of its own. Same transport, pool size and instances per core as
 * the gateway. Usage: {@code FloorProxy pipe|http-proxy <port> <upstreamPort>}.
 */
public final class FloorProxy {
  private FloorProxy() {}

  public static void main(String[] args) {
    String mode = args[0];
    int port = Integer.parseInt(args[1]);
    int upstreamPort = Integer.parseInt(args[2]);
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
    vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        HttpClient client = vertx.httpClientBuilder().with(new HttpClientOptions().setKeepAlive(true))
            .with(new PoolOptions().setHttp1MaxSize(64)).build();
        Handler<HttpServerRequest> handler = mode.equals("pipe") ? request -> pipe(client, request, upstreamPort)
            : HttpProxy.reverseProxy(client).origin(upstreamPort, "127.0.0.1");
        return vertx.createHttpServer().requestHandler(handler).listen(port, "127.0.0.1");
      }
    }, new DeploymentOptions().setInstances(instances))
        .onSuccess(id -> System.out.println("floor " + mode + " listening on " + port + " (native transport "
            + vertx.isNativeTransportEnabled() + ", " + instances + " instances)"))
        .onFailure(failure -> {
          failure.printStackTrace();
          System.exit(1);
        });
  }

  private static void pipe(HttpClient client, HttpServerRequest request, int upstreamPort) {
    request.pause();
    client.request(new RequestOptions().setMethod(request.method()).setURI(request.uri()).setHost("127.0.0.1")
        .setPort(upstreamPort)).onComplete(opened -> {
          HttpServerResponse response = request.response();
          if (opened.failed()) {
            response.setStatusCode(502).end();
            return;
          }
          var upstream = opened.result();
          upstream.headers().setAll(request.headers());
          upstream.response().onComplete(answered -> {
            if (answered.failed()) {
              response.setStatusCode(502).end();
              return;
            }
            var upstreamResponse = answered.result();
            response.setStatusCode(upstreamResponse.statusCode());
            response.headers().setAll(upstreamResponse.headers());
            upstreamResponse.pipeTo(response);
          });
          request.pipeTo(upstream);
        });
  }
}
