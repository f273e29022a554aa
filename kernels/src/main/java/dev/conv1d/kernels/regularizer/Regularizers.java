package dev.conv1d.kernels.regularizer;

import dev.conv1d.kernels.keras.KerasArgs;
import dev.conv1d.kernels.keras.KerasCall;
import dev.conv1d.kernels.keras.KerasFormat;
import dev.conv1d.kernels.spec.Args;
import java.util.List;
import java.util.Map;

/**
 * Regularizers by Keras identifier, tf.keras 2 semantics: {@code l1(l1=0.01)}, {@code l2(l2=0.01)} (both also take
 * the legacy keyword {@code l}) and {@code l1_l2(l1=0.01, l2=0.01)}, whose defaults are those of the tf.keras 2
 * function {@code l1_l2} that the string 'l1_l2' resolves to (the {@code L1L2} class defaults to 0). "None" is no
 * penalty. Canonical specs print every strength as a keyword: {@code l1_l2(l1=0.01, l2=0.001)}.
 */
public final class Regularizers {
  private Regularizers() {}

  static final double DEFAULT = 0.01;
  private static final List<String> NAMES = List.of("l1", "l2", "l1_l2");
  private static final String FORMS = "None | l1(l1=0.01) | l2(l2=0.01) | l1_l2(l1=0.01, l2=0.01)";
  private static final Regularizer NONE = new L1L2(0, 0, "None");

  /** Every name {@link #parse} accepts besides "None". */
  public static List<String> names() {
    return NAMES;
  }

  /** No penalty: value 0, gradient unchanged. */
  public static Regularizer none() {
    return NONE;
  }

  public static Regularizer l1(double l1) {
    check("l1", l1);
    return new L1L2(l1, 0, KerasFormat.call("l1", "l1", KerasFormat.number(l1)));
  }

  public static Regularizer l2(double l2) {
    check("l2", l2);
    return new L1L2(0, l2, KerasFormat.call("l2", "l2", KerasFormat.number(l2)));
  }

  public static Regularizer l1l2(double l1, double l2) {
    check("l1", l1);
    check("l2", l2);
    return new L1L2(l1, l2, KerasFormat.call("l1_l2", "l1", KerasFormat.number(l1), "l2", KerasFormat.number(l2)));
  }

  /** Parses a Keras regularizer spec; null, "" and "None" mean {@link #none()}. */
  public static Regularizer parse(String spec) {
    return parse("regularizer", spec);
  }

  /** As {@link #parse(String)}, naming {@code arg} (e.g. "kernel_regularizer") in errors. */
  public static Regularizer parse(String arg, String spec) {
    if (spec == null || spec.isBlank() || spec.trim().equals("None")) return NONE;
    KerasCall c = KerasCall.parse(arg, spec, FORMS);
    switch (c.name()) {
      case "l1":
        return l1(strength(c.bind(List.of("l1"), Map.of("l", "l1")), "l1"));
      case "l2":
        return l2(strength(c.bind(List.of("l2"), Map.of("l", "l2")), "l2"));
      case "l1_l2": {
        KerasArgs a = c.bind("l1", "l2");
        return l1l2(strength(a, "l1"), strength(a, "l2"));
      }
      default:
        throw c.fail("unknown regularizer '" + c.name() + "'");
    }
  }

  private static double strength(KerasArgs a, String name) {
    double v = a.number(name, DEFAULT);
    if (!(v >= 0)) throw a.invalid(name, v, "must be >= 0");
    return v;
  }

  private static void check(String name, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw Args.invalid(name, v, "regularization strength must be a finite number >= 0");
    }
  }
}
