package dev.conv1d.spark.bench;

import dev.conv1d.kernels.activation.Activations;
import dev.conv1d.kernels.bench.BenchShape;
import dev.conv1d.kernels.conv.Conv1DOp;
import dev.conv1d.kernels.conv.Weights;
import dev.conv1d.kernels.conv.Workspace;
import dev.conv1d.kernels.init.Initializers;
import dev.conv1d.kernels.spec.Conv1DSpec;
import dev.conv1d.kernels.tensor.SequenceBatch;
import dev.conv1d.spark.ml.Conv1D;
import dev.conv1d.spark.ml.Conv1DModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Issue 5's benchmark: time per training iteration of {@link Conv1D} (adam, full batch, mse, linear) in local[2]
 * on the S1-S3 shapes, against the kernels' forward + backward (kernel gradient) alone on the same data, run on two
 * threads over the same two halves. Efficiency = kernels-alone time / Spark iteration time.
 *
 * <p>Run: {@code mvn -o -q -pl spark-op test-compile exec:java -Dexec.mainClass=dev.conv1d.spark.bench.FitBenchmark
 * -Dexec.classpathScope=test} (with the JVM flags of the root pom in MAVEN_OPTS), or see BENCHMARKS.md.
 */
public final class FitBenchmark {
  private FitBenchmark() {}

  public static void main(String[] args) throws Exception {
    int repeat = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    int iters = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    SparkSession spark = SparkSession.builder().master("local[2]").appName("fit-bench")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    System.out.println("shape\tsequences\titer_ms_median\tkernels_ms_median\tefficiency");
    for (BenchShape s : BenchShape.load(null)) {
      String only = System.getenv("BENCH_ONLY");
      if (only != null ? !s.name.startsWith(only)
          : !(s.name.startsWith("S1") || s.name.startsWith("S2") || s.name.startsWith("S3"))) {
        continue;
      }
      run(spark, s, repeat, iters);
    }
    spark.stop();
  }

