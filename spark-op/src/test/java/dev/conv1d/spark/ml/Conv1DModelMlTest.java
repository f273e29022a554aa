package dev.conv1d.spark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.conv1d.spark.testing.SparkTestBase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spark ML conventions: params, copy and uids, Pipeline use, and persistence standalone and in a PipelineModel. */
class Conv1DModelMlTest extends SparkTestBase {
  private static final float[][][] KERNEL = {{{0.5f, -1, 2}, {1, 0.25f, 0}}, {{-0.5f, 1, 1}, {2, 0, -1}}};
  private static final float[] BIAS = {0.1f, 0.2f, -0.3f};

  @TempDir Path tmp;

  private static Dataset<Row> data() {
    return spark.sql("SELECT id, transform(sequence(0, CAST(id AS INT) + 4), i -> array(CAST(sin(i + id) AS FLOAT), "
        + "CAST(cos(i * id) AS FLOAT))) AS sequence, concat('row', id) AS tag FROM range(0, 20)");
  }

  private static Conv1DModel configured() {
    return Conv1DModel.fromWeights(KERNEL, BIAS).setPadding("causal").setDilationRate(2).setName("conv_a")
        .setOutputCol("y").setHandleInvalid("keep").setBatchSize(7).setMaxBatchBytes(4096);
  }

  private static List<Row> sorted(Dataset<Row> df) {
    return df.orderBy("id").collectAsList();
  }

  @Test
  void gettersAndDefaults() {
    Conv1DModel m = Conv1DModel.fromWeights(KERNEL, BIAS);
    assertEquals(2, m.getKernelSize());
    assertEquals(3, m.getFilters());
    assertEquals(2, m.getModelInputChannels());
    assertArrayEquals(BIAS, m.bias());
    for (int k = 0; k < 2; k++) for (int c = 0; c < 2; c++) assertArrayEquals(KERNEL[k][c], m.kernel()[k][c]);
    m.kernel()[0][0][0] = 99;
    assertEquals(0.5f, m.kernel()[0][0][0], "kernel() returns a copy");
    assertEquals(1, m.getStrides());
    assertEquals("valid", m.getPadding());
    assertEquals("channels_last", m.getDataFormat());
    assertEquals(1, m.getDilationRate());
    assertEquals(1, m.getGroups());
    assertEquals("linear", m.getActivation());
    assertTrue(m.getUseBias());
    assertEquals("conv1d", m.getName());
    assertEquals("sequence", m.getInputCol());
    assertEquals("conv1d", m.getOutputCol());
    assertEquals("error", m.getHandleInvalid());
    assertEquals(1024, m.getBatchSize());
    assertEquals(1L << 20, m.getMaxBatchBytes());
    assertFalse(m.isDefined(m.inputChannels()));
    assertFalse(Conv1DModel.fromWeights(KERNEL, null).getUseBias());
    assertNull(Conv1DModel.fromWeights(KERNEL, null).bias());
  }

  /** In the manner of Spark's ParamsSuite.checkParams: names, parents, docs and valid defaults. */
  @Test
  void paramsAreWellFormed() {
    Conv1DModel m = configured();
    Param<?>[] params = m.params();
    List<String> names = Stream.of(params).map(Param::name).collect(Collectors.toList());
    assertEquals(List.of("activation", "batchSize", "dataFormat", "dilationRate", "groups", "handleInvalid",
        "inputChannels", "inputCol", "maxBatchBytes", "name", "outputCol", "padding", "strides", "useBias"), names);
    for (Param<?> p : params) {
      assertEquals(m.uid(), p.parent(), p.name());
      assertSame(p, m.getParam(p.name()));
      assertTrue(m.explainParams().contains(p.name()));
      assertFalse(p.doc().isBlank());
      if (m.hasDefault(p)) {
        @SuppressWarnings("unchecked")
        Param<Object> q = (Param<Object>) p;
        assertTrue((Boolean) q.isValid().apply(m.getDefault(q).get()), "default of " + p.name() + " is valid");
      }
    }
  }

  /** In the manner of MLTestingUtils.checkCopyAndUids. */
  @Test
  void copyKeepsUidParamsWeightsAndParent() {
    Conv1DModel m = configured();
    Conv1DModel copy = m.copy(ParamMap.empty());
    assertNotSame(m, copy);
    assertEquals(m.uid(), copy.uid());
    assertEquals(m.parent(), copy.parent());
    assertEquals(m.extractParamMap().toString(), copy.extractParamMap().toString());
    assertSame(m.weights(), copy.weights());
    for (Param<?> p : copy.params()) assertEquals(copy.uid(), p.parent());
    Conv1DModel other = m.copy(new ParamMap().put(m.padding(), "same"));
    assertEquals("same", other.getPadding());
    assertEquals("causal", m.getPadding(), "the original is unchanged");
    Transformer t = m.copy(ParamMap.empty());
    assertEquals(sorted(m.transform(data())), sorted(t.transform(data())));
  }

