package dev.conv1d.kernels.constraint;

import dev.conv1d.kernels.keras.KerasArgs;
import dev.conv1d.kernels.keras.KerasCall;
import dev.conv1d.kernels.keras.KerasFormat;
import dev.conv1d.kernels.spec.Args;
import java.util.List;

/**
 * Constraints by Keras identifier with tf.keras 2 formulas and defaults ({@code max_norm(max_value=2)},
 * {@code min_max_norm(min_value=0.0, max_value=1.0, rate=1.0)}, {@code non_neg}, {@code unit_norm}); "None" is
 * no constraint.
 *
 * <p>Axis: Keras' literal default is {@code axis=0}, which for a conv1d kernel [kernel_size, in_channels, filters]
 * takes norms over the kernel taps only. This project's default (the decision) is the norm of each
 * filter over [kernel_size, in_channels], i.e. every axis but the last for rank >= 2, and axis 0 for a rank-1
 * bias [filters] (where it agrees with Keras). The default prints as no axis at all; pass {@code axis=0} to get
 * Keras' behaviour, any int or list of ints (negative counting from the end) to choose, or {@code axis=None} for
 * the norm of the whole tensor.
 *
 * <p>Stricter than Keras, which checks nothing: bounds must be finite and >= 0, min_value <= max_value and rate
 * in [0, 1].
 */
public final class Constraints {
  private Constraints() {}

  private static final List<String> NAMES = List.of("max_norm", "min_max_norm", "non_neg", "unit_norm");
  private static final String AXIS = "axis=int|[int, ...]|None";
  private static final String FORMS = "None | max_norm(max_value=2.0, " + AXIS + ")"
      + " | min_max_norm(min_value=0.0, max_value=1.0, rate=1.0, " + AXIS + ") | non_neg | unit_norm(" + AXIS + ")"
      + " (axis defaults to each filter's norm)";

  private static final Constraint NONE = new NoConstraint();

  /** Every name {@link #parse} accepts besides "None". */
  public static List<String> names() {
    return NAMES;
  }

  /** No constraint: apply leaves the weights unchanged. */
  public static Constraint none() {
    return NONE;
  }

  public static Constraint nonNeg() {
    return NonNeg.INSTANCE;
  }

  /** max_norm over the default axes (each filter). */
  public static Constraint maxNorm(double maxValue) {
    return new MaxNorm(checkBound("max_value", maxValue), Axis.DEFAULT);
  }

  /** max_norm over explicit axes; a single value prints as {@code axis=k}. */
  public static Constraint maxNorm(double maxValue, int... axis) {
    return new MaxNorm(checkBound("max_value", maxValue), Axis.of(axis));
  }

  public static Constraint minMaxNorm(double minValue, double maxValue, double rate) {
    return minMaxNorm(minValue, maxValue, rate, Axis.DEFAULT);
  }

  public static Constraint minMaxNorm(double minValue, double maxValue, double rate, int... axis) {
    return minMaxNorm(minValue, maxValue, rate, Axis.of(axis));
  }

  public static Constraint unitNorm() {
    return new UnitNorm(Axis.DEFAULT);
  }

  public static Constraint unitNorm(int... axis) {
    return new UnitNorm(Axis.of(axis));
  }

  private static Constraint minMaxNorm(double minValue, double maxValue, double rate, Axis axis) {
    checkBound("min_value", minValue);
    checkBound("max_value", maxValue);
    if (maxValue < minValue) throw Args.invalid("max_value", maxValue, "must be >= min_value = " + minValue);
    if (!(rate >= 0 && rate <= 1)) throw Args.invalid("rate", rate, "must be in [0, 1]");
    return new MinMaxNorm(minValue, maxValue, rate, axis);
  }

  private static double checkBound(String name, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) throw Args.invalid(name, v, "must be a finite number >= 0");
    return v;
  }

  /** Parses a Keras constraint spec; null, "" and "None" mean {@link #none()}. */
  public static Constraint parse(String spec) {
    return parse("constraint", spec);
  }

  /** As {@link #parse(String)}, naming {@code arg} (e.g. "kernel_constraint") in errors. */
  public static Constraint parse(String arg, String spec) {
    if (spec == null || spec.isBlank() || spec.trim().equals("None")) return NONE;
    KerasCall c = KerasCall.parse(arg, spec, FORMS);
    switch (c.name()) {
      case "max_norm": {
        KerasArgs a = c.bind("max_value", "axis");
        return new MaxNorm(bound(a, "max_value", 2.0), axis(a));
      }
      case "min_max_norm": {
        KerasArgs a = c.bind("min_value", "max_value", "rate", "axis");
        double min = bound(a, "min_value", 0.0);
        double max = bound(a, "max_value", 1.0);
        if (max < min) throw a.invalid("max_value", max, "must be >= min_value = " + KerasFormat.number(min));
        double rate = a.number("rate", 1.0);
        if (!(rate >= 0 && rate <= 1)) throw a.invalid("rate", rate, "must be in [0, 1]");
        return new MinMaxNorm(min, max, rate, axis(a));
      }
      case "unit_norm":
        return new UnitNorm(axis(c.bind("axis")));
      case "non_neg":
        c.bind();
        return NonNeg.INSTANCE;
      default:
        throw c.fail("unknown constraint '" + c.name() + "'");
    }
  }

  private static double bound(KerasArgs a, String name, double dflt) {
    double v = a.number(name, dflt);
    if (!(v >= 0)) throw a.invalid(name, v, "must be >= 0");
    return v;
  }

  private static Axis axis(KerasArgs a) {
    if (!a.has("axis")) return Axis.DEFAULT;
    Object v = a.raw("axis");
    if (v == null) return Axis.ALL;
    if (v instanceof Long) return Axis.of(toInt(a, v, v));
    if (v instanceof List) {
      List<?> list = (List<?>) v;
      int[] axes = new int[list.size()];
      for (int i = 0; i < axes.length; i++) {
        if (!(list.get(i) instanceof Long)) throw a.wrongType("axis", "an int, a list of ints or None", v);
        axes[i] = toInt(a, list.get(i), v);
      }
      for (int i = 0; i < axes.length; i++) {
        for (int j = 0; j < i; j++) if (axes[i] == axes[j]) throw a.invalid("axis", v, "repeats axis " + axes[i]);
      }
      return Axis.of(axes);
    }
    throw a.wrongType("axis", "an int, a list of ints or None", v);
  }

  private static int toInt(KerasArgs a, Object element, Object whole) {
    long l = (Long) element;
    if (l != (int) l) throw a.invalid("axis", whole, "is out of the int range");
    return (int) l;
  }
}
