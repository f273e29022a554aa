package dev.conv1d.spark.train;

import java.io.Serializable;

/**
 * Training rows stacked once into flat arrays, like MLlib's {@code InstanceBlock}: sequences back to back in the
 * data format's layout with step offsets, the output step offsets they produce, labels back to back with float
 * offsets (shaped and laid out like the output, one class per step, or one value per filter or one class when
 * pooled), and the weights. {@code firstRow} numbers the block's rows (partition in the high bits) for sampling.
 */
public final class TrainBlock implements Serializable {
  private static final long serialVersionUID = 1L;

  public final int count;
  public final float[] x;
  public final int[] xOffsets;
  public final int[] zOffsets;
  public final float[] labels;
  public final int[] labelOffsets;
  public final float[] weights;
  public final long firstRow;
  public final boolean validation;

  public TrainBlock(int count, float[] x, int[] xOffsets, int[] zOffsets, float[] labels, int[] labelOffsets,
      float[] weights, long firstRow, boolean validation) {
    this.count = count;
    this.x = x;
    this.xOffsets = xOffsets;
    this.zOffsets = zOffsets;
    this.labels = labels;
    this.labelOffsets = labelOffsets;
    this.weights = weights;
    this.firstRow = firstRow;
    this.validation = validation;
  }

  /** The rows selected by {@code keep}, as a new block (a mini-batch). */
  public TrainBlock select(boolean[] keep, int c, int f) {
    int n = 0, xs = 0, zs = 0, ls = 0;
    for (int i = 0; i < count; i++) {
      if (!keep[i]) continue;
      n++;
      xs += xOffsets[i + 1] - xOffsets[i];
      zs += zOffsets[i + 1] - zOffsets[i];
      ls += labelOffsets[i + 1] - labelOffsets[i];
    }
    float[] nx = new float[xs * c], nl = new float[ls], nw = new float[n];
    int[] nxo = new int[n + 1], nzo = new int[n + 1], nlo = new int[n + 1];
    int k = 0;
    for (int i = 0; i < count; i++) {
      if (!keep[i]) continue;
      int xl = xOffsets[i + 1] - xOffsets[i], zl = zOffsets[i + 1] - zOffsets[i];
      int ll = labelOffsets[i + 1] - labelOffsets[i];
      System.arraycopy(x, xOffsets[i] * c, nx, nxo[k] * c, xl * c);
      System.arraycopy(labels, labelOffsets[i], nl, nlo[k], ll);
      nw[k] = weights[i];
      nxo[k + 1] = nxo[k] + xl;
      nzo[k + 1] = nzo[k] + zl;
      nlo[k + 1] = nlo[k] + ll;
      k++;
    }
    return new TrainBlock(n, nx, nxo, nzo, nl, nlo, nw, firstRow, validation);
  }
}
