package dev.conv1d.kernels.constraint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConstraintsTest {
  private static final double EPS = 1e-7;
  private static final int[] SHAPE = {2, 2, 2}; // [kernel_size, in_channels, filters]

  /** Filter 0 has norm 5 (3 at k0c0, 4 at k1c1), filter 1 norm 0.5 (0.3 at k0c0, 0.4 at k1c1). */
  private static float[] kernel() {
    float[] w = new float[8];
    w[at(0, 0, 0)] = 3f;
    w[at(1, 1, 0)] = 4f;
    w[at(0, 0, 1)] = 0.3f;
    w[at(1, 1, 1)] = 0.4f;
    return w;
  }

  private static int at(int k, int c, int f) {
    return (k * 2 + c) * 2 + f;
  }

  private static float[] applied(String spec, float[] w, int... shape) {
    float[] out = w.clone();
    Constraints.parse(spec).apply(out, shape);
    return out;
  }

  @Test
  void maxNormDefaultsToTheNormOfEachFilter() {
    float[] w = applied("max_norm(2)", kernel(), SHAPE);
    float[] e = new float[8];
    e[at(0, 0, 0)] = (float) (3 * 2 / (EPS + 5));
    e[at(1, 1, 0)] = (float) (4 * 2 / (EPS + 5));
    e[at(0, 0, 1)] = (float) (0.3f * 0.5 / (EPS + 0.5));
    e[at(1, 1, 1)] = (float) (0.4f * 0.5 / (EPS + 0.5));
    assertArrayEquals(e, w, 2e-7f);
  }

  @Test
  void explicitAxisZeroIsKerasLiteralDefault() {
    // norms over kernel taps for each (in_channel, filter): 3, 4, 0.3, 0.4; all but the first two under 2
    float[] w = applied("max_norm(max_value=2, axis=0)", kernel(), SHAPE);
    float[] e = new float[8];
    e[at(0, 0, 0)] = (float) (3 * 2 / (EPS + 3));
    e[at(1, 1, 0)] = (float) (4 * 2 / (EPS + 4));
    e[at(0, 0, 1)] = (float) (0.3f * 0.3 / (EPS + 0.3));
    e[at(1, 1, 1)] = (float) (0.4f * 0.4 / (EPS + 0.4));
    assertArrayEquals(e, w, 2e-7f);
  }

  @Test
  void axisNoneTakesTheWholeTensorNorm() {
    float[] w = applied("max_norm(1.0, axis=None)", kernel(), SHAPE);
    double norm = Math.sqrt(25 + 0.3f * 0.3f + 0.4f * 0.4f);
    float[] e = kernel();
    for (int i = 0; i < e.length; i++) e[i] = (float) (e[i] * 1.0 / (EPS + norm));
    assertArrayEquals(e, w, 2e-7f);
  }

  @Test
  void biasAndDenseDefaultsAgreeWithKeras() {
    float[] bias = {3f, 4f};
    float[] unit = {(float) (3 / (EPS + 5)), (float) (4 / (EPS + 5))};
    assertArrayEquals(unit, applied("unit_norm", bias, 2), 2e-7f);
    float[] dense = {3f, 1f, 4f, 0f}; // [in=2, out=2]: columns (3, 4) and (1, 0)
    float[] e = {(float) (3 / (EPS + 5)), (float) (1 / (EPS + 1)), (float) (4 / (EPS + 5)), 0f};
    assertArrayEquals(e, applied("unit_norm", dense, 2, 2), 2e-7f);
    assertArrayEquals(e, applied("unit_norm(axis=0)", dense, 2, 2), 2e-7f);
  }

  @Test
  void minMaxNormMovesNormsIntoTheBandAtRate() {
    float[] bias = {3f, 4f}; // norm 5
    double desired = 0.5 * 2 + 0.5 * 5; // rate * clip(5, 1, 2) + (1 - rate) * 5
    float[] e = {(float) (3 * desired / (EPS + 5)), (float) (4 * desired / (EPS + 5))};
    assertArrayEquals(e, applied("min_max_norm(min_value=1, max_value=2, rate=0.5)", bias, 2), 2e-7f);
    float[] small = {0.03f, 0.04f}; // norm 0.05 raised to min 1
    double n = Math.sqrt(0.03f * 0.03f + 0.04f * 0.04f);
    assertArrayEquals(new float[] {(float) (0.03f * 1 / (EPS + n)), (float) (0.04f * 1 / (EPS + n))},
        applied("min_max_norm(1.0, 2.0)", small, 2), 2e-7f);
    float[] inside = {0.6f, 0.8f}; // norm 1 within [0, 1]: only the epsilon shrink
    assertArrayEquals(new float[] {(float) (0.6f / (EPS + 1)), (float) (0.8f / (EPS + 1))},
        applied("min_max_norm", inside, 2), 2e-7f);
  }

  @Test
  void unitNormPerFilterAndZeroSlicesStayZero() {
    float[] w = kernel();
    w[at(0, 0, 1)] = 0f;
    w[at(1, 1, 1)] = 0f;
    float[] out = applied("unit_norm", w, SHAPE);
    assertEquals(3 / (EPS + 5), out[at(0, 0, 0)], 1e-7);
    assertEquals(4 / (EPS + 5), out[at(1, 1, 0)], 1e-7);
    assertEquals(0f, out[at(0, 0, 1)]);
  }

  @Test
  void kerasEpsilonIsAddedToTheNorm() {
    float[] tiny = {3e-7f, 4e-7f}; // norm 5e-7: epsilon 1e-7 is a sixth of the denominator
    assertArrayEquals(new float[] {0.5f, 2f / 3f}, applied("unit_norm", tiny, 2), 1e-6f);
    assertArrayEquals(new float[] {2.5e-7f, 1e-6f / 3}, applied("max_norm", tiny, 2), 1e-12f);
  }

  @Test
  void nonNegIsTheProductWithTheMask() {
    float[] w = {-1f, 0f, 2f, Float.NaN, -0f, Float.NEGATIVE_INFINITY};
    float[] out = applied("non_neg", w, 6);
    assertEquals(-0f, out[0], 0f);
    assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(out[0]), "TF: -1 * 0 = -0.0");
    assertEquals(0f, out[1]);
    assertEquals(2f, out[2]);
    assertTrue(Float.isNaN(out[3]));
    assertTrue(Float.isNaN(out[5]), "TF: -inf * 0 = NaN");
  }

  @Test
  void noneLeavesWeightsAlone() {
    float[] w = kernel();
    Constraints.parse("None").apply(w, SHAPE);
    assertArrayEquals(kernel(), w);
    assertSame(Constraints.none(), Constraints.parse(null));
    assertSame(Constraints.none(), Constraints.parse(""));
  }

  /** Brute force over multi-indices against the production odometer, for random shapes and axes. */
  @Test
  void normsMatchBruteForceForRandomShapesAndAxes() {
    SplittableRandom r = new SplittableRandom(11);
    for (int trial = 0; trial < 300; trial++) {
      int rank = 1 + r.nextInt(4);
      int[] shape = new int[rank];
      int n = 1;
      for (int a = 0; a < rank; a++) n *= shape[a] = 1 + r.nextInt(4);
      boolean[] red = new boolean[rank];
      StringBuilder axes = new StringBuilder();
      for (int a = 0; a < rank; a++) {
        if (r.nextBoolean()) {
          red[a] = true;
          int literal = r.nextBoolean() ? a : a - rank;
          axes.append(axes.length() == 0 ? "" : ", ").append(literal);
        }
      }
      float[] w = new float[n];
      for (int i = 0; i < n; i++) w[i] = (float) r.nextGaussian();
      float[] got = applied("max_norm(max_value=0.7, axis=[" + axes + "])", w, shape);
      Map<String, Double> sums = new HashMap<>();
      for (int i = 0; i < n; i++) sums.merge(key(i, shape, red), (double) w[i] * w[i], Double::sum);
      for (int i = 0; i < n; i++) {
        double norm = Math.sqrt(sums.get(key(i, shape, red)));
        float expected = (float) (w[i] * Math.min(norm, 0.7) / (EPS + norm));
        assertEquals(expected, got[i], 1e-6f, Arrays.toString(shape) + " axis=[" + axes + "] element " + i);
      }
    }
  }

  private static String key(int flat, int[] shape, boolean[] reduced) {
    StringBuilder b = new StringBuilder();
    for (int a = shape.length - 1; a >= 0; a--) {
      int c = flat % shape[a];
      flat /= shape[a];
      b.append(reduced[a] ? "*" : Integer.toString(c)).append(',');
    }
    return b.toString();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "max_norm                                  | max_norm(max_value=2.0)",
      "max_norm(3)                               | max_norm(max_value=3.0)",
      "' max_norm( max_value = 3.0 , axis=[1,0])'| max_norm(max_value=3.0, axis=[0, 1])",
      "max_norm(axis=[0])                        | max_norm(max_value=2.0, axis=0)",
      "max_norm(2, (0, -1))                      | max_norm(max_value=2.0, axis=[-1, 0])",
      "max_norm(axis=None)                       | max_norm(max_value=2.0, axis=None)",
      "max_norm(axis=[])                         | max_norm(max_value=2.0, axis=[])",
      "min_max_norm                              | min_max_norm(min_value=0.0, max_value=1.0, rate=1.0)",
      "min_max_norm(0.5, 2, 0.25, 1)             | min_max_norm(min_value=0.5, max_value=2.0, rate=0.25, axis=1)",
      "unit_norm()                               | unit_norm",
      "unit_norm(axis=-1)                        | unit_norm(axis=-1)",
      "non_neg()                                 | non_neg",
      "None                                      | None",
  })
  void parsesToCanonicalSpecThatRoundTrips(String spec, String canonical) {
    Constraint c = Constraints.parse(spec);
    assertEquals(canonical, c.spec());
    Constraint again = Constraints.parse(c.spec());
    assertEquals(c, again);
    assertEquals(c.hashCode(), again.hashCode());
    assertEquals(c.spec(), again.spec());
  }

  @Test
  void factoriesPrintLikeParsedSpecs() {
    assertEquals(Constraints.parse("max_norm(3, axis=[0, 1])"), Constraints.maxNorm(3, 1, 0));
    assertEquals(Constraints.parse("max_norm(2)"), Constraints.maxNorm(2));
    assertEquals(Constraints.parse("unit_norm(axis=0)"), Constraints.unitNorm(0));
    assertEquals(Constraints.parse("unit_norm"), Constraints.unitNorm());
    assertEquals(Constraints.parse("min_max_norm(0, 1, 1)"), Constraints.minMaxNorm(0, 1, 1));
    assertEquals(Constraints.parse("min_max_norm(0, 1, 1, axis=2)"), Constraints.minMaxNorm(0, 1, 1, 2));
    assertEquals(Constraints.parse("non_neg"), Constraints.nonNeg());
    assertNotEquals(Constraints.maxNorm(2), Constraints.maxNorm(2, 0));
    assertEquals(List.of("max_norm", "min_max_norm", "non_neg", "unit_norm"), Constraints.names());
    assertThrows(IllegalArgumentException.class, () -> Constraints.maxNorm(-1));
    assertThrows(IllegalArgumentException.class, () -> Constraints.maxNorm(Double.NaN, 0));
    assertThrows(IllegalArgumentException.class, () -> Constraints.minMaxNorm(2, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> Constraints.minMaxNorm(0, 1, 1.5));
    assertThrows(IllegalArgumentException.class, () -> Constraints.unitNorm(1, 1));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "max_norm(axis=3)         | invalid argument 'axis' = 3: out of range for a weight of rank 3 (shape [2, 2, 2]): must be in [-3, 2]",
      "max_norm(axis=[0, -4])   | invalid argument 'axis' = -4: out of range for a weight of rank 3 (shape [2, 2, 2]): must be in [-3, 2]",
      "unit_norm(axis=[0, -3])  | invalid argument 'axis' = [-3, 0]: names dimension 0 twice for a weight of rank 3",
  })
  void badAxesFailAtApplyNamingAxisValueAndRank(String spec, String message) {
    Constraint c = Constraints.parse(spec);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.apply(kernel(), SHAPE));
    assertEquals(message, e.getMessage());
  }

  @Test
  void shapeMustMatchTheWeights() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Constraints.maxNorm(2).apply(new float[7], SHAPE));
    assertEquals("invalid argument 'shape' = [2, 2, 2]: holds 8 elements but the weight array has length 7",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Constraints.nonNeg().apply(new float[0], new int[] {0}));
    assertThrows(IllegalArgumentException.class, () -> Constraints.unitNorm().apply(new float[1], new int[0]));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "maxnorm(2)                   | unknown constraint 'maxnorm'",
      "max_norm(-1)                 | argument 'max_value' of max_norm = -1.0 must be >= 0",
      "max_norm(axis='0')           | argument 'axis' of max_norm must be an int, a list of ints or None, got str '0'",
      "max_norm(axis=[0, 0.5])      | argument 'axis' of max_norm must be an int, a list of ints or None, got list [0, 0.5]",
      "max_norm(axis=[1, 1])        | argument 'axis' of max_norm = [1, 1] repeats axis 1",
      "max_norm(axis=4294967296)    | argument 'axis' of max_norm = 4294967296 is out of the int range",
      "max_norm(2, 0, 1)            | max_norm takes at most 2 positional arguments (3 given)",
      "max_norm(max=2)              | max_norm got an unexpected keyword argument 'max' (parameters: max_value, axis)",
      "min_max_norm(2, 1)           | argument 'max_value' of min_max_norm = 1.0 must be >= min_value = 2.0",
      "min_max_norm(rate=1.5)       | argument 'rate' of min_max_norm = 1.5 must be in [0, 1]",
      "non_neg(1)                   | non_neg takes no positional arguments (1 given)",
      "unit_norm(axis=True)         | argument 'axis' of unit_norm must be an int, a list of ints or None, got bool True",
  })
  void parseErrorsNameArgumentSpecProblemAndValidForms(String spec, String problem) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Constraints.parse("kernel_constraint", spec));
    String m = e.getMessage();
    String expected = "invalid argument 'kernel_constraint' = '" + spec + "': " + problem + "; valid forms: ";
    assertTrue(m.startsWith(expected), m);
    for (String name : Constraints.names()) assertTrue(m.contains(name), m);
    e = assertThrows(IllegalArgumentException.class, () -> Constraints.parse(spec));
    assertTrue(e.getMessage().startsWith("invalid argument 'constraint' = '"), e.getMessage());
  }
}
