package dev.conv1d.notebooks;

/** A notebook cell failed: a compile error, an unresolved reference, an exception, or a timeout. */
public final class NotebookExecutionException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String notebook;
  private final int cellIndex;

  public NotebookExecutionException(String notebook, int cellIndex, String message) {
    super(notebook + ", cell " + cellIndex + ": " + message);
    this.notebook = notebook;
    this.cellIndex = cellIndex;
  }

  /** The notebook's file name. */
  public String notebook() {
    return notebook;
  }

  /** Index of the failing cell in the notebook's {@code cells} array (0-based, markdown cells counted). */
  public int cellIndex() {
    return cellIndex;
  }
}
