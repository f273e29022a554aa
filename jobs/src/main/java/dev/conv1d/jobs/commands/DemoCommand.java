package dev.conv1d.jobs.commands;

import dev.conv1d.jobs.cli.JobCommand;
import dev.conv1d.jobs.cli.JobContext;
import dev.conv1d.jobs.cli.UserException;
import dev.conv1d.jobs.io.LayerWeights;
import dev.conv1d.jobs.io.WeightFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code conv1d demo}: the README's main job. Generates a small labelled dataset from a hidden conv1d, trains a
 * Conv1D on it, applies the learned model, evaluates it, and reports how closely the learned filter recovers the
 * true one. Deterministic for a seed.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Runs generate -> train -> apply -> evaluate on a small synthetic dataset and prints how closely "
        + "the learned filter recovers the hidden true one (relative L2 error and cosine similarity).",
        "Each step is the same code as its command; the commands it runs are printed so you can repeat them."})
public final class DemoCommand extends JobCommand {
  @Option(names = "--work-dir", paramLabel = "DIR",
      description = "where the dataset, model and output go (default: a temporary directory, removed at the end "
          + "unless --keep; a given directory is kept)")
  Path workDir;

  @Option(names = "--keep", description = "keep the temporary work directory")
  boolean keep;

  @Option(names = "--seed", defaultValue = "7", description = "seed of the data, the true layer and the fit "
      + "(default ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--rows", defaultValue = "2000", description = "rows (default ${DEFAULT-VALUE})")
  long rows;

  @Option(names = "--length", defaultValue = "48:96", description = "sequence lengths (default ${DEFAULT-VALUE})")
  String length;

  @Option(names = "--channels", defaultValue = "3", description = "input channels (default ${DEFAULT-VALUE})")
  int channels;

  @Option(names = "--filters", defaultValue = "4", description = "filters (default ${DEFAULT-VALUE})")
  int filters;

  @Option(names = "--kernel-size", defaultValue = "5", description = "kernel size (default ${DEFAULT-VALUE})")
  int kernelSize;

  @Option(names = "--noise", defaultValue = "0.05", description = "label noise std (default ${DEFAULT-VALUE})")
  double noise;

  @Option(names = "--optimizer", defaultValue = "lbfgs", description = "adam, sgd or lbfgs (default ${DEFAULT-VALUE})")
  String optimizer;

  @Option(names = "--max-iter", defaultValue = "40", description = "training iterations (default ${DEFAULT-VALUE})")
  int maxIter;

  @Override
  protected int run(JobContext ctx) throws Exception {
    long t0 = System.nanoTime();
    PrintStream out = ctx.out();
    boolean temp = workDir == null;
    Path dir = temp ? Files.createTempDirectory("conv1d-demo-") : workDir.toAbsolutePath();
    if (!temp) Files.createDirectories(dir);
    String syn = dir.resolve("syn").toString(), model = dir.resolve("model").toString(),
        applied = dir.resolve("applied").toString();
    try {
      step(ctx, out, "1/4 generate", new GenerateCommand(), "-o", syn, "--rows", String.valueOf(rows), "--length",
          length, "--channels", String.valueOf(channels), "--filters", String.valueOf(filters), "--kernel-size",
          String.valueOf(kernelSize), "--noise", String.valueOf(noise), "--seed", String.valueOf(seed),
          "--overwrite");
      step(ctx, out, "2/4 train", new TrainCommand(), "-i", syn + "/data", "-o", model, "--filters",
          String.valueOf(filters), "--kernel-size", String.valueOf(kernelSize), "--optimizer", optimizer,
          "--max-iter", String.valueOf(maxIter), "--seed", String.valueOf(seed), "--summary-rows", "5",
          "--overwrite");
      step(ctx, out, "3/4 apply", new ApplyCommand(), "--model", model, "-i", syn + "/data", "-o", applied,
          "--overwrite");
      step(ctx, out, "4/4 evaluate", new EvaluateCommand(), "--model", model, "-i", syn + "/data");

      out.println();
      out.println("== recovery of the true filter (learned model vs " + syn + "/true_weights.npz)");
      LayerWeights learned = ModelFiles.weights(ModelFiles.load(ctx, model));
      LayerWeights truth = WeightFiles.read(Path.of(syn, "true_weights.npz"), null, null, null, null);
      Map<String, Object> c = InspectCommand.compare(learned, truth);
      for (String part : new String[] {"kernel", "bias"}) {
        @SuppressWarnings("unchecked")
        Map<String, Object> s = (Map<String, Object>) c.get(part);
        if (s == null) continue;
        out.printf(Locale.ROOT, "%-6s relative L2 error %.4f, cosine similarity %.6f, max abs diff %.4g%n", part,
            (Double) s.get("relativeL2Error"), (Double) s.get("cosine"), (Double) s.get("maxAbsDiff"));
      }
      out.printf(Locale.ROOT, "demo finished in %.1f s%s%n", (System.nanoTime() - t0) / 1e9,
          temp && !keep ? "" : "; files in " + dir);
    } finally {
      if (temp && !keep) deleteTree(dir);
    }
    return 0;
  }

  private void step(JobContext ctx, PrintStream out, String title, JobCommand cmd, String... args) throws Exception {
    out.println();
    out.println("== " + title + ": conv1d " + new CommandLine(cmd).getCommandName() + " " + String.join(" ",
        quoted(args)));
    CommandLine cl = new CommandLine(cmd);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.parseArgs(args);
    int code = cmd.runIn(ctx);
    if (code != 0) throw new UserException(title + " failed (exit " + code + ")");
  }

  private static List<String> quoted(String[] args) {
    List<String> q = new ArrayList<>();
    for (String a : args) q.add(a.matches("[\\w./:=-]+") ? a : "'" + a + "'");
    return q;
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort
    }
  }
}
