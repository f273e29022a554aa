package dev.conv1d.jobs.spark;

import dev.conv1d.kernels.activation.Activations;
import dev.conv1d.kernels.conv.Conv1DOp;
import dev.conv1d.kernels.conv.Weights;
import dev.conv1d.kernels.spec.Conv1DSpec;
import dev.conv1d.kernels.spec.DataFormat;
import dev.conv1d.kernels.tensor.SequenceBatch;
import java.io.Serializable;
import java.util.Iterator;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Synthetic sequences labelled by a hidden "true" conv1d: each row's values are standard normal, its length uniform
 * in [minLength, maxLength], its label the true layer's output plus Gaussian noise. Every row depends only on the
 * seed and its id, so the data is the same whatever the partitioning or the cluster.
 */
public final class SyntheticData implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final StructType SCHEMA = new StructType()
      .add("id", DataTypes.LongType, false)
      .add("sequence", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, false), false), false)
      .add("label", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, false), false), false);

  private final long seed;
  private final int minLength;
  private final int maxLength;
  private final int channels;
  private final double noise;
  private final int filters;
  private final int kernelSize;
  private final int strides;
  private final int dilationRate;
  private final String padding;
  private final String activation;
  private final float[] kernel;
  private final float[] bias;

  public SyntheticData(long seed, int minLength, int maxLength, int channels, double noise, int filters,
      int kernelSize, int strides, int dilationRate, String padding, String activation, float[] kernel, float[] bias) {
    this.seed = seed;
    this.minLength = minLength;
    this.maxLength = maxLength;
    this.channels = channels;
    this.noise = noise;
    this.filters = filters;
    this.kernelSize = kernelSize;
    this.strides = strides;
    this.dilationRate = dilationRate;
    this.padding = padding;
    this.activation = activation;
    this.kernel = kernel;
    this.bias = bias;
  }

  /** The true layer's spec; fails with TF's message when the parameters do not fit together. */
  public Conv1DSpec spec() {
    return Conv1DSpec.builder().inChannels(channels).filters(filters).kernelSize(kernelSize).strides(strides)
        .dilationRate(dilationRate).padding(padding).dataFormat(DataFormat.CHANNELS_LAST).useBias(bias != null)
        .build();
  }

  public Dataset<Row> rows(SparkSession spark, long rows, int partitions) {
    return spark.range(0, rows, 1, partitions).mapPartitions(new Rows(this), Encoders.row(SCHEMA));
  }

  /** splitmix64 of (seed, id): independent streams per row. */
  static long mix(long seed, long id) {
    long z = seed + 0x9E3779B97F4A7C15L * (id + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static final class Rows implements MapPartitionsFunction<Long, Row> {
    private static final long serialVersionUID = 1L;
    private final SyntheticData d;

    Rows(SyntheticData d) {
      this.d = d;
    }

    @Override
    public Iterator<Row> call(Iterator<Long> ids) {
      Conv1DSpec spec = d.spec();
      Conv1DOp op = Conv1DOp.of(spec, Weights.wrap(d.kernel, d.kernelSize, d.channels, d.filters, d.bias),
          Activations.parse(d.activation));
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return ids.hasNext();
        }

        @Override
        public Row next() {
          long id = ids.next();
          SplittableRandom rnd = new SplittableRandom(mix(d.seed, id));
          int len = d.minLength + rnd.nextInt(d.maxLength - d.minLength + 1);
          float[] x = new float[len * d.channels];
          for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
          SequenceBatch y = op.forward(SequenceBatch.single(x, len, d.channels, DataFormat.CHANNELS_LAST));
          float[] yv = y.values();
          int outLen = y.length(0);
          float[][] seq = new float[len][d.channels];
          for (int t = 0; t < len; t++) System.arraycopy(x, t * d.channels, seq[t], 0, d.channels);
          float[][] label = new float[outLen][d.filters];
          for (int t = 0; t < outLen; t++) {
            for (int f = 0; f < d.filters; f++) {
              label[t][f] = (float) (yv[t * d.filters + f] + (d.noise > 0 ? d.noise * rnd.nextGaussian() : 0));
            }
          }
          return RowFactory.create(id, seq, label);
        }
      };
    }
  }
}
