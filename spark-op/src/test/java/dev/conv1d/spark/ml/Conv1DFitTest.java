package dev.conv1d.spark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.conv1d.spark.testing.SparkTestBase;
import dev.conv1d.spark.testing.TrainData;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Training behaviour: known filters recovered, lbfgs monotone, OWL-QN zeros, constraints, determinism. */
class Conv1DFitTest extends SparkTestBase {
  private static final int K = 3, C = 2, F = 2;
  private static final float[] TRUE_KERNEL = {0.8f, -0.5f, 0f, 0.3f, 0f, 0f, -0.7f, 0.2f, 0.5f, 0f, 0f, -0.4f};
  private static final float[] TRUE_BIAS = {0.2f, -0.1f};
  private static List<Row> rows;

  @BeforeAll
  static void data() {
    rows = TrainData.rows(TRUE_KERNEL, TRUE_BIAS, K, C, F, 300, 8, 24, 0.01, false, 11);
  }

  private static Dataset<Row> df(int partitions) {
    return TrainData.frame(spark, rows, partitions);
  }

  private static Conv1D base() {
    return new Conv1D().setFilters(F).setKernelSize(K).setSeed(7);
  }

  private static float maxDiff(float[] a, float[] b) {
    float m = 0;
    for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
    return m;
  }

  private static float[] flat(Conv1DModel m) {
    return m.weights().kernelCopy();
  }

  @Test
  void adamRecoversTheKnownFilter() {
    Conv1DModel m = base().setOptimizer("adam").setLearningRate(0.05).setMaxIter(200).setTol(0).fit(df(2));
    assertTrue(maxDiff(flat(m), TRUE_KERNEL) < 0.02, "kernel off by " + maxDiff(flat(m), TRUE_KERNEL));
    assertTrue(maxDiff(m.bias(), TRUE_BIAS) < 0.02, "bias off by " + maxDiff(m.bias(), TRUE_BIAS));
    Conv1DTrainingSummary s = m.summary();
    assertTrue(m.hasSummary());
    assertEquals(200, s.totalIterations());
    assertEquals(200, s.objectiveHistory().length);
    assertTrue(s.objectiveHistory()[199] < s.objectiveHistory()[0] / 100);
  }

  @Test
  void lbfgsRecoversTheKnownFilterMonotonically() {
    Conv1DModel m = base().setOptimizer("lbfgs").setMaxIter(40).setTol(1e-9).fit(df(3));
    assertTrue(maxDiff(flat(m), TRUE_KERNEL) < 5e-3, "kernel off by " + maxDiff(flat(m), TRUE_KERNEL));
    assertTrue(maxDiff(m.bias(), TRUE_BIAS) < 5e-3);
    double[] h = m.summary().objectiveHistory();
    assertTrue(h.length > 3);
    for (int i = 1; i < h.length; i++) assertTrue(h[i] <= h[i - 1], "objective rose at " + i + ": " + h[i - 1] + " -> " + h[i]);
    System.out.println(m.summary());
  }

  @Test
  void l1WithLbfgsGivesExactZeros() {
    Conv1DModel m = base().setOptimizer("lbfgs").setMaxIter(60).setKernelRegularizer("l1(0.02)").fit(df(2));
    float[] k = flat(m);
    int zeros = 0, trueZerosHit = 0;
    for (int i = 0; i < k.length; i++) {
      if (k[i] == 0f) zeros++;
      if (k[i] == 0f && TRUE_KERNEL[i] == 0f) trueZerosHit++;
    }
    assertTrue(trueZerosHit >= 4, "exact zeros where the true kernel is 0: " + trueZerosHit + " of 5; kernel "
        + java.util.Arrays.toString(k));
    assertTrue(zeros < k.length);
    double[] h = m.summary().objectiveHistory();
    for (int i = 1; i < h.length; i++) assertTrue(h[i] <= h[i - 1]);
    assertTrue(m.summary().kernelRegularizationHistory()[h.length - 1] > 0);
  }

