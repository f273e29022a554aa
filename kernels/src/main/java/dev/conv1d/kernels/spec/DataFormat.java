package dev.conv1d.kernels.spec;

import java.util.Locale;

/** Per-sequence memory layout: channels_last is [length][channels], channels_first is [channels][length]. */
public enum DataFormat {
  CHANNELS_LAST, CHANNELS_FIRST;

  public String keras() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static DataFormat parse(String s) {
    if (s != null) {
      for (DataFormat f : values()) if (f.keras().equalsIgnoreCase(s.trim())) return f;
    }
    throw Args.invalid("data_format", s == null ? "null" : "'" + s + "'", "must be 'channels_last' or 'channels_first'");
  }
}
