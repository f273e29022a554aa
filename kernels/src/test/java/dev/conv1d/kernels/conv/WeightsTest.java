package dev.conv1d.kernels.conv;

import static dev.conv1d.kernels.testing.Invalid.assertInvalid;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.conv1d.kernels.spec.Conv1DSpec;
import org.junit.jupiter.api.Test;

/** Weights argument errors and the Keras layout. */
class WeightsTest {

  @Test
  void flatKernelMustHaveKernelSizeTimesGroupInTimesFilters() {
    assertInvalid(() -> Weights.ofFlat(null, 1, 2, 3, null), "kernel", "null", "must not be null");
    assertInvalid(() -> Weights.ofFlat(new float[5], 1, 2, 3, null), "kernel", "length 5",
        "must have kernel_size*in_channels/groups*filters = 6 elements");
    assertInvalid(() -> Weights.wrap(new float[7], 1, 2, 3, null), "kernel", "length 7", "= 6 elements");
    assertInvalid(() -> Weights.ofFlat(new float[6], 0, 2, 3, null), "kernel_size", "0",
        "must be a positive integer (>= 1)");
    assertInvalid(() -> Weights.ofFlat(new float[6], 1, -2, 3, null), "in_channels/groups", "-2", "positive");
    assertInvalid(() -> Weights.ofFlat(new float[6], 1, 2, 0, null), "filters", "0", "positive");
  }

  @Test
  void biasMustHaveOneValuePerFilter() {
    assertInvalid(() -> Weights.ofFlat(new float[6], 1, 2, 3, new float[2]), "bias", "length 2",
        "must have filters = 3 elements");
  }

  @Test
  void nestedKernelMustBeRectangular() {
    assertInvalid(() -> Weights.of(null, null), "kernel", "null", "must not be null");
    assertInvalid(() -> Weights.of(new float[0][][], null), "kernel", "[]", "kernel_size must be >= 1");
    assertInvalid(() -> Weights.of(new float[][][] {null}, null), "kernel[0]", "null", "must not be null");
    assertInvalid(() -> Weights.of(new float[][][] {{}}, null), "kernel[0]", "[]", "in_channels/groups must be >= 1");
    assertInvalid(() -> Weights.of(new float[][][] {{null}}, null), "kernel[0][0]", "null", "must not be null");
    assertInvalid(() -> Weights.of(new float[][][] {{{1, 2}}, {{1, 2}, {3, 4}}}, null), "kernel[1]", "length 2",
        "every tap must have in_channels/groups = 1 rows");
    assertInvalid(() -> Weights.of(new float[][][] {{{1, 2}}, null}, null), "kernel[1]", "null", "every tap");
    assertInvalid(() -> Weights.of(new float[][][] {{{1, 2}, {3}}}, null), "kernel[0][1]", "length 1",
        "must have filters = 2 values");
    assertInvalid(() -> Weights.of(new float[][][] {{{1, 2}, null}}, null), "kernel[0][1]", "null", "filters = 2");
  }

  @Test
  void weightsMustFitTheSpec() {
    Conv1DSpec s = Conv1DSpec.builder().inChannels(4).filters(6).kernelSize(3).groups(2).build();
    assertInvalid(() -> Weights.ofFlat(new float[3 * 4 * 6], 3, 4, 6, new float[6]).checkFits(s), "kernel",
        "shape [3, 4, 6]", "must be [kernel_size, in_channels/groups, filters] = [3, 2, 6]");
    assertInvalid(() -> Weights.ofFlat(new float[36], 3, 2, 6, null).checkFits(s), "bias", "null",
        "use_bias=true needs a bias of 6 values");
    Conv1DSpec noBias = s.toBuilder().useBias(false).build();
    assertInvalid(() -> Weights.ofFlat(new float[36], 3, 2, 6, new float[6]).checkFits(noBias), "bias", "length 6",
        "use_bias=false takes no bias");
    Weights.ofFlat(new float[36], 3, 2, 6, new float[6]).checkFits(s);
  }

  @Test
  void nestedAndFlatAreTheSameKerasLayout() {
    float[][][] k = {{{1, 2, 3}, {4, 5, 6}}, {{7, 8, 9}, {10, 11, 12}}};
    Weights w = Weights.of(k, new float[] {1, 2, 3});
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, w.kernelView());
    assertEquals(2, w.kernelSize());
    assertEquals(2, w.groupInChannels());
    assertEquals(3, w.filters());
    assertArrayEquals(k[1][0], w.kernel3d()[1][0]);
    k[0][0][0] = 99; // copied, not shared
    assertEquals(1f, w.kernelView()[0]);
  }
}
