package dev.conv1d.kernels.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KerasFormatTest {
  @ParameterizedTest
  @CsvSource({
      "0.01, 0.01", "2, 2.0", "-0.05, -0.05", "0.002, 0.002", "1e-7, 1e-07", "1.5e-7, 1.5e-07", "0.0001, 0.0001",
      "0.00001, 1e-05", "123456789, 123456789.0", "1e15, 1000000000000000.0", "1e16, 1e+16", "2.5e100, 2.5e+100",
      "0.87962566103423978, 0.8796256610342398", "-0.0, -0.0", "0, 0.0", "1e-300, 1e-300"})
  void printsFloatsAsPythonRepr(double v, String expected) {
    assertEquals(expected, KerasFormat.number(v));
  }

  @Test
  void floatStoredValuesWouldNotPrintAsWritten() {
    assertEquals("0.009999999776482582", KerasFormat.number((float) 0.01));
  }

  @Test
  void everyDoubleRoundTripsThroughPrintAndParse() {
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < 20000; i++) {
      double v = i % 2 == 0 ? Double.longBitsToDouble(r.nextLong())
          : (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(-12, 20));
      if (!Double.isFinite(v)) continue;
      String s = KerasFormat.number(v);
      assertEquals(v, Double.parseDouble(s), s);
      Object parsed = KerasCall.parse("x", "f(" + s + ")", "f(v)").positional().get(0);
      assertEquals(v, (Double) parsed, s);
    }
  }

  @Test
  void formatsCallsSkippingAbsentValues() {
    assertEquals("max_norm(max_value=2.0, axis=[0, 1])",
        KerasFormat.call("max_norm", "max_value", KerasFormat.number(2), "axis", KerasFormat.ints(new int[] {0, 1})));
    assertEquals("unit_norm", KerasFormat.call("unit_norm", "axis", null));
    assertEquals("f(mode='fan_in', b=False)",
        KerasFormat.call("f", "mode", KerasFormat.string("fan_in"), "b", KerasFormat.bool(false)));
  }
}
