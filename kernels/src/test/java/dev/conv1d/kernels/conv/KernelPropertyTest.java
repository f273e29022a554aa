package dev.conv1d.kernels.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.conv1d.kernels.activation.Activations;
import dev.conv1d.kernels.spec.Conv1DSpec;
import dev.conv1d.kernels.tensor.SequenceBatch;
import dev.conv1d.kernels.testing.Close;
import dev.conv1d.kernels.testing.NaiveConv1D;
import dev.conv1d.kernels.testing.RandomCases;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hundreds of random configurations (every padding, strides, dilation, groups, both layouts, ragged batches with
 * empty, length-1 and shorter-than-kernel sequences, 1 and 2 threads): every engine this JVM can run must agree
 * with the naive oracle in all three directions.
 */
@Tag("kernel-path")
class KernelPropertyTest {
  static final double TOL = 1e-4;

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
    int checked = 0;
    for (int n = 0; n < cases; n++) {
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
    }
    assertEquals(cases, checked);
  }

  private static String lengths(SequenceBatch x) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < x.count(); i++) b.append(i == 0 ? "" : ",").append(x.length(i));
    return b.append("]").toString();
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
}
