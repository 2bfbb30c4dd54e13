package dev.gatehouse.gateway.me;

import dev.gatehouse.gateway.credential.CredentialExtractor;
import dev.gatehouse.gateway.credential.CredentialResult;
import dev.gatehouse.gateway.credential.Credential;
import dev.gatehouse.gateway.reply.ErrorReply;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * A write (POST, PUT, PATCH, DELETE) that rides the session cookie must carry {@value #HEADER}: a cross-site form
 * cannot add a header, and a cross-site script cannot without passing CORS. This comes on top of the cookie origin
 * check every request meets. Bearer requests are exempt: a browser never attaches those by itself.
 */
public final class CookieWriteGuard implements Handler<RoutingContext> {
  public static final String HEADER = "X-Requested-With";
  private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

  private final CredentialExtractor credentials;

  public CookieWriteGuard(CredentialExtractor credentials) {
    this.credentials = credentials;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (SAFE.contains(ctx.request().method()) || !ridesCookie(ctx)) {
      ctx.next();
      return;
    }
    String value = ctx.request().getHeader(HEADER);
    if (value == null || value.isBlank()) {
      ErrorReply.send(ctx.request(), 403, "write_header_missing", "Changes made with the session cookie must carry"
          + " the header " + HEADER + " (any value, such as \"gatehouse-console\"); it shows the request was not sent"
          + " by a cross-site form. The console sends it; programs should send Authorization: Bearer instead.");
      return;
    }
    ctx.next();
  }

  private boolean ridesCookie(RoutingContext ctx) {
    return credentials.extract(ctx.request().headers()) instanceof CredentialResult.Found found
        && found.credential().source() == Credential.Source.COOKIE;
  }
}
