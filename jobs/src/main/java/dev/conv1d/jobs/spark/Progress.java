package dev.conv1d.jobs.spark;

import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Task progress of the Spark stages a command runs, on stderr: a redrawn bar on a terminal, a few plain lines
 * otherwise (logs, CI). Attach around a job with try-with-resources.
 */
public final class Progress extends SparkListener implements AutoCloseable {
  private final SparkContext sc;
  private final PrintStream err;
  private final String label;
  private final boolean terminal;
  private final Map<Integer, int[]> stages = new ConcurrentHashMap<>(); // stageId -> {done, total, lastPrinted}
  private final AtomicInteger finished = new AtomicInteger();
  /** A bar is drawn and its line not yet ended. */
  private boolean openLine;

  private Progress(SparkContext sc, PrintStream err, String label, boolean terminal) {
    this.sc = sc;
    this.err = err;
    this.label = label;
    this.terminal = terminal;
  }

  /** Starts reporting; {@code terminal} null means: a bar when a console is attached. */
  public static Progress start(SparkContext sc, PrintStream err, String label, Boolean terminal) {
    Progress p = new Progress(sc, err, label, terminal != null ? terminal : System.console() != null);
    sc.addSparkListener(p);
    return p;
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted e) {
    stages.put(e.stageInfo().stageId(), new int[] {0, e.stageInfo().numTasks(), -1});
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd e) {
    int[] s = stages.get(e.stageId());
    if (s == null) return;
    int done;
    synchronized (s) {
      done = ++s[0];
    }
    report(e.stageId(), s, done, false);
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted e) {
    int[] s = stages.remove(e.stageInfo().stageId());
    if (s != null) report(e.stageInfo().stageId(), s, s[1], true);
    finished.incrementAndGet();
  }

  private void report(int stage, int[] s, int done, boolean end) {
    int total = Math.max(1, s[1]);
    int pct = (int) Math.min(100, 100L * done / total);
    synchronized (err) {
      if (terminal) {
        int width = 30, fill = pct * width / 100;
        err.print("\r" + label + " stage " + stage + " [" + "#".repeat(fill) + " ".repeat(width - fill) + "] "
            + done + "/" + total + " tasks" + (end ? "\n" : ""));
        err.flush();
        openLine = !end;
      } else {
        int bucket = pct / 25; // at most 0%, 25%, 50%, 75% and the end per stage
        if (end || bucket > s[2]) {
          s[2] = end ? 5 : bucket;
          if (end || done < total) err.println(label + " stage " + stage + ": " + done + "/" + total + " tasks");
        }
      }
    }
  }

  /** Stages completed so far. */
  public int stagesCompleted() {
    return finished.get();
  }

  @Override
  public void close() {
    sc.removeSparkListener(this);
    synchronized (err) {
      if (openLine) err.println(); // results start on their own line
      openLine = false;
    }
  }
}
