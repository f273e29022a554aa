package dev.conv1d.spark.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.conv1d.spark.exec.ArrowMemory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * One local[2] SparkSession per test class (they take seconds to start) and an Arrow leak check after every
 * test: all task allocators closed and nothing allocated, whether the test's jobs succeeded or failed.
 */
public abstract class SparkTestBase {
  protected static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark = SparkSession.builder().master("local[2]").appName("spark-op-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
  }

  @AfterAll
  static void stopSpark() {
    if (spark != null) spark.stop();
    spark = null;
  }

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
