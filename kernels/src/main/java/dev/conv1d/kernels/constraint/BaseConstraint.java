package dev.conv1d.kernels.constraint;

/** Spec-based identity shared by all constraints: two constraints that print alike behave alike. */
abstract class BaseConstraint implements Constraint {
  private final String spec;

  BaseConstraint(String spec) {
    this.spec = spec;
  }

  @Override
  public final String spec() {
    return spec;
  }

  @Override
  public final boolean equals(Object o) {
    return o instanceof Constraint && spec.equals(((Constraint) o).spec());
  }

  @Override
  public final int hashCode() {
    return spec.hashCode();
  }

  @Override
  public final String toString() {
    return spec;
  }
}
