package dev.conv1d.kernels.init;

import dev.conv1d.kernels.init.VarianceScaling.Distribution;
import dev.conv1d.kernels.init.VarianceScaling.Mode;
import dev.conv1d.kernels.keras.KerasArgs;
import dev.conv1d.kernels.keras.KerasCall;
import dev.conv1d.kernels.keras.KerasFormat;
import dev.conv1d.kernels.spec.Args;
import java.util.List;
import java.util.Locale;

/**
 * Initializers by Keras identifier with tf.keras 2 defaults. Canonical specs print every parameter as a keyword
 * ({@code random_normal(mean=0.0, stddev=0.05)}), the presets by name ({@code he_normal}). Seeds are not part of a
 * spec: the caller passes one to {@link Initializer#fill}, so a spec with {@code seed=} is rejected. Values are
 * drawn from the Keras distributions but are not TensorFlow's random streams.
 *
 * <p>Stricter than Keras: stddev must be >= 0 and minval <= maxval.
 */
public final class Initializers {
  private Initializers() {}

  private static final List<String> NAMES = List.of("zeros", "ones", "constant", "random_normal", "random_uniform",
      "truncated_normal", "glorot_uniform", "glorot_normal", "he_normal", "he_uniform", "lecun_normal",
      "lecun_uniform", "variance_scaling", "orthogonal");

  private static final String FORMS = "zeros | ones | constant(value=0.0) | random_normal(mean=0.0, stddev=0.05)"
      + " | random_uniform(minval=-0.05, maxval=0.05) | truncated_normal(mean=0.0, stddev=0.05) | glorot_uniform"
      + " | glorot_normal | he_normal | he_uniform | lecun_normal | lecun_uniform | variance_scaling(scale=1.0,"
      + " mode='fan_in'|'fan_out'|'fan_avg', distribution='truncated_normal'|'untruncated_normal'|'uniform')"
      + " | orthogonal(gain=1.0)";

  private static final Initializer GLOROT_UNIFORM =
      VarianceScaling.preset("glorot_uniform", 1, Mode.FAN_AVG, Distribution.UNIFORM);
  private static final Initializer GLOROT_NORMAL =
      VarianceScaling.preset("glorot_normal", 1, Mode.FAN_AVG, Distribution.TRUNCATED_NORMAL);
  private static final Initializer HE_NORMAL =
      VarianceScaling.preset("he_normal", 2, Mode.FAN_IN, Distribution.TRUNCATED_NORMAL);
  private static final Initializer HE_UNIFORM =
      VarianceScaling.preset("he_uniform", 2, Mode.FAN_IN, Distribution.UNIFORM);
  private static final Initializer LECUN_NORMAL =
      VarianceScaling.preset("lecun_normal", 1, Mode.FAN_IN, Distribution.TRUNCATED_NORMAL);
  private static final Initializer LECUN_UNIFORM =
      VarianceScaling.preset("lecun_uniform", 1, Mode.FAN_IN, Distribution.UNIFORM);

  /** Every name {@link #parse} accepts. */
  public static List<String> names() {
    return NAMES;
  }

  public static Initializer zeros() { return Constant.ZEROS; }
  public static Initializer ones() { return Constant.ONES; }
  public static Initializer glorotUniform() { return GLOROT_UNIFORM; }
  public static Initializer glorotNormal() { return GLOROT_NORMAL; }
  public static Initializer heNormal() { return HE_NORMAL; }
  public static Initializer heUniform() { return HE_UNIFORM; }
  public static Initializer lecunNormal() { return LECUN_NORMAL; }
  public static Initializer lecunUniform() { return LECUN_UNIFORM; }

  public static Initializer constant(double value) {
    return Constant.of(Args.finite("value", value));
  }

  public static Initializer randomNormal(double mean, double stddev) {
    return new Normal(Args.finite("mean", mean), Args.nonNegative("stddev", stddev), false);
  }

  /** Normal draws more than 2 stddev from the mean are re-drawn. */
  public static Initializer truncatedNormal(double mean, double stddev) {
    return new Normal(Args.finite("mean", mean), Args.nonNegative("stddev", stddev), true);
  }

  public static Initializer randomUniform(double minval, double maxval) {
    Args.finite("minval", minval);
    Args.finite("maxval", maxval);
    if (maxval < minval) throw Args.invalid("maxval", maxval, "must be >= minval = " + minval);
    return new Uniform(minval, maxval);
  }

