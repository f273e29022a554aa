package dev.conv1d.kernels.bench;

import dev.conv1d.kernels.activation.Activations;
import dev.conv1d.kernels.conv.Conv1DKernel;
import dev.conv1d.kernels.conv.Conv1DOp;
import dev.conv1d.kernels.conv.ConvKernels;
import dev.conv1d.kernels.conv.Weights;
import dev.conv1d.kernels.conv.Workspace;
import dev.conv1d.kernels.spec.Conv1DSpec;
import dev.conv1d.kernels.tensor.SequenceBatch;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Developer loop: our GFLOP/s per shape and direction, medians after warm-up. Not a test. */
public final class QuickKernelSpeed {
  public static void main(String[] args) throws Exception {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
    String only = args.length > 1 ? args[1] : "";
    String engine = args.length > 2 ? args[2] : "";
    // As the benchmark: no bias unless asked for ("bias" as fourth argument).
    boolean bias = args.length > 3 && args[3].equals("bias");
    cpuClock = threads == 1;
    for (BenchShape b : BenchShape.load(null)) {
      if (!b.name.startsWith(only)) continue;
      for (Conv1DKernel k : ConvKernels.available()) {
        if (!k.name().startsWith(engine)) continue;
        Conv1DSpec s = b.spec.toBuilder().useBias(bias).build();
        SplittableRandom r = new SplittableRandom(1);
        int[] offs = new int[b.batch + 1];
        for (int i = 0; i < b.batch; i++) offs[i + 1] = offs[i] + b.length;
        SequenceBatch x = SequenceBatch.allocate(offs, s.inChannels(), s.dataFormat());
        for (int i = 0; i < x.values().length; i++) x.values()[i] = (float) r.nextGaussian();
        float[] w = new float[s.kernelLength()];
        for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian();
        Conv1DOp op = Conv1DOp.of(s, Weights.ofFlat(w, s.kernelSize(), s.groupInChannels(), s.filters(),
            bias ? new float[s.filters()] : null), Activations.linear(), k);
        SequenceBatch y = op.newOutput(x);
        SequenceBatch dx = SequenceBatch.allocate(offs, s.inChannels(), s.dataFormat());
        float[] dk = new float[s.kernelLength()], db = bias ? new float[s.filters()] : null;
        try (Workspace ws = Workspace.create(threads)) {
          double f = median(() -> op.forward(x, y, ws));
          double kg = median(() -> op.backwardKernel(x, y, dk, db, ws));
          double ig = median(() -> op.backwardInput(y, dx, ws));
          System.out.printf("%-11s %-16s threads=%d%s forward %6.1f  kernel-grad %6.1f  input-grad %6.1f GFLOP/s%n",
              b.name, k.name(), threads, bias ? " bias" : "", b.flops() / f / 1e9, b.flops() / kg / 1e9, b.flops() / ig / 1e9);
        }
      }
    }
  }

  private static final java.lang.management.ThreadMXBean MX = java.lang.management.ManagementFactory.getThreadMXBean();

  /** With one thread, CPU time of this thread: on a shared machine it ignores time spent descheduled. */
  static long now(boolean cpu) {
    return cpu ? MX.getCurrentThreadCpuTime() : System.nanoTime();
  }

  static boolean cpuClock;

  static double median(Runnable r) {
    long deadline = System.nanoTime() + 1_500_000_000L;
    int n = 0;
    while (System.nanoTime() < deadline || n < 3) {
      r.run();
      n++;
    }
    double[] t = new double[7];
    for (int i = 0; i < t.length; i++) {
      long t0 = now(cpuClock);
      r.run();
      t[i] = (now(cpuClock) - t0) / 1e9;
    }
    Arrays.sort(t);
    return t[t.length / 2];
  }
}
