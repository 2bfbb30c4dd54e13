package dev.gatehouse.gateway.logging;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class FailuresTest {

  @Test
  void peersDownSlowOrShuttingDownAreExpected() {
    assertThat(Failures.isExpected(new ConnectException("Connection refused: /127.0.0.1:5432"))).isTrue();
    assertThat(Failures.isExpected(new ConnectTimeoutException("connection timed out"))).isTrue();
    assertThat(Failures.isExpected(new UnknownHostException("keycloak"))).isTrue();
    assertThat(Failures.isExpected(new TimeoutException("The timeout period of 5000ms has been exceeded"))).isTrue();
    assertThat(Failures.isExpected(new HttpClosedException("Connection was closed"))).isTrue();
    assertThat(Failures.isExpected(ClosedConnectionException.INSTANCE)).isTrue();
    assertThat(Failures.isExpected(new CompletionException(new ConnectException("refused")))).as("a wrapped cause")
        .isTrue();
    assertThat(Failures.isExpected(new PgException("terminating connection due to administrator command", "FATAL",
        "57P01", null))).isTrue();
    assertThat(Failures.isExpected(new PgException("sorry, too many clients already", "FATAL", "53300", null)))
        .isTrue();
    assertThat(Failures.isExpected(new PgException("password authentication failed for user \"gatehouse\"",
        "FATAL", "28P01", null))).isTrue();
  }

  @Test
  void bugsAndStatementErrorsAreNot() {
    assertThat(Failures.isExpected(new NullPointerException())).isFalse();
    assertThat(Failures.isExpected(new IllegalStateException("index out of step"))).isFalse();
    assertThat(Failures.isExpected(new PgException("relation \"activity\" does not exist", "ERROR", "42P01", null)))
        .isFalse();
    assertThat(Failures.isExpected(null)).isFalse();
  }

  @Test
  void describeGivesTheMessageOnOneLine() {
    assertThat(Failures.describe(new ConnectException("Connection refused: /127.0.0.1:5432")))
        .isEqualTo("Connection refused: /127.0.0.1:5432");
    assertThat(Failures.describe(new IllegalStateException("first line\nsecond line"))).isEqualTo("first line");
    assertThat(Failures.describe(new RuntimeException(null, new TimeoutException("slow")))).isEqualTo("slow");
    assertThat(Failures.describe(new TimeoutException())).isEqualTo("TimeoutException");
  }
}
