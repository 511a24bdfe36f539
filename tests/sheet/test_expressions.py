"""Sheet expressions: bit-for-bit the numpy lambdas they replace, a strict whitelist, no crash on deep input."""

from __future__ import annotations

import ast
import pickle
import zlib
from pathlib import Path

import numpy as np
import pytest

import grader.sheet.expressions as expressions_module
from grader.sheet.expressions import (
    FUNCTIONS,
    MAX_DEPTH,
    MAX_LENGTH,
    Expression,
    ExpressionError,
    compile_expression,
    names_in,
)

CLASSES = ("dog", "cat", "boat", "airplane")
CATEGORIES = {"true_class": CLASSES}
N = 1_000


def _sigmoid(s):
    return 1.0 / (1.0 + np.exp(-s))


def _assert_bitwise(actual, expected):
    """Same shape, float64, and the very same bits (so -0.0 vs 0.0 and NaN payloads count)."""
    expected = np.asarray(expected, dtype=float)
    assert isinstance(actual, np.ndarray)
    assert actual.dtype == np.float64
    np.testing.assert_array_equal(actual, expected)
    assert np.array_equal(actual.view(np.uint64), expected.view(np.uint64))


def _draw(name: str, rng: np.random.Generator) -> np.ndarray:
    """Random inputs of the kind each name holds: probabilities in (0, 1), classes, or any real."""
    if name == "true_class":
        return rng.integers(0, len(CLASSES), N).astype(float)
    if name in ("p", "t") or name.startswith("p_"):
        return rng.uniform(0.001, 0.999, N)
    if name in ("pL", "nL"):
        return rng.uniform(0.0, 50.0, N)
    return rng.normal(0.0, 3.0, N)


# Each sheet example next to the numpy lambda it replaces (arguments in order of first appearance).
EXAMPLES = [
    ("w1*x + w2", lambda w1, x, w2: w1 * x + w2),
    ("w5*a1 + w6*a2 + w7", lambda w5, a1, w6, a2, w7: w5 * a1 + w6 * a2 + w7),
    ("sigmoid(s1)", _sigmoid),
    ("-2*(y - y_hat)", lambda y, y_hat: -2 * (y - y_hat)),
    ("-2.0 * (y - y_hat)", lambda y, y_hat: -2.0 * (y - y_hat)),
    ("(y - y_hat)**2", lambda y, y_hat: (y - y_hat) ** 2),
    ("(y - y_hat) ** 2 / 2", lambda y, y_hat: (y - y_hat) ** 2 / 2.0),
    ("a1*(1 - a1)", lambda a1: a1 * (1 - a1)),
    ("g * w11 * d3", lambda g, w11, d3: g * w11 * d3),
    ("(d3 * w5 + d4 * w8) * d1", lambda d3, w5, d4, w8, d1: (d3 * w5 + d4 * w8) * d1),
    ("w5 - eta * g", lambda w5, eta, g: w5 - eta * g),
    ("d * 1", lambda d: d * 1.0),
    ("exp_dog / (exp_dog + exp_cat + exp_boat + exp_airplane)",
     lambda e0, e1, e2, e3: e0 / (e0 + e1 + e2 + e3)),
    ("-log(where(true_class == 'dog', p_dog, where(true_class == 'cat', p_cat, p_airplane)))",
     lambda tc, pd, pc, pa: -np.log(np.where(tc == 0, pd, np.where(tc == 1, pc, pa)))),
    ("-(t*log(p) + (1 - t)*log(1 - p))", lambda t, p: -(t * np.log(p) + (1 - t) * np.log(1 - p))),
    ("(pL/(pL+nL))**2", lambda pL, nL: (pL / (pL + nL)) ** 2),
    ("max(a, 0)", lambda a: np.maximum(a, 0)),
    ("min(a, b, c)", lambda a, b, c: np.minimum(np.minimum(a, b), c)),
    ("max(a, b, c, d)", lambda a, b, c, d: np.maximum(np.maximum(np.maximum(a, b), c), d)),
    ("x**-1 + x**0.5 + x**3", lambda x: x ** -1 + x ** 0.5 + x ** 3),
    ("tanh(x) + abs(y) - sqrt(abs(z)) + log2(abs(x) + 1) * log10(abs(y) + 1)",
     lambda x, y, z: np.tanh(x) + np.abs(y) - np.sqrt(np.abs(z)) + np.log2(np.abs(x) + 1) * np.log10(np.abs(y) + 1)),
    ("exp(-x) / +y", lambda x, y: np.exp(-x) / +y),
    ("x/3 - 1e-3*y + 0.1", lambda x, y: x / 3 - 1e-3 * y + 0.1),
    ("where(x > y, x - y, 0) + (x <= y)", lambda x, y: np.where((x > y) != 0, x - y, 0) + (x <= y)),
]


