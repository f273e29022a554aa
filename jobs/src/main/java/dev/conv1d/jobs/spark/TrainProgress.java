package dev.conv1d.jobs.spark;

import dev.conv1d.spark.ml.IterationRow;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Per-iteration progress of a fit on stderr, fed by {@code Conv1D.setIterationListener}: on a terminal a redrawn bar
 * with the current objective and data loss; otherwise plain lines, at most about 20 per fit plus the last.
 */
public final class TrainProgress implements Consumer<IterationRow>, AutoCloseable {
  private final PrintStream err;
  private final boolean terminal;
  /** Rows expected: maxIter steps, plus lbfgs' initial evaluation. */
  private final int expected;
  private final int every;
  private boolean openLine;
  private IterationRow last;
  private boolean lastPrinted;

  public TrainProgress(PrintStream err, Boolean terminal, int expected) {
    this.err = err;
    this.terminal = terminal != null ? terminal : System.console() != null;
    this.expected = Math.max(1, expected);
    this.every = Math.max(1, (this.expected + 19) / 20);
  }

  @Override
  public void accept(IterationRow r) {
    last = r;
    synchronized (err) {
      if (terminal) {
        int width = 30, done = Math.min(r.index() + 1, expected), fill = done * width / expected;
        err.print("\rtrain [" + "#".repeat(fill) + " ".repeat(width - fill) + "] " + done + "/" + expected
            + "  loss " + fmt(r.objective()) + (Double.isNaN(r.validationLoss()) ? "" : "  val " + fmt(r.validationLoss()))
            + "   ");
        err.flush();
        openLine = true;
      } else {
        lastPrinted = r.index() % every == 0;
        if (lastPrinted) err.println(line(r));
      }
    }
  }

  private static String line(IterationRow r) {
    return String.format(Locale.ROOT, "train iteration %d: objective %s, data loss %s%s, %.0f ms", r.index(),
        fmt(r.objective()), fmt(r.dataLoss()),
        Double.isNaN(r.validationLoss()) ? "" : ", validation loss " + fmt(r.validationLoss()), r.timeMs());
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.6g", v);
  }

  @Override
  public void close() {
    synchronized (err) {
      if (openLine) err.println();
      else if (!terminal && last != null && !lastPrinted) err.println(line(last));
      openLine = false;
    }
  }
}
