package dev.conv1d.kernels.tensor;

import static dev.conv1d.kernels.testing.Invalid.assertInvalid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.conv1d.kernels.spec.DataFormat;
import org.junit.jupiter.api.Test;

/** SequenceBatch argument errors and addressing. */
class SequenceBatchTest {
  private static final DataFormat CL = DataFormat.CHANNELS_LAST;

  @Test
  void nullsAreRejected() {
    assertInvalid(() -> SequenceBatch.of(null, new int[] {0, 1}, 2, CL), "values", "null", "must not be null");
    assertInvalid(() -> SequenceBatch.of(new float[2], null, 2, CL), "offsets", "null", "must not be null");
    assertInvalid(() -> SequenceBatch.of(new float[2], null, 1, 2, CL), "offsets", "null", "must not be null");
    assertInvalid(() -> SequenceBatch.of(new float[2], new int[] {0, 1}, 2, null), "layout", "null",
        "must not be null");
    assertInvalid(() -> SequenceBatch.allocate(null, 2, CL), "offsets", "null", "must not be null");
  }

  @Test
  void offsetsMustHoldCountPlusOneEntries() {
    assertInvalid(() -> SequenceBatch.of(new float[2], new int[0], 2, CL), "offsets", "length 0",
        "must hold count+1 >= 1 entries");
    assertInvalid(() -> SequenceBatch.allocate(new int[0], 2, CL), "offsets", "length 0",
        "must hold count+1 >= 1 entries");
    assertInvalid(() -> SequenceBatch.of(new float[8], new int[] {0, 1, 2}, 3, 2, CL), "offsets", "length 3",
        "must hold count+1 = 4 entries");
    assertInvalid(() -> SequenceBatch.of(new float[8], new int[] {0, 1}, -1, 2, CL), "count", "-1", "must be >= 0");
    assertEquals(0, SequenceBatch.of(new float[0], new int[] {0}, 2, CL).count());
  }

  @Test
  void offsetsMustBeNonNegativeAndNonDecreasing() {
    assertInvalid(() -> SequenceBatch.of(new float[8], new int[] {-1, 2}, 2, CL), "offsets[0]", "-1", "must be >= 0");
    assertInvalid(() -> SequenceBatch.of(new float[8], new int[] {0, 3, 2}, 2, CL), "offsets[2]", "2",
        "offsets must be non-decreasing (offsets[1] = 3)");
    assertInvalid(() -> SequenceBatch.allocate(new int[] {0, 3, -1}, 2, CL), "offsets[2]", "-1",
        "non-decreasing");
  }

  @Test
  void channelsMustBePositive() {
    assertInvalid(() -> SequenceBatch.of(new float[8], new int[] {0, 2}, 0, CL), "channels", "0",
        "must be a positive integer (>= 1)");
    assertInvalid(() -> SequenceBatch.allocate(new int[] {0, 3}, -1, CL), "channels", "-1",
        "must be a positive integer (>= 1)");
  }

  @Test
  void valuesMustHoldEveryStep() {
    assertInvalid(() -> SequenceBatch.of(new float[5], new int[] {0, 3}, 2, CL), "values", "length 5",
        "must hold offsets[count]*channels = 6 elements");
    assertInvalid(() -> SequenceBatch.single(new float[5], 3, 2, CL), "values", "length 5", "= 6 elements");
    assertInvalid(() -> SequenceBatch.single(new float[5], -1, 2, CL), "length", "-1", "must be >= 0");
  }

  @Test
  void tooLargeAllocationIsRejected() {
    assertInvalid(() -> SequenceBatch.allocate(new int[] {0, Integer.MAX_VALUE}, 2, CL), "offsets",
        "4294967294 elements", "exceeds one Java array");
  }

  @Test
  void addressingFollowsTheLayout() {
    float[] v = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    // Two sequences of 2 channels: lengths 1 and 2, starting at step 1 (step 0 is not part of the batch).
    int[] offs = {1, 2, 4};
    SequenceBatch last = SequenceBatch.of(v, offs, 2, DataFormat.CHANNELS_LAST);
    SequenceBatch first = SequenceBatch.of(v, offs, 2, DataFormat.CHANNELS_FIRST);
    assertEquals(3, last.totalSteps());
    assertEquals(4, last.start(1));
    assertEquals(5f, last.get(1, 0, 1)); // [t][c]: 4 + 0*2 + 1
    assertEquals(6f, first.get(1, 0, 1)); // [c][t]: 4 + 1*2 + 0
    assertEquals(7f, first.get(1, 1, 1));
  }

  @Test
  void stridedBatchesAddressTheirStartsAndStrideAndMustFit() {
    float[] v = new float[20];
    SequenceBatch b = SequenceBatch.strided(v, new int[] {0, 2, 2, 5}, new int[] {1, 99, 8}, 3, 2, 3);
    assertFalse(b.isDense());
    assertEquals(3, b.stride());
    assertEquals(8, b.start(2));
    b.set(0, 1, 1, 7f);
    b.set(2, 2, 0, 9f);
    assertEquals(7f, v[1 + 3 + 1]);
    assertEquals(9f, v[8 + 6]);
    assertEquals(9f, b.get(2, 2, 0));
    assertTrue(SequenceBatch.allocate(new int[] {0, 2}, 2, DataFormat.CHANNELS_LAST).isDense());
    // The empty sequence's start is never used; the last one ends exactly at the array's end.
    SequenceBatch.strided(new float[16], new int[] {0, 3}, new int[] {16 - 2 - 2 * 6}, 1, 2, 6);
    assertInvalid(() -> SequenceBatch.strided(new float[16], new int[] {0, 3}, new int[] {5}, 1, 2, 6),
        "starts[0]", "5", "sequence 0 of 3 steps at stride 6 must lie within values (length 16)");
    assertInvalid(() -> SequenceBatch.strided(v, new int[] {0, 1}, new int[] {-1}, 1, 2, 3), "starts[0]", "-1");
    assertInvalid(() -> SequenceBatch.strided(v, new int[] {0, 1}, new int[] {0}, 1, 4, 3), "stride", "3",
        "must be >= channels = 4");
    assertInvalid(() -> SequenceBatch.strided(v, new int[] {0, 1, 2}, new int[] {0}, 2, 2, 3), "starts",
        "length 1", "must hold count = 2 entries");
  }
}
