package dev.gatehouse.openapi;

import java.util.List;

/** The spec cannot be imported as it is: every problem found, each a sentence saying what to fix. */
public final class SpecRefusedException extends RuntimeException {
  private final List<String> problems;

  public SpecRefusedException(String summary, List<String> problems) {
    super(summary + "\n- " + String.join("\n- ", problems), null, false, false);
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
