package dev.conv1d.kernels.tensor;

import dev.conv1d.kernels.spec.Args;
import dev.conv1d.kernels.spec.DataFormat;
import java.nio.FloatBuffer;

/**
 * A ragged batch of float sequences: Spark rows differ in length, so one values array holds them back to back
 * and {@code offsets} (in steps) says where each starts. Sequence i spans steps [offsets[i], offsets[i+1]) and
 * elements [offsets[i]*channels, offsets[i+1]*channels) laid out per {@link #layout()}. Arrays are shared, not
 * copied, so callers can reuse buffers across batches.
 *
 * <p>A {@linkplain #strided strided} batch (channels_last only) places each sequence at its own start and each step
 * {@code stride} floats after the previous one, leaving gaps the kernel never touches: a forward pass can then write
 * straight into a caller's record layout (Spark's row arrays put a small header before each step) instead of a dense
 * buffer that is copied out afterwards. Only {@code Conv1DOp}'s forward outputs accept strided batches.
 *
 * <p>An {@linkplain #ofBuffer off-heap} batch (dense, read-only) holds its values in a {@code FloatBuffer}, e.g. the
 * NIO view of an Arrow buffer: a forward pass copies each tile's input window from it into cache-sized scratch, so
 * a batch built off the heap is read once where it lies, never copied whole onto the heap. Only {@code Conv1DOp}'s
 * forward inputs accept off-heap batches.
 */
public final class SequenceBatch {
  private final float[] values;
  /** Off-heap batches only (then {@code values} is null). */
  private final FloatBuffer buffer;
  private final int[] offsets;
  private final int count;
  private final int channels;
  private final DataFormat layout;
  /** Strided batches only (else null and channels): where each sequence starts, floats between steps. */
  private final int[] starts;
  private final int stride;

  private SequenceBatch(float[] values, int[] offsets, int count, int channels, DataFormat layout) {
    this(Args.notNull("values", values), null, offsets, count, channels, layout, null, channels);
  }

  private SequenceBatch(float[] values, FloatBuffer buffer, int[] offsets, int count, int channels, DataFormat layout,
      int[] starts, int stride) {
    this.values = values;
    this.buffer = buffer;
    this.offsets = Args.notNull("offsets", offsets);
    this.count = Args.nonNegative("count", count);
    this.channels = Args.positive("channels", channels);
    this.layout = Args.notNull("layout", layout);
    if (offsets.length < count + 1) {
      throw Args.invalid("offsets", "length " + offsets.length, "must hold count+1 = " + (count + 1) + " entries");
    }
    if (offsets[0] < 0) throw Args.invalid("offsets[0]", offsets[0], "must be >= 0");
    for (int i = 0; i < count; i++) {
      if (offsets[i + 1] < offsets[i]) {
        throw Args.invalid("offsets[" + (i + 1) + "]", offsets[i + 1],
            "offsets must be non-decreasing (offsets[" + i + "] = " + offsets[i] + ")");
      }
    }
    this.starts = starts;
    this.stride = stride;
    if (starts != null) {
      checkStrided();
      return;
    }
    long need = (long) offsets[count] * channels;
    long have = values != null ? values.length : buffer.limit();
    if (need > have) {
      throw Args.invalid("values", "length " + have, "must hold offsets[count]*channels = " + need + " elements");
    }
  }

  private void checkStrided() {
    if (stride < channels) throw Args.invalid("stride", stride, "must be >= channels = " + channels);
    if (starts.length < count) {
      throw Args.invalid("starts", "length " + starts.length, "must hold count = " + count + " entries");
    }
    for (int i = 0; i < count; i++) {
      if (length(i) == 0) continue;
      long end = starts[i] + (long) (length(i) - 1) * stride + channels;
      if (starts[i] < 0 || end > values.length) {
        throw Args.invalid("starts[" + i + "]", starts[i], "sequence " + i + " of " + length(i) + " steps at stride "
            + stride + " must lie within values (length " + values.length + ")");
      }
    }
  }

  public static SequenceBatch of(float[] values, int[] offsets, int channels, DataFormat layout) {
    return new SequenceBatch(values, offsets, notEmpty(offsets).length - 1, channels, layout);
  }

