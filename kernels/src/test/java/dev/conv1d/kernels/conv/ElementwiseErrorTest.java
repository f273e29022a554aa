package dev.conv1d.kernels.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engines' squared and absolute error passes (the training loss' hot loop): every engine equals a plain
 * double-precision loop over every length 0..300 (vector bodies and tails) at odd offsets, also in place, and the
 * engines agree with each other bit for bit on the gradients.
 */
@Tag("kernel-path")
class ElementwiseErrorTest {
  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.conv1d.kernels.conv.KernelPropertyTest#engines")
  void squaredAndAbsoluteErrorMatchAPlainLoop(String name, Conv1DKernel engine) {
    SplittableRandom r = new SplittableRandom(7);
    for (int n = 0; n <= 300; n++) {
      for (boolean inPlace : new boolean[] {false, true}) {
        for (boolean squared : new boolean[] {true, false}) {
          int off = r.nextInt(5), lOff = r.nextInt(5);
          float[] y = random(r, off + n + 3), label = random(r, lOff + n + 2);
          float scale = (float) (r.nextDouble() * 2 - 0.5);
          float[] before = y.clone();
          float[] g = inPlace ? y : new float[y.length];
          double got = squared ? engine.squaredError(y, off, label, lOff, n, scale, g)
              : engine.absoluteError(y, off, label, lOff, n, scale, g);
          double want = 0;
          for (int j = 0; j < n; j++) {
            float e = before[off + j] - label[lOff + j];
            want += squared ? (double) e * e : Math.abs(e);
            float wantG = squared ? e * scale : Math.signum(e) * scale;
            assertEquals(wantG, g[off + j], "n=" + n + " j=" + j + (inPlace ? " in place" : ""));
          }
          assertEquals(want, got, 1e-12 * Math.max(1, want), "sum, n=" + n);
          for (int j = 0; j < off; j++) assertEquals(before[j], y[j], "values before off untouched");
          for (int j = off + n; j < y.length; j++) assertEquals(before[j], y[j], "values after the range untouched");
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.conv1d.kernels.conv.KernelPropertyTest#engines")
  void nanAndInfinityPropagate(String name, Conv1DKernel engine) {
    for (int n : new int[] {3, 17, 64}) {
      float[] y = new float[n], label = new float[n], g = new float[n];
      y[1] = Float.NaN;
      assertTrue(Double.isNaN(engine.squaredError(y, 0, label, 0, n, 1f, g)));
      assertTrue(Float.isNaN(g[1]));
      assertTrue(Double.isNaN(engine.absoluteError(y, 0, label, 0, n, 1f, g)));
      assertTrue(Float.isNaN(g[1]));
      assertEquals(0f, g[0], "signum(0) is 0");
      y[1] = Float.POSITIVE_INFINITY;
      assertEquals(Double.POSITIVE_INFINITY, engine.squaredError(y, 0, label, 0, n, 1f, g));
      assertEquals(Double.POSITIVE_INFINITY, engine.absoluteError(y, 0, label, 0, n, 1f, g));
      assertEquals(1f, g[1]);
    }
  }

  @Test
  void enginesAgreeOnLongRows() {
    SplittableRandom r = new SplittableRandom(11);
    float[] y = random(r, 5000), label = random(r, 5000);
    List<Conv1DKernel> all = ConvKernels.available();
    assumeTrue(all.size() > 1, "one engine in this JVM: nothing to compare");
    float[] g0 = new float[y.length];
    double s0 = all.get(0).squaredError(y, 0, label, 0, y.length, 0.25f, g0);
    for (Conv1DKernel k : all) {
      float[] g = new float[y.length];
      double s = k.squaredError(y, 0, label, 0, y.length, 0.25f, g);
      assertEquals(s0, s, 1e-12 * s0, k.name());
      for (int j = 0; j < g.length; j++) assertEquals(g0[j], g[j], k.name() + " j=" + j);
    }
  }

  private static float[] random(SplittableRandom r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) (r.nextDouble() * 4 - 2);
    if (n > 0) v[r.nextInt(n)] = 0f;
    return v;
  }
}
