package dev.conv1d.kernels.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.conv1d.kernels.bench.TfConvTimer.Direction;
import dev.conv1d.kernels.tensor.SequenceBatch;
import dev.conv1d.kernels.testing.NaiveConv1D;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's TensorFlow graphs compute conv1d: each suite row (its spec, with a small batch and an odd length so
 * SAME, stride and space-to-batch remainders all occur) against the naive oracle, in all three directions. Timings
 * are never asserted; this only guards what the benchmark times.
 */
class TfConvTimerTest {

  @Test
  void suiteGraphsMatchTheNaiveOracle() throws IOException {
    for (BenchShape full : BenchShape.load(null)) {
      BenchShape b = new BenchShape(full.name, 2, 37, full.spec.toBuilder().useBias(false).build());
      SplittableRandom r = new SplittableRandom(7);
      int[] offs = {0, b.length, 2 * b.length};
      SequenceBatch x = SequenceBatch.allocate(offs, b.spec.inChannels(), b.spec.dataFormat());
      for (int i = 0; i < x.values().length; i++) x.values()[i] = (float) r.nextDouble(-1, 1);
      float[] kernel = new float[b.spec.kernelLength()];
      for (int i = 0; i < kernel.length; i++) kernel[i] = (float) r.nextDouble(-1, 1);
      SequenceBatch dz = SequenceBatch.allocate(b.spec.outputOffsets(offs), b.spec.filters(), b.spec.dataFormat());
      for (int i = 0; i < dz.values().length; i++) dz.values()[i] = (float) r.nextDouble(-1, 1);

      float[] y = NaiveConv1D.preActivation(b.spec, kernel, null, x).values();
      float[] dx = NaiveConv1D.inputGradient(b.spec, kernel, dz, x).values();
      double[] dk = NaiveConv1D.kernelGradient(b.spec, x, dz);
      try (TfConvTimer tf = new TfConvTimer(b, 1, x.values(), kernel, dz.values())) {
        close(b.name + " forward", y, tf.output(Direction.FORWARD));
        close(b.name + " input gradient", dx, tf.output(Direction.INPUT_GRAD));
        float[] dkf = new float[dk.length];
        for (int i = 0; i < dk.length; i++) dkf[i] = (float) dk[i];
        close(b.name + " kernel gradient", dkf, tf.output(Direction.KERNEL_GRAD));
      }
    }
  }

  private static void close(String what, float[] want, float[] got) {
    assertEquals(want.length, got.length, what + ": length");
    double scale = 1;
    for (float v : want) scale = Math.max(scale, Math.abs(v));
    double worst = KernelBenchmark.relErr(got, want) * scale;
    assertTrue(worst <= 1e-4 * scale, what + ": max abs error " + worst);
  }

  @Test
  void mavenPassesTheArgumentsAsOneString() {
    KernelBenchmark.Options o = KernelBenchmark.parse(new String[] {" --quick  --shape S1,S6 "});
    assertTrue(o.quick);
    assertEquals(List.of("S1", "S6"), o.shapes);
    assertEquals(List.of(1, 2), o.threads);
    KernelBenchmark.Options q = KernelBenchmark.parse(new String[] {"--quick", "--threads", "2"});
    assertEquals(List.of("S3-medium"), q.shapes);
    assertEquals(List.of(2), q.threads);
    assertTrue(KernelBenchmark.parse(new String[] {""}).shapes.isEmpty());
  }
}
