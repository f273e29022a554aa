package dev.conv1d.spark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.conv1d.spark.testing.SparkTestBase;
import dev.conv1d.spark.testing.TrainData;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spark ML conventions for the estimator: params, errors before any iteration, persistence, Pipeline, tuning. */
class Conv1DEstimatorMlTest extends SparkTestBase {
  private static final int K = 3, C = 2, F = 2;
  private static List<Row> rows;

  @TempDir Path tmp;

  @BeforeAll
  static void data() {
    rows = TrainData.rows(TrainData.randomKernel(K * C * F, 5), new float[] {0.1f, 0.2f}, K, C, F, 120, 6, 16, 0.05,
        true, 13);
  }

  private static Dataset<Row> df() {
    return TrainData.frame(spark, rows, 2);
  }

  private static Conv1D base() {
    return new Conv1D().setFilters(F).setKernelSize(K).setMaxIter(10).setLearningRate(0.05);
  }

  @Test
  void defaultsAndValidators() {
    Conv1D e = new Conv1D();
    assertEquals("glorot_uniform", e.getKernelInitializer());
    assertEquals("zeros", e.getBiasInitializer());
    assertEquals("None", e.getKernelRegularizer());
    assertEquals("mse", e.getLoss());
    assertEquals("none", e.getPooling());
    assertEquals("adam", e.getOptimizer());
    assertEquals(0.001, e.getLearningRate());
    assertEquals(0.01, new Conv1D().setOptimizer("sgd").getLearningRate());
    assertEquals(2, e.getAggregationDepth());
    assertEquals(1.0, e.getMiniBatchFraction());
    assertEquals(100, e.getMaxIter());
    assertTrue(e.getTrainable());
    assertTrue(e.getUseBias());
    assertEquals("label", e.getLabelCol());
    assertEquals("conv1d", e.getName());
    assertThrows(IllegalArgumentException.class, () -> e.setKernelRegularizer("l3(0.1)"));
    assertThrows(IllegalArgumentException.class, () -> e.setKernelInitializer("glorot_sideways"));
    assertThrows(IllegalArgumentException.class, () -> e.setKernelConstraint("max_norm(-1)"));
    assertThrows(IllegalArgumentException.class, () -> e.setLoss("huber(delta=-1)"));
    assertThrows(IllegalArgumentException.class, () -> e.setPooling("average"));
    assertThrows(IllegalArgumentException.class, () -> e.setOptimizer("rmsprop"));
    assertThrows(IllegalArgumentException.class, () -> e.setMiniBatchFraction(0));
    assertThrows(IllegalArgumentException.class, () -> e.setAggregationDepth(1));
    assertThrows(IllegalArgumentException.class, () -> e.setActivation("relu7"));
    e.setLoss("huber(delta=0.5)").setKernelRegularizer("l1_l2(l1=0.01, l2=0.001)").setBiasConstraint("non_neg");
    Conv1D c = e.copy(ParamMap.empty());
    assertEquals(e.uid(), c.uid());
    assertEquals("huber(delta=0.5)", c.getLoss());
  }

  /** In the manner of Spark's MLTestingUtils.checkCopyAndUids: the fitted model and its copy. */
  @Test
  void fittedModelCopyAndUids() {
    Conv1D est = base().setMaxIter(2);
    Conv1DModel m = est.fit(df());
    assertEquals(est.uid(), m.uid(), "a model has its estimator's uid");
    assertSame(est, m.parent());
    for (Param<?> p : est.params()) assertEquals(est.uid(), p.parent());
    for (Param<?> p : m.params()) assertEquals(m.uid(), p.parent());
    Conv1DModel copy = m.copy(ParamMap.empty());
    assertNotSame(m, copy);
    assertEquals(m.uid(), copy.uid());
    assertSame(est, copy.parent(), "the copy keeps the parent");
    assertEquals(m.extractParamMap().toString(), copy.extractParamMap().toString());
    for (Param<?> p : copy.params()) assertEquals(copy.uid(), p.parent());
  }

