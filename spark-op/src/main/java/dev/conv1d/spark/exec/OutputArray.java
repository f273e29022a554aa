package dev.conv1d.spark.exec;

import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.unsafe.Platform;

/**
 * One row's output, built directly in Spark's {@code UnsafeArrayData} format (flat {@code array<float>} or nested
 * {@code array<array<float>>}) and filled chunk by chunk as the kernel produces it. Allocated once at its final
 * size, so a long row split across many batches is never copied or re-grown.
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

  private OutputArray(boolean nested, boolean channelsLast, int outLen, int filters) {
    this.nested = nested;
    this.channelsLast = channelsLast;
    this.outLen = outLen;
    this.filters = filters;
    long size = bytes(nested, channelsLast, outLen, filters);
    this.bytes = new byte[(int) size];
    if (!nested) {
      long n = (long) outLen * filters;
      Platform.putLong(bytes, Platform.BYTE_ARRAY_OFFSET, n);
      innerStart = 0;
      innerBytes = 0;
      innerHeader = 0;
      return;
    }
    int outer = channelsLast ? outLen : filters, inner = channelsLast ? filters : outLen;
    innerHeader = UnsafeArrayData.calculateHeaderPortionInBytes(inner);
    innerBytes = (int) (innerHeader + roundToWord(4L * inner));
    innerStart = UnsafeArrayData.calculateHeaderPortionInBytes(outer) + 8L * outer;
    long base = Platform.BYTE_ARRAY_OFFSET;
    Platform.putLong(bytes, base, outer);
    long slots = base + UnsafeArrayData.calculateHeaderPortionInBytes(outer);
    for (int i = 0; i < outer; i++) {
      long off = innerStart + (long) i * innerBytes;
      Platform.putLong(bytes, slots + 8L * i, (off << 32) | innerBytes);
      Platform.putLong(bytes, base + off, inner);
    }
  }

  static OutputArray allocate(boolean nested, boolean channelsLast, int outLen, int filters) {
    return new OutputArray(nested, channelsLast, outLen, filters);
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
   * Writes output steps [t0, t0 + n) from native floats at {@code src}, laid out [n][filters] (channels_last) or
   * [filters][n] (channels_first).
   */
  void write(int t0, int n, long src) {
    long base = Platform.BYTE_ARRAY_OFFSET;
    int f = filters;
    if (!nested) {
      long data = base + UnsafeArrayData.calculateHeaderPortionInBytes((long) outLen * f);
      if (channelsLast) {
        Platform.copyMemory(null, src, bytes, data + 4L * t0 * f, 4L * n * f);
      } else {
        for (int j = 0; j < f; j++) {
          Platform.copyMemory(null, src + 4L * j * n, bytes, data + 4L * ((long) j * outLen + t0), 4L * n);
        }
      }
    } else if (channelsLast) {
      long d = base + innerStart + (long) t0 * innerBytes + innerHeader;
      for (int t = 0; t < n; t++, d += innerBytes) Platform.copyMemory(null, src + 4L * t * f, bytes, d, 4L * f);
    } else {
      for (int j = 0; j < f; j++) {
        long d = base + innerStart + (long) j * innerBytes + innerHeader + 4L * t0;
        Platform.copyMemory(null, src + 4L * j * n, bytes, d, 4L * n);
      }
    }
  }

  UnsafeArrayData result() {
    UnsafeArrayData a = new UnsafeArrayData();
    a.pointTo(bytes, Platform.BYTE_ARRAY_OFFSET, bytes.length);
    return a;
  }
}
