package dev.gatehouse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gatehouse.cli.client.AdminApiException;
import dev.gatehouse.cli.client.AdminClient;
import dev.gatehouse.cli.client.ClientCredentials;
import dev.gatehouse.cli.commands.ActivitiesCommand;
import dev.gatehouse.cli.commands.ExplainCommand;
import dev.gatehouse.cli.commands.ImportOpenApiCommand;
import dev.gatehouse.cli.commands.ServicesCommand;
import dev.gatehouse.cli.commands.TestCommand;
import dev.gatehouse.openapi.SpecRefusedException;
import dev.gatehouse.cli.policy.PolicyTable;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code gatehouse}: the command line for the gateway's admin API. Connection options are global (they may follow any
 * subcommand) and default to the environment, so a CI job sets {@code GATEHOUSE_URL} and a token once.
 */
@Command(name = "gatehouse", mixinStandardHelpOptions = true, versionProvider = GatehouseCli.Version.class,
    description = "Manage and test a Gatehouse gateway through its admin API.",
    subcommands = {ServicesCommand.class, ActivitiesCommand.class, ImportOpenApiCommand.class, TestCommand.class,
        ExplainCommand.class, CommandLine.HelpCommand.class},
    footerHeading = "%nExit codes:%n",
    footer = {"  0  done; all policy tests passed; no drift (--check)",
        "  1  a policy test failed, or --check found drift",
        "  2  bad command line",
        "  3  input refused (invalid spec or table, or the gateway answered 400/404/409/412)",
        "  4  not authorized (401/403, or Keycloak refused the client credentials)",
        "  5  gateway or Keycloak unavailable (no answer, 5xx)",
        "",
        "Environment: GATEHOUSE_URL, GATEHOUSE_TOKEN, or GATEHOUSE_TOKEN_URL + GATEHOUSE_CLIENT_ID +"
            + " GATEHOUSE_CLIENT_SECRET."})
public final class GatehouseCli implements Runnable {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--url", scope = ScopeType.INHERIT, defaultValue = "${env:GATEHOUSE_URL}", paramLabel = "URL",
      description = "The gateway's base URL, e.g. https://api.example.com (env GATEHOUSE_URL).")
  String url;

  @Option(names = "--token", scope = ScopeType.INHERIT, defaultValue = "${env:GATEHOUSE_TOKEN}",
      paramLabel = "TOKEN", description = "An access token with the admin permissions (env GATEHOUSE_TOKEN).")
  String token;

  @Option(names = "--token-url", scope = ScopeType.INHERIT, defaultValue = "${env:GATEHOUSE_TOKEN_URL}",
      paramLabel = "URL", description = "Keycloak's token endpoint, to get a token by client credentials instead"
      + " (env GATEHOUSE_TOKEN_URL), e.g. https://sso.example.com/realms/gatehouse/protocol/openid-connect/token.")
  String tokenUrl;

  @Option(names = "--client-id", scope = ScopeType.INHERIT, defaultValue = "${env:GATEHOUSE_CLIENT_ID}",
      paramLabel = "ID", description = "Client for the client-credentials grant (env GATEHOUSE_CLIENT_ID).")
  String clientId;

  @Option(names = "--client-secret", scope = ScopeType.INHERIT, defaultValue = "${env:GATEHOUSE_CLIENT_SECRET}",
      paramLabel = "SECRET", description = "Its secret (env GATEHOUSE_CLIENT_SECRET; prefer the environment: command"
      + " lines are visible to other users).")
  String clientSecret;

  @Option(names = "--timeout", scope = ScopeType.INHERIT, defaultValue = "30", paramLabel = "SECONDS",
      description = "Per HTTP request (default ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(names = "--json", scope = ScopeType.INHERIT,
      description = "Print JSON (the admin API's answers) instead of text, for scripts.")
  boolean json;

  private AdminClient client;
  private HttpClient http;

  public static void main(String[] args) {
    System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs one command line; returns its exit code ({@link ExitCode}). For tests and embedding. */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine line = new CommandLine(new GatehouseCli());
    line.setOut(out).setErr(err);
    line.setExecutionExceptionHandler((e, command, parsed) -> {
      if (e instanceof AdminApiException refused) {
        err.println("gatehouse: " + refused.getMessage());
        return refused.exitCode();
      }
      if (e instanceof SpecRefusedException || e instanceof PolicyTable.TableException
          || e instanceof IllegalArgumentException) {
        err.println("gatehouse: " + e.getMessage());
        return ExitCode.REFUSED;
      }
      throw e;
    });
    int code = line.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Name a command: services, activities,"
        + " import-openapi, test or explain (see --help).");
  }

  public HttpClient http() {
    if (http == null) {
      http = HttpClient.newBuilder().connectTimeout(timeout()).followRedirects(HttpClient.Redirect.NEVER).build();
    }
    return http;
  }

  public Duration timeout() {
    return Duration.ofSeconds(Math.max(1, timeoutSeconds));
  }

  /** The admin API client, from --url and --token or client credentials; refuses clearly when either is missing. */
  public AdminClient admin() {
    if (client != null) {
      return client;
    }
    if (url == null || url.isBlank()) {
      throw usage("The gateway's URL is unknown: set GATEHOUSE_URL or pass --url, e.g. --url https://api.example.com.");
    }
    URI base;
    try {
      base = URI.create(url.strip());
    } catch (IllegalArgumentException e) {
      throw usage("--url \"" + url + "\" is not a URL.");
    }
    if (!"https".equals(base.getScheme()) && !"http".equals(base.getScheme()) || base.getHost() == null) {
      throw usage("--url \"" + url + "\" must be an http(s) URL such as https://api.example.com.");
    }
    Supplier<String> bearer;
    if (token != null && !token.isBlank()) {
      String fixed = token.strip();
      bearer = () -> fixed;
    } else if (tokenUrl != null && !tokenUrl.isBlank()) {
      if (clientId == null || clientSecret == null) {
        throw usage("Client credentials need GATEHOUSE_CLIENT_ID and GATEHOUSE_CLIENT_SECRET (or --client-id and"
            + " --client-secret) next to GATEHOUSE_TOKEN_URL.");
      }
      bearer = new ClientCredentials(http(), URI.create(tokenUrl.strip()), clientId, clientSecret, timeout());
    } else {
      throw usage("No token: set GATEHOUSE_TOKEN (or --token) to an access token with the admin permissions, or"
          + " GATEHOUSE_TOKEN_URL, GATEHOUSE_CLIENT_ID and GATEHOUSE_CLIENT_SECRET for client credentials.");
    }
    client = new AdminClient(http(), base, bearer, timeout());
    return client;
  }

  public boolean json() {
    return json;
  }

  /** Prints {@code node} as indented JSON on standard output. */
  public void printJson(PrintWriter out, JsonNode node) {
    try {
      out.println(node == null ? "null" : JSON.writeValueAsString(node));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }

  /** The jar's version (from its manifest), or "development" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = GatehouseCli.class.getPackage().getImplementationVersion();
      return new String[] {"gatehouse " + (version == null ? "development build" : version)};
    }
  }
}
