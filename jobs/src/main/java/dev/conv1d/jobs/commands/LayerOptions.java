package dev.conv1d.jobs.commands;

import dev.conv1d.jobs.cli.ParamSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Layer and column params as options, plus {@code --param name=value} and {@code --config FILE.json} for any
 * param by its Spark ML name. A mixin: import and apply use it now, train will too (its estimator params then
 * come through --param/--config with no new code).
 */
public final class LayerOptions {
  @Option(names = "--padding", description = "valid, same or causal") String padding;
  @Option(names = "--strides", description = "stride along the length") Integer strides;
  @Option(names = "--dilation-rate", description = "dilation of the kernel taps") Integer dilationRate;
  @Option(names = "--groups", description = "channel groups") Integer groups;
  @Option(names = "--activation", description = "Keras activation, e.g. linear, relu") String activation;
  @Option(names = "--data-format", description = "channels_last or channels_first") String dataFormat;
  @Option(names = "--input-col", description = "input sequence column") String inputCol;
  @Option(names = "--output-col", description = "output column") String outputCol;
  @Option(names = "--input-channels", description = "channels per step of flat (array or vector) input") Integer inputChannels;
  @Option(names = "--handle-invalid", description = "error, skip or keep") String handleInvalid;
  @Option(names = "--batch-size", description = "most sequences per Arrow batch") Integer batchSize;

  @Option(names = "--param", paramLabel = "NAME=VALUE", description = "any param by its Spark ML name, repeatable")
  List<String> params = new ArrayList<>();

  @Option(names = "--config", paramLabel = "FILE.json", description = "params as a JSON object {\"name\": value}")
  Path config;

  /** Config file first, then --param, then the named options: the most specific wins. */
  public ParamSettings settings() {
    ParamSettings s = new ParamSettings().addJsonFile(config).addPairs(params, "--param");
    s.put("padding", padding).put("strides", strides).put("dilationRate", dilationRate).put("groups", groups)
        .put("activation", activation).put("dataFormat", dataFormat).put("inputCol", inputCol)
        .put("outputCol", outputCol).put("inputChannels", inputChannels).put("handleInvalid", handleInvalid)
        .put("batchSize", batchSize);
    return s;
  }
}
