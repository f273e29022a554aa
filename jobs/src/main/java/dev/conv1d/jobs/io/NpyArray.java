package dev.conv1d.jobs.io;

import java.util.Arrays;

/**
 * One NumPy array as read from or written to {@code .npy}: its shape and its values in C order, kept as float32 or
 * float64 (the only dtypes this project reads or writes).
 */
public final class NpyArray {
  /** Element type: NumPy's little-endian float32 ({@code <f4}) or float64 ({@code <f8}). */
  public enum DType {
    FLOAT32("<f4", 4), FLOAT64("<f8", 8);

    final String descr;
    final int bytes;

    DType(String descr, int bytes) {
      this.descr = descr;
      this.bytes = bytes;
    }

    public String descr() { return descr; }
  }

  private final int[] shape;
  private final DType dtype;
  private final float[] floats;
  private final double[] doubles;

  private NpyArray(int[] shape, DType dtype, float[] floats, double[] doubles) {
    this.shape = shape.clone();
    this.dtype = dtype;
    this.floats = floats;
    this.doubles = doubles;
    long n = size(this.shape);
    int have = floats != null ? floats.length : doubles.length;
    if (n != have) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " values, got " + have);
    }
  }

  public static NpyArray ofFloats(int[] shape, float[] values) {
    return new NpyArray(shape, DType.FLOAT32, values, null);
  }

  public static NpyArray ofDoubles(int[] shape, double[] values) {
    return new NpyArray(shape, DType.FLOAT64, null, values);
  }

  static long size(int[] shape) {
    long n = 1;
    for (int d : shape) {
      if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      n *= d;
    }
    return n;
  }

  public int[] shape() { return shape.clone(); }

  public int rank() { return shape.length; }

  public DType dtype() { return dtype; }

  public int size() { return floats != null ? floats.length : doubles.length; }

  /** The values as float32 (float64 values are rounded to nearest). */
  public float[] toFloats() {
    if (floats != null) return floats.clone();
    float[] f = new float[doubles.length];
    for (int i = 0; i < f.length; i++) f[i] = (float) doubles[i];
    return f;
  }

  /** The values as float64 (exact for both dtypes). */
  public double[] toDoubles() {
    if (doubles != null) return doubles.clone();
    double[] d = new double[floats.length];
    for (int i = 0; i < d.length; i++) d[i] = floats[i];
    return d;
  }

  float[] floatsView() { return floats; }

  double[] doublesView() { return doubles; }

  /** Shape as NumPy prints it: {@code (3, 2, 4)}, {@code (5,)}, {@code ()}. */
  public static String shapeString(int[] shape) {
    if (shape.length == 1) return "(" + shape[0] + ",)";
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) sb.append(i == 0 ? "" : ", ").append(shape[i]);
    return sb.append(')').toString();
  }

  @Override
  public String toString() {
    return "NpyArray" + shapeString(shape) + " " + dtype.descr;
  }
}
