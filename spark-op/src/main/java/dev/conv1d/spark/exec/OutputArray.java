package dev.conv1d.spark.exec;

import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.unsafe.Platform;

/**
 * One row's output, built directly in Spark's {@code UnsafeArrayData} format (flat {@code array<float>} or nested
 * {@code array<array<float>>}) and filled chunk by chunk as the kernel produces it. Allocated once at its final
 * size, so a long row split across many batches is never copied or re-grown. The array may come from a
 * {@link BufferPool} with old content: every header, bitmap and padding byte is written (by the constructor, or for
 * channels_last nested inner arrays by the {@link #write} that fills them; every step is written exactly once), and
 * the kernel output fills every value, so no byte of the result is left from its previous use.
 */
final class OutputArray {
  private static final long MAX_BYTES = Integer.MAX_VALUE - 16;

  private final boolean nested;
  private final boolean channelsLast;
  private final int outLen;
  private final int filters;
  private final byte[] bytes;
  /** Nested: byte offset of the first inner array and the size of each (all inner arrays have one size). */
  private final long innerStart;
  private final int innerBytes;
  private final int innerHeader;

  private final int size;

  private OutputArray(boolean nested, boolean channelsLast, int outLen, int filters, BufferPool pool) {
    this.nested = nested;
    this.channelsLast = channelsLast;
    this.outLen = outLen;
    this.filters = filters;
    this.size = (int) bytes(nested, channelsLast, outLen, filters);
    this.bytes = pool == null ? new byte[size] : pool.take(size);
    long base = Platform.BYTE_ARRAY_OFFSET;
    if (!nested) {
      long n = (long) outLen * filters;
      header(base, n);
      innerStart = 0;
      innerBytes = 0;
      innerHeader = 0;
      return;
    }
    int outer = channelsLast ? outLen : filters, inner = channelsLast ? filters : outLen;
    innerHeader = UnsafeArrayData.calculateHeaderPortionInBytes(inner);
    innerBytes = (int) (innerHeader + roundToWord(4L * inner));
    innerStart = UnsafeArrayData.calculateHeaderPortionInBytes(outer) + 8L * outer;
    header(base, outer);
    long slots = base + UnsafeArrayData.calculateHeaderPortionInBytes(outer);
    for (int i = 0; i < outer; i++) {
      long off = innerStart + (long) i * innerBytes;
      Platform.putLong(bytes, slots + 8L * i, (off << 32) | innerBytes);
      // channels_last: each step's inner array is written whole by one write(), which writes its header right
      // before its values, while that memory is in cache (here it would be touched twice, a batch apart).
      if (!channelsLast) header(base + off, inner);
    }
  }

  /**
   * The header of an {@code UnsafeArrayData} of n floats at {@code at}: the count, a cleared null bitmap, and the
   * last word of the values cleared (its padding half, when n is odd, is never written by the kernel output).
   */
  private void header(long at, long n) {
    Platform.putLong(bytes, at, n);
    long h = UnsafeArrayData.calculateHeaderPortionInBytes(n);
    for (long w = 8; w < h; w += 8) Platform.putLong(bytes, at + w, 0L); // the bitmap: a word per 64 values
    if ((n & 1) != 0) Platform.putLong(bytes, at + h + roundToWord(4L * n) - 8, 0L);
  }

  /** A fresh array for the output (tests, and rows too big to pool). */
  static OutputArray allocate(boolean nested, boolean channelsLast, int outLen, int filters) {
    return new OutputArray(nested, channelsLast, outLen, filters, null);
  }

  /** An output on an array from {@code pool}; hand it back with {@link #release} once the row is consumed. */
  static OutputArray allocate(boolean nested, boolean channelsLast, int outLen, int filters, BufferPool pool) {
    return new OutputArray(nested, channelsLast, outLen, filters, pool);
  }

  /** Gives the array back to {@code pool}; the result must not be used any more. */
  void release(BufferPool pool) {
    pool.give(bytes);
  }

  /** Size in bytes of the output of {@code outLen} steps; more than {@link #fits} allows is refused. */
  static long bytes(boolean nested, boolean channelsLast, int outLen, int filters) {
    if (!nested) {
      long n = (long) outLen * filters;
      return UnsafeArrayData.calculateHeaderPortionInBytes(n) + roundToWord(4L * n);
    }
    long outer = channelsLast ? outLen : filters, inner = channelsLast ? filters : outLen;
    long innerSize = UnsafeArrayData.calculateHeaderPortionInBytes(inner) + roundToWord(4L * inner);
    return UnsafeArrayData.calculateHeaderPortionInBytes(outer) + 8L * outer + outer * innerSize;
  }

  static boolean fits(long bytes) {
    return bytes <= MAX_BYTES;
  }

  private static long roundToWord(long n) {
    return (n + 7) / 8 * 8;
  }

  /**
   * Writes output steps [t0, t0 + n) from floats at {@code src} in {@code srcBase} (null: native memory; or a
   * float[]), laid out [n][filters] (channels_last) or [filters][n] (channels_first).
   */
  void write(int t0, int n, Object srcBase, long src) {
    long base = Platform.BYTE_ARRAY_OFFSET;
    int f = filters;
    if (!nested) {
      long data = base + UnsafeArrayData.calculateHeaderPortionInBytes((long) outLen * f);
      if (channelsLast) {
        Platform.copyMemory(srcBase, src, bytes, data + 4L * t0 * f, 4L * n * f);
      } else {
        for (int j = 0; j < f; j++) {
          ShortCopy.copy(srcBase, src + 4L * j * n, bytes, data + 4L * ((long) j * outLen + t0), 4L * n);
        }
      }
    } else if (channelsLast) {
      long d = base + innerStart + (long) t0 * innerBytes;
      for (int t = 0; t < n; t++, d += innerBytes) {
        header(d, f);
        ShortCopy.copy(srcBase, src + 4L * t * f, bytes, d + innerHeader, 4L * f);
      }
    } else {
      for (int j = 0; j < f; j++) {
        long d = base + innerStart + (long) j * innerBytes + innerHeader + 4L * t0;
        ShortCopy.copy(srcBase, src + 4L * j * n, bytes, d, 4L * n);
      }
    }
  }

  UnsafeArrayData result() {
    UnsafeArrayData a = new UnsafeArrayData();
    a.pointTo(bytes, Platform.BYTE_ARRAY_OFFSET, size);
    return a;
  }
}
