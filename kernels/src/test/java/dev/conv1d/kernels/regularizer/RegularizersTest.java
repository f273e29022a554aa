package dev.conv1d.kernels.regularizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RegularizersTest {
  private static final float[] W = {1f, -2f, 0f, 0.5f};

  @Test
  void valuesMatchHandComputedKerasFormulas() {
    // sum|w| = 3.5, sum w^2 = 5.25; Keras l2 has no 1/2
    assertEquals(0.035, Regularizers.parse("l1").value(W), 1e-15);
    assertEquals(0.0525, Regularizers.parse("l2").value(W), 1e-15);
    assertEquals(0.35, Regularizers.parse("l1(0.1)").value(W), 1e-15);
    assertEquals(5.25 * 0.3, Regularizers.parse("l2(l2=0.3)").value(W), 1e-15);
    assertEquals(0.035 + 0.00525, Regularizers.parse("l1_l2(l1=0.01, l2=0.001)").value(W), 1e-15);
    assertEquals(0.035 + 0.0525, Regularizers.parse("l1_l2").value(W), 1e-15);
    assertEquals(0.0, Regularizers.none().value(W));
  }

  @Test
  void valueAccumulatesInDouble() {
    float[] w = new float[1 << 20];
    java.util.Arrays.fill(w, 0.1f);
    double expected = (1 << 20) * (double) 0.1f;
    assertEquals(expected, Regularizers.l1(1).value(w), 1e-9 * expected);
  }

  @Test
  void gradientIsSignAndTwiceL2AddedToGrad() {
    float[] grad = {1f, 1f, 1f, 1f};
    Regularizers.l1l2(0.5, 0.25).addGradient(W, grad);
    // 1 + 0.5 sign(w) + 0.5 w, with sign(0) = 0
    assertArrayEquals(new float[] {2f, -0.5f, 1f, 1.75f}, grad);
    float[] g2 = new float[4];
    Regularizers.none().addGradient(W, g2);
    assertArrayEquals(new float[4], g2);
  }

  @ParameterizedTest
  @CsvSource({"'l1(0.3)'", "'l2(0.2)'", "'l1_l2(l1=0.05, l2=0.7)'"})
  void gradientMatchesCentralDifferences(String spec) {
    Regularizer r = Regularizers.parse(spec);
    SplittableRandom rnd = new SplittableRandom(5);
    float[] w = new float[50];
    for (int i = 0; i < w.length; i++) {
      float v = (float) rnd.nextGaussian();
      w[i] = Math.abs(v) < 0.01f ? 0.5f : v; // keep away from the kink of |w|
    }
    float[] grad = new float[w.length];
    r.addGradient(w, grad);
    for (int i = 0; i < w.length; i++) {
      float[] p = w.clone();
      float[] m = w.clone();
      float h = 1e-3f;
      p[i] += h;
      m[i] -= h;
      double fd = (r.value(p) - r.value(m)) / ((double) p[i] - m[i]);
      assertEquals(fd, grad[i], 1e-4 * Math.abs(fd) + 1e-5, spec + " at " + w[i]);
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "l1                        | l1(l1=0.01)",
      "l1()                      | l1(l1=0.01)",
      "l1(0.001)                 | l1(l1=0.001)",
      "' l1 ( l = 1e-3 ) '       | l1(l1=0.001)",
      "l2                        | l2(l2=0.01)",
      "l2(l=2)                   | l2(l2=2.0)",
      "l1_l2                     | l1_l2(l1=0.01, l2=0.01)",
      "l1_l2(0.02)               | l1_l2(l1=0.02, l2=0.01)",
      "l1_l2(l2=0.001)           | l1_l2(l1=0.01, l2=0.001)",
      "l1_l2(l1=0.01, l2=0.001)  | l1_l2(l1=0.01, l2=0.001)",
      "l1_l2(0, 0)               | l1_l2(l1=0.0, l2=0.0)",
      "None                      | None",
  })
  void parsesToCanonicalSpecThatRoundTrips(String spec, String canonical) {
    Regularizer r = Regularizers.parse(spec);
    assertEquals(canonical, r.spec());
    Regularizer again = Regularizers.parse(r.spec());
    assertEquals(r, again);
    assertEquals(r.hashCode(), again.hashCode());
    assertEquals(r.spec(), again.spec());
    assertEquals(r.l1(), again.l1());
    assertEquals(r.l2(), again.l2());
  }

  @Test
  void accessorsExposeStrengths() {
    Regularizer r = Regularizers.parse("l1_l2(l1=0.3, l2=0.001)");
    assertEquals(0.3, r.l1());
    assertEquals(0.001, r.l2());
    assertEquals(0.01, Regularizers.parse("l1").l1());
    assertEquals(0.0, Regularizers.parse("l1").l2());
    assertEquals(0.0, Regularizers.parse("l2").l1());
    assertSame(Regularizers.none(), Regularizers.parse(null));
    assertSame(Regularizers.none(), Regularizers.parse(" "));
    assertNotEquals(Regularizers.l1(0.01), Regularizers.l1l2(0.01, 0));
    assertEquals(java.util.List.of("l1", "l2", "l1_l2"), Regularizers.names());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "l3(0.1)                 | unknown regularizer 'l3'",
      "l1(-0.1)                | argument 'l1' of l1 = -0.1 must be >= 0",
      "l1_l2(l1=0.1, l2=-1)    | argument 'l2' of l1_l2 = -1.0 must be >= 0",
      "l1(l2=0.1)              | l1 got an unexpected keyword argument 'l2' (parameters: l1)",
      "l1(0.1, 0.2)            | l1 takes at most 1 positional argument (2 given)",
      "l1_l2(0.1, 0.2, 0.3)    | l1_l2 takes at most 2 positional arguments (3 given)",
      "l2('0.1')               | argument 'l2' of l2 must be a number (int or float), got str '0.1'",
      "l1(0.1, l=0.2)          | l1 got multiple values for argument 'l1' (given as its alias 'l')",
      "l1(0.1                  | missing ')' at the end",
  })
  void errorsNameArgumentSpecProblemAndValidForms(String spec, String problem) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Regularizers.parse("kernel_regularizer", spec));
    assertEquals("invalid argument 'kernel_regularizer' = '" + spec + "': " + problem
        + "; valid forms: None | l1(l1=0.01) | l2(l2=0.01) | l1_l2(l1=0.01, l2=0.01)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Regularizers.parse(spec));
    assertTrue(e.getMessage().startsWith("invalid argument 'regularizer' = '" + spec + "'"), e.getMessage());
  }

  @Test
  void factoriesRejectNegativeAndNonFiniteStrengths() {
    for (double bad : new double[] {-1e-9, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertThrows(IllegalArgumentException.class, () -> Regularizers.l1(bad));
      assertThrows(IllegalArgumentException.class, () -> Regularizers.l2(bad));
      assertThrows(IllegalArgumentException.class, () -> Regularizers.l1l2(0.1, bad));
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Regularizers.l2(-1));
    assertEquals("invalid argument 'l2' = -1.0: regularization strength must be a finite number >= 0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Regularizers.l2(0.1).addGradient(W, new float[3]));
  }
}
