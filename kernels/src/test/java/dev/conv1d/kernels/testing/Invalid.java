package dev.conv1d.kernels.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.function.Executable;

/** Argument errors must be IllegalArgumentExceptions that name the argument, its value and the rule. */
public final class Invalid {
  private Invalid() {}

  /** Asserts "'arg' = value" and every rule fragment appear in the message. */
  public static IllegalArgumentException assertInvalid(Executable e, String arg, String value, String... rule) {
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
    String m = ex.getMessage();
    assertTrue(m != null && m.contains("'" + arg + "' = " + value),
        "message must name '" + arg + "' = " + value + ": " + m);
    for (String r : rule) assertTrue(m.contains(r), "message must state \"" + r + "\": " + m);
    return ex;
  }
}
