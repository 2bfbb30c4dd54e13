package dev.gatehouse.cli.openapi;

import dev.gatehouse.openapi.OpenApiDocuments;
import dev.gatehouse.openapi.SpecRefusedException;
import io.swagger.v3.oas.models.OpenAPI;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Reads an OpenAPI document from a file or an http(s) URL (fetched here, by the CLI: the gateway never fetches a URL
 * for an import) and parses it with the shared {@link OpenApiDocuments}.
 */
public final class SpecSource {
  private SpecSource() {}

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
    return OpenApiDocuments.parse(text, location);
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