  @Test
  void constraintsHoldAfterFit() {
    Conv1DModel m = base().setOptimizer("adam").setLearningRate(0.05).setMaxIter(30)
        .setKernelConstraint("max_norm(0.5)").setBiasConstraint("non_neg").fit(df(2));
    float[][][] k = m.kernel();
    for (int f = 0; f < F; f++) {
      double n = 0;
      for (int t = 0; t < K; t++) for (int c = 0; c < C; c++) n += k[t][c][f] * k[t][c][f];
      assertTrue(Math.sqrt(n) <= 0.5 + 1e-6, "filter " + f + " norm " + Math.sqrt(n));
    }
    for (float b : m.bias()) assertTrue(b >= 0);
    Conv1DModel nn = base().setOptimizer("sgd").setMomentum(0.9).setNesterov(true).setMaxIter(20)
        .setKernelConstraint("non_neg").fit(df(2));
    for (float v : flat(nn)) assertTrue(v >= 0);
    Conv1DModel lb = base().setOptimizer("lbfgs").setMaxIter(15).setKernelConstraint("max_norm(0.5)").fit(df(2));
    for (int f = 0; f < F; f++) {
      double n = 0;
      for (int t = 0; t < K; t++) for (int c = 0; c < C; c++) n += Math.pow(lb.kernel()[t][c][f], 2);
      assertTrue(Math.sqrt(n) <= 0.5 + 1e-6);
    }
  }

  @Test
  void sameSeedDataAndPartitioningGiveTheSameModel() {
    Conv1D est = base().setOptimizer("adam").setLearningRate(0.02).setMaxIter(15).setMiniBatchFraction(0.5)
        .setMaxBlockSizeInMB(0.001).setActivityRegularizer("l2(0.01)");
    Conv1DModel a = est.fit(df(4)), b = est.fit(df(4));
    assertArrayEquals(flat(a), flat(b));
    assertArrayEquals(a.bias(), b.bias());
    assertArrayEquals(a.summary().objectiveHistory(), b.summary().objectiveHistory());
  }

