package dev.conv1d.spark.exec;

/** A row the transform cannot read under handleInvalid = error; the message names column, row and rule. */
public final class InvalidInputException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidInputException(String message) {
    super(message);
  }
}
