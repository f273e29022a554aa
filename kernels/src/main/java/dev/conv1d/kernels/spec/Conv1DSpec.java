package dev.conv1d.kernels.spec;

import java.util.Objects;

/**
 * The shape arguments of one conv1d layer, validated as TensorFlow validates them. Output lengths and padding
 * are TensorFlow's exactly, so every kernel path derives them from here and nowhere else.
 */
public final class Conv1DSpec {
  private final int inChannels;
  private final int filters;
  private final int kernelSize;
  private final int strides;
  private final int dilationRate;
  private final int groups;
  private final Padding padding;
  private final DataFormat dataFormat;
  private final boolean useBias;

  private Conv1DSpec(Builder b) {
    this.inChannels = Args.positive("in_channels", b.inChannels);
    this.filters = Args.positive("filters", b.filters);
    this.kernelSize = Args.positive("kernel_size", b.kernelSize);
    this.strides = Args.positive("strides", b.strides);
    this.dilationRate = Args.positive("dilation_rate", b.dilationRate);
    this.groups = Args.positive("groups", b.groups);
    this.padding = Args.notNull("padding", b.padding);
    this.dataFormat = Args.notNull("data_format", b.dataFormat);
    this.useBias = b.useBias;
    if (strides > 1 && dilationRate > 1) {
      throw Args.invalid("strides", strides,
          "strides > 1 is not compatible with dilation_rate > 1 (dilation_rate = " + dilationRate + ")");
    }
    if (inChannels % groups != 0) {
      throw Args.invalid("groups", groups, "in_channels (" + inChannels + ") must be divisible by groups");
    }
    if (filters % groups != 0) {
      throw Args.invalid("groups", groups, "filters (" + filters + ") must be divisible by groups");
    }
    long rf = (long) (kernelSize - 1) * dilationRate + 1;
    if (rf > Integer.MAX_VALUE) {
      throw Args.invalid("kernel_size", kernelSize,
          "receptive field (kernel_size-1)*dilation_rate+1 = " + rf + " exceeds 2^31-1");
    }
    long weights = (long) kernelSize * (inChannels / groups) * filters;
    if (weights > Integer.MAX_VALUE - 8) {
      throw Args.invalid("filters", filters, "kernel_size*in_channels/groups*filters = " + weights
          + " weights exceed the 2^31-1 limit of one Java array");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().inChannels(inChannels).filters(filters).kernelSize(kernelSize).strides(strides)
        .dilationRate(dilationRate).groups(groups).padding(padding).dataFormat(dataFormat).useBias(useBias);
  }

  public int inChannels() { return inChannels; }
  public int filters() { return filters; }
  public int kernelSize() { return kernelSize; }
  public int strides() { return strides; }
  public int dilationRate() { return dilationRate; }
  public int groups() { return groups; }
  public Padding padding() { return padding; }
  public DataFormat dataFormat() { return dataFormat; }
  public boolean useBias() { return useBias; }

  /** in_channels / groups: the middle dimension of the Keras kernel layout. */
  public int groupInChannels() { return inChannels / groups; }

  public int groupFilters() { return filters / groups; }

  /** Number of kernel weights, kernel_size * in_channels/groups * filters. */
  public int kernelLength() { return kernelSize * groupInChannels() * filters; }

  /** Keras shape of the kernel: [kernel_size, in_channels/groups, filters]. */
  public int[] kernelShape() { return new int[] {kernelSize, groupInChannels(), filters}; }

  /** (kernel_size - 1) * dilation_rate + 1. */
  public int receptiveField() { return (kernelSize - 1) * dilationRate + 1; }

  /** TensorFlow's output length for an input of {@code length} steps (0 when valid padding finds no window). */
  public int outputLength(int length) {
    Args.nonNegative("length", length);
    long rf = receptiveField();
    switch (padding) {
      case VALID:
        return length < rf ? 0 : (int) ((length - rf) / strides + 1);
      case SAME:
      case CAUSAL:
        return (int) (((long) length + strides - 1) / strides);
      default:
        throw new AssertionError(padding);
    }
  }

  /** Zeros virtually added before the first step. */
  public int padLeft(int length) {
    Args.nonNegative("length", length);
    switch (padding) {
      case VALID:
        return 0;
      case CAUSAL:
        return receptiveField() - 1;
      case SAME: {
        long out = outputLength(length);
        long total = Math.max(0L, (out - 1) * strides + receptiveField() - length);
        return (int) (total / 2);
      }
      default:
        throw new AssertionError(padding);
    }
  }

  /** Output offsets (in steps) for a batch whose input offsets are {@code inOffsets}. */
  public int[] outputOffsets(int[] inOffsets) {
    int[] out = new int[inOffsets.length];
    long acc = 0;
    for (int i = 0; i + 1 < inOffsets.length; i++) {
      acc += outputLength(inOffsets[i + 1] - inOffsets[i]);
      if (acc * filters > Integer.MAX_VALUE - 8) {
        throw Args.invalid("batch", "output of " + acc + " steps x " + filters + " filters",
            "exceeds the 2^31-1 element limit of one Java array; use smaller batches");
      }
      out[i + 1] = (int) acc;
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Conv1DSpec)) return false;
    Conv1DSpec s = (Conv1DSpec) o;
    return inChannels == s.inChannels && filters == s.filters && kernelSize == s.kernelSize && strides == s.strides
        && dilationRate == s.dilationRate && groups == s.groups && padding == s.padding
        && dataFormat == s.dataFormat && useBias == s.useBias;
  }

  @Override
  public int hashCode() {
    return Objects.hash(inChannels, filters, kernelSize, strides, dilationRate, groups, padding, dataFormat, useBias);
  }

  @Override
  public String toString() {
    return "Conv1DSpec(in_channels=" + inChannels + ", filters=" + filters + ", kernel_size=" + kernelSize
        + ", strides=" + strides + ", dilation_rate=" + dilationRate + ", groups=" + groups + ", padding='"
        + padding.keras() + "', data_format='" + dataFormat.keras() + "', use_bias=" + useBias + ")";
  }

  /** Mutable builder; defaults are Keras': strides 1, dilation 1, groups 1, valid, channels_last, bias on. */
  public static final class Builder {
    private int inChannels;
    private int filters;
    private int kernelSize;
    private int strides = 1;
    private int dilationRate = 1;
    private int groups = 1;
    private Padding padding = Padding.VALID;
    private DataFormat dataFormat = DataFormat.CHANNELS_LAST;
    private boolean useBias = true;

    private Builder() {}

    public Builder inChannels(int v) { inChannels = v; return this; }
    public Builder filters(int v) { filters = v; return this; }
    public Builder kernelSize(int v) { kernelSize = v; return this; }
    public Builder strides(int v) { strides = v; return this; }
    public Builder dilationRate(int v) { dilationRate = v; return this; }
    public Builder groups(int v) { groups = v; return this; }
    public Builder padding(Padding v) { padding = v; return this; }
    public Builder padding(String v) { padding = Padding.parse(v); return this; }
    public Builder dataFormat(DataFormat v) { dataFormat = v; return this; }
    public Builder dataFormat(String v) { dataFormat = DataFormat.parse(v); return this; }
    public Builder useBias(boolean v) { useBias = v; return this; }

    public Conv1DSpec build() {
      return new Conv1DSpec(this);
    }
  }
}