  public static SequenceBatch of(float[] values, int[] offsets, int count, int channels, DataFormat layout) {
    return new SequenceBatch(values, offsets, count, channels, layout);
  }

  /**
   * A channels_last batch whose sequence i (of {@code offsets[i+1] - offsets[i]} steps) has step t, channel c at
   * {@code values[starts[i] + t * stride + c]}. The caller keeps sequences from overlapping.
   */
  public static SequenceBatch strided(float[] values, int[] offsets, int[] starts, int count, int channels,
      int stride) {
    return new SequenceBatch(Args.notNull("values", values), null, offsets, count, channels, DataFormat.CHANNELS_LAST,
        Args.notNull("starts", starts), stride);
  }

  /**
   * A dense, read-only batch over {@code values[0, limit)} (absolute indices; its position is ignored), for the
   * forward input only. The caller keeps the memory valid and unchanged until the forward pass returns.
   */
  public static SequenceBatch ofBuffer(FloatBuffer values, int[] offsets, int count, int channels, DataFormat layout) {
    return new SequenceBatch(null, Args.notNull("values", values), offsets, count, channels, layout, null, channels);
  }

  /** A zeroed batch with the given offsets. */
  public static SequenceBatch allocate(int[] offsets, int channels, DataFormat layout) {
    notEmpty(offsets);
    Args.positive("channels", channels);
    long n = (long) offsets[offsets.length - 1] * channels;
    if (n > Integer.MAX_VALUE - 8) throw Args.invalid("offsets", n + " elements", "exceeds one Java array");
    // A negative size means bad offsets: the constructor names the offending entry.
    return new SequenceBatch(new float[(int) Math.max(0, n)], offsets, offsets.length - 1, channels, layout);
  }

  /** One sequence. */
  public static SequenceBatch single(float[] values, int length, int channels, DataFormat layout) {
    return new SequenceBatch(values, new int[] {0, Args.nonNegative("length", length)}, 1, channels, layout);
  }

  private static int[] notEmpty(int[] offsets) {
    Args.notNull("offsets", offsets);
    if (offsets.length == 0) throw Args.invalid("offsets", "length 0", "must hold count+1 >= 1 entries");
    return offsets;
  }

  /** The heap array of the values; an {@linkplain #ofBuffer off-heap} batch has none. */
  public float[] values() {
    if (values == null) throw new IllegalStateException("an off-heap batch has no heap array (see isHeap)");
    return values;
  }

  /** Whether the values are in a heap array ({@link #values()}), else in a buffer ({@link #buffer()}). */
  public boolean isHeap() { return values != null; }

  /** The values of an {@linkplain #ofBuffer off-heap} batch, read with absolute gets; null for a heap batch. */
  public FloatBuffer buffer() { return buffer; }
  public int[] offsets() { return offsets; }
  public int count() { return count; }
  public int channels() { return channels; }
  public DataFormat layout() { return layout; }

  public int length(int i) { return offsets[i + 1] - offsets[i]; }

  /** Whether sequences lie back to back in {@link #values()} (not {@link #strided}). */
  public boolean isDense() { return starts == null; }

  /** Floats from one step to the next (channels_last; channels unless strided). */
  public int stride() { return stride; }

  /** Index in {@link #values()} of the first element of sequence i. */
  public int start(int i) { return starts != null ? starts[i] : offsets[i] * channels; }

  /** Total steps of all sequences. */
  public int totalSteps() { return offsets[count] - offsets[0]; }

  /** Element (step t, channel c) of sequence i, whatever the layout. */
  public float get(int i, int t, int c) {
    int base = start(i);
    int at = layout == DataFormat.CHANNELS_LAST ? base + t * stride + c : base + c * length(i) + t;
    return values != null ? values[at] : buffer.get(at);
  }

  public void set(int i, int t, int c, float v) {
    int base = start(i);
    values(); // off-heap batches are read-only
    if (layout == DataFormat.CHANNELS_LAST) values[base + t * stride + c] = v;
    else values[base + c * length(i) + t] = v;
  }
}
