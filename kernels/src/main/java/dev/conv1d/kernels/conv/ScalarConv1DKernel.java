package dev.conv1d.kernels.conv;

/**
 * Plain-Java engine, always available (no jdk.incubator.vector). Every inner loop is a single axpy over output
 * columns, the one shape C2's auto-vectorizer reliably turns into SIMD, so the fallback is not scalar in speed.
 */
final class ScalarConv1DKernel implements Conv1DKernel {
  static final ScalarConv1DKernel INSTANCE = new ScalarConv1DKernel();

  private ScalarConv1DKernel() {}

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public float[] pack(float[] w, int colOff, int ldw, int depth, int cout) {
    float[] p = new float[depth * cout];
    for (int r = 0; r < depth; r++) System.arraycopy(w, r * ldw + colOff, p, r * cout, cout);
    return p;
  }

  @Override
  public void convTile(float[] win, int winOff, int rowStride, int[] offsets, int depth, float[] p,
      float[] out, int outOff, int outRowStride, int rows, int cout) {
    for (int t = 0; t < rows; t++) {
      int o = outOff + t * outRowStride;
      java.util.Arrays.fill(out, o, o + cout, 0f);
      int a0 = winOff + t * rowStride;
      for (int r = 0; r < depth; r++) {
        axpy(win[a0 + offsets[r]], p, r * cout, out, o, cout);
      }
    }
  }

  /** y[yo..yo+n) += a * x[xo..xo+n): one statement over one index, the form C2's SuperWord vectorizes. */
  private static void axpy(float a, float[] x, int xo, float[] y, int yo, int n) {
    for (int f = 0; f < n; f++) y[yo + f] += a * x[xo + f];
  }

  @Override
  public void kernelGradTile(float[] win, int winOff, int rowStride, int[] offsets, int depth, float[] dz,
      int dzOff, int dzRowStride, int rows, int cout, float[] acc, int accOff, int accRowStride) {
    for (int r = 0; r < depth; r++) {
      int o = accOff + r * accRowStride;
      int a = winOff + offsets[r];
      for (int t = 0; t < rows; t++) {
        axpy(win[a + t * rowStride], dz, dzOff + t * dzRowStride, acc, o, cout);
      }
    }
  }

  @Override
  public void addRowVector(float[] out, int off, int stride, int rows, float[] b, int cols) {
    for (int t = 0; t < rows; t++) {
      int o = off + t * stride;
      for (int j = 0; j < cols; j++) out[o + j] += b[j];
    }
  }

  @Override
  public void addColumnSums(float[] in, int off, int stride, int rows, float[] sums, int cols) {
    for (int t = 0; t < rows; t++) {
      int o = off + t * stride;
      for (int j = 0; j < cols; j++) sums[j] += in[o + j];
    }
  }

  @Override
  public double squaredError(float[] y, int off, float[] label, int lOff, int n, float gScale, float[] g) {
    return squaredErrorLoop(y, off, label, lOff, n, gScale, g);
  }

  /** The plain loop, also the vector engine's tail. */
  static double squaredErrorLoop(float[] y, int off, float[] label, int lOff, int n, float gScale, float[] g) {
    double sum = 0;
    for (int j = 0; j < n; j++) {
      float e = y[off + j] - label[lOff + j];
      g[off + j] = e * gScale;
      sum += (double) e * e;
    }
    return sum;
  }

  @Override
  public double absoluteError(float[] y, int off, float[] label, int lOff, int n, float gScale, float[] g) {
    return absoluteErrorLoop(y, off, label, lOff, n, gScale, g);
  }

  /** The plain loop, also the vector engine's tail. */
  static double absoluteErrorLoop(float[] y, int off, float[] label, int lOff, int n, float gScale, float[] g) {
    double sum = 0;
    for (int j = 0; j < n; j++) {
      float e = y[off + j] - label[lOff + j];
      // signum(e) * gScale without a branch on the sign (random signs mispredict); +-0 and NaN give e * gScale
      g[off + j] = e != 0 && e == e ? Math.copySign(1f, e) * gScale : e * gScale;
      sum += Math.abs(e);
    }
    return sum;
  }
}
