package dev.conv1d.kernels.spec;

/** Argument checks whose messages always name the argument, the value and the rule. */
public final class Args {
  private Args() {}

  public static IllegalArgumentException invalid(String arg, Object value, String rule) {
    return new IllegalArgumentException("invalid argument '" + arg + "' = " + value + ": " + rule);
  }

  public static int positive(String arg, int value) {
    if (value <= 0) throw invalid(arg, value, "must be a positive integer (>= 1)");
    return value;
  }

  public static int nonNegative(String arg, int value) {
    if (value < 0) throw invalid(arg, value, "must be >= 0");
    return value;
  }

  public static double finite(String arg, double value) {
    if (!Double.isFinite(value)) throw invalid(arg, value, "must be a finite number");
    return value;
  }

  public static double nonNegative(String arg, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) throw invalid(arg, value, "must be a finite number >= 0");
    return value;
  }

  public static <T> T notNull(String arg, T value) {
    if (value == null) throw invalid(arg, "null", "must not be null");
    return value;
  }
}
