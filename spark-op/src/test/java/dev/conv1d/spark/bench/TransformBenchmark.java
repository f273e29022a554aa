package dev.conv1d.spark.bench;

import dev.conv1d.kernels.activation.Activations;
import dev.conv1d.kernels.bench.BenchShape;
import dev.conv1d.kernels.conv.Conv1DOp;
import dev.conv1d.kernels.conv.ConvKernels;
import dev.conv1d.kernels.conv.Weights;
import dev.conv1d.kernels.conv.Workspace;
import dev.conv1d.kernels.spec.Conv1DSpec;
import dev.conv1d.kernels.spec.DataFormat;
import dev.conv1d.kernels.tensor.SequenceBatch;
import dev.conv1d.spark.ml.Conv1DModel;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.api.java.function.VoidFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.RDDInfo;
import org.apache.spark.storage.StorageLevel;

/**
 * The Spark transform benchmark of issue 4: for each shape of the suite (batch x 50 rows), in {@code local[2]}, on a
 * cached DataFrame, side by side in one run:
 *
 * <ul>
 *   <li><b>transform</b>: {@code model.transform(df).write().format("noop")}, for nested {@code array<array<float>>}
 *       and flat {@code array<float>} (+ {@code inputChannels}) input;
 *   <li><b>kernel</b>: {@code Conv1DOp.forward} alone on the same values (same generator, same rows), as two
 *       independent single-threaded halves on two threads (what local[2] runs), in batches bounded like the
 *       transform's ({@code batchSize} rows and {@code maxBatchBytes} of input plus output floats);
 *   <li><b>floor</b>: the input column passed through Spark with no compute: {@code df.select(inputCol)} written to
 *       {@code noop} from the same cache (reads and copies every input value out of the columnar cache; produces no
 *       output array);
 *   <li><b>udf</b>: naive per-row Java UDFs ({@code functions.udf}, created once per shape) on
 *       {@code array<array<float>>}: boxed input to {@code float[][]}, plain loops, {@code float[][]} out, in two loop
 *       orders (see {@link NaiveConv1DUdf}): {@code dot} (the formula as written; the 10x target) and {@code axpy}
 *       (filter axis innermost, auto-vectorized by C2; shown for information). On large shapes they run on fewer rows
 *       of the same data (see {@code --udf-gflop}) and are compared in rows/s.
 * </ul>
 *
 * Efficiency = (t_floor + t_kernel) / t_transform, from medians of repetitions that interleave kernel, floor and
 * transform so that the machine's load hits all three alike; the same ratio from process CPU times (10 ms ticks,
 * GC and JIT threads included) is printed next to it, as the machine is shared and wall times are noisy. Not a test: run it with the {@code bench-spark} Maven
 * profile (see README).
 */
public final class TransformBenchmark {
  private static final String INPUT = "sequence";
  private static final String OUTPUT = "conv1d";

  // options
  private int rowsFactor = 50;
  private int reps = 9;
  private int bigReps = 3;
  private double bigSeconds = 4.0;
  private int warmup = 1;
  /**
   * Warm-up rounds go on until this much time went into them, at most {@link #MAX_WARMUP_ROUNDS}: on S1 the
   * transform's pass time still falls after 30 rounds (C2 recompiles Spark's and our row loops for a while).
   */
  private double warmupSeconds = 20;
  private static final int MAX_WARMUP_ROUNDS = 200;
  private int partitions = 2;
  private double udfGflop = 10;
  private String only = "";
  private Path out = Paths.get("target", "bench", "transform-benchmark.txt");
  private String command = "";
  /** Overrides of the model's batch params (null: the model's defaults). */
  private Integer batchSize = null;
  private Long maxBatchBytes = null;
  /** Profiling aid: only loop transform-{profileLayout} for profileSeconds (then exit), e.g. under JFR. */
  private String profileLayout = null;
  private double profileSeconds = 0;
  private final List<String> argList = new ArrayList<>();

  private PrintStream log;
  private SparkSession spark;
  private final StringBuilder report = new StringBuilder();

  public static void main(String[] args) throws Exception {
    new TransformBenchmark().run(args);
  }

