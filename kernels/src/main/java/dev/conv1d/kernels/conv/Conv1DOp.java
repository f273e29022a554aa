package dev.conv1d.kernels.conv;

import dev.conv1d.kernels.activation.Activation;
import dev.conv1d.kernels.activation.Activations;
import dev.conv1d.kernels.spec.Args;
import dev.conv1d.kernels.spec.Conv1DSpec;
import dev.conv1d.kernels.spec.DataFormat;
import dev.conv1d.kernels.tensor.SequenceBatch;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * One conv1d layer ready to run: spec, weights and activation bound to an engine, with the weights packed once.
 * Thread-safe; each calling thread brings its own {@link Workspace}.
 *
 * <p>Every direction works tile by tile along the length: a tile's input window is gathered into a zero-padded
 * channels_last scratch, so padding, layouts and ragged lengths are handled once here and the engines see only
 * dense GEMM-shaped loops. Memory beyond the caller's input and output is bounded by the tile size.
 */
public final class Conv1DOp {
  /** Target floats in one gathered window or output tile (fits L2 with room for weights). */
  private static final int TILE_FLOATS = 16384;
  private static final int MAX_TILE_ROWS = 512;

  private final Conv1DSpec spec;
  private final Weights weights;
  private final Activation activation;
  private final Conv1DKernel kernel;
  private final float[][] forwardPacked;
  /** Window offsets of each (tap, channel) for forward and kernel gradient, and for the input gradient. */
  private final int[] forwardOffsets;
  private final int[] inputGradOffsets;
  private volatile float[][] inputGradPacked;

  private Conv1DOp(Conv1DSpec spec, Weights weights, Activation activation, Conv1DKernel kernel) {
    this.spec = Args.notNull("spec", spec);
    this.weights = Args.notNull("weights", weights);
    this.activation = activation == null ? Activations.linear() : activation;
    this.kernel = Args.notNull("kernel", kernel);
    weights.checkFits(spec);
    int g = spec.groups(), cg = spec.groupInChannels(), fg = spec.groupFilters();
    forwardPacked = new float[g][];
    for (int i = 0; i < g; i++) {
      forwardPacked[i] = kernel.pack(weights.kernelView(), i * fg, spec.filters(), spec.kernelSize() * cg, fg);
    }
    forwardOffsets = offsets(spec.kernelSize(), cg, spec.dilationRate() * spec.inChannels());
    inputGradOffsets = offsets(spec.kernelSize(), fg, spec.dilationRate() * spec.filters());
  }

  private static int[] offsets(int taps, int channels, int tapStride) {
    int[] o = new int[taps * channels];
    for (int k = 0; k < taps; k++)
      for (int c = 0; c < channels; c++) o[k * channels + c] = k * tapStride + c;
    return o;
  }

  /** Uses the engine {@link ConvKernels#best()} chose for this JVM. */
  public static Conv1DOp of(Conv1DSpec spec, Weights weights, Activation activation) {
    return new Conv1DOp(spec, weights, activation, ConvKernels.best());
  }

  public static Conv1DOp of(Conv1DSpec spec, Weights weights, Activation activation, Conv1DKernel kernel) {
    return new Conv1DOp(spec, weights, activation, kernel);
  }

  public Conv1DSpec spec() { return spec; }
  public Weights weights() { return weights; }
  public Activation activation() { return activation; }
  public Conv1DKernel kernel() { return kernel; }

  /** A zeroed output batch shaped for input {@code x}. */
  public SequenceBatch newOutput(SequenceBatch x) {
    int[] in = Arrays.copyOf(x.offsets(), x.count() + 1);
    int[] rel = new int[in.length];
    for (int i = 0; i < rel.length; i++) rel[i] = in[i] - in[0];
    return SequenceBatch.allocate(spec.outputOffsets(rel), spec.filters(), spec.dataFormat());
  }

  /** Allocating convenience: y = act(conv(x) + b), single-threaded. */
  public SequenceBatch forward(SequenceBatch x) {
    SequenceBatch y = newOutput(x);
    try (Workspace ws = Workspace.create()) {
      forward(x, y, ws);
    }
    return y;
  }

  /** y = act(conv(x) + b). */
  public void forward(SequenceBatch x, SequenceBatch y, Workspace ws) {
    run(x, y, ws, true);
  }

