package dev.conv1d.jobs.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conv1d.jobs.testing.CliRun;
import dev.conv1d.spark.ml.Conv1DModel;
import dev.conv1d.spark.testing.SparkSessionPerClass;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code evaluate}'s metrics for every input the transformer takes (nested, flat with inputChannels, Vector) in both
 * data formats, against an independent computation: the conv1d of a plain loop here (valid padding, stride 1) and
 * the metric formulas written out, on random sequences and labels that the model does not fit.
 */
class EvaluateMetricsTest extends SparkSessionPerClass {
  private static final int K = 2, C = 2, F = 3;
  @TempDir static Path tmp;
  static float[][][] kernel = new float[K][C][F];
  static float[] bias = new float[F];
  static String modelLast, modelFirst;
  /** Per sequence: x [steps][channels], label [outSteps][filters], class per out step, pooled label [filters]. */
  static List<double[][]> xs = new ArrayList<>(), labels = new ArrayList<>();
  static List<int[]> classes = new ArrayList<>();
  static List<double[]> pooledLabels = new ArrayList<>();

  @BeforeAll
  static void modelsAndData() throws IOException {
    Random r = new Random(11);
    for (float[][] a : kernel) for (float[] b : a) for (int f = 0; f < F; f++) b[f] = (float) r.nextGaussian();
    for (int f = 0; f < F; f++) bias[f] = (float) r.nextGaussian();
    modelLast = tmp.resolve("last").toString();
    modelFirst = tmp.resolve("first").toString();
    Conv1DModel.fromWeights(kernel, bias).setOutputCol("prediction").save(modelLast);
    Conv1DModel.fromWeights(kernel, bias).setOutputCol("prediction").setDataFormat("channels_first").save(modelFirst);
    for (int i = 0; i < 9; i++) {
      int len = 4 + i % 4; // variable lengths
      double[][] x = new double[len][C];
      for (double[] step : x) for (int c = 0; c < C; c++) step[c] = (float) r.nextGaussian();
      double[][] y = new double[len - K + 1][F];
      int[] cls = new int[y.length];
      for (int t = 0; t < y.length; t++) {
        for (int f = 0; f < F; f++) y[t][f] = (float) r.nextGaussian();
        cls[t] = r.nextInt(F);
      }
      double[] pooled = new double[F];
      for (int f = 0; f < F; f++) pooled[f] = (float) r.nextGaussian();
      xs.add(x);
      labels.add(y);
      classes.add(cls);
      pooledLabels.add(pooled);
    }
  }

  /** The conv1d by definition: y[t][f] = b[f] + sum_k sum_c x[t + k][c] * w[k][c][f], in double. */
  static double[][] reference(double[][] x) {
    double[][] y = new double[x.length - K + 1][F];
    for (int t = 0; t < y.length; t++) {
      for (int f = 0; f < F; f++) {
        double s = bias[f];
        for (int k = 0; k < K; k++) for (int c = 0; c < C; c++) s += x[t + k][c] * kernel[k][c][f];
        y[t][f] = s;
      }
    }
    return y;
  }

  /** {mse, mae} over every label value. */
  static double[] expectedRegression() {
    double se = 0, ae = 0, n = 0;
    for (int i = 0; i < xs.size(); i++) {
      double[][] p = reference(xs.get(i)), l = labels.get(i);
      for (int t = 0; t < p.length; t++) {
        for (int f = 0; f < F; f++) {
          double d = p[t][f] - l[t][f];
          se += d * d;
          ae += Math.abs(d);
          n++;
        }
      }
    }
    return new double[] {se / n, ae / n};
  }

  static double[][] transpose(double[][] m) {
    double[][] t = new double[m[0].length][m.length];
    for (int i = 0; i < m.length; i++) for (int j = 0; j < m[0].length; j++) t[j][i] = m[i][j];
    return t;
  }

  static double[] flat(double[][] m) {
    return Arrays.stream(m).flatMapToDouble(Arrays::stream).toArray();
  }

  static List<List<Double>> nested(double[][] m) {
    List<List<Double>> out = new ArrayList<>();
    for (double[] row : m) out.add(list(row));
    return out;
  }

  static List<Double> list(double[] v) {
    List<Double> out = new ArrayList<>();
    for (double d : v) out.add(d);
    return out;
  }

  enum Shape { NESTED, FLAT, VECTOR }

