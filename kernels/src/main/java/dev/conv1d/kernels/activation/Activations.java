package dev.conv1d.kernels.activation;

/** Activations by Keras name. */
public final class Activations {
  private Activations() {}

  private static final Activation LINEAR = new Activation() {
    @Override public String spec() { return "linear"; }
    @Override public boolean isLinear() { return true; }
    @Override public void forward(float[] z, int off, int rows, int width) {}
    @Override public void backward(float[] z, int zOff, float[] g, int gOff, int rows, int width) {}
  };

  public static Activation linear() {
    return LINEAR;
  }

  /** Parses a Keras activation name such as "relu" or "gelu(approximate=True)"; null and "None" mean linear. */
  public static Activation parse(String spec) {
    if (spec == null || spec.isBlank() || spec.trim().equals("linear") || spec.trim().equals("None")) return LINEAR;
    throw new IllegalArgumentException("invalid argument 'activation' = '" + spec + "': not yet supported");
  }
}