  private static String errorOf(Conv1D est, Dataset<Row> d) {
    String m = assertThrows(IllegalArgumentException.class, () -> est.fit(d)).getMessage();
    assertTrue(spark.sparkContext().getPersistentRDDs().isEmpty(), "blocks unpersisted after a failed fit");
    return m;
  }

  @Test
  void badInputFailsBeforeTheFirstIteration() {
    Dataset<Row> d = df();
    String m = errorOf(base().setLabelCol("nope"), d);
    assertTrue(m.contains("label column 'nope' does not exist"), m);
    m = errorOf(base().setLabelCol("weight"), d);
    assertTrue(m.contains("label column 'weight' has type double"), m);
    m = errorOf(base().setLabelCol("id").setPooling("global_average"), d);
    assertTrue(m.contains("expected one value per filter"), m);
    m = errorOf(base(), d.withColumn("label", functions.expr("slice(label, 2, 1000)")));
    assertTrue(m.contains("labelCol 'label'") && m.contains("steps") && m.contains("row "), m);
    m = errorOf(base(), d.withColumn("label", functions.expr("IF(id = 17, NULL, label)")));
    assertTrue(m.contains("labelCol 'label' is null") && m.contains("row "), m);
    m = errorOf(base(), d.withColumn("sequence", functions.expr(
        "IF(id = 5, transform(sequence, s -> array(s[0], CAST('NaN' AS FLOAT))), sequence)")));
    assertTrue(m.contains("inputCol 'sequence'") && m.contains("NaN"), m);
    m = errorOf(base().setWeightCol("w"), d.withColumn("w", functions.expr("IF(id = 3, -1.0, 1.0)")));
    assertTrue(m.contains("weightCol 'w'"), m);
    m = errorOf(base().setLoss("sparse_categorical_crossentropy").setPooling("global_max").setLabelCol("cls"),
        d.withColumn("cls", functions.expr("CAST(id % 5 AS INT)")));
    assertTrue(m.contains("class") && m.contains("filters = 2"), m);
    m = errorOf(base().setInitialModel(Conv1DModel.fromWeights(new float[K][C][F + 1], new float[F + 1])), d);
    assertTrue(m.contains("initial model's kernel has shape [3, 2, 3]"), m);
    m = errorOf(base().setInitialModel(Conv1DModel.fromWeights(new float[K][C][F], null)), d);
    assertTrue(m.contains("initial model has no bias"), m);
    m = errorOf(base().setOptimizer("lbfgs").setMiniBatchFraction(0.5), d);
    assertTrue(m.contains("full batch"), m);
    m = errorOf(base().setKernelSize(40), d);
    assertTrue(m.contains("too short"), m);
    assertThrows(IllegalArgumentException.class, () -> new Conv1D().setKernelSize(3).fit(d));
    m = errorOf(base().setGroups(3), d);
    assertTrue(m.contains("groups"), m);
    m = errorOf(base().setValidationIndicatorCol("id"), d);
    assertTrue(m.contains("expected boolean"), m);
    Conv1DModel skipping = base().setMaxIter(2).setHandleInvalid("skip")
        .fit(d.withColumn("label", functions.expr("IF(id % 10 = 3, NULL, label)")));
    assertEquals(12, skipping.summary().skippedRows(), "rows with a null label skipped");
    m = errorOf(base(), d.where("id < 0"));
    assertTrue(m.contains("no non-null rows") || m.contains("no training rows"), m);
  }