  private void parse(String[] args) {
    argList.addAll(Arrays.asList(args));
    command = System.getProperty("bench.command", "");
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--quick": rowsFactor = 2; reps = 2; bigReps = 1; udfGflop = 2; warmupSeconds = 1; break;
        case "--rows-factor": rowsFactor = Integer.parseInt(args[++i]); break;
        case "--reps": reps = Integer.parseInt(args[++i]); break;
        case "--big-reps": bigReps = Integer.parseInt(args[++i]); break;
        case "--warmup": warmup = Integer.parseInt(args[++i]); break;
        case "--warmup-seconds": warmupSeconds = Double.parseDouble(args[++i]); break;
        case "--partitions": partitions = Integer.parseInt(args[++i]); break;
        case "--udf-gflop": udfGflop = Double.parseDouble(args[++i]); break;
        case "--shapes": only = args[++i]; break;
        case "--out": out = Paths.get(args[++i]); break;
        case "--batch-size": batchSize = Integer.parseInt(args[++i]); break;
        case "--max-batch-bytes": maxBatchBytes = Long.parseLong(args[++i]); break;
        case "--profile": profileLayout = args[++i]; profileSeconds = Double.parseDouble(args[++i]); break;
        case "":
          break;
        default:
          throw new IllegalArgumentException("unknown option " + a + "; options: --quick, --rows-factor N, --reps N,"
              + " --big-reps N, --warmup N, --warmup-seconds S, --partitions N, --udf-gflop G, --shapes S1,S3, --out FILE,"
              + " --batch-size N, --max-batch-bytes N,"
              + " --profile nested|flat SECONDS");
      }
    }
  }

  private void println(String s) {
    log.println(s);
    log.flush();
    report.append(s).append('\n');
  }

  private void printf(String fmt, Object... args) {
    println(String.format(Locale.ROOT, fmt, args));
  }

  private void run(String[] args) throws Exception {
    parse(args);
    log = System.out;
    Files.createDirectories(out.toAbsolutePath().getParent());
    long start = System.nanoTime();
    spark = SparkSession.builder().master("local[2]").appName("conv1d-transform-benchmark")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    header();
    List<Result> results = new ArrayList<>();
    for (BenchShape shape : BenchShape.load(null)) {
      if (!selected(shape)) continue;
      Result r = runShape(shape);
      if (r != null) results.add(r);
      writeReport();
    }
    summary(results);
    printf("total wall time %.1f s", (System.nanoTime() - start) / 1e9);
    writeReport();
    spark.stop();
  }

  private boolean selected(BenchShape shape) {
    if (only.isEmpty()) return true;
    for (String s : only.split(",")) {
      if (shape.name.equals(s) || shape.name.startsWith(s + "-")) return true;
    }
    return false;
  }

  private void writeReport() throws IOException {
    Files.writeString(out, report.toString(), StandardCharsets.UTF_8);
  }

  private void header() {
    println("# conv1d Spark transform benchmark (issue 4)");
    println("date:    " + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    println("cpu:     " + cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores");
    println("jvm:     " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
        + ", max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB");
    println("spark:   " + spark.version() + ", master " + spark.sparkContext().master() + ", " + partitions
        + " partitions");
    println("engine:  " + ConvKernels.best().name() + " (" + ConvKernels.selectionReason() + ")");
    println("command: " + (command.isEmpty() ? "(run directly)" : command));
    println("main:    " + getClass().getName() + " " + String.join(" ", argList));
    println("jvm args: " + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
    printf("options: rows = batch x %d; warm-up >= %d rounds and >= %.0f s (at most %d rounds); median of %d reps"
        + " (%d when a step takes > %.0f s); steps interleaved per round; UDFs on at most %.0f (axpy) and %.0f (dot)"
        + " GFLOP of rows", rowsFactor, warmup, warmupSeconds, MAX_WARMUP_ROUNDS, reps, bigReps, bigSeconds, udfGflop, udfGflop / 5);
    println("floor:   df.select(\"" + INPUT + "\").write.format(\"noop\") on the same cached DataFrame");
    println("kernel:  Conv1DOp.forward, 2 threads x 1-thread halves, batches bounded like the transform's");
    println("udf:     naive per-row Java UDF on array<array<float>>: dot = loops t,f,k,c (target baseline);"
        + " axpy = loops t,k,c,f, auto-vectorized by C2 (info)");
    Conv1DModel defaults = Conv1DModel.fromWeights(new float[1][1][1], null);
    println("batches: batchSize " + (batchSize != null ? batchSize : defaults.getBatchSize()) + ", maxBatchBytes "
        + (maxBatchBytes != null ? maxBatchBytes : defaults.getMaxBatchBytes())
        + (batchSize == null && maxBatchBytes == null ? " (model defaults)" : " (overridden)"));
    println("");
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Paths.get("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
      }
    } catch (IOException | RuntimeException e) {
      // fall through
    }
    return System.getProperty("os.arch");
  }

  // ---------------------------------------------------------------------------------------------------------------

  /** Deterministic input values of one row: the DataFrame and the kernel-alone run read the same numbers. */
  static float[] values(long seed, long row, int n) {
    SplittableRandom r = new SplittableRandom(seed * 1_000_003L + row);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) (r.nextDouble() * 2 - 1);
    return v;
  }

  static final class Result {
    final BenchShape shape;
    final long rows;
    final double flops;
    final Map<String, Double> t = new LinkedHashMap<>();
    final Map<String, Double> cpu = new LinkedHashMap<>();
    final Map<String, Long> udfRows = new LinkedHashMap<>();

    Result(BenchShape shape, long rows, double flops) {
      this.shape = shape;
      this.rows = rows;
      this.flops = flops;
    }

    double eff(String layout) {
      return (t.get("floor-" + layout) + t.get("kernel-" + layout)) / t.get("transform-" + layout);
    }

    /** The same ratio from process CPU times: less sensitive to other load on a shared machine. */
    double cpuEff(String layout) {
      return (cpu.get("floor-" + layout) + cpu.get("kernel-" + layout)) / cpu.get("transform-" + layout);
    }

    double udfSpeedup(String layout, String udf) {
      double udfRowsPerS = udfRows.get(udf) / t.get(udf);
      return rows / t.get("transform-" + layout) / udfRowsPerS;
    }
  }

  private Result runShape(BenchShape b) throws Exception {
    Conv1DSpec spec = b.spec;
    if (spec.dataFormat() != DataFormat.CHANNELS_LAST || spec.groups() != 1) {
      throw new IllegalArgumentException(b.name + ": the benchmark builds channels_last, groups = 1 data only");
    }
    long rows = (long) b.batch * rowsFactor;
    double flopsPerRow = b.flops() / b.batch;
    Result res = new Result(b, rows, flopsPerRow * rows);
    long seed = b.name.hashCode();
    int len = b.length, c = spec.inChannels(), f = spec.filters(), k = spec.kernelSize();
    SplittableRandom wr = new SplittableRandom(seed ^ 0x5eed);
    float scale = (float) Math.sqrt(1.0 / (k * c));
    float[][][] kernel = new float[k][c][f];
    for (float[][] a : kernel) for (float[] bb : a) for (int i = 0; i < f; i++) bb[i] = (float) wr.nextGaussian() * scale;
    float[] bias = new float[f];
    for (int i = 0; i < f; i++) bias[i] = (float) wr.nextGaussian() * 0.1f;
    Conv1DModel model = Conv1DModel.fromWeights(kernel, bias).setPadding(spec.padding().keras())
        .setStrides(spec.strides()).setDilationRate(spec.dilationRate()).setInputCol(INPUT).setOutputCol(OUTPUT);
    if (batchSize != null) model.setBatchSize(batchSize);
    if (maxBatchBytes != null) model.setMaxBatchBytes(maxBatchBytes);
    printf("## %s: %d rows x [%d][%d] -> [%d][%d], kernel %d, stride %d, dilation %d, %s; %.2f GFLOP per pass",
        b.name, rows, len, c, b.outLength(), f, k, spec.strides(), spec.dilationRate(), spec.padding().keras(),
        res.flops / 1e9);

    // Kernel alone: the same rows' values, in two halves, batches bounded as PartitionRunner bounds them.
    long t0 = System.nanoTime();
    KernelRun kernelRun = new KernelRun(b, Weights.of(kernel, bias), seed, rows, partitions,
        model.getBatchSize(), model.getMaxBatchBytes());
    printf("  kernel data: %d batches, built in %.1f s", kernelRun.batchCount(), (System.nanoTime() - t0) / 1e9);

    try {
      for (String layout : new String[] {"nested", "flat"}) {
        if (profileLayout != null && !profileLayout.equals(layout)) continue;
        boolean nested = layout.equals("nested");
        Conv1DModel m = nested ? model : model.copy(new org.apache.spark.ml.param.ParamMap()).setInputChannels(c);
        t0 = System.nanoTime();
        Dataset<Row> df = data(seed, rows, len, c, nested, 0).persist(StorageLevel.MEMORY_ONLY());
        long n = df.count();
        if (n != rows) throw new IllegalStateException("cached " + n + " rows, expected " + rows);
        printf("  %s: cached %d rows in %.1f s (%s)", layout, n, (System.nanoTime() - t0) / 1e9, storage());
        if (profileLayout != null) {
          long end = System.nanoTime() + (long) (profileSeconds * 1e9);
          while (System.nanoTime() < end) {
            double[] wc = time(() -> noop(m.transform(df)));
            printf("    profile transform-%s %.3f s (cpu %.3f s)", layout, wc[0], wc[1]);
          }
          df.unpersist(true);
          return null;
        }
        Map<String, Runnable> steps = new LinkedHashMap<>();
        steps.put("kernel-" + layout, kernelRun::run);
        steps.put("floor-" + layout, () -> noop(df.select(INPUT)));
        steps.put("transform-" + layout, () -> noop(m.transform(df)));
        measure(steps, res);
        df.unpersist(true);
      }
    } finally {
      kernelRun.close();
    }

    // Naive per-row UDFs, nested input, on fewer rows of the same data when the shape is large.
    for (NaiveConv1DUdf.Order order : NaiveConv1DUdf.Order.values()) {
      String key = "udf-" + order.name().toLowerCase(Locale.ROOT);
      double budget = order == NaiveConv1DUdf.Order.DOT ? udfGflop / 5 : udfGflop;
      long udfRows = Math.min(rows, Math.max(partitions,
          (long) Math.floor(budget * 1e9 / flopsPerRow / partitions) * partitions));
      res.udfRows.put(key, udfRows);
      Dataset<Row> udfDf = data(seed, udfRows, len, c, true, 0).persist(StorageLevel.MEMORY_ONLY());
      udfDf.count();
      UserDefinedFunction naive = NaiveConv1DUdf.create(kernel, bias, spec, len, order);
      Map<String, Runnable> udfSteps = new LinkedHashMap<>();
      udfSteps.put(key, () -> noop(udfDf.withColumn(OUTPUT, naive.apply(functions.col(INPUT)))));
      measure(udfSteps, res);
      udfDf.unpersist(true);
    }

    printf("  %-18s %10s %10s %9s %9s", "", "median s", "rows/s", "GFLOP/s", "");
    for (String layout : new String[] {"nested", "flat"}) {
      for (String what : new String[] {"floor", "kernel", "transform"}) {
        double t = res.t.get(what + "-" + layout);
        printf("  %-18s %10.4f %10.0f %9.1f", what + "-" + layout, t, rows / t,
            what.equals("floor") ? Double.NaN : res.flops / t / 1e9);
      }
      printf("  efficiency-%-7s (floor + kernel) / transform = %.3f   (from CPU times: %.3f)", layout,
          res.eff(layout), res.cpuEff(layout));
    }
    for (String key : new String[] {"udf-dot", "udf-axpy"}) {
      double tu = res.t.get(key);
      long ur = res.udfRows.get(key);
      printf("  %-18s %10.4f %10.1f %9.2f   (%d rows%s)", key + "-nested", tu, ur / tu, flopsPerRow * ur / tu / 1e9,
          ur, ur < rows ? ", fewer rows: compared in rows/s" : "");
    }
    printf("  speed-up of transform-nested vs UDF: dot (target) %.1fx, axpy (info) %.1fx",
        res.udfSpeedup("nested", "udf-dot"), res.udfSpeedup("nested", "udf-axpy"));
    println("");
    return res;
  }

  /**
   * Interleaved repetitions: warm-up rounds, then rounds of every step; medians of wall time into {@code res.t}
   * and of process CPU time (all threads, GC included) into {@code res.cpu}.
   */
  private void measure(Map<String, Runnable> steps, Result res) {
    Map<String, double[][]> times = new LinkedHashMap<>();
    double slowest = 0, warm = 0;
    int rounds = 0;
    while (rounds < warmup || (warm < warmupSeconds && rounds < MAX_WARMUP_ROUNDS)) {
      for (Map.Entry<String, Runnable> e : steps.entrySet()) {
        double t = time(e.getValue())[0];
        slowest = Math.max(slowest, t);
        warm += t;
      }
      rounds++;
    }
    int n = slowest > bigSeconds ? bigReps : reps;
    for (String key : steps.keySet()) times.put(key, new double[2][n]);
    for (int r = 0; r < n; r++) {
      for (Map.Entry<String, Runnable> e : steps.entrySet()) {
        double[] wc = time(e.getValue());
        times.get(e.getKey())[0][r] = wc[0];
        times.get(e.getKey())[1][r] = wc[1];
      }
    }
    for (Map.Entry<String, double[][]> e : times.entrySet()) {
      res.t.put(e.getKey(), median(e.getValue()[0]));
      res.cpu.put(e.getKey(), median(e.getValue()[1]));
      StringBuilder sb = new StringBuilder();
      for (double x : e.getValue()[0]) sb.append(String.format(Locale.ROOT, " %.3f", x));
      printf("    %-18s reps:%s  (after %d warm-up rounds; cpu median %.3f s)", e.getKey(), sb, rounds,
          res.cpu.get(e.getKey()));
    }
  }

  private static double median(double[] v) {
    double[] t = v.clone();
    Arrays.sort(t);
    return t.length % 2 == 1 ? t[t.length / 2] : (t[t.length / 2 - 1] + t[t.length / 2]) / 2;
  }

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  /** {wall seconds, process CPU seconds} of one run. */
  private static double[] time(Runnable r) {
    long c0 = OS.getProcessCpuTime();
    long t0 = System.nanoTime();
    r.run();
    long t1 = System.nanoTime();
    long c1 = OS.getProcessCpuTime();
    return new double[] {(t1 - t0) / 1e9, (c1 - c0) / 1e9};
  }

  private static void noop(Dataset<Row> ds) {
    ds.write().format("noop").mode("overwrite").save();
  }

  private String storage() {
    long mem = 0, disk = 0;
    int cached = 0, total = 0;
    for (RDDInfo info : spark.sparkContext().getRDDStorageInfo()) {
      mem += info.memSize();
      disk += info.diskSize();
      cached += info.numCachedPartitions();
      total += info.numPartitions();
    }
    return String.format(Locale.ROOT, "%d/%d partitions in memory, %.0f MiB, disk %.0f MiB", cached, total,
        mem / 1048576.0, disk / 1048576.0);
  }

  /** Rows (id, sequence) with the deterministic values; nested [length][channels] or flat. */
  private Dataset<Row> data(long seed, long rows, int len, int c, boolean nested, long firstRow) {
    DataType seqType = nested ? DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, false), false)
        : DataTypes.createArrayType(DataTypes.FloatType, false);
    StructType schema = new StructType().add("id", DataTypes.LongType, false).add(INPUT, seqType, false);
    MapPartitionsFunction<Long, Row> gen = generator(seed, len, c, nested);
    return spark.range(firstRow, firstRow + rows, 1, partitions).as(Encoders.LONG())
        .mapPartitions(gen, Encoders.row(schema));
  }

  /** Static, so the function captures only these values (an anonymous class would capture the benchmark). */
  private static MapPartitionsFunction<Long, Row> generator(long seed, int len, int c, boolean nested) {
    return ids -> new Iterator<Row>() {
      @Override public boolean hasNext() { return ids.hasNext(); }

      @Override public Row next() {
        long id = ids.next();
        float[] v = values(seed, id, len * c);
        if (!nested) return RowFactory.create(id, v);
        float[][] x = new float[len][];
        for (int t = 0; t < len; t++) x[t] = Arrays.copyOfRange(v, t * c, (t + 1) * c);
        return RowFactory.create(id, x);
      }
    };
  }

  // ---------------------------------------------------------------------------------------------------------------

  /** The kernel alone over the same rows, split into halves by partition like Spark's range. */
  private static final class KernelRun implements AutoCloseable {
    private final Conv1DOp op;
    private final List<List<SequenceBatch>> xs = new ArrayList<>();
    private final List<List<SequenceBatch>> ys = new ArrayList<>();
    private final ExecutorService pool;
    private final Workspace[] workspaces;

    KernelRun(BenchShape b, Weights w, long seed, long rows, int parts, int batchSize, long maxBatchBytes) {
      Conv1DSpec spec = b.spec;
      op = Conv1DOp.of(spec, w, Activations.linear());
      int len = b.length, c = spec.inChannels(), f = spec.filters(), outLen = b.outLength();
      long perRowFloats = (long) len * c + (long) outLen * f;
      int perBatch = (int) Math.max(1, Math.min(batchSize, maxBatchBytes / 4 / perRowFloats));
      for (int p = 0; p < parts; p++) {
        long from = rows * p / parts, to = rows * (p + 1) / parts;
        List<SequenceBatch> px = new ArrayList<>(), py = new ArrayList<>();
        int maxOut = 0;
        for (long r0 = from; r0 < to; r0 += perBatch) {
          int n = (int) Math.min(perBatch, to - r0);
          float[] v = new float[n * len * c];
          int[] offs = new int[n + 1];
          for (int i = 0; i < n; i++) {
            System.arraycopy(values(seed, r0 + i, len * c), 0, v, i * len * c, len * c);
            offs[i + 1] = offs[i] + len;
          }
          SequenceBatch x = SequenceBatch.of(v, offs, c, DataFormat.CHANNELS_LAST);
          px.add(x);
          maxOut = Math.max(maxOut, n * outLen * f);
        }
        float[] yv = new float[maxOut];
        for (SequenceBatch x : px) {
          int[] yo = spec.outputOffsets(x.offsets());
          py.add(SequenceBatch.of(yv, yo, f, DataFormat.CHANNELS_LAST));
        }
        xs.add(px);
        ys.add(py);
      }
      pool = Executors.newFixedThreadPool(parts, r -> {
        Thread t = new Thread(r, "kernel-bench");
        t.setDaemon(true);
        return t;
      });
      workspaces = new Workspace[parts];
      for (int p = 0; p < parts; p++) workspaces[p] = Workspace.create();
    }

    int batchCount() {
      int n = 0;
      for (List<SequenceBatch> l : xs) n += l.size();
      return n;
    }

    void run() {
      List<Future<?>> fs = new ArrayList<>();
      for (int p = 0; p < xs.size(); p++) {
        final int part = p;
        fs.add(pool.submit(() -> {
          List<SequenceBatch> px = xs.get(part), py = ys.get(part);
          for (int i = 0; i < px.size(); i++) op.forward(px.get(i), py.get(i), workspaces[part]);
        }));
      }
      try {
        for (Future<?> fu : fs) fu.get();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void close() {
      pool.shutdownNow();
      for (Workspace w : workspaces) w.close();
    }
  }

  // ---------------------------------------------------------------------------------------------------------------

  private void summary(List<Result> results) {
    println("## Summary (medians; rows/s and GFLOP/s of transform + write.noop; eff = (floor + kernel) / transform"
        + " from wall times, cpu-eff the same from process CPU times)");
    printf("%-11s %6s | %10s %7s %6s %7s | %10s %7s %6s %7s | %7s | %8s %8s", "shape", "rows", "nested r/s",
        "GFLOP/s", "eff", "cpu-eff", "flat r/s", "GFLOP/s", "eff", "cpu-eff", "kernel", "dot-udf", "axpy-udf");
    for (Result r : results) {
      printf("%-11s %6d | %10.0f %7.1f %6.3f %7.3f | %10.0f %7.1f %6.3f %7.3f | %7.1f | %7.1fx %7.1fx",
          r.shape.name, r.rows,
          r.rows / r.t.get("transform-nested"), r.flops / r.t.get("transform-nested") / 1e9, r.eff("nested"),
          r.cpuEff("nested"),
          r.rows / r.t.get("transform-flat"), r.flops / r.t.get("transform-flat") / 1e9, r.eff("flat"),
          r.cpuEff("flat"),
          r.flops / r.t.get("kernel-nested") / 1e9, r.udfSpeedup("nested", "udf-dot"),
          r.udfSpeedup("nested", "udf-axpy"));
    }
    println("");
    println("## Targets");
    for (Result r : results) {
      String n = r.shape.name;
      double min = n.startsWith("S1-") ? 0.5 : (n.startsWith("S3-") || n.startsWith("S4-") || n.startsWith("S5-"))
          ? 0.8 : Double.NaN;
      if (!Double.isNaN(min)) {
        for (String layout : new String[] {"nested", "flat"}) {
          double e = r.eff(layout);
          printf("%-11s efficiency %-6s %.3f >= %.1f : %s", n, layout, e, min, e >= min ? "met" : "NOT met");
        }
      }
      double s = r.udfSpeedup("nested", "udf-dot");
      printf("%-11s vs per-row UDF   %.1fx >= 10x : %s   (vs the auto-vectorized axpy-order UDF: %.1fx, info)", n,
          s, s >= 10 ? "met" : "NOT met", r.udfSpeedup("nested", "udf-axpy"));
    }
    println("");
  }
}
