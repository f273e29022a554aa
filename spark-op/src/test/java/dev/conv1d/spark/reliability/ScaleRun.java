package dev.conv1d.spark.reliability;

import dev.conv1d.spark.ml.Conv1D;
import dev.conv1d.spark.ml.Conv1DModel;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Issue 8, scale (partial): transform and fit cost per S1-shape sequence and heap peak at several sizes, in one
 * local[2] JVM after a warm-up. Args: {@code transform-sizes fit-sizes [fit-iterations=3]}, comma-separated, e.g.
 * {@code 10000,100000,1000000 10000,100000}. Run with
 * {@code mvn -B -Preliability-scale -DskipTests -pl spark-op -am verify}.
 *
 * <p>Transform: rows generated in the tasks, aggregated (count, output steps). Fit: adam, full batch, mse, random
 * targets; its blocks are cached (MEMORY_AND_DISK), so the fit's cost per sequence is the median iteration time.
 */
public final class ScaleRun {
  private ScaleRun() {}

  public static void main(String[] args) throws Exception {
    long[] transformSizes = sizes(args.length > 0 ? args[0] : "10000,100000,1000000");
    long[] fitSizes = sizes(args.length > 1 ? args[1] : "10000,100000");
    int iters = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    SparkSession spark = SparkSession.builder().master("local[2]").appName("scale-run")
        .config("spark.ui.enabled", "false").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    boolean ok = true;
    try {
      System.out.println("warm-up (not reported)");
      MemoryRun.run(spark, 20_000, 2);
      for (long n : transformSizes) ok &= MemoryRun.run(spark, n, (int) Math.max(2, n / 125_000));
      if (fitSizes.length > 0) fit(spark, 5_000, 1, false);
      for (long n : fitSizes) fit(spark, n, iters, true);
    } finally {
      spark.stop();
    }
    System.exit(ok ? 0 : 1);
  }

  private static long[] sizes(String s) {
    return s.isBlank() ? new long[0] : Arrays.stream(s.split(",")).mapToLong(Long::parseLong).toArray();
  }

  private static void fit(SparkSession spark, long rows, int iters, boolean report) {
    int outLen = MemoryRun.LEN - MemoryRun.KERNEL + 1;
    StructType schema = new StructType().add("id", DataTypes.LongType, false)
        .add("sequence", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, false), false), false)
        .add("label", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, false), false), false);
    MapPartitionsFunction<Long, Row> gen = ids -> new Iterator<Row>() {
      @Override public boolean hasNext() { return ids.hasNext(); }

      @Override public Row next() {
        long id = ids.next();
        long h = id * 0x9E3779B97F4A7C15L + 1;
        float[][] x = new float[MemoryRun.LEN][MemoryRun.CHANNELS];
        float[][] y = new float[outLen][MemoryRun.FILTERS];
        for (float[][] a : new float[][][] {x, y}) {
          for (float[] step : a) {
            for (int c = 0; c < step.length; c++) {
              h ^= h >>> 29;
              h *= 0xBF58476D1CE4E5B9L;
              step[c] = ((h >>> 40) & 0xFF) / 128f - 1f;
            }
          }
        }
        return RowFactory.create(id, x, y);
      }
    };
    int parts = (int) Math.max(2, rows / 25_000);
    Dataset<Row> df = spark.range(0, rows, 1, parts).as(Encoders.LONG()).mapPartitions(gen, Encoders.row(schema));
    Conv1D est = new Conv1D().setFilters(MemoryRun.FILTERS).setKernelSize(MemoryRun.KERNEL).setMaxIter(iters).setTol(0)
        .setSeed(1);
    MemoryRun.resetHeapPeak();
    long t0 = System.nanoTime();
    Conv1DModel m = est.fit(df);
    double secs = (System.nanoTime() - t0) / 1e9;
    double[] t = m.summary().iterationTimeMs();
    Arrays.sort(t);
    double median = t[t.length / 2];
    if (!report) return;
    System.out.println(String.format(Locale.ROOT,
        "FIT rows=%d partitions=%d iterations=%d totalSeconds=%.1f iterationMsMedian=%.0f usPerSequencePerIteration=%.2f "
            + "heapPeakMiB=%d maxHeapMiB=%d",
        rows, parts, m.summary().totalIterations(), secs, median, median * 1e3 / rows, MemoryRun.heapPeakBytes() >> 20,
        Runtime.getRuntime().maxMemory() >> 20));
  }
}
