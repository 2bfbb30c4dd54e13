package dev.gatehouse.gateway.policy;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a stored service must look like, checked before it is stored and again when it is loaded (a row written by
 * hand must not break routing). Every problem is reported with what to send instead.
 */
public final class ServiceRules {
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  public static final int MAX_UPSTREAMS = 16;
  public static final int MAX_PREFIX_LENGTH = 256;
  /** The same bounds as a configured route's {@code timeoutMillis}. */
  public static final long MIN_TIMEOUT_MILLIS = 1;
  public static final long MAX_TIMEOUT_MILLIS = 600_000;
  public static final long MIN_HEALTH_INTERVAL_MILLIS = 1_000;
  public static final long MAX_HEALTH_INTERVAL_MILLIS = 3_600_000;
  /** Paths the gateway answers itself: a service there would be unreachable or would hijack them. */
  public static final List<String> RESERVED_PREFIXES = List.of("/gatehouse", "/auth", "/health", "/metrics");

  private ServiceRules() {}

  /** Throws {@link InvalidServiceException} explaining the first problem found. */
  public static void validate(Service service) {
    validateName(service.name());
    validatePrefix(service.routePrefix());
    validateUpstreams(service.upstreams());
    if (service.timeoutMillis() < MIN_TIMEOUT_MILLIS || service.timeoutMillis() > MAX_TIMEOUT_MILLIS) {
      throw new InvalidServiceException("The timeout must be between " + MIN_TIMEOUT_MILLIS + " and "
          + MAX_TIMEOUT_MILLIS + " ms, got " + service.timeoutMillis() + ".");
    }
    validateHealthCheck(service.healthCheck());
    if (service.routedByConfiguration() && service.healthCheck() != null) {
      throw new InvalidServiceException("A service without upstreams is routed by the gateway's configuration, so"
          + " it has no upstream to check: leave \"healthCheck\" out, or give the service its own upstreams.");
    }
    try {
      ActivityPatterns.validateDescription(service.description());
    } catch (InvalidActivityException e) {
      throw new InvalidServiceException(e.getMessage());
    }
  }

