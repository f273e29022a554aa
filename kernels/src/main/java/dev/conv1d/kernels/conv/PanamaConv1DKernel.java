package dev.conv1d.kernels.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API engine. Loaded only by reflection from {@link ConvKernels} once jdk.incubator.vector is known to be
 * readable, so JVMs without the module never link this class. Register tiles: 4 output rows x 2 vectors of
 * output columns (8 accumulators), weights packed in zero-padded panels of 2 vectors so the inner loop does two
 * contiguous loads and four broadcasts per eight FMAs.
 */
final class PanamaConv1DKernel implements Conv1DKernel {
  static final PanamaConv1DKernel INSTANCE = new PanamaConv1DKernel();

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int V = S.length();
  private static final int NR = 2 * V;
  @SuppressWarnings("unchecked")
  private static final VectorMask<Float>[] PREFIX = new VectorMask[V + 1];

  static {
    for (int n = 0; n <= V; n++) PREFIX[n] = S.indexInRange(0, n);
  }

  private PanamaConv1DKernel() {}

  @Override
  public String name() {
    return "panama(" + S.vectorBitSize() + "-bit)";
  }

  @Override
  public float[] pack(float[] w, int colOff, int ldw, int taps, int cin, int cout) {
    int depth = taps * cin;
    int panels = (cout + NR - 1) / NR;
    float[] p = new float[panels * depth * NR];
    for (int pn = 0; pn < panels; pn++) {
      int f0 = pn * NR, n = Math.min(NR, cout - f0);
      for (int r = 0; r < depth; r++) {
        System.arraycopy(w, r * ldw + colOff + f0, p, (pn * depth + r) * NR, n);
      }
    }
    return p;
  }

