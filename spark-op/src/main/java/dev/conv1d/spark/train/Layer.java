package dev.conv1d.spark.train;

import dev.conv1d.kernels.spec.Conv1DSpec;
import java.io.Serializable;

/** The layer's spec and activation as plain values for tasks (Conv1DSpec is not serializable). */
public final class Layer implements Serializable {
  private static final long serialVersionUID = 1L;

  public final int inChannels, filters, kernelSize, strides, dilationRate, groups;
  public final String padding, dataFormat, activation;
  public final boolean useBias;

  public Layer(Conv1DSpec s, String activation) {
    inChannels = s.inChannels();
    filters = s.filters();
    kernelSize = s.kernelSize();
    strides = s.strides();
    dilationRate = s.dilationRate();
    groups = s.groups();
    padding = s.padding().keras();
    dataFormat = s.dataFormat().keras();
    useBias = s.useBias();
    this.activation = activation;
  }

  public Conv1DSpec spec() {
    return Conv1DSpec.builder().inChannels(inChannels).filters(filters).kernelSize(kernelSize).strides(strides)
        .dilationRate(dilationRate).groups(groups).padding(padding).dataFormat(dataFormat).useBias(useBias).build();
  }

  public boolean channelsLast() {
    return dataFormat.equals("channels_last");
  }

  public int kernelLength() {
    return kernelSize * (inChannels / groups) * filters;
  }

  public int[] kernelShape() {
    return new int[] {kernelSize, inChannels / groups, filters};
  }

  /** Parameters: the flat kernel then the bias. */
  public int paramCount() {
    return kernelLength() + (useBias ? filters : 0);
  }
}
