package dev.conv1d.jobs.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.conv1d.jobs.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** One in-process {@code conv1d} run: exit code, stdout and stderr. */
public final class CliRun {
  public final int code;
  public final String out;
  public final String err;
  private final String[] args;

  private CliRun(String[] args, int code, String out, String err) {
    this.args = args;
    this.code = code;
    this.out = out;
    this.err = err;
  }

  public static CliRun run(String... args) {
    ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
    int code;
    try (PrintStream po = new PrintStream(o, true, StandardCharsets.UTF_8);
        PrintStream pe = new PrintStream(e, true, StandardCharsets.UTF_8)) {
      code = Main.run(args, po, pe);
    }
    return new CliRun(args, code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
  }

  /** stderr without the progress lines of Spark stages and training iterations. */
  public List<String> errorLines() {
    return err.lines().filter(l -> !l.isBlank() && !l.matches("\\S+ stage \\d+.*") && !l.matches("apply: \\d+ rows in.*")
        && !l.matches("train iteration \\d+: .*"))
        .collect(Collectors.toList());
  }

  public CliRun ok() {
    assertEquals(0, code, () -> describe());
    return this;
  }

  /** Failed with exactly one clear line on stderr containing {@code fragment}, and no stack trace. */
  public CliRun failsWith(int expectedCode, String fragment) {
    assertEquals(expectedCode, code, () -> describe());
    List<String> lines = errorLines();
    assertEquals(1, lines.size(), () -> "one error line expected\n" + describe());
    assertTrue(lines.get(0).startsWith("conv1d"), () -> describe());
    assertTrue(lines.get(0).contains(fragment), () -> "expected '" + fragment + "'\n" + describe());
    assertFalse(err.contains("\tat "), () -> "no stack trace without --verbose\n" + describe());
    return this;
  }

  public String describe() {
    return "conv1d " + String.join(" ", Arrays.asList(args)) + "\nexit " + code + "\n--- stdout\n" + out
        + "--- stderr\n" + err;
  }
}
