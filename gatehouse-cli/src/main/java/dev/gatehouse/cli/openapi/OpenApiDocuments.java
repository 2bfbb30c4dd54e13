package dev.gatehouse.cli.openapi;

import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an OpenAPI 3.0 or 3.1 document from a file or an http(s) URL (fetched here, by the CLI: the gateway never
 * fetches a URL for an import) and parses it with swagger-parser. Any parser message refuses the document: a spec that
 * is only half understood would give half the activities.
 */
public final class OpenApiDocuments {
  private OpenApiDocuments() {}

  public static OpenAPI read(String location, HttpClient http, Duration timeout) {
    String text;
    if (location.startsWith("http://") || location.startsWith("https://")) {
      text = fetch(location, http, timeout);
    } else {
      Path file = Path.of(location);
      if (!Files.isRegularFile(file)) {
        throw new SpecRefusedException("Cannot read the spec:", List.of("no file " + file.toAbsolutePath()
            + " (give a file path or an http(s) URL)"));
      }
      try {
        text = Files.readString(file);
      } catch (IOException e) {
        throw new SpecRefusedException("Cannot read the spec:", List.of(file + ": " + e.getMessage()));
      }
    }
    return parse(text, location);
  }

  /** Parses the document's text; {@code location} only names it in messages. */
  public static OpenAPI parse(String text, String location) {
    if (text.lines().limit(50).anyMatch(line -> line.matches("(\\{\\s*)?\"?swagger\"?\\s*:\\s*[\"']?2.*"))) {
      throw new SpecRefusedException("Cannot import " + location + ":", List.of("it is a Swagger 2.0 document; only"
          + " OpenAPI 3.0 and 3.1 are read. Convert it first (e.g. with swagger-converter or the Swagger editor)"));
    }
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    SwaggerParseResult result = new OpenAPIParser().readContents(text, null, options);
    List<String> messages = new ArrayList<>(result.getMessages() == null ? List.of() : result.getMessages());
    if (result.getOpenAPI() == null && messages.isEmpty()) {
      messages.add("not an OpenAPI document (no \"openapi\" field found)");
    }
    if (!messages.isEmpty()) {
      throw new SpecRefusedException("The spec " + location + " is not a valid OpenAPI 3.0/3.1 document (swagger-parser"
          + " says):", messages);
    }
    return result.getOpenAPI();
  }

  private static String fetch(String url, HttpClient http, Duration timeout) {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
          .header("Accept", "application/yaml, application/json;q=0.9, */*;q=0.5").GET().build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new SpecRefusedException("Cannot read the spec:", List.of("GET " + url + " answered HTTP "
            + response.statusCode()));
      }
      return response.body();
    } catch (IOException | IllegalArgumentException e) {
      throw new SpecRefusedException("Cannot read the spec:", List.of("GET " + url + " failed: " + e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SpecRefusedException("Cannot read the spec:", List.of("interrupted"));
    }
  }
}
