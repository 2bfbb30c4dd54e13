package dev.gatehouse.it.support;

import dev.gatehouse.stack.StackLayout;
import dev.gatehouse.stack.postgres.PostgresServer;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension giving tests the one real PostgreSQL of this test JVM (embedded binaries, loopback, fresh data).
 * Fault tests that stop it must restart it before they end.
 */
public final class RealPostgres implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RealPostgres.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == PostgresServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return shared(context);
  }

  public static PostgresServer shared(ExtensionContext context) {
    return context.getRoot().getStore(NAMESPACE)
        .getOrComputeIfAbsent(Running.class, key -> Running.start(), Running.class)
        .server();
  }

  private record Running(PostgresServer server) implements AutoCloseable {
    static Running start() {
      StackLayout layout = StackLayout.locate();
      return new Running(PostgresServer.start(
          layout.workDir().resolve("postgres-it-" + ProcessHandle.current().pid()), 0));
    }

    @Override
    public void close() {
      server.close();
    }
  }
}