  @Test
  void persistenceOfEstimatorAndModel() throws Exception {
    Conv1D est = base().setKernelRegularizer("l2(0.01)").setLoss("huber(delta=0.5)").setOptimizer("sgd")
        .setMomentum(0.5).setName("conv_x").setWeightCol("weight").setSeed(99);
    String p = tmp.resolve("est").toString();
    est.write().overwrite().save(p);
    Conv1D back = Conv1D.load(p);
    assertEquals(est.uid(), back.uid());
    assertEquals("l2(0.01)", back.getKernelRegularizer());
    assertEquals("huber(delta=0.5)", back.getLoss());
    assertEquals(0.5, back.getMomentum());
    assertEquals(99L, back.getSeed());
    assertEquals("weight", back.getWeightCol());
    Conv1DModel a = est.fit(df()), b = back.fit(df());
    assertTrue(spark.sparkContext().getPersistentRDDs().isEmpty(), "blocks unpersisted after fit");
    assertArrayEquals(a.weights().kernelView(), b.weights().kernelView());
    String mp = tmp.resolve("model").toString();
    a.write().overwrite().save(mp);
    Conv1DModel loaded = Conv1DModel.load(mp);
    assertArrayEquals(a.weights().kernelView(), loaded.weights().kernelView());
    assertArrayEquals(a.bias(), loaded.bias());
    assertEquals("conv_x", loaded.getName());
    assertFalse(loaded.hasSummary());
    List<Row> x = a.transform(df()).orderBy("id").select("conv1d").collectAsList();
    List<Row> y = loaded.transform(df()).orderBy("id").select("conv1d").collectAsList();
    assertEquals(x, y);
  }

  /** Pooled regression: one value per sequence, read by a RegressionEvaluator after a SQL mean over steps. */
  private static Dataset<Row> pooledData() {
    return df().withColumn("target", functions.expr(
        "aggregate(transform(label, s -> s[0]), 0D, (a, b) -> a + b) / size(label)"));
  }

  @Test
  void insideAPipelineAndACrossValidator() throws Exception {
    Conv1D conv = new Conv1D().setFilters(1).setKernelSize(K).setPooling("global_average").setLabelCol("target")
        .setOptimizer("lbfgs").setMaxIter(8).setOutputCol("features_seq");
    SQLTransformer mean = new SQLTransformer().setStatement("SELECT *, aggregate(transform(features_seq, s -> "
        + "CAST(s[0] AS DOUBLE)), 0D, (a, b) -> a + b) / size(features_seq) AS prediction FROM __THIS__");
    Pipeline pipe = new Pipeline().setStages(new PipelineStage[] {conv, mean});
    Dataset<Row> d = pooledData();
    PipelineModel pm = pipe.fit(d);
    RegressionEvaluator ev = new RegressionEvaluator().setLabelCol("target").setPredictionCol("prediction");
    double rmse = ev.evaluate(pm.transform(d));
    assertTrue(rmse < 0.5, "rmse " + rmse);
    String p = tmp.resolve("pipe").toString();
    pm.write().overwrite().save(p);
    assertEquals(pm.transform(d).orderBy("id").select("prediction").collectAsList(),
        PipelineModel.load(p).transform(d).orderBy("id").select("prediction").collectAsList());

    // Tuning over filters: the label is a class per sequence (sparse crossentropy on globally averaged logits),
    // the prediction the argmax over filters of the output's mean over steps.
    Dataset<Row> dc = d.withColumn("cls", functions.expr("CAST(target > 0.1 AS INT)"));
    Conv1D clf = new Conv1D().setKernelSize(K).setPooling("global_average").setLabelCol("cls")
        .setLoss("sparse_categorical_crossentropy").setFromLogits(true).setOptimizer("lbfgs").setMaxIter(10)
        .setOutputCol("logits_seq");
    SQLTransformer argmax = new SQLTransformer().setStatement("SELECT *, CAST(array_position(m, array_max(m)) - 1 "
        + "AS DOUBLE) AS prediction FROM (SELECT *, transform(sequence(0, size(logits_seq[0]) - 1), j -> "
        + "aggregate(transform(logits_seq, s -> CAST(s[j] AS DOUBLE)), 0D, (a, b) -> a + b)) AS m FROM __THIS__)");
    Pipeline cpipe = new Pipeline().setStages(new PipelineStage[] {clf, argmax});
    ParamMap[] grid = new ParamGridBuilder().addGrid(clf.filters(), new int[] {2, 3})
        .addGrid(clf.kernelRegularizer(), scala.jdk.javaapi.CollectionConverters.asScala(
            List.of("l2(0.0001)", "l2(10.0)")).toSeq()).build();
    MulticlassClassificationEvaluator acc = new MulticlassClassificationEvaluator().setLabelCol("cls")
        .setPredictionCol("prediction").setMetricName("accuracy");
    CrossValidator cv = new CrossValidator().setEstimator(cpipe).setEstimatorParamMaps(grid)
        .setEvaluator(acc).setNumFolds(2).setSeed(1);
    CrossValidatorModel cvm = cv.fit(dc.withColumn("cls", functions.expr("CAST(cls AS DOUBLE)")));
    double[] metrics = cvm.avgMetrics();
    assertEquals(4, metrics.length);
    System.out.println("cross-validation accuracy " + java.util.Arrays.toString(metrics));
    ParamMap best = grid[argmax(metrics)];
    assertEquals("l2(0.0001)", best.apply(clf.kernelRegularizer()), "weak regularization wins");
    assertTrue(metrics[argmax(metrics)] > 0.8, "accuracy " + metrics[argmax(metrics)]);
  }

