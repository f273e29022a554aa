package dev.conv1d.spark.ml;

import dev.conv1d.kernels.constraint.Constraint;
import dev.conv1d.kernels.constraint.Constraints;
import dev.conv1d.kernels.init.Initializers;
import dev.conv1d.kernels.regularizer.Regularizer;
import dev.conv1d.kernels.regularizer.Regularizers;
import dev.conv1d.kernels.spec.Conv1DSpec;
import dev.conv1d.spark.exec.ColumnReader;
import dev.conv1d.spark.schema.InputKind;
import dev.conv1d.spark.schema.InputSchema;
import dev.conv1d.spark.train.Blockifier;
import dev.conv1d.spark.train.Checkpoints;
import dev.conv1d.spark.train.BlockGradient;
import dev.conv1d.spark.train.DistributedObjective;
import dev.conv1d.spark.train.FirstOrder;
import dev.conv1d.spark.train.LabelSpec;
import dev.conv1d.spark.train.Layer;
import dev.conv1d.spark.train.Lbfgs;
import dev.conv1d.spark.train.Loss;
import dev.conv1d.spark.train.TrainBlock;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.Function1;

/**
 * {@code tf.layers.conv1d} / Keras {@code Conv1D} trained by Spark: the estimator of {@link Conv1DModel}.
 *
 * <p>The objective is the weighted mean data loss (sample loss = mean over its output steps, see {@link Loss}),
 * plus the kernel and bias regularizers, plus the activity regularizer: mean over samples of the penalty summed
 * over the sample's outputs (tf.keras 2 divides the batch's activity penalty by the batch size). Constraints are
 * projected after every optimizer step.
 *
 * <p>Execution, as MLlib's LogisticRegression: rows are read once (with the transformer's sequence reader) into
 * cached {@link TrainBlock}s; each iteration broadcasts the weights (destroying the previous broadcast) and runs
 * one {@code treeAggregate} of loss, gradient and counts with the kernels' backward pass; the driver adds the
 * regularizer gradients, steps and projects. Partials are exact fixed-point sums ({@code ExactSums}), so the fit is
 * bitwise identical whatever order tasks finish in. Blocks are unpersisted when fit ends, also on failure.
 */
