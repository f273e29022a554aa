package dev.conv1d.jobs;

import dev.conv1d.jobs.cli.Conv1dCommand;
import dev.conv1d.jobs.cli.Errors;
import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * {@code conv1d <command>}: the runnable jar's entry point, for {@code java -jar conv1d.jar} and
 * {@code spark-submit --class dev.conv1d.jobs.Main conv1d.jar}. Exit codes: 0 success, 1 the command failed
 * (one line on stderr; the stack trace too with --verbose), 2 bad command line.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // Netty (Arrow, Spark RPC) reads this once; the launcher and spark-submit pass it too.
    if (System.getProperty("io.netty.tryReflectionSetAccessible") == null) {
      System.setProperty("io.netty.tryReflectionSetAccessible", "true");
    }
    int code = run(args, System.out, System.err);
    System.out.flush();
    System.err.flush();
    System.exit(code);
  }

  /** Runs one command line in this JVM and returns its exit code; never calls System.exit. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Conv1dCommand top = new Conv1dCommand(out, err);
    CommandLine cl = new CommandLine(top);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setParameterExceptionHandler(Errors::onParameterException);
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> Errors.onExecutionException(e, cmd, top.verbose(), err));
    try {
      return cl.execute(args);
    } finally {
      top.closeContext();
    }
  }
}
