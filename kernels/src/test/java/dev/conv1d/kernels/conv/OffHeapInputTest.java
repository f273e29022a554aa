package dev.conv1d.kernels.conv;

import static dev.conv1d.kernels.testing.Invalid.assertInvalid;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.conv1d.kernels.activation.Activations;
import dev.conv1d.kernels.spec.Conv1DSpec;
import dev.conv1d.kernels.spec.DataFormat;
import dev.conv1d.kernels.tensor.SequenceBatch;
import dev.conv1d.kernels.testing.RandomCases;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Off-heap forward inputs (what the Spark operator hands the kernel: the NIO view of an Arrow buffer) give bit for
 * bit the output of the same values on the heap, on every engine, across random configurations; the heap result
 * is itself checked against the naive oracle by {@link KernelPropertyTest}.
 */
@Tag("kernel-path")
class OffHeapInputTest {
  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.conv1d.kernels.conv.KernelPropertyTest#engines")
  void offHeapInputGivesTheHeapOutput(String name, Conv1DKernel engine) {
    SplittableRandom r = new SplittableRandom(0x0FF4EA9L);
    String[] acts = {"linear", "relu", "tanh", "gelu"};
    int cases = 0;
    for (int n = 0; n < 300; n++) {
      boolean big = n % 5 == 0;
      Conv1DSpec s = RandomCases.spec(r, big);
      SequenceBatch x = RandomCases.batch(r, s, r.nextInt(5), big ? 200 : 40);
      float[] kernel = RandomCases.floats(r, s.kernelLength());
      float[] bias = s.useBias() ? RandomCases.floats(r, s.filters()) : null;
      Conv1DOp op = Conv1DOp.of(s, Weights.ofFlat(kernel, s.kernelSize(), s.groupInChannels(), s.filters(), bias),
          Activations.parse(acts[n % acts.length]), engine);
      // The batch starts some steps into the buffer, after values it must not read (NaN would show).
      int lead = r.nextInt(4);
      SequenceBatch off = offHeap(x, lead, s.inChannels());
      try (Workspace ws = Workspace.create(1 + r.nextInt(2))) {
        SequenceBatch want = op.newOutput(x);
        op.forward(x, want, ws);
        SequenceBatch got = op.newOutput(x);
        Arrays.fill(got.values(), Float.NaN);
        op.forward(off, got, ws);
        assertArrayEquals(want.values(), got.values(), () -> "case " + s + " on " + engine.name());
        SequenceBatch z = op.newOutput(x);
        op.forwardPreActivation(off, z, ws);
        SequenceBatch wantZ = op.newOutput(x);
        op.forwardPreActivation(x, wantZ, ws);
        assertArrayEquals(wantZ.values(), z.values(), () -> "pre-activation, case " + s + " on " + engine.name());
      }
      cases++;
    }
    assertEquals(300, cases);
  }

  /** x's values in a direct buffer after {@code lead} steps of NaN, with offsets shifted to match. */
  static SequenceBatch offHeap(SequenceBatch x, int lead, int channels) {
    int n = x.totalSteps() * channels, skip = lead * channels;
    FloatBuffer b = ByteBuffer.allocateDirect(4 * (skip + n)).order(ByteOrder.nativeOrder()).asFloatBuffer();
    for (int i = 0; i < skip; i++) b.put(i, Float.NaN);
    b.put(skip, x.values(), 0, n);
    b.position(skip + n / 2); // absolute reads: the position does not matter
    int[] offs = new int[x.count() + 1];
    for (int i = 0; i <= x.count(); i++) offs[i] = x.offsets()[i] + lead;
    return SequenceBatch.ofBuffer(b, offs, x.count(), channels, x.layout());
  }

  @Test
  void offHeapBatchesAreReadOnlyForwardInputs() {
    Conv1DSpec s = Conv1DSpec.builder().inChannels(2).filters(3).kernelSize(2).useBias(false).build();
    SequenceBatch heap = SequenceBatch.of(new float[] {1, 2, 3, 4, 5, 6}, new int[] {0, 3}, 2,
        DataFormat.CHANNELS_LAST);
    SequenceBatch x = offHeap(heap, 1, 2);
    assertFalse(x.isHeap());
    assertTrue(heap.isHeap());
    assertEquals(5f, x.get(0, 2, 0));
    assertThrows(IllegalStateException.class, x::values);
    assertThrows(IllegalStateException.class, () -> x.set(0, 0, 0, 1f));
    Conv1DOp op = Conv1DOp.of(s, Weights.ofFlat(new float[s.kernelLength()], 2, 2, 3, null), Activations.linear());
    try (Workspace ws = Workspace.create()) {
      SequenceBatch dz = op.newOutput(heap);
      assertInvalid(() -> op.backwardKernel(x, dz, new float[s.kernelLength()], null, ws), "x",
          "an off-heap batch", "forward inputs only");
      SequenceBatch dx = SequenceBatch.allocate(new int[] {0, 3}, 2, DataFormat.CHANNELS_LAST);
      assertInvalid(() -> op.backwardInput(dz, offHeap(dx, 0, 2), ws), "dx", "an off-heap batch");
      assertInvalid(() -> op.forward(heap, offHeap(op.newOutput(heap), 0, 3), ws), "y", "an off-heap batch");
    }
    assertInvalid(() -> SequenceBatch.ofBuffer(FloatBuffer.allocate(5), new int[] {0, 3}, 1, 2,
        DataFormat.CHANNELS_LAST), "values", "length 5", "= 6 elements");
    assertInvalid(() -> SequenceBatch.ofBuffer(null, new int[] {0, 3}, 1, 2, DataFormat.CHANNELS_LAST), "values",
        "null");
  }
}
