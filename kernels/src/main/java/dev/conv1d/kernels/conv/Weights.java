package dev.conv1d.kernels.conv;

import dev.conv1d.kernels.spec.Args;
import dev.conv1d.kernels.spec.Conv1DSpec;

/**
 * Layer weights in the Keras layout: kernel [kernel_size][in_channels/groups][filters] stored flat, bias [filters]
 * or none. Immutable: the constructors copy, so packed forms cached by an op can never go stale.
 */
public final class Weights {
  private final float[] kernel;
  private final float[] bias;
  private final int kernelSize;
  private final int groupInChannels;
  private final int filters;

  private Weights(float[] kernel, int kernelSize, int groupInChannels, int filters, float[] bias) {
    this.kernelSize = Args.positive("kernel_size", kernelSize);
    this.groupInChannels = Args.positive("in_channels/groups", groupInChannels);
    this.filters = Args.positive("filters", filters);
    long n = (long) kernelSize * groupInChannels * filters;
    if (kernel.length != n) {
      throw Args.invalid("kernel", "length " + kernel.length,
          "must have kernel_size*in_channels/groups*filters = " + n + " elements");
    }
    if (bias != null && bias.length != filters) {
      throw Args.invalid("bias", "length " + bias.length, "must have filters = " + filters + " elements");
    }
    this.kernel = kernel;
    this.bias = bias;
  }

  /** Copies a Keras-layout kernel {@code [kernel_size][in_channels/groups][filters]}; bias may be null. */
  public static Weights of(float[][][] kernel, float[] bias) {
    Args.notNull("kernel", kernel);
    int k = kernel.length;
    if (k == 0) throw Args.invalid("kernel", "[]", "kernel_size must be >= 1");
    int c = Args.notNull("kernel[0]", kernel[0]).length;
    if (c == 0) throw Args.invalid("kernel[0]", "[]", "in_channels/groups must be >= 1");
    int f = Args.notNull("kernel[0][0]", kernel[0][0]).length;
    float[] flat = new float[Math.multiplyExact(Math.multiplyExact(k, c), f)];
    for (int i = 0; i < k; i++) {
      if (kernel[i] == null || kernel[i].length != c) {
        throw Args.invalid("kernel[" + i + "]", kernel[i] == null ? "null" : "length " + kernel[i].length,
            "every tap must have in_channels/groups = " + c + " rows (Keras layout [kernel_size][in/groups][filters])");
      }
      for (int j = 0; j < c; j++) {
        if (kernel[i][j] == null || kernel[i][j].length != f) {
          throw Args.invalid("kernel[" + i + "][" + j + "]",
              kernel[i][j] == null ? "null" : "length " + kernel[i][j].length, "must have filters = " + f + " values");
        }
        System.arraycopy(kernel[i][j], 0, flat, (i * c + j) * f, f);
      }
    }
    return new Weights(flat, k, c, f, bias == null ? null : bias.clone());
  }

  /** Copies a flat Keras-layout kernel. */
  public static Weights ofFlat(float[] kernel, int kernelSize, int groupInChannels, int filters, float[] bias) {
    Args.notNull("kernel", kernel);
    return new Weights(kernel.clone(), kernelSize, groupInChannels, filters, bias == null ? null : bias.clone());
  }

  /** Takes ownership of the arrays without copying: the caller must not modify them afterwards. */
  public static Weights wrap(float[] kernel, int kernelSize, int groupInChannels, int filters, float[] bias) {
    Args.notNull("kernel", kernel);
    return new Weights(kernel, kernelSize, groupInChannels, filters, bias);
  }

  public int kernelSize() { return kernelSize; }
  public int groupInChannels() { return groupInChannels; }
  public int filters() { return filters; }
  public boolean hasBias() { return bias != null; }

  /** The flat kernel itself, for read-only use by kernels: do not modify. */
  public float[] kernelView() { return kernel; }

  /** The bias itself (or null), for read-only use: do not modify. */
  public float[] biasView() { return bias; }

  public float[] kernelCopy() { return kernel.clone(); }

  public float[] biasCopy() { return bias == null ? null : bias.clone(); }

  public float[][][] kernel3d() {
    float[][][] k = new float[kernelSize][groupInChannels][filters];
    for (int i = 0; i < kernelSize; i++)
      for (int j = 0; j < groupInChannels; j++)
        System.arraycopy(kernel, (i * groupInChannels + j) * filters, k[i][j], 0, filters);
    return k;
  }

  /** Fails unless these weights have the shape {@code spec} needs. */
  public void checkFits(Conv1DSpec spec) {
    if (kernelSize != spec.kernelSize() || groupInChannels != spec.groupInChannels() || filters != spec.filters()) {
      throw Args.invalid("kernel", "shape [" + kernelSize + ", " + groupInChannels + ", " + filters + "]",
          "must be [kernel_size, in_channels/groups, filters] = [" + spec.kernelSize() + ", "
              + spec.groupInChannels() + ", " + spec.filters() + "] for " + spec);
    }
    if (spec.useBias() && bias == null) {
      throw Args.invalid("bias", "null", "use_bias=true needs a bias of " + spec.filters() + " values");
    }
    if (!spec.useBias() && bias != null) {
      throw Args.invalid("bias", "length " + bias.length, "use_bias=false takes no bias");
    }
  }
}