@pytest.mark.parametrize("text, reference", EXAMPLES, ids=[text for text, _ in EXAMPLES])
def test_examples_are_bitwise_the_numpy_lambdas(text, reference):
    names = names_in(text)
    expression = compile_expression(text, names, CATEGORIES)
    assert expression.inputs == names
    rng = np.random.default_rng(zlib.crc32(text.encode()))
    arrays = [_draw(name, rng) for name in names]
    with np.errstate(all="ignore"):
        expected = reference(*arrays)
        actual = expression.fn(*arrays)
    _assert_bitwise(actual, expected)


def test_loss_over_all_four_classes_is_the_np_choose_of_the_graph():
    text = ("-log(where(true_class == 'dog', p_dog, where(true_class == 'cat', p_cat, "
            "where(true_class == 'boat', p_boat, p_airplane))))")
    expression = compile_expression(text, ["true_class", *(f"p_{c}" for c in CLASSES)], CATEGORIES)
    rng = np.random.default_rng(9)
    tc = _draw("true_class", rng)
    p = [_draw("p_x", rng) for _ in CLASSES]
    expected = -np.log(np.choose(np.asarray(tc, dtype=np.intp), p))
    _assert_bitwise(expression.fn(tc, *p), expected)


def test_float_literal_power_is_bitwise_the_integer_power():
    x = np.array([0.1, -0.3])
    assert np.array_equal((x ** 2.0).view(np.uint64), (x ** 2).view(np.uint64))
    rng = np.random.default_rng(2)
    big = rng.normal(0.0, 10.0, 100_000)
    for exponent in (2, 3, -1, -2, 0.5, 1, 0):
        expression = compile_expression(f"x**{exponent}", ["x"])
        with np.errstate(all="ignore"):
            _assert_bitwise(expression.fn(big), big ** exponent)
    _assert_bitwise(compile_expression("x**2", ["x"]).fn(x), x ** 2)


def test_inputs_are_in_order_of_first_appearance_without_repeats():
    expression = compile_expression("b*a + c/b - exp(a) + max(d, c)", {"a", "b", "c", "d", "unused"})
    assert expression.inputs == ("b", "a", "c", "d")
    assert compile_expression("2 + 3", {"x"}).inputs == ()
    assert compile_expression("true_class != 'cat'", {"true_class"}, CATEGORIES).inputs == ("true_class",)


def test_fn_binds_inputs_positionally():
    expression = compile_expression("y - x", ["x", "y"])
    assert expression.inputs == ("y", "x")
    _assert_bitwise(expression.fn(np.array([5.0]), np.array([2.0])), [3.0])


@pytest.mark.parametrize("text, names", [
    ("w1*x + w2", ("w1", "x", "w2")),
    ("sigmoid(s1)", ("s1",)),
    ("x + x*y + y", ("x", "y")),
    ("exp_dog / (exp_dog + exp_cat)", ("exp_dog", "exp_cat")),
    ("-log(where(true_class == 'dog', p_dog, p_cat))", ("true_class", "p_dog", "p_cat")),
    ("max(a, min(b, a))", ("a", "b")),
    ("3.5", ()),
    ("unknown_fn(q) + w14", ("q", "w14")),  # only parses: unknown names are compile's business
])
def test_names_in(text, names):
    assert names_in(text) == names


@pytest.mark.parametrize("text", ["", "   ", "x +", "w1 *", "(x", "x = 1", "x +* y", "x" * 5000])
def test_names_in_rejects_what_does_not_parse(text):
    with pytest.raises(ExpressionError):
        names_in(text)


def test_names_in_agrees_with_inputs():
    for text, _ in EXAMPLES:
        assert compile_expression(text, names_in(text), CATEGORIES).inputs == names_in(text)


