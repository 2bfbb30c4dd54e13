package dev.gatehouse.gateway.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.http.HttpServerRequest;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenTelemetry tracing of the gateway's request path, with the maintained SDK configured by the standard
 * {@code OTEL_*} environment variables (SDK autoconfigure). Off unless {@code OTEL_TRACES_EXPORTER} (or the system
 * property {@code otel.traces.exporter}) names an exporter other than {@code none}; off, every method returns at once
 * and allocates nothing.
 *
 * <p>Shape of a trace: one SERVER span per protected request (parent: the client's {@code traceparent}, if any),
 * with children {@code token.verify} or {@code api_token.resolve} (the verifier's asynchronous work, including a JWKS
 * refetch or a Keycloak call), {@code authorize} (revocation check and activity decision) and the CLIENT span
 * {@code proxy} (until the upstream's response head), whose context goes upstream in {@code traceparent} /
 * {@code tracestate}. Finding the credential is a header parse of well under a microsecond: it is an attribute of
 * the server span ({@code gatehouse.credential}), not a span of its own, which would cost more than the work.
 */
public final class GatewayTracing {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayTracing.class);
  private static final GatewayTracing OFF = new GatewayTracing(null, null);
  /** Key in the request's Vert.x context data: log lines written while handling it carry its trace id. */
  static final Object LOG_CORRELATION = new Object();

  static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
  static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
  static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
  static final AttributeKey<String> CREDENTIAL = AttributeKey.stringKey("gatehouse.credential");
  static final AttributeKey<String> DECISION = AttributeKey.stringKey("gatehouse.decision");
  static final AttributeKey<String> REASON = AttributeKey.stringKey("gatehouse.reason");

  private static final TextMapGetter<MultiMap> HEADERS = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(MultiMap carrier) {
      return carrier.names();
    }

    @Override
    public String get(MultiMap carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  };
  private static final TextMapSetter<MultiMap> SET_HEADER = (carrier, key, value) -> {
    if (carrier != null) {
      carrier.set(key, value);
    }
  };

  /** Null when off. */
  private final Tracer tracer;
  private final TextMapPropagator propagator;
  private final OpenTelemetrySdk sdk;

  private GatewayTracing(OpenTelemetry openTelemetry, OpenTelemetrySdk sdk) {
    this.tracer = openTelemetry == null ? null : openTelemetry.getTracer("dev.gatehouse.gateway");
    this.propagator = openTelemetry == null ? null : openTelemetry.getPropagators().getTextMapPropagator();
    this.sdk = sdk;
  }

  public static GatewayTracing off() {
    return OFF;
  }

  /** On with an SDK built elsewhere (tests, embedding); closing this does not close it. */
  public static GatewayTracing with(OpenTelemetry openTelemetry) {
    return new GatewayTracing(openTelemetry, null);
  }

  /** From the process's environment and system properties. */
  public static GatewayTracing fromEnvironment() {
    return fromSettings(System.getenv(), Map.of());
  }

  /**
   * Off unless {@code OTEL_TRACES_EXPORTER} / {@code otel.traces.exporter} (in {@code env}, the system properties or
   * {@code settings}) names an exporter. {@code settings} are OpenTelemetry property names
   * ({@code otel.exporter.otlp.endpoint}, ...) that the environment and system properties override.
   */
  public static GatewayTracing fromSettings(Map<String, String> env, Map<String, String> settings) {
    String exporter = System.getProperty("otel.traces.exporter", env.getOrDefault("OTEL_TRACES_EXPORTER",
        settings.get("otel.traces.exporter")));
    if (exporter == null || exporter.isBlank() || exporter.strip().toLowerCase(Locale.ROOT).equals("none")) {
      return OFF;
    }
    Map<String, String> defaults = new HashMap<>();
    defaults.put("otel.traces.exporter", exporter.strip());
    defaults.put("otel.service.name", "gatehouse-gateway");
    // The gateway's metrics are Prometheus (/metrics) and its logs go to stderr: only traces leave through OTLP.
    defaults.put("otel.metrics.exporter", "none");
    defaults.put("otel.logs.exporter", "none");
    // The Java SDK's default is gRPC, which needs another HTTP stack; HTTP/protobuf goes through the JDK's client.
    defaults.put("otel.exporter.otlp.protocol", "http/protobuf");
    defaults.putAll(settings);
    OpenTelemetrySdk sdk;
    try {
      sdk = AutoConfiguredOpenTelemetrySdk.builder()
          .addPropertiesSupplier(() -> defaults)
          .disableShutdownHook()
          .build()
          .getOpenTelemetrySdk();
    } catch (RuntimeException e) {
      Throwable cause = e;
      while (cause.getCause() != null) {
        cause = cause.getCause();
      }
      throw new IllegalStateException("OpenTelemetry tracing is on (OTEL_TRACES_EXPORTER=" + exporter.strip()
          + ") but cannot start: " + cause.getMessage() + ". Check the OTEL_* variables: OTLP is bundled over"
          + " HTTP/protobuf only (leave OTEL_EXPORTER_OTLP_PROTOCOL unset or http/protobuf); unset"
          + " OTEL_TRACES_EXPORTER to run without tracing.", e);
    }
    LOG.info("OpenTelemetry tracing on: exporter {}, propagators {}", exporter.strip(),
        sdk.getPropagators().getTextMapPropagator().fields());
    return new GatewayTracing(sdk, sdk);
  }

  public boolean enabled() {
    return tracer != null;
  }

  /**
   * Hook: a protected request starts (after the public-route check). Continues the client's trace when it sent a
   * valid {@code traceparent}. Returns the server span, or null when tracing is off; the caller ends it with
   * {@link #requestEnded} when the response has been sent.
   */
  public Span requestStarted(HttpServerRequest request, String path) {
    if (tracer == null) {
      return null;
    }
    Context parent = propagator.extract(Context.root(), request.headers(), HEADERS);
    String method = request.method().name();
    Span span = tracer.spanBuilder(method)
        .setParent(parent)
        .setSpanKind(SpanKind.SERVER)
        .setAttribute(METHOD, method)
        .setAttribute(PATH, path)
        .startSpan();
    if (Vertx.currentContext() instanceof ContextInternal context && context.isDuplicate()) {
      correlateLogs(context, span.getSpanContext());
    }
    return span;
  }

  /** Hook: the response was sent (or the connection failed) with {@code status}. */
  public static void requestEnded(Span server, int status, boolean failed) {
    server.setAttribute(STATUS, (long) status);
    if (status >= 500 || failed) {
      server.setStatus(StatusCode.ERROR);
    }
    server.end();
  }

  /**
   * Lines logged while {@code request} runs carry {@code span}'s ids (see {@link LogCorrelation}). Each request runs
   * on its own duplicated context, so this lives exactly as long as the request.
   */
  public static void correlateLogs(ContextInternal request, SpanContext span) {
    request.localContextData().put(LOG_CORRELATION, span);
  }

  /** Hook: what the credential turned out to be and how the gateway decided (attributes of the server span). */
  public static void decided(Span server, String credential, String decision, String reason) {
    if (server != null) {
      server.setAttribute(CREDENTIAL, credential).setAttribute(DECISION, decision).setAttribute(REASON, reason);
    }
  }

  /** Hook: a child span of the request's server span; {@link Span#getInvalid()} (a no-op) when off. */
  public Span startChild(Span server, String name) {
    if (tracer == null || server == null) {
      return Span.getInvalid();
    }
    return tracer.spanBuilder(name).setParent(Context.root().with(server)).startSpan();
  }

  /**
   * Hook: the request is being sent upstream. Starts the {@code proxy} CLIENT span and puts its context in the
   * upstream request's {@code traceparent} / {@code tracestate}, replacing the client's; returns it (null when off).
   * Off, the client's headers go through untouched, so the upstream still continues the client's trace.
   */
  public Span forwarding(Span server, HttpServerRequest client, MultiMap upstreamHeaders) {
    if (tracer == null) {
      return null;
    }
    Context parent = server == null
        ? propagator.extract(Context.root(), client.headers(), HEADERS)
        : Context.root().with(server);
    Span proxy = tracer.spanBuilder("proxy").setParent(parent).setSpanKind(SpanKind.CLIENT).startSpan();
    for (String field : propagator.fields()) {
      upstreamHeaders.remove(field);
    }
    propagator.inject(Context.root().with(proxy), upstreamHeaders, SET_HEADER);
    return proxy;
  }

  /** Hook: the upstream answered ({@code status}) or failed ({@code failure} not null). */
  public static void upstreamAnswered(Span proxy, int status, Throwable failure) {
    if (proxy == null) {
      return;
    }
    if (failure != null) {
      proxy.recordException(failure).setStatus(StatusCode.ERROR);
    } else {
      proxy.setAttribute(STATUS, (long) status);
      if (status >= 500) {
        proxy.setStatus(StatusCode.ERROR);
      }
    }
    proxy.end();
  }

  /**
   * The request's trace id: the gateway's own trace when on; off, the one the client sent in {@code traceparent}
   * (so decision records still join the client's trace). Null without either. Called only for records kept.
   */
  public static String traceId(Span server, HttpServerRequest request) {
    if (server != null && server.getSpanContext().isValid()) {
      return server.getSpanContext().getTraceId();
    }
    return TraceParent.traceId(request.getHeader("traceparent"));
  }

  /** Exports what is buffered and stops the SDK this instance built (not one passed to {@link #with}). */
  public void close() {
    if (sdk != null) {
      sdk.shutdown().join(5, TimeUnit.SECONDS);
    }
  }
}
