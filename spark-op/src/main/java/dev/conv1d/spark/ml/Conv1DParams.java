package dev.conv1d.spark.ml;

import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The params that {@link Conv1DModel} shares with the Conv1D estimator, named after the arguments of
 * {@code tf.layers.conv1d} in camelCase. Implementations create them with {@link Conv1DParamDefs}, which holds the
 * docs, validators and defaults in one place.
 */
public interface Conv1DParams extends Params {
  /** Stride of the convolution along the length (TF {@code strides}), &gt;= 1. Default 1. */
  IntParam strides();

  /** {@code valid}, {@code same} or {@code causal}. Default {@code valid}. */
  Param<String> padding();

  /** {@code channels_last} ([length][channels]) or {@code channels_first} ([channels][length]). */
  Param<String> dataFormat();

  /** Dilation of the kernel taps, &gt;= 1; not with strides &gt; 1. Default 1. */
  IntParam dilationRate();

  /** Channel groups, &gt;= 1; must divide the input channels and the filters. Default 1. */
  IntParam groups();

  /** A Keras activation spec, e.g. {@code linear} or {@code relu}. Default {@code linear}. */
  Param<String> activation();

  /** Whether the layer adds a bias. */
  BooleanParam useBias();

  /** Layer name (Keras {@code name}). Default {@code conv1d}. */
  Param<String> name();

  /** Input sequence column. Default {@code sequence}. */
  Param<String> inputCol();

  /** Output column. Default {@code conv1d}. */
  Param<String> outputCol();

  /** Channels per step of flat input (array or Vector columns); unused for nested arrays. No default. */
  IntParam inputChannels();

  /** {@code error} (default), {@code skip} (drop the row) or {@code keep} (null output) for unreadable rows. */
  Param<String> handleInvalid();

  /** Most sequences per Arrow batch. Default 1024. */
  IntParam batchSize();

  /** Most bytes of input plus output floats per Arrow batch; longer sequences are split. Default 1 MiB. */
  LongParam maxBatchBytes();

  default int getStrides() { return (Integer) getOrDefault(strides()); }

  default String getPadding() { return getOrDefault(padding()); }

  default String getDataFormat() { return getOrDefault(dataFormat()); }

  default int getDilationRate() { return (Integer) getOrDefault(dilationRate()); }

  default int getGroups() { return (Integer) getOrDefault(groups()); }

  default String getActivation() { return getOrDefault(activation()); }

  default boolean getUseBias() { return (Boolean) getOrDefault(useBias()); }

  default String getName() { return getOrDefault(name()); }

  default String getInputCol() { return getOrDefault(inputCol()); }

  default String getOutputCol() { return getOrDefault(outputCol()); }

  /** The inputChannels param; fails when it is not set. */
  default int getInputChannels() { return (Integer) getOrDefault(inputChannels()); }

  default String getHandleInvalid() { return getOrDefault(handleInvalid()); }

  default int getBatchSize() { return (Integer) getOrDefault(batchSize()); }

  default long getMaxBatchBytes() { return (Long) getOrDefault(maxBatchBytes()); }
}