  /** z = conv(x) + b, before the activation (what training needs for the backward pass). */
  public void forwardPreActivation(SequenceBatch x, SequenceBatch z, Workspace ws) {
    run(x, z, ws, false);
  }

  private void run(SequenceBatch x, SequenceBatch y, Workspace ws, boolean applyActivation) {
    checkInput("x", x, true);
    checkOutput("y", x, y, true);
    int tileRows = forwardTileRows();
    int tiles = countTiles(y, tileRows);
    Pass p = ws.pass.set(this, Pass.FORWARD, ws, tileRows, tiles);
    p.x = x;
    p.y = y;
    p.applyActivation = applyActivation;
    p.runAndClear(Math.min(ws.parallelism(), Math.max(1, tiles)));
  }

  private void forwardTile(SequenceBatch x, SequenceBatch y, int i, int t0, int tn, Workspace.Scratch s,
      boolean applyActivation) {
    int c = spec.inChannels(), f = spec.filters(), st = spec.strides();
    int len = x.length(i);
    int steps = (tn - 1) * st + spec.receptiveField();
    int from = t0 * st - spec.padLeft(len);
    // A channels_last heap tile clear of the padding reads the input in place; others gather a zero-padded copy
    // (an off-heap batch is always read through this copy, one cache-sized window at a time).
    boolean direct = x.isHeap() && x.layout() == DataFormat.CHANNELS_LAST && from >= 0 && from + steps <= len;
    float[] win = direct ? x.values() : s.window(steps * c);
    int wb = direct ? x.start(i) + from * c : 0;
    if (!direct) gather(x, i, from, steps, win);
    boolean last = y.layout() == DataFormat.CHANNELS_LAST;
    float[] out = last ? y.values() : s.tile(tn * f);
    int ys = last ? y.stride() : f; // a strided output leaves the gaps between steps alone
    int outOff = last ? y.start(i) + t0 * ys : 0;
    int cg = spec.groupInChannels(), fg = spec.groupFilters();
    for (int g = 0; g < spec.groups(); g++) {
      kernel.convTile(win, wb + g * cg, st * c, forwardOffsets, forwardOffsets.length, forwardPacked[g],
          out, outOff + g * fg, ys, tn, fg);
    }
    float[] b = weights.biasView();
    if (b != null) kernel.addRowVector(out, outOff, ys, tn, b, f);
    if (applyActivation && !activation.isLinear()) {
      if (ys == f) activation.forward(out, outOff, tn, f);
      else for (int t = 0; t < tn; t++) activation.forward(out, outOff + t * ys, 1, f);
    }
    if (!last) scatterChannelsFirst(out, tn, f, y.values(), y.start(i), y.length(i), t0);
  }

  /**
   * Overwrites {@code g} (dL/dy) with dL/dz in place, given the pre-activations {@code z} (same lengths, filters
   * channels).
   */
  public void activationBackward(SequenceBatch z, SequenceBatch g, Workspace ws) {
    Args.notNull("z", z);
    Args.notNull("g", g);
    int f = spec.filters();
    if (z.channels() != f) {
      throw Args.invalid("z", z.channels() + " channels", "must have filters = " + f + " channels");
    }
    checkSameShape("z", z, "g", g);
    if (activation.isLinear()) return;
    if (z.layout() == DataFormat.CHANNELS_LAST) {
      for (int i = 0; i < z.count(); i++) activation.backward(z.values(), z.start(i), g.values(), g.start(i), z.length(i), f);
      return;
    }
    Workspace.Scratch s = ws.scratch(0);
    int rows = Math.max(1, TILE_FLOATS / f);
    for (int i = 0; i < z.count(); i++) {
      int len = z.length(i);
      for (int t0 = 0; t0 < len; t0 += rows) {
        int tn = Math.min(rows, len - t0);
        float[] zt = s.tile(tn * f), gt = s.tile2(tn * f);
        gatherChannelsFirst(z.values(), z.start(i), len, t0, tn, f, zt);
        gatherChannelsFirst(g.values(), g.start(i), len, t0, tn, f, gt);
        activation.backward(zt, 0, gt, 0, tn, f);
        scatterChannelsFirst(gt, tn, f, g.values(), g.start(i), len, t0);
      }
    }
  }

