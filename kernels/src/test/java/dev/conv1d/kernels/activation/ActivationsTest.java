package dev.conv1d.kernels.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ActivationsTest {
  static Stream<String> elementwise() {
    return Reference.ELEMENTWISE.keySet().stream();
  }

  static Stream<String> all() {
    return Stream.concat(elementwise(), Stream.of("softmax"));
  }

  /** A grid over [-100, 100], dense near 0, plus random values and extremes. */
  private static float[] inputs() {
    List<Float> v = new ArrayList<>();
    for (int i = -2000; i <= 2000; i++) v.add(i * 0.005f);
    for (int i = -100; i <= 100; i++) v.add((float) i);
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 2000; i++) v.add((float) (r.nextGaussian() * 4));
    for (float x : new float[] {0f, -0f, 1e-30f, -1e-30f, 1e-7f, -1e-7f, 2.5f, -2.5f, 6f, 88f, -88f, 1e4f, -1e4f}) {
      v.add(x);
    }
    float[] a = new float[v.size()];
    for (int i = 0; i < a.length; i++) a[i] = v.get(i);
    return a;
  }

  @ParameterizedTest
  @MethodSource("elementwise")
  void forwardMatchesDoubleFormula(String spec) {
    Activation act = Activations.parse(spec);
    DoubleUnaryOperator f = Reference.ELEMENTWISE.get(spec);
    float[] x = inputs();
    float[] y = x.clone();
    act.forward(y, 0, 1, y.length);
    for (int i = 0; i < x.length; i++) {
      float expected = (float) f.applyAsDouble(x[i]);
      if (Float.isInfinite(expected)) {
        assertEquals(expected, y[i], spec + "(" + x[i] + ")");
      } else {
        assertEquals(expected, y[i], 4e-7 * Math.abs(expected) + 1e-38, spec + "(" + x[i] + ")");
      }
    }
  }

  @Test
  void geluMatchesMpmathValues() {
    float[] x = {-6f, -3f, -1f, -0.5f, 0.25f, 1f, 2.5f, 4f};
    double[] exact = {-5.9195258702261888e-9, -0.0040496940948902836, -0.15865525393145705, -0.15426876936299345,
        0.14967658142073093, 0.84134474606854295, 2.4844758366855597, 3.9998733150326675};
    double[] tanh = {-8.4396467007622971e-11, -0.0036373920817730188, -0.1588080093917233, -0.15428599017485608,
        0.149675350701685, 0.8411919906082767, 2.4849157339100014, 3.9999297540518076};
    float[] a = x.clone();
    Activations.gelu().forward(a, 0, 2, 4);
    float[] b = x.clone();
    Activations.gelu(true).forward(b, 0, 4, 2);
    for (int i = 0; i < x.length; i++) {
      assertEquals(exact[i], a[i], 3e-7 * Math.abs(exact[i]), "gelu(" + x[i] + ")");
      // the tanh form loses relative accuracy to cancellation in 1 + tanh(u) far left, as TensorFlow's does
      assertEquals(tanh[i], b[i], 3e-7 * Math.abs(tanh[i]) + 1e-15, "gelu_tanh(" + x[i] + ")");
    }
  }

  @Test
  void softmaxForwardMatchesDoubleFormulaPerRow() {
    SplittableRandom r = new SplittableRandom(2);
    int rows = 9;
    int width = 7;
    int off = 5;
    float[] z = new float[off + rows * width + 3];
    for (int i = 0; i < z.length; i++) z[i] = (float) (r.nextGaussian() * 3);
    z[off] = 100f;
    z[off + 1] = -100f;
    z[off + width] = 100f;
    z[off + width + 1] = 100f;
    float[] before = z.clone();
    Activations.softmax().forward(z, off, rows, width);
    double[] zr = new double[width];
    double[] yr = new double[width];
    for (int row = 0; row < rows; row++) {
      double sum = 0;
      for (int j = 0; j < width; j++) zr[j] = before[off + row * width + j];
      Reference.softmax(zr, yr);
      for (int j = 0; j < width; j++) {
        float got = z[off + row * width + j];
        assertTrue(Float.isFinite(got));
        assertEquals(yr[j], got, 2e-7 * yr[j] + 1e-38, "row " + row + " col " + j);
        sum += got;
      }
      assertEquals(1.0, sum, 1e-6);
    }
    assertEquals(0.5f, z[off + width], 1e-7f, "two equal maxima of 100 share the mass");
    assertUntouchedOutside(before, z, off, rows * width);
  }

  @ParameterizedTest
  @MethodSource("elementwise")
  void backwardMatchesCentralDifferencesWithOffsets(String spec) {
    Activation act = Activations.parse(spec);
    DoubleUnaryOperator f = Reference.ELEMENTWISE.get(spec);
    double[] kinks = Reference.KINKS.get(spec);
    SplittableRandom r = new SplittableRandom(spec.hashCode());
    int rows = 13;
    int width = 11;
    int zOff = 3;
    int gOff = 7;
    float[] z = new float[zOff + rows * width + 2];
    float[] g = new float[gOff + rows * width + 4];
    for (int i = 0; i < z.length; i++) z[i] = (float) (r.nextGaussian() * 3);
    for (int i = 0; i < g.length; i++) g[i] = (float) r.nextGaussian();
    float[] z0 = z.clone();
    float[] g0 = g.clone();
    act.backward(z, zOff, g, gOff, rows, width);
    assertUntouchedOutside(g0, g, gOff, rows * width);
    assertEquals(List.of(toList(z0)), List.of(toList(z)), "backward must not modify z");
    int checked = 0;
    for (int i = 0; i < rows * width; i++) {
      double x = z[zOff + i];
      double h = 1e-5 * Math.max(1, Math.abs(x));
      if (nearKink(x, kinks, 2 * h)) continue;
      double d = (f.applyAsDouble(x + h) - f.applyAsDouble(x - h)) / (2 * h);
      double expected = g0[gOff + i] * d;
      assertEquals(expected, g[gOff + i], 1e-5 * Math.abs(expected) + 1e-7, spec + "'(" + x + ")");
      checked++;
    }
    assertTrue(checked > rows * width - 5, "too many points skipped: " + checked);
  }

  @Test
  void softmaxBackwardIsTheJacobianVectorProduct() {
    SplittableRandom r = new SplittableRandom(3);
    int rows = 6;
    int width = 8;
    int zOff = 2;
    int gOff = 9;
    float[] z = new float[zOff + rows * width];
    float[] g = new float[gOff + rows * width + 1];
    for (int i = 0; i < z.length; i++) z[i] = (float) (r.nextGaussian() * 2);
    for (int i = 0; i < g.length; i++) g[i] = (float) r.nextGaussian();
    float[] g0 = g.clone();
    Activations.softmax().backward(z, zOff, g, gOff, rows, width);
    assertUntouchedOutside(g0, g, gOff, rows * width);
    double h = 1e-6;
    double[] zr = new double[width];
    double[] yp = new double[width];
    double[] ym = new double[width];
    for (int row = 0; row < rows; row++) {
      for (int j = 0; j < width; j++) {
        for (int k = 0; k < width; k++) zr[k] = z[zOff + row * width + k];
        zr[j] += h;
        Reference.softmax(zr, yp);
        zr[j] -= 2 * h;
        Reference.softmax(zr, ym);
        double expected = 0;
        for (int i = 0; i < width; i++) expected += g0[gOff + row * width + i] * (yp[i] - ym[i]) / (2 * h);
        assertEquals(expected, g[gOff + row * width + j], 1e-5 * Math.abs(expected) + 1e-6, "row " + row + " j " + j);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("all")
  void nanPropagatesAndExtremesStayNumbers(String spec) {
    Activation act = Activations.parse(spec);
    float[] z = {Float.NaN, 1f, -100f, 100f, 0f};
    act.forward(z, 0, 1, 1);
    assertTrue(Float.isNaN(z[0]), spec + "(NaN)");
    float[] big = {-100f, 100f, 0.5f, 100f, -100f, 3f};
    act.forward(big, 0, 2, 3);
    for (float v : big) assertFalse(Float.isNaN(v), spec + " at +-100");
    if (spec.equals("softplus") || spec.equals("sigmoid") || spec.equals("softmax")) {
      for (float v : big) assertTrue(Float.isFinite(v), spec + " at +-100");
    }
    float[] row = {1f, Float.NaN, 2f};
    Activations.softmax().forward(row, 0, 1, 3);
    for (float v : row) assertTrue(Float.isNaN(v), "a NaN poisons its softmax row, as in TF");
  }

  @ParameterizedTest
  @MethodSource("all")
  void forwardAndBackwardDoNotAllocate(String spec) {
    Activation act = Activations.parse(spec);
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    float[] z = new float[4096];
    float[] g = new float[4096];
    for (int i = 0; i < z.length; i++) z[i] = (i % 17) - 8;
    for (int i = 0; i < 200; i++) {
      act.forward(z, 0, 64, 64);
      act.backward(z, 0, g, 0, 64, 64);
    }
    long tid = Thread.currentThread().getId();
    long before = mx.getThreadAllocatedBytes(tid);
    for (int i = 0; i < 200; i++) {
      act.forward(z, 0, 64, 64);
      act.backward(z, 0, g, 0, 64, 64);
    }
    long allocated = mx.getThreadAllocatedBytes(tid) - before;
    assertTrue(allocated < 4096, spec + " allocated " + allocated + " bytes in 400 calls");
  }

  @ParameterizedTest
  @CsvSource({
      "relu, relu", "' relu ( ) ', relu", "gelu(approximate=False), gelu", "gelu(True), gelu(approximate=True)",
      "leaky_relu(0.2), leaky_relu", "leaky_relu(alpha=0.1), leaky_relu(negative_slope=0.1)",
      "'leaky_relu(negative_slope=1e-2)', leaky_relu(negative_slope=0.01)", "elu(alpha=1), elu",
      "elu(0.50), elu(alpha=0.5)", "silu, swish", "swish(), swish", "softmax, softmax",
      "hard_sigmoid, hard_sigmoid", "selu, selu", "exponential, exponential"})
  void parsesToCanonicalSpec(String spec, String canonical) {
    Activation a = Activations.parse(spec);
    assertEquals(canonical, a.spec());
    assertEquals(a, Activations.parse(a.spec()));
    assertEquals(a.hashCode(), Activations.parse(a.spec()).hashCode());
    assertEquals(a.spec(), Activations.parse(a.spec()).spec());
  }

  @Test
  void everyNameRoundTripsAndIsDistinct() {
    List<Activation> seen = new ArrayList<>();
    for (String name : Activations.names()) {
      Activation a = Activations.parse(name);
      assertEquals(a, Activations.parse(a.spec()), name);
      if (!name.equals("silu")) {
        for (Activation b : seen) assertNotEquals(a, b, name);
        seen.add(a);
      }
    }
    assertEquals(16, Activations.names().size());
    assertNotEquals(Activations.elu(), Activations.elu(0.5));
    assertNotEquals(Activations.gelu(), Activations.gelu(true));
    assertEquals(Activations.leakyRelu(0.1), Activations.parse("leaky_relu(negative_slope=0.1)"));
  }

  @Test
  void noneMeansLinear() {
    for (String s : new String[] {null, "", "  ", "None", " None ", "linear", "linear()"}) {
      Activation a = Activations.parse(s);
      assertSame(Activations.linear(), a, String.valueOf(s));
      assertTrue(a.isLinear());
      assertEquals("linear", a.spec());
    }
    assertFalse(Activations.relu().isLinear());
    float[] z = {1f, -2f};
    Activations.linear().forward(z, 0, 1, 2);
    assertEquals(-2f, z[1]);
  }

  @Test
  void unknownNameNamesArgumentValueAndValidNames() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Activations.parse("rellu"));
    String m = e.getMessage();
    assertTrue(m.startsWith("invalid argument 'activation' = 'rellu': unknown activation 'rellu'; valid forms: "), m);
    for (String name : Activations.names()) assertTrue(m.contains(name), name + " missing from " + m);
    e = assertThrows(IllegalArgumentException.class, () -> Activations.parse("conv_activation", "Relu"));
    assertTrue(e.getMessage().startsWith("invalid argument 'conv_activation' = 'Relu': unknown activation 'Relu'"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "relu(1)                        | relu takes no positional arguments (1 given)",
      "softmax(axis=-1)               | softmax got an unexpected keyword argument 'axis' (it takes no arguments)",
      "gelu(approximate=1)            | argument 'approximate' of gelu must be True or False, got int 1",
      "gelu(approximate='tanh')       | argument 'approximate' of gelu must be True or False, got str 'tanh'",
      "leaky_relu(negative_slope=2)   | argument 'negative_slope' of leaky_relu = 2.0 must be in [0, 1]",
      "leaky_relu(-0.1)               | argument 'negative_slope' of leaky_relu = -0.1 must be in [0, 1]",
      "leaky_relu(0.1, alpha=0.3)     | leaky_relu got multiple values for argument 'negative_slope' (given as its alias 'alpha')",
      "elu(alpha=1, beta=2)           | elu got an unexpected keyword argument 'beta' (parameters: alpha)",
      "elu(1, 2)                      | elu takes at most 1 positional argument (2 given)",
      "relu(                          | missing ')' at the end",
  })
  void badParametersFailWithContext(String spec, String problem) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Activations.parse(spec));
    String expected = "invalid argument 'activation' = '" + spec + "': " + problem + "; valid forms: ";
    assertTrue(e.getMessage().startsWith(expected), e.getMessage());
  }

  @Test
  void factoriesValidate() {
    assertThrows(IllegalArgumentException.class, () -> Activations.leakyRelu(1.5));
    assertThrows(IllegalArgumentException.class, () -> Activations.leakyRelu(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> Activations.elu(Double.POSITIVE_INFINITY));
  }

  @Test
  void tileBoundsAreChecked() {
    float[] z = new float[10];
    assertThrows(IndexOutOfBoundsException.class, () -> Activations.relu().forward(z, 2, 3, 3));
    assertThrows(IndexOutOfBoundsException.class, () -> Activations.softmax().backward(z, 0, z, 1, 2, 5));
    assertThrows(IndexOutOfBoundsException.class, () -> Activations.tanh().forward(z, 0, -1, 3));
    Activations.relu().forward(z, 1, 3, 3);
  }

  private static boolean nearKink(double x, double[] kinks, double eps) {
    for (double k : kinks) if (Math.abs(x - k) <= eps) return true;
    return false;
  }

  private static List<Float> toList(float[] a) {
    List<Float> l = new ArrayList<>();
    for (float v : a) l.add(v);
    return l;
  }

  private static void assertUntouchedOutside(float[] before, float[] after, int off, int n) {
    for (int i = 0; i < before.length; i++) {
      if (i < off || i >= off + n) assertEquals(before[i], after[i], 0f, "index " + i + " outside the tile changed");
    }
  }
}
