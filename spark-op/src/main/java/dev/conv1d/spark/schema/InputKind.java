package dev.conv1d.spark.schema;

/** The three shapes a sequence column may have; each maps to one reader on the executors. */
public enum InputKind {
  /** {@code array<array<float|double>>}: [length][channels] or [channels][length] per the data format. */
  NESTED,
  /** {@code array<float|double>}: the nested form flattened in the data format's order; needs inputChannels. */
  FLAT,
  /** A dense {@code ml.linalg.Vector}, flat like {@link #FLAT}; needs inputChannels. */
  VECTOR
}
