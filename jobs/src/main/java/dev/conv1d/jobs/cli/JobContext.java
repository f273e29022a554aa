package dev.conv1d.jobs.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * What every command shares: output streams, --verbose, and the SparkSession, created on first use from
 * {@code --master} and {@code --conf}. Under spark-submit the master comes from spark-submit; with {@code java -jar}
 * it defaults to {@code local[*]}. A session already running in this JVM (tests, notebooks) is reused and left
 * running; a session this context created is stopped by {@link #close()}.
 */
public final class JobContext implements AutoCloseable {
  public static final String DEFAULT_MASTER = "local[*]";

  private final PrintStream out;
  private final PrintStream err;
  private final boolean verbose;
  private final String master;
  private final Map<String, String> conf;
  private SparkSession spark;
  private boolean ownsSession;

  public JobContext(PrintStream out, PrintStream err, boolean verbose, String master, Map<String, String> conf) {
    this.out = out;
    this.err = err;
    this.verbose = verbose;
    this.master = master;
    this.conf = new LinkedHashMap<>(conf);
    // Read by the jar's log4j2.properties when logging starts (before Spark does): INFO, stack traces and Spark's
    // task-failure reports only with --verbose. No effect where logging is already configured (spark-submit, tests).
    if (verbose) {
      System.setProperty("conv1d.log.level", "info");
      System.setProperty("conv1d.log.tasks", "info");
      System.setProperty("conv1d.log.trace", "full");
    }
  }

  public PrintStream out() { return out; }
  public PrintStream err() { return err; }
  public boolean verbose() { return verbose; }

  /** Progress and notes go to stderr, so stdout holds only results. */
  public void info(String line) {
    err.println(line);
  }

  /** The master this context asks for: --master, else spark.master (spark-submit sets it), else local[*]. */
  public String effectiveMaster() {
    if (master != null) return master;
    if (conf.containsKey("spark.master")) return conf.get("spark.master");
    String fromSubmit = System.getProperty("spark.master");
    return fromSubmit != null ? fromSubmit : DEFAULT_MASTER;
  }

  public synchronized SparkSession spark() {
    if (spark != null) return spark;
    boolean existing = SparkSession.getActiveSession().isDefined() || SparkSession.getDefaultSession().isDefined();
    SparkSession.Builder b = SparkSession.builder().appName("conv1d");
    String m = effectiveMaster();
    if (!existing) {
      b.master(m);
      SparkConf defaults = new SparkConf();
      if (m.startsWith("local")) {
        // An embedded Spark needs no UI and must not depend on the host name resolving.
        if (!conf.containsKey("spark.ui.enabled") && !defaults.contains("spark.ui.enabled")) {
          b.config("spark.ui.enabled", "false");
        }
        if (!conf.containsKey("spark.driver.host") && !defaults.contains("spark.driver.host")) {
          b.config("spark.driver.host", "127.0.0.1");
          b.config("spark.driver.bindAddress", "127.0.0.1");
        }
      }
    }
    for (Map.Entry<String, String> e : conf.entrySet()) b.config(e.getKey(), e.getValue());
    spark = b.getOrCreate();
    ownsSession = !existing;
    if (ownsSession) spark.sparkContext().setLogLevel(verbose ? "INFO" : "WARN");
    return spark;
  }

  @Override
  public synchronized void close() {
    if (spark != null && ownsSession) spark.stop();
    spark = null;
  }
}
