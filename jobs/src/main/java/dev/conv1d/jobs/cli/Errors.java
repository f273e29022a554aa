package dev.conv1d.jobs.cli;

import java.io.FileNotFoundException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** One clear line per error on stderr; the stack trace only with --verbose. */
public final class Errors {
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  private Errors() {}

  static String commandName(CommandLine cmd) {
    return cmd.getCommandSpec().qualifiedName();
  }

  public static int onParameterException(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println(commandName(cmd) + ": " + firstLine(e.getMessage()) + " (see '" + commandName(cmd) + " --help')");
    err.flush();
    return USAGE;
  }

  public static int onExecutionException(Exception e, CommandLine cmd, boolean verbose, PrintStream err) {
    err.println(commandName(cmd) + ": error: " + message(e));
    if (verbose) e.printStackTrace(err);
    err.flush();
    return e instanceof ParameterException ? USAGE : FAILED;
  }

  /** The most telling message in a cause chain: ours if any, else the innermost with a message. */
  public static String message(Throwable e) {
    Throwable best = null;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof UserException) return firstLine(t.getMessage());
      if (t instanceof NoSuchFileException) {
        NoSuchFileException n = (NoSuchFileException) t;
        return n.getFile() + ": " + (n.getReason() != null ? n.getReason() : "no such file");
      }
      if (t instanceof FileNotFoundException && t.getMessage() != null) return firstLine(t.getMessage());
      if (t.getMessage() != null && !t.getMessage().isBlank()) best = t;
    }
    if (best == null) return e.getClass().getSimpleName();
    String m = firstLine(best.getMessage());
    return best instanceof RuntimeException && !(best instanceof IllegalArgumentException)
        && !(best instanceof IllegalStateException) && !best.getClass().getName().startsWith("org.apache.spark")
        ? best.getClass().getSimpleName() + ": " + m : m;
  }

  static String firstLine(String s) {
    if (s == null) return "";
    String t = s.strip();
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl).strip();
  }
}