public final class Conv1D extends Estimator<Conv1DModel> implements Conv1DParams, DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  static final String[] POOLINGS = {"none", "global_average", "global_max"};
  static final String[] OPTIMIZERS = {"adam", "sgd", "lbfgs"};

  private final String uid;
  private Conv1DModel initialModel;
  /** Progress callback: not a param, never persisted (transient), copied by copy(). */
  private transient Consumer<IterationRow> iterationListener;

  private final IntParam strides, dilationRate, groups, inputChannels, batchSize;
  private final Param<String> padding, dataFormat, activation, name, inputCol, outputCol, handleInvalid;
  private final BooleanParam useBias;
  private final LongParam maxBatchBytes;

  private final IntParam filters;
  private final IntParam kernelSize;
  private final Param<String> kernelInitializer;
  private final Param<String> biasInitializer;
  private final Param<String> kernelRegularizer;
  private final Param<String> biasRegularizer;
  private final Param<String> activityRegularizer;
  private final Param<String> kernelConstraint;
  private final Param<String> biasConstraint;
  private final BooleanParam trainable;
  private final Param<String> labelCol;
  private final Param<String> loss;
  private final BooleanParam fromLogits;
  private final Param<String> pooling;
  private final Param<String> weightCol;
  private final Param<String> optimizer;
  private final DoubleParam learningRate;
  private final DoubleParam beta1;
  private final DoubleParam beta2;
  private final DoubleParam epsilon;
  private final DoubleParam momentum;
  private final BooleanParam nesterov;
  private final IntParam lbfgsMemory;
  private final IntParam maxIter;
  private final DoubleParam tol;
  private final LongParam seed;
  private final DoubleParam miniBatchFraction;
  private final IntParam aggregationDepth;
  private final DoubleParam maxBlockSizeInMB;
  private final IntParam checkpointInterval;
  private final Param<String> checkpointDir;
  private final Param<String> validationIndicatorCol;
  private final IntParam earlyStoppingPatience;
  private final DoubleParam validationTol;

  public Conv1D() {
    this(Identifiable$.MODULE$.randomUID("conv1d"));
  }

  public Conv1D(String uid) {
    this.uid = uid;
    filters = new IntParam(this, "filters", "number of filters (>= 1)", ParamValidators.gtEq(1));
    kernelSize = new IntParam(this, "kernelSize", "kernel taps (>= 1)", ParamValidators.gtEq(1));
    kernelInitializer = spec("kernelInitializer", "Keras initializer spec of the kernel",
      Initializers::parse);
    biasInitializer = spec("biasInitializer", "Keras initializer spec of the bias",
      Initializers::parse);
    kernelRegularizer = spec("kernelRegularizer", "Keras regularizer spec of the kernel",
      Regularizers::parse);
    biasRegularizer = spec("biasRegularizer", "Keras regularizer spec of the bias",
      Regularizers::parse);
    activityRegularizer = spec("activityRegularizer",
      "Keras regularizer spec of the layer output (mean over samples of the summed penalty)", Regularizers::parse);
    kernelConstraint = spec("kernelConstraint", "Keras constraint spec of the kernel",
      Constraints::parse);
    biasConstraint = spec("biasConstraint", "Keras constraint spec of the bias",
      Constraints::parse);
    trainable = new BooleanParam(this, "trainable", "false: fit returns the initial weights without a training job");
    labelCol = new Param<>(this, "labelCol", "label column", nonEmpty());
    loss = spec("loss", "loss: " + Loss.FORMS, s -> Loss.parse(s, false));
    fromLogits = new BooleanParam(this, "fromLogits", "crossentropy losses take logits rather than probabilities");
    pooling = new Param<>(this, "pooling",
      "none (label shaped like the output), global_average or global_max (one value per filter, or a class)",
      oneOf(POOLINGS));
    weightCol = new Param<>(this, "weightCol", "optional sample weight column", nonEmpty());
    optimizer = new Param<>(this, "optimizer", "adam, sgd or lbfgs", oneOf(OPTIMIZERS));
    learningRate = new DoubleParam(this, "learningRate",
      "step size (> 0); default 0.001 for adam, 0.01 for sgd", ParamValidators.gt(0));
    beta1 = new DoubleParam(this, "beta1", "adam beta_1 in [0, 1)",
      ParamValidators.inRange(0, 1, true, false));
    beta2 = new DoubleParam(this, "beta2", "adam beta_2 in [0, 1)",
      ParamValidators.inRange(0, 1, true, false));
    epsilon = new DoubleParam(this, "epsilon", "adam epsilon (> 0)", ParamValidators.gt(0));
    momentum = new DoubleParam(this, "momentum", "sgd momentum (>= 0)",
      ParamValidators.gtEq(0));
    nesterov = new BooleanParam(this, "nesterov", "sgd Nesterov momentum");
    lbfgsMemory = new IntParam(this, "lbfgsMemory", "lbfgs corrections kept (>= 1)",
      ParamValidators.gtEq(1));
    maxIter = new IntParam(this, "maxIter", "maximum iterations (>= 0)", ParamValidators.gtEq(0));
    tol = new DoubleParam(this, "tol",
      "stop when the objective's relative decrease is at most tol (lbfgs; adam/sgd with full batches); >= 0",
      ParamValidators.gtEq(0));
    seed = new LongParam(this, "seed", "random seed (initializers, mini-batches)");
    miniBatchFraction = new DoubleParam(this, "miniBatchFraction",
      "fraction of rows sampled per iteration, in (0, 1]; 1 = full batch", ParamValidators.inRange(0, 1, false, true));
    aggregationDepth = new IntParam(this, "aggregationDepth",
      "treeAggregate depth (>= 2)", ParamValidators.gtEq(2));
    maxBlockSizeInMB = new DoubleParam(this, "maxBlockSizeInMB",
      "most MB of sequences, labels and weights per cached block (> 0)", ParamValidators.gt(0));
    checkpointInterval = new IntParam(this, "checkpointInterval",
      "save weights and optimizer state every k iterations (>= 1), or -1 to disable",
      (Function1<Object, Object> & Serializable) v -> (Integer) v == -1 || (Integer) v >= 1);
    checkpointDir = new Param<>(this, "checkpointDir", "directory for training checkpoints", nonEmpty());
    validationIndicatorCol = new Param<>(this, "validationIndicatorCol",
      "boolean column: true rows are held out for the validation loss", nonEmpty());
    earlyStoppingPatience = new IntParam(this, "earlyStoppingPatience",
      "stop after this many iterations without validation improvement (0 = never)", ParamValidators.gtEq(0));
    validationTol = new DoubleParam(this, "validationTol",
      "smallest validation loss decrease that counts as improvement (>= 0)", ParamValidators.gtEq(0));
    strides = Conv1DParamDefs.strides(this);
    padding = Conv1DParamDefs.padding(this);
    dataFormat = Conv1DParamDefs.dataFormat(this);
    dilationRate = Conv1DParamDefs.dilationRate(this);
    groups = Conv1DParamDefs.groups(this);
    activation = Conv1DParamDefs.activation(this);
    useBias = Conv1DParamDefs.useBias(this);
    name = Conv1DParamDefs.name(this);
    inputCol = Conv1DParamDefs.inputCol(this);
    outputCol = Conv1DParamDefs.outputCol(this);
    inputChannels = Conv1DParamDefs.inputChannels(this);
    handleInvalid = Conv1DParamDefs.handleInvalid(this);
    batchSize = Conv1DParamDefs.batchSize(this);
    maxBatchBytes = Conv1DParamDefs.maxBatchBytes(this);
    Conv1DParamDefs.setDefaults(this);
    setDefault(useBias, true);
    setDefault(kernelInitializer, "glorot_uniform");
    setDefault(biasInitializer, "zeros");
    setDefault(kernelRegularizer, "None");
    setDefault(biasRegularizer, "None");
    setDefault(activityRegularizer, "None");
    setDefault(kernelConstraint, "None");
    setDefault(biasConstraint, "None");
    setDefault(trainable, true);
    setDefault(labelCol, "label");
    setDefault(loss, "mse");
    setDefault(fromLogits, false);
    setDefault(pooling, "none");
    setDefault(optimizer, "adam");
    setDefault(beta1, 0.9);
    setDefault(beta2, 0.999);
    setDefault(epsilon, 1e-7);
    setDefault(momentum, 0.0);
    setDefault(nesterov, false);
    setDefault(lbfgsMemory, 10);
    setDefault(maxIter, 100);
    setDefault(tol, 1e-6);
    setDefault(seed, (long) Conv1D.class.getName().hashCode());
    setDefault(miniBatchFraction, 1.0);
    setDefault(aggregationDepth, 2);
    setDefault(maxBlockSizeInMB, 1.0);
    setDefault(checkpointInterval, -1);
    setDefault(earlyStoppingPatience, 0);
    setDefault(validationTol, 0.0);
  }

  private interface Parser {
    Object parse(String s);
  }

  private Param<String> spec(String n, String doc, Parser parser) {
    Function1<String, Object> valid = (Function1<String, Object> & Serializable) s -> {
      try {
        parser.parse(s);
        return true;
      } catch (RuntimeException e) {
        return false;
      }
    };
    return new Param<>(this, n, doc, valid);
  }

  private static Function1<String, Object> nonEmpty() {
    return (Function1<String, Object> & Serializable) s -> s != null && !s.isBlank();
  }

  @SuppressWarnings("unchecked")
  private static Function1<String, Object> oneOf(String[] allowed) {
    return (Function1<String, Object>) (Function1<?, ?>) ParamValidators.inArray(allowed);
  }

  @Override public String uid() { return uid; }

  // ---- shared params ----
  @Override public IntParam strides() { return strides; }
  @Override public Param<String> padding() { return padding; }
  @Override public Param<String> dataFormat() { return dataFormat; }
  @Override public IntParam dilationRate() { return dilationRate; }
  @Override public IntParam groups() { return groups; }
  @Override public Param<String> activation() { return activation; }
  @Override public BooleanParam useBias() { return useBias; }
  @Override public Param<String> name() { return name; }
  @Override public Param<String> inputCol() { return inputCol; }
  @Override public Param<String> outputCol() { return outputCol; }
  @Override public IntParam inputChannels() { return inputChannels; }
  @Override public Param<String> handleInvalid() { return handleInvalid; }
  @Override public IntParam batchSize() { return batchSize; }
  @Override public LongParam maxBatchBytes() { return maxBatchBytes; }

  public Conv1D setStrides(int v) { set(strides, v); return this; }
  public Conv1D setPadding(String v) { set(padding, v); return this; }
  public Conv1D setDataFormat(String v) { set(dataFormat, v); return this; }
  public Conv1D setDilationRate(int v) { set(dilationRate, v); return this; }
  public Conv1D setGroups(int v) { set(groups, v); return this; }
  public Conv1D setActivation(String v) { set(activation, v); return this; }
  public Conv1D setUseBias(boolean v) { set(useBias, v); return this; }
  public Conv1D setName(String v) { set(name, v); return this; }
  public Conv1D setInputCol(String v) { set(inputCol, v); return this; }
  public Conv1D setOutputCol(String v) { set(outputCol, v); return this; }
  public Conv1D setInputChannels(int v) { set(inputChannels, v); return this; }
  public Conv1D setHandleInvalid(String v) { set(handleInvalid, v); return this; }
  public Conv1D setBatchSize(int v) { set(batchSize, v); return this; }
  public Conv1D setMaxBatchBytes(long v) { set(maxBatchBytes, v); return this; }

  // ---- estimator params ----
  public IntParam filters() { return filters; }
  public IntParam kernelSize() { return kernelSize; }
  public Param<String> kernelInitializer() { return kernelInitializer; }
  public Param<String> biasInitializer() { return biasInitializer; }
  public Param<String> kernelRegularizer() { return kernelRegularizer; }
  public Param<String> biasRegularizer() { return biasRegularizer; }
  public Param<String> activityRegularizer() { return activityRegularizer; }
  public Param<String> kernelConstraint() { return kernelConstraint; }
  public Param<String> biasConstraint() { return biasConstraint; }
  public BooleanParam trainable() { return trainable; }
  public Param<String> labelCol() { return labelCol; }
  public Param<String> loss() { return loss; }
  public BooleanParam fromLogits() { return fromLogits; }
  public Param<String> pooling() { return pooling; }
  public Param<String> weightCol() { return weightCol; }
  public Param<String> optimizer() { return optimizer; }
  public DoubleParam learningRate() { return learningRate; }
  public DoubleParam beta1() { return beta1; }
  public DoubleParam beta2() { return beta2; }
  public DoubleParam epsilon() { return epsilon; }
  public DoubleParam momentum() { return momentum; }
  public BooleanParam nesterov() { return nesterov; }
  public IntParam lbfgsMemory() { return lbfgsMemory; }
  public IntParam maxIter() { return maxIter; }
  public DoubleParam tol() { return tol; }
  public LongParam seed() { return seed; }
  public DoubleParam miniBatchFraction() { return miniBatchFraction; }
  public IntParam aggregationDepth() { return aggregationDepth; }
  public DoubleParam maxBlockSizeInMB() { return maxBlockSizeInMB; }
  public IntParam checkpointInterval() { return checkpointInterval; }
  public Param<String> checkpointDir() { return checkpointDir; }
  public Param<String> validationIndicatorCol() { return validationIndicatorCol; }
  public IntParam earlyStoppingPatience() { return earlyStoppingPatience; }
  public DoubleParam validationTol() { return validationTol; }

  public int getFilters() { return (Integer) getOrDefault(filters); }
  public int getKernelSize() { return (Integer) getOrDefault(kernelSize); }
  public String getKernelInitializer() { return getOrDefault(kernelInitializer); }
  public String getBiasInitializer() { return getOrDefault(biasInitializer); }
  public String getKernelRegularizer() { return getOrDefault(kernelRegularizer); }
  public String getBiasRegularizer() { return getOrDefault(biasRegularizer); }
  public String getActivityRegularizer() { return getOrDefault(activityRegularizer); }
  public String getKernelConstraint() { return getOrDefault(kernelConstraint); }
  public String getBiasConstraint() { return getOrDefault(biasConstraint); }
  public boolean getTrainable() { return (Boolean) getOrDefault(trainable); }
  public String getLabelCol() { return getOrDefault(labelCol); }
  public String getLoss() { return getOrDefault(loss); }
  public boolean getFromLogits() { return (Boolean) getOrDefault(fromLogits); }
  public String getPooling() { return getOrDefault(pooling); }
  public String getWeightCol() { return getOrDefault(weightCol); }
  public String getOptimizer() { return getOrDefault(optimizer); }
  /** The learning rate, or the optimizer's Keras default when unset (adam 0.001, sgd 0.01). */
  public double getLearningRate() {
    if (isDefined(learningRate)) return (Double) getOrDefault(learningRate);
    return getOptimizer().equals("sgd") ? 0.01 : 0.001;
  }
  public double getBeta1() { return (Double) getOrDefault(beta1); }
  public double getBeta2() { return (Double) getOrDefault(beta2); }
  public double getEpsilon() { return (Double) getOrDefault(epsilon); }
  public double getMomentum() { return (Double) getOrDefault(momentum); }
  public boolean getNesterov() { return (Boolean) getOrDefault(nesterov); }
  public int getLbfgsMemory() { return (Integer) getOrDefault(lbfgsMemory); }
  public int getMaxIter() { return (Integer) getOrDefault(maxIter); }
  public double getTol() { return (Double) getOrDefault(tol); }
  public long getSeed() { return (Long) getOrDefault(seed); }
  public double getMiniBatchFraction() { return (Double) getOrDefault(miniBatchFraction); }
  public int getAggregationDepth() { return (Integer) getOrDefault(aggregationDepth); }
  public double getMaxBlockSizeInMB() { return (Double) getOrDefault(maxBlockSizeInMB); }
  public int getCheckpointInterval() { return (Integer) getOrDefault(checkpointInterval); }
  public String getCheckpointDir() { return getOrDefault(checkpointDir); }
  public String getValidationIndicatorCol() { return getOrDefault(validationIndicatorCol); }
  public int getEarlyStoppingPatience() { return (Integer) getOrDefault(earlyStoppingPatience); }
  public double getValidationTol() { return (Double) getOrDefault(validationTol); }

  public Conv1D setFilters(int v) { set(filters, v); return this; }
  public Conv1D setKernelSize(int v) { set(kernelSize, v); return this; }
  public Conv1D setKernelInitializer(String v) { set(kernelInitializer, v); return this; }
  public Conv1D setBiasInitializer(String v) { set(biasInitializer, v); return this; }
  public Conv1D setKernelRegularizer(String v) { set(kernelRegularizer, v); return this; }
  public Conv1D setBiasRegularizer(String v) { set(biasRegularizer, v); return this; }
  public Conv1D setActivityRegularizer(String v) { set(activityRegularizer, v); return this; }
  public Conv1D setKernelConstraint(String v) { set(kernelConstraint, v); return this; }
  public Conv1D setBiasConstraint(String v) { set(biasConstraint, v); return this; }
  public Conv1D setTrainable(boolean v) { set(trainable, v); return this; }
  public Conv1D setLabelCol(String v) { set(labelCol, v); return this; }
  public Conv1D setLoss(String v) { set(loss, v); return this; }
  public Conv1D setFromLogits(boolean v) { set(fromLogits, v); return this; }
  public Conv1D setPooling(String v) { set(pooling, v); return this; }
  public Conv1D setWeightCol(String v) { set(weightCol, v); return this; }
  public Conv1D setOptimizer(String v) { set(optimizer, v); return this; }
  public Conv1D setLearningRate(double v) { set(learningRate, v); return this; }
  public Conv1D setBeta1(double v) { set(beta1, v); return this; }
  public Conv1D setBeta2(double v) { set(beta2, v); return this; }
  public Conv1D setEpsilon(double v) { set(epsilon, v); return this; }
  public Conv1D setMomentum(double v) { set(momentum, v); return this; }
  public Conv1D setNesterov(boolean v) { set(nesterov, v); return this; }
  public Conv1D setLbfgsMemory(int v) { set(lbfgsMemory, v); return this; }
  public Conv1D setMaxIter(int v) { set(maxIter, v); return this; }
  public Conv1D setTol(double v) { set(tol, v); return this; }
  public Conv1D setSeed(long v) { set(seed, v); return this; }
  public Conv1D setMiniBatchFraction(double v) { set(miniBatchFraction, v); return this; }
  public Conv1D setAggregationDepth(int v) { set(aggregationDepth, v); return this; }
  public Conv1D setMaxBlockSizeInMB(double v) { set(maxBlockSizeInMB, v); return this; }
  public Conv1D setCheckpointInterval(int v) { set(checkpointInterval, v); return this; }
  public Conv1D setCheckpointDir(String v) { set(checkpointDir, v); return this; }
  public Conv1D setValidationIndicatorCol(String v) { set(validationIndicatorCol, v); return this; }
  public Conv1D setEarlyStoppingPatience(int v) { set(earlyStoppingPatience, v); return this; }
  public Conv1D setValidationTol(double v) { set(validationTol, v); return this; }

  /** Warm start (Keras {@code reuse}): training starts from this model's weights; it must have the layer's shape. */
  public Conv1D setInitialModel(Conv1DModel model) {
    this.initialModel = model;
    return this;
  }

  public Conv1DModel getInitialModel() {
    return initialModel;
  }

  /**
   * Called on the driver after each iteration with that iteration's summary row (progress reporting). Not a param:
   * not persisted, not part of {@code extractParamMap}; kept by {@link #copy}. Null removes it.
   */
  public Conv1D setIterationListener(Consumer<IterationRow> listener) {
    this.iterationListener = listener;
    return this;
  }

  public Consumer<IterationRow> getIterationListener() {
    return iterationListener;
  }

  // ---- validation ----

  private IllegalArgumentException bad(String msg) {
    return new IllegalArgumentException("Conv1D " + uid + ": " + msg);
  }

  private Integer knownChannels() {
    if (isDefined(inputChannels)) return getInputChannels();
    if (initialModel != null) return initialModel.getModelInputChannels();
    return null;
  }

  private int pooledCode() {
    switch (getPooling()) {
      case "global_average": return BlockGradient.AVERAGE;
      case "global_max": return BlockGradient.MAX;
      default: return BlockGradient.NONE;
    }
  }

  /** Checks everything the schema and params decide, before any job. */
  @Override
  public StructType transformSchema(StructType schema) {
    if (!isDefined(filters)) throw bad("filters must be set (setFilters)");
    if (!isDefined(kernelSize)) throw bad("kernelSize must be set (setKernelSize)");
    Integer ch = knownChannels();
    InputSchema in = InputSchema.resolve(schema, getInputCol(), getOutputCol(), isDefined(inputChannels)
        ? getInputChannels() : null, ch == null ? -1 : ch, getHandleInvalid().equals("keep"));
    if (ch != null) spec(ch);
    Loss l = Loss.parse(getLoss(), getFromLogits());
    LabelSpec.resolve(schema, getLabelCol(), l, pooledCode() != BlockGradient.NONE, getFilters(), getDataFormat());
    if (isDefined(weightCol)) numericColumn(schema, getWeightCol(), "weightCol");
    if (isDefined(validationIndicatorCol)) {
      String c = getValidationIndicatorCol();
      if (!Arrays.asList(schema.fieldNames()).contains(c)) {
        throw bad("validationIndicatorCol '" + c + "' does not exist");
      }
      DataType t = schema.apply(c).dataType();
      if (!t.equals(DataTypes.BooleanType)) {
        throw bad("validationIndicatorCol '" + c + "' has type " + t.simpleString() + "; expected boolean");
      }
    }
    if (getOptimizer().equals("lbfgs") && getMiniBatchFraction() < 1) {
      throw bad("optimizer lbfgs is full batch: miniBatchFraction must be 1.0, not " + getMiniBatchFraction());
    }
    if (getCheckpointInterval() > 0 && !isDefined(checkpointDir)) {
      throw bad("checkpointInterval = " + getCheckpointInterval() + " needs checkpointDir");
    }
    if (initialModel != null && ch != null) checkInitialModel(spec(ch));
    return in.outputSchema();
  }

  private int numericColumn(StructType schema, String c, String param) {
    if (!Arrays.asList(schema.fieldNames()).contains(c)) throw bad(param + " '" + c + "' does not exist");
    DataType t = schema.apply(c).dataType();
    int code = codeOf(t);
    if (code < 0) throw bad(param + " '" + c + "' has type " + t.simpleString() + "; expected a numeric type");
    return code;
  }

  private static int codeOf(DataType t) {
    DataType[] types = {DataTypes.ByteType, DataTypes.ShortType, DataTypes.IntegerType, DataTypes.LongType,
        DataTypes.FloatType, DataTypes.DoubleType};
    for (int i = 0; i < types.length; i++) if (types[i].equals(t)) return i;
    return -1;
  }

  private Conv1DSpec spec(int inChannels) {
    try {
      return Conv1DSpec.builder().inChannels(inChannels).filters(getFilters()).kernelSize(getKernelSize())
          .strides(getStrides()).dilationRate(getDilationRate()).groups(getGroups()).padding(getPadding())
          .dataFormat(getDataFormat()).useBias(getUseBias()).build();
    } catch (IllegalArgumentException e) {
      throw bad("incompatible params: " + e.getMessage());
    }
  }

  private void checkInitialModel(Conv1DSpec s) {
    Conv1DModel m = initialModel;
    int[] want = s.kernelShape();
    if (m.getKernelSize() != want[0] || m.weights().groupInChannels() != want[1] || m.getFilters() != want[2]) {
      throw bad("the initial model's kernel has shape [" + m.getKernelSize() + ", " + m.weights().groupInChannels()
          + ", " + m.getFilters() + "] but this layer needs [kernelSize, inChannels/groups, filters] = "
          + Arrays.toString(want));
    }
    if (m.weights().hasBias() != s.useBias()) {
      throw bad("the initial model " + (m.weights().hasBias() ? "has" : "has no") + " bias but useBias = "
          + s.useBias());
    }
  }

  /** Input channels: the param, the initial model, or the first non-null row of nested input. */
  private int inputChannelsOf(Dataset<?> dataset, InputSchema in) {
    Integer ch = knownChannels();
    if (ch != null) return ch;
    String c = getInputCol();
    List<Row> first = dataset.select(c).where(dataset.col(c).isNotNull()).limit(1).collectAsList();
    if (first.isEmpty()) throw bad("inputCol '" + c + "' has no non-null rows to fit on");
    List<?> outer = first.get(0).getList(0);
    boolean last = getDataFormat().equals("channels_last");
    if (!last) return outer.size();
    for (Object step : outer) if (step != null) return ((scala.collection.Seq<?>) step).size();
    throw bad("inputCol '" + c + "': cannot infer the channel count from an empty first sequence; set inputChannels");
  }

  // ---- fit ----

  @Override
  public Conv1DModel fit(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    Setup setup = setup(dataset);
    if (!getTrainable()) {
      return model(setup.layer, setup.theta0, new Conv1DTrainingSummary(getOptimizer(), new double[0], new double[0],
          new double[0], new double[0], new double[0], new double[0], new double[0], 0, "not trainable"));
    }
    try (Problem problem = problem(dataset, setup)) {
      Trainer t = new Trainer(problem.objective, setup.layer, setup.kCon, setup.bCon, setup.kReg, setup.bReg);
      t.run(setup.theta0.clone());
      return model(setup.layer, t.theta, t.summary().withSkippedRows(problem.skippedRows()));
    }
  }

  /** What fit decides on the driver before any training job. */
  private final class Setup {
    Layer layer;
    InputSchema in;
    int channels;
    double[] theta0;
    Regularizer kReg, bReg, aReg;
    Constraint kCon, bCon;
  }

  private Setup setup(Dataset<?> dataset) {
    StructType schema = dataset.schema();
    Setup s = new Setup();
    Integer known = knownChannels();
    s.in = InputSchema.resolve(schema, getInputCol(), getOutputCol(),
        isDefined(inputChannels) ? getInputChannels() : null, known == null ? -1 : known, false);
    s.channels = inputChannelsOf(dataset, s.in);
    Conv1DSpec spec = spec(s.channels);
    if (initialModel != null) checkInitialModel(spec);
    s.layer = new Layer(spec, Conv1DModelActivation.canonical(getActivation()));
    s.theta0 = initialWeights(spec);
    s.kReg = Regularizers.parse("kernel_regularizer", getKernelRegularizer());
    s.bReg = Regularizers.parse("bias_regularizer", getBiasRegularizer());
    s.aReg = Regularizers.parse("activity_regularizer", getActivityRegularizer());
    s.kCon = Constraints.parse("kernel_constraint", getKernelConstraint());
    s.bCon = Constraints.parse("bias_constraint", getBiasConstraint());
    return s;
  }

  /**
   * The distributed objective over cached blocks of {@code dataset}, at the params of this estimator: what fit
   * minimizes. For diagnostics and tests (gradient checks); close it to unpersist the blocks.
   */
  public Problem objective(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    return problem(dataset, setup(dataset));
  }

  /** Cached training blocks and the objective over them. */
  public static final class Problem implements AutoCloseable {
    private final JavaRDD<TrainBlock> blocks;
    private DistributedObjective objective;
    private final double[] theta0;
    private org.apache.spark.util.LongAccumulator skipped;

    /** Rows left out as unreadable (handleInvalid skip or keep); 0 with handleInvalid error. */
    public long skippedRows() {
      return skipped == null ? 0 : skipped.value();
    }

    private Problem(JavaRDD<TrainBlock> blocks, double[] theta0) {
      this.blocks = blocks;
      this.theta0 = theta0;
    }

    /** Initial weights: the flat Keras kernel then the bias. */
    public double[] initialWeights() {
      return theta0.clone();
    }

    /** Objective, its parts and gradient at theta (kernel then bias), full batch. */
    public DistributedObjective.Eval evaluate(double[] theta) {
      return objective.evaluate(theta, 0, true);
    }

    public int blockCount() {
      return (int) blocks.count();
    }

    @Override
    public void close() {
      if (objective != null) objective.close();
      blocks.unpersist(false);
    }
  }

  private Problem problem(Dataset<?> dataset, Setup s) {
    StructType schema = dataset.schema();
    Layer layer = s.layer;
    Loss l = Loss.parse(getLoss(), getFromLogits());
    boolean pooled = pooledCode() != BlockGradient.NONE;
    LabelSpec label = LabelSpec.resolve(schema, getLabelCol(), l, pooled, layer.filters, getDataFormat());
    int wOrd = -1, wCode = -1;
    if (isDefined(weightCol)) {
      wCode = numericColumn(schema, getWeightCol(), "weightCol");
      wOrd = schema.fieldIndex(getWeightCol());
    }
    int vOrd = isDefined(validationIndicatorCol) ? schema.fieldIndex(getValidationIndicatorCol()) : -1;
    InputSchema in = s.in;
    ColumnReader reader = new ColumnReader(in.kind(), in.doubles(), getDataFormat(), in.outerContainsNull(),
        in.innerContainsNull(), s.channels, in.ordinal());
    org.apache.spark.util.LongAccumulator skipped = getHandleInvalid().equals("error") ? null
        : dataset.sparkSession().sparkContext().longAccumulator("Conv1D " + uid + " skipped rows");
    Blockifier blockifier = new Blockifier(layer, reader, getInputCol(), label, pooled, wOrd, wCode,
        isDefined(weightCol) ? getWeightCol() : null, vOrd, (long) (getMaxBlockSizeInMB() * (1 << 20)), skipped);
    BlockGradient task = new BlockGradient(layer, l, pooledCode(), s.aReg.l1(), s.aReg.l2());
    JavaRDD<InternalRow> rows = ColumnReader.internalRows(dataset).toJavaRDD();
    JavaRDD<TrainBlock> blocks = rows.mapPartitionsWithIndex(
        (org.apache.spark.api.java.function.Function2<Integer, java.util.Iterator<InternalRow>,
            java.util.Iterator<TrainBlock>>) blockifier::apply, true)
        .persist(StorageLevel.MEMORY_AND_DISK());
    blocks.setName("Conv1D " + uid + " training blocks");
    Problem problem = new Problem(blocks, s.theta0);
    problem.skipped = skipped;
    boolean ok = false;
    try {
      try {
        problem.objective = new DistributedObjective(blocks, task, layer, s.kReg, s.bReg, getAggregationDepth(),
            getSeed(), getMiniBatchFraction());
      } catch (Exception e) { // SparkException is checked in Java but thrown undeclared by Scala
        throw rootArgumentError(e);
      }
      if (problem.objective.trainCount() == 0) {
        throw bad("no training rows (the dataset is empty, or every row is a validation row)");
      }
      ok = true;
      return problem;
    } finally {
      if (!ok) problem.close();
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
    throw (T) t;
  }

  /** A bad row fails a task: report it as the IllegalArgumentException it is, naming column and row. */
  private static RuntimeException rootArgumentError(Exception e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof IllegalArgumentException) return new IllegalArgumentException(c.getMessage(), e);
    }
    // A task's exception reaches the driver as text in the SparkException's message.
    String m = e.getMessage(), tag = "java.lang.IllegalArgumentException: ";
    int at = m == null ? -1 : m.indexOf(tag);
    if (at >= 0) {
      int endLine = m.indexOf('\n', at);
      return new IllegalArgumentException(m.substring(at + tag.length(), endLine < 0 ? m.length() : endLine), e);
    }
    return Conv1D.<RuntimeException>sneaky(e);
  }

  private double[] initialWeights(Conv1DSpec spec) {
    int kl = spec.kernelLength(), f = spec.filters();
    float[] k, b = null;
    if (initialModel != null) {
      k = initialModel.weights().kernelCopy();
      b = initialModel.weights().biasCopy();
    } else {
      k = new float[kl];
      Initializers.parse("kernel_initializer", getKernelInitializer()).fill(k, spec.kernelShape(), getSeed());
      if (spec.useBias()) {
        b = new float[f];
        Initializers.parse("bias_initializer", getBiasInitializer()).fill(b, new int[] {f}, getSeed() + 1);
      }
    }
    double[] theta = new double[kl + (b == null ? 0 : f)];
    for (int i = 0; i < kl; i++) theta[i] = k[i];
    if (b != null) for (int i = 0; i < f; i++) theta[kl + i] = b[i];
    return theta;
  }

  private Conv1DModel model(Layer layer, double[] theta, Conv1DTrainingSummary summary) {
    int kl = layer.kernelLength(), f = layer.filters;
    float[] k = new float[kl];
    for (int i = 0; i < kl; i++) k[i] = (float) theta[i];
    float[] b = null;
    if (layer.useBias) {
      b = new float[f];
      for (int i = 0; i < f; i++) b[i] = (float) theta[kl + i];
    }
    // The estimator's uid, as Spark's estimators give their models (MLTestingUtils.checkCopyAndUids checks it).
    Conv1DModel m = Conv1DModel.fromFlatWeights(uid(), k, layer.kernelSize,
        layer.inChannels / layer.groups, f, b);
    copyValues(m, ParamMap.empty());
    m.setParent(this);
    return m.setSummary(summary);
  }

  /** The optimization loop on the driver. */
  private final class Trainer {
    final DistributedObjective objective;
    final Layer layer;
    final Constraint kCon, bCon;
    final Regularizer kReg, bReg;
    double[] theta;
    List<double[]> rows = new ArrayList<>();
    String stop = "maxIter";
    int iterations;
    final Checkpoints checkpoints;
    final int interval;
    double prev = Double.NaN;

    Trainer(DistributedObjective objective, Layer layer, Constraint kCon, Constraint bCon, Regularizer kReg,
        Regularizer bReg) {
      this.objective = objective;
      this.layer = layer;
      this.kCon = kCon;
      this.bCon = bCon;
      this.kReg = kReg;
      this.bReg = bReg;
      this.interval = getCheckpointInterval();
      this.checkpoints = interval > 0 ? new Checkpoints(getCheckpointDir(),
          objective.hadoopConfiguration()) : null;
    }

    /** The newest checkpoint's state, restored into this trainer; null when there is none. */
    Checkpoints.State resume() {
      if (checkpoints == null) return null;
      Checkpoints.State st;
      try {
        st = checkpoints.newest();
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
      if (st == null) return null;
      if (!st.optimizer.equals(getOptimizer()) || !Arrays.equals(st.kernelShape, layer.kernelShape())
          || st.useBias != layer.useBias) {
        throw bad("checkpointDir '" + getCheckpointDir() + "' holds a checkpoint of a different fit (optimizer "
            + st.optimizer + ", kernel " + Arrays.toString(st.kernelShape) + ", useBias " + st.useBias
            + "); this fit is " + getOptimizer() + ", " + Arrays.toString(layer.kernelShape()) + ", useBias "
            + layer.useBias + ". Use an empty checkpointDir");
      }
      theta = st.theta;
      iterations = st.iteration;
      rows = new ArrayList<>(st.history);
      best = st.bestValidation;
      wait = st.wait;
      prev = st.previousObjective;
      return st;
    }

    void checkpoint(FirstOrder opt, Lbfgs lb) {
      if (checkpoints == null || iterations % interval != 0) return;
      Checkpoints.State st = new Checkpoints.State();
      st.optimizer = getOptimizer();
      st.kernelShape = layer.kernelShape();
      st.useBias = layer.useBias;
      st.iteration = iterations;
      st.theta = lb != null ? lb.x() : theta;
      if (opt != null) {
        st.m = opt.state1();
        st.v = opt.state2();
        st.steps = opt.steps();
      }
      if (lb != null) {
        st.s = lb.sHistory();
        st.y = lb.yHistory();
      }
      st.previousObjective = prev;
      st.bestValidation = best;
      st.wait = wait;
      st.history = rows;
      try {
        checkpoints.save(st);
      } catch (java.io.IOException e) {
        throw new IllegalStateException("Conv1D: cannot write a checkpoint to " + getCheckpointDir() + ": "
            + e.getMessage(), e);
      }
    }

    double[] project(double[] x) {
      int kl = layer.kernelLength(), f = layer.filters;
      if (kCon != Constraints.none()) {
        float[] k = new float[kl];
        for (int i = 0; i < kl; i++) k[i] = (float) x[i];
        kCon.apply(k, layer.kernelShape());
        for (int i = 0; i < kl; i++) x[i] = k[i];
      }
      if (layer.useBias && bCon != Constraints.none()) {
        float[] b = new float[f];
        for (int i = 0; i < f; i++) b[i] = (float) x[kl + i];
        bCon.apply(b, new int[] {f});
        for (int i = 0; i < f; i++) x[kl + i] = b[i];
      }
      return x;
    }

    void record(DistributedObjective.Eval e, long t0) {
      double[] r = {e.objective, e.dataLoss, e.kernelReg, e.biasReg, e.activityReg, e.validationLoss,
          (System.nanoTime() - t0) / 1e6};
      rows.add(r);
      Consumer<IterationRow> l = iterationListener;
      if (l != null) l.accept(new IterationRow(rows.size() - 1, r[0], r[1], r[2], r[3], r[4], r[5], r[6]));
    }

    Conv1DTrainingSummary summary() {
      double[][] cols = new double[7][rows.size()];
      for (int i = 0; i < rows.size(); i++) for (int j = 0; j < 7; j++) cols[j][i] = rows.get(i)[j];
      return new Conv1DTrainingSummary(getOptimizer(), cols[0], cols[1], cols[2], cols[3], cols[4], cols[5],
          cols[6], iterations, stop);
    }

    /** Early stopping on the validation loss; true when training should stop. */
    double best = Double.POSITIVE_INFINITY;
    int wait;

    boolean earlyStop(DistributedObjective.Eval e) {
      int patience = getEarlyStoppingPatience();
      if (patience <= 0 || Double.isNaN(e.validationLoss)) return false;
      if (e.validationLoss < best - getValidationTol()) {
        best = e.validationLoss;
        wait = 0;
        return false;
      }
      if (++wait >= patience) {
        stop = "early stopping (validation loss did not improve for " + patience + " iterations)";
        return true;
      }
      return false;
    }

    void run(double[] theta0) {
      theta = theta0;
      int maxIter = getMaxIter();
      if (getOptimizer().equals("lbfgs")) {
        runLbfgs(maxIter);
        return;
      }
      FirstOrder opt = new FirstOrder(getOptimizer().equals("sgd") ? FirstOrder.Kind.SGD : FirstOrder.Kind.ADAM,
          theta.length, getLearningRate(), getBeta1(), getBeta2(), getEpsilon(), getMomentum(), getNesterov());
      Checkpoints.State st = resume();
      if (st != null && st.m != null) opt.restore(st.m, st.v, st.steps);
      boolean full = getMiniBatchFraction() >= 1;
      for (int it = iterations; it < maxIter; it++) {
        long t0 = System.nanoTime();
        DistributedObjective.Eval e = objective.evaluate(theta, it, true);
        if (full && getTol() > 0 && !Double.isNaN(prev)
            && Math.abs(prev - e.objective) <= getTol() * Math.max(Math.abs(e.objective), 1e-12)) {
          record(e, t0);
          stop = "converged (tol)";
          return;
        }
        prev = e.objective;
        boolean early = earlyStop(e);
        if (early) {
          record(e, t0);
          return;
        }
        opt.step(theta, e.gradient);
        project(theta);
        iterations++;
        record(e, t0);
        checkpoint(opt, null);
      }
    }

    void runLbfgs(int maxIter) {
      int kl = layer.kernelLength(), f = layer.filters;
      double[] l1 = null;
      if (kReg.l1() > 0 || (layer.useBias && bReg.l1() > 0)) {
        l1 = new double[theta.length];
        Arrays.fill(l1, 0, kl, kReg.l1());
        if (layer.useBias) Arrays.fill(l1, kl, kl + f, bReg.l1());
      }
      int[] evals = {0};
      Function<double[], DistributedObjective.Eval> fn = x -> objective.evaluate(x, evals[0]++, true);
      long t0 = System.nanoTime();
      Checkpoints.State st = resume();
      Lbfgs lb = new Lbfgs(getLbfgsMemory(), l1, fn, this::project);
      if (st != null) {
        lb.start(theta, fn.apply(theta));
        lb.restoreHistory(st.s, st.y);
      } else {
        project(theta);
        DistributedObjective.Eval e0 = fn.apply(theta);
        lb.start(theta, e0);
        record(e0, t0);
        if (earlyStop(e0)) {
          theta = lb.x();
          return;
        }
      }
      for (int it = iterations; it < maxIter; it++) {
        long t1 = System.nanoTime();
        double before = lb.current().objective;
        boolean moved = lb.iterate();
        if (!moved) {
          stop = "no decrease (converged)";
          break;
        }
        iterations++;
        DistributedObjective.Eval e = lb.current();
        record(e, t1);
        checkpoint(null, lb);
        if (earlyStop(e)) break;
        if ((before - e.objective) <= getTol() * Math.max(Math.abs(e.objective), 1e-12)) {
          stop = "converged (tol)";
          break;
        }
      }
      theta = lb.x();
    }
  }

  @Override
  public Conv1D copy(ParamMap extra) {
    Conv1D c = defaultCopy(extra);
    c.initialModel = initialModel;
    c.iterationListener = iterationListener;
    return c;
  }

  public static MLReader<Conv1D> read() {
    return new DefaultParamsReader<>();
  }

  public static Conv1D load(String path) {
    return read().load(path);
  }

  @Override
  public String toString() {
    return "Conv1D: uid=" + uid;
  }

  /** The activation spec, canonicalized (parsed once on the driver so tasks get a valid spec). */
  private static final class Conv1DModelActivation {
    static String canonical(String s) {
      return dev.conv1d.kernels.activation.Activations.parse(s).spec();
    }
  }
}
