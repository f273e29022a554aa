package dev.conv1d.kernels.conv;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API engine. Loaded only by reflection from {@link ConvKernels} once jdk.incubator.vector is known to be
 * readable, so JVMs without the module never link this class.
 *
 * <p>Output columns are split into panels of four vectors (512-bit only: 5-row x 4-vector register tiles), two
 * vectors (12 x 2 on 512-bit, 6 x 2 otherwise), then at most one of one vector (16 x 1 on 512-bit, 12 x 1
 * otherwise), then fewer than one vector of columns run full-width into zero-padded scratch. Each panel uses one
 * register-tile kind for all its rows (a partial last tile runs on a zero-padded copy), so a shape exercises few
 * compiled methods and none of them runs rarely. Weights are packed panel by panel so the inner loop reads them
 * contiguously. Every store is full-width and written inline: a vector passed to a helper that C2 does not inline
 * gets boxed, which costs 10x. Drivers hold no vector code: a driver runs rarely, so C2 compiles it late and its
 * C1 code would box every vector.
 */
final class PanamaConv1DKernel implements Conv1DKernel {
  static final PanamaConv1DKernel INSTANCE = new PanamaConv1DKernel();

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int V = S.length();
  /** Doubles of the same vector size: a float vector converts into two of them (parts 0 and 1). */
  private static final VectorSpecies<Double> D = VectorSpecies.of(double.class, S.vectorShape());
  private static final int NR = 2 * V;
  /** With 32 vector registers (512-bit species) a 5 x 4-vector tile fits and beats 6 x 2 by about a fifth. */
  private static final boolean WIDE = V >= 16;
  private static final int NR4 = 4 * V;

  private PanamaConv1DKernel() {}

  @Override
  public String name() {
    return "panama(" + S.vectorBitSize() + "-bit)";
  }

  @Override
  public float[] pack(float[] w, int colOff, int ldw, int depth, int cout) {
    int padded = cout % V == 0 ? cout : (cout / V + 1) * V;
    float[] p = new float[depth * padded];
    int at = 0, f0 = 0;
    if (WIDE) for (; f0 + NR4 <= cout; f0 += NR4) at = packPanel(w, colOff + f0, ldw, depth, NR4, p, at);
    for (; f0 + NR <= cout; f0 += NR) at = packPanel(w, colOff + f0, ldw, depth, NR, p, at);
    if (f0 + V <= cout) {
      at = packPanel(w, colOff + f0, ldw, depth, V, p, at);
      f0 += V;
    }
    if (f0 < cout) {
      // Columns narrower than a vector: packed zero-padded to V so the tail runs full-width into scratch.
      int width = cout - f0;
      for (int r = 0; r < depth; r++) System.arraycopy(w, r * ldw + colOff + f0, p, at + r * V, width);
    }
    return p;
  }

  private static int packPanel(float[] w, int col, int ldw, int depth, int width, float[] p, int at) {
    for (int r = 0; r < depth; r++, at += width) System.arraycopy(w, r * ldw + col, p, at, width);
    return at;
  }

  /**
   * Depth rows per block: a block of the weight panel (KC x two vectors) stays in L1 while every row block of the
   * tile streams over it. The first block writes the output, later ones add to it.
   */
  private static final int KC = Math.max(64, 8192 / (WIDE ? NR4 : NR));

  /** Register-tile kinds: one per panel width, so each shape runs a single compiled micro-kernel per panel. */
  private static final int K5X4 = 0, K12X2 = 1, K6X2 = 2, K16X1 = 3, K12X1 = 4;
  private static final int TILE2 = WIDE ? K12X2 : K6X2, TILE1 = WIDE ? K16X1 : K12X1;

  private static int tileRows(int kind) {
    switch (kind) {
      case K5X4: return 5;
      case K6X2: return 6;
      case K16X1: return 16;
      default: return 12;
    }
  }

  @Override
  public void convTile(float[] win, int winOff, int rowStride, int[] offsets, int depth, float[] p,
      float[] out, int outOff, int outRowStride, int rows, int cout) {
    int maxOff = 0;
    for (int r = 0; r < depth; r++) maxOff = Math.max(maxOff, offsets[r]);
    // The 5 x 4 tile measured 8-12% faster with the offset table than with the linear index (S3-S5).
    int[] sparse = offsets;
    if (isIdentity(offsets, depth)) offsets = null;
    // Panels in column order: 4-vector (512-bit only), 2-vector, one vector, then a padded tail. The panel
    // starting at column f0 starts at f0 * depth in the packed weights.
    int full4 = WIDE ? cout / NR4 * NR4 : 0;
    int full = full4 + (cout - full4) / NR * NR;
    boolean one = full + V <= cout;
    for (int r0 = 0; r0 < depth; r0 += KC) {
      int r1 = Math.min(depth, r0 + KC);
      boolean acc = r0 > 0;
      for (int f0 = 0; f0 < full4; f0 += NR4) {
        panel(K5X4, NR4, win, winOff, rowStride, sparse, maxOff, r0, r1, p, f0 * depth + r0 * NR4, out, outOff + f0,
            outRowStride, rows, acc);
      }
      for (int f0 = full4; f0 < full; f0 += NR) {
        panel(TILE2, NR, win, winOff, rowStride, offsets, maxOff, r0, r1, p, f0 * depth + r0 * NR, out, outOff + f0,
            outRowStride, rows, acc);
      }
      if (one) {
        panel(TILE1, V, win, winOff, rowStride, offsets, maxOff, r0, r1, p, full * depth + r0 * V, out, outOff + full,
            outRowStride, rows, acc);
      }
    }
    int f0 = one ? full + V : full;
    if (f0 < cout) {
      // Narrow tail: full-width vectors into zero-padded scratch rows, then copy the valid columns.
      int width = cout - f0;
      float[] tmp = scratch(0, rows * V);
      panel(TILE1, V, win, winOff, rowStride, offsets, maxOff, 0, depth, p, f0 * depth, tmp, 0, V, rows, false);
      for (int t = 0; t < rows; t++) System.arraycopy(tmp, t * V, out, outOff + t * outRowStride + f0, width);
    }
  }

  /**
   * All rows of one column panel with one register-tile kind. The last partial tile runs the same kernel on a
   * zero-padded copy of its window rows into scratch: remainder-row kernels would be separate methods that C2
   * compiles late (they run rarely), and until then they run as C1 code with boxed vectors, 50-100x slower; that
   * made whole shapes collapse for seconds after warm-up.
   */
  private static void panel(int kind, int width, float[] win, int winOff, int rowStride, int[] offsets, int maxOff,
      int r0, int r1, float[] p, int pAt, float[] out, int outOff, int outRowStride, int rows, boolean acc) {
    int tr = tileRows(kind);
    int t = 0;
    for (; t + tr <= rows; t += tr) {
      tile(kind, win, winOff + t * rowStride, rowStride, offsets, r0, r1, p, pAt, out, outOff + t * outRowStride,
          outRowStride, acc);
    }
    int rem = rows - t;
    if (rem == 0) return;
    int a0 = winOff + t * rowStride;
    int valid = (rem - 1) * rowStride + maxOff + 1, need = (tr - 1) * rowStride + maxOff + 1;
    float[] w = scratch(1, need);
    System.arraycopy(win, a0, w, 0, valid);
    java.util.Arrays.fill(w, valid, need, 0f);
    float[] o = scratch(2, tr * width);
    int ob = outOff + t * outRowStride;
    if (acc) for (int i = 0; i < rem; i++) System.arraycopy(out, ob + i * outRowStride, o, i * width, width);
    tile(kind, w, 0, rowStride, offsets, r0, r1, p, pAt, o, 0, width, acc);
    for (int i = 0; i < rem; i++) System.arraycopy(o, i * width, out, ob + i * outRowStride, width);
  }

