package dev.conv1d.spark.exec;

import org.apache.spark.sql.catalyst.util.ArrayData;

/**
 * One row's output in Spark's {@code UnsafeArrayData} format, flat {@code array<float>} or nested
 * {@code array<array<float>>} (the layout is encoded by {@link SparkInternals}), in one of two places:
 *
 * <ul>
 *   <li>{@linkplain #inStaging in the kernel's output staging} (channels_last rows that fit one batch): every header
 *       is written first and the kernel then writes the values straight into place through a strided output batch,
 *       so the row's output is never copied before Spark's projection copies it into the result row;
 *   <li>{@linkplain #allocate on its own array}, filled chunk by chunk (rows split over several batches, and
 *       channels_first outputs, whose per-filter rows the kernel does not write in place). Allocated once at its
 *       final size, so a long row is never copied or re-grown.
 * </ul>
 *
 * Arrays may come from a {@link BufferPool} or a reused staging array with old content: every header, bitmap and
 * padding byte is written here, and the kernel output fills every value, so no byte of the result is left over.
 * Nested channels_last steps are whole inner arrays in the staging too ({@link #stagingStride}), so a chunk goes to
 * its own array in one bulk copy.
 */
final class OutputArray {
  private static final long MAX_BYTES = Integer.MAX_VALUE - 16;

  private final boolean nested;
  private final boolean channelsLast;
  private final int outLen;
  private final int filters;
  /** Where the array is: base object and offset; {@code pooled} when the base is an array of its own. */
  private final Object base;
  private final long at;
  private final byte[] pooled;
  /** Nested: offset from {@code at} of the first inner array, and the size of each (all have one size). */
  private final long innerStart;
  private final int innerBytes;
  private final int innerHeader;
  private final int size;

  private OutputArray(boolean nested, boolean channelsLast, int outLen, int filters, Object base, long at,
      byte[] pooled, boolean innerHeaders) {
    this.nested = nested;
    this.channelsLast = channelsLast;
    this.outLen = outLen;
    this.filters = filters;
    this.size = (int) bytes(nested, channelsLast, outLen, filters);
    this.base = base;
    this.at = at;
    this.pooled = pooled;
    if (!nested) {
      SparkInternals.writeFloatArrayHeader(base, at, (long) outLen * filters);
      innerStart = 0;
      innerBytes = 0;
      innerHeader = 0;
      return;
    }
    int outer = channelsLast ? outLen : filters, inner = channelsLast ? filters : outLen;
    innerHeader = SparkInternals.headerBytes(inner);
    innerBytes = (int) innerBytes(inner); // fits: the whole array does
    innerStart = SparkInternals.firstInnerArray(outer);
    SparkInternals.writeArrayOfArraysHeader(base, at, outer, innerBytes);
    // channels_last chunks arrive as whole inner arrays, headers included (written in the staging by innerHeaders).
    if (innerHeaders) innerHeaders(base, at + innerStart, outer, inner);
  }

  /** A fresh array for the output (tests, and rows too big to pool). */
  static OutputArray allocate(boolean nested, boolean channelsLast, int outLen, int filters) {
    return allocate(nested, channelsLast, outLen, filters, null);
  }

  /** An output on an array from {@code pool} (null: a new one); hand it back with {@link #release}. */
  static OutputArray allocate(boolean nested, boolean channelsLast, int outLen, int filters, BufferPool pool) {
    int size = (int) bytes(nested, channelsLast, outLen, filters);
    byte[] b = pool == null ? new byte[size] : pool.take(size);
    return new OutputArray(nested, channelsLast, outLen, filters, b, SparkInternals.BYTE_ARRAY_OFFSET, b,
        !channelsLast && nested);
  }

  /**
   * A channels_last output built in {@code staging} from float {@code at} (even), over {@link #stagingFloats}
   * floats: headers now, values by the kernel from {@link #firstValue} on, with stride
   * {@link #stagingStride}. Valid until the staging array is next written.
   */
  static OutputArray inStaging(float[] staging, int at, boolean nested, int outLen, int filters) {
    return new OutputArray(nested, true, outLen, filters, staging, SparkInternals.FLOAT_ARRAY_OFFSET + 4L * at, null, true);
  }

