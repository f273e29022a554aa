package dev.conv1d.kernels.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.conv1d.kernels.activation.Activation;
import dev.conv1d.kernels.activation.Activations;
import dev.conv1d.kernels.spec.Conv1DSpec;
import dev.conv1d.kernels.spec.DataFormat;
import dev.conv1d.kernels.tensor.SequenceBatch;
import dev.conv1d.kernels.testing.Close;
import dev.conv1d.kernels.testing.Invalid;
import dev.conv1d.kernels.testing.NaiveConv1D;
import dev.conv1d.kernels.testing.RandomCases;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hundreds of random configurations (every padding, strides, dilation, groups, both layouts, ragged batches with
 * empty, length-1 and shorter-than-kernel sequences, 1 and 2 threads): every engine this JVM can run must agree
 * with the naive oracle in all three directions, and with a random activation fused into the forward pass.
 */
@Tag("kernel-path")
class KernelPropertyTest {
  static final double TOL = 1e-4;

  /** Every activation name plus the non-default parameter forms. */
  static final List<String> ACTIVATIONS = activations();

  private static List<String> activations() {
    List<String> a = new ArrayList<>(Activations.names());
    a.addAll(List.of("gelu(approximate=True)", "leaky_relu(negative_slope=0.1)", "elu(alpha=0.5)"));
    return List.copyOf(a);
  }

