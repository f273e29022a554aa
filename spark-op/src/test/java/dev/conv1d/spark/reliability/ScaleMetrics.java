package dev.conv1d.spark.reliability;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerBlockUpdated;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.storage.BlockUpdatedInfo;

/**
 * What ScaleRun measures besides wall time, for one run at a time (reset, act, read):
 * <ul>
 *   <li>task CPU time and task run time summed over the run's tasks (Spark's task metrics): the work done for the
 *       rows, insensitive to other processes on a shared machine, unlike wall time;
 *   <li>the live-heap peak: the largest heap occupancy right after a garbage collection. The heap pools' peaks
 *       before collection only say how much garbage the collector chose to let pile up (more with a bigger heap);
 *       what remains after a collection is what the run holds, so its peak is the memory the run needs;
 *   <li>cached bytes: the peak sum of RDD blocks held in memory and on disk (the fit's cached training blocks),
 *       which grow with the data set by nature; live-heap peak minus cached memory is the working memory.
 * </ul>
 */
final class ScaleMetrics extends SparkListener {
  private final AtomicLong taskCpuNanos = new AtomicLong();
  private final AtomicLong taskRunMillis = new AtomicLong();
  private final AtomicLong tasks = new AtomicLong();
  private final AtomicLong liveHeapPeak = new AtomicLong();
  private final Map<String, long[]> blocks = new HashMap<>();
  private final Map<Integer, Integer> stageJob = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.TreeMap<Integer, Long> jobCpu = new java.util.TreeMap<>();
  private long memNow, diskNow, memPeak, diskPeak;
  private final SparkContext sc;

  private ScaleMetrics(SparkContext sc) {
    this.sc = sc;
  }

  static ScaleMetrics attach(SparkContext sc) {
    ScaleMetrics m = new ScaleMetrics(sc);
    sc.addSparkListener(m);
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc).addNotificationListener((n, h) -> {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) return;
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        long used = 0;
        for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
          if (isHeapPool(e.getKey())) used += e.getValue().getUsed();
        }
        m.liveHeapPeak.accumulateAndGet(used, Math::max);
      }, null, null);
    }
    return m;
  }

  private static boolean isHeapPool(String name) {
    return name.contains("Eden") || name.contains("Survivor") || name.contains("Old Gen") || name.contains("Tenured")
        || name.contains("Humongous");
  }

  /**
   * Starts a measurement. No System.gc() here: with it, 10k rows cost 1.6x the task CPU per row of 100k (presumably
   * G1 gave memory back to the OS after each full collection and the next run paid page faults in its tasks).
   */
  void reset() {
    waitForEvents();
    taskCpuNanos.set(0);
    taskRunMillis.set(0);
    tasks.set(0);
    liveHeapPeak.set(0);
    synchronized (this) {
      jobCpu.clear();
      memPeak = memNow;
      diskPeak = diskNow;
    }
  }

  /** Lets Spark's listener bus deliver every event of the finished run. */
  void waitForEvents() {
    try {
      sc.listenerBus().waitUntilEmpty(60_000);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("Spark's listener bus did not drain in 60 s", e);
    }
  }

  double taskCpuSeconds() { return taskCpuNanos.get() / 1e9; }
  double taskRunSeconds() { return taskRunMillis.get() / 1e3; }
  long tasks() { return tasks.get(); }
  long liveHeapPeakBytes() { return liveHeapPeak.get(); }
  synchronized long cachedMemoryPeakBytes() { return memPeak; }
  synchronized long cachedDiskPeakBytes() { return diskPeak; }

  /** Task CPU seconds of each job since the reset, in job order. */
  synchronized double[] jobCpuSeconds() {
    return jobCpu.values().stream().mapToDouble(v -> v / 1e9).toArray();
  }

  @Override
  public void onJobStart(SparkListenerJobStart e) {
    for (Object s : scala.jdk.javaapi.CollectionConverters.asJava(e.stageIds())) stageJob.put((Integer) s, e.jobId());
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd e) {
    if (e.taskMetrics() == null) return;
    Integer job = stageJob.get(e.stageId());
    if (job != null) {
      synchronized (this) {
        jobCpu.merge(job, e.taskMetrics().executorCpuTime(), Long::sum);
      }
    }
    taskCpuNanos.addAndGet(e.taskMetrics().executorCpuTime());
    taskRunMillis.addAndGet(e.taskMetrics().executorRunTime());
    tasks.incrementAndGet();
  }

  @Override
  public synchronized void onBlockUpdated(SparkListenerBlockUpdated e) {
    BlockUpdatedInfo b = e.blockUpdatedInfo();
    if (!b.blockId().isRDD()) return;
    long[] old = blocks.remove(b.blockId().name());
    if (old != null) {
      memNow -= old[0];
      diskNow -= old[1];
    }
    if (b.storageLevel().isValid()) {
      blocks.put(b.blockId().name(), new long[] {b.memSize(), b.diskSize()});
      memNow += b.memSize();
      diskNow += b.diskSize();
    }
    memPeak = Math.max(memPeak, memNow);
    diskPeak = Math.max(diskPeak, diskNow);
  }
}
