package dev.conv1d.jobs.commands;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.conv1d.jobs.cli.JobCommand;
import dev.conv1d.jobs.cli.JobContext;
import dev.conv1d.jobs.cli.UserException;
import dev.conv1d.jobs.io.LayerWeights;
import dev.conv1d.jobs.io.NpyArray;
import dev.conv1d.jobs.io.WeightFiles;
import dev.conv1d.jobs.io.WeightStats;
import dev.conv1d.spark.ml.Conv1DModel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.ml.param.Param;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code conv1d inspect}: a saved model's params, weight shapes and statistics, optionally against reference weights. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = {"Prints a saved Conv1DModel's params, weight shapes and weight statistics.",
        "Given a weights file (.npy, .npz, .h5, .weights.h5, .keras) instead, prints its conv1d layers and the chosen "
            + "layer's shapes and statistics (and, for .keras, its config)."})
public final class InspectCommand extends JobCommand {
  @Parameters(index = "0", paramLabel = "MODEL", description = "saved model directory, or a weights file")
  String model;

  @Option(names = "--json", description = "print one JSON object instead of text")
  boolean json;

  @Option(names = "--compare-to", paramLabel = "FILE",
      description = "reference weights (.npy, .npz, .h5, .weights.h5, .keras): print how closely the model matches")
  Path compareTo;

  @Option(names = "--layer", description = "layer in a Keras file (MODEL or --compare-to)")
  String layer;

  @Override
  protected int run(JobContext ctx) throws IOException {
    Map<String, Object> report;
    LayerWeights w;
    Path asFile = weightsFile(model);
    if (asFile != null) {
      try {
        w = WeightFiles.read(asFile, layer, null, null, null);
      } catch (IllegalArgumentException e) {
        throw new UserException(e.getMessage());
      }
      report = new LinkedHashMap<>();
      report.put("file", asFile.toString());
      WeightFiles.Kind kind = WeightFiles.kind(asFile);
      if (kind != WeightFiles.Kind.NPY && kind != WeightFiles.Kind.NPZ) {
        report.put("conv1dLayers", dev.conv1d.jobs.io.KerasWeights.layers(asFile));
      }
      report.put("layer", w.name());
      if (!w.config().isEmpty()) report.put("config", w.config());
      weightReport(report, w);
    } else {
      Conv1DModel m = ModelFiles.load(ctx, model);
      w = ModelFiles.weights(m);
      report = report(m, w);
    }
    if (compareTo != null) {
      LayerWeights ref;
      try {
        ref = WeightFiles.read(compareTo, layer, null, null, null);
      } catch (IllegalArgumentException e) {
        throw new UserException(e.getMessage());
      }
      report.put("comparedTo", compareTo.toString());
      report.put("comparison", compare(w, ref));
    }
    if (json) {
      ctx.out().println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
    } else {
      print(ctx.out(), report);
    }
    return 0;
  }

  static Map<String, Object> compare(LayerWeights got, LayerWeights want) {
    if (!Arrays.equals(got.kernelShape(), want.kernelShape())) {
      throw new UserException("cannot compare: model kernel " + NpyArray.shapeString(got.kernelShape())
          + " vs reference kernel " + NpyArray.shapeString(want.kernelShape()));
    }
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("kernel", WeightStats.compare(got.kernel(), want.kernel()));
    if (got.bias() != null && want.bias() != null) c.put("bias", WeightStats.compare(got.bias(), want.bias()));
    return c;
  }

  /** A local weights file given where a model directory is expected, by its extension; else null. */
  private static Path weightsFile(String path) {
    if (path.contains("://")) return null;
    Path p = Path.of(path);
    if (!java.nio.file.Files.isRegularFile(p)) return null;
    try {
      WeightFiles.kind(p);
      return p;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static Map<String, Object> report(Conv1DModel m, LayerWeights w) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("uid", m.uid());
    Map<String, Object> params = new LinkedHashMap<>();
    for (Param<?> p : m.params()) {
      if (m.isDefined(p)) params.put(p.name(), m.getOrDefault(p));
    }
    r.put("params", params);
    return weightReport(r, w);
  }

  private static Map<String, Object> weightReport(Map<String, Object> r, LayerWeights w) {
    r.put("kernelShape", w.kernelShape());
    r.put("biasShape", w.bias() == null ? null : new int[] {w.bias().length});
    r.put("parameters", w.kernel().length + (w.bias() == null ? 0 : w.bias().length));
    r.put("kernelStats", WeightStats.of(w.kernel()));
    if (w.bias() != null) r.put("biasStats", WeightStats.of(w.bias()));
    r.put("filterL2Norms", WeightStats.filterNorms(w.kernel(), w.filters()));
    return r;
  }

  @SuppressWarnings("unchecked")
  private static void print(PrintStream out, Map<String, Object> r) {
    if (r.containsKey("file")) {
      out.println("weights file " + r.get("file") + (r.containsKey("conv1dLayers") ? ", conv1d layers "
          + r.get("conv1dLayers") : "") + "; layer '" + r.get("layer") + "'");
      if (r.containsKey("config")) out.println("config: " + r.get("config"));
    } else {
      out.println("Conv1DModel " + r.get("uid"));
      out.println("params:");
      for (Map.Entry<String, Object> e : ((Map<String, Object>) r.get("params")).entrySet()) {
        out.printf("  %-15s %s%n", e.getKey(), e.getValue());
      }
    }
    int[] ks = (int[]) r.get("kernelShape");
    out.println("weights: kernel " + NpyArray.shapeString(ks) + " [kernel_size, in_channels/groups, filters], bias "
        + (r.get("biasShape") == null ? "none" : NpyArray.shapeString((int[]) r.get("biasShape"))) + "; "
        + r.get("parameters") + " parameters");
    printStats(out, "kernel", (Map<String, Object>) r.get("kernelStats"));
    if (r.containsKey("biasStats")) printStats(out, "bias", (Map<String, Object>) r.get("biasStats"));
    double[] norms = (double[]) r.get("filterL2Norms");
    StringBuilder sb = new StringBuilder("filter L2 norms:");
    for (int f = 0; f < norms.length && f < 32; f++) sb.append(String.format(" %.4g", norms[f]));
    if (norms.length > 32) sb.append(" ... (").append(norms.length).append(" filters)");
    out.println(sb);
    if (r.containsKey("comparison")) {
      out.println("compared to " + r.get("comparedTo") + ":");
      for (Map.Entry<String, Object> e : ((Map<String, Object>) r.get("comparison")).entrySet()) {
        Map<String, Object> c = (Map<String, Object>) e.getValue();
        out.printf("  %-6s max|diff| %.4g  rmse %.4g  relative L2 error %.4g  cosine %.6f%n", e.getKey(),
            c.get("maxAbsDiff"), c.get("rmse"), c.get("relativeL2Error"), c.get("cosine"));
      }
    }
  }

  private static void printStats(PrintStream out, String what, Map<String, Object> s) {
    out.printf("  %-6s min %.4g  max %.4g  mean %.4g  std %.4g  L2 %.4g  zeros %d%s%n", what, s.get("min"),
        s.get("max"), s.get("mean"), s.get("std"), s.get("l2"), s.get("zeros"),
        ((Long) s.get("nonFinite")) > 0 ? "  NaN/Inf " + s.get("nonFinite") : "");
  }
}
