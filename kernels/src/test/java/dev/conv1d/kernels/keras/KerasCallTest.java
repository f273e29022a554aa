package dev.conv1d.kernels.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KerasCallTest {
  private static final String FORMS = "f(a=1.0, b='x') | g";

  private static KerasCall parse(String spec) {
    return KerasCall.parse("kernel_regularizer", spec, FORMS);
  }

  @Test
  void bareNameAndEmptyParenthesesAreTheSameCall() {
    for (String s : new String[] {"relu", "relu()", "  relu ( )  ", "\trelu\n"}) {
      KerasCall c = parse(s);
      assertEquals("relu", c.name());
      assertTrue(c.positional().isEmpty(), s);
      assertTrue(c.keywords().isEmpty(), s);
      assertEquals("relu", c.toString());
    }
  }

  @Test
  void readsPositionalAndKeywordLiterals() {
    KerasCall c = parse("f( 1.5 , -2, a = 0.01,b='fan_out', c=\"fan_in\", d=True, e=False, g=None, h=1e-3,"
        + " i=2.5E+2, j=[0, 1], k=(0, -1), l=[], m=(3,), n=(4), o=.5, p=5., q=+7)");
    assertEquals(Arrays.asList(1.5, -2L), c.positional());
    Map<String, Object> k = c.keywords();
    assertEquals(0.01, k.get("a"));
    assertEquals("fan_out", k.get("b"));
    assertEquals("fan_in", k.get("c"));
    assertEquals(Boolean.TRUE, k.get("d"));
    assertEquals(Boolean.FALSE, k.get("e"));
    assertTrue(k.containsKey("g"));
    assertNull(k.get("g"));
    assertEquals(1e-3, k.get("h"));
    assertEquals(250.0, k.get("i"));
    assertEquals(List.of(0L, 1L), k.get("j"));
    assertEquals(List.of(0L, -1L), k.get("k"));
    assertEquals(List.of(), k.get("l"));
    assertEquals(List.of(3L), k.get("m"));
    assertEquals(4L, k.get("n"));
    assertEquals(0.5, k.get("o"));
    assertEquals(5.0, k.get("p"));
    assertEquals(7L, k.get("q"));
    assertEquals(List.of("a", "b", "c", "d", "e", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q"),
        List.copyOf(k.keySet()), "keyword order is kept");
  }

  @Test
  void trailingCommasAreAcceptedAsInPython() {
    KerasCall c = parse("f(1, a=[0, 1,],)");
    assertEquals(List.of(1L), c.positional());
    assertEquals(List.of(0L, 1L), c.keywords().get("a"));
  }

  @Test
  void printsCanonicallyAndReadsBackEqual() {
    KerasCall c = parse("f( 2 ,a=0.010, b=\"x\", c=[0,1], d=None, e=True, f=1E-7)");
    assertEquals("f(2, a=0.01, b='x', c=[0, 1], d=None, e=True, f=1e-07)", c.toString());
    assertEquals(c.toString(), parse(c.toString()).toString());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''                  | empty spec",
      "'   '               | empty spec",
      "(1)                 | expected a name at index 0",
      "f(1                 | missing ')' at the end",
      "f(a=1 b=2)          | expected ',' or ')' at index 6",
      "f(a='x)             | unterminated string at index 4",
      "f(a=fan_in)         | bare name 'fan_in' at index 4 is not a value (quote strings: 'fan_in')",
      "f(a=1, 2)           | positional argument follows keyword argument at index 7",
      "f(a=1, a=2)         | keyword argument 'a' repeated",
      "f(1) x              | unexpected 'x' at index 5",
      "f(a=1.2.3)          | expected ',' or ')' at index 7",
      "f(a=-)              | malformed number at index 4",
      "f(a=1e)             | malformed exponent in '1e' at index 4",
      "f(a=99999999999999999999) | integer 99999999999999999999 at index 4 is out of range",
      "f(a=1e999)          | float 1e999 at index 4 is out of range",
      "f(a='x\\'y')        | escape sequences are not supported in strings at index 4",
      "f(a=[1, 2)          | expected ',' or ']' at index 9",
      "f(                  | missing ')' at the end",
      "f(a=[               | missing ']' at the end",
      "f(a=)               | expected a value (number, 'string', True, False, None or [list]) at index 4",
  })
  void syntaxErrorsNameArgumentSpecProblemAndValidForms(String spec, String problem) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(spec));
    assertEquals("invalid argument 'kernel_regularizer' = '" + spec + "': " + problem + "; valid forms: " + FORMS,
        e.getMessage());
  }

  @Test
  void nullSpecFailsNamingTheArgument() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(null));
    assertEquals("invalid argument 'kernel_regularizer' = null: empty spec; valid forms: " + FORMS, e.getMessage());
  }

  @Test
  void bindsPositionalThenKeywordsLikePython() {
    KerasArgs a = parse("f(0.5, b='x')").bind("a", "b", "c");
    assertEquals(0.5, a.number("a", 1.0));
    assertEquals("x", a.string("b", "y"));
    assertFalse(a.has("c"));
    assertEquals(3.0, a.number("c", 3.0), "absent parameter takes the default");
    assertEquals(2.0, parse("f(a=2)").bind("a").number("a", 0), "an int is a valid number");
    assertTrue(parse("f(True)").bind("a").bool("a", false));
  }

  @Test
  void aliasesBindToTheirParameter() {
    KerasArgs a = parse("f(alpha=0.1)").bind(List.of("negative_slope"), Map.of("alpha", "negative_slope"));
    assertEquals(0.1, a.number("negative_slope", 0.2));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "f(1, 2, 3)      | f takes at most 2 positional arguments (3 given)",
      "f(c=1)          | f got an unexpected keyword argument 'c' (parameters: a, b)",
      "f(1, a=2)       | f got multiple values for argument 'a'",
      "f(a='x')        | argument 'a' of f must be a number (int or float), got str 'x'",
      "f(a=None)       | argument 'a' of f must be a number (int or float), got NoneType None",
      "f(a=True)       | argument 'a' of f must be a number (int or float), got bool True",
      "f(b=1)          | argument 'b' of f must be a quoted string, got int 1",
      "f(b=[1.5])      | argument 'b' of f must be a quoted string, got list [1.5]",
  })
  void bindingErrorsNameArgumentSpecProblemAndValidForms(String spec, String problem) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
      KerasArgs a = parse(spec).bind("a", "b");
      a.number("a", 0);
      a.string("b", "");
    });
    assertEquals("invalid argument 'kernel_regularizer' = '" + spec + "': " + problem + "; valid forms: " + FORMS,
        e.getMessage());
  }

  @Test
  void otherBindingErrors() {
    assertMessage("g takes no positional arguments (1 given)", () -> parse("g(1)").bind());
    assertMessage("g got an unexpected keyword argument 'x' (it takes no arguments)", () -> parse("g(x=1)").bind());
    assertMessage("f got multiple values for argument 'negative_slope' (given as its alias 'alpha')",
        () -> parse("f(0.1, alpha=0.3)").bind(List.of("negative_slope"), Map.of("alpha", "negative_slope")));
    assertMessage("argument 'a' of f must be True or False, got int 1",
        () -> parse("f(a=1)").bind("a").bool("a", true));
    assertMessage("argument 'a' of f = -1.5 must be >= 0",
        () -> { throw parse("f(a=-1.5)").bind("a").invalid("a", -1.5, "must be >= 0"); });
  }

  private static void assertMessage(String problem, Runnable r) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    assertTrue(e.getMessage().startsWith("invalid argument 'kernel_regularizer' = '"), e.getMessage());
    assertTrue(e.getMessage().endsWith(": " + problem + "; valid forms: " + FORMS), e.getMessage());
  }
}
