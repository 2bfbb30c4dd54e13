package dev.gatehouse.gateway.tracing;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.io.ByteArrayInputStream;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * A collector-compatible OTLP/HTTP trace receiver on 127.0.0.1: it accepts {@code POST /v1/traces} with protobuf
 * bodies (as the OpenTelemetry Collector does), decodes them with the OTLP protobuf definitions and keeps the spans.
 */
final class OtlpReceiver implements AutoCloseable {
  final List<Span> spans = new CopyOnWriteArrayList<>();
  final List<String> serviceNames = new CopyOnWriteArrayList<>();
  private final HttpServer server;

  OtlpReceiver(Vertx vertx) throws Exception {
    server = vertx.createHttpServer().requestHandler(request -> {
      if (!request.path().equals("/v1/traces") || !"POST".equals(request.method().name())) {
        request.response().setStatusCode(404).end();
        return;
      }
      String encoding = request.getHeader("Content-Encoding");
      request.body().onSuccess(body -> {
        try {
          byte[] bytes = body.getBytes();
          if ("gzip".equals(encoding)) {
            bytes = new GZIPInputStream(new ByteArrayInputStream(bytes)).readAllBytes();
          }
          ExportTraceServiceRequest export = ExportTraceServiceRequest.parseFrom(bytes);
          for (ResourceSpans resource : export.getResourceSpansList()) {
            resource.getResource().getAttributesList().stream().filter(a -> a.getKey().equals("service.name"))
                .forEach(a -> serviceNames.add(a.getValue().getStringValue()));
            for (ScopeSpans scope : resource.getScopeSpansList()) {
              spans.addAll(scope.getSpansList());
            }
          }
          request.response().putHeader("Content-Type", "application/x-protobuf")
              .end(Buffer.buffer(ExportTraceServiceResponse.getDefaultInstance().toByteArray()));
        } catch (Exception e) {
          request.response().setStatusCode(400).end(e.toString());
        }
      });
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  int port() {
    return server.actualPort();
  }

  static String hex(ByteString bytes) {
    return HexFormat.of().formatHex(bytes.toByteArray());
  }

  List<Span> trace(String traceId) {
    return spans.stream().filter(s -> hex(s.getTraceId()).equals(traceId)).toList();
  }

  @Override
  public void close() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
