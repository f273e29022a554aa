package dev.conv1d.jobs.jar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The runnable jar (target/conv1d.jar, built by `package`) started as separate processes, as users start it: plain
 * {@code java -jar} (flags from the manifest's Add-Opens, scalar kernel) and the bin/conv1d launcher (full flags,
 * Vector API). Runs under Failsafe in {@code mvn verify}.
 */
class RunnableJarIT {
  private static Path jar;
  private static Path launcher;
  private static Path work;

  @BeforeAll
  static void paths() throws IOException {
    String j = System.getProperty("conv1d.test.jar");
    assumeTrue(j != null, "run by Failsafe (mvn verify), which passes conv1d.test.jar");
    jar = Paths.get(j);
    assertTrue(Files.isRegularFile(jar), "runnable jar built by package: " + jar);
    launcher = Paths.get(System.getProperty("conv1d.test.launcher"));
    work = Paths.get(System.getProperty("conv1d.test.workDir"));
    if (Files.exists(work)) {
      try (var s = Files.walk(work)) {
        s.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    }
    Files.createDirectories(work);
  }

  private static final class Proc {
    final int code;
    final String out;
    final String err;

    Proc(int code, String out, String err) {
      this.code = code;
      this.out = out;
      this.err = err;
    }

    String describe() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private static Proc run(List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile(work, "out", ".txt"), err = Files.createTempFile(work, "err", ".txt");
    ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().put("CONV1D_JAR", jar.toString());
    pb.environment().put("CONV1D_JAVA_OPTS", "-Xmx1g");
    Process p = pb.start();
    if (!p.waitFor(240, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + command);
    }
    return new Proc(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private static Proc javaJar(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-jar", jar.toString()));
    cmd.addAll(List.of(args));
    return run(cmd);
  }

  private static Proc launcher(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("bash", launcher.toString()));
    cmd.addAll(List.of(args));
    return run(cmd);
  }

  @Test
  void helpAndVersionWithPlainJavaJar() throws Exception {
    Proc h = javaJar("--help");
    assertEquals(0, h.code, h.describe());
    assertTrue(h.out.contains("generate") && h.out.contains("import"), h.describe());
    Proc v = javaJar("--version");
    assertTrue(v.out.contains("Spark 4.2.0"), v.describe());
  }

  @Test
  void generateImportInspectApplyThroughTheLauncher() throws Exception {
    String gen = work.resolve("gen").toString(), model = work.resolve("imported").toString();
    Proc g = launcher("generate", "-o", gen, "--rows", "30", "--length", "8:12", "--channels", "2", "--filters", "3");
    assertEquals(0, g.code, g.describe());
    assertTrue(g.out.contains("generated 30 rows"), g.describe());
    Proc i = launcher("import", "--from", gen + "/true_weights.npz", "-o", model);
    assertEquals(0, i.code, i.describe());
    Proc s = launcher("inspect", model, "--compare-to", gen + "/true_kernel.npy");
    assertEquals(0, s.code, s.describe());
    assertTrue(s.out.contains("kernel (3, 2, 3)") && s.out.contains("relative L2 error 0.000"), s.describe());
    Proc a = javaJar("apply", "--model", model, "-i", gen + "/data", "-o", work.resolve("applied").toString());
    assertEquals(0, a.code, a.describe());
    assertTrue(a.out.contains("rows in: 30, rows out: 30"), a.describe());
  }

  @Test
  void errorsAreOneLineWithoutStackTrace() throws Exception {
    Proc e = javaJar("inspect", work.resolve("missing-model").toString());
    assertEquals(1, e.code, e.describe());
    List<String> ours = e.err.lines().filter(l -> l.startsWith("conv1d")).collect(Collectors.toList());
    assertEquals(List.of("conv1d inspect: error: " + work.resolve("missing-model") + ": no such model directory"),
        ours, e.describe());
    assertFalse(e.err.contains("\tat "), e.describe());
    Proc u = javaJar("generate", "--rows");
    assertEquals(2, u.code, u.describe());
  }
}
