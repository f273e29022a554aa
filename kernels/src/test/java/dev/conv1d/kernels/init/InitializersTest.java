package dev.conv1d.kernels.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class InitializersTest {
  /** A conv kernel [kernel_size, in_channels, filters]: fan_in = 5*64 = 320, fan_out = 5*128 = 640. */
  private static final int[] SHAPE = {5, 64, 128};
  private static final int N = 5 * 64 * 128;
  private static final double TRUNC = 0.87962566103423978;

  static List<String> names() {
    return Initializers.names();
  }

  private static float[] fill(String spec, long seed, int... shape) {
    int n = 1;
    for (int d : shape) n *= d;
    float[] w = new float[n];
    Arrays.fill(w, Float.NaN); // fill must overwrite everything
    Initializers.parse(spec).fill(w, shape, seed);
    return w;
  }

  /** Sample mean, variance, min and max. */
  private static double[] stats(float[] w) {
    double sum = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (float v : w) {
      sum += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    double mean = sum / w.length;
    double ss = 0;
    for (float v : w) ss += (v - mean) * (v - mean);
    return new double[] {mean, ss / (w.length - 1), min, max};
  }

  /** Mean and variance within 5 standard errors (variance SE taken as for a normal, which bounds these laws). */
  private static void assertMoments(String spec, float[] w, double mean, double variance) {
    double[] s = stats(w);
    double n = w.length;
    assertEquals(mean, s[0], 5 * Math.sqrt(variance / n), spec + " mean");
    assertEquals(variance, s[1], 5 * variance * Math.sqrt(2 / n), spec + " variance");
  }

  private static void assertWithin(String spec, float[] w, double lo, double hi) {
    double[] s = stats(w);
    double slack = 1e-6 * Math.max(Math.abs(lo), Math.abs(hi));
    assertTrue(s[2] >= lo - slack, spec + " min " + s[2] + " < " + lo);
    assertTrue(s[3] <= hi + slack, spec + " max " + s[3] + " > " + hi);
  }

  @Test
  void fansFollowKerasComputeFans() {
    assertEquals(1, Fans.fanIn(new int[0]));
    assertEquals(1, Fans.fanOut(new int[0]));
    assertEquals(7, Fans.fanIn(new int[] {7}));
    assertEquals(7, Fans.fanOut(new int[] {7}));
    assertEquals(3, Fans.fanIn(new int[] {3, 4}));
    assertEquals(4, Fans.fanOut(new int[] {3, 4}));
    assertEquals(320, Fans.fanIn(SHAPE));
    assertEquals(640, Fans.fanOut(SHAPE));
    assertEquals(24, Fans.fanIn(new int[] {2, 3, 4, 5}));
    assertEquals(30, Fans.fanOut(new int[] {2, 3, 4, 5}));
  }

  @Test
  void shapeMustMatchTheArray() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Initializers.heNormal().fill(new float[10], new int[] {2, 3, 2}, 1));
    assertEquals("invalid argument 'shape' = [2, 3, 2]: holds 12 elements but the weight array has length 10",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Initializers.zeros().fill(new float[0], new int[] {0}, 1));
    assertEquals("invalid argument 'shape' = [0]: every dimension must be >= 1", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Initializers.ones().fill(null, new int[] {1}, 1));
    assertThrows(IllegalArgumentException.class, () -> Initializers.ones().fill(new float[1], null, 1));
  }

  @ParameterizedTest
  @MethodSource("names")
  void sameSeedSameValuesOtherSeedOtherValues(String name) {
    float[] a = fill(name, 42, 3, 4, 5);
    assertArrayEquals(a, fill(name, 42, 3, 4, 5), name);
    for (float v : a) assertFalse(Float.isNaN(v), name + " left a value unfilled");
    boolean constant = name.equals("zeros") || name.equals("ones") || name.equals("constant");
    assertEquals(!constant, !Arrays.equals(a, fill(name, 43, 3, 4, 5)), name);
  }

  @Test
  void constantsFill() {
    for (float v : fill("zeros", 1, 4, 2)) assertEquals(0f, v);
    for (float v : fill("ones", 1, 4, 2)) assertEquals(1f, v);
    for (float v : fill("constant(value=-0.25)", 1, 3)) assertEquals(-0.25f, v);
    for (float v : fill("constant", 1, 3)) assertEquals(0f, v);
  }

  @Test
  void randomNormalMoments() {
    assertMoments("random_normal", fill("random_normal", 1, SHAPE), 0, 0.05 * 0.05);
    float[] w = fill("random_normal(mean=0.5, stddev=2)", 2, SHAPE);
    assertMoments("random_normal(0.5, 2)", w, 0.5, 4);
    assertTrue(stats(w)[3] > 0.5 + 2 * 2 * 1.5, "an untruncated normal exceeds 3 stddev in 40960 draws");
  }

  @Test
  void truncatedNormalStaysWithinTwoStddev() {
    float[] w = fill("truncated_normal(mean=1, stddev=0.1)", 3, SHAPE);
    assertWithin("truncated_normal", w, 0.8, 1.2);
    assertMoments("truncated_normal", w, 1, 0.01 * TRUNC * TRUNC);
    double[] s = stats(w);
    assertTrue(s[2] < 0.81 && s[3] > 1.19, "draws reach close to both truncation bounds");
    assertMoments("truncated_normal default", fill("truncated_normal", 4, SHAPE), 0, 0.0025 * TRUNC * TRUNC);
  }

  @Test
  void randomUniformMomentsAndBounds() {
    float[] w = fill("random_uniform", 5, SHAPE);
    assertWithin("random_uniform", w, -0.05, 0.05);
    assertMoments("random_uniform", w, 0, 0.1 * 0.1 / 12);
    float[] v = fill("random_uniform(minval=2, maxval=3)", 6, SHAPE);
    assertWithin("random_uniform(2, 3)", v, 2, 3);
    assertMoments("random_uniform(2, 3)", v, 2.5, 1.0 / 12);
    assertTrue(stats(v)[2] < 2.001 && stats(v)[3] > 2.999);
  }

  /** spec, scale / n with Keras fans of [5, 64, 128], distribution. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "glorot_uniform                                                              | 1/480 | uniform",
      "glorot_normal                                                               | 1/480 | truncated",
      "he_normal                                                                   | 2/320 | truncated",
      "he_uniform                                                                  | 2/320 | uniform",
      "lecun_normal                                                                | 1/320 | truncated",
      "lecun_uniform                                                               | 1/320 | uniform",
      "variance_scaling                                                            | 1/320 | truncated",
      "variance_scaling(scale=2.0, mode='fan_out', distribution='truncated_normal') | 2/640 | truncated",
      "variance_scaling(2.0, 'fan_out', 'normal')                                  | 2/640 | truncated",
      "variance_scaling(scale=0.5, mode='fan_avg', distribution='uniform')         | 0.5/480 | uniform",
      "variance_scaling(3, 'fan_in', 'untruncated_normal')                         | 3/320 | untruncated",
  })
  void varianceScalingMatchesKerasFormulas(String spec, String ratio, String law) {
    String[] q = ratio.split("/");
    double variance = Double.parseDouble(q[0]) / Double.parseDouble(q[1]);
    float[] w = fill(spec, 7, SHAPE);
    assertMoments(spec, w, 0, variance);
    double[] s = stats(w);
    double extreme = Math.max(-s[2], s[3]);
    switch (law) {
      case "uniform": {
        double limit = Math.sqrt(3 * variance);
        assertWithin(spec, w, -limit, limit);
        assertTrue(extreme > 0.999 * limit, spec + " reaches its limit");
        break;
      }
      case "truncated": {
        double bound = 2 * Math.sqrt(variance) / TRUNC;
        assertWithin(spec, w, -bound, bound);
        assertTrue(extreme > 0.99 * bound, spec + " reaches its truncation bound");
        break;
      }
      default: {
        double sd = Math.sqrt(variance);
        long beyond = 0;
        for (float v : w) if (Math.abs(v) > 2 * sd) beyond++;
        double p = 0.04550026389635842; // P(|Z| > 2)
        assertEquals(p * N, beyond, 5 * Math.sqrt(p * (1 - p) * N), spec + " tail mass beyond 2 stddev");
      }
    }
  }

  @Test
  void smallFansAreClampedToOneAsInKeras() {
    // rank 0: fans 1; variance_scaling divides by max(1, n), so scale 4 gives stddev 2 on a scalar
    float[] w = new float[40000];
    for (int i = 0; i < w.length; i++) {
      float[] one = new float[1];
      Initializers.parse("variance_scaling(4.0, distribution='untruncated_normal')").fill(one, new int[0], i);
      w[i] = one[0];
    }
    assertMoments("scalar", w, 0, 4);
  }

  @Test
  void orthogonalTallHasOrthonormalColumnsTimesGain() {
    float[] w = fill("orthogonal(gain=1.5)", 8, SHAPE);
    int rows = 5 * 64;
    int cols = 128;
    for (int a = 0; a < cols; a++) {
      for (int b = a; b < cols; b++) {
        double dot = 0;
        for (int i = 0; i < rows; i++) dot += (double) w[i * cols + a] * w[i * cols + b];
        assertEquals(a == b ? 2.25 : 0, dot, 2e-5, "W^T W [" + a + "][" + b + "]");
      }
    }
  }

  @Test
  void orthogonalWideHasOrthonormalRows() {
    float[] w = fill("orthogonal", 9, 3, 4, 50);
    int rows = 12;
    int cols = 50;
    for (int a = 0; a < rows; a++) {
      for (int b = a; b < rows; b++) {
        double dot = 0;
        for (int j = 0; j < cols; j++) dot += (double) w[a * cols + j] * w[b * cols + j];
        assertEquals(a == b ? 1 : 0, dot, 2e-6, "W W^T [" + a + "][" + b + "]");
      }
    }
    float[] sq = fill("orthogonal", 10, 6, 6);
    for (int a = 0; a < 6; a++) {
      double dot = 0;
      for (int i = 0; i < 6; i++) dot += (double) sq[i * 6 + a] * sq[i * 6 + a];
      assertEquals(1, dot, 2e-6);
    }
  }

  @Test
  void orthogonalIsTheSignFixedQOfTheDrawnMatrix() {
    int m = 30;
    int n = 12;
    double[] q = Orthogonal.orthonormalColumns(m, n, new Sampler(77));
    Sampler again = new Sampler(77);
    double[][] a = new double[m][n];
    for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) a[i][j] = again.next();
    // R = Q^T A must be upper triangular with a positive diagonal, and Q R must give back A
    double[][] r = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        for (int k = 0; k < m; k++) r[i][j] += q[i * m + k] * a[k][j];
      }
    }
    for (int i = 0; i < n; i++) {
      assertTrue(r[i][i] > 0, "diag(R) > 0 at " + i);
      for (int j = 0; j < i; j++) assertEquals(0, r[i][j], 1e-12, "R[" + i + "][" + j + "]");
    }
    for (int k = 0; k < m; k++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int i = 0; i < n; i++) s += q[i * m + k] * r[i][j];
        assertEquals(a[k][j], s, 1e-12);
      }
    }
  }

  @Test
  void orthogonalNeedsRankTwo() {
    Initializer o = Initializers.orthogonal(1);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> o.fill(new float[4], new int[] {4}, 1));
    assertEquals("invalid argument 'shape' = [4]: orthogonal needs a weight of rank >= 2", e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "zeros                         | zeros",
      "ones()                        | ones",
      "constant(0.5)                 | constant(value=0.5)",
      "constant                      | constant(value=0.0)",
      "random_normal                 | random_normal(mean=0.0, stddev=0.05)",
      "random_normal(stddev=0.02)    | random_normal(mean=0.0, stddev=0.02)",
      "random_uniform(-1, 1)         | random_uniform(minval=-1.0, maxval=1.0)",
      "random_uniform                | random_uniform(minval=-0.05, maxval=0.05)",
      "truncated_normal(0.1, 1e-3)   | truncated_normal(mean=0.1, stddev=0.001)",
      "glorot_uniform                | glorot_uniform",
      "' he_normal ( ) '             | he_normal",
      "lecun_uniform                 | lecun_uniform",
      "variance_scaling              | variance_scaling(scale=1.0, mode='fan_in', distribution='truncated_normal')",
      "variance_scaling(scale=2.0, mode=\"fan_out\", distribution='normal') | variance_scaling(scale=2.0, mode='fan_out', distribution='truncated_normal')",
      "variance_scaling(2, 'fan_avg', 'UNIFORM') | variance_scaling(scale=2.0, mode='fan_avg', distribution='uniform')",
      "orthogonal                    | orthogonal(gain=1.0)",
      "orthogonal(2)                 | orthogonal(gain=2.0)",
  })
  void parsesToCanonicalSpecThatRoundTrips(String spec, String canonical) {
    Initializer i = Initializers.parse(spec);
    assertEquals(canonical, i.spec());
    Initializer again = Initializers.parse(i.spec());
    assertEquals(i, again);
    assertEquals(i.hashCode(), again.hashCode());
    assertEquals(i.spec(), again.spec());
    assertArrayEquals(fill(spec, 3, 4, 5), fill(i.spec(), 3, 4, 5));
  }

  @Test
  void factoriesPrintLikeParsedSpecs() {
    assertEquals("variance_scaling(scale=2.0, mode='fan_out', distribution='truncated_normal')",
        Initializers.varianceScaling(2.0, "fan_out", "normal").spec());
    assertEquals(Initializers.parse("random_normal(0, 0.02)"), Initializers.randomNormal(0, 0.02));
    assertEquals(Initializers.parse("truncated_normal(0, 0.02)"), Initializers.truncatedNormal(0, 0.02));
    assertEquals(Initializers.parse("random_uniform(-1, 1)"), Initializers.randomUniform(-1, 1));
    assertEquals(Initializers.parse("constant(3)"), Initializers.constant(3));
    assertEquals(Initializers.parse("orthogonal(0.5)"), Initializers.orthogonal(0.5));
    assertEquals(Initializers.parse("he_uniform"), Initializers.heUniform());
    assertNotEquals(Initializers.heNormal(), Initializers.varianceScaling(2, "fan_in", "truncated_normal"));
    assertEquals(14, Initializers.names().size());
    assertThrows(IllegalArgumentException.class, () -> Initializers.varianceScaling(0, "fan_in", "uniform"));
    assertThrows(IllegalArgumentException.class, () -> Initializers.varianceScaling(1, "fan", "uniform"));
    assertThrows(IllegalArgumentException.class, () -> Initializers.varianceScaling(1, "fan_in", "gamma"));
    assertThrows(IllegalArgumentException.class, () -> Initializers.randomNormal(0, -1));
    assertThrows(IllegalArgumentException.class, () -> Initializers.randomUniform(1, 0));
    assertThrows(IllegalArgumentException.class, () -> Initializers.constant(Double.NaN));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "glorot                                   | unknown initializer 'glorot'",
      "he_normal(seed=1)                        | seed is not part of an initializer spec: the seed is passed to fill(w, shape, seed)",
      "he_normal(2)                             | he_normal takes no positional arguments (1 given)",
      "random_normal(0, 1, 2)                   | random_normal takes at most 2 positional arguments (3 given)",
      "random_normal(std=1)                     | random_normal got an unexpected keyword argument 'std' (parameters: mean, stddev)",
      "random_normal(stddev=-1)                 | argument 'stddev' of random_normal = -1.0 must be >= 0",
      "random_uniform(1, 0)                     | argument 'maxval' of random_uniform = 0.0 must be >= minval = 1.0",
      "variance_scaling(scale=0)                | argument 'scale' of variance_scaling = 0.0 must be > 0",
      "variance_scaling(mode='fan')             | argument 'mode' of variance_scaling = 'fan' must be 'fan_in', 'fan_out' or 'fan_avg'",
      "variance_scaling(distribution='gamma')   | argument 'distribution' of variance_scaling = 'gamma' must be 'truncated_normal', 'untruncated_normal' or 'uniform'",
      "variance_scaling(mode=fan_in)            | bare name 'fan_in' at index 22 is not a value (quote strings: 'fan_in')",
      "variance_scaling(mode=1)                 | argument 'mode' of variance_scaling must be a quoted string, got int 1",
      "orthogonal(gain='x')                     | argument 'gain' of orthogonal must be a number (int or float), got str 'x'",
      "''                                       | empty spec",
  })
  void parseErrorsNameArgumentSpecProblemAndValidForms(String spec, String problem) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Initializers.parse("kernel_initializer", spec));
    String m = e.getMessage();
    String expected = "invalid argument 'kernel_initializer' = '" + spec + "': " + problem + "; valid forms: ";
    assertTrue(m.startsWith(expected), m);
    for (String name : Initializers.names()) assertTrue(m.contains(name), m);
    e = assertThrows(IllegalArgumentException.class, () -> Initializers.parse(spec));
    assertTrue(e.getMessage().startsWith("invalid argument 'initializer' = '"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Initializers.parse(null));
    assertTrue(e.getMessage().startsWith("invalid argument 'initializer' = null: empty spec; valid forms: "));
  }
}
