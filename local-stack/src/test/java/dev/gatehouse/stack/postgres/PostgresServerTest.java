package dev.gatehouse.stack.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresServerTest {

  @Test
  void keepsDataAcrossStopAndRestartOnTheSamePort(@TempDir Path dataDir) throws Exception {
    try (PostgresServer postgres = PostgresServer.start(dataDir.resolve("pg"), 0)) {
      sql(postgres, "CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)");

      postgres.stop();
      assertThatThrownBy(() -> sql(postgres, "SELECT 1")).isInstanceOf(SQLException.class);

      postgres.restart();
      assertThat(count(postgres, "SELECT v FROM kept")).isEqualTo(42);
    }
  }

  private static void sql(PostgresServer postgres, String sql) throws SQLException {
    try (var connection = DriverManager.getConnection(postgres.jdbcUrl(), PostgresServer.USER, PostgresServer.PASSWORD);
         var statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static int count(PostgresServer postgres, String sql) throws SQLException {
    try (var connection = DriverManager.getConnection(postgres.jdbcUrl(), PostgresServer.USER, PostgresServer.PASSWORD);
         var statement = connection.createStatement();
         ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getInt(1);
    }
  }
}
