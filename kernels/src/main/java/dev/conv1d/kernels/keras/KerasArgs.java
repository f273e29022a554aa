package dev.conv1d.kernels.keras;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The arguments of a {@link KerasCall} bound to named parameters, with typed accessors that fail (naming the
 * argument, the spec and the valid forms) on a value of the wrong Python type. Absent parameters take the
 * caller's default, so defaults live next to the factory that documents them.
 */
public final class KerasArgs {
  private final KerasCall call;
  private final Map<String, Object> values = new HashMap<>();

  KerasArgs(KerasCall call, List<String> names, Map<String, String> aliases) {
    this.call = call;
    List<Object> pos = call.positional();
    if (pos.size() > names.size()) {
      throw call.fail(call.name() + " takes " + (names.isEmpty() ? "no" : "at most " + names.size())
          + " positional argument" + (names.size() == 1 ? "" : "s") + " (" + pos.size() + " given)");
    }
    for (int i = 0; i < pos.size(); i++) values.put(names.get(i), pos.get(i));
    for (Map.Entry<String, Object> e : call.keywords().entrySet()) {
      String given = e.getKey();
      String name = aliases.getOrDefault(given, given);
      if (!names.contains(name)) {
        throw call.fail(call.name() + " got an unexpected keyword argument '" + given + "'"
            + (names.isEmpty() ? " (it takes no arguments)" : " (parameters: " + String.join(", ", names) + ")"));
      }
      if (values.containsKey(name)) {
        throw call.fail(call.name() + " got multiple values for argument '" + name + "'"
            + (name.equals(given) ? "" : " (given as its alias '" + given + "')"));
      }
      values.put(name, e.getValue());
    }
  }

  public KerasCall call() { return call; }

  public boolean has(String name) {
    return values.containsKey(name);
  }

  /** The raw value (see {@link KerasCall} for the types); null when absent or None. */
  public Object raw(String name) {
    return values.get(name);
  }

  /** An int or float argument as a double. */
  public double number(String name, double dflt) {
    if (!has(name)) return dflt;
    Object v = values.get(name);
    if (v instanceof Long) return (Long) v;
    if (v instanceof Double) return (Double) v;
    throw wrongType(name, "a number (int or float)", v);
  }

  public boolean bool(String name, boolean dflt) {
    if (!has(name)) return dflt;
    Object v = values.get(name);
    if (v instanceof Boolean) return (Boolean) v;
    throw wrongType(name, "True or False", v);
  }

  public String string(String name, String dflt) {
    if (!has(name)) return dflt;
    Object v = values.get(name);
    if (v instanceof String) return (String) v;
    throw wrongType(name, "a quoted string", v);
  }

  /** Fails naming the parameter, the expected type and the value found. */
  public IllegalArgumentException wrongType(String name, String expected, Object v) {
    return call.fail("argument '" + name + "' of " + call.name() + " must be " + expected + ", got "
        + KerasFormat.typeName(v) + " " + KerasFormat.value(v));
  }

  /** Fails naming the parameter, its value and the rule it breaks. */
  public IllegalArgumentException invalid(String name, Object v, String rule) {
    return call.fail("argument '" + name + "' of " + call.name() + " = " + KerasFormat.value(v) + " " + rule);
  }
}
