package dev.gatehouse.keycloak.apitoken;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** JSON error answers in OAuth's shape ({@code error}, {@code error_description}), written for people. */
final class RestErrors {
  private RestErrors() {}

  static Response badRequest(String description) {
    return error(Response.Status.BAD_REQUEST, "invalid_request", description);
  }

  static Response conflict(String description) {
    return error(Response.Status.CONFLICT, "conflict", description);
  }

  static Response notFound(String description) {
    return error(Response.Status.NOT_FOUND, "not_found", description);
  }

  static WebApplicationException unauthorized(String description) {
    return new WebApplicationException(Response.fromResponse(error(Response.Status.UNAUTHORIZED, "invalid_token", description))
        .header("WWW-Authenticate", "Bearer error=\"invalid_token\"").build());
  }

  static WebApplicationException forbidden(String description) {
    return new WebApplicationException(error(Response.Status.FORBIDDEN, "access_denied", description));
  }

  private static Response error(Response.Status status, String error, String description) {
    return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
        .entity(new ApiTokenViews.Error(error, description)).build();
  }
}