  static Stream<Arguments> engines() {
    List<Arguments> a = new ArrayList<>();
    for (Conv1DKernel k : ConvKernels.available()) a.add(Arguments.of(k.name(), k));
    return a.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("engines")
  void smallRandomCasesMatchNaive(String name, Conv1DKernel engine) {
    runCases(engine, 400, false, 0x5EEDL);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("engines")
  void wideRandomCasesMatchNaive(String name, Conv1DKernel engine) {
    runCases(engine, 60, true, 0xB16L);
  }

  private static void runCases(Conv1DKernel engine, int cases, boolean big, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    // Activations come from their own stream so the configurations stay those of the linear-only comparison;
    // each run of ACTIVATIONS.size() cases takes every activation once, in a random order.
    SplittableRandom ra = new SplittableRandom(seed ^ 0xAC71BA7E5L);
    List<String> order = new ArrayList<>(ACTIVATIONS);
    Set<String> used = new TreeSet<>();
    int checked = 0, fused = 0;
    for (int n = 0; n < cases; n++) {
      if (n % order.size() == 0) shuffle(order, ra);
      Conv1DSpec s = RandomCases.spec(r, big);
      SequenceBatch x = RandomCases.batch(r, s, r.nextInt(5), big ? 70 : 30);
      float[] kernel = RandomCases.floats(r, s.kernelLength());
      float[] bias = s.useBias() ? RandomCases.floats(r, s.filters()) : null;
      Conv1DOp op = Conv1DOp.of(s, Weights.ofFlat(kernel, s.kernelSize(), s.groupInChannels(), s.filters(), bias),
          Activations.linear(), engine);
      String what = "case " + n + " " + s + " lengths " + lengths(x) + " on " + engine.name();
      try (Workspace ws = Workspace.create(1 + r.nextInt(2))) {
        SequenceBatch y = op.newOutput(x);
        java.util.Arrays.fill(y.values(), Float.NaN); // outputs must be fully overwritten
        op.forward(x, y, ws);
        Close.check(what + " forward", y, NaiveConv1D.preActivation(s, kernel, bias, x), TOL);

        SequenceBatch dz = op.newOutput(x);
        RandomCases.fill(r, dz.values());
        SequenceBatch dx = SequenceBatch.allocate(x.offsets().clone(), s.inChannels(), s.dataFormat());
        java.util.Arrays.fill(dx.values(), Float.NaN);
        op.backwardInput(dz, dx, ws);
        Close.check(what + " input gradient", dx, NaiveConv1D.inputGradient(s, kernel, dz, x), TOL);

        float[] dk = new float[s.kernelLength()];
        float[] db = s.useBias() ? new float[s.filters()] : null;
        op.backwardKernel(x, dz, dk, db, ws);
        Close.check(what + " kernel gradient", dk, 0, NaiveConv1D.kernelGradient(s, x, dz), TOL);
        if (db != null) Close.check(what + " bias gradient", db, 0, NaiveConv1D.biasGradient(s, dz), TOL);
        checked++;
      }
      String act = order.get(n % order.size());
      fused += checkFusedActivation(engine, s, kernel, bias, x, act, what);
      used.add(act);
    }
    assertEquals(cases, checked);
    assertEquals(2 * cases, fused);
    assertEquals(new TreeSet<>(ACTIVATIONS), used);
  }

  private static void shuffle(List<String> a, SplittableRandom r) {
    for (int i = a.size() - 1; i > 0; i--) Collections.swap(a, i, r.nextInt(i + 1));
  }

  /**
   * forward with the activation fused in (applied per tile, on the transposed tile for channels_first) against
   * the oracle's act(conv(x) + b), and forwardPreActivation against conv(x) + b, on 1 and 2 threads.
   */
  private static int checkFusedActivation(Conv1DKernel engine, Conv1DSpec s, float[] kernel, float[] bias,
      SequenceBatch x, String actSpec, String what) {
    Activation act = Activations.parse(actSpec);
    Conv1DOp op = Conv1DOp.of(s, Weights.ofFlat(kernel, s.kernelSize(), s.groupInChannels(), s.filters(), bias), act,
        engine);
    SequenceBatch want = NaiveConv1D.forward(s, kernel, bias, act, x);
    SequenceBatch wantZ = NaiveConv1D.preActivation(s, kernel, bias, x);
    int done = 0;
    for (int threads = 1; threads <= 2; threads++) {
      String w = what + " activation " + actSpec + " threads " + threads;
      try (Workspace ws = Workspace.create(threads)) {
        SequenceBatch y = op.newOutput(x);
        Arrays.fill(y.values(), Float.NaN);
        op.forward(x, y, ws);
        Close.check(w + " fused forward", y, want, TOL);
        SequenceBatch z = op.newOutput(x);
        Arrays.fill(z.values(), Float.NaN);
        op.forwardPreActivation(x, z, ws);
        Close.check(w + " pre-activation", z, wantZ, TOL);
        done++;
      }
    }
    return done;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("engines")
  void activationBackwardIsTheActivationStepByStep(String name, Conv1DKernel engine) {
    SplittableRandom r = new SplittableRandom(0xBAC4L);
    int checked = 0;
    for (String spec : ACTIVATIONS) {
      Activation act = Activations.parse(spec);
      for (DataFormat layout : DataFormat.values()) {
        int f = 1 + r.nextInt(9);
        // One sequence longer than a channels_first tile of TILE_FLOATS / f rows, so tiles are stitched.
        int[] lengths = {0, 5, 1, 16384 / f + 37, 3};
        Conv1DSpec s = Conv1DSpec.builder().inChannels(1).filters(f).kernelSize(1).dataFormat(layout).build();
        Conv1DOp op = Conv1DOp.of(s, Weights.ofFlat(RandomCases.floats(r, f), 1, 1, f, new float[f]), act, engine);
        SequenceBatch z = lead(r, lengths, f, layout, 2, 4.0);
        SequenceBatch g = lead(r, lengths, f, layout, 5, 1.0);
        float[] zBefore = z.values().clone(), gBefore = g.values().clone();
        try (Workspace ws = Workspace.create()) {
          op.activationBackward(z, g, ws);
        }
        String what = spec + " " + layout.keras() + " filters " + f;
        assertTrue(Arrays.equals(zBefore, z.values()), what + ": z modified");
        for (int j = 0; j < g.start(0); j++) assertEquals(gBefore[j], g.values()[j], what + ": g written before its start");
        SequenceBatch g0 = SequenceBatch.of(gBefore, g.offsets(), f, layout);
        float[] zr = new float[f], gr = new float[f];
        for (int i = 0; i < z.count(); i++) {
          for (int t = 0; t < z.length(i); t++) {
            for (int c = 0; c < f; c++) {
              zr[c] = z.get(i, t, c);
              gr[c] = g0.get(i, t, c);
            }
            act.backward(zr, 0, gr, 0, 1, f);
            for (int c = 0; c < f; c++) {
              if (Float.floatToIntBits(gr[c]) != Float.floatToIntBits(g.get(i, t, c))) {
                assertEquals(gr[c], g.get(i, t, c), what + ": dL/dz at sequence " + i + " step " + t + " filter " + c);
              }
            }
          }
        }
        checked++;
      }
    }
    assertEquals(2 * ACTIVATIONS.size(), checked);
  }

  @Test
  void activationBackwardRejectsBatchesOfAnotherWidth() {
    Conv1DSpec s = Conv1DSpec.builder().inChannels(1).filters(4).kernelSize(1).build();
    Conv1DOp op = Conv1DOp.of(s, Weights.ofFlat(new float[4], 1, 1, 4, new float[4]), Activations.softmax());
    for (int channels : new int[] {2, 8}) {
      SequenceBatch z = SequenceBatch.allocate(new int[] {0, 3}, channels, s.dataFormat());
      SequenceBatch g = SequenceBatch.allocate(new int[] {0, 3}, channels, s.dataFormat());
      try (Workspace ws = Workspace.create()) {
        Invalid.assertInvalid(() -> op.activationBackward(z, g, ws), "z", channels + " channels",
            "must have filters = 4 channels");
      }
    }
  }

  /** Random values in [-scale, scale] at steps {@code lead}.. of an array whose first lead steps are NaN. */
  private static SequenceBatch lead(SplittableRandom r, int[] lengths, int channels, DataFormat layout, int lead,
      double scale) {
    int[] offs = new int[lengths.length + 1];
    offs[0] = lead;
    for (int i = 0; i < lengths.length; i++) offs[i + 1] = offs[i] + lengths[i];
    float[] v = new float[offs[lengths.length] * channels];
    Arrays.fill(v, Float.NaN);
    for (int j = lead * channels; j < v.length; j++) v[j] = (float) ((r.nextDouble() * 2 - 1) * scale);
    return SequenceBatch.of(v, offs, channels, layout);
  }

  private static String lengths(SequenceBatch x) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < x.count(); i++) b.append(i == 0 ? "" : ",").append(x.length(i));
    return b.append("]").toString();
  }

  /**
   * Depth (taps x channels) beyond one cache block, with filters that need a two-vector panel, a one-vector panel
   * and a column tail on every vector width: every path of the engines' blocking in one layer.
   */
  @Test
  void deepLayersCrossDepthBlocksAndEveryColumnPath() {
    SplittableRandom r = new SplittableRandom(99);
    for (int filters : new int[] {7, 56, 100}) {
      for (String padding : new String[] {"same", "valid", "causal"}) {
        Conv1DSpec s = Conv1DSpec.builder().inChannels(96).filters(filters).kernelSize(7).padding(padding)
            .dataFormat(r.nextBoolean() ? "channels_last" : "channels_first").build();
        SequenceBatch x = RandomCases.batch(r, s, 3, 60);
        float[] kernel = RandomCases.floats(r, s.kernelLength());
        float[] bias = RandomCases.floats(r, filters);
        for (Conv1DKernel engine : ConvKernels.available()) {
          Conv1DOp op = Conv1DOp.of(s, Weights.ofFlat(kernel, 7, 96, filters, bias), null, engine);
          String what = engine.name() + " " + s;
          try (Workspace ws = Workspace.create(2)) {
            SequenceBatch y = op.newOutput(x);
            op.forward(x, y, ws);
            Close.check(what + " forward", y, NaiveConv1D.preActivation(s, kernel, bias, x), TOL);
            SequenceBatch dx = SequenceBatch.allocate(x.offsets().clone(), 96, s.dataFormat());
            op.backwardInput(y, dx, ws);
            Close.check(what + " input gradient", dx, NaiveConv1D.inputGradient(s, kernel, y, x), TOL);
            float[] dk = new float[s.kernelLength()];
            op.backwardKernel(x, y, dk, null, ws);
            Close.check(what + " kernel gradient", dk, 0, NaiveConv1D.kernelGradient(s, x, y), TOL);
          }
        }
      }
    }
  }

  @Test
  void kernelGradientAccumulatesIntoCallerArrays() {
    SplittableRandom r = new SplittableRandom(7);
    Conv1DSpec s = Conv1DSpec.builder().inChannels(3).filters(5).kernelSize(3).padding("same").build();
    SequenceBatch x = RandomCases.batch(r, s, 3, 20);
    float[] kernel = RandomCases.floats(r, s.kernelLength());
    for (Conv1DKernel engine : ConvKernels.available()) {
      for (int threads = 1; threads <= 2; threads++) {
        Conv1DOp op = Conv1DOp.of(s, Weights.ofFlat(kernel, 3, 3, 5, new float[5]), null, engine);
        SequenceBatch dz = op.newOutput(x);
        RandomCases.fill(new SplittableRandom(1), dz.values());
        float[] once = new float[s.kernelLength()], twice = new float[s.kernelLength()];
        try (Workspace ws = Workspace.create(threads)) {
          op.backwardKernel(x, dz, once, null, ws);
          op.backwardKernel(x, dz, twice, null, ws);
          op.backwardKernel(x, dz, twice, null, ws);
        }
        for (int i = 0; i < once.length; i++) assertEquals(2 * once[i], twice[i], 1e-5 * Math.max(1, Math.abs(once[i])));
      }
    }
  }

  @Test
  void scratchStaysBoundedForLongSequences() {
    Conv1DSpec s = Conv1DSpec.builder().inChannels(1).filters(4).kernelSize(5).padding("same").build();
    int len = 2_000_000;
    SequenceBatch x = SequenceBatch.single(new float[len], len, 1, s.dataFormat());
    Conv1DOp op = Conv1DOp.of(s, Weights.ofFlat(new float[20], 5, 1, 4, new float[4]), null);
    try (Workspace ws = Workspace.create()) {
      op.forward(x, op.newOutput(x), ws);
      assertTrue(ws.scratchFloats() < 100_000, "scratch " + ws.scratchFloats() + " floats for a " + len + "-step sequence");
    }
  }

  /**
   * A strided output (own start per sequence, steps wider than the filters) gets exactly the dense output's values,
   * and the gaps between steps and sequences keep what the caller put there: Spark's row headers live in them.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("engines")
  void stridedOutputsEqualDenseAndLeaveGapsAlone(String name, Conv1DKernel engine) {
    SplittableRandom r = new SplittableRandom(0x57D1DEL);
    float sentinel = -12345.5f;
    int checked = 0;
    for (int n = 0; n < 120; n++) {
      boolean big = n % 4 == 3;
      Conv1DSpec s = RandomCases.spec(r, big).toBuilder().dataFormat(DataFormat.CHANNELS_LAST).build();
      SequenceBatch x = RandomCases.batch(r, s, r.nextInt(5), big ? 70 : 30);
      float[] kernel = RandomCases.floats(r, s.kernelLength());
      float[] bias = s.useBias() ? RandomCases.floats(r, s.filters()) : null;
      String act = ACTIVATIONS.get(n % ACTIVATIONS.size());
      Conv1DOp op = Conv1DOp.of(s, Weights.ofFlat(kernel, s.kernelSize(), s.groupInChannels(), s.filters(), bias),
          Activations.parse(act), engine);
      SequenceBatch dense = op.newOutput(x);
      int f = s.filters(), stride = f + r.nextInt(8), count = x.count();
      int[] starts = new int[count];
      int end = r.nextInt(5);
      for (int i = 0; i < count; i++) {
        starts[i] = end;
        end += dense.length(i) * stride + r.nextInt(6);
      }
      float[] values = new float[end + r.nextInt(3)];
      Arrays.fill(values, sentinel);
      SequenceBatch y = SequenceBatch.strided(values, dense.offsets(), starts, count, f, stride);
      boolean[] written = new boolean[values.length];
      for (int i = 0; i < count; i++) {
        for (int t = 0; t < dense.length(i); t++) {
          for (int j = 0; j < f; j++) written[starts[i] + t * stride + j] = true;
        }
      }
      String what = "case " + n + " " + s + " " + act + " stride " + stride + " lengths " + lengths(x);
      for (int threads = 1; threads <= 2; threads++) {
        try (Workspace ws = Workspace.create(threads)) {
          Arrays.fill(values, sentinel);
          op.forward(x, dense, ws);
          op.forward(x, y, ws);
          for (int i = 0; i < count; i++) {
            for (int t = 0; t < dense.length(i); t++) {
              for (int j = 0; j < f; j++) {
                assertEquals(Float.floatToIntBits(dense.get(i, t, j)), Float.floatToIntBits(y.get(i, t, j)),
                    what + " threads " + threads + ": sequence " + i + " step " + t + " filter " + j);
              }
            }
          }
          for (int k = 0; k < values.length; k++) {
            if (!written[k]) assertEquals(sentinel, values[k], what + ": gap float " + k + " was written");
          }
        }
      }
      checked++;
    }
    assertEquals(120, checked);
  }

  /** Strided batches are forward outputs only: inputs and gradients are dense, and saying otherwise is an error. */
  @Test
  void stridedBatchesAreRejectedOutsideForwardOutputs() {
    Conv1DSpec s = Conv1DSpec.builder().inChannels(2).filters(3).kernelSize(2).useBias(false).build();
    Conv1DOp op = Conv1DOp.of(s, Weights.ofFlat(new float[s.kernelLength()], 2, 2, 3, null), Activations.linear());
    int[] offs = {0, 4};
    SequenceBatch xs = SequenceBatch.strided(new float[16], offs, new int[] {0}, 1, 2, 4);
    SequenceBatch x = SequenceBatch.allocate(offs, 2, DataFormat.CHANNELS_LAST);
    SequenceBatch ys = SequenceBatch.strided(new float[16], new int[] {0, 3}, new int[] {1}, 1, 3, 4);
    SequenceBatch dz = op.newOutput(x);
    try (Workspace ws = Workspace.create()) {
      String rule = "must be dense (strided batches are forward outputs only)";
      Invalid.assertInvalid(() -> op.forward(xs, op.newOutput(x), ws), "x", "a strided batch", rule);
      Invalid.assertInvalid(() -> op.backwardKernel(x, ys, new float[s.kernelLength()], null, ws), "dz",
          "a strided batch", rule);
      Invalid.assertInvalid(() -> op.backwardInput(ys, SequenceBatch.allocate(offs, 2, DataFormat.CHANNELS_LAST), ws),
          "dz", "a strided batch", rule);
      Invalid.assertInvalid(() -> op.backwardInput(dz, xs, ws), "dx", "a strided batch", rule);
      Invalid.assertInvalid(() -> op.activationBackward(ys, dz, ws), "z", "a strided batch", rule);
      Invalid.assertInvalid(() -> op.backward(x, ys, true, ws), "dy", "a strided batch", rule);
      op.forward(x, ys, ws); // the one place they belong
    }
  }
}
