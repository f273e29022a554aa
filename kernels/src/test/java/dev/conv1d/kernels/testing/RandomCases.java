package dev.conv1d.kernels.testing;

import dev.conv1d.kernels.spec.Conv1DSpec;
import dev.conv1d.kernels.spec.DataFormat;
import dev.conv1d.kernels.spec.Padding;
import dev.conv1d.kernels.tensor.SequenceBatch;
import java.util.SplittableRandom;

/** Random conv1d configurations and data for property tests. */
public final class RandomCases {
  private RandomCases() {}

  /** A random valid spec; {@code big} allows wide layers that exercise vector tails and tiling. */
  public static Conv1DSpec spec(SplittableRandom r, boolean big) {
    int groups = r.nextInt(5) == 0 ? 1 + r.nextInt(3) : 1;
    int cg = big ? 1 + r.nextInt(40) : 1 + r.nextInt(6);
    int fg = big ? 1 + r.nextInt(40) : 1 + r.nextInt(10);
    int strides = 1, dilation = 1;
    switch (r.nextInt(3)) {
      case 1: strides = 2 + r.nextInt(3); break;
      case 2: dilation = 2 + r.nextInt(3); break;
      default: break;
    }
    return Conv1DSpec.builder().inChannels(cg * groups).filters(fg * groups).groups(groups)
        .kernelSize(1 + r.nextInt(big ? 9 : 6)).strides(strides).dilationRate(dilation)
        .padding(Padding.values()[r.nextInt(3)])
        .dataFormat(r.nextBoolean() ? DataFormat.CHANNELS_LAST : DataFormat.CHANNELS_FIRST)
        .useBias(r.nextInt(4) != 0).build();
  }

  /**
   * A random valid spec with explicit bounds: strides 1..maxStrides when undilated, dilation 1..maxDilation when
   * unstrided (Keras forbids both > 1), up to maxGroups groups of 1..maxGroupIn channels and 1..maxGroupFilters
   * filters each, kernel 1..maxKernel, any padding, layout and bias.
   */
  public static Conv1DSpec spec(SplittableRandom r, int maxGroupIn, int maxGroupFilters, int maxKernel,
      int maxStrides, int maxDilation, int maxGroups) {
    int groups = r.nextInt(3) == 0 ? 1 + r.nextInt(maxGroups) : 1;
    int strides = 1, dilation = 1;
    if (r.nextBoolean()) strides = 1 + r.nextInt(maxStrides);
    else dilation = 1 + r.nextInt(maxDilation);
    return Conv1DSpec.builder().inChannels((1 + r.nextInt(maxGroupIn)) * groups)
        .filters((1 + r.nextInt(maxGroupFilters)) * groups).groups(groups)
        .kernelSize(1 + r.nextInt(maxKernel)).strides(strides).dilationRate(dilation)
        .padding(Padding.values()[r.nextInt(3)])
        .dataFormat(r.nextBoolean() ? DataFormat.CHANNELS_LAST : DataFormat.CHANNELS_FIRST)
        .useBias(r.nextInt(4) != 0).build();
  }

  /** A batch with the given sequence lengths, random values. */
  public static SequenceBatch batch(SplittableRandom r, Conv1DSpec s, int... lengths) {
    int[] offs = new int[lengths.length + 1];
    for (int i = 0; i < lengths.length; i++) offs[i + 1] = offs[i] + lengths[i];
    SequenceBatch b = SequenceBatch.allocate(offs, s.inChannels(), s.dataFormat());
    fill(r, b.values());
    return b;
  }

  /** A ragged batch: lengths include 0, 1 and lengths shorter than the receptive field. */
  public static SequenceBatch batch(SplittableRandom r, Conv1DSpec s, int count, int maxLength) {
    int[] offs = new int[count + 1];
    for (int i = 0; i < count; i++) {
      int len;
      switch (r.nextInt(6)) {
        case 0: len = r.nextInt(2); break;
        case 1: len = 1 + r.nextInt(Math.max(1, s.receptiveField())); break;
        default: len = r.nextInt(maxLength + 1); break;
      }
      offs[i + 1] = offs[i] + len;
    }
    SequenceBatch b = SequenceBatch.allocate(offs, s.inChannels(), s.dataFormat());
    fill(r, b.values());
    return b;
  }

  public static void fill(SplittableRandom r, float[] v) {
    for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextDouble() * 2 - 1);
  }

  public static float[] floats(SplittableRandom r, int n) {
    float[] v = new float[n];
    fill(r, v);
    return v;
  }
}
