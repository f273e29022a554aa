package dev.conv1d.kernels.init;

import java.util.SplittableRandom;

/**
 * Uniform draws, and standard normal ones by Marsaglia's polar method in double, on a {@link SplittableRandom}:
 * sequences depend only on the seed and this code, not on the JDK's Random/RandomGenerator implementation choices.
 */
final class Sampler {
  /** TensorFlow's truncated normal re-draws values more than this many standard deviations out. */
  static final double TRUNCATION = 2.0;

  private final SplittableRandom random;
  private double spare;
  private boolean hasSpare;

  Sampler(long seed) {
    this.random = new SplittableRandom(seed);
  }

  double next() {
    if (hasSpare) {
      hasSpare = false;
      return spare;
    }
    double u;
    double v;
    double s;
    do {
      u = 2 * random.nextDouble() - 1;
      v = 2 * random.nextDouble() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s == 0);
    double m = Math.sqrt(-2 * Math.log(s) / s);
    spare = v * m;
    hasSpare = true;
    return u * m;
  }

  /** A standard normal draw conditioned on |z| <= 2. */
  double truncated() {
    double z;
    do {
      z = next();
    } while (Math.abs(z) > TRUNCATION);
    return z;
  }

  /** Uniform on [0, 1). */
  double uniform() {
    return random.nextDouble();
  }
}
