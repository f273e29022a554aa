package dev.conv1d.spark.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.conv1d.spark.exec.ArrowMemory;
import org.junit.jupiter.api.AfterEach;

/**
 * The shared per-class session plus an Arrow leak check after every test: all task allocators closed and nothing
 * allocated, whether the test's jobs succeeded or failed.
 */
public abstract class SparkTestBase extends SparkSessionPerClass {
  /**
   * When a job fails, Spark reports the failure while it is still killing the stage's other tasks; their
   * completion listeners run as they end. So wait (bounded) for them before asserting.
   */
  @AfterEach
  void noArrowLeaks() throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while ((ArrowMemory.openTaskAllocators() > 0 || ArrowMemory.allocatedBytes() > 0) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(0, ArrowMemory.openTaskAllocators(), "task allocators left open");
    assertEquals(0L, ArrowMemory.allocatedBytes(), "Arrow bytes still allocated");
  }
}