  public static void validateName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new InvalidServiceException("A service name is 1 to 63 characters of a-z, 0-9 and '-', starting with a"
          + " letter or digit, such as \"billing\"; got " + shown(name) + ".");
    }
  }

  public static void validatePrefix(String prefix) {
    if (prefix == null || prefix.length() > MAX_PREFIX_LENGTH || !validPrefix(prefix)) {
      throw new InvalidServiceException("The route prefix must be a normalised path prefix of at most "
          + MAX_PREFIX_LENGTH + " characters: it starts with '/', has no trailing '/', no '.' or '..' segments and no"
          + " '?', '#', '%', ';', '\\\\', spaces or '//', such as \"/billing\"; got " + shown(prefix) + ".");
    }
    if (prefix.equals("/")) {
      throw new InvalidServiceException("A service cannot take the prefix \"/\" (every path); a catch-all route"
          + " belongs in the gateway's configuration. Give the service its own prefix, such as \"/billing\".");
    }
    for (String reserved : RESERVED_PREFIXES) {
      if (covers(reserved, prefix) || covers(prefix, reserved)) {
        throw new InvalidServiceException("The route prefix " + prefix + " overlaps " + reserved + ", which the"
            + " gateway serves itself (" + String.join(", ", RESERVED_PREFIXES) + "); choose another prefix.");
      }
    }
  }

  /**
   * Whether {@code service} may be routed next to the configured routes ({@code configuredPrefixes}, the bootstrap):
   * a service with upstreams may not take a configured route's prefix (the configured route would win), and a
   * service without upstreams needs a configured route covering its prefix ({@link #configuredRouteCovering}).
   * Throws {@link ServiceConflictException} for the first, {@link InvalidServiceException} for the second.
   */
  public static void validateRouting(Service service, Collection<String> configuredPrefixes) {
    if (!service.routedByConfiguration()) {
      if (configuredPrefixes.contains(service.routePrefix())) {
        throw new ServiceConflictException("The route prefix " + service.routePrefix() + " is a route in the"
            + " gateway's configuration, which would win. Choose another prefix, remove that route from the"
            + " configuration first, or leave the upstreams empty ([]) to let the configured route carry the"
            + " service's traffic.");
      }
      return;
    }
    if (configuredRouteCovering(service.routePrefix(), configuredPrefixes) == null) {
      throw new InvalidServiceException("Service '" + service.name() + "' has no upstreams, so a route in the"
          + " gateway's configuration must carry its traffic, but none covers " + service.routePrefix()
          + " (configured: " + configuredPrefixes.stream().sorted().toList() + "; the catch-all \"/\" does not"
          + " count). Give the service its upstream URLs, or a prefix under a configured route.");
    }
  }

  /**
   * The longest configured prefix covering {@code prefix}, or null. The catch-all "/" does not count: under it a
   * service without upstreams is far more likely a forgotten upstream list than a deliberate choice.
   */
  public static String configuredRouteCovering(String prefix, Collection<String> configuredPrefixes) {
    String best = null;
    for (String configured : configuredPrefixes) {
      boolean longer = best == null || configured.length() > best.length();
      if (!configured.equals("/") && covers(configured, prefix) && longer) {
        best = configured;
      }
    }
    return best;
  }

  /**
   * Refuses an activity regex (whole path, already valid) that could match a path outside {@code prefix}: it must
   * start with the prefix as written by {@link #quotedPrefix}, continue with nothing or an unquantified '/', and have
   * no top-level '|' (which would let the other alternative match anywhere).
   */
  public static void validateRegexUnder(String prefix, String urlRegex) {
    String quoted = quotedPrefix(prefix);
    String rest = urlRegex.startsWith(quoted) ? urlRegex.substring(quoted.length()) : null;
    boolean under = rest != null && (rest.isEmpty()
        || (rest.charAt(0) == '/' && (rest.length() == 1 || "?*{".indexOf(rest.charAt(1)) < 0)));
    if (under) {
      try {
        under = RegexStructure.parse(urlRegex).alternatives.size() == 1;
      } catch (RegexStructure.Refused | RegexStructure.Unparseable e) {
        under = false;
      }
    }
    if (!under) {
      throw new InvalidServiceException("The regex must lie under the service's route prefix " + prefix + ": start"
          + " with " + quoted + ", then '/' or nothing, with no top-level '|' (put alternatives in a group), such as "
          + quoted + "/items/[^/?#]+.");
    }
  }

  /** The prefix as a regex matching exactly itself (prefixes may hold '.', '+', '(' and the like). */
  public static String quotedPrefix(String prefix) {
    StringBuilder out = new StringBuilder(prefix.length() + 8);
    for (int i = 0; i < prefix.length(); i++) {
      char c = prefix.charAt(i);
      if (".+*?()[]{}^$|".indexOf(c) >= 0) {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }

  /** Segment-aware: "/api" covers "/api" and "/api/x" but not "/apix". */
  public static boolean covers(String prefix, String path) {
    return path.equals(prefix) || (path.startsWith(prefix) && path.charAt(prefix.length()) == '/');
  }

  static void validateUpstreams(List<URI> upstreams) {
    if (upstreams == null || upstreams.size() > MAX_UPSTREAMS) {
      throw new InvalidServiceException("Give up to " + MAX_UPSTREAMS + " upstream URLs, such as"
          + " [\"http://billing-1:8080\"] ([] leaves routing to a configured route covering the prefix); got "
          + (upstreams == null ? "none" : upstreams.size()) + ".");
    }
    Set<URI> seen = new HashSet<>();
    for (URI upstream : upstreams) {
      validateUpstream(upstream);
      if (!seen.add(upstream)) {
        throw new InvalidServiceException("The upstream " + upstream + " is listed more than once; list each once.");
      }
    }
  }

  /**
   * An upstream is a scheme, a host and an optional port: the gateway forwards the path it authorised, so a path,
   * query, fragment or user info here would be ignored or leak; they are refused instead.
   */
  public static URI parseUpstream(String text) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException | NullPointerException e) {
      throw new InvalidServiceException("The upstream " + shown(text) + " is not a URL; send one such as"
          + " \"http://billing-1:8080\".");
    }
    validateUpstream(uri);
    return uri;
  }

  private static void validateUpstream(URI uri) {
    boolean ok = uri != null && uri.isAbsolute() && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        && uri.getHost() != null && uri.getRawUserInfo() == null && uri.getRawQuery() == null
        && uri.getRawFragment() == null && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
        && uri.getPort() <= 65_535 && uri.getPort() != 0;
    if (!ok) {
      throw new InvalidServiceException("The upstream " + shown(uri == null ? null : uri.toString()) + " must be"
          + " http:// or https:// with a host and an optional port, and nothing else (no path, query, fragment or"
          + " user info), such as \"http://billing-1:8080\".");
    }
  }

  static void validateHealthCheck(Service.HealthCheck check) {
    if (check == null) {
      return;
    }
    String path = check.path();
    if (path == null || !path.startsWith("/") || path.length() > MAX_PREFIX_LENGTH
        || !path.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '#')) {
      throw new InvalidServiceException("The health check path must start with '/', be at most " + MAX_PREFIX_LENGTH
          + " printable ASCII characters with no spaces or '#', such as \"/health\"; got " + shown(path) + ".");
    }
    if (check.intervalMillis() < MIN_HEALTH_INTERVAL_MILLIS || check.intervalMillis() > MAX_HEALTH_INTERVAL_MILLIS) {
      throw new InvalidServiceException("The health check interval must be between " + MIN_HEALTH_INTERVAL_MILLIS
          + " and " + MAX_HEALTH_INTERVAL_MILLIS + " ms, got " + check.intervalMillis() + ".");
    }
  }

  private static String shown(String value) {
    if (value == null) {
      return "nothing";
    }
    return "\"" + (value.length() > 100 ? value.substring(0, 100) + "..." : value) + "\"";
  }

  /**
   * A route prefix, for configured routes and stored services alike: "/" or absolute segments without a trailing
   * slash, empty, dot or encoded segments, or characters a request target would carry differently.
   */
  public static boolean validPrefix(String prefix) {
    if (prefix.equals("/")) {
      return true;
    }
    if (!prefix.startsWith("/") || prefix.endsWith("/") || prefix.contains("//")
        || prefix.matches(".*[?#%\\\\;\\s].*")) {
      return false;
    }
    for (String segment : prefix.substring(1).split("/")) {
      if (segment.equals(".") || segment.equals("..")) {
        return false;
      }
    }
    return true;
  }
}
