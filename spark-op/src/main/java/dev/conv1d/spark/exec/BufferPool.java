package dev.conv1d.spark.exec;

import java.util.ArrayDeque;

/**
 * Byte arrays a task hands back once the rows built on them have been consumed, so the next rows reuse them instead
 * of allocating (and zeroing) a fresh array per row: row copies and output arrays are as large as the sequences,
 * and at 1600 rows of 256 KiB that was 0.4 GB of garbage per transform for each of the two. Bounded by a byte cap,
 * so a task's memory still does not depend on its partition's size. Not thread-safe (one per task).
 */
final class BufferPool {
  private final ArrayDeque<byte[]> free = new ArrayDeque<>();
  private final long capBytes;
  private long pooledBytes;

  BufferPool(long capBytes) {
    this.capBytes = capBytes;
  }

  /** An array of at least {@code size} bytes; its content is arbitrary (callers write every byte they expose). */
  byte[] take(int size) {
    byte[] b = free.pollFirst();
    if (b != null) {
      pooledBytes -= b.length;
      if (b.length >= size) return b;
    }
    return new byte[size];
  }

  /** Hands back an array nothing refers to any more; dropped when the pool is full. */
  void give(byte[] b) {
    if (b == null || pooledBytes + b.length > capBytes) return;
    free.addLast(b);
    pooledBytes += b.length;
  }

  void clear() {
    free.clear();
    pooledBytes = 0;
  }
}
