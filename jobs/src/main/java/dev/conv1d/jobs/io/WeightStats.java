package dev.conv1d.jobs.io;

import java.util.LinkedHashMap;
import java.util.Map;

/** Summary statistics of a weight array, and how closely one array matches a reference. */
public final class WeightStats {
  private WeightStats() {}

  public static Map<String, Object> of(float[] w) {
    Map<String, Object> s = new LinkedHashMap<>();
    double sum = 0, sq = 0, min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
    long zeros = 0, nonFinite = 0;
    for (float v : w) {
      if (!Float.isFinite(v)) {
        nonFinite++;
        continue;
      }
      sum += v;
      sq += (double) v * v;
      min = Math.min(min, v);
      max = Math.max(max, v);
      if (v == 0f) zeros++;
    }
    long n = w.length - nonFinite;
    double mean = n == 0 ? Double.NaN : sum / n;
    s.put("count", w.length);
    s.put("min", n == 0 ? Double.NaN : min);
    s.put("max", n == 0 ? Double.NaN : max);
    s.put("mean", mean);
    s.put("std", n == 0 ? Double.NaN : Math.sqrt(Math.max(0, sq / n - mean * mean)));
    s.put("l2", Math.sqrt(sq));
    s.put("zeros", zeros);
    s.put("nonFinite", nonFinite);
    return s;
  }

  /** L2 norm of each filter's kernel slice (the last axis of [kernel_size, in_channels, filters]). */
  public static double[] filterNorms(float[] kernel, int filters) {
    double[] n = new double[filters];
    for (int i = 0; i < kernel.length; i++) n[i % filters] += (double) kernel[i] * kernel[i];
    for (int f = 0; f < filters; f++) n[f] = Math.sqrt(n[f]);
    return n;
  }

  /** How closely {@code got} matches {@code want}: max |diff|, RMSE, relative L2 error, cosine similarity. */
  public static Map<String, Object> compare(float[] got, float[] want) {
    if (got.length != want.length) {
      throw new IllegalArgumentException("cannot compare " + got.length + " values with " + want.length);
    }
    double maxAbs = 0, d2 = 0, w2 = 0, g2 = 0, dot = 0;
    for (int i = 0; i < got.length; i++) {
      double d = (double) got[i] - want[i];
      maxAbs = Math.max(maxAbs, Math.abs(d));
      d2 += d * d;
      w2 += (double) want[i] * want[i];
      g2 += (double) got[i] * got[i];
      dot += (double) got[i] * want[i];
    }
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("maxAbsDiff", maxAbs);
    c.put("rmse", got.length == 0 ? 0.0 : Math.sqrt(d2 / got.length));
    c.put("relativeL2Error", w2 == 0 ? (d2 == 0 ? 0.0 : Double.POSITIVE_INFINITY) : Math.sqrt(d2 / w2));
    c.put("cosine", g2 == 0 || w2 == 0 ? Double.NaN : dot / Math.sqrt(g2 * w2));
    return c;
  }
}
