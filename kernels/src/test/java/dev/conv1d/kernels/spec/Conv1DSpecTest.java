package dev.conv1d.kernels.spec;

import static dev.conv1d.kernels.testing.Invalid.assertInvalid;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Output lengths and left padding against values worked out by hand from TensorFlow's rules, and every
 * validation rule with the message it must give.
 *
 * <p>TensorFlow (core/framework/kernel_shape_util.cc, GetWindowedOutputSizeVerboseV2), with rf = (K-1)*d + 1:
 * VALID out = (L - rf + s) / s (C++ division; a negative result is an error), no padding; SAME out = ceil(L / s),
 * total pad = max(0, (out-1)*s + rf - L), left = total / 2, the odd one goes right. Keras' causal pads rf - 1
 * zeros on the left and runs VALID.
 */
class Conv1DSpecTest {

  private static Conv1DSpec spec(String padding, int k, int s, int d) {
    return Conv1DSpec.builder().inChannels(2).filters(3).kernelSize(k).strides(s).dilationRate(d).padding(padding)
        .build();
  }

  @ParameterizedTest(name = "{0} K={1} s={2} d={3} L={4}: out {5}, left pad {6}")
  @CsvSource({
      // padding, K, s, d, L, out, left pad
      "valid,  3, 1, 1, 10,  8, 0",
      "valid,  3, 2, 1, 10,  4, 0", // (10-3+2)/2 = 4
      "valid,  3, 3, 1, 10,  3, 0", // (10-3+3)/3 = 3
      "valid,  4, 3, 1, 10,  3, 0", // (10-4+3)/3 = 3
      "valid,  3, 1, 2, 10,  6, 0", // rf 5
      "valid,  3, 1, 4,  9,  1, 0", // rf 9 = L: one window
      "valid,  3, 1, 4,  8,  0, 0", // rf 9 > L: empty
      "valid,  5, 1, 1,  4,  0, 0", // kernel longer than the sequence
      "valid,  1, 1, 1,  1,  1, 0",
      "valid,  2, 3, 1,  1,  0, 0", // strides > length and kernel > length: TF gives (1-2+3)/3 = 0
      "valid,  1, 5, 1,  3,  1, 0", // strides > length: one window
      "valid,  3, 1, 1,  0,  0, 0", // length 0
      "same,   3, 1, 1, 10, 10, 1", // total 2
      "same,   4, 1, 1, 10, 10, 1", // total 3, odd: 1 left, 2 right
      "same,   2, 1, 1, 10, 10, 0", // total 1, odd: 0 left, 1 right
      "same,   3, 2, 1, 10,  5, 0", // total 4*2+3-10 = 1, odd: the pad goes right
      "same,   3, 2, 1,  9,  5, 1", // total 8+3-9 = 2
      "same,   4, 2, 1,  9,  5, 1", // total 8+4-9 = 3: 1 left, 2 right
      "same,   5, 3, 1, 10,  4, 2", // total 9+5-10 = 4
      "same,   1, 3, 1, 10,  4, 0", // total max(0, 9+1-10) = 0
      "same,   3, 1, 2,  7,  7, 2", // rf 5, total 4
      "same,   2, 1, 3,  7,  7, 1", // rf 4, total 3: 1 left, 2 right
      "same,   3, 5, 1,  2,  1, 0", // strides > length: total 3-2 = 1 goes right
      "same,   5, 7, 1,  3,  1, 1", // strides > length: total 5-3 = 2
      "same,   3, 1, 1,  1,  1, 1", // length 1: total 2
      "same,   6, 1, 1,  1,  1, 2", // kernel longer than the sequence: total 5, 2 left 3 right
      "same,   3, 1, 1,  0,  0, 1", // length 0: no output; TF's pad_before = max(0, -1+3)/2 = 1
      "same,   3, 2, 1,  0,  0, 0", // length 0: max(0, -2+3)/2 = 0
      "causal, 3, 1, 1, 10, 10, 2",
      "causal, 3, 1, 2, 10, 10, 4",
      "causal, 4, 1, 3,  5,  5, 9", // rf 10 > L, still L outputs
      "causal, 3, 2, 1,  5,  3, 2", // padded 7: (7-3+2)/2 = 3
      "causal, 3, 3, 1, 10,  4, 2", // padded 12: (12-3+3)/3 = 4
      "causal, 2, 5, 1,  3,  1, 1", // strides > length: padded 4: (4-2+5)/5 = 1
      "causal, 3, 1, 1,  1,  1, 2",
      "causal, 3, 1, 1,  0,  0, 2", // length 0: padded 2 < rf 3, empty
  })
  void outputLengthAndLeftPadAreTensorFlows(String padding, int k, int s, int d, int length, int out, int left) {
    Conv1DSpec spec = spec(padding, k, s, d);
    assertEquals(out, spec.outputLength(length), "output length");
    assertEquals(left, spec.padLeft(length), "left padding");
  }

