package dev.conv1d.spark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.conv1d.kernels.spec.Conv1DSpec;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The task-side gradient on hand-made blocks against finite differences, and the exact sums, without Spark. */
class BlockGradientTest {
  private static final int K = 3, C = 2, F = 3;

  private static TrainBlock block(int n, int labelPerSeq, Random r, Conv1DSpec spec) {
    int[] xo = new int[n + 1], zo = new int[n + 1], lo = new int[n + 1];
    for (int i = 0; i < n; i++) {
      int len = 5 + r.nextInt(6);
      xo[i + 1] = xo[i] + len;
      zo[i + 1] = zo[i] + spec.outputLength(len);
      lo[i + 1] = lo[i] + labelPerSeq;
    }
    float[] x = new float[xo[n] * C], l = new float[lo[n]], w = new float[n];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
    for (int i = 0; i < l.length; i++) l[i] = r.nextInt(F);
    for (int i = 0; i < n; i++) w[i] = 1f;
    return new TrainBlock(n, x, xo, zo, l, lo, w, 0, false);
  }

  private static double objective(BlockGradient g, TrainBlock b, float[] k, float[] bias) {
    ExactSums s = g.run(List.of(b).iterator(), new BlockGradient.Step(k, bias, 1, 1, false, 0, 0, 1));
    return s.get(BlockGradient.LOSS) / s.get(BlockGradient.WSUM);
  }

  @Test
  void globalMaxPoolingGradient() {
    Conv1DSpec spec = Conv1DSpec.builder().inChannels(C).filters(F).kernelSize(K).build();
    Layer layer = new Layer(spec, "linear");
    BlockGradient g = new BlockGradient(layer, Loss.parse("sparse_categorical_crossentropy", true),
        BlockGradient.MAX, 0, 0);
    Random r = new Random(1);
    TrainBlock b = block(10, 1, r, spec);
    float[] k = new float[K * C * F], bias = new float[F];
    for (int i = 0; i < k.length; i++) k[i] = (float) r.nextGaussian();
    ExactSums s = g.run(List.of(b).iterator(), new BlockGradient.Step(k, bias, 1, 1, true, 0, 0, 1));
    double w = s.get(BlockGradient.WSUM);
    for (int i = 0; i < k.length; i++) {
      float[] kp = k.clone(), km = k.clone();
      kp[i] += 1e-3f;
      km[i] -= 1e-3f;
      double fd = (objective(g, b, kp, bias) - objective(g, b, km, bias)) / (kp[i] - km[i]);
      double an = s.get(BlockGradient.GRAD + i) / w;
      assertTrue(Math.abs(fd - an) < 1e-3 + 1e-2 * Math.abs(fd), i + ": " + an + " vs " + fd);
    }
  }

  @Test
  void exactSumsAreOrderIndependent() {
    Random r = new Random(3);
    double[] v = new double[1000];
    for (int i = 0; i < v.length; i++) v[i] = r.nextGaussian() * Math.pow(10, r.nextInt(12) - 6);
    ExactSums a = new ExactSums(1), b = new ExactSums(1);
    for (double x : v) a.add(0, x);
    ExactSums[] parts = new ExactSums[7];
    for (int p = 0; p < 7; p++) parts[p] = new ExactSums(1);
    for (int i = v.length - 1; i >= 0; i--) parts[i % 7].add(0, v[i]);
    for (int p = 6; p >= 0; p--) b.merge(parts[p]);
    assertEquals(Double.doubleToLongBits(a.get(0)), Double.doubleToLongBits(b.get(0)));
    // The empty zero (treeAggregate's zero value) is an identity on either side, whatever the order.
    ExactSums z = ExactSums.zero();
    assertEquals(0.0, z.get(0));
    for (int p = 0; p < 7; p++) z = z.merge(parts[p]).merge(ExactSums.zero());
    assertEquals(Double.doubleToLongBits(a.get(0)), Double.doubleToLongBits(z.get(0)));
    java.math.BigDecimal exact = java.math.BigDecimal.ZERO;
    for (double x : v) exact = exact.add(new java.math.BigDecimal(x));
    assertEquals(exact.doubleValue(), a.get(0), 1e-15 * Math.abs(exact.doubleValue()) + 1e-16);
    a.add(0, Double.NaN);
    assertTrue(Double.isNaN(a.get(0)));
  }
}
