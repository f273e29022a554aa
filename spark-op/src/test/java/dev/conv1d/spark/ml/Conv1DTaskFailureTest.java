package dev.conv1d.spark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** Issue 8, task failures: under local[2,4], failed first attempts of gradient tasks leave the fit unchanged. */
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
}
