package dev.gatehouse.stack.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Two tiny web apps on one loopback server, told apart by the {@code Host} header: {@code app1.<parent>} and
 * {@code app2.<parent>}. Each page asks the gateway who is signed in ({@code /auth/whoami}) and calls one API
 * path through it, both with the shared {@code jwt-token} cookie ({@code credentials: 'include'}), and offers login
 * and logout links that come back to the page. Static HTML: the point is what the browser does with the cookie.
 */
public final class LocalApps implements AutoCloseable {
  /** The API paths the pages call: the first needs view-roles (every user has it), the second view-users. */
  public static final String OPEN_API_PATH = "/api/v1/roles";
  public static final String GUARDED_API_PATH = "/api/v1/users";

  private final Vertx vertx;
  private final int port;
  private final String parentDomain;

  private LocalApps(Vertx vertx, int port, String parentDomain) {
    this.vertx = vertx;
    this.port = port;
    this.parentDomain = parentDomain;
  }

  /** @param gatewayUrl the gateway as browsers reach it, e.g. {@code http://api.gatehouse.test:8000} */
  public static LocalApps start(int port, String parentDomain, String gatewayUrl) {
    Vertx vertx = Vertx.vertx();
    try {
      HttpServer server = vertx.createHttpServer().requestHandler(request -> {
        String host = request.authority() == null ? "" : request.authority().host().toLowerCase(Locale.ROOT);
        String app = host.endsWith("." + parentDomain) ? host.substring(0, host.length() - parentDomain.length() - 1) : "";
        if (!app.matches("app[12]") || !"GET".equals(request.method().name())) {
          request.response().setStatusCode(404).putHeader("Content-Type", "text/plain")
              .end("Open http://app1." + parentDomain + ":" + request.localAddress().port() + "/ or app2.\n");
          return;
        }
        String self = "http://" + host + ":" + request.localAddress().port() + "/";
        request.response()
            .putHeader("Content-Type", "text/html; charset=utf-8")
            .putHeader("Cache-Control", "no-store")
            .end(page(app, self, gatewayUrl));
      }).listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      return new LocalApps(vertx, server.actualPort(), parentDomain);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException("The demo web apps did not start on 127.0.0.1:" + port + ": " + e.getMessage(), e);
    }
  }

  public int port() {
    return port;
  }

  /** Where a browser opens the app, e.g. {@code http://app1.gatehouse.test:8002/}. */
  public String url(String app) {
    return "http://" + app + "." + parentDomain + ":" + port + "/";
  }

  static String page(String app, String self, String gatewayUrl) {
    String back = URLEncoder.encode(self, StandardCharsets.UTF_8);
    return """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>%1$s</title>
        <style>body{font-family:sans-serif;margin:2em;max-width:50em} pre{background:#f4f4f4;padding:.5em}</style>
        </head>
        <body>
        <h1 id="app">%1$s</h1>
        <p>Signed in: <strong id="user">checking...</strong></p>
        <p><a id="login" href="%2$s/auth/login?redirect=%3$s">Log in</a> |
           <a id="logout" href="%2$s/auth/logout?redirect=%3$s">Log out</a> |
           <button id="again" type="button">Call again</button></p>
        <p>Permissions: <span id="permissions"></span></p>
        <p>GET %4$s: <strong id="open-status">...</strong></p>
        <p>GET %5$s: <strong id="guarded-status">...</strong></p>
        <pre id="open-body"></pre>
        <script>
        const gateway = %6$s;
        async function call(path, statusId, bodyId) {
          try {
            const response = await fetch(gateway + path, {credentials: 'include'});
            const text = await response.text();
            if (bodyId) document.getElementById(bodyId).textContent = text;
            document.getElementById(statusId).textContent = String(response.status);
            return {status: response.status, text};
          } catch (e) {
            document.getElementById(statusId).textContent = 'failed: ' + e;
            return {status: 0, text: ''};
          }
        }
        async function refresh() {
          for (const id of ['user', 'open-status', 'guarded-status']) document.getElementById(id).textContent = '...';
          const who = await call('/auth/whoami', 'user');
          if (who.status === 200) {
            const me = JSON.parse(who.text);
            document.getElementById('user').textContent = me.username;
            document.getElementById('permissions').textContent = (me.permissions || []).join(' ');
          } else {
            document.getElementById('user').textContent = 'nobody (' + who.status + ')';
            document.getElementById('permissions').textContent = '';
          }
          await call('%4$s', 'open-status', 'open-body');
          await call('%5$s', 'guarded-status');
          document.body.dataset.ready = 'true';
        }
        document.getElementById('again').addEventListener('click', () => {
          delete document.body.dataset.ready;
          refresh();
        });
        refresh();
        </script>
        </body>
        </html>
        """.formatted(app, gatewayUrl, back, OPEN_API_PATH, GUARDED_API_PATH, jsString(gatewayUrl));
  }

  private static String jsString(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'").replace("<", "\\u003c") + "'";
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Closing on the way out: nothing left to protect.
    }
  }
}
