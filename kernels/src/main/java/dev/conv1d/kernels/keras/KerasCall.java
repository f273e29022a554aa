package dev.conv1d.kernels.keras;

import dev.conv1d.kernels.spec.Args;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One parsed Keras call such as {@code l1_l2(l1=0.01, l2=0.001)}: its name, positional and keyword arguments.
 * Argument values are Python literals mapped to {@link Long} (int), {@link Double} (float), {@link String},
 * {@link Boolean}, {@code null} (None) and {@link List} (list or tuple). The call remembers the argument name,
 * the spec and the valid forms it was parsed for, so every later error names all three.
 */
public final class KerasCall {
  private final String arg;
  private final String spec;
  private final String validForms;
  private final String name;
  private final List<Object> positional;
  private final Map<String, Object> keywords;

  KerasCall(String arg, String spec, String validForms, String name, List<Object> positional,
      Map<String, Object> keywords) {
    this.arg = arg;
    this.spec = spec;
    this.validForms = validForms;
    this.name = name;
    this.positional = Collections.unmodifiableList(positional);
    this.keywords = Collections.unmodifiableMap(keywords);
  }

  /**
   * Parses {@code spec} for the argument {@code arg} (e.g. "kernel_regularizer"); {@code validForms} is quoted in
   * every error message. Fails on null, blank or malformed specs.
   */
  public static KerasCall parse(String arg, String spec, String validForms) {
    return new Parser(arg, spec, validForms).call();
  }

  public String name() { return name; }

  /** Positional arguments in order; elements may be null (None). */
  public List<Object> positional() { return positional; }

  /** Keyword arguments in the order written; values may be null (None). */
  public Map<String, Object> keywords() { return keywords; }

  /** The argument this call was parsed for, e.g. "kernel_regularizer". */
  public String arg() { return arg; }

  public String spec() { return spec; }

  /**
   * Binds the arguments to the parameters {@code names} (positional arguments in that order, keywords by name),
   * failing on extra positionals, unknown or repeated keywords, as a Python call would.
   */
  public KerasArgs bind(String... names) {
    return new KerasArgs(this, List.of(names), Map.of());
  }

  /** As {@link #bind(String...)}, also accepting the keyword aliases {@code alias -> name}. */
  public KerasArgs bind(List<String> names, Map<String, String> aliases) {
    return new KerasArgs(this, names, aliases);
  }

  /** An error for this call: names the argument, quotes the spec, says {@code what} is wrong and the valid forms. */
  public IllegalArgumentException fail(String what) {
    return failure(arg, spec, what, validForms);
  }

  static IllegalArgumentException failure(String arg, String spec, String what, String validForms) {
    return Args.invalid(arg, spec == null ? "null" : "'" + spec + "'", what + "; valid forms: " + validForms);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(name);
    if (positional.isEmpty() && keywords.isEmpty()) return b.toString();
    b.append('(');
    String sep = "";
    for (Object v : positional) {
      b.append(sep).append(KerasFormat.value(v));
      sep = ", ";
    }
    for (Map.Entry<String, Object> e : keywords.entrySet()) {
      b.append(sep).append(e.getKey()).append('=').append(KerasFormat.value(e.getValue()));
      sep = ", ";
    }
    return b.append(')').toString();
  }
}
