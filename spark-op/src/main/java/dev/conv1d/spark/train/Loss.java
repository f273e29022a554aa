package dev.conv1d.spark.train;

import dev.conv1d.kernels.conv.Conv1DKernel;
import dev.conv1d.kernels.conv.ConvKernels;
import java.io.Serializable;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The training losses, with tf.keras 2 formulas: each is averaged over the last axis (the filters) per step, or
 * for the crossentropies summed over the classes (the filters) per step; a sample's loss is the mean over its
 * output steps (or over the one pooled step). The data loss is the weighted mean of the sample losses (see
 * {@code Conv1D}). Non-logit crossentropies clip probabilities to [1e-7, 1 - 1e-7] as Keras does, and their
 * gradients are zero where a value is clipped.
 */
public final class Loss implements Serializable {
  private static final long serialVersionUID = 1L;
  /** This JVM's engine (static: chosen where the task runs, not shipped with the loss). */
  private static final Conv1DKernel ENGINE = ConvKernels.best();
  static final double EPS = 1e-7;

  public enum Kind { MSE, MAE, HUBER, BINARY_CROSSENTROPY, CATEGORICAL_CROSSENTROPY, SPARSE_CATEGORICAL_CROSSENTROPY }

  private static final Pattern HUBER = Pattern.compile("huber\\s*\\(\\s*(?:delta\\s*=\\s*)?([^)\\s]+)\\s*\\)");
  public static final String FORMS = "mse | mae | huber | huber(delta=1.0) | binary_crossentropy"
      + " | categorical_crossentropy | sparse_categorical_crossentropy";

  private final Kind kind;
  private final double delta;
  private final boolean fromLogits;

  private Loss(Kind kind, double delta, boolean fromLogits) {
    this.kind = kind;
    this.delta = delta;
    this.fromLogits = fromLogits;
  }

  public Kind kind() {
    return kind;
  }

  /** Whether the label is a class index (one per step, or one per sequence when pooled). */
  public boolean sparse() {
    return kind == Kind.SPARSE_CATEGORICAL_CROSSENTROPY;
  }