def test_categorical_comparison_uses_the_category_index():
    tc = np.array([0.0, 1.0, 2.0, 3.0, 1.0])
    for position, label in enumerate(CLASSES):
        equal = compile_expression(f"true_class == '{label}'", ["true_class"], CATEGORIES)
        _assert_bitwise(equal.fn(tc), np.asarray(tc == position, dtype=float))
        flipped = compile_expression(f'"{label}" == true_class', ["true_class"], CATEGORIES)
        _assert_bitwise(flipped.fn(tc), np.asarray(tc == position, dtype=float))
        other = compile_expression(f"true_class != '{label}'", ["true_class"], CATEGORIES)
        _assert_bitwise(other.fn(tc), np.asarray(tc != position, dtype=float))
    listed = compile_expression("colour == 'blue'", ["colour"], {"colour": ["red", "blue"]})
    _assert_bitwise(listed.fn(np.array([0.0, 1.0])), [0.0, 1.0])


def test_unknown_category_names_the_categories():
    with pytest.raises(ExpressionError) as caught:
        compile_expression("true_class == 'cow'", ["true_class"], CATEGORIES)
    assert caught.value.problem == "'cow' is not one of dog, cat, boat, airplane"
    assert caught.value.fragment == "true_class == 'cow'"
    assert str(caught.value) == "'cow' is not one of dog, cat, boat, airplane in \"true_class == 'cow'\""


@pytest.mark.parametrize("text, known, problem", [
    ("x == 'dog'", ["x"], "'x' is not a categorical parameter"),
    ("true_class < 'dog'", ["true_class"], "only be compared with == or !="),
    ("(true_class + 0) == 'dog'", ["true_class"], "categorical parameter by name"),
    ("'dog' == 'dog'", [], "two strings"),
    ("true_class == 'dog'", [], "unknown name 'true_class'"),
])
def test_strings_only_against_a_categorical_parameter(text, known, problem):
    with pytest.raises(ExpressionError, match=problem):
        compile_expression(text, known, CATEGORIES)


@pytest.mark.parametrize("op", ["<", "<=", ">", ">=", "==", "!="])
def test_comparisons_give_float_ones_and_zeros(op):
    x = np.array([1.0, 2.0, 3.0, np.nan])
    y = np.array([2.0, 2.0, 2.0, 2.0])
    reference = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal,
                 "==": np.equal, "!=": np.not_equal}[op]
    actual = compile_expression(f"x {op} y", ["x", "y"]).fn(x, y)
    _assert_bitwise(actual, reference(x, y).astype(float))


def test_where_takes_any_nonzero_as_true():
    cond = np.array([0.0, 1.0, 2.0, -1.0, -0.0, np.nan])
    a, b = np.full(6, 10.0), np.full(6, 20.0)
    actual = compile_expression("where(c, a, b)", ["c", "a", "b"]).fn(cond, a, b)
    _assert_bitwise(actual, np.where(cond != 0, a, b))
    _assert_bitwise(actual, [20.0, 10.0, 10.0, 10.0, 20.0, 10.0])


def test_min_max_propagate_nan_like_numpy():
    a, b, c = np.array([1.0, np.nan, 3.0]), np.array([2.0, 0.0, np.nan]), np.array([0.5, 0.5, 0.5])
    _assert_bitwise(compile_expression("min(a, b, c)", "abc").fn(a, b, c), np.minimum(np.minimum(a, b), c))
    _assert_bitwise(compile_expression("max(a, b, c)", "abc").fn(a, b, c), np.maximum(np.maximum(a, b), c))


@pytest.mark.parametrize("name", ["exp", "log", "log2", "log10", "sqrt", "tanh", "abs"])
def test_one_argument_functions_are_numpys(name):
    x = np.random.default_rng(5).normal(0.0, 2.0, N)
    with np.errstate(all="ignore"):
        _assert_bitwise(compile_expression(f"{name}(x)", ["x"]).fn(x), getattr(np, name)(x))


def test_functions_listed():
    assert set(FUNCTIONS) == {"exp", "log", "log2", "log10", "sqrt", "tanh", "abs",
                              "sigmoid", "min", "max", "where"}


def test_scalars_in_ndarray_out():
    result = compile_expression("w1*x + w2", ["w1", "x", "w2"]).fn(2.0, 3.0, 1.0)
    assert isinstance(result, np.ndarray) and result.dtype == np.float64 and result.shape == ()
    assert result == 7.0
    constant = compile_expression("2", []).fn()
    assert isinstance(constant, np.ndarray) and constant.dtype == np.float64 and constant == 2.0
    assert isinstance(compile_expression("1 < 2", []).fn(), np.ndarray)
    integers = compile_expression("x / 2", ["x"]).fn(np.array([1, 3]))
    _assert_bitwise(integers, [0.5, 1.5])


