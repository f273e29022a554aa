package dev.conv1d.spark.exec;

import java.io.File;
import org.apache.spark.TaskContext;

/**
 * Test-only fault injection for transform tasks (issue 8). Inert in production: the flag is false and the system
 * property unset unless a test sets them, and then each task costs one volatile read and one property lookup.
 *
 * <ul>
 *   <li>{@link #testFailFirstAttempts} (local mode, same JVM): the first attempt of every even-numbered partition
 *       throws once it has run its first Arrow batch, so retries start over with buffers already allocated and
 *       released by the failed attempt. Run with master {@code local[N,F]}, F &gt; 1.</li>
 *   <li>System property {@code conv1d.test.killExecutorOnTransformFile} (local-cluster): the first transform task
 *       that deletes that file calls {@code System.exit(19)} in its executor JVM.</li>
 * </ul>
 */
public final class FaultHooks {
  /** When true, first attempts of even-numbered partitions fail after their first batch. */
  public static volatile boolean testFailFirstAttempts;

  static final String KILL_FILE_PROPERTY = "conv1d.test.killExecutorOnTransformFile";

  private FaultHooks() {}

  /** Called once per transform task, before any row is read. */
  static void onTaskStart() {
    String killFile = System.getProperty(KILL_FILE_PROPERTY);
    if (killFile != null && new File(killFile).delete()) System.exit(19);
  }

  /** Called after each batch the kernel ran. */
  static void afterBatch(TaskContext task) {
    if (testFailFirstAttempts && task != null && task.attemptNumber() == 0 && task.partitionId() % 2 == 0) {
      throw new IllegalStateException("test hook: first attempt of transform partition " + task.partitionId()
          + " fails after a batch");
    }
  }
}
