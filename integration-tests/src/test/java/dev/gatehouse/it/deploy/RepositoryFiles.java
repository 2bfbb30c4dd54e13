package dev.gatehouse.it.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.config.RouteConfig;
import dev.gatehouse.gateway.policy.ActivitySeed;
import dev.gatehouse.gateway.policy.ActivitySeedFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;

/** The repository's sources that the deployment checks (compose and Kubernetes) compare deployments against. */
final class RepositoryFiles {
  /** {@code ${NAME}} or {@code ${NAME:default}} in a realm file; upper-case names only (the rest are message keys). */
  static final Pattern REALM_PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(:[^}]*)?}");

  private RepositoryFiles() {}

  /**
   * The activity seed's services fit the deployment's configured routes: a seed service without upstreams (the
   * demo, routed by configuration) needs a configured route covering its prefix, or the gateway refuses the seed.
   */
  static void assertSeedFitsTheRoutes(GatewayConfig config, String deployment) throws IOException {
    ActivitySeed seed = ActivitySeedFile.read(config.activities().seedFile());
    List<String> prefixes = config.proxy().routes().stream().map(RouteConfig::prefix).toList();
    assertThatCode(() -> seed.validateRouting(prefixes, config.activities().seedFile().toString()))
        .as("%s: the seed's services must fit the configured routes %s", deployment, prefixes)
        .doesNotThrowAnyException();
    assertThat(seed.services()).as("%s: the seed declares the demo service", deployment)
        .anyMatch(service -> service.name().equals("demo"));
  }

  /** The checkout; the build sets gatehouse.root. The checks need sources only, not build outputs. */
  static Path root() {
    Path root = Path.of(System.getProperty("gatehouse.root", "..")).toAbsolutePath().normalize();
    assertThat(root.resolve("docker-compose.yml")).as("repository root (gatehouse.root)").isRegularFile();
    return root;
  }

  static String realmName(Path root) throws IOException {
    return new ObjectMapper().readTree(root.resolve("realm-config/gatehouse-realm.json").toFile()).get("realm")
        .asText();
  }

  /** Placeholder name → whether the production realm file gives it a default. */
  static Map<String, Boolean> realmPlaceholders(Path root) throws IOException {
    Map<String, Boolean> placeholders = new LinkedHashMap<>();
    Matcher m = REALM_PLACEHOLDER.matcher(Files.readString(root.resolve("realm-config/gatehouse-realm.json")));
    while (m.find()) {
      placeholders.merge(m.group(1), m.group(2) != null, Boolean::logicalAnd);
    }
    return placeholders;
  }

  /** The text of the first {@code <child>} under the first {@code <section>} element of a pom. */
  static String pomValue(Path pom, String section, String child) throws Exception {
    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
    // The project's own section: a profile may carry a <build> of its own, which is not the one that ships.
    org.w3c.dom.Element project = doc.getDocumentElement();
    org.w3c.dom.Element found = project.getTagName().equals(section) ? project : null;
    for (var node = project.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof org.w3c.dom.Element element && element.getTagName().equals(section)) {
        found = element;
      }
    }
    assertThat(found).as("%s has no <%s> under <project>", pom, section).isNotNull();
    var values = found.getElementsByTagName(child);
    assertThat(values.getLength()).as("%s has no <%s> under <%s>", pom, child, section).isPositive();
    return values.item(0).getTextContent().strip();
  }

  /** KEY=value lines; comments and blank lines skipped; the value kept as written (empty allowed). */
  static Map<String, String> readEnvFile(Path file) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      int eq = trimmed.indexOf('=');
      assertThat(eq).as("%s line is not KEY=value: %s", file.getFileName(), line).isPositive();
      env.put(trimmed.substring(0, eq), trimmed.substring(eq + 1));
    }
    return env;
  }
}