  /**
   * Keras variance_scaling: scale > 0; mode 'fan_in', 'fan_out' or 'fan_avg'; distribution 'truncated_normal'
   * ('normal' is Keras' alias of it), 'untruncated_normal' or 'uniform', any case.
   */
  public static Initializer varianceScaling(double scale, String mode, String distribution) {
    if (!(scale > 0) || Double.isInfinite(scale)) throw Args.invalid("scale", scale, "must be a finite number > 0");
    return VarianceScaling.of(scale, mode(mode), distribution(distribution));
  }

  public static Initializer orthogonal(double gain) {
    return new Orthogonal(Args.finite("gain", gain));
  }

  /** Parses a Keras initializer spec such as "he_normal" or "random_normal(stddev=0.02)". */
  public static Initializer parse(String spec) {
    return parse("initializer", spec);
  }

  /** As {@link #parse(String)}, naming {@code arg} (e.g. "kernel_initializer") in errors. */
  public static Initializer parse(String arg, String spec) {
    KerasCall c = KerasCall.parse(arg, spec, FORMS);
    if (c.keywords().containsKey("seed")) {
      throw c.fail("seed is not part of an initializer spec: the seed is passed to fill(w, shape, seed)");
    }
    switch (c.name()) {
      case "zeros": c.bind(); return Constant.ZEROS;
      case "ones": c.bind(); return Constant.ONES;
      case "glorot_uniform": c.bind(); return GLOROT_UNIFORM;
      case "glorot_normal": c.bind(); return GLOROT_NORMAL;
      case "he_normal": c.bind(); return HE_NORMAL;
      case "he_uniform": c.bind(); return HE_UNIFORM;
      case "lecun_normal": c.bind(); return LECUN_NORMAL;
      case "lecun_uniform": c.bind(); return LECUN_UNIFORM;
      case "constant":
        return Constant.of(c.bind("value").number("value", 0.0));
      case "random_normal":
      case "truncated_normal": {
        KerasArgs a = c.bind("mean", "stddev");
        double stddev = a.number("stddev", 0.05);
        if (!(stddev >= 0)) throw a.invalid("stddev", stddev, "must be >= 0");
        return new Normal(a.number("mean", 0.0), stddev, c.name().equals("truncated_normal"));
      }
      case "random_uniform": {
        KerasArgs a = c.bind("minval", "maxval");
        double min = a.number("minval", -0.05);
        double max = a.number("maxval", 0.05);
        if (max < min) throw a.invalid("maxval", max, "must be >= minval = " + KerasFormat.number(min));
        return new Uniform(min, max);
      }
      case "variance_scaling": {
        KerasArgs a = c.bind("scale", "mode", "distribution");
        double scale = a.number("scale", 1.0);
        if (!(scale > 0)) throw a.invalid("scale", scale, "must be > 0");
        String mode = a.string("mode", "fan_in");
        String dist = a.string("distribution", "truncated_normal");
        Mode m;
        Distribution d;
        try {
          m = mode(mode);
        } catch (IllegalArgumentException e) {
          throw a.invalid("mode", mode, "must be 'fan_in', 'fan_out' or 'fan_avg'");
        }
        try {
          d = distribution(dist);
        } catch (IllegalArgumentException e) {
          throw a.invalid("distribution", dist, "must be 'truncated_normal', 'untruncated_normal' or 'uniform'");
        }
        return VarianceScaling.of(scale, m, d);
      }
      case "orthogonal":
        return new Orthogonal(c.bind("gain").number("gain", 1.0));
      default:
        throw c.fail("unknown initializer '" + c.name() + "'");
    }
  }

  private static Mode mode(String mode) {
    Args.notNull("mode", mode);
    switch (mode) {
      case "fan_in": return Mode.FAN_IN;
      case "fan_out": return Mode.FAN_OUT;
      case "fan_avg": return Mode.FAN_AVG;
      default: throw Args.invalid("mode", "'" + mode + "'", "must be 'fan_in', 'fan_out' or 'fan_avg'");
    }
  }

  private static Distribution distribution(String distribution) {
    Args.notNull("distribution", distribution);
    switch (distribution.toLowerCase(Locale.ROOT)) {
      case "truncated_normal":
      case "normal":
        return Distribution.TRUNCATED_NORMAL;
      case "untruncated_normal": return Distribution.UNTRUNCATED_NORMAL;
      case "uniform": return Distribution.UNIFORM;
      default:
        throw Args.invalid("distribution", "'" + distribution + "'",
            "must be 'truncated_normal' (alias 'normal'), 'untruncated_normal' or 'uniform'");
    }
  }
}
