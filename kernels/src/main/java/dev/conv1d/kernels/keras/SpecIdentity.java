package dev.conv1d.kernels.keras;

/**
 * Identity by canonical spec within one family (activations, initializers, regularizers, constraints): specs are
 * canonical, so two objects of a family that print alike behave alike, and {@code parse(x.spec())} equals x.
 * The family keeps, say, the "None" regularizer apart from the "None" constraint.
 */
public abstract class SpecIdentity {
  private final Class<?> family;
  private final String spec;

  protected SpecIdentity(Class<?> family, String spec) {
    this.family = family;
    this.spec = spec;
  }

  /** The canonical Keras spec. */
  public final String spec() {
    return spec;
  }

  @Override
  public final boolean equals(Object o) {
    return o instanceof SpecIdentity && ((SpecIdentity) o).family == family && ((SpecIdentity) o).spec.equals(spec);
  }

  @Override
  public final int hashCode() {
    return 31 * family.hashCode() + spec.hashCode();
  }

  @Override
  public final String toString() {
    return spec;
  }
}