  private static int argmax(double[] v) {
    int b = 0;
    for (int i = 1; i < v.length; i++) if (v[i] > v[b]) b = i;
    return b;
  }

  @Test
  void summaryReportsEveryTermAndValidation() {
    Dataset<Row> d = df().withColumn("val", functions.expr("id % 4 = 0"));
    Conv1DModel m = base().setMaxIter(12).setKernelRegularizer("l2(0.01)").setBiasRegularizer("l1(0.01)")
        .setActivityRegularizer("l2(0.001)").setValidationIndicatorCol("val").fit(d);
    Conv1DTrainingSummary s = m.summary();
    assertEquals(12, s.totalIterations());
    double[] o = s.objectiveHistory();
    for (int i = 0; i < o.length; i++) {
      double sum = s.dataLossHistory()[i] + s.kernelRegularizationHistory()[i] + s.biasRegularizationHistory()[i]
          + s.activityRegularizationHistory()[i];
      assertEquals(o[i], sum, 1e-12);
      assertTrue(s.kernelRegularizationHistory()[i] > 0 && s.activityRegularizationHistory()[i] > 0);
      assertTrue(s.validationLossHistory()[i] > 0);
      assertTrue(s.iterationTimeMs()[i] > 0);
    }
    Conv1DModel early = base().setMaxIter(200).setLearningRate(0.5).setValidationIndicatorCol("val")
        .setEarlyStoppingPatience(2).setValidationTol(1e-3).fit(d);
    assertTrue(early.summary().totalIterations() < 200, early.summary().stopReason());
    assertTrue(early.summary().stopReason().startsWith("early stopping"));
  }

  @Test
  void iterationListenerSeesEverySummaryRowAndIsNotPersisted() throws Exception {
    for (String opt : new String[] {"adam", "lbfgs"}) {
      List<IterationRow> seen = new java.util.ArrayList<>();
      Conv1D est = base().setOptimizer(opt).setMaxIter(4).setIterationListener(seen::add);
      assertTrue(est.copy(ParamMap.empty()).getIterationListener() != null, "copy keeps the listener");
      Conv1DModel m = est.fit(df());
      Conv1DTrainingSummary s = m.summary();
      assertEquals(s.objectiveHistory().length, seen.size(), opt);
      for (int i = 0; i < seen.size(); i++) {
        assertEquals(i, seen.get(i).index());
        assertEquals(s.objectiveHistory()[i], seen.get(i).objective(), 0.0);
        assertEquals(s.dataLossHistory()[i], seen.get(i).dataLoss(), 0.0);
        assertEquals(s.iterationTimeMs()[i], seen.get(i).timeMs(), 0.0);
      }
      String path = tmp.resolve(opt).toString();
      est.write().save(path);
      Conv1D back = Conv1D.load(path);
      assertEquals(null, back.getIterationListener());
      assertEquals(opt, back.getOptimizer());
    }
  }
}