  private static void tile(int kind, float[] win, int a0, int rs, int[] offsets, int r0, int r1, float[] p, int pAt,
      float[] out, int o, int ors, boolean acc) {
    switch (kind) {
      case K5X4: conv5x4(win, a0, rs, offsets, r0, r1, p, pAt, out, o, ors, acc); break;
      case K12X2: conv12x2(win, a0, rs, offsets, r0, r1, p, pAt, out, o, ors, acc); break;
      case K6X2: conv6x2(win, a0, rs, offsets, r0, r1, p, pAt, out, o, ors, acc); break;
      case K16X1: conv16x1(win, a0, rs, offsets, r0, r1, p, pAt, out, o, ors, acc); break;
      default: conv12x1(win, a0, rs, offsets, r0, r1, p, pAt, out, o, ors, acc); break;
    }
  }

  /**
   * True when depth index r reads window offset r (stride-free taps over all channels: dilation 1, one group).
   * The micro-kernels then take {@code offsets == null} and index the window linearly in r, which lets C2 hoist
   * the broadcasts' bounds checks out of the depth loop (measured: +20-30% on narrow layers).
   */
  private static boolean isIdentity(int[] offsets, int depth) {
    for (int r = 0; r < depth; r++) if (offsets[r] != r) return false;
    return true;
  }

