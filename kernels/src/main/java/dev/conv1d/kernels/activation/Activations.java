package dev.conv1d.kernels.activation;

import dev.conv1d.kernels.keras.KerasArgs;
import dev.conv1d.kernels.keras.KerasCall;
import dev.conv1d.kernels.keras.KerasFormat;
import dev.conv1d.kernels.spec.Args;
import java.util.List;
import java.util.Map;

/**
 * Activations by Keras name, with tf.keras 2 semantics where Keras 2 and 3 differ (see {@code hard_sigmoid}).
 * Keras activation strings are bare names; the parameterized forms {@code leaky_relu(negative_slope=0.1)},
 * {@code elu(alpha=0.5)} and {@code gelu(approximate=True)} are this project's spelling of the corresponding
 * function arguments. The canonical {@link Activation#spec()} is the bare name when every parameter has its
 * default, so it reads like the Keras layer config; "silu" reads back as "swish".
 */
public final class Activations {
  private Activations() {}

  private static final List<String> NAMES = List.of("linear", "relu", "relu6", "leaky_relu", "elu", "selu", "gelu",
      "sigmoid", "hard_sigmoid", "tanh", "softplus", "softsign", "swish", "silu", "exponential", "softmax");

  private static final String FORMS = "None | linear | relu | relu6 | leaky_relu(negative_slope=0.2) (alias alpha)"
      + " | elu(alpha=1.0) | selu | gelu(approximate=False) | sigmoid | hard_sigmoid | tanh | softplus | softsign"
      + " | swish | silu | exponential | softmax";

  /** Every name {@link #parse} accepts. */
  public static List<String> names() {
    return NAMES;
  }

  public static Activation linear() { return Linear.INSTANCE; }
  public static Activation relu() { return Relu.INSTANCE; }
  public static Activation relu6() { return Relu6.INSTANCE; }
  public static Activation selu() { return Selu.INSTANCE; }
  public static Activation sigmoid() { return Sigmoid.INSTANCE; }
  public static Activation hardSigmoid() { return HardSigmoid.INSTANCE; }
  public static Activation tanh() { return Tanh.INSTANCE; }
  public static Activation softplus() { return Softplus.INSTANCE; }
  public static Activation softsign() { return Softsign.INSTANCE; }
  public static Activation swish() { return Swish.INSTANCE; }
  public static Activation exponential() { return Exponential.INSTANCE; }
  public static Activation softmax() { return Softmax.INSTANCE; }

  /** leaky_relu with TensorFlow's default slope 0.2. */
  public static Activation leakyRelu() {
    return leakyRelu(LeakyRelu.DEFAULT_SLOPE);
  }

  /** x for x > 0 else negativeSlope * x; the slope must lie in [0, 1]. */
  public static Activation leakyRelu(double negativeSlope) {
    if (!(negativeSlope >= 0 && negativeSlope <= 1)) {
      throw invalidParameter("leaky_relu", "negative_slope", negativeSlope, "must be in [0, 1]");
    }
    return new LeakyRelu(negativeSlope);
  }

  public static Activation elu() {
    return elu(Elu.DEFAULT_ALPHA);
  }

  public static Activation elu(double alpha) {
    if (!Double.isFinite(alpha)) throw invalidParameter("elu", "alpha", alpha, "must be a finite number");
    return new Elu(alpha);
  }

  /** gelu with tf.keras' default approximate=False (the exact erf form). */
  public static Activation gelu() {
    return Gelu.EXACT;
  }

  public static Activation gelu(boolean approximate) {
    return approximate ? Gelu.TANH : Gelu.EXACT;
  }

  /** Parses a Keras activation such as "relu" or "gelu(approximate=True)"; null, "", "None" mean linear. */
  public static Activation parse(String spec) {
    return parse("activation", spec);
  }

  /** As {@link #parse(String)}, naming {@code arg} in errors. */
  public static Activation parse(String arg, String spec) {
    if (spec == null || spec.isBlank() || spec.trim().equals("None")) return Linear.INSTANCE;
    KerasCall c = KerasCall.parse(arg, spec, FORMS);
    switch (c.name()) {
      case "leaky_relu": {
        KerasArgs a = c.bind(List.of("negative_slope"), Map.of("alpha", "negative_slope"));
        double slope = a.number("negative_slope", LeakyRelu.DEFAULT_SLOPE);
        if (!(slope >= 0 && slope <= 1)) throw a.invalid("negative_slope", slope, "must be in [0, 1]");
        return new LeakyRelu(slope);
      }
      case "elu":
        return new Elu(c.bind("alpha").number("alpha", Elu.DEFAULT_ALPHA));
      case "gelu":
        return gelu(c.bind("approximate").bool("approximate", false));
      default:
        break;
    }
    Activation a = plain(c.name());
    if (a == null) throw c.fail("unknown activation '" + c.name() + "'");
    c.bind();
    return a;
  }

  private static Activation plain(String name) {
    switch (name) {
      case "linear": return Linear.INSTANCE;
      case "relu": return Relu.INSTANCE;
      case "relu6": return Relu6.INSTANCE;
      case "selu": return Selu.INSTANCE;
      case "sigmoid": return Sigmoid.INSTANCE;
      case "hard_sigmoid": return HardSigmoid.INSTANCE;
      case "tanh": return Tanh.INSTANCE;
      case "softplus": return Softplus.INSTANCE;
      case "softsign": return Softsign.INSTANCE;
      case "swish":
      case "silu":
        return Swish.INSTANCE;
      case "exponential": return Exponential.INSTANCE;
      case "softmax": return Softmax.INSTANCE;
      default: return null;
    }
  }

  private static IllegalArgumentException invalidParameter(String name, String param, double v, String rule) {
    return Args.invalid(param, KerasFormat.number(v), rule + " (" + name + ")");
  }
}