  private static void run(SparkSession spark, BenchShape s, int repeat, int iters) throws Exception {
    Conv1DSpec spec = s.spec;
    int n = s.batch * repeat, len = s.length, c = spec.inChannels(), f = spec.filters(), out = s.outLength();
    Random r = new Random(1);
    float[] x = new float[n * len * c], y = new float[n * out * f];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
    for (int i = 0; i < y.length; i++) y[i] = (float) r.nextGaussian();
    StructType schema = new StructType().add("id", DataTypes.IntegerType)
        .add("sequence", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType)))
        .add("label", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType)));
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) rows.add(RowFactory.create(i, nested(x, i * len * c, len, c), nested(y, i * out * f, out, f)));
    Dataset<Row> df = spark.createDataFrame(rows, schema).repartition(2).cache();
    df.count();
    Conv1D est = new Conv1D().setFilters(f).setKernelSize(spec.kernelSize()).setPadding(spec.padding().keras())
        .setStrides(spec.strides()).setDilationRate(spec.dilationRate()).setMaxIter(iters).setTol(0)
        .setMaxBlockSizeInMB(4);
    est.copy(new org.apache.spark.ml.param.ParamMap()).setMaxIter(Math.max(10, iters)).fit(df); // warm-up (JIT)
    long[] taskMs = {0, 0, 0};
    org.apache.spark.scheduler.SparkListener l = new org.apache.spark.scheduler.SparkListener() {
      @Override
      public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd e) {
        synchronized (taskMs) {
          taskMs[0] += e.taskMetrics().executorRunTime();
          taskMs[1] += e.taskMetrics().executorDeserializeTime();
          taskMs[2] += e.taskMetrics().jvmGCTime();
        }
      }
    };
    spark.sparkContext().addSparkListener(l);
    Conv1DModel m = est.fit(df);
    spark.sparkContext().listenerBus().waitUntilEmpty();
    spark.sparkContext().removeSparkListener(l);
    if (System.getenv("BENCH_VERBOSE") != null) {
      System.out.println(s.name + " task ms per iteration (2 tasks, summed): run " + taskMs[0] / (double) iters
          + ", deserialize " + taskMs[1] / (double) iters + ", gc " + taskMs[2] / (double) iters);
    }
    double[] t = m.summary().iterationTimeMs();
    if (System.getenv("BENCH_VERBOSE") != null) System.out.println(s.name + " iterations ms " + Arrays.toString(t));
    Arrays.sort(t);
    double spark1 = t[t.length / 2];

    // Kernels alone: the same work on two threads, one half of the sequences each.
    float[] kernel = new float[spec.kernelLength()];
    Initializers.glorotUniform().fill(kernel, spec.kernelShape(), 1);
    Conv1DOp op = Conv1DOp.of(spec, Weights.wrap(kernel, spec.kernelSize(), spec.groupInChannels(), f, new float[f]),
        Activations.linear());
    // Buffers are allocated once, outside the timing, as the fit's tasks reuse theirs: the reference is compute only.
    Half[] halves = {new Half(op, x, y, 0, n / 2, len, c, out, f), new Half(op, x, y, n / 2, n, len, c, out, f)};
    double[] k = new double[iters];
    for (int rep = -Math.max(10, iters); rep < iters; rep++) {
      long t0 = System.nanoTime();
      Thread[] th = new Thread[2];
      for (int h = 0; h < 2; h++) {
        th[h] = new Thread(halves[h]::run);
        th[h].start();
      }
      for (Thread q : th) q.join();
      if (rep >= 0) k[rep] = (System.nanoTime() - t0) / 1e6;
    }
    for (Half h : halves) h.ws.close();
    Arrays.sort(k);
    double alone = k[k.length / 2];
    System.out.printf(java.util.Locale.ROOT, "%s\t%d\t%.1f\t%.1f\t%.2f%n", s.name, n, spark1, alone, alone / spark1);
    df.unpersist();
  }

  /** One thread's half of the sequences with its own buffers: forward, mse gradient, activation and kernel backward. */
  private static final class Half {
    private final Conv1DOp op;
    private final SequenceBatch xb, zb, gb;
    private final float[] y, z, g, dk, db;
    private final int yOff;
    private final Workspace ws = Workspace.create();

    Half(Conv1DOp op, float[] x, float[] y, int from, int to, int len, int c, int out, int f) {
      this.op = op;
      this.y = y;
      this.yOff = from * out * f;
      int cnt = to - from;
      int[] xo = new int[cnt + 1], zo = new int[cnt + 1];
      for (int i = 0; i <= cnt; i++) {
        xo[i] = i * len;
        zo[i] = i * out;
      }
      xb = SequenceBatch.of(Arrays.copyOfRange(x, from * len * c, to * len * c), xo, cnt, c, op.spec().dataFormat());
      z = new float[cnt * out * f];
      g = new float[z.length];
      zb = SequenceBatch.of(z, zo, cnt, f, op.spec().dataFormat());
      gb = SequenceBatch.of(g, zo, cnt, f, op.spec().dataFormat());
      dk = new float[op.spec().kernelLength()];
      db = new float[f];
    }

    void run() {
      op.forwardPreActivation(xb, zb, ws);
      for (int i = 0; i < g.length; i++) g[i] = 2 * (z[i] - y[yOff + i]);
      op.activationBackward(zb, gb, ws);
      op.backwardKernel(xb, gb, dk, db, ws);
    }
  }

  private static List<List<Float>> nested(float[] v, int off, int steps, int ch) {
    List<List<Float>> out = new ArrayList<>(steps);
    for (int t = 0; t < steps; t++) {
      List<Float> row = new ArrayList<>(ch);
      for (int j = 0; j < ch; j++) row.add(v[off + t * ch + j]);
      out.add(row);
    }
    return out;
  }
}
