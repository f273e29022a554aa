package dev.conv1d.spark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.conv1d.spark.exec.ArrowMemory;
import dev.conv1d.spark.exec.FaultHooks;
import dev.conv1d.spark.testing.TrainData;
import dev.conv1d.spark.train.BlockGradient;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 8, task failures: under local[2,4], failed first attempts of gradient tasks leave the fit unchanged, and
 * failed first attempts of transform tasks (after a batch ran) leave the transform output unchanged and no Arrow
 * memory behind.
 */
class Conv1DTaskFailureTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2,4]").appName("task-failures").config("spark.ui.enabled", "false")
        .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1").getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
  }

  @AfterAll
  static void stop() {
    BlockGradient.testFailFirstAttempts = false;
    FaultHooks.testFailFirstAttempts = false;
    if (spark != null) spark.stop();
    spark = null;
  }

  @Test
  void fitWithRetriedTasksEqualsFitWithout() throws Exception {
    float[] kernel = TrainData.randomKernel(3 * 2 * 2, 9);
    List<Row> rows = TrainData.rows(kernel, new float[] {0.1f, -0.3f}, 3, 2, 2, 120, 6, 14, 0.05, true, 4);
    Dataset<Row> df = TrainData.frame(spark, rows, 4);
    Conv1D est = new Conv1D().setFilters(2).setKernelSize(3).setMaxIter(6).setLearningRate(0.05)
        .setMiniBatchFraction(0.6).setWeightCol("weight").setKernelRegularizer("l2(0.01)");
    Conv1DModel clean = est.fit(df);
    AtomicInteger failed = new AtomicInteger();
    SparkListener l = new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd e) {
        if (!e.taskInfo().successful()) failed.incrementAndGet();
      }
    };
    spark.sparkContext().addSparkListener(l);
    BlockGradient.testFailFirstAttempts = true;
    Conv1DModel faulty;
    try {
      faulty = est.fit(df);
    } finally {
      BlockGradient.testFailFirstAttempts = false;
      spark.sparkContext().listenerBus().waitUntilEmpty();
      spark.sparkContext().removeSparkListener(l);
    }
    assertTrue(failed.get() >= 6 * 2, "failed task attempts: " + failed.get());
    assertArrayEquals(clean.weights().kernelView(), faulty.weights().kernelView());
    assertArrayEquals(clean.bias(), faulty.bias());
    assertArrayEquals(clean.summary().objectiveHistory(), faulty.summary().objectiveHistory());
  }

  /** Counts failed task attempts while {@code body} runs. */
  private static int failedAttempts(Runnable body) throws Exception {
    AtomicInteger failed = new AtomicInteger();
    SparkListener l = new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd e) {
        if (!e.taskInfo().successful()) failed.incrementAndGet();
      }
    };
    spark.sparkContext().addSparkListener(l);
    try {
      body.run();
    } finally {
      spark.sparkContext().listenerBus().waitUntilEmpty();
      spark.sparkContext().removeSparkListener(l);
    }
    return failed.get();
  }

  @Test
  void transformWithRetriedTasksEqualsTransformWithout() throws Exception {
    float[][][] kernel = {{{1, 0, -1}, {0.5f, 2, 0}}, {{0, 1, 1}, {-1, 0, 0.25f}}, {{2, -1, 0}, {1, 1, 1}}};
    Conv1DModel m = Conv1DModel.fromWeights(kernel, new float[] {0.5f, -1, 0}).setPadding("same")
        .setBatchSize(8).setMaxBatchBytes(4096);
    // 6 partitions, no shuffle; lengths 1..40 so some rows span several batches.
    Dataset<Row> df = spark.range(0, 600, 1, 6).selectExpr("id", "transform(sequence(0, CAST(id % 40 AS INT)), "
        + "i -> array(CAST((id * 7 + i * 13) % 17 AS FLOAT) / 8, CAST((id + i * 5) % 11 AS FLOAT) / 4 - 1)) AS sequence");
    List<Row> clean = m.transform(df).collectAsList();
    assertEquals(600, clean.size());
    List<List<Row>> faulty = new java.util.ArrayList<>();
    FaultHooks.testFailFirstAttempts = true;
    int failed;
    try {
      failed = failedAttempts(() -> faulty.add(m.transform(df).collectAsList()));
    } finally {
      FaultHooks.testFailFirstAttempts = false;
    }
    assertEquals(3, failed, "first attempts of partitions 0, 2 and 4 failed");
    assertEquals(clean, faulty.get(0));
    long deadline = System.nanoTime() + 20_000_000_000L;
    while ((ArrowMemory.openTaskAllocators() > 0 || ArrowMemory.allocatedBytes() > 0) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(0, ArrowMemory.openTaskAllocators(), "task allocators left open");
    assertEquals(0L, ArrowMemory.allocatedBytes(), "Arrow bytes still allocated");
  }
}