  /** TensorFlow's C++ formula, transcribed: output size, or -1 for TensorFlow's "would be negative" error. */
  private static long tfOutputSize(String padding, long length, int k, int s, int d) {
    long rf = (long) (k - 1) * d + 1;
    long out;
    switch (padding) {
      case "valid": out = (length - rf + s) / s; break; // Java's long division truncates like C++'s
      case "same": out = (length + s - 1) / s; break;
      case "causal": out = (length + rf - 1 - rf + s) / s; break;
      default: throw new AssertionError(padding);
    }
    return out < 0 ? -1 : out;
  }

  private static long tfPadBefore(String padding, long length, int k, int s, int d) {
    long rf = (long) (k - 1) * d + 1;
    switch (padding) {
      case "valid": return 0;
      case "causal": return rf - 1;
      default: {
        long out = (length + s - 1) / s;
        return Math.max(0, (out - 1) * s + rf - length) / 2;
      }
    }
  }

  @Test
  void sweepMatchesTensorFlowsFormula() {
    int checked = 0;
    for (String p : new String[] {"valid", "same", "causal"}) {
      for (int k = 1; k <= 7; k++) {
        for (int s = 1; s <= 5; s++) {
          for (int d = 1; d <= (s == 1 ? 5 : 1); d++) {
            Conv1DSpec spec = spec(p, k, s, d);
            for (int len = 0; len <= 40; len++) {
              long tf = tfOutputSize(p, len, k, s, d);
              String at = p + " K=" + k + " s=" + s + " d=" + d + " L=" + len;
              // Where TensorFlow reports a negative size (an error), the layer's output is empty.
              assertEquals(Math.max(0, tf), spec.outputLength(len), at);
              assertEquals(tfPadBefore(p, len, k, s, d), spec.padLeft(len), at);
              checked++;
            }
          }
        }
      }
    }
    assertEquals(3 * 7 * (5 + 4) * 41, checked);
  }

  @Test
  void outputOffsetsAccumulateOutputLengths() {
    Conv1DSpec s = spec("valid", 3, 2, 1);
    // lengths 10, 0, 2, 5 -> outputs 4, 0, 0, 2
    assertArrayEquals(new int[] {0, 4, 4, 4, 6}, s.outputOffsets(new int[] {0, 10, 10, 12, 17}));
    assertArrayEquals(new int[] {0}, s.outputOffsets(new int[] {0}));
  }

  @Test
  void shapeAccessors() {
    Conv1DSpec s = Conv1DSpec.builder().inChannels(6).filters(9).kernelSize(4).groups(3).dilationRate(2).build();
    assertEquals(2, s.groupInChannels());
    assertEquals(3, s.groupFilters());
    assertArrayEquals(new int[] {4, 2, 9}, s.kernelShape());
    assertEquals(4 * 2 * 9, s.kernelLength());
    assertEquals(7, s.receptiveField());
  }

  @Test
  void defaultsAreKeras() {
    Conv1DSpec s = Conv1DSpec.builder().inChannels(1).filters(1).kernelSize(1).build();
    assertEquals(1, s.strides());
    assertEquals(1, s.dilationRate());
    assertEquals(1, s.groups());
    assertEquals(Padding.VALID, s.padding());
    assertEquals(DataFormat.CHANNELS_LAST, s.dataFormat());
    assertTrue(s.useBias());
    assertEquals(s, s.toBuilder().build());
    assertEquals(s.hashCode(), s.toBuilder().build().hashCode());
  }

  // ---- validation ----

