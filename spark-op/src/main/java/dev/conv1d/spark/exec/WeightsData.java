package dev.conv1d.spark.exec;

import dev.conv1d.kernels.conv.Weights;
import java.io.Serializable;

/**
 * The weights as plain arrays, the one thing a transform broadcasts: {@link Weights} is not serializable, and
 * executors rebuild (and pack) a {@code Weights} from this once per task.
 */
public final class WeightsData implements Serializable {
  private static final long serialVersionUID = 1L;

  final float[] kernel;
  final int kernelSize;
  final int groupInChannels;
  final int filters;
  final float[] bias;

  public WeightsData(Weights w) {
    this.kernel = w.kernelView();
    this.kernelSize = w.kernelSize();
    this.groupInChannels = w.groupInChannels();
    this.filters = w.filters();
    this.bias = w.biasView();
  }

  Weights toWeights() {
    return Weights.wrap(kernel, kernelSize, groupInChannels, filters, bias);
  }
}
