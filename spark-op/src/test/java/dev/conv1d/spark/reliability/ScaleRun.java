package dev.conv1d.spark.reliability;

import dev.conv1d.spark.exec.ArrowMemory;
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
 * Issue 8, scale: transform and fit cost per S1-shape sequence and memory at several sizes, in one local[2] JVM.
 * Args: {@code transform-sizes fit-sizes [fit-iterations=5] [repeats=5] [labels=pooled|sequence]}, sizes
 * comma-separated. Run with {@code mvn -B -Preliability-scale -DskipTests -pl spark-op -am verify}.
 *
 * <p>Partitions grow with the data as a user's would: one per 25,000 sequences (about 100-170 MB of rows, near
 * Spark's 128 MB default input split), at least 2 (the cores).
 *
 * <p>Transform: first {@value #WARM_UP_RUNS} unreported pairs of runs at 100k (JIT warm-up), one unreported run
 * at each size, then {@code repeats} rounds over all sizes; in each round each size runs a baseline (generate the
 * rows and aggregate them, no transform) and the transform (generate, transform, aggregate count, output steps and
 * a checksum). Medians per size: wall time, the transform's excess over the baseline, and task CPU time (Spark's
 * task metrics: far less disturbed by other processes on a shared machine than wall time, though not immune).
 *
 * <p>Fit: adam, full batch, mse, random targets, blocks cached MEMORY_AND_DISK. With {@code pooled} labels
 * (default) the layer is trained with pooling {@code global_average} against one 16-value label per sequence;
 * {@code sequence} uses a full 126 x 16 label per sequence (12 KB cached per sequence instead of 4 KB). Cost per
 * sequence is the median iteration (wall, and task CPU of the iteration's job).
 */
public final class ScaleRun {
  private static final int ROWS_PER_PARTITION = 25_000;
  private static final int WARM_UP_RUNS = 5;

  private ScaleRun() {}

  public static void main(String[] args) throws Exception {
    long[] transformSizes = sizes(args.length > 0 ? args[0] : "10000,100000,1000000");
    long[] fitSizes = sizes(args.length > 1 ? args[1] : "10000,100000,1000000");
    int iters = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    boolean pooled = args.length <= 4 || args[4].equals("pooled");
    SparkSession spark = SparkSession.builder().master("local[2]").appName("scale-run")
        .config("spark.ui.enabled", "false").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    ScaleMetrics metrics = ScaleMetrics.attach(spark.sparkContext());
    System.out.println(String.format(Locale.ROOT, "SCALE maxHeapMiB=%d java=%s cores=%d", Runtime.getRuntime()
        .maxMemory() >> 20, System.getProperty("java.vm.version"), Runtime.getRuntime().availableProcessors()));
    boolean ok = true;
    try {
      // JIT warm-up before anything is measured: the earlier run of this class measured 10k right after one 20k
      // warm-up and saw 76 us per sequence, mostly code still being compiled (repeats at 10k fall steadily).
      for (int i = 0; i < WARM_UP_RUNS; i++) {
        once(spark, metrics, 100_000, false);
        once(spark, metrics, 100_000, true);
      }
      if (transformSizes.length > 0) perTaskCost(spark, metrics, repeats);
      if (transformSizes.length > 0) ok &= transform(spark, metrics, transformSizes, repeats);
      if (fitSizes.length > 0) fit(spark, metrics, 5_000, 2, pooled, false);
      for (long n : fitSizes) fit(spark, metrics, n, iters, pooled, true);
    } finally {
      spark.stop();
    }
    System.exit(ok ? 0 : 1);
  }

  static int partitions(long rows) {
    return (int) Math.max(2, (rows + ROWS_PER_PARTITION - 1) / ROWS_PER_PARTITION);
  }

  private static long[] sizes(String s) {
    return s.isBlank() ? new long[0] : Arrays.stream(s.split(",")).mapToLong(Long::parseLong).toArray();
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /** One run: seconds of wall time, seconds of task CPU, live-heap peak; fails on a wrong count. */
  private static double[] once(SparkSession spark, ScaleMetrics metrics, long rows, boolean withTransform) {
    return once(spark, metrics, rows, partitions(rows), withTransform);
  }

  private static double[] once(SparkSession spark, ScaleMetrics metrics, long rows, int parts, boolean withTransform) {
    Dataset<Row> in = MemoryRun.data(spark, rows, parts);
    metrics.reset();
    long t0 = System.nanoTime();
    Row r = withTransform
        ? MemoryRun.model().transform(in).selectExpr("count(*)", "sum(size(conv1d))", "sum(conv1d[0][0])")
            .collectAsList().get(0)
        : in.selectExpr("count(*)", "sum(size(sequence))", "sum(sequence[0][0])").collectAsList().get(0);
    double secs = (System.nanoTime() - t0) / 1e9;
    metrics.waitForEvents();
    long steps = withTransform ? MemoryRun.LEN - MemoryRun.KERNEL + 1 : MemoryRun.LEN;
    if (r.getLong(0) != rows || r.getLong(1) != rows * steps) {
      throw new IllegalStateException("wrong result at " + rows + " rows: " + r);
    }
    return new double[] {secs, metrics.taskCpuSeconds(), metrics.liveHeapPeakBytes()};
  }

  /**
   * Every size in each round, baseline then transform, so a change of load on the shared machine touches every
   * size alike; per size the medians over the rounds. One unreported round first (each size's own warm-up).
   */
  private static boolean transform(SparkSession spark, ScaleMetrics metrics, long[] sizes, int repeats)
      throws InterruptedException {
    for (long rows : sizes) once(spark, metrics, rows, true);
    int n = sizes.length;
    double[][] wall = new double[n][repeats], cpu = new double[n][repeats], base = new double[n][repeats];
    double[][] baseCpu = new double[n][repeats], excess = new double[n][repeats];
    double[] heapPeak = new double[n];
    ArrowMemory.resetMaxTaskPeak();
    for (int i = 0; i < repeats; i++) {
      for (int j = 0; j < n; j++) {
        double[] b = once(spark, metrics, sizes[j], false);
        double[] t = once(spark, metrics, sizes[j], true);
        base[j][i] = b[0];
        baseCpu[j][i] = b[1];
        wall[j][i] = t[0];
        cpu[j][i] = t[1];
        excess[j][i] = t[0] - b[0];
        heapPeak[j] = Math.max(heapPeak[j], t[2]);
      }
    }
    boolean arrowZero = MemoryRun.arrowAtZero();
    for (int j = 0; j < n; j++) {
      double us = 1e6 / sizes[j];
      System.out.println(String.format(Locale.ROOT,
          "TRANSFORM rows=%d partitions=%d repeats=%d wallUsPerSeq=%.2f (runs %s) baselineWallUsPerSeq=%.2f "
              + "transformOverBaselineUsPerSeq=%.2f taskCpuUsPerSeq=%.2f (runs %s) baselineTaskCpuUsPerSeq=%.2f "
              + "liveHeapPeakMiB=%d arrowTaskPeakKiB=%d arrowAtZero=%s",
          sizes[j], partitions(sizes[j]), repeats, median(wall[j]) * us, fmt(wall[j], us), median(base[j]) * us,
          median(excess[j]) * us, median(cpu[j]) * us, fmt(cpu[j], us), median(baseCpu[j]) * us,
          (long) heapPeak[j] >> 20, ArrowMemory.maxTaskPeakBytes() >> 10, arrowZero));
    }
    return arrowZero;
  }

  /**
   * The transform's fixed cost per task: the same 50k rows in 2 and in 50 partitions, transform and baseline
   * interleaved; the extra task CPU of 48 more tasks, beyond what the baseline's 48 more tasks cost, divided by 48.
   */
  private static void perTaskCost(SparkSession spark, ScaleMetrics metrics, int repeats) {
    long rows = 50_000;
    int few = 2, many = 50;
    double[] t = new double[repeats], b = new double[repeats], tw = new double[repeats], bw = new double[repeats];
    for (int i = 0; i < repeats; i++) {
      double[] t2 = once(spark, metrics, rows, few, true), t50 = once(spark, metrics, rows, many, true);
      double[] b2 = once(spark, metrics, rows, few, false), b50 = once(spark, metrics, rows, many, false);
      t[i] = t50[1] - t2[1];
      b[i] = b50[1] - b2[1];
      tw[i] = t50[0] - t2[0];
      bw[i] = b50[0] - b2[0];
    }
    int extra = many - few;
    System.out.println(String.format(Locale.ROOT,
        "PER-TASK rows=%d partitions=%d-vs-%d transformExtraTaskCpuMsPerTask=%.2f baselineExtraTaskCpuMsPerTask=%.2f "
            + "transformFixedCpuMsPerTask=%.2f transformExtraWallMsPerTask=%.2f baselineExtraWallMsPerTask=%.2f",
        rows, many, few, median(t) * 1e3 / extra, median(b) * 1e3 / extra, (median(t) - median(b)) * 1e3 / extra,
        median(tw) * 1e3 / extra, median(bw) * 1e3 / extra));
  }

  private static String fmt(double[] v, double scale) {
    StringBuilder sb = new StringBuilder();
    for (double d : v) sb.append(sb.length() == 0 ? "" : "/").append(String.format(Locale.ROOT, "%.1f", d * scale));
    return sb.toString();
  }

  private static Dataset<Row> fitData(SparkSession spark, long rows, boolean pooled) {
    int outLen = MemoryRun.LEN - MemoryRun.KERNEL + 1;
    int f = MemoryRun.FILTERS;
    StructType schema = new StructType().add("id", DataTypes.LongType, false)
        .add("sequence", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, false), false), false)
        .add("label", pooled ? DataTypes.createArrayType(DataTypes.FloatType, false)
            : DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, false), false), false);
    MapPartitionsFunction<Long, Row> gen = ids -> new Iterator<Row>() {
      @Override public boolean hasNext() { return ids.hasNext(); }

      @Override public Row next() {
        long id = ids.next();
        long h = id * 0x9E3779B97F4A7C15L + 1;
        float[][] x = new float[MemoryRun.LEN][MemoryRun.CHANNELS];
        float[][] y = new float[pooled ? 1 : outLen][f];
        for (float[][] a : new float[][][] {x, y}) {
          for (float[] step : a) {
            for (int c = 0; c < step.length; c++) {
              h ^= h >>> 29;
              h *= 0xBF58476D1CE4E5B9L;
              step[c] = ((h >>> 40) & 0xFF) / 128f - 1f;
            }
          }
        }
        return RowFactory.create(id, x, pooled ? y[0] : y);
      }
    };
    return spark.range(0, rows, 1, partitions(rows)).as(Encoders.LONG()).mapPartitions(gen, Encoders.row(schema));
  }

  private static void fit(SparkSession spark, ScaleMetrics metrics, long rows, int iters, boolean pooled,
      boolean report) {
    Dataset<Row> df = fitData(spark, rows, pooled);
    Conv1D est = new Conv1D().setFilters(MemoryRun.FILTERS).setKernelSize(MemoryRun.KERNEL).setMaxIter(iters).setTol(0)
        .setSeed(1).setPooling(pooled ? "global_average" : "none");
    metrics.reset();
    long t0 = System.nanoTime();
    Conv1DModel m = est.fit(df);
    double secs = (System.nanoTime() - t0) / 1e9;
    metrics.waitForEvents();
    if (!report) return;
    double[] t = m.summary().iterationTimeMs();
    double[] jobCpu = metrics.jobCpuSeconds();
    // The last jobs are the iterations' treeAggregates (adam, full batch: one per iteration); the jobs before them
    // read the schema's first rows and build and cache the blocks.
    int its = m.summary().totalIterations(), first = Math.max(0, jobCpu.length - its);
    double[] iterCpu = Arrays.copyOfRange(jobCpu, first, jobCpu.length);
    double setupCpu = Arrays.stream(jobCpu, 0, first).sum();
    double us = 1e6 / rows;
    System.out.println(String.format(Locale.ROOT,
        "FIT rows=%d partitions=%d labels=%s iterations=%d totalSeconds=%.1f iterationWallUsPerSeq=%.2f (iterations "
            + "%s) iterationTaskCpuUsPerSeq=%.2f blockingTaskCpuUsPerSeq=%.2f liveHeapPeakMiB=%d cachedMemPeakMiB=%d "
            + "cachedDiskPeakMiB=%d liveMinusCachedMiB=%d jobCpuSeconds=%s",
        rows, partitions(rows), pooled ? "pooled" : "sequence", m.summary().totalIterations(), secs,
        median(t) * 1e-3 * us, fmt(t, 1e-3 * us), iterCpu.length == 0 ? Double.NaN : median(iterCpu) * us,
        setupCpu * us, metrics.liveHeapPeakBytes() >> 20,
        metrics.cachedMemoryPeakBytes() >> 20, metrics.cachedDiskPeakBytes() >> 20,
        (metrics.liveHeapPeakBytes() - metrics.cachedMemoryPeakBytes()) >> 20, fmt(jobCpu, 1)));
  }
}
