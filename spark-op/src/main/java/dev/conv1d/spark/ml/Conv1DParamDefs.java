package dev.conv1d.spark.ml;

import dev.conv1d.kernels.activation.Activations;
import java.io.Serializable;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable;
import scala.Function1;

/**
 * Creates the {@link Conv1DParams} for one owner, with their docs and validators, so the model and the estimator
 * declare identical params. Java cannot mix in Scala's param traits, hence a factory instead.
 */
final class Conv1DParamDefs {
  static final String[] PADDINGS = {"valid", "same", "causal"};
  static final String[] DATA_FORMATS = {"channels_last", "channels_first"};
  static final String[] HANDLE_INVALID = {"error", "skip", "keep"};
  static final int DEFAULT_BATCH_SIZE = 1024;
  /**
   * 1 MiB: a batch's input and output (and their staging copies) stay in a core's L2/L3 cache between the copy
   * steps; with 16 MiB every copy went to DRAM, which doubled the non-kernel CPU time of a transform (transform
   * benchmark, S1/S3/S5); the per-task heap staging arrays are also smaller (at 16 MiB they were G1 humongous
   * allocations, which triggered most of the collections seen in a JFR recording).
   */
  static final long DEFAULT_MAX_BATCH_BYTES = 1L << 20;

  private Conv1DParamDefs() {}

  private static Function1<Object, Object> atLeast(double v) {
    return ParamValidators.gtEq(v);
  }

  @SuppressWarnings("unchecked")
  private static Function1<String, Object> oneOf(String[] allowed) {
    return (Function1<String, Object>) (Function1<?, ?>) ParamValidators.inArray(allowed);
  }

  private static Function1<String, Object> nonEmpty() {
    return (Function1<String, Object> & Serializable) s -> s != null && !s.isBlank();
  }

  private static Function1<String, Object> activationSpec() {
    return (Function1<String, Object> & Serializable) s -> {
      try {
        Activations.parse(s);
        return true;
      } catch (IllegalArgumentException e) {
        return false;
      }
    };
  }

  static IntParam strides(Identifiable o) {
    return new IntParam(o, "strides", "stride along the length (>= 1)", atLeast(1));
  }

  static Param<String> padding(Identifiable o) {
    return new Param<>(o, "padding", "padding: valid, same or causal", oneOf(PADDINGS));
  }

  static Param<String> dataFormat(Identifiable o) {
    return new Param<>(o, "dataFormat",
        "per-sequence layout: channels_last ([length][channels]) or channels_first ([channels][length])",
        oneOf(DATA_FORMATS));
  }

  static IntParam dilationRate(Identifiable o) {
    return new IntParam(o, "dilationRate", "dilation of the kernel taps (>= 1)", atLeast(1));
  }

  static IntParam groups(Identifiable o) {
    return new IntParam(o, "groups", "channel groups (>= 1), dividing input channels and filters", atLeast(1));
  }

  static Param<String> activation(Identifiable o) {
    return new Param<>(o, "activation", "Keras activation spec, e.g. linear or relu", activationSpec());
  }

  static BooleanParam useBias(Identifiable o) {
    return new BooleanParam(o, "useBias", "whether the layer adds a bias");
  }

  static Param<String> name(Identifiable o) {
    return new Param<>(o, "name", "layer name", nonEmpty());
  }

  static Param<String> inputCol(Identifiable o) {
    return new Param<>(o, "inputCol", "input sequence column", nonEmpty());
  }

  static Param<String> outputCol(Identifiable o) {
    return new Param<>(o, "outputCol", "output column", nonEmpty());
  }

  static IntParam inputChannels(Identifiable o) {
    return new IntParam(o, "inputChannels", "channels per step of flat input columns (>= 1)", atLeast(1));
  }

  static Param<String> handleInvalid(Identifiable o) {
    return new Param<>(o, "handleInvalid",
        "how to handle unreadable rows: error, skip (drop the row) or keep (null output)", oneOf(HANDLE_INVALID));
  }

  static IntParam batchSize(Identifiable o) {
    return new IntParam(o, "batchSize", "most sequences per Arrow batch (>= 1)", atLeast(1));
  }

  static LongParam maxBatchBytes(Identifiable o) {
    return new LongParam(o, "maxBatchBytes",
        "most bytes of input plus output floats per Arrow batch (>= 1024); longer sequences are split",
        atLeast(1024));
  }

  /** Sets the defaults of the shared params (useBias has none here: the model takes it from its weights). */
  static void setDefaults(Conv1DParams p) {
    p.setDefault(p.strides(), 1);
    p.setDefault(p.padding(), "valid");
    p.setDefault(p.dataFormat(), "channels_last");
    p.setDefault(p.dilationRate(), 1);
    p.setDefault(p.groups(), 1);
    p.setDefault(p.activation(), "linear");
    p.setDefault(p.name(), "conv1d");
    p.setDefault(p.inputCol(), "sequence");
    p.setDefault(p.outputCol(), "conv1d");
    p.setDefault(p.handleInvalid(), "error");
    p.setDefault(p.batchSize(), DEFAULT_BATCH_SIZE);
    p.setDefault(p.maxBatchBytes(), DEFAULT_MAX_BATCH_BYTES);
  }
}