def test_literal_only_operations_follow_numpy_not_python_floats():
    with np.errstate(all="ignore"):
        assert compile_expression("1/0", []).fn() == np.inf
        assert np.isnan(compile_expression("(-8)**(1/3)", []).fn())
        _assert_bitwise(compile_expression("x / 0", ["x"]).fn(1.0), np.inf)


def test_bare_name_is_a_copy():
    x = np.array([1.0, 2.0])
    result = compile_expression("x", ["x"]).fn(x)
    _assert_bitwise(result, x)
    assert result is not x and not np.shares_memory(result, x)


def test_wrong_number_of_inputs_is_a_type_error():
    expression = compile_expression("x + y", ["x", "y"])
    with pytest.raises(TypeError):
        expression.fn(1.0)


def test_expression_is_frozen_and_pickles():
    expression = compile_expression("where(true_class == 'cat', p, 1 - p)", ["true_class", "p"], CATEGORIES)
    assert isinstance(expression, Expression)
    with pytest.raises(AttributeError):
        expression.text = "x"  # type: ignore[misc]
    again = pickle.loads(pickle.dumps(expression))
    assert again == expression and again.inputs == ("true_class", "p")
    tc, p = np.array([0.0, 1.0]), np.array([0.25, 0.25])
    _assert_bitwise(again.fn(tc, p), expression.fn(tc, p))


def test_expression_error_is_a_value_error_and_pickles():
    error = ExpressionError("unknown name 'w14'", "w14 * x")
    assert isinstance(error, ValueError)
    assert str(error) == "unknown name 'w14' in 'w14 * x'"
    again = pickle.loads(pickle.dumps(error))
    assert (again.problem, again.fragment, str(again)) == (error.problem, error.fragment, str(error))


KNOWN = {"x", "y", "z", "a", "b", "c", "true_class"}
LONG = "xy + " * 999 + "xy+xy"  # 5,000 characters, otherwise a valid sum

# text, the fragment quoted (None: the text, shortened), a word of the problem
REJECTED = [
    ("__import__('os')", "__import__('os')", "not an allowed function"),
    ("np.exp(x)", "np.exp", "attribute access"),
    ("x.real", "x.real", "attribute access"),
    ("x[0]", "x[0]", "subscripts"),
    ("(lambda: 1)()", "lambda: 1", "lambda"),
    ("exp(x, y)", "exp(x, y)", "exactly 1 argument, got 2"),
    ("sigmoid()", "sigmoid()", "exactly 1 argument, got 0"),
    ("where(x, y)", "where(x, y)", "exactly 3 arguments"),
    ("min(x)", "min(x)", "at least 2 arguments"),
    ("max()", "max()", "at least 2 arguments"),
    ("exp(x=1)", "exp(x=1)", "keyword arguments"),
    ("max(*x)", "max(*x)", "unpacking"),
    ("x if y else z", "x if y else z", "conditional"),
    ("x and y", "x and y", "'and'"),
    ("x or y", "x or y", "'or'"),
    ("not x", "not x", "'not'"),
    ("x // 2", "x // 2", "'//'"),
    ("x % 2", "x % 2", "'%'"),
    ("x @ y", "x @ y", "'@'"),
    ("x & y", "x & y", "'&'"),
    ("x | y", "x | y", "'|'"),
    ("x ^ y", "x ^ y", "'^'"),
    ("x << 1", "x << 1", "'<<'"),
    ("~x", "~x", "'~'"),
    ("x in y", "x in y", "'in'"),
    ("x is y", "x is y", "'is'"),
    ("(y := 1)", "y := 1", ":="),
    ("f'{x}'", "f'{x}'", "f-strings"),
    ("[x for x in y]", "[x for x in y]", "comprehensions"),
    ("[x]", "[x]", "lists"),
    ("x, y", "x, y", "tuples"),
    ("{x: y}", "{x: y}", "dicts"),
    ("1j", "1j", "complex"),
    ("True", "True", "only numbers"),
    ("None", "None", "only numbers"),
    ("...", "...", "only numbers"),
    ("'dog'", "'dog'", "a string is allowed only"),
    ("b'dog'", "b'dog'", "a string is allowed only"),
    ("true_class == 'cow'", "true_class == 'cow'", "'cow' is not one of dog, cat, boat, airplane"),
    ("eval('1')", "eval('1')", "not an allowed function"),
    ("open('f')", "open('f')", "not an allowed function"),
    ("(x + 1)(2)", "(x + 1)(2)", "can be called, by name"),
    ("exp", "exp", "is a function"),
    ("exp + 1", "exp + 1", "is a function"),
    ("w14 * x", "w14 * x", "unknown name 'w14'"),
    ("sqrt(w14)", "sqrt(w14)", "unknown name 'w14'"),
    ("w14", "w14", "unknown name 'w14'"),
    ("a < b < c", "a < b < c", "chained comparisons"),
    ("1" + "0" * 400, "1" + "0" * 400, "too large"),
    ("", "", "not a valid expression"),
    ("   ", "   ", "not a valid expression"),
    ("x +", "x +", "not a valid expression"),
    ("x = 1", "x = 1", "not a valid expression"),
    ("x\n+ y", "x\n+ y", "not a valid expression"),
    (LONG, None, "5,000 characters"),
]