  private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[5][0]);

  /** Per-thread scratch for narrow tails and partial tiles, grown on demand: no allocation once warm. */
  private static float[] scratch(int which, int n) {
    float[][] all = SCRATCH.get();
    if (all[which].length < n) all[which] = new float[n];
    return all[which];
  }

  /** Five rows times four vectors of columns over depth rows [r0, r1): 20 accumulators, 512-bit only. */
  private static void conv5x4(float[] win, int a0, int rs, int[] offsets, int r0, int r1, float[] p, int pAt,
      float[] out, int o, int ors, boolean acc) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S), c03 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S), c13 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S), c23 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S), c33 = FloatVector.zero(S);
    FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S), c42 = FloatVector.zero(S), c43 = FloatVector.zero(S);
    for (int r = r0, wi = pAt; r < r1; r++, wi += NR4) {
      int a = a0 + (offsets == null ? r : offsets[r]);
      FloatVector w0 = FloatVector.fromArray(S, p, wi);
      FloatVector w1 = FloatVector.fromArray(S, p, wi + V);
      FloatVector w2 = FloatVector.fromArray(S, p, wi + 2 * V);
      FloatVector w3 = FloatVector.fromArray(S, p, wi + 3 * V);
      FloatVector x = FloatVector.broadcast(S, win[a]);
      c00 = x.fma(w0, c00);
      c01 = x.fma(w1, c01);
      c02 = x.fma(w2, c02);
      c03 = x.fma(w3, c03);
      x = FloatVector.broadcast(S, win[a + rs]);
      c10 = x.fma(w0, c10);
      c11 = x.fma(w1, c11);
      c12 = x.fma(w2, c12);
      c13 = x.fma(w3, c13);
      x = FloatVector.broadcast(S, win[a + 2 * rs]);
      c20 = x.fma(w0, c20);
      c21 = x.fma(w1, c21);
      c22 = x.fma(w2, c22);
      c23 = x.fma(w3, c23);
      x = FloatVector.broadcast(S, win[a + 3 * rs]);
      c30 = x.fma(w0, c30);
      c31 = x.fma(w1, c31);
      c32 = x.fma(w2, c32);
      c33 = x.fma(w3, c33);
      x = FloatVector.broadcast(S, win[a + 4 * rs]);
      c40 = x.fma(w0, c40);
      c41 = x.fma(w1, c41);
      c42 = x.fma(w2, c42);
      c43 = x.fma(w3, c43);
    }
    if (acc) {
      int q = o;
      c00 = c00.add(FloatVector.fromArray(S, out, q));
      c01 = c01.add(FloatVector.fromArray(S, out, q + V));
      c02 = c02.add(FloatVector.fromArray(S, out, q + 2 * V));
      c03 = c03.add(FloatVector.fromArray(S, out, q + 3 * V));
      q += ors;
      c10 = c10.add(FloatVector.fromArray(S, out, q));
      c11 = c11.add(FloatVector.fromArray(S, out, q + V));
      c12 = c12.add(FloatVector.fromArray(S, out, q + 2 * V));
      c13 = c13.add(FloatVector.fromArray(S, out, q + 3 * V));
      q += ors;
      c20 = c20.add(FloatVector.fromArray(S, out, q));
      c21 = c21.add(FloatVector.fromArray(S, out, q + V));
      c22 = c22.add(FloatVector.fromArray(S, out, q + 2 * V));
      c23 = c23.add(FloatVector.fromArray(S, out, q + 3 * V));
      q += ors;
      c30 = c30.add(FloatVector.fromArray(S, out, q));
      c31 = c31.add(FloatVector.fromArray(S, out, q + V));
      c32 = c32.add(FloatVector.fromArray(S, out, q + 2 * V));
      c33 = c33.add(FloatVector.fromArray(S, out, q + 3 * V));
      q += ors;
      c40 = c40.add(FloatVector.fromArray(S, out, q));
      c41 = c41.add(FloatVector.fromArray(S, out, q + V));
      c42 = c42.add(FloatVector.fromArray(S, out, q + 2 * V));
      c43 = c43.add(FloatVector.fromArray(S, out, q + 3 * V));
    }
    c00.intoArray(out, o);
    c01.intoArray(out, o + V);
    c02.intoArray(out, o + 2 * V);
    c03.intoArray(out, o + 3 * V);
    o += ors;
    c10.intoArray(out, o);
    c11.intoArray(out, o + V);
    c12.intoArray(out, o + 2 * V);
    c13.intoArray(out, o + 3 * V);
    o += ors;
    c20.intoArray(out, o);
    c21.intoArray(out, o + V);
    c22.intoArray(out, o + 2 * V);
    c23.intoArray(out, o + 3 * V);
    o += ors;
    c30.intoArray(out, o);
    c31.intoArray(out, o + V);
    c32.intoArray(out, o + 2 * V);
    c33.intoArray(out, o + 3 * V);
    o += ors;
    c40.intoArray(out, o);
    c41.intoArray(out, o + V);
    c42.intoArray(out, o + 2 * V);
    c43.intoArray(out, o + 3 * V);
  }

  /** Twelve rows times two vectors of columns: 24 accumulators, 512-bit only (32 vector registers). */
  private static void conv12x2(float[] win, int a0, int rs, int[] offsets, int r0, int r1, float[] p, int pAt,
      float[] out, int o, int ors, boolean acc) {
    FloatVector c0_0 = FloatVector.zero(S), c0_1 = FloatVector.zero(S);
    FloatVector c1_0 = FloatVector.zero(S), c1_1 = FloatVector.zero(S);
    FloatVector c2_0 = FloatVector.zero(S), c2_1 = FloatVector.zero(S);
    FloatVector c3_0 = FloatVector.zero(S), c3_1 = FloatVector.zero(S);
    FloatVector c4_0 = FloatVector.zero(S), c4_1 = FloatVector.zero(S);
    FloatVector c5_0 = FloatVector.zero(S), c5_1 = FloatVector.zero(S);
    FloatVector c6_0 = FloatVector.zero(S), c6_1 = FloatVector.zero(S);
    FloatVector c7_0 = FloatVector.zero(S), c7_1 = FloatVector.zero(S);
    FloatVector c8_0 = FloatVector.zero(S), c8_1 = FloatVector.zero(S);
    FloatVector c9_0 = FloatVector.zero(S), c9_1 = FloatVector.zero(S);
    FloatVector c10_0 = FloatVector.zero(S), c10_1 = FloatVector.zero(S);
    FloatVector c11_0 = FloatVector.zero(S), c11_1 = FloatVector.zero(S);
    for (int r = r0, wi = pAt; r < r1; r++, wi += 2 * V) {
      int a = a0 + (offsets == null ? r : offsets[r]);
      FloatVector w0 = FloatVector.fromArray(S, p, wi);
      FloatVector w1 = FloatVector.fromArray(S, p, wi + V);
      FloatVector x0 = FloatVector.broadcast(S, win[a]);
      c0_0 = x0.fma(w0, c0_0);
      c0_1 = x0.fma(w1, c0_1);
      FloatVector x1 = FloatVector.broadcast(S, win[a + rs]);
      c1_0 = x1.fma(w0, c1_0);
      c1_1 = x1.fma(w1, c1_1);
      FloatVector x2 = FloatVector.broadcast(S, win[a + 2 * rs]);
      c2_0 = x2.fma(w0, c2_0);
      c2_1 = x2.fma(w1, c2_1);
      FloatVector x3 = FloatVector.broadcast(S, win[a + 3 * rs]);
      c3_0 = x3.fma(w0, c3_0);
      c3_1 = x3.fma(w1, c3_1);
      FloatVector x4 = FloatVector.broadcast(S, win[a + 4 * rs]);
      c4_0 = x4.fma(w0, c4_0);
      c4_1 = x4.fma(w1, c4_1);
      FloatVector x5 = FloatVector.broadcast(S, win[a + 5 * rs]);
      c5_0 = x5.fma(w0, c5_0);
      c5_1 = x5.fma(w1, c5_1);
      FloatVector x6 = FloatVector.broadcast(S, win[a + 6 * rs]);
      c6_0 = x6.fma(w0, c6_0);
      c6_1 = x6.fma(w1, c6_1);
      FloatVector x7 = FloatVector.broadcast(S, win[a + 7 * rs]);
      c7_0 = x7.fma(w0, c7_0);
      c7_1 = x7.fma(w1, c7_1);
      FloatVector x8 = FloatVector.broadcast(S, win[a + 8 * rs]);
      c8_0 = x8.fma(w0, c8_0);
      c8_1 = x8.fma(w1, c8_1);
      FloatVector x9 = FloatVector.broadcast(S, win[a + 9 * rs]);
      c9_0 = x9.fma(w0, c9_0);
      c9_1 = x9.fma(w1, c9_1);
      FloatVector x10 = FloatVector.broadcast(S, win[a + 10 * rs]);
      c10_0 = x10.fma(w0, c10_0);
      c10_1 = x10.fma(w1, c10_1);
      FloatVector x11 = FloatVector.broadcast(S, win[a + 11 * rs]);
      c11_0 = x11.fma(w0, c11_0);
      c11_1 = x11.fma(w1, c11_1);
    }
    if (acc) {
      c0_0 = c0_0.add(FloatVector.fromArray(S, out, o));
      c0_1 = c0_1.add(FloatVector.fromArray(S, out, o + V));
      c1_0 = c1_0.add(FloatVector.fromArray(S, out, o + ors));
      c1_1 = c1_1.add(FloatVector.fromArray(S, out, o + ors + V));
      c2_0 = c2_0.add(FloatVector.fromArray(S, out, o + 2 * ors));
      c2_1 = c2_1.add(FloatVector.fromArray(S, out, o + 2 * ors + V));
      c3_0 = c3_0.add(FloatVector.fromArray(S, out, o + 3 * ors));
      c3_1 = c3_1.add(FloatVector.fromArray(S, out, o + 3 * ors + V));
      c4_0 = c4_0.add(FloatVector.fromArray(S, out, o + 4 * ors));
      c4_1 = c4_1.add(FloatVector.fromArray(S, out, o + 4 * ors + V));
      c5_0 = c5_0.add(FloatVector.fromArray(S, out, o + 5 * ors));
      c5_1 = c5_1.add(FloatVector.fromArray(S, out, o + 5 * ors + V));
      c6_0 = c6_0.add(FloatVector.fromArray(S, out, o + 6 * ors));
      c6_1 = c6_1.add(FloatVector.fromArray(S, out, o + 6 * ors + V));
      c7_0 = c7_0.add(FloatVector.fromArray(S, out, o + 7 * ors));
      c7_1 = c7_1.add(FloatVector.fromArray(S, out, o + 7 * ors + V));
      c8_0 = c8_0.add(FloatVector.fromArray(S, out, o + 8 * ors));
      c8_1 = c8_1.add(FloatVector.fromArray(S, out, o + 8 * ors + V));
      c9_0 = c9_0.add(FloatVector.fromArray(S, out, o + 9 * ors));
      c9_1 = c9_1.add(FloatVector.fromArray(S, out, o + 9 * ors + V));
      c10_0 = c10_0.add(FloatVector.fromArray(S, out, o + 10 * ors));
      c10_1 = c10_1.add(FloatVector.fromArray(S, out, o + 10 * ors + V));
      c11_0 = c11_0.add(FloatVector.fromArray(S, out, o + 11 * ors));
      c11_1 = c11_1.add(FloatVector.fromArray(S, out, o + 11 * ors + V));
    }
    c0_0.intoArray(out, o);
    c0_1.intoArray(out, o + V);
    c1_0.intoArray(out, o + ors);
    c1_1.intoArray(out, o + ors + V);
    c2_0.intoArray(out, o + 2 * ors);
    c2_1.intoArray(out, o + 2 * ors + V);
    c3_0.intoArray(out, o + 3 * ors);
    c3_1.intoArray(out, o + 3 * ors + V);
    c4_0.intoArray(out, o + 4 * ors);
    c4_1.intoArray(out, o + 4 * ors + V);
    c5_0.intoArray(out, o + 5 * ors);
    c5_1.intoArray(out, o + 5 * ors + V);
    c6_0.intoArray(out, o + 6 * ors);
    c6_1.intoArray(out, o + 6 * ors + V);
    c7_0.intoArray(out, o + 7 * ors);
    c7_1.intoArray(out, o + 7 * ors + V);
    c8_0.intoArray(out, o + 8 * ors);
    c8_1.intoArray(out, o + 8 * ors + V);
    c9_0.intoArray(out, o + 9 * ors);
    c9_1.intoArray(out, o + 9 * ors + V);
    c10_0.intoArray(out, o + 10 * ors);
    c10_1.intoArray(out, o + 10 * ors + V);
    c11_0.intoArray(out, o + 11 * ors);
    c11_1.intoArray(out, o + 11 * ors + V);
  }

  /** Sixteen rows times one vector of columns: 16 accumulators, 512-bit only (few filters, e.g. 16). */
  private static void conv16x1(float[] win, int a0, int rs, int[] offsets, int r0, int r1, float[] p, int pAt,
      float[] out, int o, int ors, boolean acc) {
    FloatVector c0_0 = FloatVector.zero(S);
    FloatVector c1_0 = FloatVector.zero(S);
    FloatVector c2_0 = FloatVector.zero(S);
    FloatVector c3_0 = FloatVector.zero(S);
    FloatVector c4_0 = FloatVector.zero(S);
    FloatVector c5_0 = FloatVector.zero(S);
    FloatVector c6_0 = FloatVector.zero(S);
    FloatVector c7_0 = FloatVector.zero(S);
    FloatVector c8_0 = FloatVector.zero(S);
    FloatVector c9_0 = FloatVector.zero(S);
    FloatVector c10_0 = FloatVector.zero(S);
    FloatVector c11_0 = FloatVector.zero(S);
    FloatVector c12_0 = FloatVector.zero(S);
    FloatVector c13_0 = FloatVector.zero(S);
    FloatVector c14_0 = FloatVector.zero(S);
    FloatVector c15_0 = FloatVector.zero(S);
    for (int r = r0, wi = pAt; r < r1; r++, wi += V) {
      int a = a0 + (offsets == null ? r : offsets[r]);
      FloatVector w0 = FloatVector.fromArray(S, p, wi);
      FloatVector x0 = FloatVector.broadcast(S, win[a]);
      c0_0 = x0.fma(w0, c0_0);
      FloatVector x1 = FloatVector.broadcast(S, win[a + rs]);
      c1_0 = x1.fma(w0, c1_0);
      FloatVector x2 = FloatVector.broadcast(S, win[a + 2 * rs]);
      c2_0 = x2.fma(w0, c2_0);
      FloatVector x3 = FloatVector.broadcast(S, win[a + 3 * rs]);
      c3_0 = x3.fma(w0, c3_0);
      FloatVector x4 = FloatVector.broadcast(S, win[a + 4 * rs]);
      c4_0 = x4.fma(w0, c4_0);
      FloatVector x5 = FloatVector.broadcast(S, win[a + 5 * rs]);
      c5_0 = x5.fma(w0, c5_0);
      FloatVector x6 = FloatVector.broadcast(S, win[a + 6 * rs]);
      c6_0 = x6.fma(w0, c6_0);
      FloatVector x7 = FloatVector.broadcast(S, win[a + 7 * rs]);
      c7_0 = x7.fma(w0, c7_0);
      FloatVector x8 = FloatVector.broadcast(S, win[a + 8 * rs]);
      c8_0 = x8.fma(w0, c8_0);
      FloatVector x9 = FloatVector.broadcast(S, win[a + 9 * rs]);
      c9_0 = x9.fma(w0, c9_0);
      FloatVector x10 = FloatVector.broadcast(S, win[a + 10 * rs]);
      c10_0 = x10.fma(w0, c10_0);
      FloatVector x11 = FloatVector.broadcast(S, win[a + 11 * rs]);
      c11_0 = x11.fma(w0, c11_0);
      FloatVector x12 = FloatVector.broadcast(S, win[a + 12 * rs]);
      c12_0 = x12.fma(w0, c12_0);
      FloatVector x13 = FloatVector.broadcast(S, win[a + 13 * rs]);
      c13_0 = x13.fma(w0, c13_0);
      FloatVector x14 = FloatVector.broadcast(S, win[a + 14 * rs]);
      c14_0 = x14.fma(w0, c14_0);
      FloatVector x15 = FloatVector.broadcast(S, win[a + 15 * rs]);
      c15_0 = x15.fma(w0, c15_0);
    }
    if (acc) {
      c0_0 = c0_0.add(FloatVector.fromArray(S, out, o));
      c1_0 = c1_0.add(FloatVector.fromArray(S, out, o + ors));
      c2_0 = c2_0.add(FloatVector.fromArray(S, out, o + 2 * ors));
      c3_0 = c3_0.add(FloatVector.fromArray(S, out, o + 3 * ors));
      c4_0 = c4_0.add(FloatVector.fromArray(S, out, o + 4 * ors));
      c5_0 = c5_0.add(FloatVector.fromArray(S, out, o + 5 * ors));
      c6_0 = c6_0.add(FloatVector.fromArray(S, out, o + 6 * ors));
      c7_0 = c7_0.add(FloatVector.fromArray(S, out, o + 7 * ors));
      c8_0 = c8_0.add(FloatVector.fromArray(S, out, o + 8 * ors));
      c9_0 = c9_0.add(FloatVector.fromArray(S, out, o + 9 * ors));
      c10_0 = c10_0.add(FloatVector.fromArray(S, out, o + 10 * ors));
      c11_0 = c11_0.add(FloatVector.fromArray(S, out, o + 11 * ors));
      c12_0 = c12_0.add(FloatVector.fromArray(S, out, o + 12 * ors));
      c13_0 = c13_0.add(FloatVector.fromArray(S, out, o + 13 * ors));
      c14_0 = c14_0.add(FloatVector.fromArray(S, out, o + 14 * ors));
      c15_0 = c15_0.add(FloatVector.fromArray(S, out, o + 15 * ors));
    }
    c0_0.intoArray(out, o);
    c1_0.intoArray(out, o + ors);
    c2_0.intoArray(out, o + 2 * ors);
    c3_0.intoArray(out, o + 3 * ors);
    c4_0.intoArray(out, o + 4 * ors);
    c5_0.intoArray(out, o + 5 * ors);
    c6_0.intoArray(out, o + 6 * ors);
    c7_0.intoArray(out, o + 7 * ors);
    c8_0.intoArray(out, o + 8 * ors);
    c9_0.intoArray(out, o + 9 * ors);
    c10_0.intoArray(out, o + 10 * ors);
    c11_0.intoArray(out, o + 11 * ors);
    c12_0.intoArray(out, o + 12 * ors);
    c13_0.intoArray(out, o + 13 * ors);
    c14_0.intoArray(out, o + 14 * ors);
    c15_0.intoArray(out, o + 15 * ors);
  }

  /** Six rows times two vectors of columns over depth rows [r0, r1). */
  private static void conv6x2(float[] win, int a0, int rs, int[] offsets, int r0, int r1, float[] p, int pAt,
      float[] out, int o, int ors, boolean acc) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
    FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
    FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
    for (int r = r0, wi = pAt; r < r1; r++, wi += NR) {
        int a = a0 + (offsets == null ? r : offsets[r]);
        FloatVector w0 = FloatVector.fromArray(S, p, wi);
        FloatVector w1 = FloatVector.fromArray(S, p, wi + V);
        FloatVector x = FloatVector.broadcast(S, win[a]);
        c00 = x.fma(w0, c00);
        c01 = x.fma(w1, c01);
        x = FloatVector.broadcast(S, win[a + rs]);
        c10 = x.fma(w0, c10);
        c11 = x.fma(w1, c11);
        x = FloatVector.broadcast(S, win[a + 2 * rs]);
        c20 = x.fma(w0, c20);
        c21 = x.fma(w1, c21);
        x = FloatVector.broadcast(S, win[a + 3 * rs]);
        c30 = x.fma(w0, c30);
        c31 = x.fma(w1, c31);
        x = FloatVector.broadcast(S, win[a + 4 * rs]);
        c40 = x.fma(w0, c40);
        c41 = x.fma(w1, c41);
        x = FloatVector.broadcast(S, win[a + 5 * rs]);
        c50 = x.fma(w0, c50);
        c51 = x.fma(w1, c51);
    }
    if (acc) {
      c00 = c00.add(FloatVector.fromArray(S, out, o));
      c01 = c01.add(FloatVector.fromArray(S, out, o + V));
      c10 = c10.add(FloatVector.fromArray(S, out, o + ors));
      c11 = c11.add(FloatVector.fromArray(S, out, o + ors + V));
      c20 = c20.add(FloatVector.fromArray(S, out, o + 2 * ors));
      c21 = c21.add(FloatVector.fromArray(S, out, o + 2 * ors + V));
      c30 = c30.add(FloatVector.fromArray(S, out, o + 3 * ors));
      c31 = c31.add(FloatVector.fromArray(S, out, o + 3 * ors + V));
      c40 = c40.add(FloatVector.fromArray(S, out, o + 4 * ors));
      c41 = c41.add(FloatVector.fromArray(S, out, o + 4 * ors + V));
      c50 = c50.add(FloatVector.fromArray(S, out, o + 5 * ors));
      c51 = c51.add(FloatVector.fromArray(S, out, o + 5 * ors + V));
    }
    c00.intoArray(out, o);
    c01.intoArray(out, o + V);
    c10.intoArray(out, o + ors);
    c11.intoArray(out, o + ors + V);
    c20.intoArray(out, o + 2 * ors);
    c21.intoArray(out, o + 2 * ors + V);
    c30.intoArray(out, o + 3 * ors);
    c31.intoArray(out, o + 3 * ors + V);
    c40.intoArray(out, o + 4 * ors);
    c41.intoArray(out, o + 4 * ors + V);
    c50.intoArray(out, o + 5 * ors);
    c51.intoArray(out, o + 5 * ors + V);
  }

  /** Twelve rows times one vector of columns (narrow layers such as 16 filters on 512-bit vectors). */
  private static void conv12x1(float[] win, int a0, int rs, int[] offsets, int r0, int r1, float[] p, int pAt,
      float[] out, int o, int ors, boolean acc) {
    FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S);
    FloatVector c3 = FloatVector.zero(S), c4 = FloatVector.zero(S), c5 = FloatVector.zero(S);
    FloatVector c6 = FloatVector.zero(S), c7 = FloatVector.zero(S), c8 = FloatVector.zero(S);
    FloatVector c9 = FloatVector.zero(S), c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
    for (int r = r0, wi = pAt; r < r1; r++, wi += V) {
        int a = a0 + (offsets == null ? r : offsets[r]);
        FloatVector w = FloatVector.fromArray(S, p, wi);
        c0 = FloatVector.broadcast(S, win[a]).fma(w, c0);
        c1 = FloatVector.broadcast(S, win[a + rs]).fma(w, c1);
        c2 = FloatVector.broadcast(S, win[a + 2 * rs]).fma(w, c2);
        c3 = FloatVector.broadcast(S, win[a + 3 * rs]).fma(w, c3);
        c4 = FloatVector.broadcast(S, win[a + 4 * rs]).fma(w, c4);
        c5 = FloatVector.broadcast(S, win[a + 5 * rs]).fma(w, c5);
        c6 = FloatVector.broadcast(S, win[a + 6 * rs]).fma(w, c6);
        c7 = FloatVector.broadcast(S, win[a + 7 * rs]).fma(w, c7);
        c8 = FloatVector.broadcast(S, win[a + 8 * rs]).fma(w, c8);
        c9 = FloatVector.broadcast(S, win[a + 9 * rs]).fma(w, c9);
        c10 = FloatVector.broadcast(S, win[a + 10 * rs]).fma(w, c10);
        c11 = FloatVector.broadcast(S, win[a + 11 * rs]).fma(w, c11);
    }
    if (acc) {
      c0 = c0.add(FloatVector.fromArray(S, out, o));
      c1 = c1.add(FloatVector.fromArray(S, out, o + ors));
      c2 = c2.add(FloatVector.fromArray(S, out, o + 2 * ors));
      c3 = c3.add(FloatVector.fromArray(S, out, o + 3 * ors));
      c4 = c4.add(FloatVector.fromArray(S, out, o + 4 * ors));
      c5 = c5.add(FloatVector.fromArray(S, out, o + 5 * ors));
      c6 = c6.add(FloatVector.fromArray(S, out, o + 6 * ors));
      c7 = c7.add(FloatVector.fromArray(S, out, o + 7 * ors));
      c8 = c8.add(FloatVector.fromArray(S, out, o + 8 * ors));
      c9 = c9.add(FloatVector.fromArray(S, out, o + 9 * ors));
      c10 = c10.add(FloatVector.fromArray(S, out, o + 10 * ors));
      c11 = c11.add(FloatVector.fromArray(S, out, o + 11 * ors));
    }
    c0.intoArray(out, o);
    c1.intoArray(out, o + ors);
    c2.intoArray(out, o + 2 * ors);
    c3.intoArray(out, o + 3 * ors);
    c4.intoArray(out, o + 4 * ors);
    c5.intoArray(out, o + 5 * ors);
    c6.intoArray(out, o + 6 * ors);
    c7.intoArray(out, o + 7 * ors);
    c8.intoArray(out, o + 8 * ors);
    c9.intoArray(out, o + 9 * ors);
    c10.intoArray(out, o + 10 * ors);
    c11.intoArray(out, o + 11 * ors);
  }

  @Override
  public void kernelGradTile(float[] win, int winOff, int rowStride, int[] offsets, int depth, float[] dz,
      int dzOff, int dzRowStride, int rows, int cout, float[] acc, int accOff, int accRowStride) {
    int f0 = 0;
    if (WIDE) {
      for (; f0 + NR4 <= cout; f0 += NR4) {
        kg4(win, winOff, rowStride, offsets, depth, dz, dzOff + f0, dzRowStride, rows, acc, accOff + f0,
            accRowStride);
      }
    }
    for (; f0 + NR <= cout; f0 += NR) {
      int r = 0;
      if (WIDE) {
        for (; r + 12 <= depth; r += 12) {
          kg12x2(win, winOff, rowStride, offsets, r, dz, dzOff + f0, dzRowStride, rows, acc, accOff + f0, accRowStride);
        }
      }
      kg2(win, winOff, rowStride, offsets, r, depth, dz, dzOff + f0, dzRowStride, rows, acc, accOff + f0,
          accRowStride);
    }
    if (f0 + V <= cout) {
      kgPanel1(win, winOff, rowStride, offsets, depth, dz, dzOff + f0, dzRowStride, rows, acc, accOff + f0,
          accRowStride);
      f0 += V;
    }
    if (f0 < cout) {
      // Narrow tail: dz columns copied into zero-padded rows, accumulated full-width into scratch, then added.
      int width = cout - f0;
      float[] g = scratch(3, rows * V);
      java.util.Arrays.fill(g, 0, rows * V, 0f);
      for (int t = 0; t < rows; t++) System.arraycopy(dz, dzOff + t * dzRowStride + f0, g, t * V, width);
      float[] a = scratch(4, depth * V);
      java.util.Arrays.fill(a, 0, depth * V, 0f);
      kgPanel1(win, winOff, rowStride, offsets, depth, g, 0, V, rows, a, 0, V);
      for (int r = 0; r < depth; r++) {
        int o = accOff + r * accRowStride + f0;
        for (int f = 0; f < width; f++) acc[o + f] += a[r * V + f];
      }
    }
  }

  /** One vector of columns over all depth rows. */
  private static void kgPanel1(float[] win, int winOff, int rowStride, int[] offsets, int depth, float[] dz,
      int dzOff, int dzRowStride, int rows, float[] acc, int accOff, int accRowStride) {
    int r = 0;
    if (WIDE) {
      for (; r + 12 <= depth; r += 12) {
        kg12x1(win, winOff, rowStride, offsets, r, dz, dzOff, dzRowStride, rows, acc, accOff, accRowStride);
      }
    }
    kg1(win, winOff, rowStride, offsets, r, depth, dz, dzOff, dzRowStride, rows, acc, accOff, accRowStride);
  }

  /** Twelve depth rows times two vectors of columns, 512-bit only: 24 accumulators instead of kg2's 8. */
  private static void kg12x2(float[] win, int winOff, int rowStride, int[] offsets, int r, float[] dz, int dzOff,
      int dzRowStride, int rows, float[] acc, int accOff, int accRowStride) {
    int a0 = winOff + offsets[r];
    int a1 = winOff + offsets[r + 1];
    int a2 = winOff + offsets[r + 2];
    int a3 = winOff + offsets[r + 3];
    int a4 = winOff + offsets[r + 4];
    int a5 = winOff + offsets[r + 5];
    int a6 = winOff + offsets[r + 6];
    int a7 = winOff + offsets[r + 7];
    int a8 = winOff + offsets[r + 8];
    int a9 = winOff + offsets[r + 9];
    int a10 = winOff + offsets[r + 10];
    int a11 = winOff + offsets[r + 11];
    FloatVector c0_0 = FloatVector.zero(S), c0_1 = FloatVector.zero(S);
    FloatVector c1_0 = FloatVector.zero(S), c1_1 = FloatVector.zero(S);
    FloatVector c2_0 = FloatVector.zero(S), c2_1 = FloatVector.zero(S);
    FloatVector c3_0 = FloatVector.zero(S), c3_1 = FloatVector.zero(S);
    FloatVector c4_0 = FloatVector.zero(S), c4_1 = FloatVector.zero(S);
    FloatVector c5_0 = FloatVector.zero(S), c5_1 = FloatVector.zero(S);
    FloatVector c6_0 = FloatVector.zero(S), c6_1 = FloatVector.zero(S);
    FloatVector c7_0 = FloatVector.zero(S), c7_1 = FloatVector.zero(S);
    FloatVector c8_0 = FloatVector.zero(S), c8_1 = FloatVector.zero(S);
    FloatVector c9_0 = FloatVector.zero(S), c9_1 = FloatVector.zero(S);
    FloatVector c10_0 = FloatVector.zero(S), c10_1 = FloatVector.zero(S);
    FloatVector c11_0 = FloatVector.zero(S), c11_1 = FloatVector.zero(S);
    for (int t = 0, d = dzOff, tr = 0; t < rows; t++, d += dzRowStride, tr += rowStride) {
      FloatVector g0 = FloatVector.fromArray(S, dz, d);
      FloatVector g1 = FloatVector.fromArray(S, dz, d + V);
      FloatVector x0 = FloatVector.broadcast(S, win[a0 + tr]);
      c0_0 = x0.fma(g0, c0_0);
      c0_1 = x0.fma(g1, c0_1);
      FloatVector x1 = FloatVector.broadcast(S, win[a1 + tr]);
      c1_0 = x1.fma(g0, c1_0);
      c1_1 = x1.fma(g1, c1_1);
      FloatVector x2 = FloatVector.broadcast(S, win[a2 + tr]);
      c2_0 = x2.fma(g0, c2_0);
      c2_1 = x2.fma(g1, c2_1);
      FloatVector x3 = FloatVector.broadcast(S, win[a3 + tr]);
      c3_0 = x3.fma(g0, c3_0);
      c3_1 = x3.fma(g1, c3_1);
      FloatVector x4 = FloatVector.broadcast(S, win[a4 + tr]);
      c4_0 = x4.fma(g0, c4_0);
      c4_1 = x4.fma(g1, c4_1);
      FloatVector x5 = FloatVector.broadcast(S, win[a5 + tr]);
      c5_0 = x5.fma(g0, c5_0);
      c5_1 = x5.fma(g1, c5_1);
      FloatVector x6 = FloatVector.broadcast(S, win[a6 + tr]);
      c6_0 = x6.fma(g0, c6_0);
      c6_1 = x6.fma(g1, c6_1);
      FloatVector x7 = FloatVector.broadcast(S, win[a7 + tr]);
      c7_0 = x7.fma(g0, c7_0);
      c7_1 = x7.fma(g1, c7_1);
      FloatVector x8 = FloatVector.broadcast(S, win[a8 + tr]);
      c8_0 = x8.fma(g0, c8_0);
      c8_1 = x8.fma(g1, c8_1);
      FloatVector x9 = FloatVector.broadcast(S, win[a9 + tr]);
      c9_0 = x9.fma(g0, c9_0);
      c9_1 = x9.fma(g1, c9_1);
      FloatVector x10 = FloatVector.broadcast(S, win[a10 + tr]);
      c10_0 = x10.fma(g0, c10_0);
      c10_1 = x10.fma(g1, c10_1);
      FloatVector x11 = FloatVector.broadcast(S, win[a11 + tr]);
      c11_0 = x11.fma(g0, c11_0);
      c11_1 = x11.fma(g1, c11_1);
    }
    int o = accOff + r * accRowStride;
    FloatVector.fromArray(S, acc, o).add(c0_0).intoArray(acc, o);
    FloatVector.fromArray(S, acc, o + V).add(c0_1).intoArray(acc, o + V);
    o += accRowStride;
    FloatVector.fromArray(S, acc, o).add(c1_0).intoArray(acc, o);
    FloatVector.fromArray(S, acc, o + V).add(c1_1).intoArray(acc, o + V);
    o += accRowStride;
    FloatVector.fromArray(S, acc, o).add(c2_0).intoArray(acc, o);
    FloatVector.fromArray(S, acc, o + V).add(c2_1).intoArray(acc, o + V);
    o += accRowStride;
    FloatVector.fromArray(S, acc, o).add(c3_0).intoArray(acc, o);
    FloatVector.fromArray(S, acc, o + V).add(c3_1).intoArray(acc, o + V);
    o += accRowStride;
    FloatVector.fromArray(S, acc, o).add(c4_0).intoArray(acc, o);
    FloatVector.fromArray(S, acc, o + V).add(c4_1).intoArray(acc, o + V);
    o += accRowStride;
    FloatVector.fromArray(S, acc, o).add(c5_0).intoArray(acc, o);
    FloatVector.fromArray(S, acc, o + V).add(c5_1).intoArray(acc, o + V);
    o += accRowStride;
    FloatVector.fromArray(S, acc, o).add(c6_0).intoArray(acc, o);
    FloatVector.fromArray(S, acc, o + V).add(c6_1).intoArray(acc, o + V);
    o += accRowStride;
    FloatVector.fromArray(S, acc, o).add(c7_0).intoArray(acc, o);
    FloatVector.fromArray(S, acc, o + V).add(c7_1).intoArray(acc, o + V);
    o += accRowStride;
    FloatVector.fromArray(S, acc, o).add(c8_0).intoArray(acc, o);
    FloatVector.fromArray(S, acc, o + V).add(c8_1).intoArray(acc, o + V);
    o += accRowStride;
    FloatVector.fromArray(S, acc, o).add(c9_0).intoArray(acc, o);
    FloatVector.fromArray(S, acc, o + V).add(c9_1).intoArray(acc, o + V);
    o += accRowStride;
    FloatVector.fromArray(S, acc, o).add(c10_0).intoArray(acc, o);
    FloatVector.fromArray(S, acc, o + V).add(c10_1).intoArray(acc, o + V);
    o += accRowStride;
    FloatVector.fromArray(S, acc, o).add(c11_0).intoArray(acc, o);
    FloatVector.fromArray(S, acc, o + V).add(c11_1).intoArray(acc, o + V);
  }

  /** Twelve depth rows times one vector of columns, 512-bit only: 12 accumulators instead of kg1's 8. */
  private static void kg12x1(float[] win, int winOff, int rowStride, int[] offsets, int r, float[] dz, int dzOff,
      int dzRowStride, int rows, float[] acc, int accOff, int accRowStride) {
    int a0 = winOff + offsets[r];
    int a1 = winOff + offsets[r + 1];
    int a2 = winOff + offsets[r + 2];
    int a3 = winOff + offsets[r + 3];
    int a4 = winOff + offsets[r + 4];
    int a5 = winOff + offsets[r + 5];
    int a6 = winOff + offsets[r + 6];
    int a7 = winOff + offsets[r + 7];
    int a8 = winOff + offsets[r + 8];
    int a9 = winOff + offsets[r + 9];
    int a10 = winOff + offsets[r + 10];
    int a11 = winOff + offsets[r + 11];
    FloatVector c0_0 = FloatVector.zero(S);
    FloatVector c1_0 = FloatVector.zero(S);
    FloatVector c2_0 = FloatVector.zero(S);
    FloatVector c3_0 = FloatVector.zero(S);
    FloatVector c4_0 = FloatVector.zero(S);
    FloatVector c5_0 = FloatVector.zero(S);
    FloatVector c6_0 = FloatVector.zero(S);
    FloatVector c7_0 = FloatVector.zero(S);
    FloatVector c8_0 = FloatVector.zero(S);
    FloatVector c9_0 = FloatVector.zero(S);
    FloatVector c10_0 = FloatVector.zero(S);
    FloatVector c11_0 = FloatVector.zero(S);
    for (int t = 0, d = dzOff, tr = 0; t < rows; t++, d += dzRowStride, tr += rowStride) {
      FloatVector g0 = FloatVector.fromArray(S, dz, d);
      FloatVector x0 = FloatVector.broadcast(S, win[a0 + tr]);
      c0_0 = x0.fma(g0, c0_0);
      FloatVector x1 = FloatVector.broadcast(S, win[a1 + tr]);
      c1_0 = x1.fma(g0, c1_0);
      FloatVector x2 = FloatVector.broadcast(S, win[a2 + tr]);
      c2_0 = x2.fma(g0, c2_0);
      FloatVector x3 = FloatVector.broadcast(S, win[a3 + tr]);
      c3_0 = x3.fma(g0, c3_0);
      FloatVector x4 = FloatVector.broadcast(S, win[a4 + tr]);
      c4_0 = x4.fma(g0, c4_0);
      FloatVector x5 = FloatVector.broadcast(S, win[a5 + tr]);
      c5_0 = x5.fma(g0, c5_0);
      FloatVector x6 = FloatVector.broadcast(S, win[a6 + tr]);
      c6_0 = x6.fma(g0, c6_0);
      FloatVector x7 = FloatVector.broadcast(S, win[a7 + tr]);
      c7_0 = x7.fma(g0, c7_0);
      FloatVector x8 = FloatVector.broadcast(S, win[a8 + tr]);
      c8_0 = x8.fma(g0, c8_0);
      FloatVector x9 = FloatVector.broadcast(S, win[a9 + tr]);
      c9_0 = x9.fma(g0, c9_0);
      FloatVector x10 = FloatVector.broadcast(S, win[a10 + tr]);
      c10_0 = x10.fma(g0, c10_0);
      FloatVector x11 = FloatVector.broadcast(S, win[a11 + tr]);
      c11_0 = x11.fma(g0, c11_0);
    }
    int o = accOff + r * accRowStride;
    FloatVector.fromArray(S, acc, o).add(c0_0).intoArray(acc, o);
    o += accRowStride;
    FloatVector.fromArray(S, acc, o).add(c1_0).intoArray(acc, o);
    o += accRowStride;
    FloatVector.fromArray(S, acc, o).add(c2_0).intoArray(acc, o);
    o += accRowStride;
    FloatVector.fromArray(S, acc, o).add(c3_0).intoArray(acc, o);
    o += accRowStride;
    FloatVector.fromArray(S, acc, o).add(c4_0).intoArray(acc, o);
    o += accRowStride;
    FloatVector.fromArray(S, acc, o).add(c5_0).intoArray(acc, o);
    o += accRowStride;
    FloatVector.fromArray(S, acc, o).add(c6_0).intoArray(acc, o);
    o += accRowStride;
    FloatVector.fromArray(S, acc, o).add(c7_0).intoArray(acc, o);
    o += accRowStride;
    FloatVector.fromArray(S, acc, o).add(c8_0).intoArray(acc, o);
    o += accRowStride;
    FloatVector.fromArray(S, acc, o).add(c9_0).intoArray(acc, o);
    o += accRowStride;
    FloatVector.fromArray(S, acc, o).add(c10_0).intoArray(acc, o);
    o += accRowStride;
    FloatVector.fromArray(S, acc, o).add(c11_0).intoArray(acc, o);
  }


  /** Two vectors of columns (offsets include the column): four depth rows per register tile. */
  private static void kg2(float[] win, int winOff, int rowStride, int[] offsets, int r, int depth, float[] dz,
      int dzOff, int dzRowStride, int rows, float[] acc, int accOff, int accRowStride) {
    for (; r + 4 <= depth; r += 4) {
      int a0 = winOff + offsets[r], a1 = winOff + offsets[r + 1];
      int a2 = winOff + offsets[r + 2], a3 = winOff + offsets[r + 3];
      FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
      FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
      FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
      FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
      int d = dzOff, tr = 0;
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
      int o = accOff + r * accRowStride;
      FloatVector.fromArray(S, acc, o).add(c00).intoArray(acc, o);
      FloatVector.fromArray(S, acc, o + V).add(c01).intoArray(acc, o + V);
      o += accRowStride;
      FloatVector.fromArray(S, acc, o).add(c10).intoArray(acc, o);
      FloatVector.fromArray(S, acc, o + V).add(c11).intoArray(acc, o + V);
      o += accRowStride;
      FloatVector.fromArray(S, acc, o).add(c20).intoArray(acc, o);
      FloatVector.fromArray(S, acc, o + V).add(c21).intoArray(acc, o + V);
      o += accRowStride;
      FloatVector.fromArray(S, acc, o).add(c30).intoArray(acc, o);
      FloatVector.fromArray(S, acc, o + V).add(c31).intoArray(acc, o + V);
    }
    for (; r < depth; r++) {
      int a = winOff + offsets[r];
      FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S);
      int d = dzOff, tr = 0;
      for (int t = 0; t < rows; t++, d += dzRowStride, tr += rowStride) {
        FloatVector x = FloatVector.broadcast(S, win[a + tr]);
        c0 = x.fma(FloatVector.fromArray(S, dz, d), c0);
        c1 = x.fma(FloatVector.fromArray(S, dz, d + V), c1);
      }
      int o = accOff + r * accRowStride;
      FloatVector.fromArray(S, acc, o).add(c0).intoArray(acc, o);
      FloatVector.fromArray(S, acc, o + V).add(c1).intoArray(acc, o + V);
    }
  }

  /** One vector of columns (offsets already include the column): eight depth rows per register tile. */
  private static void kg1(float[] win, int winOff, int rowStride, int[] offsets, int r, int depth, float[] dz,
      int dzOff, int dzRowStride, int rows, float[] acc, int accOff, int accRowStride) {
    for (; r + 8 <= depth; r += 8) {
      int a0 = winOff + offsets[r], a1 = winOff + offsets[r + 1];
      int a2 = winOff + offsets[r + 2], a3 = winOff + offsets[r + 3];
      int a4 = winOff + offsets[r + 4], a5 = winOff + offsets[r + 5];
      int a6 = winOff + offsets[r + 6], a7 = winOff + offsets[r + 7];
      FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S);
      FloatVector c3 = FloatVector.zero(S), c4 = FloatVector.zero(S), c5 = FloatVector.zero(S);
      FloatVector c6 = FloatVector.zero(S), c7 = FloatVector.zero(S);
      int d = dzOff, tr = 0;
      for (int t = 0; t < rows; t++, d += dzRowStride, tr += rowStride) {
        FloatVector g = FloatVector.fromArray(S, dz, d);
        c0 = FloatVector.broadcast(S, win[a0 + tr]).fma(g, c0);
        c1 = FloatVector.broadcast(S, win[a1 + tr]).fma(g, c1);
        c2 = FloatVector.broadcast(S, win[a2 + tr]).fma(g, c2);
        c3 = FloatVector.broadcast(S, win[a3 + tr]).fma(g, c3);
        c4 = FloatVector.broadcast(S, win[a4 + tr]).fma(g, c4);
        c5 = FloatVector.broadcast(S, win[a5 + tr]).fma(g, c5);
        c6 = FloatVector.broadcast(S, win[a6 + tr]).fma(g, c6);
        c7 = FloatVector.broadcast(S, win[a7 + tr]).fma(g, c7);
      }
      int o = accOff + r * accRowStride;
      FloatVector.fromArray(S, acc, o).add(c0).intoArray(acc, o);
      o += accRowStride;
      FloatVector.fromArray(S, acc, o).add(c1).intoArray(acc, o);
      o += accRowStride;
      FloatVector.fromArray(S, acc, o).add(c2).intoArray(acc, o);
      o += accRowStride;
      FloatVector.fromArray(S, acc, o).add(c3).intoArray(acc, o);
      o += accRowStride;
      FloatVector.fromArray(S, acc, o).add(c4).intoArray(acc, o);
      o += accRowStride;
      FloatVector.fromArray(S, acc, o).add(c5).intoArray(acc, o);
      o += accRowStride;
      FloatVector.fromArray(S, acc, o).add(c6).intoArray(acc, o);
      o += accRowStride;
      FloatVector.fromArray(S, acc, o).add(c7).intoArray(acc, o);
    }
    for (; r < depth; r++) {
      int a = winOff + offsets[r];
      FloatVector c0 = FloatVector.zero(S);
      int d = dzOff, tr = 0;
      for (int t = 0; t < rows; t++, d += dzRowStride, tr += rowStride) {
        c0 = FloatVector.broadcast(S, win[a + tr]).fma(FloatVector.fromArray(S, dz, d), c0);
      }
      int o = accOff + r * accRowStride;
      FloatVector.fromArray(S, acc, o).add(c0).intoArray(acc, o);
    }
  }

  /** Four vectors of columns (offsets include the column): five depth rows per 20-accumulator tile. */
  private static void kg4(float[] win, int winOff, int rowStride, int[] offsets, int depth, float[] dz, int dzOff,
      int dzRowStride, int rows, float[] acc, int accOff, int accRowStride) {
    int r = 0;
    for (; r + 5 <= depth; r += 5) {
      int a0 = winOff + offsets[r], a1 = winOff + offsets[r + 1], a2 = winOff + offsets[r + 2];
      int a3 = winOff + offsets[r + 3], a4 = winOff + offsets[r + 4];
      FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S), c03 = FloatVector.zero(S);
      FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S), c13 = FloatVector.zero(S);
      FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S), c23 = FloatVector.zero(S);
      FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S), c33 = FloatVector.zero(S);
      FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S), c42 = FloatVector.zero(S), c43 = FloatVector.zero(S);
      int d = dzOff, tr = 0;
      for (int t = 0; t < rows; t++, d += dzRowStride, tr += rowStride) {
        FloatVector g0 = FloatVector.fromArray(S, dz, d);
        FloatVector g1 = FloatVector.fromArray(S, dz, d + V);
        FloatVector g2 = FloatVector.fromArray(S, dz, d + 2 * V);
        FloatVector g3 = FloatVector.fromArray(S, dz, d + 3 * V);
        FloatVector x = FloatVector.broadcast(S, win[a0 + tr]);
        c00 = x.fma(g0, c00);
        c01 = x.fma(g1, c01);
        c02 = x.fma(g2, c02);
        c03 = x.fma(g3, c03);
        x = FloatVector.broadcast(S, win[a1 + tr]);
        c10 = x.fma(g0, c10);
        c11 = x.fma(g1, c11);
        c12 = x.fma(g2, c12);
        c13 = x.fma(g3, c13);
        x = FloatVector.broadcast(S, win[a2 + tr]);
        c20 = x.fma(g0, c20);
        c21 = x.fma(g1, c21);
        c22 = x.fma(g2, c22);
        c23 = x.fma(g3, c23);
        x = FloatVector.broadcast(S, win[a3 + tr]);
        c30 = x.fma(g0, c30);
        c31 = x.fma(g1, c31);
        c32 = x.fma(g2, c32);
        c33 = x.fma(g3, c33);
        x = FloatVector.broadcast(S, win[a4 + tr]);
        c40 = x.fma(g0, c40);
        c41 = x.fma(g1, c41);
        c42 = x.fma(g2, c42);
        c43 = x.fma(g3, c43);
      }
      int o = accOff + r * accRowStride;
      FloatVector.fromArray(S, acc, o).add(c00).intoArray(acc, o);
      FloatVector.fromArray(S, acc, o + V).add(c01).intoArray(acc, o + V);
      FloatVector.fromArray(S, acc, o + 2 * V).add(c02).intoArray(acc, o + 2 * V);
      FloatVector.fromArray(S, acc, o + 3 * V).add(c03).intoArray(acc, o + 3 * V);
      o += accRowStride;
      FloatVector.fromArray(S, acc, o).add(c10).intoArray(acc, o);
      FloatVector.fromArray(S, acc, o + V).add(c11).intoArray(acc, o + V);
      FloatVector.fromArray(S, acc, o + 2 * V).add(c12).intoArray(acc, o + 2 * V);
      FloatVector.fromArray(S, acc, o + 3 * V).add(c13).intoArray(acc, o + 3 * V);
      o += accRowStride;
      FloatVector.fromArray(S, acc, o).add(c20).intoArray(acc, o);
      FloatVector.fromArray(S, acc, o + V).add(c21).intoArray(acc, o + V);
      FloatVector.fromArray(S, acc, o + 2 * V).add(c22).intoArray(acc, o + 2 * V);
      FloatVector.fromArray(S, acc, o + 3 * V).add(c23).intoArray(acc, o + 3 * V);
      o += accRowStride;
      FloatVector.fromArray(S, acc, o).add(c30).intoArray(acc, o);
      FloatVector.fromArray(S, acc, o + V).add(c31).intoArray(acc, o + V);
      FloatVector.fromArray(S, acc, o + 2 * V).add(c32).intoArray(acc, o + 2 * V);
      FloatVector.fromArray(S, acc, o + 3 * V).add(c33).intoArray(acc, o + 3 * V);
      o += accRowStride;
      FloatVector.fromArray(S, acc, o).add(c40).intoArray(acc, o);
      FloatVector.fromArray(S, acc, o + V).add(c41).intoArray(acc, o + V);
      FloatVector.fromArray(S, acc, o + 2 * V).add(c42).intoArray(acc, o + 2 * V);
      FloatVector.fromArray(S, acc, o + 3 * V).add(c43).intoArray(acc, o + 3 * V);
    }
    for (; r < depth; r++) {
      int a = winOff + offsets[r];
      FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S), c3 = FloatVector.zero(S);
      int d = dzOff, tr = 0;
      for (int t = 0; t < rows; t++, d += dzRowStride, tr += rowStride) {
        FloatVector x = FloatVector.broadcast(S, win[a + tr]);
        c0 = x.fma(FloatVector.fromArray(S, dz, d), c0);
        c1 = x.fma(FloatVector.fromArray(S, dz, d + V), c1);
        c2 = x.fma(FloatVector.fromArray(S, dz, d + 2 * V), c2);
        c3 = x.fma(FloatVector.fromArray(S, dz, d + 3 * V), c3);
      }
      int o = accOff + r * accRowStride;
      FloatVector.fromArray(S, acc, o).add(c0).intoArray(acc, o);
      FloatVector.fromArray(S, acc, o + V).add(c1).intoArray(acc, o + V);
      FloatVector.fromArray(S, acc, o + 2 * V).add(c2).intoArray(acc, o + 2 * V);
      FloatVector.fromArray(S, acc, o + 3 * V).add(c3).intoArray(acc, o + 3 * V);
    }
  }

  @Override
  public void addRowVector(float[] out, int off, int stride, int rows, float[] b, int cols) {
    int vc = cols / V * V;
    for (int t = 0; t < rows; t++) {
      int o = off + t * stride;
      for (int j = 0; j < vc; j += V) {
        FloatVector.fromArray(S, out, o + j).add(FloatVector.fromArray(S, b, j)).intoArray(out, o + j);
      }
      for (int j = vc; j < cols; j++) out[o + j] += b[j];
    }
  }

  @Override
  public void addColumnSums(float[] in, int off, int stride, int rows, float[] sums, int cols) {
    int vc = cols / V * V;
    for (int j = 0; j < vc; j += V) {
      FloatVector a = FloatVector.zero(S);
      for (int t = 0, o = off + j; t < rows; t++, o += stride) a = a.add(FloatVector.fromArray(S, in, o));
      a.add(FloatVector.fromArray(S, sums, j)).intoArray(sums, j);
    }
    for (int t = 0; t < rows; t++) {
      int o = off + t * stride;
      for (int j = vc; j < cols; j++) sums[j] += in[o + j];
    }
  }

  @Override
  public double squaredError(float[] y, int off, float[] label, int lOff, int n, float gScale, float[] g) {
    FloatVector sc = FloatVector.broadcast(S, gScale);
    DoubleVector a0 = DoubleVector.zero(D), a1 = DoubleVector.zero(D);
    int vn = n / V * V, j = 0;
    for (; j < vn; j += V) {
      FloatVector e = FloatVector.fromArray(S, y, off + j).sub(FloatVector.fromArray(S, label, lOff + j));
      e.mul(sc).intoArray(g, off + j);
      DoubleVector d0 = (DoubleVector) e.convertShape(VectorOperators.F2D, D, 0);
      DoubleVector d1 = (DoubleVector) e.convertShape(VectorOperators.F2D, D, 1);
      a0 = d0.fma(d0, a0);
      a1 = d1.fma(d1, a1);
    }
    return a0.add(a1).reduceLanes(VectorOperators.ADD)
        + ScalarConv1DKernel.squaredErrorLoop(y, off + j, label, lOff + j, n - j, gScale, g);
  }

  @Override
  public double absoluteError(float[] y, int off, float[] label, int lOff, int n, float gScale, float[] g) {
    FloatVector pos = FloatVector.broadcast(S, gScale), neg = FloatVector.broadcast(S, -gScale);
    DoubleVector a0 = DoubleVector.zero(D), a1 = DoubleVector.zero(D);
    int vn = n / V * V, j = 0;
    for (; j < vn; j += V) {
      FloatVector e = FloatVector.fromArray(S, y, off + j).sub(FloatVector.fromArray(S, label, lOff + j));
      VectorMask<Float> gt = e.compare(VectorOperators.GT, 0f), lt = e.compare(VectorOperators.LT, 0f);
      // signum(e) * gScale: where neither mask is set (+-0, NaN) e * gScale, as signum(e) is e there
      e.mul(pos).blend(pos, gt).blend(neg, lt).intoArray(g, off + j);
      FloatVector a = e.abs();
      a0 = a0.add(a.convertShape(VectorOperators.F2D, D, 0));
      a1 = a1.add(a.convertShape(VectorOperators.F2D, D, 1));
    }
    return a0.add(a1).reduceLanes(VectorOperators.ADD)
        + ScalarConv1DKernel.absoluteErrorLoop(y, off + j, label, lOff + j, n - j, gScale, g);
  }
}
