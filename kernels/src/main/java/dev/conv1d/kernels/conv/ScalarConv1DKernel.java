package dev.conv1d.kernels.conv;

/**
 * Plain-Java engine, always available. Loops are shaped so C2 auto-vectorizes the innermost axpy over output
 * columns, and four output rows share each weight row load.
 */
final class ScalarConv1DKernel implements Conv1DKernel {
  static final ScalarConv1DKernel INSTANCE = new ScalarConv1DKernel();

  private ScalarConv1DKernel() {}

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public float[] pack(float[] w, int colOff, int ldw, int taps, int cin, int cout) {
    float[] p = new float[taps * cin * cout];
    for (int r = 0; r < taps * cin; r++) System.arraycopy(w, r * ldw + colOff, p, r * cout, cout);
    return p;
  }

  @Override
  public void convTile(float[] win, int winOff, int rowStride, int tapStride, int taps, int cin, float[] p,
      float[] out, int outOff, int outRowStride, int rows, int cout) {
    int t = 0;
    for (; t + 4 <= rows; t += 4) {
      int o0 = outOff + t * outRowStride, o1 = o0 + outRowStride, o2 = o1 + outRowStride, o3 = o2 + outRowStride;
      for (int f = 0; f < cout; f++) {
        out[o0 + f] = 0f;
        out[o1 + f] = 0f;
        out[o2 + f] = 0f;
        out[o3 + f] = 0f;
      }
      int a0 = winOff + t * rowStride;
      for (int k = 0; k < taps; k++) {
        int ak = a0 + k * tapStride;
        for (int c = 0; c < cin; c++) {
          int a = ak + c;
          float x0 = win[a], x1 = win[a + rowStride], x2 = win[a + 2 * rowStride], x3 = win[a + 3 * rowStride];
          int wr = (k * cin + c) * cout;
          for (int f = 0; f < cout; f++) {
            float wv = p[wr + f];
            out[o0 + f] += x0 * wv;
            out[o1 + f] += x1 * wv;
            out[o2 + f] += x2 * wv;
            out[o3 + f] += x3 * wv;
          }
        }
      }
    }
    for (; t < rows; t++) {
      int o = outOff + t * outRowStride;
      for (int f = 0; f < cout; f++) out[o + f] = 0f;
      int a0 = winOff + t * rowStride;
      for (int k = 0; k < taps; k++) {
        for (int c = 0; c < cin; c++) {
          float x = win[a0 + k * tapStride + c];
          int wr = (k * cin + c) * cout;
          for (int f = 0; f < cout; f++) out[o + f] += x * p[wr + f];
        }
      }
    }
  }

  @Override
  public void kernelGradTile(float[] win, int winOff, int rowStride, int tapStride, int taps, int cin, float[] dz,
      int dzOff, int dzRowStride, int rows, int cout, float[] acc, int accOff, int accRowStride) {
    for (int k = 0; k < taps; k++) {
      for (int c = 0; c < cin; c++) {
        int r = accOff + (k * cin + c) * accRowStride;
        int a = winOff + k * tapStride + c;
        int t = 0;
        for (; t + 4 <= rows; t += 4) {
          float x0 = win[a + t * rowStride], x1 = win[a + (t + 1) * rowStride];
          float x2 = win[a + (t + 2) * rowStride], x3 = win[a + (t + 3) * rowStride];
          int d0 = dzOff + t * dzRowStride, d1 = d0 + dzRowStride, d2 = d1 + dzRowStride, d3 = d2 + dzRowStride;
          for (int f = 0; f < cout; f++) {
            acc[r + f] += x0 * dz[d0 + f] + x1 * dz[d1 + f] + x2 * dz[d2 + f] + x3 * dz[d3 + f];
          }
        }
        for (; t < rows; t++) {
          float x = win[a + t * rowStride];
          int d = dzOff + t * dzRowStride;
          for (int f = 0; f < cout; f++) acc[r + f] += x * dz[d + f];
        }
      }
    }
  }
}
