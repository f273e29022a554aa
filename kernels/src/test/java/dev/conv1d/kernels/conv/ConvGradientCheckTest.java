package dev.conv1d.kernels.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.conv1d.kernels.activation.Activation;
import dev.conv1d.kernels.activation.Activations;
import dev.conv1d.kernels.spec.Conv1DSpec;
import dev.conv1d.kernels.spec.DataFormat;
import dev.conv1d.kernels.spec.Padding;
import dev.conv1d.kernels.tensor.SequenceBatch;
import dev.conv1d.kernels.testing.RandomCases;
import java.util.ArrayList;
import java.util.Arrays;
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
 * Finite-difference checks of {@link Conv1DOp#backward}: with L = sum(r * y) for a fixed random r over a small
 * ragged batch, the kernel, bias and input gradients must match central differences of L, computed in double from
 * the engine's own float forward passes. Every padding x both layouts x {plain, strided, dilated, grouped}, twice,
 * with every activation name (and the non-default parameter forms) cycling through the cases. Every kernel, bias
 * and input entry is checked. Piecewise activations are only checked at points where no pre-activation crosses a
 * kink between the two perturbed passes (retrying with smaller steps before giving up on a point).
 */
@Tag("kernel-path")
class ConvGradientCheckTest {
  /** Steps tried in turn; a smaller one is used only when a larger one straddles a kink. */
  private static final double[] EPS = {1e-2, 2e-3, 5e-4};
  /**
   * |analytic - numeric| <= TOL * max(1, |numeric|). The worst seen is about 1e-4 (truncation error of softsign's
   * curvature at eps = 1e-2; float noise in L is ~1e-7, at most ~2e-4 after dividing by 2 eps even at the smallest
   * step), so this still catches an activation derivative that is off by a fraction of a percent.
   */
  private static final double TOL = 2e-3;
  private static final int[] LENGTHS = {7, 0, 2, 1, 10};

  /** An activation spec, the scale of its weights, and the pre-activations where its derivative jumps. */
  private record Act(String spec, double scale, double... kinks) {
    String name() {
      int p = spec.indexOf('(');
      return p < 0 ? spec : spec.substring(0, p);
    }
  }

  /**
   * Every name of {@link Activations#names()} plus the non-default parameter forms. relu6 and hard_sigmoid get
   * large weights so their upper kinks are reached; exponential gets small ones. softsign and elu(alpha=1) are
   * C1 but their second derivative jumps at 0, which spoils central differences there, so 0 counts as a kink.
   */
  static final List<Act> ACTIVATIONS = List.of(
      new Act("linear", 1), new Act("relu", 1, 0), new Act("relu6", 3, 0, 6), new Act("leaky_relu", 1, 0),
      new Act("elu", 1, 0), new Act("selu", 1, 0), new Act("gelu", 1), new Act("sigmoid", 1),
      new Act("hard_sigmoid", 3, -2.5, 2.5), new Act("tanh", 1), new Act("softplus", 1), new Act("softsign", 1, 0),
      new Act("swish", 1), new Act("silu", 1), new Act("exponential", 0.3), new Act("softmax", 1),
      new Act("gelu(approximate=True)", 1), new Act("leaky_relu(negative_slope=0.1)", 1, 0),
      new Act("elu(alpha=0.5)", 1, 0));

  private enum Shape { PLAIN, STRIDED, DILATED, GROUPED }

  static final int CASES = Padding.values().length * DataFormat.values().length * Shape.values().length * 2;

  static Stream<Arguments> engines() {
    List<Arguments> a = new ArrayList<>();
    for (Conv1DKernel k : ConvKernels.available()) a.add(Arguments.of(k.name(), k));
    return a.stream();
  }

  @Test
  void activationTableCoversEveryName() {
    Set<String> covered = new TreeSet<>();
    for (Act a : ACTIVATIONS) {
      assertNotNull(Activations.parse(a.spec()));
      covered.add(a.name());
    }
    assertEquals(new TreeSet<>(Activations.names()), covered,
        "every activation needs an entry (with its kinks) in the gradient check table");
    assertTrue(CASES >= 2 * ACTIVATIONS.size(), "each activation must get at least two cases");
  }

  private static Conv1DSpec spec(Shape shape, int rep, Padding padding, DataFormat layout, boolean bias) {
    Conv1DSpec.Builder b = Conv1DSpec.builder().padding(padding).dataFormat(layout).useBias(bias);
    switch (shape) {
      case PLAIN:
        b = rep == 0 ? b.inChannels(3).filters(4).kernelSize(3) : b.inChannels(2).filters(5).kernelSize(4);
        break;
      case STRIDED:
        b = rep == 0 ? b.inChannels(2).filters(3).kernelSize(3).strides(2)
            : b.inChannels(3).filters(3).kernelSize(4).strides(3);
        break;
      case DILATED:
        b = rep == 0 ? b.inChannels(2).filters(3).kernelSize(3).dilationRate(2)
            : b.inChannels(2).filters(4).kernelSize(2).dilationRate(3);
        break;
      case GROUPED:
        b = rep == 0 ? b.inChannels(4).filters(4).groups(2).kernelSize(2)
            : b.inChannels(3).filters(6).groups(3).kernelSize(3).dilationRate(2);
        break;
      default:
        throw new AssertionError(shape);
    }
    return b.build();
  }

  /** Per-engine tallies. */
  private static final class Tally {
    int cases, checks, skipped, smallerStep;
    double worst;
    final Set<String> activations = new TreeSet<>();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("engines")
  void backwardMatchesFiniteDifferences(String name, Conv1DKernel engine) {
    SplittableRandom r = new SplittableRandom(0x6AD1E47L);
    Tally tally = new Tally();
    int n = 0;
    for (Padding padding : Padding.values()) {
      for (DataFormat layout : DataFormat.values()) {
        for (Shape shape : Shape.values()) {
          for (int rep = 0; rep < 2; rep++, n++) {
            Act act = ACTIVATIONS.get(n % ACTIVATIONS.size());
            Conv1DSpec s = spec(shape, rep, padding, layout, n % 3 != 2);
            checkCase(engine, s, act, n, r, tally);
          }
        }
      }
    }
    System.out.printf("%s: %d cases, %d gradient entries checked, %d skipped at kinks, %d needed a smaller step,"
        + " worst relative error %.2e%n", name, tally.cases, tally.checks, tally.skipped, tally.smallerStep, tally.worst);
    assertEquals(CASES, tally.cases);
    assertEquals(48, CASES);
    Set<String> all = new TreeSet<>();
    for (Act a : ACTIVATIONS) all.add(a.spec());
    assertEquals(all, tally.activations);
    // Every kernel, bias and input entry of every case: 3836 in all, minus the few given up at kinks.
    assertEquals(3836, tally.checks + tally.skipped);
    assertTrue(tally.skipped * 100 <= tally.checks, tally.skipped + " of " + tally.checks + " entries skipped at kinks");
  }

  private static void checkCase(Conv1DKernel engine, Conv1DSpec s, Act act, int n, SplittableRandom r, Tally tally) {
    Activation activation = Activations.parse(act.spec());
    // Odd cases use views: x and r start a few steps into arrays whose prefix is NaN, which must never be read.
    int lead = n % 2 == 1 ? 3 : 0;
    SequenceBatch x = view(r, LENGTHS, s.inChannels(), s.dataFormat(), lead);
    float[] kernel = scaled(r, s.kernelLength(), act.scale());
    float[] bias = s.useBias() ? scaled(r, s.filters(), act.scale()) : null;
    Conv1DOp op = Conv1DOp.of(s, Weights.ofFlat(kernel, s.kernelSize(), s.groupInChannels(), s.filters(), bias),
        activation, engine);
    int[] outLengths = new int[LENGTHS.length];
    for (int i = 0; i < LENGTHS.length; i++) outLengths[i] = s.outputLength(LENGTHS[i]);
    SequenceBatch rr = view(r, outLengths, s.filters(), s.dataFormat(), lead + 2);
    String what = "case " + n + " " + s + " activation " + act.spec() + " on " + engine.name();

    int threads = 1 + (n / 2) % 2;
    Conv1DOp.Gradients g;
    try (Workspace ws = Workspace.create(threads)) {
      g = op.backward(x, rr, true, ws);
    }
    assertEquals(s.kernelLength(), g.kernel.length, what);
    if (s.useBias()) assertEquals(s.filters(), g.bias.length, what);
    else assertNull(g.bias, what);
    assertNotNull(g.input, what);

    Probe p = new Probe(s, activation, engine, rr, act.kinks(), x);
    for (int j = 0; j < kernel.length; j++) {
      final int idx = j;
      float[] kp = kernel.clone();
      double fd = p.derivative(kernel[j], v -> {
        kp[idx] = v;
        return Conv1DOp.of(s, Weights.ofFlat(kp, s.kernelSize(), s.groupInChannels(), s.filters(), bias), activation,
            engine);
      }, null);
      compare(what + " dL/dkernel[" + j + "]", g.kernel[j], fd, tally);
    }
    if (bias != null) {
      for (int j = 0; j < bias.length; j++) {
        final int idx = j;
        float[] bp = bias.clone();
        double fd = p.derivative(bias[j], v -> {
          bp[idx] = v;
          return Conv1DOp.of(s, Weights.ofFlat(kernel, s.kernelSize(), s.groupInChannels(), s.filters(), bp),
              activation, engine);
        }, null);
        compare(what + " dL/dbias[" + j + "]", g.bias[j], fd, tally);
      }
    }
    for (int i = 0; i < x.count(); i++) {
      for (int t = 0; t < x.length(i); t++) {
        for (int c = 0; c < s.inChannels(); c++) {
          int idx = x.layout() == DataFormat.CHANNELS_LAST ? x.start(i) + t * s.inChannels() + c
              : x.start(i) + c * x.length(i) + t;
          double fd = p.derivative(x.values()[idx], v -> op, idx);
          compare(what + " dL/dx[" + i + "][" + t + "][" + c + "]", g.input.get(i, t, c), fd, tally);
        }
      }
    }
    tally.smallerStep += p.smallerSteps;
    tally.cases++;
    tally.activations.add(act.spec());
  }

  private static void compare(String what, float analytic, double numeric, Tally tally) {
    if (Double.isNaN(numeric)) {
      tally.skipped++;
      return;
    }
    tally.checks++;
    double err = Math.abs(analytic - numeric) / Math.max(1, Math.abs(numeric));
    tally.worst = Math.max(tally.worst, err);
    if (!(err <= TOL)) fail(what + ": backward gives " + analytic + ", finite differences " + numeric);
  }

  private interface OpAt {
    Conv1DOp at(float value);
  }

  /** Evaluates L and the pre-activations for perturbed weights or inputs. */
  private static final class Probe {
    final SequenceBatch r, x, y, z;
    final double[] kinks;
    final Workspace ws = Workspace.create();
    int smallerSteps;

    Probe(Conv1DSpec spec, Activation act, Conv1DKernel engine, SequenceBatch r, double[] kinks, SequenceBatch x) {
      this.r = r;
      this.x = x;
      this.kinks = kinks;
      Conv1DOp shape = Conv1DOp.of(spec, Weights.ofFlat(new float[spec.kernelLength()], spec.kernelSize(),
          spec.groupInChannels(), spec.filters(), spec.useBias() ? new float[spec.filters()] : null), act, engine);
      y = shape.newOutput(x);
      z = shape.newOutput(x);
    }

    /**
     * Central difference dL/dv at {@code v0}, where {@code ops} builds the op for a value v and {@code xIndex},
     * when not null, is the element of x set to v. NaN when every step straddles a kink.
     */
    double derivative(float v0, OpAt ops, Integer xIndex) {
      float[] zPlus = new float[zSize()], zMinus = new float[zSize()];
      for (int e = 0; e < EPS.length; e++) {
        float vp = (float) (v0 + EPS[e]), vm = (float) (v0 - EPS[e]);
        double lp = loss(ops, vp, xIndex, zPlus);
        double lm = loss(ops, vm, xIndex, zMinus);
        if (xIndex != null) x.values()[xIndex] = v0;
        if (!straddlesKink(zPlus, zMinus)) {
          if (e > 0) smallerSteps++;
          return (lp - lm) / ((double) vp - vm);
        }
      }
      return Double.NaN;
    }

    private int zSize() {
      return z.totalSteps() * z.channels();
    }

    private double loss(OpAt ops, float v, Integer xIndex, float[] zCopy) {
      Conv1DOp op = ops.at(v);
      if (xIndex != null) x.values()[xIndex] = v;
      op.forwardPreActivation(x, z, ws);
      System.arraycopy(z.values(), 0, zCopy, 0, zCopy.length);
      op.forward(x, y, ws);
      double l = 0;
      for (int i = 0; i < y.count(); i++) {
        for (int t = 0; t < y.length(i); t++) {
          for (int f = 0; f < y.channels(); f++) l += (double) r.get(i, t, f) * y.get(i, t, f);
        }
      }
      return l;
    }

    private boolean straddlesKink(float[] a, float[] b) {
      for (double k : kinks) {
        double margin = 1e-5 * Math.max(1, Math.abs(k));
        for (int i = 0; i < a.length; i++) {
          double lo = Math.min(a[i], b[i]) - margin, hi = Math.max(a[i], b[i]) + margin;
          if (lo <= k && k <= hi) return true;
        }
      }
      return false;
    }
  }

  private static float[] scaled(SplittableRandom r, int n, double scale) {
    float[] v = RandomCases.floats(r, n);
    for (int i = 0; i < n; i++) v[i] = (float) (v[i] * scale);
    return v;
  }

  /** A batch of random values in [-1, 1] starting {@code lead} steps into an array with a NaN prefix. */
  private static SequenceBatch view(SplittableRandom r, int[] lengths, int channels, DataFormat layout, int lead) {
    int[] offs = new int[lengths.length + 1];
    offs[0] = lead;
    for (int i = 0; i < lengths.length; i++) offs[i + 1] = offs[i] + lengths[i];
    float[] v = new float[offs[lengths.length] * channels];
    Arrays.fill(v, 0, lead * channels, Float.NaN);
    float[] data = RandomCases.floats(r, v.length - lead * channels);
    System.arraycopy(data, 0, v, lead * channels, data.length);
    return SequenceBatch.of(v, offs, channels, layout);
  }
}
