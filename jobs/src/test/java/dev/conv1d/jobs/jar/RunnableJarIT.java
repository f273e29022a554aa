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
    for (String c : new String[] {"demo", "generate", "train", "apply", "evaluate", "import"}) {
      assertTrue(h.out.contains(c), c + "\n" + h.describe());
    }
    Proc v = javaJar("--version");
    assertTrue(v.out.contains("Spark 4.2.0"), v.describe());
  }

  /** Issue 6: {@code java -jar <jar> demo}, a separate process with its defaults, succeeds well within 2 minutes. */
  @Test
  void demoWithPlainJavaJar() throws Exception {
    long t0 = System.nanoTime();
    Proc d = javaJar("demo");
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertEquals(0, d.code, d.describe());
    for (String step : new String[] {"1/4 generate", "2/4 train", "Training summary", "3/4 apply", "4/4 evaluate",
        "demo finished"}) {
      assertTrue(d.out.contains(step), step + "\n" + d.describe());
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("kernel relative L2 error ([0-9.]+), cosine "
        + "similarity ([0-9.]+)").matcher(d.out);
    assertTrue(m.find(), d.describe());
    assertTrue(Double.parseDouble(m.group(1)) < 0.05 && Double.parseDouble(m.group(2)) > 0.99, d.describe());
    assertFalse(d.err.contains("\tat "), d.describe());
    assertTrue(seconds < 120, "demo took " + seconds + " s");
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

  /**
   * spark-submit as on a cluster that provides Spark: SparkSubmit runs from a SPARK_HOME whose jars/ holds Spark and
   * its dependencies (this JVM's classpath without the project's own jars), the fat jar is the application jar, and
   * executors are separate JVMs ({@code local-cluster[2,1,1024]}) that get the jar through spark.jars. Generate runs
   * the project's code (a mapPartitions closure) on the executors, apply runs the model there.
   */
  @Test
  void sparkSubmitOnALocalCluster() throws Exception {
    Path home = work.resolve("spark-home");
    Path jars = home.resolve("jars");
    Files.createDirectories(jars);
    Files.write(home.resolve("RELEASE"), new byte[0]);
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Paths.get(entry);
      String name = p.getFileName().toString();
      if (!name.endsWith(".jar") || !Files.isRegularFile(p) || name.startsWith("conv1d") || name.startsWith("picocli")
          || name.startsWith("jhdf") || name.startsWith("surefire") || name.startsWith("junit")
          || name.startsWith("opentest4j") || name.startsWith("apiguardian")) {
        continue;
      }
      Path link = jars.resolve(name);
      if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) Files.createSymbolicLink(link, p.toAbsolutePath());
    }
    String flags = System.getProperty("conv1d.test.jvmFlags", "");
    String gen = work.resolve("submitted").toString();
    List<String> submit = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g"));
    submit.addAll(List.of(flags.trim().split("\\s+")));
    submit.addAll(List.of("-cp", jars + File.separator + "*", "org.apache.spark.deploy.SparkSubmit",
        "--master", "local-cluster[2,1,1024]", "--conf", "spark.executor.extraJavaOptions=" + flags.trim(),
        "--conf", "spark.ui.enabled=false", "--conf", "spark.driver.host=127.0.0.1",
        "--class", "dev.conv1d.jobs.Main", jar.toString()));
    List<String> generate = new ArrayList<>(submit);
    generate.addAll(List.of("generate", "-o", gen, "--rows", "40", "--length", "8:12", "--partitions", "4"));
    Proc g = runWithSparkHome(generate, home);
    assertEquals(0, g.code, g.describe());
    assertTrue(g.out.contains("generated 40 rows") && g.out.contains("in 4 partitions"), g.describe());
    List<String> apply = new ArrayList<>(submit);
    apply.addAll(List.of("apply", "--model", gen + "/true_model", "-i", gen + "/data", "-o", gen + "/applied"));
    Proc a = runWithSparkHome(apply, home);
    assertEquals(0, a.code, a.describe());
    assertTrue(a.out.contains("rows in: 40, rows out: 40"), a.describe());
  }

  private static Proc runWithSparkHome(List<String> command, Path home) throws IOException, InterruptedException {
    Path out = Files.createTempFile(work, "out", ".txt"), err = Files.createTempFile(work, "err", ".txt");
    ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().put("SPARK_HOME", home.toString());
    pb.environment().put("SPARK_SCALA_VERSION", "2.13");
    Process p = pb.start();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + command);
    }
    return new Proc(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
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
    Proc m = javaJar("--master", "bogus://x", "inspect", work.resolve("missing-model").toString());
    assertEquals(1, m.code, m.describe());
    assertEquals("conv1d inspect: error: Could not parse Master URL: 'bogus://x'", m.err.strip(), m.describe());
  }
}