  /** dx = conv^T(dz), where dz is dL/dz (pre-activation). Overwrites dx; its offsets give the input lengths. */
  public void backwardInput(SequenceBatch dz, SequenceBatch dx, Workspace ws) {
    checkInput("dx", dx);
    checkOutput("dz", dx, dz, false);
    float[][] packed = inputGradPacked();
    int tileRows = inputTileRows();
    int tiles = countTiles(dx, tileRows);
    Pass p = ws.pass.set(this, Pass.INPUT_GRAD, ws, tileRows, tiles);
    p.y = dz;
    p.x = dx;
    p.packed = packed;
    p.runAndClear(Math.min(ws.parallelism(), Math.max(1, tiles)));
  }

  private void inputGradTile(SequenceBatch dz, SequenceBatch dx, float[][] packed, int i, int q0, int qn,
      Workspace.Scratch s) {
    int c = spec.inChannels(), f = spec.filters(), st = spec.strides(), d = spec.dilationRate();
    int k = spec.kernelSize();
    int len = dx.length(i), outLen = dz.length(i);
    // Output row t feeds input step t*st + k*d - padLeft. On the stride-upsampled grid p = t*st the input
    // gradient is a stride-1 correlation with the flipped, transposed kernel.
    int first = q0 + spec.padLeft(len) - (k - 1) * d;
    int steps = qn + (k - 1) * d;
    float[] win = s.window(steps * f);
    long lastP = (long) (outLen - 1) * st;
    boolean zl = dz.layout() == DataFormat.CHANNELS_LAST;
    float[] zv = dz.values();
    int zb = dz.start(i);
    for (int j = 0; j < steps; j++) {
      long p = (long) first + j;
      int o = j * f;
      if (outLen == 0 || p < 0 || p > lastP || p % st != 0) {
        Arrays.fill(win, o, o + f, 0f);
      } else {
        int t = (int) (p / st);
        if (zl) System.arraycopy(zv, zb + t * f, win, o, f);
        else for (int q = 0; q < f; q++) win[o + q] = zv[zb + q * outLen + t];
      }
    }
    boolean last = dx.layout() == DataFormat.CHANNELS_LAST;
    float[] out = last ? dx.values() : s.tile(qn * c);
    int outOff = last ? dx.start(i) + q0 * c : 0;
    int cg = spec.groupInChannels(), fg = spec.groupFilters();
    for (int g = 0; g < spec.groups(); g++) {
      kernel.convTile(win, g * fg, f, inputGradOffsets, inputGradOffsets.length, packed[g], out, outOff + g * cg, c,
          qn, cg);
    }
    if (!last) scatterChannelsFirst(out, qn, c, dx.values(), dx.start(i), len, q0);
  }

  /**
   * Accumulates dL/dkernel (Keras layout, flat) and dL/dbias (may be null) from input x and dz = dL/dz.
   * Reduction order is fixed for a given parallelism, so results are reproducible.
   */
  public void backwardKernel(SequenceBatch x, SequenceBatch dz, float[] dKernel, float[] dBias, Workspace ws) {
    checkInput("x", x);
    checkOutput("dz", x, dz, false);
    Args.notNull("dKernel", dKernel);
    if (dKernel.length != spec.kernelLength()) {
      throw Args.invalid("dKernel", "length " + dKernel.length, "must have " + spec.kernelLength() + " elements");
    }
    if (dBias != null && dBias.length != spec.filters()) {
      throw Args.invalid("dBias", "length " + dBias.length, "must have filters = " + spec.filters() + " elements");
    }
    int tileRows = forwardTileRows();
    int tiles = countTiles(dz, tileRows);
    int workers = Math.min(ws.parallelism(), Math.max(1, tiles));
    int kl = spec.kernelLength(), f = spec.filters();
    Pass p = ws.pass.set(this, Pass.KERNEL_GRAD, ws, tileRows, tiles);
    p.x = x;
    p.y = dz;
    p.dKernel = dKernel;
    p.dBias = dBias;
    p.runAndClear(workers);
    if (workers > 1) {
      for (int w = 0; w < workers; w++) {
        Workspace.Scratch s = ws.scratch(w);
        for (int j = 0; j < kl; j++) dKernel[j] += s.kernelAcc[j];
        if (dBias != null) for (int j = 0; j < f; j++) dBias[j] += s.biasAcc[j];
      }
    }
  }

