package dev.conv1d.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.conv1d.kernels.activation.Activations;
import dev.conv1d.kernels.conv.Conv1DOp;
import dev.conv1d.kernels.conv.Weights;
import dev.conv1d.kernels.spec.Conv1DSpec;
import dev.conv1d.kernels.spec.DataFormat;
import dev.conv1d.kernels.spec.Padding;
import dev.conv1d.kernels.tensor.SequenceBatch;
import dev.conv1d.kernels.testing.Close;
import dev.conv1d.kernels.testing.NaiveConv1D;
import dev.conv1d.kernels.testing.RandomCases;
import dev.conv1d.kernels.tf.TfConv1D;
import dev.conv1d.spark.testing.Sequences;
import dev.conv1d.spark.testing.Sequences.Type;
import dev.conv1d.spark.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Local-mode results equal the kernel's, the naive oracle's and TensorFlow's for every input type, layout and
 * padding.
 */
class Conv1DModelTransformTest extends SparkTestBase {
  /** TensorFlow's conv1d, as Keras builds it (dilation through space-to-batch). */
  private static TfConv1D tf;

  @BeforeAll
  static void startTensorFlow() {
    tf = new TfConv1D();
  }

  @AfterAll
  static void closeTensorFlow() {
    if (tf != null) tf.close();
  }

  static Stream<Arguments> cases() {
    List<Arguments> all = new ArrayList<>();
    for (Type t : Type.values())
      for (DataFormat f : DataFormat.values())
        for (Padding p : Padding.values()) all.add(Arguments.of(t, f, p));
    return all.stream();
  }

  /** A layer exercising groups, and strides (valid) or dilation (causal) depending on the padding. */
  static Conv1DSpec spec(DataFormat fmt, Padding padding) {
    return Conv1DSpec.builder().inChannels(4).filters(6).kernelSize(3).groups(2)
        .strides(padding == Padding.VALID ? 2 : 1).dilationRate(padding == Padding.CAUSAL ? 2 : 1)
        .padding(padding).dataFormat(fmt).useBias(true).build();
  }

  static SequenceBatch batch(SplittableRandom r, Conv1DSpec spec, int count, int maxLen) {
    int[] offs = new int[count + 1];
    int[] fixed = {0, 1, spec.receptiveField() - 1, spec.receptiveField()};
    for (int i = 0; i < count; i++) {
      int len = i < fixed.length ? fixed[i] : r.nextInt(maxLen + 1);
      offs[i + 1] = offs[i] + len;
    }
    SequenceBatch b = SequenceBatch.allocate(offs, spec.inChannels(), spec.dataFormat());
    RandomCases.fill(r, b.values());
    return b;
  }

  static Conv1DModel model(Conv1DSpec spec, Weights w, Type type) {
    Conv1DModel m = Conv1DModel.fromWeights(w.kernel3d(), w.biasCopy()).setPadding(spec.padding().keras())
        .setDataFormat(spec.dataFormat().keras()).setStrides(spec.strides()).setDilationRate(spec.dilationRate())
        .setGroups(spec.groups());
    if (!type.nested()) m.setInputChannels(spec.inChannels());
    return m;
  }

  static List<Row> sortedById(Dataset<Row> df) {
    List<Row> rows = new ArrayList<>(df.collectAsList());
    rows.sort(Comparator.comparingInt(r -> r.getInt(0)));
    return rows;
  }