  /** Floats of a {@link #inStaging} output: its size in bytes, always a whole number of longs. */
  static long stagingFloats(boolean nested, int outLen, int filters) {
    return bytes(nested, true, outLen, filters) / 4;
  }

  /** Floats from one channels_last step to the next in the staging: whole inner arrays when nested. */
  static int stagingStride(boolean nested, int filters) {
    return nested ? (int) innerBytes(filters) / 4 : filters;
  }

  /** Floats before the first value in a staged step (its inner header; 0 flat). */
  static int stagingStepHeader(boolean nested, int filters) {
    return nested ? SparkInternals.headerBytes(filters) / 4 : 0;
  }

  /** Floats from the start of a channels_last output to its first value (for a staged one, the kernel's start). */
  int firstValue() {
    long first = nested ? innerStart + innerHeader
        : SparkInternals.headerBytes((long) outLen * filters);
    return (int) (first / 4);
  }

  /** Writes the headers of {@code n} nested channels_last steps staged from float {@code at} on. */
  static void stageStepHeaders(float[] staging, int at, int n, int filters) {
    innerHeaders(staging, SparkInternals.FLOAT_ARRAY_OFFSET + 4L * at, n, filters);
  }

  private static void innerHeaders(Object base, long from, int count, int inner) {
    long bytes = innerBytes(inner);
    for (int i = 0; i < count; i++) SparkInternals.writeFloatArrayHeader(base, from + i * bytes, inner);
  }

  /** Bytes of one inner array of n floats (long: a channels_first inner array holds a whole sequence). */
  private static long innerBytes(long n) {
    return SparkInternals.floatArrayBytes(n);
  }

  /** Gives the array back to {@code pool} (staged outputs have none); the result must not be used any more. */
  void release(BufferPool pool) {
    if (pooled != null) pool.give(pooled);
  }

  /** Size in bytes of the output of {@code outLen} steps; more than {@link #fits} allows is refused. */
  static long bytes(boolean nested, boolean channelsLast, int outLen, int filters) {
    if (!nested) return SparkInternals.floatArrayBytes((long) outLen * filters);
    long outer = channelsLast ? outLen : filters;
    return SparkInternals.arrayOfArraysBytes(outer, innerBytes(channelsLast ? filters : outLen));
  }

  static boolean fits(long bytes) {
    return bytes <= MAX_BYTES;
  }

  /**
   * Copies output steps [t0, t0 + n) from the staging, where the kernel wrote them from float {@code from} on:
   * channels_last as staged steps ({@link #stagingStride}, headers included when nested, written by
   * {@link #stageStepHeaders}), channels_first as [filters][n]. Only for {@link #allocate}d outputs.
   */
  void write(int t0, int n, float[] src, int from) {
    long dst = at;
    long s = SparkInternals.FLOAT_ARRAY_OFFSET + 4L * from;
    int f = filters;
    if (!nested) {
      long data = dst + SparkInternals.headerBytes((long) outLen * f);
      if (channelsLast) {
        SparkInternals.copy(src, s, base, data + 4L * t0 * f, 4L * n * f);
      } else {
        for (int j = 0; j < f; j++) {
          SparkInternals.copy(src, s + 4L * j * n, base, data + 4L * ((long) j * outLen + t0), 4L * n);
        }
      }
    } else if (channelsLast) {
      SparkInternals.copy(src, s - innerHeader, base, dst + innerStart + (long) t0 * innerBytes, (long) n * innerBytes);
    } else {
      for (int j = 0; j < f; j++) {
        long d = dst + innerStart + (long) j * innerBytes + innerHeader + 4L * t0;
        SparkInternals.copy(src, s + 4L * j * n, base, d, 4L * n);
      }
    }
  }

  ArrayData result() {
    return SparkInternals.arrayAt(base, at, size);
  }
}