  private void kernelGradTile(SequenceBatch x, SequenceBatch dz, int i, int t0, int tn, Workspace.Scratch s,
      float[] acc, float[] bacc) {
    int c = spec.inChannels(), f = spec.filters(), st = spec.strides();
    int len = x.length(i);
    int steps = (tn - 1) * st + spec.receptiveField();
    int from = t0 * st - spec.padLeft(len);
    // A channels_last tile clear of the padding reads the input in place; others gather a zero-padded copy.
    boolean direct = x.layout() == DataFormat.CHANNELS_LAST && from >= 0 && from + steps <= len;
    float[] win = direct ? x.values() : s.window(steps * c);
    int wb = direct ? x.start(i) + from * c : 0;
    if (!direct) gather(x, i, from, steps, win);
    float[] g;
    int gOff;
    if (dz.layout() == DataFormat.CHANNELS_LAST) {
      g = dz.values();
      gOff = dz.start(i) + t0 * f;
    } else {
      g = s.tile(tn * f);
      gOff = 0;
      gatherChannelsFirst(dz.values(), dz.start(i), dz.length(i), t0, tn, f, g);
    }
    int cg = spec.groupInChannels(), fg = spec.groupFilters();
    for (int grp = 0; grp < spec.groups(); grp++) {
      kernel.kernelGradTile(win, wb + grp * cg, st * c, forwardOffsets, forwardOffsets.length, g, gOff + grp * fg,
          f, tn, fg, acc, grp * fg, f);
    }
    if (bacc != null) kernel.addColumnSums(g, gOff, f, tn, bacc, f);
  }

  /** Gradients of one backward pass. */
  public static final class Gradients {
    public final float[] kernel;
    public final float[] bias;
    public final SequenceBatch input;

    Gradients(float[] kernel, float[] bias, SequenceBatch input) {
      this.kernel = kernel;
      this.bias = bias;
      this.input = input;
    }
  }

  /**
   * Allocating convenience: gradients of the kernel, bias and (if wanted) the input, given dL/dy with respect
   * to the activation output. Recomputes the pre-activations.
   */
  public Gradients backward(SequenceBatch x, SequenceBatch dy, boolean inputGradient, Workspace ws) {
    checkOutput("dy", x, dy, false);
    SequenceBatch z = newOutput(x);
    forwardPreActivation(x, z, ws);
    int n = dy.totalSteps() * spec.filters();
    float[] g = Arrays.copyOfRange(dy.values(), dy.start(0), dy.start(0) + n);
    SequenceBatch dz = SequenceBatch.of(g, z.offsets(), z.channels(), z.layout());
    activationBackward(z, dz, ws);
    float[] dk = new float[spec.kernelLength()];
    float[] db = spec.useBias() ? new float[spec.filters()] : null;
    backwardKernel(x, dz, dk, db, ws);
    SequenceBatch dx = null;
    if (inputGradient) {
      int[] rel = new int[x.count() + 1];
      for (int i = 0; i <= x.count(); i++) rel[i] = x.offsets()[i] - x.offsets()[0];
      dx = SequenceBatch.allocate(rel, spec.inChannels(), spec.dataFormat());
      backwardInput(dz, dx, ws);
    }
    return new Gradients(dk, db, dx);
  }

  // ---- tiling ----

  private int forwardTileRows() {
    int per = Math.max(spec.filters(), spec.strides() * spec.inChannels());
    return Math.max(4, Math.min(MAX_TILE_ROWS, TILE_FLOATS / per));
  }

  private int inputTileRows() {
    int per = Math.max(spec.filters(), spec.inChannels());
    return Math.max(4, Math.min(MAX_TILE_ROWS, TILE_FLOATS / per));
  }

  private static int countTiles(SequenceBatch b, int rows) {
    long n = 0;
    for (int i = 0; i < b.count(); i++) n += (b.length(i) + rows - 1) / rows;
    if (n > Integer.MAX_VALUE) throw new IllegalStateException("too many tiles: " + n);
    return (int) n;
  }

  /**
   * One direction over a tile range, reused through the caller's {@link Workspace} so a call allocates no
   * lambda or job object. Fields are set by the calling thread before the workers start and cleared after.
   */
  static final class Pass implements Workspace.Job {
    static final int FORWARD = 0, INPUT_GRAD = 1, KERNEL_GRAD = 2;
    private Conv1DOp op;
    private Workspace ws;
    private int mode, tileRows, tiles;
    /** Forward: input, output. Input gradient: dx, dz. Kernel gradient: input, dz. */
    SequenceBatch x, y;
    float[][] packed;
    float[] dKernel, dBias;
    boolean applyActivation;