  /** Checks every output row against the kernel (tight) and the double-precision oracle. */
  static void checkOutputs(List<Row> rows, SequenceBatch x, Conv1DSpec spec, Weights w, Type type, String what) {
    Conv1DOp op = Conv1DOp.of(spec, w, Activations.linear());
    SequenceBatch want = op.forward(x);
    SequenceBatch oracle = NaiveConv1D.forward(spec, w.kernelView(), w.biasView(), Activations.linear(), x);
    SequenceBatch fromTf = tf.forward(spec, w.kernelCopy(), spec.useBias() ? w.biasCopy() : null, x);
    double tfScale = 1;
    for (float v : fromTf.values()) tfScale = Math.max(tfScale, Math.abs(v));
    assertEquals(x.count(), rows.size(), what + ": rows in = rows out");
    for (int i = 0; i < x.count(); i++) {
      Row row = rows.get(i);
      assertEquals(i, row.getInt(0));
      assertEquals("tag" + i, row.getString(2), "pass-through column");
      assertNotNull(row.get(3), what + ": output of row " + i);
      SequenceBatch got = Sequences.output(row.get(3), type.nested(), spec.filters(), spec.dataFormat());
      assertEquals(want.length(i), got.length(0), what + ": output length of row " + i);
      int n = want.length(i) * spec.filters();
      assertEquals(want.length(i), fromTf.length(i), what + ": TensorFlow's output length of row " + i);
      double[] e = new double[n], o = new double[n], t = new double[n];
      for (int k = 0; k < n; k++) {
        e[k] = want.values()[want.start(i) + k];
        o[k] = oracle.values()[oracle.start(i) + k];
        t[k] = fromTf.values()[fromTf.start(i) + k];
      }
      Close.check(what + " row " + i + " vs kernel", got.values(), 0, e, 1e-6);
      Close.check(what + " row " + i + " vs oracle", got.values(), 0, o, 1e-4);
      // As the kernels' TensorFlow comparison: max abs error <= 1e-4 * max(1, max|TF|).
      for (int k = 0; k < n; k++) {
        double err = Math.abs(got.values()[k] - t[k]);
        if (!(err <= 1e-4 * tfScale)) {
          throw new AssertionError(what + " row " + i + " vs TensorFlow: value " + k + " is " + got.values()[k]
              + ", TensorFlow " + t[k] + " (|error| " + err + " > " + 1e-4 * tfScale + ")");
        }
      }
    }
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("cases")
  void matchesKernelAndOracle(Type type, DataFormat fmt, Padding padding) {
    SplittableRandom r = new SplittableRandom(31L * type.ordinal() + 7L * fmt.ordinal() + padding.ordinal());
    Conv1DSpec spec = spec(fmt, padding);
    SequenceBatch x = batch(r, spec, 24, 40);
    Weights w = Weights.ofFlat(RandomCases.floats(r, spec.kernelLength()), spec.kernelSize(),
        spec.groupInChannels(), spec.filters(), RandomCases.floats(r, spec.filters()));
    Dataset<Row> df = spark.createDataFrame(Sequences.rows(x, type), Sequences.schema(type)).repartition(3);
    Conv1DModel m = model(spec, w, type);
    Dataset<Row> out = m.transform(df);
    StructType schema = out.schema();
    assertEquals(List.of("id", "sequence", "tag", "conv1d"), List.of(schema.fieldNames()));
    ArrayType expectType = type.nested()
        ? DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, false), false)
        : DataTypes.createArrayType(DataTypes.FloatType, false);
    assertEquals(expectType, schema.apply("conv1d").dataType());
    assertEquals(schema, m.transformSchema(df.schema()));
    checkOutputs(sortedById(out), x, spec, w, type, type + " " + fmt + " " + padding);
    // Tiny batches: rows split across many batches and windows must give the same answer.
    m.setBatchSize(3).setMaxBatchBytes(1024);
    checkOutputs(sortedById(m.transform(df)), x, spec, w, type, type + " " + fmt + " " + padding + " tiny batches");
  }

  @Test
  void randomSpecsWithSplitRows() {
    SplittableRandom r = new SplittableRandom(2024);
    for (int rep = 0; rep < 6; rep++) {
      Conv1DSpec spec = RandomCases.spec(r, false);
      SequenceBatch x = batch(r, spec, 12, 300);
      Weights w = Weights.ofFlat(RandomCases.floats(r, spec.kernelLength()), spec.kernelSize(),
          spec.groupInChannels(), spec.filters(), spec.useBias() ? RandomCases.floats(r, spec.filters()) : null);
      Type type = rep % 2 == 0 ? Type.NESTED_FLOAT : Type.FLAT_FLOAT;
      Dataset<Row> df = spark.createDataFrame(Sequences.rows(x, type), Sequences.schema(type));
      Conv1DModel m = model(spec, w, type).setMaxBatchBytes(1024 + r.nextInt(4096));
      checkOutputs(sortedById(m.transform(df)), x, spec, w, type, spec.toString());
    }
  }
}
