package dev.conv1d.spark.bench;

import dev.conv1d.kernels.activation.Activations;
import dev.conv1d.kernels.bench.BenchShape;
import dev.conv1d.kernels.conv.Conv1DKernel;
import dev.conv1d.kernels.conv.Conv1DOp;
import dev.conv1d.kernels.conv.ConvKernels;
import dev.conv1d.kernels.conv.Weights;
import dev.conv1d.kernels.conv.Workspace;
import dev.conv1d.kernels.init.Initializers;
import dev.conv1d.kernels.spec.Conv1DSpec;
import dev.conv1d.kernels.tensor.SequenceBatch;
import dev.conv1d.spark.ml.Conv1D;
import dev.conv1d.spark.ml.Conv1DModel;
import dev.conv1d.spark.train.ExactSums;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Issue 5's benchmark: time per training iteration of {@link Conv1D} (adam, full batch, mse, linear) in local[2]
 * on training sets of the S1-S3 shapes, against the kernels' forward + backward (kernel gradient) alone on the same
 * data, run on two threads over the same two halves. Efficiency = kernels-alone time / Spark iteration time.
 *
 * <p>A training set is the suite's {@code batch} x {@code --rows-factor} sequences (50, as in the transform
 * benchmark), generated in the executors from the row id and cached, in 2 partitions; {@code --sweep} adds S3 at
 * other sizes, because an iteration pays a fixed cost per Spark job that only the amount of data amortizes. That cost
 * is measured too, as the <b>floor</b>: per iteration, a broadcast of the weights (destroying the previous one) and a
 * {@code treeAggregate} of parameter-sized {@link ExactSums} over an RDD derived from the same DataFrame and cached
 * (as the fit's blocks are), without computing.
 * Kernels, floor and fit are measured in the same JVM, one after the other, so load hits all of them.
 */
public final class FitBenchmark {
  private FitBenchmark() {}

  /** The engine the fit's mse loss runs on (Loss uses ConvKernels.best() too). */
  private static final Conv1DKernel LOSS_ENGINE = ConvKernels.best();
  /** The fit's maxBlockSizeInMB, in bytes; the reference uses blocks of the same number of sequences. */
  private static final long BLOCK_BYTES = 4L << 20;

  private int rowsFactor = 50;
  private int iterations = 10;
  private List<String> shapes = List.of("S1", "S2", "S3");
  private int[] sweep = {4, 16};
  private Path out = Paths.get("target", "bench", "fit-benchmark.txt");
  private boolean verbose = System.getenv("BENCH_VERBOSE") != null;
  private final StringBuilder report = new StringBuilder();

  public static void main(String[] args) throws Exception {
    FitBenchmark b = new FitBenchmark();
    b.parse(args);
    b.run();
  }

  private void parse(String[] args) {
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rows-factor": rowsFactor = Integer.parseInt(args[++i]); break;
        case "--iterations": iterations = Integer.parseInt(args[++i]); break;
        case "--shapes": shapes = Arrays.asList(args[++i].split(",")); break;
        case "--sweep":
          String s = args[++i];
          sweep = s.isEmpty() || s.equals("none") ? new int[0]
              : Arrays.stream(s.split(",")).mapToInt(Integer::parseInt).toArray();
          break;
        case "--quick": rowsFactor = 4; iterations = 5; sweep = new int[0]; break;
        case "--out": out = Paths.get(args[++i]); break;
        default:
          throw new IllegalArgumentException("unknown option " + args[i] + "; options: --rows-factor N, --iterations N,"
              + " --shapes S1,S2,S3, --sweep F1,F2 (S3 row factors, or none), --quick, --out FILE");
      }
    }
    if (rowsFactor < 1 || iterations < 3) throw new IllegalArgumentException("--rows-factor >= 1, --iterations >= 3");
  }

  private void run() throws Exception {
    SparkSession spark = SparkSession.builder().master("local[2]").appName("fit-bench")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    line("# Conv1D fit benchmark (issue 5): time per training iteration in local[2], 2 partitions");
    line("# " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + ", "
        + Runtime.getRuntime().availableProcessors() + " cpus, max heap "
        + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB, iterations " + iterations);
    line("# iteration = median of Conv1DTrainingSummary.iterationTimeMs (broadcast + treeAggregate + driver step),"
        + " after a warm-up fit of the same data");
    line("# kernels = forwardPreActivation + mse gradient + activationBackward + backwardKernel, 2 threads x one"
        + " partition's sequences each, gradient in place as the fit does, buffers allocated once");
    line("# floor = broadcast + treeAggregate of parameter-sized exact sums over the same cached partitions, no"
        + " compute; efficiency = kernels / iteration; (kernels + floor) / iteration for information");
    line("shape\trows_factor\tsequences\titer_ms\tkernels_ms\tfloor_ms\tefficiency\t(kernels+floor)/iter");
    List<BenchShape> all = BenchShape.load(null);
    for (BenchShape s : all) {
      if (shapes.stream().anyMatch(p -> s.name.startsWith(p))) run(spark, s, rowsFactor);
    }
    for (int factor : sweep) {
      for (BenchShape s : all) if (s.name.startsWith("S3") && factor != rowsFactor) run(spark, s, factor);
    }
    spark.stop();
    if (out.getParent() != null) Files.createDirectories(out.getParent());
    Files.write(out, report.toString().getBytes(StandardCharsets.UTF_8));
    System.out.println("report written to " + out.toAbsolutePath());
  }

  private void line(String s) {
    System.out.println(s);
    report.append(s).append('\n');
  }

  private void run(SparkSession spark, BenchShape s, int factor) throws Exception {
    Conv1DSpec spec = s.spec;
    int n = s.batch * factor, len = s.length, c = spec.inChannels(), f = spec.filters(), out = s.outLength();
    Dataset<Row> df = data(spark, n, len, c, out, f).cache();
    df.count();
    Conv1D est = new Conv1D().setFilters(f).setKernelSize(spec.kernelSize()).setPadding(spec.padding().keras())
        .setStrides(spec.strides()).setDilationRate(spec.dilationRate()).setMaxIter(iterations).setTol(0)
        .setMaxBlockSizeInMB(BLOCK_BYTES >> 20);
    est.copy(new ParamMap()).setMaxIter(Math.max(10, iterations)).fit(df); // warm-up (JIT)
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
    double[] t = m.summary().iterationTimeMs();
    if (verbose) {
      System.out.println(s.name + " x" + factor + " task ms per iteration (2 tasks, summed): run "
          + taskMs[0] / (double) iterations + ", deserialize " + taskMs[1] / (double) iterations + ", gc "
          + taskMs[2] / (double) iterations);
      System.out.println(s.name + " x" + factor + " iterations ms " + Arrays.toString(t));
    }
    double iter = median(t);
    double floor = floor(spark, df, spec.kernelLength() + f + 7);

    // Kernels alone: the same rows' values, one partition's rows per thread (spark.range splits ids in two halves).
    float[] kernel = new float[spec.kernelLength()];
    Initializers.glorotUniform().fill(kernel, spec.kernelShape(), 1);
    Conv1DOp op = Conv1DOp.of(spec, Weights.wrap(kernel, spec.kernelSize(), spec.groupInChannels(), f, new float[f]),
        Activations.linear());
    Half[] halves = {new Half(op, 0, n / 2, len, c, out, f), new Half(op, n / 2, n, len, c, out, f)};
    double[] k = new double[iterations];
    for (int rep = -Math.max(10, iterations); rep < iterations; rep++) {
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
    double alone = median(k);
    line(String.format(Locale.ROOT, "%s\t%d\t%d\t%.1f\t%.1f\t%.1f\t%.2f\t%.2f", s.name, factor, n, iter, alone, floor,
        alone / iter, (alone + floor) / iter));
    df.unpersist(true);
  }

  /** Spark's cost of one iteration without compute, on the same cached partitions: median ms. */
  private double floor(SparkSession spark, Dataset<Row> df, int size) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    // Like the fit's blocks: an RDD derived from the DataFrame's rows and cached, read from the cache by each job.
    JavaRDD<Long> rows = df.toJavaRDD().map(r -> r.getLong(0)).cache();
    rows.count();
    double[] t = new double[Math.max(20, iterations)];
    Broadcast<float[]> prev = null;
    for (int rep = -20; rep < t.length; rep++) {
      long t0 = System.nanoTime();
      if (prev != null) prev.destroy();
      Broadcast<float[]> bc = jsc.broadcast(new float[size]);
      prev = bc;
      rows.mapPartitions(it -> {
        ExactSums e = new ExactSums(size);
        e.add(0, bc.value().length);
        return Collections.singletonList(e).iterator();
      }).treeAggregate(ExactSums.zero(), ExactSums::merge, ExactSums::merge, 2);
      if (rep >= 0) t[rep] = (System.nanoTime() - t0) / 1e6;
    }
    if (prev != null) prev.destroy();
    rows.unpersist(true);
    return median(t);
  }

  private static double median(double[] v) {
    double[] c = v.clone();
    Arrays.sort(c);
    return c[c.length / 2];
  }

  /** (id, sequence, label): nested, channels_last, values from the row id (the reference regenerates them). */
  private static Dataset<Row> data(SparkSession spark, long n, int len, int c, int out, int f) {
    DataType nested = DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, false), false);
    StructType schema = new StructType().add("id", DataTypes.LongType, false).add("sequence", nested, false)
        .add("label", nested, false);
    MapPartitionsFunction<Long, Row> gen = ids -> new Iterator<Row>() {
      @Override public boolean hasNext() { return ids.hasNext(); }

      @Override public Row next() {
        long id = ids.next();
        return RowFactory.create(id, nest(input(id, len * c), len, c), nest(label(id, out * f), out, f));
      }
    };
    return spark.range(0, n, 1, 2).as(Encoders.LONG()).mapPartitions(gen, Encoders.row(schema));
  }

  static float[] input(long id, int n) {
    return TransformBenchmark.values(1, id, n);
  }

  static float[] label(long id, int n) {
    return TransformBenchmark.values(2, id, n);
  }

  private static float[][] nest(float[] v, int steps, int ch) {
    float[][] x = new float[steps][];
    for (int t = 0; t < steps; t++) x[t] = Arrays.copyOfRange(v, t * ch, (t + 1) * ch);
    return x;
  }

  /**
   * One thread's partition, in blocks of as many sequences as the fit's 4 MiB blocks hold (so both stream the same
   * amounts through the caches), with output-sized buffers allocated once: forward, mse gradient, activation and
   * kernel backward per block.
   */
  private static final class Half {
    private final Conv1DOp op;
    private final List<SequenceBatch> xs = new ArrayList<>();
    private final List<float[]> ys = new ArrayList<>();
    private final SequenceBatch[] zs, gs;
    private final float[] z, g, dk, db;
    private final Workspace ws = Workspace.create();

    Half(Conv1DOp op, int from, int to, int len, int c, int out, int f) {
      this.op = op;
      long perSeq = 4L * ((long) len * c + (long) out * f + 1);
      int block = (int) Math.max(1, (BLOCK_BYTES + perSeq - 1) / perSeq);
      for (int b0 = from; b0 < to; b0 += block) {
        int cnt = Math.min(block, to - b0);
        float[] x = new float[cnt * len * c], y = new float[cnt * out * f];
        for (int i = 0; i < cnt; i++) {
          System.arraycopy(input(b0 + i, len * c), 0, x, i * len * c, len * c);
          System.arraycopy(label(b0 + i, out * f), 0, y, i * out * f, out * f);
        }
        xs.add(SequenceBatch.of(x, offsets(cnt, len), cnt, c, op.spec().dataFormat()));
        ys.add(y);
      }
      int most = Math.min(block, to - from);
      z = new float[most * out * f];
      g = z; // in place, as the fit does for a linear activation
      zs = new SequenceBatch[xs.size()];
      gs = new SequenceBatch[xs.size()];
      for (int i = 0; i < xs.size(); i++) {
        int cnt = xs.get(i).count();
        zs[i] = SequenceBatch.of(z, offsets(cnt, out), cnt, f, op.spec().dataFormat());
        gs[i] = SequenceBatch.of(g, offsets(cnt, out), cnt, f, op.spec().dataFormat());
      }
      dk = new float[op.spec().kernelLength()];
      db = new float[f];
    }

    private static int[] offsets(int cnt, int steps) {
      int[] o = new int[cnt + 1];
      for (int i = 0; i <= cnt; i++) o[i] = i * steps;
      return o;
    }

    void run() {
      for (int i = 0; i < xs.size(); i++) {
        float[] y = ys.get(i);
        op.forwardPreActivation(xs.get(i), zs[i], ws);
        LOSS_ENGINE.squaredError(z, 0, y, 0, y.length, 2f / y.length, g);
        op.activationBackward(zs[i], gs[i], ws);
        op.backwardKernel(xs.get(i), gs[i], dk, db, ws);
      }
    }
  }
}
