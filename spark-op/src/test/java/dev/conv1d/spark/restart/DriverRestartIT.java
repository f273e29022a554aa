package dev.conv1d.spark.restart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.conv1d.spark.ml.Conv1DModel;
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
 */
class DriverRestartIT {
  @TempDir Path tmp;

  private static long checkpoints(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) return 0;
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("iter-")).count();
    }
  }

  @Test
  void killedFitResumesToTheUninterruptedModel() throws Exception {
    Path dir = tmp.resolve("ckpt");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    for (String f : System.getProperty("conv1d.test.childJavaOptions", "").split("\\s+")) {
      if (!f.isBlank()) cmd.add(f);
    }
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