  /** The sequences and sequence labels in one shape and data format; written as Parquet. */
  static synchronized String dataset(Shape shape, boolean channelsFirst) {
    DataType arr2 = DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType));
    DataType arr1 = DataTypes.createArrayType(DataTypes.DoubleType);
    DataType t = shape == Shape.NESTED ? arr2 : shape == Shape.FLAT ? arr1 : SQLDataTypes.VectorType();
    StructType schema = new StructType().add("sequence", t).add("label", t);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < xs.size(); i++) {
      double[][] x = channelsFirst ? transpose(xs.get(i)) : xs.get(i);
      double[][] y = channelsFirst ? transpose(labels.get(i)) : labels.get(i);
      rows.add(shape == Shape.NESTED ? RowFactory.create(nested(x), nested(y))
          : shape == Shape.FLAT ? RowFactory.create(list(flat(x)), list(flat(y)))
          : RowFactory.create(Vectors.dense(flat(x)), Vectors.dense(flat(y))));
    }
    String path = tmp.resolve(shape + (channelsFirst ? "-first" : "-last")).toString();
    if (java.nio.file.Files.exists(Path.of(path))) return path;
    spark.createDataFrame(rows, schema).repartition(3).write().parquet(path);
    return path;
  }

  static JsonNode evaluate(String... args) {
    List<String> a = new ArrayList<>(List.of("evaluate", "--json"));
    a.addAll(Arrays.asList(args));
    CliRun e = CliRun.run(a.toArray(new String[0])).ok();
    try {
      return new ObjectMapper().readTree(e.out);
    } catch (IOException ex) {
      throw new AssertionError(e.describe(), ex);
    }
  }

  @Test
  void regressionMetricsInEveryShapeAndDataFormat() {
    double[] want = expectedRegression();
    for (Shape shape : Shape.values()) {
      for (boolean first : new boolean[] {false, true}) {
        String in = dataset(shape, first);
        List<String> args = new ArrayList<>(List.of("--model", first ? modelFirst : modelLast, "-i", in));
        if (shape != Shape.NESTED) args.addAll(List.of("--input-channels", Integer.toString(C)));
        JsonNode j = evaluate(args.toArray(new String[0]));
        String what = shape + (first ? " channels_first" : " channels_last") + ": " + j;
        assertEquals(xs.size(), j.get("rows").asLong(), what);
        assertEquals(want[0], j.get("mse").asDouble(), 1e-5 * want[0], what);
        assertEquals(want[1], j.get("mae").asDouble(), 1e-5 * want[1], what);
        assertEquals(Math.sqrt(want[0]), j.get("rmse").asDouble(), 1e-5, what);
      }
    }
  }

  @Test
  void flatCsvLabelsAreReadFlat() {
    // CSV holds JSON text; with --input-channels both the sequence and the label are read as flat arrays
    String csv = tmp.resolve("flat-first.csv").toString();
    spark.read().parquet(dataset(Shape.FLAT, true))
        .selectExpr("to_json(sequence) AS sequence", "to_json(label) AS label").coalesce(1).write()
        .option("header", "true").csv(csv);
    JsonNode j = evaluate("--model", modelFirst, "-i", csv, "--input-channels", Integer.toString(C));
    assertEquals(expectedRegression()[0], j.get("mse").asDouble(), 1e-5 * expectedRegression()[0], j.toString());
  }

  @Test
  void theDataFormatOptionAppliesToASavedModel() {
    // the channels_last model evaluated on channels_first data with --data-format: same numbers as above
    JsonNode j = evaluate("--model", modelLast, "-i", dataset(Shape.NESTED, true),
        "--data-format", "channels_first");
    assertEquals(expectedRegression()[0], j.get("mse").asDouble(), 1e-5 * expectedRegression()[0], j.toString());
  }

  @Test
  void inputsTheModelCannotReadFailWithOneLine() {
    CliRun.run("evaluate", "--model", modelFirst, "-i", dataset(Shape.FLAT, true))
        .failsWith(1, "inputChannels must be set");
    CliRun.run("evaluate", "--model", modelFirst, "-i", dataset(Shape.VECTOR, true), "--input-channels", "3")
        .failsWith(1, "this layer needs [kernelSize, inChannels/groups, filters] = [2, 3, 3]");
    // channels_last rows [steps][2] given to the channels_first model: rows of 4-7 steps are not 2 channel rows
    CliRun.run("evaluate", "--model", modelFirst, "-i", dataset(Shape.NESTED, false))
        .failsWith(1, "channel rows; expected 2");
  }

  @Test
  void stepClassesAndPooledLabelsChannelsFirst() {
    StructType schema = new StructType()
        .add("sequence", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType)))
        .add("cls", DataTypes.createArrayType(DataTypes.IntegerType))
        .add("pooled", DataTypes.createArrayType(DataTypes.DoubleType));
    List<Row> rows = new ArrayList<>();
    long correct = 0, steps = 0;
    double se = 0, n = 0;
    for (int i = 0; i < xs.size(); i++) {
      double[][] p = reference(xs.get(i));
      int[] cls = classes.get(i);
      List<Integer> c = new ArrayList<>();
      for (int t = 0; t < cls.length; t++) {
        c.add(cls[t]);
        int best = 0;
        for (int f = 1; f < F; f++) if (p[t][f] > p[t][best]) best = f;
        if (best == cls[t]) correct++;
        steps++;
      }
      for (int f = 0; f < F; f++) {
        double mean = 0;
        for (double[] step : p) mean += step[f];
        double d = mean / p.length - pooledLabels.get(i)[f];
        se += d * d;
        n++;
      }
      rows.add(RowFactory.create(nested(transpose(xs.get(i))), c, list(pooledLabels.get(i))));
    }
    String in = tmp.resolve("classes-first").toString();
    spark.createDataFrame(rows, schema).write().parquet(in);
    JsonNode j = evaluate("--model", modelFirst, "-i", in, "--label-col", "cls", "--loss",
        "sparse_categorical_crossentropy", "--from-logits");
    assertEquals((double) correct / steps, j.get("accuracy").asDouble(), 1e-12, j.toString());
    j = evaluate("--model", modelFirst, "-i", in, "--label-col", "pooled", "--pooling", "global_average");
    assertEquals(se / n, j.get("mse").asDouble(), 1e-5 * se / n, j.toString());
    assertEquals(se / n, j.get("lossValue").asDouble(), 1e-5 * se / n, "one value per sequence: loss = mse\n" + j);
  }
}
