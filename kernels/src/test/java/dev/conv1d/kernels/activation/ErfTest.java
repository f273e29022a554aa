package dev.conv1d.kernels.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Reference values computed with mpmath at 30 digits. */
class ErfTest {
  @ParameterizedTest
  @CsvSource({
      "1e-8, 1.1283791670955125e-8", "0.01, 0.011283415555849617", "0.1, 0.11246291601828489",
      "-0.3, -0.32862675945912743", "0.4999, 0.52041199516138658", "0.5, 0.5204998778130465",
      "1, 0.8427007929497149", "-1.5, -0.96610514647531073", "2, 0.9953222650189527", "3, 0.99997790950300141",
      "4.5, 0.99999999980338396", "0, 0"})
  void erfMatchesTablesToFloatPrecisionRelative(double x, double expected) {
    double got = Erf.erf(x);
    assertEquals(expected, got, 1.2e-7 * Math.abs(expected), "erf(" + x + ")");
  }

  @ParameterizedTest
  @CsvSource({
      "0.2, 0.77729741078952155", "1, 0.15729920705028513", "-1, 1.8427007929497149", "3, 2.2090496998585441e-5",
      "5, 1.5374597944280349e-12", "8, 1.1224297172982927e-29", "-2.5, 1.999593047982555"})
  void erfcIsRelativelyAccurateFarIntoTheTail(double x, double expected) {
    assertEquals(expected, Erf.erfc(x), 1.2e-7 * expected, "erfc(" + x + ")");
  }

  @Test
  void symmetriesAndLimits() {
    for (double x = -6; x <= 6; x += 0.0137) {
      assertEquals(-Erf.erf(x), Erf.erf(-x), 0.0);
      assertEquals(2 - Erf.erfc(x), Erf.erfc(-x), 1e-15);
      assertEquals(1 - Erf.erf(x), Erf.erfc(x), 2e-7);
    }
    assertEquals(1.0, Erf.erf(30), 0.0);
    assertEquals(0.0, Erf.erfc(30), 0.0);
    assertTrue(Double.isNaN(Erf.erf(Double.NaN)));
    assertTrue(Double.isNaN(Erf.erfc(Double.NaN)));
  }
}
