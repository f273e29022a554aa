package dev.conv1d.spark.ml;

import dev.conv1d.kernels.conv.Weights;
import dev.conv1d.kernels.spec.Conv1DSpec;
import dev.conv1d.spark.exec.Conv1DExecution;
import dev.conv1d.spark.exec.ExecPlan;
import dev.conv1d.spark.exec.WeightsData;
import dev.conv1d.spark.io.ModelIO;
import dev.conv1d.spark.schema.InputSchema;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * {@code tf.layers.conv1d} with fixed weights as a Spark ML transformer: appends {@code outputCol} =
 * activation(conv1d(inputCol) + bias) to every row. Sequences may differ in length within a column.
 *
 * <p>Execution broadcasts the weights once per transform and runs the single-threaded kernel per partition over
 * Arrow batches of bounded size (see {@code dev.conv1d.spark.exec}). Persistence writes params as Spark ML JSON
 * metadata and the weights as Parquet, never Java serialization.
 */
public final class Conv1DModel extends Model<Conv1DModel> implements Conv1DParams, MLWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  /** Not serializable itself: a model that travels (in a closure, say) carries the arrays and rebuilds it. */
  private transient Weights weights;
  private final float[] kernelFlat;
  private final int[] kernelShape;
  private final float[] biasValues;
  private final IntParam strides;
  private final Param<String> padding;
  private final Param<String> dataFormat;
  private final IntParam dilationRate;
  private final IntParam groups;
  private final Param<String> activation;
  private final BooleanParam useBias;
  private final Param<String> name;
  private final Param<String> inputCol;
  private final Param<String> outputCol;
  private final IntParam inputChannels;
  private final Param<String> handleInvalid;
  private final IntParam batchSize;
  private final LongParam maxBatchBytes;
  private transient Conv1DTrainingSummary trainingSummary;

  private Conv1DModel(String uid, Weights weights) {
    this.uid = uid;
    this.weights = weights;
    this.kernelFlat = weights.kernelView();
    this.kernelShape = new int[] {weights.kernelSize(), weights.groupInChannels(), weights.filters()};
    this.biasValues = weights.biasView();
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
    setDefault(useBias, weights.hasBias());
  }

  /**
   * A model with the given weights: {@code kernel} is Keras' {@code [kernelSize][inChannels/groups][filters]},
   * {@code bias} has {@code filters} values or is null for a layer without bias. Both are copied.
   */
  public static Conv1DModel fromWeights(float[][][] kernel, float[] bias) {
    return fromWeights(Identifiable$.MODULE$.randomUID("conv1dModel"), kernel, bias);
  }

  public static Conv1DModel fromWeights(String uid, float[][][] kernel, float[] bias) {
    return new Conv1DModel(uid, Weights.of(kernel, bias));
  }

  /** Takes ownership of a flat Keras-layout kernel (for readers and the estimator; no copy). */
  public static Conv1DModel fromFlatWeights(String uid, float[] kernel, int kernelSize, int groupInChannels,
      int filters, float[] bias) {
    return new Conv1DModel(uid, Weights.wrap(kernel, kernelSize, groupInChannels, filters, bias));
  }

  @Override public String uid() { return uid; }

  /** A copy of the kernel, {@code [kernelSize][inChannels/groups][filters]}. */
  public float[][][] kernel() { return weights().kernel3d(); }

  /** A copy of the bias, or null. */
  public float[] bias() { return weights().biasCopy(); }

  public int getFilters() { return kernelShape[2]; }

  public int getKernelSize() { return kernelShape[0]; }

  /** Input channels the weights need: kernel in_channels/groups times groups. */
  public int getModelInputChannels() { return kernelShape[1] * getGroups(); }

  /** The weights (immutable). */
  public Weights weights() {
    Weights w = weights;
    if (w == null) {
      w = Weights.wrap(kernelFlat, kernelShape[0], kernelShape[1], kernelShape[2], biasValues);
      weights = w;
    }
    return w;
  }

  /** Whether this model came from a {@link Conv1D} fit in this JVM (summaries are not persisted). */
  public boolean hasSummary() { return trainingSummary != null; }

  /** The training summary; fails when {@link #hasSummary()} is false. */
  public Conv1DTrainingSummary summary() {
    if (trainingSummary == null) {
      throw new IllegalStateException("Conv1DModel " + uid + " has no training summary (not fitted in this JVM, "
          + "or loaded from disk)");
    }
    return trainingSummary;
  }

  Conv1DModel setSummary(Conv1DTrainingSummary s) {
    trainingSummary = s;
    return this;
  }

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

  public Conv1DModel setStrides(int v) { set(strides, v); return this; }
  public Conv1DModel setPadding(String v) { set(padding, v); return this; }
  public Conv1DModel setDataFormat(String v) { set(dataFormat, v); return this; }
  public Conv1DModel setDilationRate(int v) { set(dilationRate, v); return this; }
  public Conv1DModel setGroups(int v) { set(groups, v); return this; }
  public Conv1DModel setActivation(String v) { set(activation, v); return this; }
  public Conv1DModel setUseBias(boolean v) { set(useBias, v); return this; }
  public Conv1DModel setName(String v) { set(name, v); return this; }
  public Conv1DModel setInputCol(String v) { set(inputCol, v); return this; }
  public Conv1DModel setOutputCol(String v) { set(outputCol, v); return this; }
  public Conv1DModel setInputChannels(int v) { set(inputChannels, v); return this; }
  public Conv1DModel setHandleInvalid(String v) { set(handleInvalid, v); return this; }
  public Conv1DModel setBatchSize(int v) { set(batchSize, v); return this; }
  public Conv1DModel setMaxBatchBytes(long v) { set(maxBatchBytes, v); return this; }

  /** The layer's spec from the params and weights; fails, naming the params, when they do not fit together. */
  public Conv1DSpec spec() {
    int g = getGroups();
    Weights weights = weights();
    Conv1DSpec spec;
    try {
      spec = Conv1DSpec.builder().inChannels(weights.groupInChannels() * g).filters(weights.filters())
          .kernelSize(weights.kernelSize()).strides(getStrides()).dilationRate(getDilationRate()).groups(g)
          .padding(getPadding()).dataFormat(getDataFormat()).useBias(getUseBias()).build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Conv1DModel " + uid + ": incompatible params: " + e.getMessage(), e);
    }
    if (getUseBias() != weights.hasBias()) {
      throw new IllegalArgumentException("Conv1DModel " + uid + ": incompatible params: useBias = " + getUseBias()
          + " but the model " + (weights.hasBias() ? "has" : "has no") + " bias");
    }
    return spec;
  }

  private InputSchema resolve(StructType schema) {
    Conv1DSpec spec = spec();
    Integer channels = isDefined(inputChannels) ? getInputChannels() : null;
    return InputSchema.resolve(schema, getInputCol(), getOutputCol(), channels, spec.inChannels(),
        getHandleInvalid().equals("keep"));
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return resolve(schema).outputSchema();
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    InputSchema input = resolve(dataset.schema());
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
    Broadcast<WeightsData> bc = jsc.broadcast(new WeightsData(weights()));
    ExecPlan plan = new ExecPlan(spec(), getActivation(), input, getInputCol(),
        ExecPlan.OnInvalid.parse(getHandleInvalid()), getBatchSize(), getMaxBatchBytes(), bc);
    return Conv1DExecution.transform(dataset, plan, input.outputSchema());
  }

  @Override
  public Conv1DModel copy(ParamMap extra) {
    Conv1DModel copy = new Conv1DModel(uid, weights());
    copyValues(copy, extra);
    copy.trainingSummary = trainingSummary;
    return copy.setParent(parent());
  }

  @Override
  public MLWriter write() {
    return ModelIO.writer(this);
  }

  public static MLReader<Conv1DModel> read() {
    return ModelIO.reader();
  }

  public static Conv1DModel load(String path) {
    return read().load(path);
  }

  @Override
  public String toString() {
    return "Conv1DModel: uid=" + uid + ", kernelSize=" + getKernelSize() + ", filters=" + getFilters();
  }
}
