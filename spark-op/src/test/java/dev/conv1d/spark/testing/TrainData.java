package dev.conv1d.spark.testing;

import dev.conv1d.kernels.activation.Activations;
import dev.conv1d.kernels.conv.Conv1DOp;
import dev.conv1d.kernels.conv.Weights;
import dev.conv1d.kernels.spec.Conv1DSpec;
import dev.conv1d.kernels.spec.DataFormat;
import dev.conv1d.kernels.tensor.SequenceBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Training sets from a known conv1d (valid padding, channels_last) plus Gaussian noise. */
public final class TrainData {
  private TrainData() {}

  public static final StructType SCHEMA = new StructType().add("id", DataTypes.IntegerType)
      .add("sequence", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType)))
      .add("label", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType)))
      .add("weight", DataTypes.DoubleType);

  /** Rows (id, sequence [len][c], label [outLen][f] = conv(sequence) + noise, weight). */
  public static List<Row> rows(float[] kernel, float[] bias, int k, int c, int f, int n, int minLen, int maxLen,
      double noise, boolean weights, long seed) {
    Random r = new Random(seed);
    Conv1DSpec spec = Conv1DSpec.builder().inChannels(c).filters(f).kernelSize(k).useBias(bias != null).build();
    Conv1DOp op = Conv1DOp.of(spec, Weights.ofFlat(kernel, k, c, f, bias), Activations.linear());
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int len = minLen + r.nextInt(maxLen - minLen + 1);
      float[] x = new float[len * c];
      for (int j = 0; j < x.length; j++) x[j] = (float) r.nextGaussian();
      SequenceBatch y = op.forward(SequenceBatch.single(x, len, c, DataFormat.CHANNELS_LAST));
      int outLen = y.length(0);
      List<List<Float>> seq = new ArrayList<>(), lab = new ArrayList<>();
      for (int t = 0; t < len; t++) {
        List<Float> step = new ArrayList<>();
        for (int j = 0; j < c; j++) step.add(x[t * c + j]);
        seq.add(step);
      }
      for (int t = 0; t < outLen; t++) {
        List<Float> step = new ArrayList<>();
        for (int j = 0; j < f; j++) step.add((float) (y.values()[t * f + j] + noise * r.nextGaussian()));
        lab.add(step);
      }
      rows.add(RowFactory.create(i, seq, lab, weights ? 0.5 + r.nextDouble() : 1.0));
    }
    return rows;
  }

  public static Dataset<Row> frame(SparkSession spark, List<Row> rows, int partitions) {
    return spark.createDataFrame(rows, SCHEMA).repartition(partitions, org.apache.spark.sql.functions.col("id"))
        .sortWithinPartitions("id");
  }

  public static float[] randomKernel(int n, long seed) {
    Random r = new Random(seed);
    float[] w = new float[n];
    for (int i = 0; i < n; i++) w[i] = (float) r.nextGaussian() * 0.5f;
    return w;
  }
}
