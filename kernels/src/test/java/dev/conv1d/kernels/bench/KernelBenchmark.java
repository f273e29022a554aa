package dev.conv1d.kernels.bench;

import dev.conv1d.kernels.activation.Activations;
import dev.conv1d.kernels.bench.TfConvTimer.Direction;
import dev.conv1d.kernels.conv.Conv1DKernel;
import dev.conv1d.kernels.conv.Conv1DOp;
import dev.conv1d.kernels.conv.ConvKernels;
import dev.conv1d.kernels.conv.Weights;
import dev.conv1d.kernels.conv.Workspace;
import dev.conv1d.kernels.spec.Conv1DSpec;
import dev.conv1d.kernels.tensor.SequenceBatch;
import dev.conv1d.kernels.tf.TfConv1D;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.tensorflow.Result;
import org.tensorflow.TensorFlow;

/**
 * The issue-3 kernel benchmark: for every shape of the suite ({@code bench/shapes.tsv}) and every direction
 * (forward, input gradient, kernel gradient), GFLOP/s of our SIMD (Vector API) engine, our scalar engine and
 * TensorFlow's own conv1d (TF Java), at 1 and 2 threads, against the fp32 FMA peak measured through the Vector API
 * in the same run; then the targets evaluated from those numbers, and one machine-readable line per case.
 *
 * <p>Not a test and not part of {@code mvn verify}: run it with {@code mvn -pl kernels -Pbench-kernels -DskipTests
 * test} (add {@code -Dbench.args=--quick} while developing). See README.md, "Benchmarks".
 *
 * <p>Structure: this JVM (the parent) measures the FMA peak and then starts one child JVM per thread count (same
 * java, JVM options and classpath). TensorFlow sizes its intra-op thread pool once per process from the first
 * session, so each child creates TensorFlow sessions of one intra-op setting only; inside a child every case is
 * measured SIMD, TensorFlow, scalar back to back, so the SIMD/TF ratio comes from neighbouring seconds.
 *
 * <p>Timing: per engine and case a warm-up of at least one call and {@code warmup-ms}, then samples until at least
 * {@code measure-ms} and 3 samples (at most 31); a sample is the mean of enough consecutive calls to last 25 ms
 * (one call when it is longer), each call timed on its own. The reported figure is the median sample. Neither
 * side gets a bias: our ops are built without one, TensorFlow's graph has none.
 */
public final class KernelBenchmark {
  static final String DEFAULT_COMMAND = "mvn -pl kernels -Pbench-kernels -DskipTests test";
  private static final String ROW = "@row\t";
  private static final String INFO = "@info\t";

  private KernelBenchmark() {}

  // ---------------------------------------------------------------------------------------------- options

  static final class Options {
    boolean quick, child, help;
    List<String> shapes = new ArrayList<>();
    List<Integer> threads = new ArrayList<>(List.of(1, 2));
    Path shapesFile;
    Path out;
    long warmupMs = -1, measureMs = -1;
    final List<String> passThrough = new ArrayList<>();

    long warmupNs() {
      return (warmupMs >= 0 ? warmupMs : quick ? 200 : 700) * 1_000_000L;
    }

    long measureNs() {
      return (measureMs >= 0 ? measureMs : quick ? 500 : 1800) * 1_000_000L;
    }
  }

