package dev.conv1d.spark.ml;

/** Named in a crafted model's metadata: if a loader ever initialized it, the system property would be set. */
public final class LoadMarker {
  static final String PROPERTY = "conv1d.test.loadMarkerInitialized";

  static {
    System.setProperty(PROPERTY, "true");
  }

  private LoadMarker() {}
}
