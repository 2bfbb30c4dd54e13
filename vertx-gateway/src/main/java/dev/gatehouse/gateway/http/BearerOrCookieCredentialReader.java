package dev.gatehouse.gateway.http;

import dev.gatehouse.gateway.credential.Credential;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Set;

/**
 * Interim credential reader until the credential package's extractor is merged: an {@code Authorization: Bearer}
 * header, else the token cookie. Anything ambiguous (two Authorization headers, two cookies of that name, an empty
 * Bearer value) is invalid rather than guessed at.
 */
public final class BearerOrCookieCredentialReader implements CredentialReader {
  private final String cookieName;

  public BearerOrCookieCredentialReader(String cookieName) {
    this.cookieName = cookieName;
  }

  @Override
  public Credential read(HttpServerRequest request) {
    List<String> authorization = request.headers().getAll(HttpHeaders.AUTHORIZATION);
    if (authorization.size() > 1) {
      throw new InvalidCredentialException("Send one Authorization header, not " + authorization.size() + ".");
    }
    if (authorization.size() == 1) {
      String value = authorization.get(0).trim();
      int space = value.indexOf(' ');
      String scheme = space < 0 ? value : value.substring(0, space);
      if (scheme.equalsIgnoreCase("Bearer")) {
        String token = space < 0 ? "" : value.substring(space + 1).trim();
        if (token.isEmpty() || token.contains(" ")) {
          throw new InvalidCredentialException("The Authorization header must be \"Bearer <token>\".");
        }
        return new Credential(Credential.Source.BEARER_HEADER, token);
      }
      // Another scheme (e.g. Basic for the upstream) is not ours: fall through to the cookie.
    }
    Set<Cookie> cookies = request.cookies(cookieName);
    if (cookies.size() > 1) {
      throw new InvalidCredentialException("Send one " + cookieName + " cookie, not " + cookies.size() + ".");
    }
    if (cookies.size() == 1) {
      String token = cookies.iterator().next().getValue();
      if (token == null || token.isBlank()) {
        throw new InvalidCredentialException("The " + cookieName + " cookie is empty.");
      }
      return new Credential(Credential.Source.COOKIE, token.trim());
    }
    return null;
  }
}
