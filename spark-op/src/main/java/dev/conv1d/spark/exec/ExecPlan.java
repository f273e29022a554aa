package dev.conv1d.spark.exec;

import dev.conv1d.kernels.spec.Conv1DSpec;
import dev.conv1d.spark.schema.InputKind;
import dev.conv1d.spark.schema.InputSchema;
import java.io.Serializable;
import java.util.Locale;
import org.apache.spark.broadcast.Broadcast;

/**
 * Everything a task needs to run the layer on its partition, resolved on the driver: the spec as plain values
 * (Conv1DSpec is not serializable), how to read the input column, the invalid-row policy, the batch bounds and the
 * broadcast weights. Small, so shipping it with each task costs nothing; the weights travel only by broadcast.
 */
public final class ExecPlan implements Serializable {
  private static final long serialVersionUID = 1L;

  /** What to do with a row whose sequence cannot be read. */
  public enum OnInvalid {
    ERROR, SKIP, KEEP;

    public static OnInvalid parse(String s) {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
  }

  final int inChannels, filters, kernelSize, strides, dilationRate, groups;
  final String padding, dataFormat, activation;
  final boolean useBias;
  final InputKind kind;
  final boolean doubles, outerContainsNull, innerContainsNull;
  final int ordinal;
  final String inputCol;
  final OnInvalid onInvalid;
  final int batchSize;
  final long maxBatchBytes;
  final Broadcast<WeightsData> weights;

  public ExecPlan(Conv1DSpec spec, String activation, InputSchema input, String inputCol, OnInvalid onInvalid,
      int batchSize, long maxBatchBytes, Broadcast<WeightsData> weights) {
    this.inChannels = spec.inChannels();
    this.filters = spec.filters();
    this.kernelSize = spec.kernelSize();
    this.strides = spec.strides();
    this.dilationRate = spec.dilationRate();
    this.groups = spec.groups();
    this.padding = spec.padding().keras();
    this.dataFormat = spec.dataFormat().keras();
    this.useBias = spec.useBias();
    this.activation = activation;
    this.kind = input.kind();
    this.doubles = input.doubles();
    this.outerContainsNull = input.outerContainsNull();
    this.innerContainsNull = input.innerContainsNull();
    this.ordinal = input.ordinal();
    this.inputCol = inputCol;
    this.onInvalid = onInvalid;
    this.batchSize = batchSize;
    this.maxBatchBytes = maxBatchBytes;
    this.weights = weights;
  }

  Conv1DSpec spec() {
    return Conv1DSpec.builder().inChannels(inChannels).filters(filters).kernelSize(kernelSize).strides(strides)
        .dilationRate(dilationRate).groups(groups).padding(padding).dataFormat(dataFormat).useBias(useBias).build();
  }
}
