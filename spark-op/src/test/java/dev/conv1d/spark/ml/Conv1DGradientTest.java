package dev.conv1d.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.conv1d.spark.testing.SparkTestBase;
import dev.conv1d.spark.testing.TrainData;
import dev.conv1d.spark.train.DistributedObjective;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;

/**
 * The gradient of the whole distributed objective (data loss, kernel, bias and activity regularizers, weights,
 * pooling, several partitions and blocks) against central finite differences of the same objective.
 */
class Conv1DGradientTest extends SparkTestBase {
  private static final int K = 3, C = 2, F = 3;

  private static Dataset<Row> data(int n) {
    List<Row> rows = TrainData.rows(TrainData.randomKernel(K * C * F, 1), new float[] {0.1f, -0.2f, 0.3f}, K, C, F,
        n, 5, 12, 0.3, true, 2);
    return TrainData.frame(spark, rows, 3);
  }

  private static void check(Conv1D est, Dataset<Row> df, long seed) {
    try (Conv1D.Problem p = est.objective(df)) {
      double[] theta = p.initialWeights();
      Random r = new Random(seed);
      for (int i = 0; i < theta.length; i++) theta[i] = (float) (theta[i] + 0.2 * r.nextGaussian());
      DistributedObjective.Eval e = p.evaluate(theta);
      assertEquals(e.objective, e.dataLoss + e.kernelReg + e.biasReg + e.activityReg, 1e-12);
      double worst = 0;
      for (int i = 0; i < theta.length; i++) {
        double[] plus = theta.clone(), minus = theta.clone();
        plus[i] = (float) (theta[i] + 1e-3);
        minus[i] = (float) (theta[i] - 1e-3);
        double fd = (p.evaluate(plus).objective - p.evaluate(minus).objective) / (plus[i] - minus[i]);
        double err = Math.abs(fd - e.gradient[i]) / Math.max(1e-2, Math.abs(fd));
        worst = Math.max(worst, err);
        if (err >= 2e-2) {
          // A kink (max pooling's argmax, relu, |w|) inside [-h, h]: the gradient must lie between the one-sided
          // differences.
          double right = (p.evaluate(plus).objective - e.objective) / (plus[i] - theta[i]);
          double left = (e.objective - p.evaluate(minus).objective) / (theta[i] - minus[i]);
          double slack = 1e-3 + 1e-2 * Math.abs(fd);
          if (e.gradient[i] >= Math.min(left, right) - slack && e.gradient[i] <= Math.max(left, right) + slack) {
            continue;
          }
        }
        assertTrue(err < 2e-2, "coordinate " + i + ": analytic " + e.gradient[i] + " vs finite difference " + fd);
      }
      System.out.println("gradient check worst relative error " + worst);
    }
  }

  @Test
  void everyTermWithTanhWeightsAndManyBlocks() {
    Conv1D est = new Conv1D().setFilters(F).setKernelSize(K).setActivation("tanh")
        .setKernelRegularizer("l1_l2(l1=0.01, l2=0.02)").setBiasRegularizer("l1_l2(l1=0.02, l2=0.03)")
        .setActivityRegularizer("l1_l2(l1=0.001, l2=0.01)").setWeightCol("weight").setMaxBlockSizeInMB(0.002);
    Dataset<Row> df = data(60);
    try (Conv1D.Problem p = est.objective(df)) {
      assertTrue(p.blockCount() > 3, "several blocks per partition");
    }
    check(est, df, 3);
  }

  @Test
  void pooledBinaryCrossentropyFromLogits() {
    Dataset<Row> df = data(40).withColumn("cls",
        functions.expr("transform(sequence(1, 3), j -> CAST((id + j) % 2 AS DOUBLE))"));
    Conv1D est = new Conv1D().setFilters(F).setKernelSize(K).setLabelCol("cls").setPooling("global_average")
        .setLoss("binary_crossentropy").setFromLogits(true).setKernelRegularizer("l2(0.01)")
        .setActivityRegularizer("l2(0.01)");
    check(est, df, 4);
  }

  @Test
  void globalMaxSparseCategoricalCausalDilated() {
    Dataset<Row> df = data(40).withColumn("cls", functions.expr("CAST(id % 3 AS INT)"));
    Conv1D est = new Conv1D().setFilters(F).setKernelSize(K).setLabelCol("cls").setPooling("global_max")
        .setPadding("same").setDilationRate(2).setActivation("relu").setLoss("sparse_categorical_crossentropy")
        .setFromLogits(true).setBiasRegularizer("l2(0.1)");
    check(est, df, 5);
  }

  @Test
  void perStepCategoricalSoftmaxAndHuberSigmoid() {
    Dataset<Row> df = data(30);
    Conv1D est = new Conv1D().setFilters(F).setKernelSize(K).setActivation("softmax")
        .setLoss("categorical_crossentropy").setActivityRegularizer("l2(0.05)");
    Dataset<Row> probs = df.withColumn("label", functions.expr(
        "transform(label, s -> transform(s, v -> abs(v) / aggregate(s, 0D, (a, b) -> a + abs(b))))"));
    check(est, probs, 6);
    check(new Conv1D().setFilters(F).setKernelSize(K).setLoss("huber(0.5)").setActivation("sigmoid"), df, 7);
  }
}
