package dev.conv1d.jobs.cli;

import dev.conv1d.jobs.commands.ApplyCommand;
import dev.conv1d.jobs.commands.DemoCommand;
import dev.conv1d.jobs.commands.EvaluateCommand;
import dev.conv1d.jobs.commands.ExportCommand;
import dev.conv1d.jobs.commands.GenerateCommand;
import dev.conv1d.jobs.commands.ImportCommand;
import dev.conv1d.jobs.commands.InspectCommand;
import dev.conv1d.jobs.commands.TrainCommand;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The top command and its global options. Each subcommand is a {@link JobCommand}.
 */
@Command(name = "conv1d", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "TensorFlow's conv1d on Spark: generate data, train, apply, evaluate, inspect, import and export models.",
    subcommands = {DemoCommand.class, GenerateCommand.class, TrainCommand.class, ApplyCommand.class,
        EvaluateCommand.class, InspectCommand.class, ImportCommand.class,
        ExportCommand.class, HelpCommand.class},
    footer = {"", "Runs an embedded local[*] Spark with `java -jar`; under spark-submit the cluster's master is used.",
        "Exit codes: 0 ok, 1 the command failed, 2 bad command line."})
public final class Conv1dCommand implements Runnable {
  @Spec CommandSpec spec;

  @Option(names = "--master", scope = ScopeType.INHERIT, paramLabel = "URL",
      description = "Spark master (default: spark-submit's, else local[*])")
  String master;

  @Option(names = "--conf", scope = ScopeType.INHERIT, paramLabel = "KEY=VALUE",
      description = "Spark configuration, repeatable")
  List<String> conf = new ArrayList<>();

  @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
      description = "Spark INFO logs, and stack traces on errors")
  boolean verbose;

  private final PrintStream out;
  private final PrintStream err;
  private JobContext context;

  public Conv1dCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing command");
  }

  public boolean verbose() {
    return verbose;
  }

  /** The shared context, created on first use from the global options. */
  public synchronized JobContext context() {
    if (context == null) {
      Map<String, String> c = new LinkedHashMap<>();
      for (String kv : conf) {
        int eq = kv.indexOf('=');
        if (eq <= 0) throw new ParameterException(spec.commandLine(), "--conf expects key=value, got '" + kv + "'");
        c.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
      }
      context = new JobContext(out, err, verbose, master, c);
    }
    return context;
  }

  public synchronized void closeContext() {
    if (context != null) context.close();
    context = null;
  }
}
