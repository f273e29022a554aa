package dev.conv1d.kernels.keras;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Recursive-descent reader of the Python subset Keras specs use: a name, optionally followed by a parenthesized
 * argument list of literals (numbers, quoted strings, True/False/None, lists and tuples), whitespace anywhere.
 */
final class Parser {
  private final String arg;
  private final String spec;
  private final String validForms;
  private int pos;

  Parser(String arg, String spec, String validForms) {
    this.arg = arg;
    this.spec = spec;
    this.validForms = validForms;
  }

  KerasCall call() {
    if (spec == null || spec.isBlank()) throw fail("empty spec");
    skipWs();
    if (!identStart()) throw fail("expected a name " + at());
    String name = identifier();
    skipWs();
    List<Object> positional = new ArrayList<>();
    Map<String, Object> keywords = new LinkedHashMap<>();
    if (peek('(')) {
      pos++;
      skipWs();
      while (!peek(')')) {
        if (pos >= spec.length()) throw fail("missing ')' at the end");
        int start = pos;
        String keyword = null;
        if (identStart()) {
          String id = identifier();
          skipWs();
          if (peek('=') && !(pos + 1 < spec.length() && spec.charAt(pos + 1) == '=')) {
            pos++;
            keyword = id;
          } else {
            pos = start;
          }
        }
        Object v = value();
        if (keyword != null) {
          if (keywords.containsKey(keyword)) throw fail("keyword argument '" + keyword + "' repeated");
          keywords.put(keyword, v);
        } else {
          if (!keywords.isEmpty()) throw fail("positional argument follows keyword argument " + at(start));
          positional.add(v);
        }
        if (!separator(')')) break;
      }
      expect(')');
    }
    skipWs();
    if (pos < spec.length()) throw fail("unexpected '" + spec.substring(pos) + "' " + at());
    return new KerasCall(arg, spec, validForms, name, positional, keywords);
  }

  /** After an element: consumes a ',' (true: another element may follow) or sees the closing char (false). */
  private boolean separator(char close) {
    skipWs();
    if (peek(',')) {
      pos++;
      skipWs();
      return true;
    }
    if (peek(close)) return false;
    throw fail(pos < spec.length() ? "expected ',' or '" + close + "' " + at() : "missing '" + close + "' at the end");
  }

  private Object value() {
    skipWs();
    if (pos >= spec.length()) throw fail("expected a value at the end");
    char c = spec.charAt(pos);
    if (c == '\'' || c == '"') return string(c);
    if (c == '[') return sequence(']', false);
    if (c == '(') return sequence(')', true);
    if (c == '+' || c == '-' || c == '.' || Character.isDigit(c)) return number();
    if (identStart()) {
      int start = pos;
      String id = identifier();
      switch (id) {
        case "True": return Boolean.TRUE;
        case "False": return Boolean.FALSE;
        case "None": return null;
        default:
          throw fail("bare name '" + id + "' " + at(start) + " is not a value (quote strings: '" + id + "')");
      }
    }
    throw fail("expected a value (number, 'string', True, False, None or [list]) " + at());
  }

  /** A list, or a tuple: {@code (x)} is just x, {@code (x,)} and {@code (x, y)} are sequences. */
  private Object sequence(char close, boolean tuple) {
    pos++;
    skipWs();
    List<Object> items = new ArrayList<>();
    boolean comma = false;
    while (!peek(close)) {
      if (pos >= spec.length()) throw fail("missing '" + close + "' at the end");
      items.add(value());
      comma = separator(close);
      if (!comma) break;
    }
    expect(close);
    if (tuple && items.size() == 1 && !comma) return items.get(0);
    return items;
  }

  private String string(char quote) {
    int start = pos++;
    int end = spec.indexOf(quote, pos);
    if (end < 0) throw fail("unterminated string " + at(start));
    String s = spec.substring(pos, end);
    if (s.indexOf('\\') >= 0) throw fail("escape sequences are not supported in strings " + at(start));
    pos = end + 1;
    return s;
  }

  private Object number() {
    int start = pos;
    if (peek('+') || peek('-')) pos++;
    int digits = skipDigits();
    boolean isFloat = false;
    if (peek('.')) {
      pos++;
      isFloat = true;
      digits += skipDigits();
    }
    if (digits == 0) throw fail("malformed number " + at(start));
    if (peek('e') || peek('E')) {
      pos++;
      if (peek('+') || peek('-')) pos++;
      if (skipDigits() == 0) throw fail("malformed exponent in '" + spec.substring(start, pos) + "' " + at(start));
      isFloat = true;
    }
    String text = spec.substring(start, pos);
    if (!isFloat) {
      try {
        return Long.parseLong(text.startsWith("+") ? text.substring(1) : text);
      } catch (NumberFormatException e) {
        throw fail("integer " + text + " " + at(start) + " is out of range");
      }
    }
    double d = Double.parseDouble(text);
    if (Double.isInfinite(d)) throw fail("float " + text + " " + at(start) + " is out of range");
    return d;
  }

  private int skipDigits() {
    int start = pos;
    while (pos < spec.length() && spec.charAt(pos) >= '0' && spec.charAt(pos) <= '9') pos++;
    return pos - start;
  }

  private String identifier() {
    int start = pos;
    while (pos < spec.length() && (Character.isLetterOrDigit(spec.charAt(pos)) || spec.charAt(pos) == '_')) pos++;
    return spec.substring(start, pos);
  }

  private boolean identStart() {
    return pos < spec.length() && (Character.isLetter(spec.charAt(pos)) || spec.charAt(pos) == '_');
  }

  private void expect(char c) {
    skipWs();
    if (!peek(c)) throw fail("missing '" + c + "' " + (pos < spec.length() ? at() : "at the end"));
    pos++;
  }

  private boolean peek(char c) {
    return pos < spec.length() && spec.charAt(pos) == c;
  }

  private void skipWs() {
    while (pos < spec.length() && Character.isWhitespace(spec.charAt(pos))) pos++;
  }

  private String at() {
    return at(pos);
  }

  private static String at(int p) {
    return "at index " + p;
  }

  private IllegalArgumentException fail(String what) {
    return KerasCall.failure(arg, spec, what, validForms);
  }
}
