package dev.gatehouse.it.support;

import dev.gatehouse.stack.StackLayout;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import dev.gatehouse.stack.keycloak.RevocationDelivery;
import dev.gatehouse.stack.postgres.PostgresServer;
import dev.gatehouse.stack.keycloak.TokenExchangePermissions;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension giving tests the one real Keycloak of this test JVM: distribution 26.7.3, our providers jar, the
 * production realm plus the dev overlay and the fake-google realm, and the local stack's token-exchange permission
 * ({@link TokenExchangePermissions#allowDevelopmentMobileClient}), delivering revocations to the database of
 * {@link RealPostgres} (started with it). Started on first use, shared by every class, stopped when the JVM's test run
 * ends.
 *
 * <pre>{@code @ExtendWith(RealKeycloak.class) class SomeIT { @Test void t(KeycloakServer keycloak) { ... } }}</pre>
 */
public final class RealKeycloak implements ParameterResolver {
  /** Tests that take the database away wait at most this long for the retry after it is back. */
  static final int REVOCATION_RETRY_SECONDS = 1;
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RealKeycloak.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == KeycloakServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return shared(context);
  }

  public static KeycloakServer shared(ExtensionContext context) {
    return context.getRoot().getStore(NAMESPACE)
        .getOrComputeIfAbsent(Running.class, key -> Running.start(RealPostgres.shared(context)), Running.class)
        .server();
  }

  /** Closed by JUnit when the root context ends, i.e. once per test JVM. */
  private record Running(KeycloakServer server) implements AutoCloseable {
    static Running start(PostgresServer gatewayDatabase) {
      StackLayout layout = StackLayout.locate();
      KeycloakServer server = KeycloakServer.start(layout, KeycloakServer.Options.defaults(layout)
          // Revocations go to the shared test PostgreSQL, as they go to the gateways' database in production.
          .withExtraEnvironment(RevocationDelivery.to(gatewayDatabase, REVOCATION_RETRY_SECONDS))
          .withProgress(message -> System.out.println("[keycloak] " + message)));
      try {
        TokenExchangePermissions.allowDevelopmentMobileClient(server.admin());
      } catch (RuntimeException e) {
        server.close();
        throw e;
      }
      return new Running(server);
    }

    @Override
    public void close() {
      server.close();
    }
  }
}
