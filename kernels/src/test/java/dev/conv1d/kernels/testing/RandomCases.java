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