    Pass set(Conv1DOp op, int mode, Workspace ws, int tileRows, int tiles) {
      this.op = op;
      this.mode = mode;
      this.ws = ws;
      this.tileRows = tileRows;
      this.tiles = tiles;
      return this;
    }

    void runAndClear(int workers) {
      try {
        ws.runAll(workers, this);
      } finally {
        op = null;
        x = y = null;
        packed = null;
        dKernel = dBias = null;
      }
    }

    @Override
    public void run(int w, int n) {
      Workspace.Scratch s = ws.scratch(w);
      float[] acc = dKernel, bacc = dBias;
      if (mode == KERNEL_GRAD && n > 1) {
        int kl = op.spec.kernelLength(), f = op.spec.filters();
        acc = s.kernelAcc(kl);
        Arrays.fill(acc, 0, kl, 0f);
        bacc = dBias == null ? null : s.biasAcc(f);
        if (bacc != null) Arrays.fill(bacc, 0, f, 0f);
      }
      long from = (long) tiles * w / n, to = (long) tiles * (w + 1) / n;
      // Visits tiles [from, to) of the global tile order (sequence by sequence, start to end) of the batch
      // that is tiled: the output for forward and kernel gradient, dx for the input gradient.
      SequenceBatch b = mode == INPUT_GRAD ? x : y;
      int rows = tileRows;
      long idx = 0;
      for (int i = 0; i < b.count() && idx < to; i++) {
        int len = b.length(i);
        int k = (len + rows - 1) / rows;
        if (idx + k <= from) {
          idx += k;
          continue;
        }
        for (int j = 0; j < k; j++, idx++) {
          if (idx < from) continue;
          if (idx >= to) return;
          int t0 = j * rows, tn = Math.min(rows, len - t0);
          switch (mode) {
            case FORWARD: op.forwardTile(x, y, i, t0, tn, s, applyActivation); break;
            case INPUT_GRAD: op.inputGradTile(y, x, packed, i, t0, tn, s); break;
            default: op.kernelGradTile(x, y, i, t0, tn, s, acc, bacc); break;
          }
        }
      }
    }
  }

  // ---- data movement ----

  /** Copies input steps [from, from+steps) of sequence i, channels_last, zeros outside [0, length). */
  private static void gather(SequenceBatch x, int i, int from, int steps, float[] win) {
    int c = x.channels(), len = x.length(i), base = x.start(i);
    int lo = Math.max(from, 0), hi = Math.min(from + steps, len);
    if (hi <= lo) {
      Arrays.fill(win, 0, steps * c, 0f);
      return;
    }
    Arrays.fill(win, 0, (lo - from) * c, 0f);
    Arrays.fill(win, (hi - from) * c, steps * c, 0f);
    if (!x.isHeap()) {
      gatherBuffer(x.buffer(), base, len, c, x.layout(), lo, hi, from, win);
    } else if (x.layout() == DataFormat.CHANNELS_LAST) {
      System.arraycopy(x.values(), base + lo * c, win, (lo - from) * c, (hi - lo) * c);
    } else {
      float[] v = x.values();
      for (int ch = 0; ch < c; ch++) {
        int src = base + ch * len;
        for (int q = lo; q < hi; q++) win[(q - from) * c + ch] = v[src + q];
      }
    }
  }

  /** {@link #gather}'s copy of steps [lo, hi) from an off-heap batch: one bulk get, or absolute gets to transpose. */
  private static void gatherBuffer(FloatBuffer v, int base, int len, int c, DataFormat layout, int lo, int hi,
      int from, float[] win) {
    if (layout == DataFormat.CHANNELS_LAST) {
      v.get(base + lo * c, win, (lo - from) * c, (hi - lo) * c);
      return;
    }
    for (int ch = 0; ch < c; ch++) {
      int src = base + ch * len;
      for (int q = lo; q < hi; q++) win[(q - from) * c + ch] = v.get(src + q);
    }
  }

  /** Rows [t0, t0+tn) of a channels_first sequence [width][len] into a channels_last tile [tn][width]. */
  private static void gatherChannelsFirst(float[] v, int base, int len, int t0, int tn, int width, float[] tile) {
    for (int ch = 0; ch < width; ch++) {
      int src = base + ch * len + t0;
      for (int t = 0; t < tn; t++) tile[t * width + ch] = v[src + t];
    }
  }

