package dev.gatehouse.it.deploy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The options Keycloak itself declares (the {@code org.keycloak.config.*Options} classes of the unpacked server
 * distribution that local-stack builds), so deployment files can be checked for names Keycloak would ignore.
 */
final class KeycloakOptions {
  /** Option key (e.g. {@code db-url-host}, or a pattern for {@code db-kind-<datasource>}) → whether build-time. */
  private final Map<String, Boolean> buildTime;

  private KeycloakOptions(Map<String, Boolean> buildTime) {
    this.buildTime = buildTime;
  }

  static KeycloakOptions load(Path distribution) throws Exception {
    Path lib = distribution.resolve("lib/lib");
    if (!Files.isDirectory(lib)) {
      throw new AssertionError("the unpacked Keycloak distribution is missing at " + distribution
          + "; build local-stack first (mvn -pl integration-tests -am ...)");
    }
    List<URL> jars = new ArrayList<>();
    Path configApi = null;
    for (String dir : List.of("main", "boot")) {
      try (Stream<Path> files = Files.list(lib.resolve(dir))) {
        for (Path jar : files.filter(f -> f.toString().endsWith(".jar")).toList()) {
          jars.add(jar.toUri().toURL());
          if (jar.getFileName().toString().startsWith("org.keycloak.keycloak-config-api-")) {
            configApi = jar;
          }
        }
      }
    }
    if (configApi == null) {
      throw new AssertionError("no keycloak-config-api jar in " + lib.resolve("main"));
    }
    Map<String, Boolean> options = new TreeMap<>();
    try (URLClassLoader loader = new URLClassLoader(jars.toArray(URL[]::new), null);
        JarFile jar = new JarFile(configApi.toFile())) {
      Class<?> optionType = loader.loadClass("org.keycloak.config.Option");
      for (String className : optionClasses(jar)) {
        for (Field field : loader.loadClass(className).getFields()) {
          if (Modifier.isStatic(field.getModifiers()) && optionType.isAssignableFrom(field.getType())) {
            Object option = field.get(null);
            options.put((String) optionType.getMethod("getKey").invoke(option),
                (Boolean) optionType.getMethod("isBuildTime").invoke(option));
          }
        }
      }
    }
    if (options.size() < 100) {
      throw new AssertionError("read only " + options.size() + " Keycloak options from " + configApi);
    }
    return new KeycloakOptions(options);
  }

  private static List<String> optionClasses(JarFile jar) {
    return jar.stream().map(e -> e.getName())
        .filter(name -> name.matches("org/keycloak/config/[A-Za-z0-9]+Options\\.class"))
        .map(name -> name.substring(0, name.length() - ".class".length()).replace('/', '.')).toList();
  }

  /** The option an environment variable such as {@code KC_DB_URL_HOST} sets ({@code db-url-host}). */
  static String keyOf(String variable) {
    return variable.substring("KC_".length()).toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** null if Keycloak has no such option; else whether it is build-time (fixed by `kc.sh build`). */
  Boolean buildTime(String key) {
    Boolean exact = buildTime.get(key);
    if (exact != null) {
      return exact;
    }
    for (Map.Entry<String, Boolean> option : buildTime.entrySet()) {
      if (option.getKey().contains("<")) {
        String regex = Pattern.quote(option.getKey()).replaceAll("<[^>]+>", "\\\\E[a-z0-9-]+\\\\Q");
        if (key.matches(regex)) {
          return option.getValue();
        }
      }
    }
    return null;
  }
}
