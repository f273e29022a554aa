package dev.conv1d.jobs.commands;

import dev.conv1d.jobs.cli.JobCommand;
import dev.conv1d.jobs.cli.JobContext;
import dev.conv1d.jobs.cli.ParamSettings;
import dev.conv1d.jobs.cli.UserException;
import dev.conv1d.jobs.io.LayerWeights;
import dev.conv1d.jobs.io.NpyArray;
import dev.conv1d.jobs.io.WeightFiles;
import dev.conv1d.jobs.spark.DataIO;
import dev.conv1d.spark.ml.Conv1DModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code conv1d import}: weights from NumPy or Keras files into a saved Conv1DModel. */
@Command(name = "import", mixinStandardHelpOptions = true,
    description = {"Builds a Conv1DModel from weights in .npy/.npz or Keras .h5/.weights.h5/.keras files and saves it.",
        "Kernels use Keras' layout (kernel_size, in_channels/groups, filters). A .keras file also gives the layer's "
            + "padding, strides, dilation, groups, activation and data format; options override them."})
public final class ImportCommand extends JobCommand {
  @Option(names = "--from", required = true, paramLabel = "FILE", description = "weights file")
  Path from;

  @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "model directory to write")
  String out;

  @Option(names = "--layer", description = "layer name in a Keras file (default: its only conv1d layer)")
  String layer;

  @Option(names = "--kernel-key", description = "kernel array in an .npz (default: kernel)")
  String kernelKey;

  @Option(names = "--bias-key", description = "bias array in an .npz (default: bias, when present)")
  String biasKey;

  @Option(names = "--bias", paramLabel = "FILE.npy", description = "bias for a kernel .npy (default: its _bias.npy sibling)")
  Path bias;

  @Option(names = "--overwrite", description = "replace the model directory if it exists")
  boolean overwrite;

  @Mixin LayerOptions layerOptions;

  @Override
  protected int run(JobContext ctx) throws IOException {
    LayerWeights w;
    try {
      w = WeightFiles.read(from, layer, kernelKey, biasKey, bias);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
    ParamSettings s = layerOptions.settings();
    Map<String, Object> c = w.config();
    if (!c.isEmpty()) {
      if (c.containsKey("class_name") && !"Conv1D".equals(c.get("class_name"))) {
        throw new UserException(from + ": layer '" + w.name() + "' is a " + c.get("class_name") + ", not a Conv1D");
      }
      s.putIfAbsent("padding", c.get("padding")).putIfAbsent("strides", c.get("strides"))
          .putIfAbsent("dilationRate", c.get("dilation_rate")).putIfAbsent("groups", c.get("groups"))
          .putIfAbsent("activation", c.get("activation")).putIfAbsent("dataFormat", c.get("data_format"));
    }
    s.putIfAbsent("name", w.name());
    Conv1DModel m = s.applyTo(Conv1DModel.fromWeights(w.kernel3d(), w.bias()));
    try {
      m.spec();
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
    DataIO.requireWritable(ctx.spark(), out, overwrite);
    (overwrite ? m.write().overwrite() : m.write()).save(out);
    ctx.out().println("imported layer '" + w.name() + "' from " + from + ": kernel "
        + NpyArray.shapeString(w.kernelShape()) + ", bias " + (w.bias() == null ? "none" : "(" + w.bias().length + ",)")
        + ", padding " + m.getPadding() + ", strides " + m.getStrides() + ", activation " + m.getActivation());
    ctx.out().println("saved Conv1DModel " + m.uid() + " to " + out);
    return 0;
  }
}
