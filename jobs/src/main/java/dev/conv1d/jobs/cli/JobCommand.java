package dev.conv1d.jobs.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** Base of every subcommand: gets the shared {@link JobContext} and returns an exit code. */
public abstract class JobCommand implements Callable<Integer> {
  @ParentCommand protected Conv1dCommand top;
  @Spec protected CommandSpec spec;

  @Override
  public final Integer call() throws Exception {
    return run(top.context());
  }

  /** Runs this command, its options already parsed, in a given context: for commands that chain others (demo). */
  public final int runIn(JobContext ctx) throws Exception {
    return run(ctx);
  }

  protected abstract int run(JobContext ctx) throws Exception;
}
