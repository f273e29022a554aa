package dev.conv1d.jobs.commands;

import dev.conv1d.jobs.cli.JobCommand;
import dev.conv1d.jobs.cli.JobContext;
import dev.conv1d.jobs.cli.UserException;
import dev.conv1d.jobs.io.LayerWeights;
import dev.conv1d.jobs.io.WeightFiles;
import dev.conv1d.spark.ml.Conv1DModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code conv1d export}: a saved model's weights to NumPy or Keras files. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Writes a saved Conv1DModel's weights, by the file's extension:",
        "  .npz  arrays 'kernel' (kernel_size, in_channels/groups, filters) and 'bias' (filters,)",
        "  .npy  the kernel; the bias goes to <name>_bias.npy beside it",
        "  .h5   Keras' legacy save_weights layout (layer_names, weight_names <layer>/kernel:0), which Keras 2 and 3 "
            + "load with model.load_weights into a model with a Conv1D layer of that name",
        "  .weights.h5  Keras 3 save_weights of a Sequential([Input, Conv1D]): /vars, /layers/conv1d/vars/0 (kernel) "
            + "and /1 (bias); Keras 3 model.load_weights loads it into such a model",
        "  .keras  Keras 3 model.save of that Sequential: config.json (the layer's name, filters, kernel_size, "
            + "padding, strides, dilation_rate, groups, activation, use_bias, data_format), metadata.json and "
            + "model.weights.h5; keras.models.load_model rebuilds the model"})
public final class ExportCommand extends JobCommand {
  @Parameters(index = "0", paramLabel = "MODEL", description = "saved model directory")
  String model;

  @Option(names = "--to", required = true, paramLabel = "FILE", description = "file to write (.npz, .npy, .h5, .weights.h5, .keras)")
  Path to;

  @Option(names = "--layer", description = "layer name in the .h5 or .keras (default: the model's name param)")
  String layer;

  @Option(names = "--overwrite", description = "replace existing files")
  boolean overwrite;

  @Override
  protected int run(JobContext ctx) throws IOException {
    WeightFiles.Kind kind;
    try {
      kind = WeightFiles.kind(to);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
    if (!overwrite && Files.exists(to)) throw new UserException(to + ": already exists (use --overwrite to replace it)");
    if (kind == WeightFiles.Kind.NPY && !overwrite && Files.exists(WeightFiles.biasSibling(to))) {
      throw new UserException(WeightFiles.biasSibling(to) + ": already exists (use --overwrite to replace it)");
    }
    Conv1DModel m = ModelFiles.load(ctx, model);
    LayerWeights w = ModelFiles.weights(m).withConfig(ModelFiles.kerasConfig(m));
    if (layer != null) w = w.withName(layer);
    List<Path> written;
    try {
      written = WeightFiles.write(to, w);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
    for (Path p : written) ctx.out().println("wrote " + p);
    String shapes = "layer '" + w.name() + "': kernel (" + w.kernelSize() + ", " + w.groupInChannels() + ", "
        + w.filters() + "), bias " + (w.bias() == null ? "none" : "(" + w.filters() + ",)");
    String params = "(padding " + m.getPadding() + ", strides " + m.getStrides() + ", activation "
        + m.getActivation() + ")";
    if (kind == WeightFiles.Kind.KERAS) {
      ctx.out().println(shapes + "; layer params " + params + " are in config.json");
    } else if (kind == WeightFiles.Kind.KERAS_WEIGHTS_H5) {
      ctx.out().println(shapes + ", stored as layers/conv1d (Keras 3 stores layers by class, not by name); layer "
          + "params " + params + " are not stored in weight files");
    } else {
      ctx.out().println(shapes + "; layer params " + params + " are not stored in weight files");
    }
    return 0;
  }
}
