package dev.conv1d.jobs.io;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One conv1d layer's weights in Keras layout: {@code kernel} is the flat C-order array of shape
 * {@code [kernel_size, in_channels/groups, filters]}, {@code bias} has {@code filters} values or is null. {@code
 * config} holds the layer's Keras config entries when the source had them (a {@code .keras} file's config.json):
 * padding, strides, dilation_rate, groups, activation, use_bias, data_format; empty otherwise.
 */
public final class LayerWeights {
  private final String name;
  private final float[] kernel;
  private final int[] kernelShape;
  private final float[] bias;
  private final Map<String, Object> config;

  public LayerWeights(String name, float[] kernel, int[] kernelShape, float[] bias, Map<String, Object> config) {
    if (kernelShape.length != 3) {
      throw new IllegalArgumentException("layer '" + name + "': a conv1d kernel has 3 dimensions "
          + "[kernel_size, in_channels, filters], got shape " + NpyArray.shapeString(kernelShape));
    }
    if (NpyArray.size(kernelShape) != kernel.length) {
      throw new IllegalArgumentException("layer '" + name + "': kernel shape " + NpyArray.shapeString(kernelShape)
          + " does not match its " + kernel.length + " values");
    }
    for (int d : kernelShape) {
      if (d == 0) {
        throw new IllegalArgumentException("layer '" + name + "': empty kernel " + NpyArray.shapeString(kernelShape));
      }
    }
    if (bias != null && bias.length != kernelShape[2]) {
      throw new IllegalArgumentException("layer '" + name + "': bias has " + bias.length + " values but the kernel "
          + NpyArray.shapeString(kernelShape) + " has " + kernelShape[2] + " filters");
    }
    this.name = name;
    this.kernel = kernel;
    this.kernelShape = kernelShape.clone();
    this.bias = bias;
    this.config = config == null ? Map.of() : new LinkedHashMap<>(config);
  }

  public String name() { return name; }
  public float[] kernel() { return kernel; }
  public int[] kernelShape() { return kernelShape.clone(); }
  public float[] bias() { return bias; }
  public Map<String, Object> config() { return config; }
  public int kernelSize() { return kernelShape[0]; }
  public int groupInChannels() { return kernelShape[1]; }
  public int filters() { return kernelShape[2]; }

  /** The kernel as {@code [kernel_size][in_channels/groups][filters]}. */
  public float[][][] kernel3d() {
    float[][][] k = new float[kernelShape[0]][kernelShape[1]][kernelShape[2]];
    int i = 0;
    for (float[][] a : k) for (float[] b : a) for (int f = 0; f < b.length; f++) b[f] = kernel[i++];
    return k;
  }

  public LayerWeights withConfig(Map<String, Object> newConfig) {
    return new LayerWeights(name, kernel, kernelShape, bias, newConfig);
  }

  public LayerWeights withName(String newName) {
    return new LayerWeights(newName, kernel, kernelShape, bias, config);
  }

  @Override
  public String toString() {
    return "layer '" + name + "': kernel " + NpyArray.shapeString(kernelShape) + ", bias "
        + (bias == null ? "none" : "(" + bias.length + ",)") + (config.isEmpty() ? "" : ", config " + config);
  }
}
