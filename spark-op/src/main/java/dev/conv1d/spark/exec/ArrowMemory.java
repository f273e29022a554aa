package dev.conv1d.spark.exec;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * The one Arrow root allocator of this JVM for conv1d batches. Each task takes a child of it and closes the child
 * when the task ends, so a leak shows up here (and, in tests, as a non-zero {@link #allocatedBytes()}).
 */
public final class ArrowMemory {
  private static final BufferAllocator ROOT = new RootAllocator(Long.MAX_VALUE);
  private static final AtomicLong TASK_PEAK = new AtomicLong();

  private ArrowMemory() {}

  static BufferAllocator newTaskAllocator(String name) {
    return ROOT.newChildAllocator(name, 0, Long.MAX_VALUE);
  }

  /** Closes a task's allocator (failing if it leaked) and records its peak for {@link #maxTaskPeakBytes()}. */
  static void closeTaskAllocator(BufferAllocator a) {
    TASK_PEAK.accumulateAndGet(a.getPeakMemoryAllocation(), Math::max);
    a.close();
  }

  /** The largest Arrow peak of any task allocator closed since the last {@link #resetMaxTaskPeak()}. */
  public static long maxTaskPeakBytes() {
    return TASK_PEAK.get();
  }

  public static void resetMaxTaskPeak() {
    TASK_PEAK.set(0);
  }

  /** Bytes currently allocated by all conv1d tasks of this JVM. */
  public static long allocatedBytes() {
    return ROOT.getAllocatedMemory();
  }

  /** Child allocators not yet closed (one per running task). */
  public static int openTaskAllocators() {
    return ROOT.getChildAllocators().size();
  }
}