  private static void scatterChannelsFirst(float[] tile, int tn, int width, float[] v, int base, int len, int t0) {
    for (int ch = 0; ch < width; ch++) {
      int dst = base + ch * len + t0;
      for (int t = 0; t < tn; t++) v[dst + t] = tile[t * width + ch];
    }
  }

  private float[][] inputGradPacked() {
    float[][] p = inputGradPacked;
    if (p != null) return p;
    // The input gradient is the conv of dz (channels = filters) with W'[k'][f][c] = W[K-1-k'][c][f], per group.
    int k = spec.kernelSize(), cg = spec.groupInChannels(), f = spec.filters(), fg = spec.groupFilters();
    int c = spec.inChannels(), groups = spec.groups();
    float[] w = weights.kernelView();
    float[] t = new float[k * fg * c];
    for (int kk = 0; kk < k; kk++)
      for (int g = 0; g < groups; g++)
        for (int ff = 0; ff < fg; ff++)
          for (int cc = 0; cc < cg; cc++)
            t[(kk * fg + ff) * c + g * cg + cc] = w[((k - 1 - kk) * cg + cc) * f + g * fg + ff];
    p = new float[groups][];
    for (int g = 0; g < groups; g++) p[g] = kernel.pack(t, g * cg, c, k * fg, cg);
    inputGradPacked = p;
    return p;
  }

  // ---- checks ----

  private void checkInput(String name, SequenceBatch x) {
    checkInput(name, x, false);
  }

  /** {@code offHeapOk}: forward inputs only; every other batch an op reads is a heap array. */
  private void checkInput(String name, SequenceBatch x, boolean offHeapOk) {
    Args.notNull(name, x);
    dense(name, x);
    if (!offHeapOk) heap(name, x);
    if (x.channels() != spec.inChannels()) {
      throw Args.invalid(name, x.channels() + " channels", "must have in_channels = " + spec.inChannels());
    }
    if (x.layout() != spec.dataFormat()) {
      throw Args.invalid(name, x.layout().keras(), "layout must match data_format = " + spec.dataFormat().keras());
    }
  }

  /** {@code stridedOk}: forward outputs only; every other batch an op reads or writes is dense. */
  private void checkOutput(String name, SequenceBatch x, SequenceBatch y, boolean stridedOk) {
    Args.notNull(name, y);
    heap(name, y);
    if (!stridedOk) dense(name, y);
    if (y.channels() != spec.filters()) {
      throw Args.invalid(name, y.channels() + " channels", "must have filters = " + spec.filters() + " channels");
    }
    if (y.layout() != spec.dataFormat()) {
      throw Args.invalid(name, y.layout().keras(), "layout must match data_format = " + spec.dataFormat().keras());
    }
    if (y.count() != x.count()) {
      throw Args.invalid(name, y.count() + " sequences", "must hold one output per input sequence (" + x.count() + ")");
    }
    for (int i = 0; i < x.count(); i++) {
      int want = spec.outputLength(x.length(i));
      if (y.length(i) != want) {
        throw Args.invalid(name, "length " + y.length(i) + " at sequence " + i,
            "must be the output length " + want + " of an input of " + x.length(i) + " steps");
      }
    }
  }

  private static void dense(String name, SequenceBatch b) {
    if (!b.isDense()) {
      throw Args.invalid(name, "a strided batch", "must be dense (strided batches are forward outputs only)");
    }
  }

  private static void heap(String name, SequenceBatch b) {
    if (!b.isHeap()) {
      throw Args.invalid(name, "an off-heap batch", "must be on the heap (off-heap batches are forward inputs only)");
    }
  }

  private static void checkSameShape(String an, SequenceBatch a, String bn, SequenceBatch b) {
    dense(an, a);
    dense(bn, b);
    heap(an, a);
    heap(bn, b);
    if (a.count() != b.count() || a.channels() != b.channels() || a.layout() != b.layout()) {
      throw Args.invalid(bn, b.count() + "x" + b.channels() + " " + b.layout().keras(),
          "must match " + an + " = " + a.count() + "x" + a.channels() + " " + a.layout().keras());
    }
    for (int i = 0; i < a.count(); i++) {
      if (a.length(i) != b.length(i)) {
        throw Args.invalid(bn, "length " + b.length(i) + " at sequence " + i, "must equal " + an + "'s " + a.length(i));
      }
    }
  }
}
