package dev.conv1d.kernels.keras;

import java.math.BigDecimal;
import java.util.List;

/**
 * Canonical printing of Keras specs. Floats print as Python's {@code repr} does (shortest round-tripping digits,
 * {@code 0.01}, {@code 1e-07}), which is why parameters are stored as double: a float32 0.01 would print as
 * 0.009999999776 and no longer read back to the value the user wrote.
 */
public final class KerasFormat {
  private KerasFormat() {}

  /** Python repr of a float: {@code 2.0}, {@code 0.01}, {@code 1e-07}, {@code 1.5e+16}; parses back exactly. */
  public static String number(double v) {
    if (Double.isNaN(v)) return "nan";
    if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
    String sign = (v < 0 || (v == 0 && 1 / v < 0)) ? "-" : "";
    if (v == 0) return sign + "0.0";
    // Double.toString round-trips; BigDecimal strips its formatting down to digits and a decimal exponent.
    BigDecimal d = new BigDecimal(Double.toString(Math.abs(v))).stripTrailingZeros();
    String digits = d.unscaledValue().toString();
    int exp = digits.length() - 1 - d.scale();
    if (exp >= -4 && exp < 16) {
      String plain = d.toPlainString();
      return sign + (plain.indexOf('.') < 0 ? plain + ".0" : plain);
    }
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
  }

  /** A Python string literal in single quotes. */
  public static String string(String s) {
    return "'" + s + "'";
  }

  public static String bool(boolean b) {
    return b ? "True" : "False";
  }

  /** {@code [0, 1]}. */
  public static String ints(int[] a) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < a.length; i++) b.append(i == 0 ? "" : ", ").append(a[i]);
    return b.append(']').toString();
  }

  /** Any parsed value (see {@link KerasCall}) as a Python literal. */
  public static String value(Object v) {
    if (v == null) return "None";
    if (v instanceof Boolean) return bool((Boolean) v);
    if (v instanceof Double) return number((Double) v);
    if (v instanceof String) return string((String) v);
    if (v instanceof List) {
      StringBuilder b = new StringBuilder("[");
      String sep = "";
      for (Object o : (List<?>) v) {
        b.append(sep).append(value(o));
        sep = ", ";
      }
      return b.append(']').toString();
    }
    return String.valueOf(v);
  }

  /** Python's name for the type of a parsed value, for error messages. */
  public static String typeName(Object v) {
    if (v == null) return "NoneType";
    if (v instanceof Boolean) return "bool";
    if (v instanceof Long) return "int";
    if (v instanceof Double) return "float";
    if (v instanceof String) return "str";
    if (v instanceof List) return "list";
    return v.getClass().getSimpleName();
  }

  /**
   * {@code name(k1=v1, k2=v2)} from alternating keys and already formatted values; pairs whose value is null are
   * left out, and with none left the result is the bare name.
   */
  public static String call(String name, String... keyValues) {
    if (keyValues.length % 2 != 0) throw new IllegalArgumentException("keyValues must alternate keys and values");
    StringBuilder b = new StringBuilder(name);
    String sep = "(";
    for (int i = 0; i < keyValues.length; i += 2) {
      if (keyValues[i + 1] == null) continue;
      b.append(sep).append(keyValues[i]).append('=').append(keyValues[i + 1]);
      sep = ", ";
    }
    return sep.equals("(") ? name : b.append(')').toString();
  }
}