@pytest.mark.parametrize("text, fragment, problem", REJECTED, ids=[t[:30] or repr(t) for t, _, _ in REJECTED])
def test_rejected_constructs_quote_the_fragment(text, fragment, problem):
    with pytest.raises(ExpressionError) as caught:
        compile_expression(text, KNOWN, CATEGORIES)
    error = caught.value
    assert problem in error.problem
    if fragment is None:
        assert error.fragment.endswith("...") and text.startswith(error.fragment[:-3])
    else:
        assert error.fragment == fragment
    assert str(error) == f"{error.problem} in {error.fragment!r}"
    assert "\n" not in str(error).replace("\\n", "")


def test_length_limit_is_inclusive():
    text = "x" * MAX_LENGTH
    assert compile_expression(text, {text}).inputs == (text,)
    with pytest.raises(ExpressionError, match="more than the 2,000 allowed"):
        compile_expression(text + "x", {text + "x"})


def test_depth_limit():
    fits = " + ".join(["x"] * MAX_DEPTH)  # MAX_DEPTH - 1 additions above a leaf
    assert compile_expression(fits, ["x"]).inputs == ("x",)
    with pytest.raises(ExpressionError, match=f"nested more than {MAX_DEPTH} deep"):
        compile_expression(fits + " + x", ["x"])


@pytest.mark.parametrize("text", [
    "+".join(["x"] * 10_000),                    # a 10,000-term sum (too long)
    "(" * 1000 + "x" + ")" * 1000,               # 1,000-deep parentheses (too long)
    "(" * 999 + "x" + ")" * 999,                 # within the length, too many parentheses to parse
    "(" * 300 + "x" + " + x)" * 300,             # deep, and within the length
    "-" * 1999 + "x",                            # 1,999 unary minuses
    "x**" * 600 + "x",                           # right-associative power tower
    "+".join(["x"] * 1000),                      # a 1,000-term sum within the length
    "exp(" * 150 + "x" + ")" * 150,              # nested calls
    "[" * 500 + "]" * 500,                       # nested lists
])
def test_deep_input_is_an_expression_error_not_a_crash(text):
    with pytest.raises(ExpressionError):
        compile_expression(text, ["x"])
    try:
        names_in(text)
    except ExpressionError:
        pass


def test_parentheses_alone_add_no_depth():
    assert compile_expression("(" * 100 + "x" + ")" * 100 + " * 2", ["x"]).inputs == ("x",)


def test_module_never_evaluates_text():
    """The security rule, checked on the module's own source: no eval/exec/compile/__import__ calls."""
    tree = ast.parse(Path(expressions_module.__file__).read_text())
    called = {node.func.id for node in ast.walk(tree)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    attributes = {node.func.attr for node in ast.walk(tree)
                  if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)}
    forbidden = {"eval", "exec", "compile", "__import__"}
    assert not called & forbidden and not attributes & forbidden


def test_a_long_expression_is_bitwise_the_lambda_on_large_arrays():
    text = "(w1*x + w2 - y) * (w1*x + w2 - y) / 2 + 0.5 * w1**2"  # 10 array operations
    names = names_in(text)
    expression = compile_expression(text, names)
    rng = np.random.default_rng(0)
    arrays = [rng.normal(size=100_000) for _ in names]
    reference = lambda w1, x, w2, y: (w1 * x + w2 - y) * (w1 * x + w2 - y) / 2 + 0.5 * w1 ** 2  # noqa: E731
    _assert_bitwise(expression.fn(*arrays), reference(*arrays))
