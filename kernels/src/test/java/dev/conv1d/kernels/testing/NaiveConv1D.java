package dev.conv1d.kernels.testing;

import dev.conv1d.kernels.activation.Activation;
import dev.conv1d.kernels.spec.Conv1DSpec;
import dev.conv1d.kernels.tensor.SequenceBatch;

/**
 * The oracle: conv1d straight from its definition, one output element at a time, in double. Deliberately
 * shares no code with the engines or the driver (no tiling, no packing, no gathered windows).
 */
public final class NaiveConv1D {
  private NaiveConv1D() {}

  private static double in(SequenceBatch x, int i, int q, int c) {
    return q < 0 || q >= x.length(i) ? 0.0 : x.get(i, q, c);
  }

  private static double w(Conv1DSpec s, float[] kernel, int k, int c, int f) {
    return kernel[(k * s.groupInChannels() + c) * s.filters() + f];
  }

  /** Pre-activation z = conv(x) + b, in the spec's layout. */
  public static SequenceBatch preActivation(Conv1DSpec s, float[] kernel, float[] bias, SequenceBatch x) {
    int[] offs = s.outputOffsets(x.offsets());
    SequenceBatch y = SequenceBatch.allocate(offs, s.filters(), s.dataFormat());
    int cg = s.groupInChannels(), fg = s.groupFilters();
    for (int i = 0; i < x.count(); i++) {
      int len = x.length(i), pad = s.padLeft(len);
      for (int t = 0; t < y.length(i); t++) {
        for (int f = 0; f < s.filters(); f++) {
          int g = f / fg;
          double acc = bias == null ? 0.0 : bias[f];
          for (int k = 0; k < s.kernelSize(); k++) {
            int q = t * s.strides() + k * s.dilationRate() - pad;
            for (int c = 0; c < cg; c++) acc += in(x, i, q, g * cg + c) * w(s, kernel, k, c, f);
          }
          y.set(i, t, f, (float) acc);
        }
      }
    }
    return y;
  }

  /** y = act(conv(x) + b); the activation is applied step by step over the filters. */
  public static SequenceBatch forward(Conv1DSpec s, float[] kernel, float[] bias, Activation act, SequenceBatch x) {
    SequenceBatch y = preActivation(s, kernel, bias, x);
    float[] row = new float[s.filters()];
    for (int i = 0; i < y.count(); i++) {
      for (int t = 0; t < y.length(i); t++) {
        for (int f = 0; f < row.length; f++) row[f] = y.get(i, t, f);
        act.forward(row, 0, 1, row.length);
        for (int f = 0; f < row.length; f++) y.set(i, t, f, row[f]);
      }
    }
    return y;
  }

  /** dL/dx for dz = dL/dz; {@code like} gives the input offsets and layout. */
  public static SequenceBatch inputGradient(Conv1DSpec s, float[] kernel, SequenceBatch dz, SequenceBatch like) {
    SequenceBatch dx = SequenceBatch.allocate(like.offsets().clone(), s.inChannels(), s.dataFormat());
    int cg = s.groupInChannels(), fg = s.groupFilters(), ch = s.inChannels();
    for (int i = 0; i < dx.count(); i++) {
      int len = dx.length(i), pad = s.padLeft(len);
      double[] acc = new double[len * ch];
      for (int t = 0; t < dz.length(i); t++) {
        for (int k = 0; k < s.kernelSize(); k++) {
          int q = t * s.strides() + k * s.dilationRate() - pad;
          if (q < 0 || q >= len) continue;
          for (int f = 0; f < s.filters(); f++) {
            int g = f / fg;
            double d = dz.get(i, t, f);
            for (int c = 0; c < cg; c++) acc[q * ch + g * cg + c] += d * w(s, kernel, k, c, f);
          }
        }
      }
      for (int q = 0; q < len; q++) for (int c = 0; c < ch; c++) dx.set(i, q, c, (float) acc[q * ch + c]);
    }
    return dx;
  }

  /** dL/dkernel (flat Keras layout) for dz = dL/dz. */
  public static double[] kernelGradient(Conv1DSpec s, SequenceBatch x, SequenceBatch dz) {
    double[] dk = new double[s.kernelLength()];
    int cg = s.groupInChannels(), fg = s.groupFilters();
    for (int i = 0; i < x.count(); i++) {
      int pad = s.padLeft(x.length(i));
      for (int t = 0; t < dz.length(i); t++) {
        for (int k = 0; k < s.kernelSize(); k++) {
          int q = t * s.strides() + k * s.dilationRate() - pad;
          for (int f = 0; f < s.filters(); f++) {
            int g = f / fg;
            double d = dz.get(i, t, f);
            for (int c = 0; c < cg; c++) dk[(k * cg + c) * s.filters() + f] += in(x, i, q, g * cg + c) * d;
          }
        }
      }
    }
    return dk;
  }

  public static double[] biasGradient(Conv1DSpec s, SequenceBatch dz) {
    double[] db = new double[s.filters()];
    for (int i = 0; i < dz.count(); i++)
      for (int t = 0; t < dz.length(i); t++)
        for (int f = 0; f < s.filters(); f++) db[f] += dz.get(i, t, f);
    return db;
  }
}
