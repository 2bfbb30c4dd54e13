package dev.gatehouse.gateway.config;

import java.util.List;

/** The configuration cannot be used. Lists every problem found, each naming the key, the value and what is expected. */
public final class ConfigException extends RuntimeException {
  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super("The gateway configuration has " + problems.size() + " problem(s):\n  - " + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
