package dev.conv1d.kernels.bench;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's fp32 FMA peak as the JDK Vector API reaches it: 12 independent accumulator chains of
 * {@code acc = acc * a + b} on {@link FloatVector#SPECIES_PREFERRED}, no loads or stores in the loop, on 1..n threads
 * at once. 12 chains cover the FMA latency times the FMA ports of current x86 cores (e.g. 4 cycles x 2 ports) while
 * fitting in 16 vector registers with the two operands. Loaded only when {@code jdk.incubator.vector} is readable.
 */
final class FmaPeak {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int CHAINS = 12;
  private static volatile float sink;

  private FmaPeak() {}

  static String species() {
    return S.toString() + " (" + S.vectorBitSize() + "-bit, " + S.length() + " lanes)";
  }

  /** FLOPs of one call of {@link #chains} with {@code iters} iterations: 2 per lane per FMA. */
  static double flops(long iters) {
    return 2.0 * CHAINS * S.length() * iters;
  }

  /** 12 dependent FMA chains, distinct starting values so no two chains can be merged by the compiler. */
  static float chains(long iters) {
    FloatVector a = FloatVector.broadcast(S, 0.999999f), b = FloatVector.broadcast(S, 1e-6f);
    FloatVector c0 = FloatVector.broadcast(S, 1.00f), c1 = FloatVector.broadcast(S, 1.01f);
    FloatVector c2 = FloatVector.broadcast(S, 1.02f), c3 = FloatVector.broadcast(S, 1.03f);
    FloatVector c4 = FloatVector.broadcast(S, 1.04f), c5 = FloatVector.broadcast(S, 1.05f);
    FloatVector c6 = FloatVector.broadcast(S, 1.06f), c7 = FloatVector.broadcast(S, 1.07f);
    FloatVector c8 = FloatVector.broadcast(S, 1.08f), c9 = FloatVector.broadcast(S, 1.09f);
    FloatVector c10 = FloatVector.broadcast(S, 1.10f), c11 = FloatVector.broadcast(S, 1.11f);
    for (long i = 0; i < iters; i++) {
      c0 = c0.fma(a, b);
      c1 = c1.fma(a, b);
      c2 = c2.fma(a, b);
      c3 = c3.fma(a, b);
      c4 = c4.fma(a, b);
      c5 = c5.fma(a, b);
      c6 = c6.fma(a, b);
      c7 = c7.fma(a, b);
      c8 = c8.fma(a, b);
      c9 = c9.fma(a, b);
      c10 = c10.fma(a, b);
      c11 = c11.fma(a, b);
    }
    return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
        .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
  }

  /** Result of a peak measurement: median and best GFLOP/s over the repetitions. */
  static final class Peak {
    final int threads;
    final double median, best;
    final int reps;

    Peak(int threads, double median, double best, int reps) {
      this.threads = threads;
      this.median = median;
      this.best = best;
      this.reps = reps;
    }
  }

  /**
   * Runs the chains on {@code threads} threads at once, {@code reps} times after warm-up; each repetition lasts
   * about {@code repMillis}. GFLOP/s = all threads' FLOPs / wall time of the repetition.
   */
  static Peak measure(int threads, int reps, int repMillis) throws InterruptedException {
    // Warm-up: get chains() compiled by C2 (the Vector API is only intrinsified there), then calibrate.
    long iters = 1 << 16;
    for (int i = 0; i < 200; i++) sink += chains(iters);
    long t0 = System.nanoTime();
    sink += chains(iters * 16);
    double perIter = (System.nanoTime() - t0) / (double) (iters * 16);
    long repIters = Math.max(iters, (long) (repMillis * 1e6 / perIter));
    double[] g = new double[reps];
    for (int r = 0; r < reps; r++) {
      Thread[] ts = new Thread[threads];
      float[] out = new float[threads];
      for (int t = 0; t < threads; t++) {
        final int id = t;
        ts[t] = new Thread(() -> out[id] = chains(repIters), "fma-peak-" + t);
      }
      long s = System.nanoTime();
      for (Thread t : ts) t.start();
      for (Thread t : ts) t.join();
      long e = System.nanoTime();
      for (float v : out) sink += v;
      g[r] = threads * flops(repIters) / (e - s);
    }
    double[] sorted = g.clone();
    Arrays.sort(sorted);
    return new Peak(threads, sorted[reps / 2], sorted[reps - 1], reps);
  }
}
