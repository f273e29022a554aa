package dev.conv1d.kernels.init;

import dev.conv1d.kernels.keras.KerasFormat;

/**
 * Keras {@code variance_scaling}: draws with variance scale / n, n = max(1, fan) for the fan named by mode.
 * truncated_normal uses stddev sqrt(scale / n) / 0.87962566103423978 (the stddev of a unit normal truncated at
 * +-2), so the truncated draws still have variance scale / n; untruncated_normal uses sqrt(scale / n); uniform
 * draws on +-sqrt(3 scale / n). glorot_*, he_* and lecun_* are named presets that print under their own names.
 */
final class VarianceScaling extends BaseInitializer {
  static final double TRUNCATED_STDDEV = 0.87962566103423978;

  enum Mode { FAN_IN, FAN_OUT, FAN_AVG }

  enum Distribution { TRUNCATED_NORMAL, UNTRUNCATED_NORMAL, UNIFORM }

  private final double scale;
  private final Mode mode;
  private final Distribution distribution;

  private VarianceScaling(String spec, double scale, Mode mode, Distribution distribution) {
    super(spec);
    this.scale = scale;
    this.mode = mode;
    this.distribution = distribution;
  }

  static VarianceScaling of(double scale, Mode mode, Distribution distribution) {
    return new VarianceScaling(KerasFormat.call("variance_scaling", "scale", KerasFormat.number(scale), "mode",
        KerasFormat.string(keras(mode)), "distribution", KerasFormat.string(keras(distribution))), scale, mode,
        distribution);
  }

  static VarianceScaling preset(String name, double scale, Mode mode, Distribution distribution) {
    return new VarianceScaling(name, scale, mode, distribution);
  }

  static String keras(Enum<?> e) {
    return e.name().toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  void fillChecked(float[] w, int[] shape, long seed) {
    double fanIn = Fans.fanIn(shape);
    double fanOut = Fans.fanOut(shape);
    double n = mode == Mode.FAN_IN ? fanIn : mode == Mode.FAN_OUT ? fanOut : (fanIn + fanOut) / 2;
    double variance = scale / Math.max(1, n);
    Sampler s = new Sampler(seed);
    switch (distribution) {
      case TRUNCATED_NORMAL:
        Normal.fill(w, s, 0, Math.sqrt(variance) / TRUNCATED_STDDEV, true);
        break;
      case UNTRUNCATED_NORMAL:
        Normal.fill(w, s, 0, Math.sqrt(variance), false);
        break;
      case UNIFORM: {
        double limit = Math.sqrt(3 * variance);
        Uniform.fill(w, s, -limit, limit);
        break;
      }
      default:
        throw new AssertionError(distribution);
    }
  }
}
