package dev.gatehouse.gateway.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The guard's request/response bookkeeping on an embedded channel, where "Vert.x" is the test. */
class ClientConnectionGuardTest {
  private ClientConnections connections;
  private EmbeddedChannel channel;

  @BeforeEach
  void setUp() {
    connections = new ClientConnections(ClientConnectionLimits.DEFAULTS);
    channel = new EmbeddedChannel(new ClientConnectionGuard(connections));
  }

  @Test
  void aNewRequestOnAnOpenConnectionDuringTheDrainGets503WithConnectionClose() {
    connections.startDraining();

    channel.writeInbound(request("/api/x"), LastHttpContent.EMPTY_LAST_CONTENT);

    assertThat((Object) channel.readInbound()).as("not handed to Vert.x").isNull();
    FullHttpResponse answer = channel.readOutbound();
    assertThat(answer.status().code()).isEqualTo(503);
    assertThat(answer.headers().get("Connection")).isEqualTo("close");
    assertThat(new JsonObject(answer.content().toString(StandardCharsets.UTF_8)).getString("error"))
        .isEqualTo("shutting_down");
    channel.runPendingTasks();
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void aResponseWrittenDuringTheDrainGetsConnectionCloseAndTheConnectionCloses() {
    channel.writeInbound(request("/api/x"), LastHttpContent.EMPTY_LAST_CONTENT);
    assertThat((Object) channel.readInbound()).isInstanceOf(HttpRequest.class);
    connections.startDraining();

    channel.writeOutbound(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
    channel.writeOutbound(LastHttpContent.EMPTY_LAST_CONTENT);

    HttpResponse head = channel.readOutbound();
    assertThat(head.headers().get("Connection")).isEqualTo("close");
    channel.runPendingTasks();
    assertThat(channel.isOpen()).isFalse();
    assertThat(connections.counts().requestsInFlight()).isZero();
  }

  @Test
  void anInterimResponseIsNotTheEndOfTheExchange() {
    channel.writeInbound(request("/api/x"));
    connections.startDraining();

    channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));

    FullHttpResponse interim = channel.readOutbound();
    assertThat(interim.headers().contains("Connection")).isFalse();
    assertThat(channel.isOpen()).isTrue();
    assertThat(connections.counts().requestsInFlight()).isEqualTo(1);
  }

  @Test
  void aPipelinedRequestIsNotHandedOnAndTheConnectionClosesAfterTheCurrentResponse() {
    channel.writeInbound(request("/api/first"), LastHttpContent.EMPTY_LAST_CONTENT);
    channel.writeInbound(request("/api/second"), LastHttpContent.EMPTY_LAST_CONTENT);

    assertThat(((HttpRequest) channel.readInbound()).uri()).isEqualTo("/api/first");
    assertThat((Object) channel.readInbound()).isInstanceOf(LastHttpContent.class);
    assertThat((Object) channel.readInbound()).as("the second request stays unprocessed").isNull();

    channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
        Unpooled.copiedBuffer("ok", StandardCharsets.UTF_8)));
    FullHttpResponse response = channel.readOutbound();
    assertThat(response.headers().get("Connection")).isEqualTo("close");
    channel.runPendingTasks();
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void keepAliveExchangesPassThroughUntouched() {
    for (int i = 0; i < 3; i++) {
      channel.writeInbound(request("/api/" + i), LastHttpContent.EMPTY_LAST_CONTENT);
      assertThat((Object) channel.readInbound()).isInstanceOf(HttpRequest.class);
      assertThat((Object) channel.readInbound()).isInstanceOf(LastHttpContent.class);
      channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
      HttpObject response = channel.readOutbound();
      assertThat(((HttpResponse) response).headers().contains("Connection")).isFalse();
    }
    assertThat(channel.isOpen()).isTrue();
    assertThat(connections.counts().requestsInFlight()).isZero();
    assertThat(connections.counts().openConnections()).isEqualTo(1);
  }

  private static HttpRequest request(String uri) {
    return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
  }
}