  private static Conv1DSpec.Builder valid() {
    return Conv1DSpec.builder().inChannels(4).filters(6).kernelSize(3);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
  void everySizeMustBePositive(int v) {
    String rule = "must be a positive integer (>= 1)";
    String value = Integer.toString(v);
    assertInvalid(() -> valid().inChannels(v).build(), "in_channels", value, rule);
    assertInvalid(() -> valid().filters(v).build(), "filters", value, rule);
    assertInvalid(() -> valid().kernelSize(v).build(), "kernel_size", value, rule);
    assertInvalid(() -> valid().strides(v).build(), "strides", value, rule);
    assertInvalid(() -> valid().dilationRate(v).build(), "dilation_rate", value, rule);
    assertInvalid(() -> valid().groups(v).build(), "groups", value, rule);
  }

  @Test
  void unsetSizesAreRejected() {
    assertInvalid(() -> Conv1DSpec.builder().build(), "in_channels", "0", "positive");
    assertInvalid(() -> Conv1DSpec.builder().inChannels(1).build(), "filters", "0", "positive");
    assertInvalid(() -> Conv1DSpec.builder().inChannels(1).filters(1).build(), "kernel_size", "0", "positive");
  }

  @Test
  void stridesAndDilationCannotBothExceedOne() {
    assertInvalid(() -> valid().strides(2).dilationRate(3).build(), "strides", "2",
        "strides > 1 is not compatible with dilation_rate > 1", "dilation_rate = 3");
    // Either alone is fine.
    assertEquals(2, valid().strides(2).build().strides());
    assertEquals(3, valid().dilationRate(3).build().dilationRate());
  }

  @Test
  void groupsMustDivideInChannelsAndFilters() {
    assertInvalid(() -> valid().inChannels(6).filters(4).groups(4).build(), "groups", "4",
        "in_channels (6) must be divisible by groups");
    assertInvalid(() -> valid().inChannels(4).filters(6).groups(4).build(), "groups", "4",
        "filters (6) must be divisible by groups");
    assertInvalid(() -> valid().inChannels(2).filters(4).groups(4).build(), "groups", "4",
        "in_channels (2) must be divisible by groups");
    Conv1DSpec depthwise = valid().inChannels(4).filters(8).groups(4).build();
    assertEquals(1, depthwise.groupInChannels());
  }

  @Test
  void paddingAndDataFormatMustBeKnown() {
    assertInvalid(() -> valid().padding((Padding) null).build(), "padding", "null", "must not be null");
    assertInvalid(() -> valid().dataFormat((DataFormat) null).build(), "data_format", "null", "must not be null");
    assertInvalid(() -> valid().padding("full"), "padding", "'full'", "must be one of 'valid', 'same', 'causal'");
    assertInvalid(() -> valid().padding((String) null), "padding", "null", "must be one of");
    assertInvalid(() -> valid().dataFormat("NCW"), "data_format", "'NCW'",
        "must be 'channels_last' or 'channels_first'");
    assertEquals(Padding.SAME, valid().padding(" SAME ").build().padding());
    assertEquals(DataFormat.CHANNELS_FIRST, valid().dataFormat("Channels_First").build().dataFormat());
  }

  @Test
  void tooManyWeightsAreRejected() {
    // 65536 * 65536 * 1 = 2^32 weights cannot live in one Java array.
    assertInvalid(() -> Conv1DSpec.builder().inChannels(65536).filters(65536).kernelSize(1).build(), "filters",
        "65536", "kernel_size*in_channels/groups*filters = 4294967296", "exceed the 2^31-1 limit");
    // Groups divide the kernel: in/groups counts, not in.
    assertInvalid(() -> Conv1DSpec.builder().inChannels(1 << 17).filters(1 << 16).groups(4).kernelSize(1).build(),
        "filters", "65536", "= 2147483648 weights");
    Conv1DSpec fits = Conv1DSpec.builder().inChannels(1 << 17).filters(1 << 14).groups(8).kernelSize(1).build();
    assertEquals(1 << 28, fits.kernelLength());
  }

  @Test
  void tooLargeReceptiveFieldIsRejected() {
    assertInvalid(() -> Conv1DSpec.builder().inChannels(1).filters(1).kernelSize(65536).dilationRate(65536).build(),
        "kernel_size", "65536", "receptive field (kernel_size-1)*dilation_rate+1 = 4294901761 exceeds 2^31-1");
  }

  @Test
  void negativeLengthsAreRejected() {
    for (String p : new String[] {"valid", "same", "causal"}) {
      Conv1DSpec s = spec(p, 3, 1, 1);
      assertInvalid(() -> s.outputLength(-1), "length", "-1", "must be >= 0");
      assertInvalid(() -> s.padLeft(-1), "length", "-1", "must be >= 0");
      assertInvalid(() -> s.outputOffsets(new int[] {0, 5, 3}), "length", "-2", "must be >= 0");
    }
  }

  @Test
  void outputBeyondOneJavaArrayIsRejected() {
    Conv1DSpec s = Conv1DSpec.builder().inChannels(1).filters(4).kernelSize(1).padding("same").build();
    assertInvalid(() -> s.outputOffsets(new int[] {0, 1 << 29, 1 << 30}), "batch",
        "output of 536870912 steps x 4 filters", "exceeds the 2^31-1 element limit");
  }
}