  /**
   * Issue 8: bitwise-identical fits whatever order tasks finish in. Tasks sleep random times so the merge order of
   * treeAggregate varies between runs (checked from the task end order the listener sees).
   */
  @Test
  void identicalWhateverOrderTasksFinishIn() throws Exception {
    List<List<Integer>> orders = new java.util.ArrayList<>();
    SparkListener l = new SparkListener() {
      @Override
      public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd e) {
        synchronized (orders) {
          if (orders.isEmpty()) orders.add(new java.util.ArrayList<>());
          orders.get(orders.size() - 1).add(e.taskInfo().partitionId() * 1000 + e.stageId() % 1000);
        }
      }
    };
    Conv1D est = base().setOptimizer("adam").setLearningRate(0.02).setMaxIter(6).setMaxBlockSizeInMB(0.002)
        .setActivityRegularizer("l1(0.001)").setKernelRegularizer("l2(0.01)");
    Dataset<Row> d = df(6);
    float[] first = null;
    spark.sparkContext().addSparkListener(l);
    dev.conv1d.spark.train.BlockGradient.testMaxDelayMs = 40;
    try {
      for (int run = 0; run < 3; run++) {
        synchronized (orders) {
          orders.add(new java.util.ArrayList<>());
        }
        Conv1DModel m = est.fit(d);
        float[] w = flat(m);
        if (first == null) first = w;
        else assertArrayEquals(first, w, "run " + run);
      }
    } finally {
      dev.conv1d.spark.train.BlockGradient.testMaxDelayMs = 0;
      spark.sparkContext().listenerBus().waitUntilEmpty();
      spark.sparkContext().removeSparkListener(l);
    }
    List<List<Integer>> partitionOrders = new java.util.ArrayList<>();
    for (List<Integer> o : orders) {
      List<Integer> p = new java.util.ArrayList<>();
      for (int v : o) p.add(v / 1000);
      if (!o.isEmpty()) partitionOrders.add(p);
    }
    assertTrue(new java.util.HashSet<>(partitionOrders).size() > 1, "task completion orders varied between runs");
  }

  @Test
  void fullBatchIsNearlyPartitionIndependent() {
    for (String opt : new String[] {"adam", "lbfgs"}) {
      Conv1D est = base().setOptimizer(opt).setLearningRate(0.02).setMaxIter(20).setTol(0);
      float[] a = flat(est.fit(df(1))), b = flat(est.fit(df(5)));
      for (int i = 0; i < a.length; i++) {
        assertEquals(a[i], b[i], 1e-5 * Math.max(1, Math.abs(a[i])), opt + " weight " + i);
      }
    }
  }

  @Test
  void notTrainableReturnsTheInitialWeightsWithoutAJob() throws Exception {
    AtomicInteger jobs = new AtomicInteger();
    SparkListener l = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart e) {
        jobs.incrementAndGet();
      }
    };
    Dataset<Row> d = df(2);
    d.count();
    spark.sparkContext().addSparkListener(l);
    try {
      Conv1DModel m = base().setInputChannels(C).setTrainable(false).fit(d);
      Conv1DModel m2 = base().setInputChannels(C).setTrainable(false).fit(d);
      assertArrayEquals(flat(m), flat(m2), "initializer is seeded");
      for (float b : m.bias()) assertEquals(0f, b);
      assertEquals(0, m.summary().totalIterations());
      spark.sparkContext().listenerBus().waitUntilEmpty();
      assertEquals(0, jobs.get(), "no Spark job");
      Conv1DModel warm = base().setInitialModel(m).setTrainable(false).fit(d);
      assertArrayEquals(flat(m), flat(warm));
    } finally {
      spark.sparkContext().removeSparkListener(l);
    }
  }

  @Test
  void checkpointedFitStoppedAndResumedEqualsUninterrupted(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
      throws Exception {
    Dataset<Row> d = df(3);
    for (String opt : new String[] {"adam", "lbfgs"}) {
      Conv1D est = base().setOptimizer(opt).setLearningRate(0.05).setTol(0).setKernelRegularizer("l2(0.01)")
          .setMiniBatchFraction(opt.equals("adam") ? 0.5 : 1.0);
      Conv1DModel whole = est.copy(new org.apache.spark.ml.param.ParamMap()).setMaxIter(9).fit(d);
      String dir = tmp.resolve(opt).toString();
      Conv1D ck = est.copy(new org.apache.spark.ml.param.ParamMap()).setCheckpointDir(dir).setCheckpointInterval(2);
      Conv1DModel stopped = ck.setMaxIter(5).fit(d); // checkpoints after 2 and 4 iterations
      assertTrue(java.nio.file.Files.exists(tmp.resolve(opt).resolve("iter-000000004.json")));
      Conv1DModel resumed = ck.setMaxIter(9).fit(d); // resumes from iteration 4
      assertArrayEquals(flat(whole), flat(resumed), opt);
      assertArrayEquals(whole.bias(), resumed.bias(), opt);
      assertArrayEquals(whole.summary().objectiveHistory(), resumed.summary().objectiveHistory(), opt);
      assertEquals(whole.summary().totalIterations(), resumed.summary().totalIterations());
      assertFalse(java.util.Arrays.equals(flat(stopped), flat(resumed)));
    }
    String m = assertThrows(IllegalArgumentException.class, () -> base().setOptimizer("sgd").setMaxIter(3)
        .setCheckpointDir(tmp.resolve("adam").toString()).setCheckpointInterval(1).fit(d)).getMessage();
    assertTrue(m.contains("checkpoint of a different fit"), m);
  }

  @Test
  void divergenceFailsClearlyAndUnpersists() {
    ArithmeticException e = assertThrows(ArithmeticException.class,
        () -> base().setOptimizer("sgd").setLearningRate(1e12).setMaxIter(20).fit(df(2)));
    assertTrue(e.getMessage().contains("not finite"), e.getMessage());
    assertTrue(spark.sparkContext().getPersistentRDDs().isEmpty());
  }

  @Test
  void warmStartContinuesFromTheInitialModel() {
    Conv1DModel first = base().setOptimizer("lbfgs").setMaxIter(10).fit(df(2));
    Conv1DModel second = base().setOptimizer("lbfgs").setMaxIter(5).setInitialModel(first).fit(df(2));
    double[] h1 = first.summary().objectiveHistory(), h2 = second.summary().objectiveHistory();
    assertEquals(h1[h1.length - 1], h2[0], 1e-9 * Math.abs(h2[0]) + 1e-12);
    assertFalse(second.summary().stopReason().isEmpty());
    Conv1DModel wrong = Conv1DModel.fromWeights(new float[4][C][F], new float[F]);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> base().setInitialModel(wrong).fit(df(2)));
    assertTrue(e.getMessage().contains("initial model"), e.getMessage());
  }
}
