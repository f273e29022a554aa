package dev.conv1d.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.conv1d.kernels.activation.Activations;
import dev.conv1d.kernels.conv.Conv1DOp;
import dev.conv1d.kernels.conv.Weights;
import dev.conv1d.kernels.spec.Conv1DSpec;
import dev.conv1d.kernels.spec.DataFormat;
import dev.conv1d.kernels.tensor.SequenceBatch;
import dev.conv1d.kernels.testing.Close;
import dev.conv1d.kernels.testing.NaiveConv1D;
import dev.conv1d.spark.testing.Sequences;
import dev.conv1d.spark.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.junit.jupiter.api.Test;

/** Every bad-input case: handleInvalid behaviour, or an error naming the column, the row and the rule. */
class Conv1DModelBadInputTest extends SparkTestBase {
  // 3 input channels, 2 filters, kernel size 2, bias.
  private static final float[][][] KERNEL = {{{1, 0}, {0, 1}, {1, 1}}, {{2, 0}, {0, 2}, {-1, 1}}};
  private static final float[] BIAS = {0.5f, -0.5f};

  private static final DataType NESTED = DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, true), true);
  private static final DataType FLAT = DataTypes.createArrayType(DataTypes.FloatType, true);

  private static Dataset<Row> frame(DataType type, Object... sequences) {
    StructType schema = new StructType().add("id", DataTypes.IntegerType).add("sequence", type);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < sequences.length; i++) rows.add(RowFactory.create(i, sequences[i]));
    return spark.createDataFrame(rows, schema).coalesce(1);
  }

  private static List<Float> f(float... v) {
    List<Float> out = new ArrayList<>();
    for (float x : v) out.add(x);
    return out;
  }

  private static final List<List<Float>> GOOD = List.of(f(1, 2, 3), f(4, 5, 6), f(7, 8, 9));

  private static Conv1DModel model() {
    return Conv1DModel.fromWeights(KERNEL, BIAS);
  }

  /** The message of the whole cause chain (Spark wraps task failures). */
  private static String messages(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) sb.append(c.getMessage()).append('\n');
    return sb.toString();
  }

  private static void assertFailsWith(Dataset<Row> out, String... parts) {
    Exception e = assertThrows(Exception.class, out::collectAsList);
    String m = messages(e);
    for (String p : parts) assertTrue(m.contains(p), "message should contain '" + p + "':\n" + m);
  }

  /** Each bad row: error names column/row/rule; skip drops exactly it; keep gives it a null output. */
  private static void checkBadRow(Conv1DModel m, Dataset<Row> df, String... parts) {
    List<String> all = new ArrayList<>(Arrays.asList(parts));
    all.add("input column 'sequence'");
    all.add("row 1 of partition 0");
    assertFailsWith(m.setHandleInvalid("error").transform(df), all.toArray(new String[0]));
    List<Row> skipped = m.setHandleInvalid("skip").transform(df).collectAsList();
    assertEquals(2, skipped.size());
    assertEquals(0, skipped.get(0).getInt(0));
    assertEquals(2, skipped.get(1).getInt(0));
    List<Row> kept = m.setHandleInvalid("keep").transform(df).collectAsList();
    assertEquals(3, kept.size());
    assertNotNull(kept.get(0).get(2));
    assertNull(kept.get(1).get(2));
    assertNotNull(kept.get(2).get(2));
    assertTrue(m.transformSchema(df.schema()).apply("conv1d").nullable(), "keep makes the output nullable");
  }

  @Test
  void nullSequence() {
    checkBadRow(model(), frame(NESTED, GOOD, null, GOOD), "the sequence is null");
  }

  @Test
  void nullStepInsideNestedSequence() {
    List<List<Float>> bad = new ArrayList<>(GOOD);
    bad.set(1, null);
    checkBadRow(model(), frame(NESTED, GOOD, bad, GOOD), "step 1 is null");
  }

  @Test
  void nullElementInsideNestedSequence() {
    List<Float> step = f(1, 2, 3);
    step.set(2, null);
    checkBadRow(model(), frame(NESTED, GOOD, List.of(f(0, 0, 0), step), GOOD), "step 1, channel 2 is null");
  }

  @Test
  void nullElementInsideFlatSequence() {
    List<Float> bad = f(1, 2, 3, 4, 5, 6);
    bad.set(4, null);
    checkBadRow(model().setInputChannels(3), frame(FLAT, f(1, 2, 3, 4, 5, 6), bad, f(1, 2, 3)),
        "element 4 is null");
  }

  @Test
  void wrongChannelCount() {
    checkBadRow(model(), frame(NESTED, GOOD, List.of(f(1, 2, 3), f(1, 2)), GOOD),
        "step 1 has 2 channels; expected 3");
  }

  @Test
  void wrongChannelRowCountChannelsFirst() {
    Conv1DModel m = model().setDataFormat("channels_first");
    checkBadRow(m, frame(NESTED, GOOD, List.of(f(1, 2), f(3, 4)), GOOD), "it has 2 channel rows; expected 3");
  }

  @Test
  void raggedChannelsFirst() {
    Conv1DModel m = model().setDataFormat("channels_first");
    checkBadRow(m, frame(NESTED, GOOD, List.of(f(1, 2, 3), f(1, 2), f(1, 2, 3)), GOOD),
        "ragged channel rows: channel row 1 has 2 steps but channel row 0 has 3");
  }

  @Test
  void flatLengthNotMultipleOfChannels() {
    checkBadRow(model().setInputChannels(3), frame(FLAT, f(1, 2, 3), f(1, 2, 3, 4), f(1, 2, 3)),
        "it has 4 values, not a multiple of inputChannels = 3");
  }

  @Test
  void sparseVector() {
    Dataset<Row> df = frame(SQLDataTypes.VectorType(), Vectors.dense(1, 2, 3, 4, 5, 6),
        Vectors.sparse(6, new int[] {1}, new double[] {2}), Vectors.dense(1, 2, 3));
    checkBadRow(model().setInputChannels(3), df, "it is a sparse vector; expected a dense vector");
  }

  @Test
  void nanAndInfPropagateLikeTensorFlow() {
    float nan = Float.NaN, inf = Float.POSITIVE_INFINITY;
    List<List<Float>> seq = List.of(f(1, 2, 3), f(nan, 0, 0), f(0, 0, 0), f(0, inf, 0), f(1, 1, 1), f(-inf, 0, 0));
    Conv1DModel m = model().setPadding("same");
    List<Row> rows = m.transform(frame(NESTED, seq)).collectAsList();
    float[] x = new float[18];
    for (int t = 0; t < 6; t++) for (int c = 0; c < 3; c++) x[t * 3 + c] = seq.get(t).get(c);
    Conv1DSpec spec = m.spec();
    SequenceBatch in = SequenceBatch.single(x, 6, 3, DataFormat.CHANNELS_LAST);
    Weights w = m.weights();
    SequenceBatch want = NaiveConv1D.forward(spec, w.kernelView(), w.biasView(), Activations.linear(), in);
    SequenceBatch kernel = Conv1DOp.of(spec, w, Activations.linear()).forward(in);
    SequenceBatch got = Sequences.output(rows.get(0).get(2), true, 2, DataFormat.CHANNELS_LAST);
    Close.check("NaN/Inf vs oracle", got, want, 1e-6);
    Close.check("NaN/Inf vs kernel", got, kernel, 0);
    assertTrue(Float.isNaN(got.get(0, 0, 0)), "NaN at step 1 reaches output step 0 (taps 0..1)");
    assertTrue(Float.isInfinite(got.get(0, 2, 1)) || Float.isNaN(got.get(0, 2, 1)));
  }

  @Test
  void emptySequenceGivesEmptyOutput() {
    List<Row> last = model().setPadding("same").transform(frame(NESTED, List.of(), GOOD)).collectAsList();
    assertEquals(0, last.get(0).getList(2).size());
    assertEquals(3, last.get(1).getList(2).size());
    List<Row> first = model().setDataFormat("channels_first").transform(
        frame(NESTED, List.of(f(), f(), f()))).collectAsList();
    assertEquals(2, first.get(0).getList(2).size(), "channels_first keeps one (empty) row per filter");
    assertEquals(0, ((scala.collection.Seq<?>) first.get(0).getList(2).get(0)).size());
    List<Row> flat = model().setInputChannels(3).transform(frame(FLAT, f())).collectAsList();
    assertEquals(0, flat.get(0).getList(2).size());
  }

  @Test
  void shorterThanReceptiveFieldGivesEmptyOutputWithValidPadding() {
    List<Row> rows = model().setDilationRate(3).transform(frame(NESTED, List.of(f(1, 2, 3), f(4, 5, 6)), GOOD))
        .collectAsList();
    assertEquals(0, rows.get(0).getList(2).size(), "receptive field 4 > length 2");
    assertEquals(0, rows.get(1).getList(2).size(), "receptive field 4 > length 3");
    List<Row> same = model().setDilationRate(3).setPadding("same").transform(frame(NESTED, GOOD)).collectAsList();
    assertEquals(3, same.get(0).getList(2).size());
  }

  private static void assertSchemaError(Conv1DModel m, Dataset<Row> df, String... parts) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.transform(df),
        "fails on the driver, before any job");
    for (String p : parts) assertTrue(e.getMessage().contains(p), "message should contain '" + p + "': " + e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> m.transformSchema(df.schema()));
  }

  @Test
  void wrongColumnType() {
    Dataset<Row> df = spark.sql("SELECT 1 AS id, array('a', 'b') AS sequence");
    assertSchemaError(model(), df, "input column 'sequence' has type array<string>", "expected array<array<float|double>>");
    Dataset<Row> ints = spark.sql("SELECT 1 AS id, array(array(1, 2, 3)) AS sequence");
    assertSchemaError(model(), ints, "input column 'sequence' has type array<array<int>>");
  }

  @Test
  void missingColumn() {
    Dataset<Row> df = frame(NESTED, GOOD);
    assertSchemaError(model().setInputCol("signal"), df, "input column 'signal' does not exist", "[id, sequence]");
  }

  @Test
  void outputColumnExists() {
    Dataset<Row> df = frame(NESTED, GOOD);
    assertSchemaError(model().setOutputCol("id"), df, "output column 'id' already exists");
  }

  @Test
  void flatInputNeedsMatchingInputChannels() {
    Dataset<Row> df = frame(FLAT, f(1, 2, 3));
    assertSchemaError(model(), df, "input column 'sequence' is flat", "inputChannels must be set", "need 3");
    assertSchemaError(model().setInputChannels(4), df, "inputChannels = 4", "weights need 3 input channels");
  }

  @Test
  void incompatibleParams() {
    Dataset<Row> df = frame(NESTED, GOOD);
    assertSchemaError(model().setStrides(2).setDilationRate(2), df, "incompatible params",
        "not compatible with dilation_rate");
    assertSchemaError(model().setGroups(4), df, "incompatible params", "filters (2) must be divisible by groups");
    assertSchemaError(Conv1DModel.fromWeights(KERNEL, BIAS).setUseBias(false), df, "useBias = false",
        "has bias");
    assertSchemaError(Conv1DModel.fromWeights(KERNEL, null).setUseBias(true), df, "useBias = true", "has no bias");
  }

  @Test
  void invalidParamValuesAreRejectedBySetters() {
    assertThrows(IllegalArgumentException.class, () -> model().setPadding("full"));
    assertThrows(IllegalArgumentException.class, () -> model().setDataFormat("NWC"));
    assertThrows(IllegalArgumentException.class, () -> model().setStrides(0));
    assertThrows(IllegalArgumentException.class, () -> model().setHandleInvalid("ignore"));
    assertThrows(IllegalArgumentException.class, () -> model().setActivation("no_such_activation"));
    assertThrows(IllegalArgumentException.class, () -> model().setBatchSize(0));
    assertThrows(IllegalArgumentException.class, () -> model().setMaxBatchBytes(10));
    assertThrows(IllegalArgumentException.class, () -> model().setInputCol(""));
  }
}
