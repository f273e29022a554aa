package dev.conv1d.kernels.spec;

import java.util.Locale;

/** TensorFlow's conv1d padding modes. */
public enum Padding {
  VALID, SAME, CAUSAL;

  /** Keras spelling, lower case. */
  public String keras() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Padding parse(String s) {
    if (s != null) {
      for (Padding p : values()) if (p.keras().equalsIgnoreCase(s.trim())) return p;
    }
    throw Args.invalid("padding", s == null ? "null" : "'" + s + "'", "must be one of 'valid', 'same', 'causal'");
  }
}
