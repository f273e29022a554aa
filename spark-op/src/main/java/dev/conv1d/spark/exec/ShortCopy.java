package dev.conv1d.spark.exec;

import org.apache.spark.unsafe.Platform;

/**
 * Memory copies of a few dozen bytes, as nested sequences need: one per inner array of 8 or 16 floats, millions per
 * task. {@code Platform.copyMemory} costs a native call and its checks each time, more than moving 32-64 bytes, so
 * short runs are moved a long at a time with plain loads and stores (JIT intrinsics); long runs still go through
 * {@code copyMemory}. Where the platform does not allow unaligned access every copy goes through {@code copyMemory}.
 */
final class ShortCopy {
  /**
   * Runs up to this many bytes are moved by the loop. Profiled: S1 nested rows copy 32 and 64 bytes per call and
   * gain; S3's 256-byte inner arrays were slower by the loop than by copyMemory.
   */
  static final long SHORT_BYTES = 64;
  private static final boolean UNALIGNED = Platform.unaligned();

  private ShortCopy() {}

  /** Copies {@code bytes} bytes from src/srcOffset to dst/dstOffset; the two ranges must not overlap. */
  static void copy(Object src, long srcOffset, Object dst, long dstOffset, long bytes) {
    if (bytes > SHORT_BYTES || !UNALIGNED) {
      Platform.copyMemory(src, srcOffset, dst, dstOffset, bytes);
      return;
    }
    long i = 0;
    for (; i + 8 <= bytes; i += 8) Platform.putLong(dst, dstOffset + i, Platform.getLong(src, srcOffset + i));
    if (i + 4 <= bytes) {
      Platform.putInt(dst, dstOffset + i, Platform.getInt(src, srcOffset + i));
      i += 4;
    }
    for (; i < bytes; i++) Platform.putByte(dst, dstOffset + i, Platform.getByte(src, srcOffset + i));
  }
}