  /** Like Spark's models, it survives Java serialization (e.g. captured in a user's closure). */
  @Test
  void javaSerializable() throws Exception {
    Conv1DModel m = configured();
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(m);
    }
    Conv1DModel back;
    try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
        new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      back = (Conv1DModel) in.readObject();
    }
    assertSameModel(m, back);
    assertEquals(sorted(m.transform(data())), sorted(back.transform(data())));
  }

  @Test
  void worksInsidePipeline() {
    SQLTransformer pre = new SQLTransformer().setStatement("SELECT *, id * 2 AS twice FROM __THIS__");
    Conv1DModel conv = configured();
    PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {pre, conv}).fit(data());
    List<Row> viaPipeline = sorted(fitted.transform(data()).drop("twice"));
    assertEquals(sorted(conv.transform(data())), viaPipeline);
    assertEquals(20, viaPipeline.size());
  }

  private static void assertSameModel(Conv1DModel a, Conv1DModel b) {
    assertEquals(a.uid(), b.uid());
    assertEquals(a.getClass(), b.getClass());
    for (Param<?> p : a.params()) {
      assertEquals(a.isSet(p), b.isSet(b.getParam(p.name())), "isSet " + p.name());
      assertEquals(a.hasDefault(p), b.hasDefault(b.getParam(p.name())), "hasDefault " + p.name());
      if (a.isDefined(p)) assertEquals(a.getOrDefault(p), b.getOrDefault(b.getParam(p.name())), p.name());
    }
    assertArrayEquals(a.weights().kernelView(), b.weights().kernelView());
    assertArrayEquals(a.bias(), b.bias());
  }

  @Test
  void saveAndLoadRoundTrip() throws IOException {
    Conv1DModel m = configured();
    String path = tmp.resolve("model").toString();
    m.save(path);
    Conv1DModel loaded = Conv1DModel.load(path);
    assertSameModel(m, loaded);
    assertEquals(sorted(m.transform(data())), sorted(loaded.transform(data())));
    assertThrows(IOException.class, () -> m.save(path), "no silent overwrite");
    m.setActivation("linear").setStrides(1);
    m.write().overwrite().save(path);
    assertSameModel(m, Conv1DModel.read().load(path));
    assertTrue(Files.isDirectory(tmp.resolve("model/metadata")));
    String meta = Files.readString(Files.list(tmp.resolve("model/metadata"))
        .filter(f -> f.getFileName().toString().startsWith("part-")).findFirst().orElseThrow(),
        StandardCharsets.UTF_8);
    assertTrue(meta.startsWith("{") && meta.contains("\"class\":\"" + Conv1DModel.class.getName() + "\""), meta);
    assertTrue(meta.contains("\"padding\":\"causal\""), meta);
    try (Stream<Path> files = Files.list(tmp.resolve("model/data"))) {
      assertTrue(files.anyMatch(f -> f.toString().endsWith(".parquet")), "weights as Parquet");
    }
  }

  @Test
  void saveAndLoadWithoutBias() throws IOException {
    Conv1DModel m = Conv1DModel.fromWeights(KERNEL, null).setInputChannels(2);
    String path = tmp.resolve("nobias").toString();
    m.save(path);
    Conv1DModel loaded = Conv1DModel.load(path);
    assertSameModel(m, loaded);
    assertNull(loaded.bias());
    assertFalse(loaded.getUseBias());
  }

  @Test
  void pipelineModelSaveAndLoad() throws IOException {
    SQLTransformer pre = new SQLTransformer().setStatement("SELECT * FROM __THIS__ WHERE id >= 0");
    PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {pre, configured()}).fit(data());
    String path = tmp.resolve("pipeline").toString();
    fitted.write().overwrite().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    assertEquals(2, loaded.stages().length);
    assertSameModel((Conv1DModel) fitted.stages()[1], (Conv1DModel) loaded.stages()[1]);
    assertEquals(sorted(fitted.transform(data())), sorted(loaded.transform(data())));
    // An unfitted Pipeline holding the model saves and loads too.
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {configured()});
    pipeline.write().overwrite().save(tmp.resolve("unfitted").toString());
    Pipeline back = Pipeline.load(tmp.resolve("unfitted").toString());
    assertTrue(back.getStages()[0] instanceof Conv1DModel);
  }

  /**
   * transform is lazy, as Spark ML transformers are: no job runs until an action, even with a shuffle upstream
   * (adaptive execution would run the shuffle's stages as soon as the plan became an RDD).
   */
  @Test
  void transformRunsNoJobUntilAnAction() throws Exception {
    org.apache.spark.SparkContext sc = spark.sparkContext();
    Dataset<Row> upstream = data().repartition(3).join(data().select("id").repartition(2), "id");
    sc.setJobGroup("conv1d-lazy", "transform only", false);
    Dataset<Row> out;
    Dataset<Row> again;
    try {
      out = configured().transform(upstream);
      again = new PipelineModel("p", new Transformer[] {configured()}).transform(upstream);
      out.schema();
    } finally {
      sc.clearJobGroup();
    }
    sc.setJobGroup("conv1d-action", "the action", false);
    long n;
    try {
      n = out.count() + again.count();
    } finally {
      sc.clearJobGroup();
    }
    assertEquals(40, n);
    // Listener events arrive in order: once the action's jobs are visible, any job started before them is too.
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (sc.statusTracker().getJobIdsForGroup("conv1d-action").length == 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(sc.statusTracker().getJobIdsForGroup("conv1d-action").length > 0, "the action's jobs are tracked");
    assertEquals(0, sc.statusTracker().getJobIdsForGroup("conv1d-lazy").length, "jobs run by transform alone");
  }
}