  static Options parse(String[] raw) {
    Options o = new Options();
    // Maven hands -Dbench.args="--quick --shape S1" over as one argument: split on whitespace.
    String[] args = String.join(" ", raw).trim().split("\\s+");
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--quick":
          o.quick = true;
          o.passThrough.add(a);
          break;
        case "--child":
          o.child = true;
          break;
        case "--help":
        case "-h":
          o.help = true;
          break;
        case "--shape":
          o.shapes.addAll(Arrays.asList(value(args, ++i, a).split(",")));
          o.passThrough.add(a);
          o.passThrough.add(args[i]);
          break;
        case "--threads":
          o.threads = new ArrayList<>();
          for (String t : value(args, ++i, a).split(",")) o.threads.add(Integer.parseInt(t.trim()));
          break;
        case "--shapes-file":
          o.shapesFile = Paths.get(value(args, ++i, a));
          o.passThrough.add(a);
          o.passThrough.add(args[i]);
          break;
        case "--out":
          o.out = Paths.get(value(args, ++i, a));
          break;
        case "--warmup-ms":
          o.warmupMs = Long.parseLong(value(args, ++i, a));
          o.passThrough.add(a);
          o.passThrough.add(args[i]);
          break;
        case "--measure-ms":
          o.measureMs = Long.parseLong(value(args, ++i, a));
          o.passThrough.add(a);
          o.passThrough.add(args[i]);
          break;
        default:
          if (a.isBlank()) break;
          throw new IllegalArgumentException("unknown argument '" + a + "' (try --help)");
      }
    }
    if (o.quick && o.shapes.isEmpty()) {
      o.shapes.add("S3-medium");
      o.passThrough.add("--shape");
      o.passThrough.add("S3-medium");
    }
    return o;
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) throw new IllegalArgumentException(flag + " needs a value");
    return args[i];
  }

  static final String USAGE = String.join("\n",
      "KernelBenchmark [--quick] [--shape S1-sensor,S3] [--threads 1,2] [--shapes-file shapes.tsv] [--out file]",
      "                [--warmup-ms N] [--measure-ms N]",
      "  --quick        one shape (S3-medium unless --shape), short warm-up and measurement: the dev loop",
      "  --shape        shapes whose name starts with one of these (default: the whole suite)",
      "  --threads      thread counts, each in its own child JVM (default 1,2)",
      "  --shapes-file  suite file (default: the copy bundled with the tests, bench/shapes.tsv)",
      "  --out          also write the report here (default kernels/target/bench/kernel-benchmark.txt)");

  // ---------------------------------------------------------------------------------------------- main

  public static void main(String[] args) throws Exception {
    Options o = parse(args);
    if (o.help) {
      System.out.println(USAGE);
      return;
    }
    if (o.child) {
      if (o.threads.size() != 1) throw new IllegalArgumentException("--child needs exactly one --threads value");
      runChild(o, o.threads.get(0));
    } else {
      runParent(o, args);
    }
  }

  // ---------------------------------------------------------------------------------------------- child

  /** Warm-up, then timed samples; the median sample in seconds per call, and the spread. */
  static final class Timing {
    final double median, iqr;
    final int samples, calls, busyThreads;

    Timing(double median, double iqr, int samples, int calls, int busyThreads) {
      this.median = median;
      this.iqr = iqr;
      this.samples = samples;
      this.calls = calls;
      this.busyThreads = busyThreads;
    }
  }

  /** One timed call: returns the nanoseconds of the part that counts. */
  interface Call {
    long once();
  }

  static Timing time(Call c, long warmupNs, long measureNs) {
    long start = System.nanoTime();
    long last;
    int warm = 0;
    do {
      last = c.once();
      warm++;
    } while (System.nanoTime() - start < warmupNs);
    long perSample = Math.max(1, 25_000_000L / Math.max(1, last));
    ThreadCpu cpu0 = ThreadCpu.snapshot();
    List<Double> samples = new ArrayList<>();
    long t0 = System.nanoTime();
    int calls = 0;
    while (samples.size() < 3 || (System.nanoTime() - t0 < measureNs && samples.size() < 31)) {
      long sum = 0;
      for (long i = 0; i < perSample; i++) sum += c.once();
      calls += perSample;
      samples.add(sum / 1e9 / perSample);
    }
    int busy = ThreadCpu.snapshot().busyThreadsSince(cpu0);
    double[] s = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double med = quantile(s, 0.5);
    return new Timing(med, (quantile(s, 0.75) - quantile(s, 0.25)) / med, s.length, calls, busy);
  }

  private static double quantile(double[] sorted, double q) {
    double p = q * (sorted.length - 1);
    int lo = (int) Math.floor(p), hi = (int) Math.ceil(p);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (p - lo);
  }

  private static long timed(Runnable r) {
    long t0 = System.nanoTime();
    r.run();
    return System.nanoTime() - t0;
  }

  /** Our op for one engine, with its own output buffers and workspace. */
  private static final class Ours implements AutoCloseable {
    final Conv1DOp op;
    final SequenceBatch y, dx;
    final float[] dk;
    final Workspace ws;

    Ours(Conv1DSpec spec, float[] kernel, Conv1DKernel engine, SequenceBatch x, int threads) {
      op = Conv1DOp.of(spec, Weights.ofFlat(kernel, spec.kernelSize(), spec.groupInChannels(), spec.filters(), null),
          Activations.linear(), engine);
      y = op.newOutput(x);
      dx = SequenceBatch.allocate(x.offsets().clone(), spec.inChannels(), spec.dataFormat());
      dk = new float[spec.kernelLength()];
      ws = Workspace.create(threads);
    }

    Call call(Direction d, SequenceBatch x, SequenceBatch dz) {
      switch (d) {
        case FORWARD:
          return () -> timed(() -> op.forward(x, y, ws));
        case INPUT_GRAD:
          return () -> timed(() -> op.backwardInput(dz, dx, ws));
        default:
          // backwardKernel accumulates: zeroing belongs to computing a fresh gradient (and is tiny).
          return () -> timed(() -> {
            Arrays.fill(dk, 0f);
            op.backwardKernel(x, dz, dk, null, ws);
          });
      }
    }

    float[] output(Direction d) {
      return d == Direction.FORWARD ? y.values() : d == Direction.INPUT_GRAD ? dx.values() : dk;
    }

    @Override
    public void close() {
      ws.close();
    }
  }

  /** max |a - ref| / max |ref|. */
  static double relErr(float[] a, float[] ref) {
    if (a.length != ref.length) return Double.POSITIVE_INFINITY;
    double num = 0, den = 0;
    for (int i = 0; i < a.length; i++) {
      num = Math.max(num, Math.abs((double) a[i] - ref[i]));
      den = Math.max(den, Math.abs((double) ref[i]));
    }
    return den == 0 ? num : num / den;
  }

  static List<BenchShape> shapes(Options o) throws IOException {
    List<BenchShape> all = BenchShape.load(o.shapesFile), out = new ArrayList<>();
    for (BenchShape b : all) {
      if (o.shapes.isEmpty() || o.shapes.stream().anyMatch(p -> b.name.startsWith(p.trim()))) out.add(b);
    }
    if (out.isEmpty()) throw new IllegalArgumentException("no shape matches " + o.shapes);
    return out;
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, "%.6g", v);
  }

  static void runChild(Options o, int threads) throws Exception {
    System.out.println(INFO + "tf\t" + TensorFlow.version());
    Conv1DKernel simd = ConvKernels.panama().orElse(null), scalar = ConvKernels.scalar();
    for (BenchShape b : shapes(o)) {
      Conv1DSpec spec = b.spec.toBuilder().useBias(false).build();
      SplittableRandom r = new SplittableRandom(42);
      int[] offs = new int[b.batch + 1];
      for (int i = 0; i < b.batch; i++) offs[i + 1] = offs[i] + b.length;
      SequenceBatch x = SequenceBatch.allocate(offs, spec.inChannels(), spec.dataFormat());
      for (int i = 0; i < x.values().length; i++) x.values()[i] = (float) r.nextDouble(-1, 1);
      float[] kernel = new float[spec.kernelLength()];
      for (int i = 0; i < kernel.length; i++) kernel[i] = (float) r.nextDouble(-1, 1);
      SequenceBatch dz = SequenceBatch.allocate(spec.outputOffsets(offs), spec.filters(), spec.dataFormat());
      for (int i = 0; i < dz.values().length; i++) dz.values()[i] = (float) r.nextDouble(-1, 1);

      TfConvTimer tf = null;
      String tfError = null;
      try {
        tf = new TfConvTimer(b, threads, x.values(), kernel, dz.values());
      } catch (RuntimeException | LinkageError e) {
        tfError = "TensorFlow graph/session failed: " + e;
      }
      try (Ours s = simd == null ? null : new Ours(spec, kernel, simd, x, threads);
          Ours sc = new Ours(spec, kernel, scalar, x, threads)) {
        for (Direction d : Direction.values()) {
          String note = tfError == null ? "" : tfError;
          Timing ts = s == null ? null : time(s.call(d, x, dz), o.warmupNs(), o.measureNs());
          Timing tt = null;
          float[] ref = null;
          if (tf != null) {
            final TfConvTimer t = tf;
            try {
              tt = time(() -> {
                long t0 = System.nanoTime();
                Result res = t.run(d);
                long e = System.nanoTime() - t0;
                res.close();
                return e;
              }, o.warmupNs(), o.measureNs());
              ref = tf.output(d);
            } catch (RuntimeException e) {
              note = "TensorFlow failed: " + firstLine(e.getMessage());
              tt = null;
            }
          }
          Timing tsc = time(sc.call(d, x, dz), o.warmupNs(), o.measureNs());
          double f = b.flops() / 1e9;
          double errS = ref == null || s == null ? Double.NaN : relErr(s.output(d), ref);
          double errSc = ref == null ? Double.NaN : relErr(sc.output(d), ref);
          String name = b.name + "/" + d.label;
          System.out.println(ROW + String.join("\t", name, Integer.toString(threads),
              fmt(ts == null ? Double.NaN : f / ts.median), fmt(f / tsc.median), fmt(tt == null ? Double.NaN : f / tt.median),
              fmt(ts == null ? Double.NaN : ts.iqr), fmt(tsc.iqr), fmt(tt == null ? Double.NaN : tt.iqr),
              Integer.toString(ts == null ? -1 : ts.busyThreads), Integer.toString(tt == null ? -1 : tt.busyThreads),
              fmt(errS), fmt(errSc),
              (ts == null ? 0 : ts.samples) + "/" + tsc.samples + "/" + (tt == null ? 0 : tt.samples),
              note.replace('\t', ' ')));
          System.out.printf(Locale.ROOT, "  %-24s %dT  SIMD %7.1f  scalar %7.1f  TF %7.1f GFLOP/s%n", name, threads,
              ts == null ? Double.NaN : f / ts.median, f / tsc.median, tt == null ? Double.NaN : f / tt.median);
          System.out.flush();
        }
      } finally {
        if (tf != null) tf.close();
      }
    }
  }

  private static String firstLine(String m) {
    if (m == null) return "";
    for (String line : m.split("\n")) if (!line.isBlank()) return line.trim();
    return "";
  }

  // ---------------------------------------------------------------------------------------------- parent

  /** One measured case at one thread count, as a child reported it. */
  static final class Row {
    String name;
    int threads;
    double simd, scalar, tf, iqrSimd, iqrScalar, iqrTf, errSimd, errScalar;
    int busySimd, busyTf;
    String samples, note;

    static Row parse(String line) {
      String[] f = line.substring(ROW.length()).split("\t", -1);
      Row r = new Row();
      r.name = f[0];
      r.threads = Integer.parseInt(f[1]);
      r.simd = Double.parseDouble(f[2]);
      r.scalar = Double.parseDouble(f[3]);
      r.tf = Double.parseDouble(f[4]);
      r.iqrSimd = Double.parseDouble(f[5]);
      r.iqrScalar = Double.parseDouble(f[6]);
      r.iqrTf = Double.parseDouble(f[7]);
      r.busySimd = Integer.parseInt(f[8]);
      r.busyTf = Integer.parseInt(f[9]);
      r.errSimd = Double.parseDouble(f[10]);
      r.errScalar = Double.parseDouble(f[11]);
      r.samples = f[12];
      r.note = f.length > 13 ? f[13] : "";
      return r;
    }

    String shape() {
      return name.substring(0, name.indexOf('/'));
    }

    String direction() {
      return name.substring(name.indexOf('/') + 1);
    }
  }

  static String commandLine(Options o, String[] args) {
    if ("maven".equals(System.getProperty("conv1d.bench.launcher"))) {
      String a = String.join(" ", args).trim();
      return DEFAULT_COMMAND + (a.isEmpty() ? "" : " -Dbench.args=\"" + a + "\"");
    }
    return "java " + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments())
        + " -cp <kernels test classpath> " + KernelBenchmark.class.getName() + " " + String.join(" ", args);
  }

  static String cpuModel() {
    try {
      for (String l : Files.readAllLines(Paths.get("/proc/cpuinfo"))) {
        if (l.startsWith("model name")) return l.substring(l.indexOf(':') + 1).trim();
      }
    } catch (IOException e) {
      // not Linux
    }
    return System.getProperty("os.arch");
  }

  static String cpuDetails() {
    try {
      String family = null, model = null, mhz = null;
      List<String> simd = new ArrayList<>();
      int processors = 0;
      for (String l : Files.readAllLines(Paths.get("/proc/cpuinfo"))) {
        String v = l.contains(":") ? l.substring(l.indexOf(':') + 1).trim() : "";
        if (l.startsWith("processor")) processors++;
        else if (l.startsWith("cpu family") && family == null) family = v;
        else if (l.startsWith("model\t") && model == null) model = v;
        else if (l.startsWith("cpu MHz") && mhz == null) mhz = v;
        else if (l.startsWith("flags") && simd.isEmpty()) {
          for (String fl : v.split(" ")) {
            if (fl.equals("avx2") || fl.equals("fma") || fl.equals("avx512f") || fl.equals("avx512_bf16")) simd.add(fl);
          }
        }
      }
      return processors + " logical CPUs in /proc/cpuinfo, family " + family + " model " + model + ", " + mhz
          + " MHz, flags " + String.join(" ", simd);
    } catch (IOException e) {
      return "n/a";
    }
  }

  static String loadAverage() {
    try {
      String[] f = Files.readAllLines(Paths.get("/proc/loadavg")).get(0).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }

  static Path defaultOut() {
    Path here = Paths.get("").toAbsolutePath();
    if (Files.exists(here.resolve("kernels").resolve("pom.xml"))) here = here.resolve("kernels");
    return here.resolve("target").resolve("bench").resolve("kernel-benchmark.txt");
  }

  static void runParent(Options o, String[] args) throws Exception {
    long started = System.nanoTime();
    StringBuilder out = new StringBuilder();
    String loadStart = loadAverage();
    String date = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    List<BenchShape> shapes = shapes(o);
    Path outFile = o.out != null ? o.out
        : System.getProperty("conv1d.bench.out") != null ? Paths.get(System.getProperty("conv1d.bench.out"))
        : defaultOut();

    // FMA peak, in this JVM, before any child runs (and again after them: the machine is shared, the best counts).
    Map<Integer, FmaPeak.Peak> peaks = new LinkedHashMap<>();
    Map<Integer, FmaPeak.Peak> peaksEnd = new LinkedHashMap<>();
    String species = "n/a (jdk.incubator.vector not readable: start with --add-modules=jdk.incubator.vector)";
    boolean vectorApi = ConvKernels.panama().isPresent();
    if (vectorApi) {
      species = FmaPeak.species();
      measurePeaks(o, peaks, "before");
    }

    // One child JVM per thread count.
    List<Row> rows = new ArrayList<>();
    String tfVersion = "n/a";
    List<String> failures = new ArrayList<>();
    for (int t : o.threads) {
      List<String> cmd = new ArrayList<>();
      cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add(KernelBenchmark.class.getName());
      cmd.add("--child");
      cmd.add("--threads");
      cmd.add(Integer.toString(t));
      cmd.addAll(o.passThrough);
      System.err.printf(Locale.ROOT, "child JVM for %d thread(s): SIMD, TensorFlow, scalar per case...%n", t);
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.startsWith(ROW)) rows.add(Row.parse(line));
          else if (line.startsWith(INFO + "tf\t")) tfVersion = line.substring((INFO + "tf\t").length());
          else System.err.println(line);
        }
      }
      int rc = p.waitFor();
      if (rc != 0) failures.add("child JVM for " + t + " thread(s) exited with status " + rc);
    }
    if (vectorApi) measurePeaks(o, peaksEnd, "after");
    String loadEnd = loadAverage();
    Map<Integer, Double> peak = new LinkedHashMap<>();
    for (Map.Entry<Integer, FmaPeak.Peak> e : peaks.entrySet()) {
      peak.put(e.getKey(), Math.max(e.getValue().best, peaksEnd.get(e.getKey()).best));
    }

    Conv1DKernel simd = ConvKernels.panama().orElse(null);
    line(out, "# spark-conv1d kernel benchmark (issue 3)");
    line(out, "date:        " + date);
    line(out, "command:     " + commandLine(o, args));
    line(out, "mode:        " + (o.quick ? "QUICK (dev loop: short time boxes, not for BENCHMARKS.md)" : "full")
        + "; warm-up >= " + o.warmupNs() / 1_000_000 + " ms, then >= 3 samples and >= " + o.measureNs() / 1_000_000
        + " ms per engine and case; median sample");
    line(out, "cpu:         " + cpuModel() + " (" + cpuDetails() + ")");
    line(out, "cores:       " + Runtime.getRuntime().availableProcessors() + " available to the JVM; load average "
        + loadStart + " at start, " + loadEnd + " at end");
    line(out, "jvm:         " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
        + " (" + System.getProperty("java.vm.vendor") + "), options "
        + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
    line(out, "engines:     SIMD = " + (simd == null ? "n/a (" + ConvKernels.panamaAbsenceReason() + ")" : simd.name())
        + ", scalar = " + ConvKernels.scalar().name() + "; ConvKernels.best() = " + ConvKernels.best().name() + ": "
        + ConvKernels.selectionReason());
    line(out, "vector api:  SPECIES_PREFERRED = " + species);
    line(out, "tensorflow:  " + tfVersion + " (TF Java 1.1.0), oneDNN "
        + TfConv1D.oneDnnReason()
        + "; ConfigProto intra_op_parallelism_threads = the row's threads, inter_op 1; one child JVM per thread count");
    line(out, "tf graph:    as TfConv1D builds it: Conv2D on [N,1,L,C], Conv2DBackpropInput/Filter; causal = Pad + VALID;"
        + " dilation > 1 via SpaceToBatchND/BatchToSpaceND (Keras' path); suite padding (S6 causal, S7 valid)");
    line(out, "flops:       2*batch*out_length*kernel_size*(in_channels/groups)*filters, the same for all directions;"
        + " no bias on either side");
    for (FmaPeak.Peak pk : peaks.values()) {
      FmaPeak.Peak pe = peaksEnd.get(pk.threads);
      line(out, String.format(Locale.ROOT, "fma peak:    %d thread(s): %.1f GFLOP/s = best of %d+%d repetitions of %d"
          + " independent FMA chains on SPECIES_PREFERRED before and after the cases (before: best %.1f, median %.1f;"
          + " after: best %.1f, median %.1f)", pk.threads, peak.get(pk.threads), pk.reps, pe.reps, FmaPeak.CHAINS,
          pk.best, pk.median, pe.best, pe.median));
    }
    if (!peak.isEmpty()) line(out, "             %peak below = SIMD GFLOP/s / that best figure at the row's thread count");
    line(out, "");

    // The table.
    line(out, String.format(Locale.ROOT, "%-24s %3s %8s %8s %8s %8s %6s %9s %5s %5s %14s %9s",
        "case", "thr", "SIMD", "scalar", "TF", "SIMD/TF", "%peak", "scal/SIMD", "thrS", "thrTF", "IQR% S/sc/TF",
        "max err"));
    line(out, String.format(Locale.ROOT, "%-24s %3s %8s %8s %8s %8s %6s %9s %5s %5s %14s %9s",
        "", "", "GFLOP/s", "GFLOP/s", "GFLOP/s", "", "", "", "", "", "", "vs TF"));
    for (Row r : sorted(rows, shapes)) {
      Double pk = peak.get(r.threads);
      line(out, String.format(Locale.ROOT, "%-24s %3d %8.1f %8.1f %8.1f %7.2fx %5.1f%% %9.2f %5s %5s %14s %9s%s",
          r.name, r.threads, r.simd, r.scalar, r.tf, r.simd / r.tf, pk == null ? Double.NaN : 100 * r.simd / pk,
          r.scalar / r.simd, busy(r.busySimd), busy(r.busyTf),
          String.format(Locale.ROOT, "%.0f/%.0f/%.0f", 100 * r.iqrSimd, 100 * r.iqrScalar, 100 * r.iqrTf),
          String.format(Locale.ROOT, "%.0e", Math.max(nz(r.errSimd), nz(r.errScalar))),
          r.note.isEmpty() ? "" : "  " + r.note));
    }
    line(out, "");
    line(out, "columns: GFLOP/s medians; %peak = SIMD / best FMA peak at the row's thread count; scal/SIMD = scalar /"
        + " SIMD GFLOP/s; thrS / thrTF = threads that did the work (from /proc per-thread CPU time) for SIMD and TF;"
        + " IQR% = interquartile range / median of the samples; max err = max |ours - TF| / max |TF| over both engines.");
    TreeSet<String> tfThreads = new TreeSet<>();
    for (int t : o.threads) {
      TreeSet<Integer> seen = new TreeSet<>();
      for (Row r : rows) if (r.threads == t) seen.add(r.busyTf);
      tfThreads.add("intra-op " + t + " -> busy threads " + seen);
    }
    line(out, "tf threads check: " + String.join("; ", tfThreads) + " (threads with >= 1/4 of the busiest thread's"
        + " CPU time while TF ran; with intra-op 2 this can include the calling thread and spinning pool threads;"
        + " 1 means TF ran single-threaded, ? = too short to see)");
    for (String f : failures) line(out, "FAILURE: " + f);
    line(out, "");

    // Targets.
    targets(out, rows, shapes, peak, o.threads);
    line(out, "");
    line(out, String.format(Locale.ROOT, "run time: %.0f s", (System.nanoTime() - started) / 1e9));
    line(out, "# case\tthreads\tours_gflops\ttf_gflops\tratio  (ours = SIMD engine)");
    for (Row r : sorted(rows, shapes)) {
      line(out, r.name + "\t" + r.threads + "\t" + String.format(Locale.ROOT, "%.2f", r.simd) + "\t"
          + String.format(Locale.ROOT, "%.2f", r.tf) + "\t" + String.format(Locale.ROOT, "%.3f", r.simd / r.tf));
    }

    System.out.print(out);
    System.out.flush();
    Files.createDirectories(outFile.toAbsolutePath().getParent());
    Files.writeString(outFile, out.toString(), StandardCharsets.UTF_8);
    System.err.println("written to " + outFile.toAbsolutePath());
    if (!failures.isEmpty()) System.exit(1);
  }

  private static void measurePeaks(Options o, Map<Integer, FmaPeak.Peak> into, String when)
      throws InterruptedException {
    for (int t : o.threads) {
      System.err.printf(Locale.ROOT, "measuring the FMA peak on %d thread(s) %s the cases...%n", t, when);
      into.put(t, FmaPeak.measure(t, o.quick ? 7 : 15, 100));
    }
  }

  private static double nz(double v) {
    return Double.isNaN(v) ? 0 : v;
  }

  private static String busy(int n) {
    return n < 0 ? "?" : Integer.toString(n);
  }

  private static void line(StringBuilder out, String s) {
    out.append(s).append('\n');
  }

  /** Suite order, then direction order, then threads. */
  static List<Row> sorted(List<Row> rows, List<BenchShape> shapes) {
    List<String> order = new ArrayList<>();
    for (BenchShape b : shapes) for (Direction d : Direction.values()) order.add(b.name + "/" + d.label);
    List<Row> s = new ArrayList<>(rows);
    s.sort((a, b) -> {
      int c = Integer.compare(order.indexOf(a.name), order.indexOf(b.name));
      return c != 0 ? c : Integer.compare(a.threads, b.threads);
    });
    return s;
  }

  private static Row find(List<Row> rows, String name, int threads) {
    for (Row r : rows) if (r.name.equals(name) && r.threads == threads) return r;
    return null;
  }

  private static String verdict(boolean met) {
    return met ? "[met]    " : "[NOT met]";
  }

  private static String verdict(boolean met, double... values) {
    for (double v : values) if (Double.isNaN(v)) return "[NOT met: no number]";
    return verdict(met);
  }

  /** The issue-3 targets, from this run's numbers. */
  static void targets(StringBuilder out, List<Row> rows, List<BenchShape> shapes, Map<Integer, Double> peak,
      List<Integer> threads) {
    int met = 0, total = 0;
    line(out, "## Targets (issue 3), ratios from this run");
    line(out, "T1: ours (SIMD) >= 1.0x TensorFlow, forward and kernel gradient, every shape, each thread count");
    for (BenchShape b : shapes) {
      for (String d : new String[] {"forward", "kernel-grad"}) {
        for (int t : threads) {
          Row r = find(rows, b.name + "/" + d, t);
          if (r == null) continue;
          boolean ok = r.simd / r.tf >= 1.0;
          total++;
          if (ok) met++;
          line(out, String.format(Locale.ROOT, "  %s %-24s %dT: SIMD %.1f vs TF %.1f GFLOP/s = %.2fx (need >= 1.0x)",
              verdict(ok, r.simd, r.tf), r.name, t, r.simd, r.tf, r.simd / r.tf));
        }
      }
    }
    line(out, "T2: ours (SIMD) >= 2x TensorFlow on S1, forward and kernel gradient, each thread count");
    for (BenchShape b : shapes) {
      if (!b.name.startsWith("S1")) continue;
      for (String d : new String[] {"forward", "kernel-grad"}) {
        for (int t : threads) {
          Row r = find(rows, b.name + "/" + d, t);
          if (r == null) continue;
          boolean ok = r.simd / r.tf >= 2.0;
          total++;
          if (ok) met++;
          line(out, String.format(Locale.ROOT, "  %s %-24s %dT: SIMD %.1f vs TF %.1f GFLOP/s = %.2fx (need >= 2.0x)",
              verdict(ok, r.simd, r.tf), r.name, t, r.simd, r.tf, r.simd / r.tf));
        }
      }
    }
    line(out, "T3: ours (SIMD) >= 60% of the measured FMA peak on S4 and S5 forward with 2 threads");
    Double p2 = peak.get(2);
    for (BenchShape b : shapes) {
      if (!(b.name.startsWith("S4") || b.name.startsWith("S5"))) continue;
      Row r = find(rows, b.name + "/forward", 2);
      if (r == null || p2 == null) continue;
      double pct = 100 * r.simd / p2;
      boolean ok = pct >= 60;
      total++;
      if (ok) met++;
      line(out, String.format(Locale.ROOT, "  %s %-24s 2T: SIMD %.1f GFLOP/s = %.1f%% of %.1f (need >= 60%%)",
          verdict(ok, pct), r.name, r.simd, pct, p2));
    }
    line(out, "T4: scalar fallback within 4x of the SIMD path (SIMD/scalar <= 4), every case and thread count");
    for (BenchShape b : shapes) {
      for (Direction d : Direction.values()) {
        StringBuilder s = new StringBuilder();
        boolean ok = true, any = false, nan = false;
        for (int t : threads) {
          Row r = find(rows, b.name + "/" + d.label, t);
          if (r == null) continue;
          any = true;
          double x = r.simd / r.scalar;
          ok &= x <= 4.0;
          nan |= Double.isNaN(x);
          s.append(String.format(Locale.ROOT, " %dT SIMD %.1f / scalar %.1f = %.2fx;", t, r.simd, r.scalar, x));
        }
        if (!any) continue;
        total++;
        if (ok) met++;
        line(out, String.format(Locale.ROOT, "  %s %-24s%s (need <= 4x)", verdict(ok, nan ? Double.NaN : 0), b.name + "/" + d.label, s));
      }
    }
    line(out, String.format(Locale.ROOT, "targets met: %d of %d lines", met, total));
  }
}