  /** Parses a loss spec (also Keras' long names mean_squared_error, mean_absolute_error). */
  public static Loss parse(String spec, boolean fromLogits) {
    if (spec == null) throw new IllegalArgumentException("loss: null; expected " + FORMS);
    String s = spec.trim().toLowerCase(Locale.ROOT);
    switch (s) {
      case "mse":
      case "mean_squared_error":
        return new Loss(Kind.MSE, 0, fromLogits);
      case "mae":
      case "mean_absolute_error":
        return new Loss(Kind.MAE, 0, fromLogits);
      case "huber":
        return new Loss(Kind.HUBER, 1.0, fromLogits);
      case "binary_crossentropy":
        return new Loss(Kind.BINARY_CROSSENTROPY, 0, fromLogits);
      case "categorical_crossentropy":
        return new Loss(Kind.CATEGORICAL_CROSSENTROPY, 0, fromLogits);
      case "sparse_categorical_crossentropy":
        return new Loss(Kind.SPARSE_CATEGORICAL_CROSSENTROPY, 0, fromLogits);
      default:
        break;
    }
    Matcher m = HUBER.matcher(s);
    if (m.matches()) {
      double d;
      try {
        d = Double.parseDouble(m.group(1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("loss '" + spec + "': delta must be a number; expected " + FORMS);
      }
      if (!(d > 0) || Double.isInfinite(d)) {
        throw new IllegalArgumentException("loss '" + spec + "': delta must be a finite number > 0");
      }
      return new Loss(Kind.HUBER, d, fromLogits);
    }
    throw new IllegalArgumentException("loss: unknown loss '" + spec + "'; expected " + FORMS);
  }

  /** True when the spec parses. */
  public static boolean valid(String spec) {
    try {
      parse(spec, false);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Loss of one sample and its gradient. {@code y} holds {@code steps} steps of {@code f} values at
   * y[off + t*stepStride + j*chanStride]; the label is laid out alike (dense) or holds one class per step at
   * label[lOff + t] (sparse). Writes dLoss/dy, scaled by {@code scale}, to g at the same positions as y.
   * Returns the (unscaled) loss, i.e. the mean over steps.
   */
  public double lossAndGrad(float[] y, int off, int steps, int f, int stepStride, int chanStride, float[] label,
      int lOff, int lStepStride, int lChanStride, float[] g, int gOff, double scale) {
    double total = 0;
    double s = scale / steps;
    for (int t = 0; t < steps; t++) {
      int b = off + t * stepStride, lb = lOff + t * lStepStride, gb = gOff + t * stepStride;
      switch (kind) {
        case MSE:
        case MAE:
        case HUBER:
        case BINARY_CROSSENTROPY:
          total += elementwise(y, b, f, chanStride, label, lb, lChanStride, g, gb, s / f) / f;
          break;
        case CATEGORICAL_CROSSENTROPY:
          total += categorical(y, b, f, chanStride, label, lb, lChanStride, -1, g, gb, s);
          break;
        case SPARSE_CATEGORICAL_CROSSENTROPY:
          total += categorical(y, b, f, chanStride, null, 0, 0, (int) label[lOff + t], g, gb, s);
          break;
        default:
          throw new AssertionError(kind);
      }
    }
    return total / steps;
  }

  private double elementwise(float[] y, int b, int f, int cs, float[] l, int lb, int lcs, float[] g, int gb,
      double s) {
    double sum = 0;
    for (int j = 0; j < f; j++) {
      double p = y[b + j * cs], t = l[lb + j * lcs];
      double v, d;
      switch (kind) {
        case MSE: {
          double e = p - t;
          v = e * e;
          d = 2 * e;
          break;
        }
        case MAE: {
          double e = p - t;
          v = Math.abs(e);
          d = Math.signum(e);
          break;
        }
        case HUBER: {
          double e = p - t, a = Math.abs(e);
          if (a <= delta) {
            v = 0.5 * e * e;
            d = e;
          } else {
            v = delta * (a - 0.5 * delta);
            d = delta * Math.signum(e);
          }
          break;
        }
        default: // binary crossentropy
          if (fromLogits) {
            v = Math.max(p, 0) - p * t + Math.log1p(Math.exp(-Math.abs(p)));
            d = sigmoid(p) - t;
          } else {
            double o = Math.min(Math.max(p, EPS), 1 - EPS);
            boolean clipped = p < EPS || p > 1 - EPS;
            v = -(t * Math.log(o + EPS) + (1 - t) * Math.log(1 - o + EPS));
            d = clipped ? 0 : -(t / (o + EPS) - (1 - t) / (1 - o + EPS));
          }
          break;
      }
      sum += v;
      g[gb + j * cs] = (float) (d * s);
    }
    return sum;
  }

  /** One step's crossentropy over f classes; dense label (cls < 0) or class index cls. */
  private double categorical(float[] y, int b, int f, int cs, float[] l, int lb, int lcs, int cls, float[] g, int gb,
      double s) {
    if (fromLogits) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < f; j++) max = Math.max(max, y[b + j * cs]);
      double z = 0;
      for (int j = 0; j < f; j++) z += Math.exp(y[b + j * cs] - max);
      double logZ = Math.log(z) + max;
      double v = 0, lsum = 0;
      for (int j = 0; j < f; j++) {
        double t = cls >= 0 ? (j == cls ? 1 : 0) : l[lb + j * lcs];
        v -= t * (y[b + j * cs] - logZ);
        lsum += t;
      }
      for (int j = 0; j < f; j++) {
        double t = cls >= 0 ? (j == cls ? 1 : 0) : l[lb + j * lcs];
        double p = Math.exp(y[b + j * cs] - logZ);
        g[gb + j * cs] = (float) ((p * lsum - t) * s);
      }
      return v;
    }
    double sum = 0;
    for (int j = 0; j < f; j++) sum += y[b + j * cs];
    double v = 0, dot = 0;
    // a_j = dLoss/dq_j with q = y / sum(y) clipped; dLoss/dy_j = (a_j - sum_k a_k q_k) / sum(y)
    for (int j = 0; j < f; j++) {
      double t = cls >= 0 ? (j == cls ? 1 : 0) : l[lb + j * lcs];
      double q = y[b + j * cs] / sum;
      double qc = Math.min(Math.max(q, EPS), 1 - EPS);
      v -= t * Math.log(qc);
      double a = (q < EPS || q > 1 - EPS) ? 0 : -t / qc;
      g[gb + j * cs] = (float) a;
      dot += a * q;
    }
    for (int j = 0; j < f; j++) g[gb + j * cs] = (float) ((g[gb + j * cs] - dot) / sum * s);
    return v;
  }

  /** Whether the loss is element-wise (mean over all of a sample's outputs), so {@link #elementwiseMean} applies. */
  public boolean elementwise() {
    return kind == Kind.MSE || kind == Kind.MAE || kind == Kind.HUBER || kind == Kind.BINARY_CROSSENTROPY;
  }

  /**
   * Fast path for element-wise losses over n contiguous outputs with the label at the same positions (pooling none:
   * the mean over steps of the mean over filters is the mean over all outputs, whatever the layout). Writes
   * dLoss/dy times {@code scale} to g and returns the mean loss. mse and mae run on the kernels' engine (one vector
   * pass; the error y - label is taken in float, its sum in double).
   */
  public double elementwiseMean(float[] y, int off, int n, float[] label, int lOff, float[] g, double scale) {
    double s = scale / n;
    switch (kind) {
      case MSE:
        return ENGINE.squaredError(y, off, label, lOff, n, (float) (2 * s), g) / n;
      case MAE:
        return ENGINE.absoluteError(y, off, label, lOff, n, (float) s, g) / n;
      default:
        return lossAndGrad(y, off, 1, n, n, 1, label, lOff, n, 1, g, off, scale);
    }
  }

  /** Loss only (validation). */
  public double loss(float[] y, int off, int steps, int f, int stepStride, int chanStride, float[] label, int lOff,
      int lStepStride, int lChanStride, float[] scratch) {
    return lossAndGrad(y, off, steps, f, stepStride, chanStride, label, lOff, lStepStride, lChanStride, scratch, off,
        0);
  }

  private static double sigmoid(double x) {
    return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
  }

  @Override
  public String toString() {
    return kind.name().toLowerCase(Locale.ROOT) + (kind == Kind.HUBER ? "(delta=" + delta + ")" : "")
        + (fromLogits ? " from logits" : "");
  }
}
