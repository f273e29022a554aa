package dev.conv1d.kernels.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-thread CPU ticks of this process from {@code /proc/self/task/<tid>/stat} (Linux), Java and native threads
 * alike: counts how many threads did the work of a measured section, i.e. whether TensorFlow really ran on the
 * intra-op thread count it was given. JIT compiler, GC and other VM housekeeping threads are left out.
 */
final class ThreadCpu {
  private final Map<String, Long> ticks;

  private ThreadCpu(Map<String, Long> ticks) {
    this.ticks = ticks;
  }

  static boolean supported() {
    return new File("/proc/self/task").isDirectory();
  }

  /** Snapshot of utime + stime per thread, keyed "tid/name"; empty when /proc is not available. */
  static ThreadCpu snapshot() {
    Map<String, Long> m = new HashMap<>();
    File[] tasks = new File("/proc/self/task").listFiles();
    if (tasks != null) {
      for (File t : tasks) {
        try {
          String st = new String(Files.readAllBytes(new File(t, "stat").toPath()), StandardCharsets.US_ASCII);
          int open = st.indexOf('('), close = st.lastIndexOf(')');
          String name = st.substring(open + 1, close);
          // Fields after the name: state is field 3; utime and stime are fields 14 and 15.
          String[] f = st.substring(close + 2).trim().split(" ");
          m.put(t.getName() + "/" + name, Long.parseLong(f[11]) + Long.parseLong(f[12]));
        } catch (IOException | RuntimeException e) {
          // The thread ended between listing and reading: ignore it.
        }
      }
    }
    return new ThreadCpu(m);
  }

  private static boolean housekeeping(String key) {
    String name = key.substring(key.indexOf('/') + 1);
    return name.contains("Compiler") || name.startsWith("GC") || name.startsWith("G1") || name.startsWith("VM ")
        || name.equals("Sweeper thread") || name.startsWith("C1 ") || name.startsWith("C2 ");
  }

  /**
   * Threads that did a real share of the work since {@code before}: at least a quarter of the busiest thread's ticks
   * (and at least 2 ticks). -1 when nothing was measurable (no /proc, or under 2 ticks in total).
   */
  int busyThreadsSince(ThreadCpu before) {
    Map<String, Long> delta = new HashMap<>();
    long max = 0;
    for (Map.Entry<String, Long> e : ticks.entrySet()) {
      if (housekeeping(e.getKey())) continue;
      long d = e.getValue() - before.ticks.getOrDefault(e.getKey(), 0L);
      delta.put(e.getKey(), d);
      max = Math.max(max, d);
    }
    if (max < 2) return -1;
    int n = 0;
    for (long d : delta.values()) if (d >= 2 && d * 4 >= max) n++;
    return n;
  }
}
