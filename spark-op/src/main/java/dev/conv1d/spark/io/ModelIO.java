package dev.conv1d.spark.io;

import dev.conv1d.spark.ml.Conv1DModel;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;

/** Entry points for {@link Conv1DModel} persistence; the implementations stay package-private. */
public final class ModelIO {
  private ModelIO() {}

  public static MLWriter writer(Conv1DModel model) {
    return new Conv1DModelWriter(model);
  }

  public static MLReader<Conv1DModel> reader() {
    return new Conv1DModelReader();
  }
}
