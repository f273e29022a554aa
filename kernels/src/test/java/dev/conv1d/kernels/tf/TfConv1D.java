package dev.conv1d.kernels.tf;

import dev.conv1d.kernels.spec.Conv1DSpec;
import dev.conv1d.kernels.spec.DataFormat;
import dev.conv1d.kernels.spec.Padding;
import dev.conv1d.kernels.tensor.SequenceBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.TensorFlow;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.op.nn.BiasAdd;
import org.tensorflow.op.nn.BiasAddGrad;
import org.tensorflow.op.nn.Conv2d;
import org.tensorflow.op.nn.Conv2dBackpropFilter;
import org.tensorflow.op.nn.Conv2dBackpropInput;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Test oracle: TensorFlow's own conv1d, forward and both gradients, run through TensorFlow for Java on the CPU.
 *
 * <p>The graph is the one TensorFlow's Python {@code tf.nn.conv1d} / Keras {@code Conv1D} builds:
 * <ul>
 *   <li>the [N, L, C] input is expanded to [N, 1, L, C], the Keras kernel [K, C/groups, F] to [1, K, C/groups, F],
 *       and {@code Conv2D} runs in NHWC with strides [1, 1, s, 1] and dilations [1, 1, d, 1], then the size-1
 *       axis is squeezed away;</li>
 *   <li>'valid' and 'same' are TensorFlow's VALID and SAME; 'causal' is Keras': an explicit {@code Pad} of
 *       (K-1)*d zeros on the left of the length axis, then VALID;</li>
 *   <li>with dilation &gt; 1, {@link DilationPath#SPACE_TO_BATCH} is what {@code tf.nn.convolution} (hence Keras)
 *       runs: {@code SpaceToBatchND(x, [d], paddings)} (paddings from
 *       {@code required_space_to_batch_paddings}, with SAME's base padding (rf-1)/2 left, the rest right), an
 *       undilated VALID conv, then {@code BatchToSpaceND(y, [d], crops)}. {@link DilationPath#DIRECT} passes the
 *       dilations attribute to Conv2D itself, as {@code tf.nn.conv1d} does;</li>
 *   <li>groups: {@link GroupPath#NATIVE} feeds the [1, K, C/groups, F] filter straight to Conv2D (TensorFlow infers
 *       groups = C / filter in_depth); {@link GroupPath#SPLIT} is the definition, per-group convolutions of channel
 *       slices concatenated along channels;</li>
 *   <li>bias is {@code BiasAdd} over the channels axis, its gradient {@code BiasAddGrad};</li>
 *   <li>channels_first data is transposed to channels_last and back inside the TensorFlow graph.</li>
 * </ul>
 * The gradients are exactly what TensorFlow's autodiff emits for that graph, given dz = dL/d(output):
 * {@code Conv2DBackpropInput} / {@code Conv2DBackpropFilter} with the forward's attributes, SpaceToBatchND and
 * BatchToSpaceND swapped for each other (crops become paddings and vice versa), a {@code Slice} for the causal
 * pad, {@code Split}/{@code ConcatV2} for the split groups.
 *
 * <p>TensorFlow batches are rectangular, so a ragged {@link SequenceBatch} is run as one TensorFlow call per
 * distinct sequence length (all sequences of that length batched together); kernel and bias gradients are summed
 * over the calls in double. When TensorFlow refuses a call because the output would be empty (VALID or causal with
 * the input shorter than the receptive field), that is recorded in {@link Outputs#refusals} and the sequences get
 * the mathematically required answer: no output, zero input gradient, no gradient contribution. A refusal for
 * any other reason is rethrown.
 *
 * <p>Seen with TensorFlow 2.18.0 (TF Java 1.1.0) on x86-64 CPU. With oneDNN on (TensorFlow's default on newer x86 CPUs, see {@link #ONEDNN}): grouped
 * Conv2D and its gradients, dilated Conv2D gradients and NCHW all run; but a VALID Conv2D whose output would be
 * empty (0 &lt;= L - rf + s &lt; s) returns an uninitialized tensor shaped like its input (then BiasAdd refuses it).
 * With {@code TF_ENABLE_ONEDNN_OPTS=0} (Eigen kernels): Conv2DBackpropInput/Filter refuse dilation &gt; 1 and
 * grouped gradients ("not supported on CPU"), Conv2D refuses NCHW, and Conv2DBackpropFilter with an empty
 * output gradient crashes the process (SIGSEGV), so empty outputs are not sent to TensorFlow in that mode.
 *
 * <p>One {@link Graph} and {@link Session} are built per distinct graph structure (padding mode, strides,
 * dilation, path, bias, layout) and reused with placeholders; {@link #close()} frees them all.
 */
public final class TfConv1D implements AutoCloseable {

  /** How a dilation rate &gt; 1 reaches TensorFlow. */
  public enum DilationPath {
    /** Conv2D's own dilations attribute (tf.nn.conv1d). */
    DIRECT,
    /** SpaceToBatchND, undilated conv, BatchToSpaceND (tf.nn.convolution, Keras Conv1D). */
    SPACE_TO_BATCH
  }

  /** How groups &gt; 1 reach TensorFlow. */
  public enum GroupPath {
    /** One Conv2D whose filter in_depth is C/groups. */
    NATIVE,
    /** One Conv2D per group on channel slices, concatenated. */
    SPLIT
  }

  /** TensorFlow's answers, in the spec's layout, with the input's sequence order. */
  public static final class Outputs {
    /** act-free forward output conv(x) + b. */
    public final SequenceBatch output;
    /** dL/dx. */
    public final SequenceBatch inputGrad;
    /** dL/dkernel, flat Keras layout [K][C/groups][F]. */
    public final double[] kernelGrad;
    /** dL/dbias, or null without bias. */
    public final double[] biasGrad;
    /** TensorFlow session runs made. */
    public final int calls;
    /** One message per length group TensorFlow refused because its output is empty. */
    public final List<String> refusals;
    /**
     * One message per length group whose empty forward output TensorFlow answered with a non-empty tensor (the
     * output is taken as empty, the gradients TensorFlow returned are kept).
     */
    public final List<String> anomalies;

    /** Length groups whose output is empty (VALID or causal, input shorter than the receptive field). */
    public final int emptyGroups;

    Outputs(SequenceBatch output, SequenceBatch inputGrad, double[] kernelGrad, double[] biasGrad, int calls,
        List<String> refusals, List<String> anomalies, int emptyGroups) {
      this.anomalies = anomalies;
      this.emptyGroups = emptyGroups;
      this.output = output;
      this.inputGrad = inputGrad;
      this.kernelGrad = kernelGrad;
      this.biasGrad = biasGrad;
      this.calls = calls;
      this.refusals = refusals;
    }
  }

  private record Key(Padding padding, int strides, int dilation, boolean spaceToBatch, int splitGroups,
      boolean bias, boolean channelsFirst) {}

  /** One built graph with its session, placeholders and fetches. */
  private static final class Compiled implements AutoCloseable {
    final Graph graph;
    final Session session;
    Placeholder<TFloat32> x, w, b, dz;
    Placeholder<TInt32> causalPads, s2bPaddings, s2bCrops, causalBegin;
    Operand<TFloat32> y, dx, dw, db;

    Compiled(Graph graph, Session session) {
      this.graph = graph;
      this.session = session;
    }

    @Override
    public void close() {
      try {
        session.close();
      } finally {
        graph.close();
      }
    }
  }

  /** Why {@link #ONEDNN} is what it is, for reports. Declared first: the probe below sets it. */
  private static String oneDnnReason = "";

  /**
   * Whether TensorFlow runs its oneDNN CPU kernels. Its default depends on the CPU (on only for x86 CPUs with
   * AVX-512 VNNI or BF16, AVX-VNNI or AMX) and TF_ENABLE_ONEDNN_OPTS overrides it, so TensorFlow is asked: only
   * oneDNN computes a grouped Conv2DBackpropFilter on CPU. Guessing wrong matters: Eigen's backprop-filter
   * segfaults on an empty output gradient.
   */
  public static final boolean ONEDNN = probeOneDnn();

  /** The group path TensorFlow runs on this machine: its grouped Conv2D needs oneDNN, else per-group slices. */
  public static final GroupPath REFERENCE_GROUPS = ONEDNN ? GroupPath.NATIVE : GroupPath.SPLIT;

  /** How {@link #ONEDNN} was decided. */
  public static String oneDnnReason() {
    return oneDnnReason;
  }

  private static boolean probeOneDnn() {
    String env = System.getenv("TF_ENABLE_ONEDNN_OPTS");
    if (isOff(env)) {
      oneDnnReason = "off: TF_ENABLE_ONEDNN_OPTS=" + env;
      return false;
    }
    // Runs before ONEDNN is assigned; run() reads it only for empty outputs, which this probe does not have.
    Conv1DSpec s = Conv1DSpec.builder().inChannels(2).filters(2).groups(2).kernelSize(1).useBias(false).build();
    SequenceBatch x = SequenceBatch.single(new float[] {1, 2, 3, 4}, 2, 2, DataFormat.CHANNELS_LAST);
    SequenceBatch dz = SequenceBatch.single(new float[] {1, 1, 1, 1}, 2, 2, DataFormat.CHANNELS_LAST);
    String how = env == null ? "TensorFlow's default for this CPU" : "TF_ENABLE_ONEDNN_OPTS=" + env;
    try (TfConv1D tf = new TfConv1D()) {
      tf.run(s, new float[] {1, 1}, null, x, dz, DilationPath.DIRECT, GroupPath.NATIVE);
      oneDnnReason = "on (" + how + "): grouped Conv2DBackpropFilter runs";
      return true;
    } catch (IllegalStateException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      oneDnnReason = "off (" + how + "): grouped Conv2DBackpropFilter refused: " + firstLine(cause.getMessage());
      return false;
    }
  }

  private static boolean isOff(String v) {
    return v != null && (v.trim().equals("0") || v.trim().equalsIgnoreCase("false"));
  }

  private final Map<Key, Compiled> graphs = new HashMap<>();
  private final ConfigProto config;
  private int graphsBuilt;

  public TfConv1D() {
    // The machine is shared: keep TensorFlow to one thread per pool. Results do not depend on it.
    config = ConfigProto.newBuilder().setIntraOpParallelismThreads(1).setInterOpParallelismThreads(1).build();
  }

  public static String tensorflowVersion() {
    return TensorFlow.version();
  }

  /** Distinct graphs built so far. */
  public int graphsBuilt() {
    return graphsBuilt;
  }

  /** TensorFlow's forward output of {@code x} (with bias, no activation), as Keras runs it on this machine. */
  public SequenceBatch forward(Conv1DSpec spec, float[] kernel, float[] bias, SequenceBatch x) {
    int[] offs = new int[x.count() + 1];
    for (int i = 0; i < x.count(); i++) offs[i + 1] = offs[i] + spec.outputLength(x.length(i));
    SequenceBatch dz = SequenceBatch.allocate(offs, spec.filters(), spec.dataFormat());
    return run(spec, kernel, bias, x, dz, DilationPath.SPACE_TO_BATCH, REFERENCE_GROUPS).output;
  }

  /**
   * Runs TensorFlow's conv1d on {@code x} (forward with bias, no activation) and its gradients for {@code dz}
   * (dL/d(output), laid out like the output of {@code x}).
   *
   * @param kernel flat Keras kernel [K][C/groups][F]
   * @param bias F values or null (must match {@code spec.useBias()})
   */
  public Outputs run(Conv1DSpec spec, float[] kernel, float[] bias, SequenceBatch x, SequenceBatch dz,
      DilationPath dilationPath, GroupPath groupPath) {
    if (kernel.length != spec.kernelLength()) throw new IllegalArgumentException("kernel length " + kernel.length);
    if ((bias != null) != spec.useBias()) throw new IllegalArgumentException("bias presence must match use_bias");
    if (x.channels() != spec.inChannels() || x.layout() != spec.dataFormat()) {
      throw new IllegalArgumentException("x does not fit " + spec);
    }
    if (dz.count() != x.count() || dz.channels() != spec.filters() || dz.layout() != spec.dataFormat()) {
      throw new IllegalArgumentException("dz does not fit " + spec);
    }
    int c = spec.inChannels(), f = spec.filters(), k = spec.kernelSize(), cg = spec.groupInChannels();
    int d = spec.dilationRate();
    boolean s2b = d > 1 && dilationPath == DilationPath.SPACE_TO_BATCH;
    int split = spec.groups() > 1 && groupPath == GroupPath.SPLIT ? spec.groups() : 1;
    boolean cf = spec.dataFormat() == DataFormat.CHANNELS_FIRST;
    Compiled g = graph(new Key(spec.padding(), spec.strides(), d, s2b, split, bias != null, cf));

    // Group sequences by length, keeping first-seen order.
    Map<Integer, List<Integer>> byLength = new LinkedHashMap<>();
    for (int i = 0; i < x.count(); i++) byLength.computeIfAbsent(x.length(i), l -> new ArrayList<>()).add(i);

    float[][] yOf = new float[x.count()][];
    float[][] dxOf = new float[x.count()][];
    int[] outLen = new int[x.count()];
    double[] dk = new double[spec.kernelLength()];
    double[] db = bias == null ? null : new double[f];
    List<String> refusals = new ArrayList<>();
    List<String> anomalies = new ArrayList<>();
    int emptyGroups = 0;
    int calls = 0;

    for (Map.Entry<Integer, List<Integer>> e : byLength.entrySet()) {
      int len = e.getKey();
      List<Integer> seqs = e.getValue();
      int n = seqs.size();
      int lo = dz.length(seqs.get(0));
      for (int i : seqs) {
        if (dz.length(i) != lo) throw new IllegalArgumentException("dz lengths differ for equal input lengths");
      }
      float[] xv = new float[n * len * c];
      float[] dzv = new float[n * lo * f];
      for (int j = 0; j < n; j++) {
        int i = seqs.get(j);
        System.arraycopy(x.values(), x.start(i), xv, j * len * c, len * c);
        System.arraycopy(dz.values(), dz.start(i), dzv, j * lo * f, lo * f);
      }
      Shape xShape = cf ? Shape.of(n, c, len) : Shape.of(n, len, c);
      Shape dzShape = cf ? Shape.of(n, f, lo) : Shape.of(n, lo, f);

      int causalLeft = spec.padding() == Padding.CAUSAL ? spec.receptiveField() - 1 : 0;
      int[] s2bPad = null, s2bCrop = null;
      if (s2b) {
        // array_ops.required_space_to_batch_paddings with _with_space_to_batch_base_paddings (SAME) or zeros.
        int baseStart = 0, baseEnd = 0;
        if (spec.padding() == Padding.SAME) {
          int extra = (k - 1) * d;
          baseStart = extra / 2;
          baseEnd = extra - baseStart;
        }
        int inLen = len + causalLeft;
        int full = inLen + baseStart + baseEnd;
        int endExtra = (d - full % d) % d;
        s2bPad = new int[] {baseStart, baseEnd + endExtra};
        s2bCrop = new int[] {0, endExtra};
      }

      boolean emptyOutput = spec.outputLength(len) == 0;
      if (emptyOutput) emptyGroups++;
      if (emptyOutput && !ONEDNN) {
        // TensorFlow's own (Eigen) Conv2DBackpropFilter crashes the JVM (SIGSEGV) on an empty out_backprop.
        refusal(refusals, seqs, len, c, outLen, yOf, dxOf,
            "not run: without oneDNN Conv2DBackpropFilter segfaults on an empty output gradient");
        continue;
      }
      calls++;
      try (TFloat32 xt = TFloat32.tensorOf(xShape, DataBuffers.of(xv, true, false));
          TFloat32 wt = TFloat32.tensorOf(Shape.of(k, cg, f), DataBuffers.of(kernel, true, false));
          TFloat32 bt = TFloat32.tensorOf(Shape.of(f), DataBuffers.of(bias == null ? new float[f] : bias, true, false));
          TFloat32 dzt = TFloat32.tensorOf(dzShape, DataBuffers.of(dzv, true, false));
          TInt32 cpt = TInt32.tensorOf(Shape.of(3, 2), DataBuffers.of(0, 0, causalLeft, 0, 0, 0));
          TInt32 cbt = TInt32.tensorOf(Shape.of(3), DataBuffers.of(0, causalLeft, 0));
          TInt32 spt = TInt32.tensorOf(Shape.of(1, 2), DataBuffers.of(s2bPad == null ? new int[2] : s2bPad));
          TInt32 sct = TInt32.tensorOf(Shape.of(1, 2), DataBuffers.of(s2bCrop == null ? new int[2] : s2bCrop))) {
        Session.Runner r = g.session.runner().feed(g.x, xt).feed(g.w, wt).feed(g.dz, dzt);
        if (g.b != null) r.feed(g.b, bt);
        if (g.causalPads != null) r.feed(g.causalPads, cpt).feed(g.causalBegin, cbt);
        if (g.s2bPaddings != null) r.feed(g.s2bPaddings, spt).feed(g.s2bCrops, sct);
        r.fetch(g.y).fetch(g.dx).fetch(g.dw);
        if (g.db != null) r.fetch(g.db);
        Result run;
        try {
          run = r.run();
        } catch (TensorFlowException | IllegalArgumentException | UnsupportedOperationException ex) {
          // TensorFlow's status exceptions: TFInvalidArgumentException is an IllegalArgumentException,
          // TFUnimplementedException an UnsupportedOperationException, the others TensorFlowExceptions.
          if (!emptyOutput) {
            throw new IllegalStateException("TensorFlow failed for " + spec + ", " + n + " sequence(s) of length "
                + len + " (" + dilationPath + ", " + groupPath + ")", ex);
          }
          refusal(refusals, seqs, len, c, outLen, yOf, dxOf, firstLine(ex.getMessage()));
          continue;
        }
        try (Result res = run) {
          TFloat32 yt = (TFloat32) res.get(0), dxt = (TFloat32) res.get(1), dwt = (TFloat32) res.get(2);
          String ctx = " for " + spec + ", " + n + " sequence(s) of length " + len;
          int tfLo;
          float[] yv;
          long[] ys = yt.shape().asArray();
          if (emptyOutput && !(ys.length == 3 && ys[cf ? 2 : 1] == 0)) {
            // Seen with oneDNN on: VALID Conv2D whose output would be empty returns an uninitialized tensor
            // shaped like its input. Not an answer: record it, use the empty output; gradients still checked.
            anomalies.add("length " + len + ": forward returned shape " + yt.shape() + " instead of an empty output");
            tfLo = 0;
            yv = new float[0];
          } else {
            // An empty output may carry a wrong channel count (oneDNN again): only its length matters.
            tfLo = yt.shape().size() == 0 && emptyOutput ? 0 : checkShape("output", yt.shape(), n, f, cf, -1, ctx);
            yv = read(yt);
          }
          checkShape("input gradient", dxt.shape(), n, c, cf, len, ctx);
          if (!Arrays.equals(dwt.shape().asArray(), new long[] {k, cg, f})) {
            throw new IllegalStateException("TensorFlow kernel gradient shape " + dwt.shape() + ctx);
          }
          float[] dxv = read(dxt), dwv = read(dwt);
          for (int j = 0; j < n; j++) {
            int i = seqs.get(j);
            outLen[i] = tfLo;
            yOf[i] = Arrays.copyOfRange(yv, j * tfLo * f, (j + 1) * tfLo * f);
            dxOf[i] = Arrays.copyOfRange(dxv, j * len * c, (j + 1) * len * c);
          }
          for (int q = 0; q < dk.length; q++) dk[q] += dwv[q];
          if (db != null) {
            float[] dbv = read((TFloat32) res.get(3));
            for (int q = 0; q < f; q++) db[q] += dbv[q];
          }
        }
      }
    }

    int[] yOff = new int[x.count() + 1];
    int[] xOff = new int[x.count() + 1];
    for (int i = 0; i < x.count(); i++) {
      yOff[i + 1] = yOff[i] + outLen[i];
      xOff[i + 1] = xOff[i] + x.length(i);
    }
    SequenceBatch y = SequenceBatch.allocate(yOff, f, spec.dataFormat());
    SequenceBatch dx = SequenceBatch.allocate(xOff, c, spec.dataFormat());
    for (int i = 0; i < x.count(); i++) {
      System.arraycopy(yOf[i], 0, y.values(), y.start(i), yOf[i].length);
      System.arraycopy(dxOf[i], 0, dx.values(), dx.start(i), dxOf[i].length);
    }
    return new Outputs(y, dx, dk, db, calls, refusals, anomalies, emptyGroups);
  }

  /** TensorFlow gave no answer for an empty output: the required one is no output and a zero input gradient. */
  private static void refusal(List<String> refusals, List<Integer> seqs, int len, int c, int[] outLen, float[][] yOf,
      float[][] dxOf, String why) {
    refusals.add("length " + len + ": " + why);
    for (int i : seqs) {
      outLen[i] = 0;
      yOf[i] = new float[0];
      dxOf[i] = new float[len * c];
    }
  }

  /** Checks [n, len, ch] (or [n, ch, len]) and returns the length; wantLen -1 accepts any length. */
  private static int checkShape(String what, Shape s, int n, int ch, boolean cf, int wantLen, String ctx) {
    long[] a = s.asArray();
    long len = a.length == 3 ? a[cf ? 2 : 1] : -1;
    boolean ok = a.length == 3 && a[0] == n && a[cf ? 1 : 2] == ch && (wantLen < 0 || len == wantLen);
    if (!ok) {
      throw new IllegalStateException("TensorFlow " + what + " has shape " + s + ", expected " + n + " sequences of "
          + ch + " channels" + (wantLen < 0 ? "" : " and length " + wantLen) + ctx);
    }
    return (int) len;
  }

  private static float[] read(TFloat32 t) {
    float[] v = new float[(int) t.shape().size()];
    t.copyTo(DataBuffers.of(v, false, false));
    return v;
  }

  /** First non-blank line (TensorFlow's messages start with a newline). */
  private static String firstLine(String m) {
    if (m == null) return "";
    for (String line : m.split("\n")) if (!line.isBlank()) return line.trim();
    return "";
  }

  private Compiled graph(Key key) {
    Compiled g = graphs.get(key);
    if (g != null) return g;
    Graph graph = new Graph();
    try {
      g = new Compiled(graph, new Session(graph, config));
      build(g, key);
    } catch (RuntimeException | Error e) {
      if (g != null) g.close();
      else graph.close();
      throw e;
    }
    graphs.put(key, g);
    graphsBuilt++;
    return g;
  }

  private static List<Long> longs(long... v) {
    List<Long> l = new ArrayList<>(v.length);
    for (long x : v) l.add(x);
    return l;
  }

  private static void build(Compiled g, Key key) {
    Ops tf = Ops.create(g.graph);
    Operand<TInt32> swap = tf.constant(new int[] {0, 2, 1});
    g.x = tf.placeholder(TFloat32.class);
    g.w = tf.placeholder(TFloat32.class);
    g.dz = tf.placeholder(TFloat32.class);
    if (key.bias()) g.b = tf.placeholder(TFloat32.class);

    // Channels last [n, L, C].
    Operand<TFloat32> x = key.channelsFirst() ? tf.linalg.transpose(g.x, swap) : g.x;
    Operand<TFloat32> xp = x;
    boolean causal = key.padding() == Padding.CAUSAL;
    if (causal) {
      g.causalPads = tf.placeholder(TInt32.class);
      g.causalBegin = tf.placeholder(TInt32.class);
      xp = tf.pad(x, g.causalPads, tf.constant(0f));
    }
    String tfPadding = key.padding() == Padding.SAME ? "SAME" : "VALID";
    Operand<TInt32> block = tf.constant(new int[] {key.dilation()});
    Operand<TFloat32> xs = xp;
    long stride = key.strides(), dil = key.dilation();
    if (key.spaceToBatch()) {
      g.s2bPaddings = tf.placeholder(TInt32.class);
      g.s2bCrops = tf.placeholder(TInt32.class);
      xs = tf.spaceToBatchNd(xp, block, g.s2bPaddings);
      tfPadding = "VALID";
      stride = 1;
      dil = 1;
    }
    Operand<TFloat32> x4 = tf.expandDims(xs, tf.constant(1));
    Operand<TFloat32> w4 = tf.expandDims(g.w, tf.constant(0));
    List<Long> strides = longs(1, 1, stride, 1);
    List<Long> dilations = longs(1, 1, dil, 1);

    Operand<TFloat32> dzc = key.channelsFirst() ? tf.linalg.transpose(g.dz, swap) : g.dz;
    Operand<TFloat32> dzs = key.spaceToBatch() ? tf.spaceToBatchNd(dzc, block, g.s2bCrops) : dzc;
    Operand<TFloat32> dz4 = tf.expandDims(dzs, tf.constant(1));

    Operand<TFloat32> y4, dx4, dw4;
    if (key.splitGroups() == 1) {
      y4 = conv(tf, x4, w4, strides, tfPadding, dilations);
      dx4 = backpropInput(tf, x4, w4, dz4, strides, tfPadding, dilations);
      dw4 = backpropFilter(tf, x4, w4, dz4, strides, tfPadding, dilations);
    } else {
      Operand<TInt32> axis = tf.constant(3);
      long groups = key.splitGroups();
      List<Operand<TFloat32>> xg = new ArrayList<>(), wg = new ArrayList<>(), dzg = new ArrayList<>();
      tf.split(axis, x4, groups).forEach(xg::add);
      tf.split(axis, w4, groups).forEach(wg::add);
      tf.split(axis, dz4, groups).forEach(dzg::add);
      List<Operand<TFloat32>> ys = new ArrayList<>(), dxs = new ArrayList<>(), dws = new ArrayList<>();
      for (int i = 0; i < groups; i++) {
        ys.add(conv(tf, xg.get(i), wg.get(i), strides, tfPadding, dilations));
        dxs.add(backpropInput(tf, xg.get(i), wg.get(i), dzg.get(i), strides, tfPadding, dilations));
        dws.add(backpropFilter(tf, xg.get(i), wg.get(i), dzg.get(i), strides, tfPadding, dilations));
      }
      y4 = tf.concat(ys, axis);
      dx4 = tf.concat(dxs, axis);
      dw4 = tf.concat(dws, axis);
    }

    Operand<TFloat32> y = tf.squeeze(y4, Squeeze.axis(1L));
    if (key.spaceToBatch()) y = tf.batchToSpaceNd(y, block, g.s2bCrops);
    if (key.bias()) y = tf.nn.biasAdd(y, g.b, BiasAdd.dataFormat("NHWC"));
    g.y = key.channelsFirst() ? tf.linalg.transpose(y, swap) : y;

    Operand<TFloat32> dx = tf.squeeze(dx4, Squeeze.axis(1L));
    if (key.spaceToBatch()) dx = tf.batchToSpaceNd(dx, block, g.s2bPaddings);
    if (causal) dx = tf.slice(dx, g.causalBegin, tf.constant(new int[] {-1, -1, -1}));
    g.dx = key.channelsFirst() ? tf.linalg.transpose(dx, swap) : dx;
    g.dw = tf.squeeze(dw4, Squeeze.axis(0L));
    if (key.bias()) g.db = tf.nn.biasAddGrad(dzc, BiasAddGrad.dataFormat("NHWC"));
  }

  private static Operand<TFloat32> conv(Ops tf, Operand<TFloat32> x4, Operand<TFloat32> w4, List<Long> strides,
      String padding, List<Long> dilations) {
    return tf.nn.conv2d(x4, w4, strides, padding, Conv2d.dataFormat("NHWC"), Conv2d.dilations(dilations));
  }

  private static Operand<TFloat32> backpropInput(Ops tf, Operand<TFloat32> x4, Operand<TFloat32> w4,
      Operand<TFloat32> dz4, List<Long> strides, String padding, List<Long> dilations) {
    return tf.nn.conv2dBackpropInput(tf.shape(x4), w4, dz4, strides, padding,
        Conv2dBackpropInput.dataFormat("NHWC"), Conv2dBackpropInput.dilations(dilations));
  }

  private static Operand<TFloat32> backpropFilter(Ops tf, Operand<TFloat32> x4, Operand<TFloat32> w4,
      Operand<TFloat32> dz4, List<Long> strides, String padding, List<Long> dilations) {
    return tf.nn.conv2dBackpropFilter(x4, tf.shape(w4), dz4, strides, padding,
        Conv2dBackpropFilter.dataFormat("NHWC"), Conv2dBackpropFilter.dilations(dilations));
  }

  @Override
  public void close() {
    RuntimeException first = null;
    for (Compiled g : graphs.values()) {
      try {
        g.close();
      } catch (RuntimeException e) {
        if (first == null) first = e;
      }
    }
    graphs.clear();
    if (first != null) throw first;
  }
}
