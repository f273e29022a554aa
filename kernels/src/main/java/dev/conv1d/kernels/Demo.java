package dev.conv1d.kernels;

import dev.conv1d.kernels.activation.Activations;
import dev.conv1d.kernels.conv.Conv1DOp;
import dev.conv1d.kernels.conv.ConvKernels;
import dev.conv1d.kernels.conv.Weights;
import dev.conv1d.kernels.conv.Workspace;
import dev.conv1d.kernels.spec.Conv1DSpec;
import dev.conv1d.kernels.spec.DataFormat;
import dev.conv1d.kernels.tensor.SequenceBatch;
import java.util.SplittableRandom;

/** A first look at the kernels until the `conv1d demo` command exists: one layer, forward and backward. */
public final class Demo {
  private Demo() {}

  public static void main(String[] args) {
    Conv1DSpec spec = Conv1DSpec.builder().inChannels(8).filters(16).kernelSize(3).padding("same").build();
    SplittableRandom r = new SplittableRandom(42);
    int n = 256, len = 128;
    int[] offsets = new int[n + 1];
    for (int i = 0; i < n; i++) offsets[i + 1] = offsets[i] + len;
    SequenceBatch x = SequenceBatch.allocate(offsets, 8, DataFormat.CHANNELS_LAST);
    for (int i = 0; i < x.values().length; i++) x.values()[i] = (float) r.nextGaussian();
    float[] kernel = new float[spec.kernelLength()];
    for (int i = 0; i < kernel.length; i++) kernel[i] = (float) (r.nextGaussian() * 0.2);
    Conv1DOp op = Conv1DOp.of(spec, Weights.ofFlat(kernel, 3, 8, 16, new float[16]), Activations.linear());
    System.out.println("engine: " + ConvKernels.best().name() + " (" + ConvKernels.selectionReason() + ")");
    System.out.println("layer:  " + spec);
    try (Workspace ws = Workspace.create()) {
      SequenceBatch y = op.newOutput(x);
      long flops = 2L * n * len * 3 * 8 * 16;
      double best = Double.MAX_VALUE;
      for (int rep = 0; rep < 200; rep++) { // the first calls run before the JIT compiles the engine
        long t0 = System.nanoTime();
        op.forward(x, y, ws);
        best = Math.min(best, (System.nanoTime() - t0) / 1e9);
      }
      System.out.printf("forward of %d x %d steps: best %.2f ms = %.1f GFLOP/s (1 thread)%n", n, len, best * 1e3,
          flops / best / 1e9);
      Conv1DOp.Gradients g = op.backward(x, y, true, ws);
      double norm = 0;
      for (float v : g.kernel) norm += v * v;
      System.out.printf("backward: |dL/dkernel| = %.4f for L = sum(y^2)/2%n", Math.sqrt(norm));
    }
  }
}