  @Override
  public void convTile(float[] win, int winOff, int rowStride, int tapStride, int taps, int cin, float[] p,
      float[] out, int outOff, int outRowStride, int rows, int cout) {
    int depth = taps * cin;
    int panels = (cout + NR - 1) / NR;
    for (int pn = 0; pn < panels; pn++) {
      int f0 = pn * NR, n = Math.min(NR, cout - f0);
      int pBase = pn * depth * NR;
      int t = 0;
      for (; t + 4 <= rows; t += 4) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        int a0 = winOff + t * rowStride;
        int wi = pBase;
        for (int k = 0; k < taps; k++) {
          int a = a0 + k * tapStride;
          for (int c = 0; c < cin; c++, a++, wi += NR) {
            FloatVector w0 = FloatVector.fromArray(S, p, wi);
            FloatVector w1 = FloatVector.fromArray(S, p, wi + V);
            FloatVector x = FloatVector.broadcast(S, win[a]);
            c00 = x.fma(w0, c00);
            c01 = x.fma(w1, c01);
            x = FloatVector.broadcast(S, win[a + rowStride]);
            c10 = x.fma(w0, c10);
            c11 = x.fma(w1, c11);
            x = FloatVector.broadcast(S, win[a + 2 * rowStride]);
            c20 = x.fma(w0, c20);
            c21 = x.fma(w1, c21);
            x = FloatVector.broadcast(S, win[a + 3 * rowStride]);
            c30 = x.fma(w0, c30);
            c31 = x.fma(w1, c31);
          }
        }
        int o = outOff + t * outRowStride + f0;
        store(c00, c01, out, o, n);
        store(c10, c11, out, o + outRowStride, n);
        store(c20, c21, out, o + 2 * outRowStride, n);
        store(c30, c31, out, o + 3 * outRowStride, n);
      }
      for (; t < rows; t++) {
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S);
        int a0 = winOff + t * rowStride;
        int wi = pBase;
        for (int k = 0; k < taps; k++) {
          int a = a0 + k * tapStride;
          for (int c = 0; c < cin; c++, a++, wi += NR) {
            FloatVector x = FloatVector.broadcast(S, win[a]);
            c0 = x.fma(FloatVector.fromArray(S, p, wi), c0);
            c1 = x.fma(FloatVector.fromArray(S, p, wi + V), c1);
          }
        }
        store(c0, c1, out, outOff + t * outRowStride + f0, n);
      }
    }
  }

  private static void store(FloatVector lo, FloatVector hi, float[] out, int o, int n) {
    if (n == NR) {
      lo.intoArray(out, o);
      hi.intoArray(out, o + V);
    } else if (n > V) {
      lo.intoArray(out, o);
      hi.intoArray(out, o + V, PREFIX[n - V]);
    } else {
      lo.intoArray(out, o, PREFIX[n]);
    }
  }

  @Override
  public void kernelGradTile(float[] win, int winOff, int rowStride, int tapStride, int taps, int cin, float[] dz,
      int dzOff, int dzRowStride, int rows, int cout, float[] acc, int accOff, int accRowStride) {
    int depth = taps * cin;
    int f0 = 0;
    for (; f0 + NR <= cout; f0 += NR) {
      int r = 0;
      for (; r + 4 <= depth; r += 4) {
        int a0 = winOff + offset(r, cin, tapStride), a1 = winOff + offset(r + 1, cin, tapStride);
        int a2 = winOff + offset(r + 2, cin, tapStride), a3 = winOff + offset(r + 3, cin, tapStride);
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        int d = dzOff + f0, tr = 0;
        for (int t = 0; t < rows; t++, d += dzRowStride, tr += rowStride) {
          FloatVector g0 = FloatVector.fromArray(S, dz, d);
          FloatVector g1 = FloatVector.fromArray(S, dz, d + V);
          FloatVector x = FloatVector.broadcast(S, win[a0 + tr]);
          c00 = x.fma(g0, c00);
          c01 = x.fma(g1, c01);
          x = FloatVector.broadcast(S, win[a1 + tr]);
          c10 = x.fma(g0, c10);
          c11 = x.fma(g1, c11);
          x = FloatVector.broadcast(S, win[a2 + tr]);
          c20 = x.fma(g0, c20);
          c21 = x.fma(g1, c21);
          x = FloatVector.broadcast(S, win[a3 + tr]);
          c30 = x.fma(g0, c30);
          c31 = x.fma(g1, c31);
        }
        int o = accOff + r * accRowStride + f0;
        addInto(c00, c01, acc, o);
        addInto(c10, c11, acc, o + accRowStride);
        addInto(c20, c21, acc, o + 2 * accRowStride);
        addInto(c30, c31, acc, o + 3 * accRowStride);
      }
      for (; r < depth; r++) {
        int a = winOff + offset(r, cin, tapStride);
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S);
        int d = dzOff + f0, tr = 0;
        for (int t = 0; t < rows; t++, d += dzRowStride, tr += rowStride) {
          FloatVector x = FloatVector.broadcast(S, win[a + tr]);
          c0 = x.fma(FloatVector.fromArray(S, dz, d), c0);
          c1 = x.fma(FloatVector.fromArray(S, dz, d + V), c1);
        }
        addInto(c0, c1, acc, accOff + r * accRowStride + f0);
      }
    }
    if (f0 < cout) {
      // Column tail narrower than two vectors: scalar, as C2 vectorizes this simple axpy well enough.
      for (int r = 0; r < depth; r++) {
        int a = winOff + offset(r, cin, tapStride);
        int o = accOff + r * accRowStride;
        for (int t = 0; t < rows; t++) {
          float x = win[a + t * rowStride];
          int d = dzOff + t * dzRowStride;
          for (int f = f0; f < cout; f++) acc[o + f] += x * dz[d + f];
        }
      }
    }
  }

  private static int offset(int r, int cin, int tapStride) {
    return (r / cin) * tapStride + r % cin;
  }

  private static void addInto(FloatVector lo, FloatVector hi, float[] acc, int o) {
    FloatVector.fromArray(S, acc, o).add(lo).intoArray(acc, o);
    FloatVector.fromArray(S, acc, o + V).add(hi).intoArray(acc, o + V);
  }
}
