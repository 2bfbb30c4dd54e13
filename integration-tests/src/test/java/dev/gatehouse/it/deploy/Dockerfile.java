package dev.gatehouse.it.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A Dockerfile as a list of instructions (continuation lines joined, comments dropped). */
final class Dockerfile {
  record Instruction(String keyword, String arguments) {}

  private final Path file;
  private final List<Instruction> instructions;

  private Dockerfile(Path file, List<Instruction> instructions) {
    this.file = file;
    this.instructions = instructions;
  }

  static Dockerfile read(Path file) throws IOException {
    List<Instruction> instructions = new ArrayList<>();
    StringBuilder pending = new StringBuilder();
    for (String line : Files.readAllLines(file)) {
      String trimmed = line.strip();
      if (trimmed.startsWith("#") || (trimmed.isEmpty() && pending.isEmpty())) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        pending.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      pending.append(trimmed);
      String whole = pending.toString().strip();
      pending.setLength(0);
      if (!whole.isEmpty()) {
        int space = whole.indexOf(' ');
        instructions.add(new Instruction(whole.substring(0, space).toUpperCase(Locale.ROOT),
            whole.substring(space + 1).strip()));
      }
    }
    return new Dockerfile(file, instructions);
  }

  Path file() {
    return file;
  }

  List<String> all(String keyword) {
    return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
  }

  /** The instructions of the last stage (after the last FROM): what the running image is made of. */
  List<String> finalStage(String keyword) {
    int lastFrom = 0;
    for (int i = 0; i < instructions.size(); i++) {
      if (instructions.get(i).keyword().equals("FROM")) {
        lastFrom = i;
      }
    }
    return instructions.subList(lastFrom, instructions.size()).stream()
        .filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
  }

  /** The image names of the FROM lines, without {@code AS stage}. */
  List<String> baseImages() {
    return all("FROM").stream().map(arguments -> arguments.split("\\s+")[0]).toList();
  }
}
