package dev.conv1d.spark.reliability;

import dev.conv1d.spark.exec.ArrowMemory;
import dev.conv1d.spark.ml.Conv1DModel;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Iterator;
import java.util.Locale;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Issue 8, memory: transforms N generated sequences of the S1 shape (length 128, 8 channels, nested
 * {@code array<array<float>>}; 16 filters, kernel 3, valid padding) in {@code local[2]} in this JVM, which the caller
 * starts with the heap under test ({@code -Xmx2g}). Rows are generated inside the tasks and only aggregates come
 * back, so the driver never holds the data. Checks the row count, the output steps and that every Arrow allocator
 * is closed with zero bytes; prints one {@code RESULT} line with the time, heap peak and Arrow peak.
 *
 * <p>Args: {@code [rows=1000000] [partitions=8]}. Exit code 0 when every check holds, 1 otherwise. Run by
 * {@code MemoryIT} (Failsafe, in a child JVM with -Xmx2g) or by hand:
 * {@code mvn -B -Preliability-memory -DskipTests -pl spark-op -am verify}.
 */
public final class MemoryRun {
  static final int LEN = 128;
  static final int CHANNELS = 8;
  static final int FILTERS = 16;
  static final int KERNEL = 3;

  private MemoryRun() {}

  public static void main(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000L;
    int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    SparkSession spark = SparkSession.builder().master("local[2]").appName("memory-run")
        .config("spark.ui.enabled", "false").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    boolean ok;
    try {
      ok = run(spark, rows, partitions);
    } finally {
      spark.stop();
    }
    System.exit(ok ? 0 : 1);
  }

  static Conv1DModel model() {
    float[][][] k = new float[KERNEL][CHANNELS][FILTERS];
    for (int t = 0; t < KERNEL; t++)
      for (int c = 0; c < CHANNELS; c++)
        for (int f = 0; f < FILTERS; f++) k[t][c][f] = ((t * 31 + c * 7 + f * 3) % 13 - 6) / 16f;
    float[] bias = new float[FILTERS];
    for (int f = 0; f < FILTERS; f++) bias[f] = (f % 5 - 2) / 8f;
    return Conv1DModel.fromWeights(k, bias);
  }

  /** N rows (id, sequence[128][8]) made inside the tasks from the id. */
  static Dataset<Row> data(SparkSession spark, long rows, int partitions) {
    StructType schema = new StructType().add("id", DataTypes.LongType, false).add("sequence",
        DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, false), false), false);
    return spark.range(0, rows, 1, partitions).as(Encoders.LONG()).mapPartitions(generator(), Encoders.row(schema));
  }

  private static MapPartitionsFunction<Long, Row> generator() {
    return ids -> new Iterator<Row>() {
      @Override public boolean hasNext() { return ids.hasNext(); }

      @Override public Row next() {
        long id = ids.next();
        float[][] x = new float[LEN][CHANNELS];
        long h = id * 0x9E3779B97F4A7C15L;
        for (int t = 0; t < LEN; t++) {
          for (int c = 0; c < CHANNELS; c++) {
            h ^= h >>> 29;
            h *= 0xBF58476D1CE4E5B9L;
            x[t][c] = ((h >>> 40) & 0xFF) / 128f - 1f;
          }
        }
        return RowFactory.create(id, x);
      }
    };
  }

  static long heapPeakBytes() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) sum += p.getPeakUsage().getUsed();
    }
    return sum;
  }

  static void resetHeapPeak() {
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) p.resetPeakUsage();
  }

  static long gcMillis() {
    long ms = 0;
    for (GarbageCollectorMXBean g : ManagementFactory.getGarbageCollectorMXBeans()) ms += Math.max(0, g.getCollectionTime());
    return ms;
  }

  /** Waits (bounded) for task completion listeners to close their allocators. */
  static boolean arrowAtZero() throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while ((ArrowMemory.openTaskAllocators() > 0 || ArrowMemory.allocatedBytes() > 0) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    return ArrowMemory.openTaskAllocators() == 0 && ArrowMemory.allocatedBytes() == 0;
  }

  static boolean run(SparkSession spark, long rows, int partitions) throws InterruptedException {
    long maxHeap = Runtime.getRuntime().maxMemory();
    Conv1DModel m = model();
    ArrowMemory.resetMaxTaskPeak();
    resetHeapPeak();
    long gc0 = gcMillis();
    long t0 = System.nanoTime();
    Row r = m.transform(data(spark, rows, partitions))
        .selectExpr("count(*)", "sum(size(conv1d))", "count(DISTINCT id)", "sum(conv1d[0][0])")
        .collectAsList().get(0);
    double secs = (System.nanoTime() - t0) / 1e9;
    long outLen = LEN - KERNEL + 1;
    boolean arrowZero = arrowAtZero();
    boolean ok = r.getLong(0) == rows && r.getLong(1) == rows * outLen && r.getLong(2) == rows && arrowZero;
    System.out.println(String.format(Locale.ROOT,
        "RESULT rows=%d partitions=%d maxHeapMiB=%d seconds=%.1f usPerSequence=%.2f heapPeakMiB=%d gcSeconds=%.1f "
            + "arrowTaskPeakKiB=%d count=%d outputSteps=%d distinctIds=%d checksum=%.6g arrowAtZero=%s ok=%s",
        rows, partitions, maxHeap >> 20, secs, secs * 1e6 / rows, heapPeakBytes() >> 20, (gcMillis() - gc0) / 1e3,
        ArrowMemory.maxTaskPeakBytes() >> 10, r.getLong(0), r.getLong(1), r.getLong(2), r.getDouble(3), arrowZero, ok));
    return ok;
  }
}
