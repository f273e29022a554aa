package dev.conv1d.spark.restart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.conv1d.kernels.conv.ConvKernels;
import dev.conv1d.spark.ml.Conv1DModel;
import java.lang.management.ManagementFactory;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, driver restart: a checkpointed fit runs in a separate JVM, which is killed (SIGKILL) mid-training; a rerun
 * with the same checkpointDir resumes from the newest checkpoint and ends with the model of an uninterrupted fit.
 *
 * <p>The SIMD and scalar engines round differently, so the child must run the engine this JVM runs, however the
 * test was launched: it always gets the Vector API module and {@code -Dconv1d.kernel} naming this JVM's engine,
 * and reports the engine it ran, which the test compares.
 */
class DriverRestartIT {
  @TempDir Path tmp;

  private static long checkpoints(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) return 0;
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("iter-")).count();
    }
  }

  /**
   * Spark's --add-opens flags (from the build, or else this JVM's own), the Vector API module always, and the engine
   * of this JVM forced by name: the child computes with the same floats whatever flags launched this test.
   */
  static List<String> childJvmFlags() {
    List<String> flags = new ArrayList<>();
    String given = System.getProperty("conv1d.test.childJavaOptions", "");
    List<String> source = given.isBlank() ? ManagementFactory.getRuntimeMXBean().getInputArguments()
        : List.of(given.trim().split("\\s+"));
    for (String f : source) {
      if (f.startsWith("--add-opens") || f.startsWith("-Djdk.reflect.") || f.startsWith("-Dio.netty.")) flags.add(f);
    }
    flags.add("--add-modules=jdk.incubator.vector");
    flags.add("-Dconv1d.kernel=" + (ConvKernels.best() == ConvKernels.scalar() ? "scalar" : "panama"));
    return flags;
  }

  @Test
  void killedFitResumesToTheUninterruptedModel() throws Exception {
    Path dir = tmp.resolve("ckpt");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    cmd.addAll(childJvmFlags());
    cmd.add("-cp");
    cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    cmd.add(CheckpointedFitMain.class.getName());
    cmd.add(dir.toString());
    cmd.add("150");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile())
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (checkpoints(dir) < 3 && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(50);
    assertTrue(p.isAlive(), "child ended before it was killed: " + Files.readString(tmp.resolve("child.log")));
    p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    String log = Files.readString(tmp.resolve("child.log"));
    assertTrue(log.contains(CheckpointedFitMain.ENGINE_LINE + ConvKernels.best().name() + "\n"),
        "the child must run this JVM's engine " + ConvKernels.best().name() + "; its log: " + log);
    long done = checkpoints(dir);
    assertTrue(done >= 3 && done < CheckpointedFitMain.MAX_ITER, "killed after " + done + " checkpoints");

    SparkSession spark = SparkSession.builder().master("local[2]").appName("restart")
        .config("spark.ui.enabled", "false").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1").getOrCreate();
    try {
      Conv1DModel whole = CheckpointedFitMain.estimator().fit(CheckpointedFitMain.data(spark));
      Conv1DModel resumed = CheckpointedFitMain.estimator().setCheckpointDir(dir.toString()).setCheckpointInterval(1)
          .fit(CheckpointedFitMain.data(spark));
      assertArrayEquals(whole.weights().kernelView(), resumed.weights().kernelView());
      assertArrayEquals(whole.bias(), resumed.bias());
      assertArrayEquals(whole.summary().objectiveHistory(), resumed.summary().objectiveHistory());
      assertEquals(CheckpointedFitMain.MAX_ITER, resumed.summary().totalIterations());
    } finally {
      spark.stop();
    }
    assertTrue(new File(dir.toFile(), String.format("iter-%09d.json", CheckpointedFitMain.MAX_ITER)).exists());
  }
}
