"""A sheet's expression strings, compiled once into numpy closures and evaluated over a whole class.

A sheet author writes every quantity as a string such as ``"w1*x + w2"`` or
``"-log(where(true_class == 'dog', p_dog, p_cat))"``.  The text is never given to ``eval``,
``exec`` or ``compile``: it is parsed with ``ast.parse(text, mode="eval")`` and each node of a
small whitelist becomes one closure; the closures nest like the tree, so evaluating walks no
AST and looks nothing up by name -- an input is read by its position in a tuple.

What is allowed, and nothing else:

* number literals (``2`` becomes the Python float ``2.0``), names, parentheses;
* ``+ - * / **`` and unary ``-`` / ``+``;
* one comparison ``< <= > >= == !=`` (not chained), giving 1.0 / 0.0 as a float array; a string
  literal only as one side of ``==`` / ``!=`` whose other side is a categorical parameter by name,
  compared as the category's index (categorical parameters are stored as 0.0, 1.0, ...);
* calls by plain name, positional arguments only, of ``FUNCTIONS``: ``exp log log2 log10 sqrt
  tanh abs`` (one argument, numpy's), ``sigmoid(s)`` = ``1.0 / (1.0 + np.exp(-s))``,
  ``min(a, b, ...)`` / ``max(a, b, ...)`` (elementwise, reduced left to right, at least two
  arguments) and ``where(cond, a, b)`` = ``np.where(cond != 0, a, b)``.

Evaluation follows Python's own order and operations on the same numpy arrays (left-associative,
nothing reordered, folded or simplified), so a compiled expression is bit-for-bit what the
hand-written lambda ``lambda w1, x, w2: w1 * x + w2`` gives.  One deliberate difference: an
operation between two literals (``1/0``, ``(-8)**(1/3)``) uses the numpy ufunc rather than
Python floats, so it gives inf / nan like the arrays do instead of raising or going complex.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = ["FUNCTIONS", "MAX_DEPTH", "MAX_LENGTH", "Expression", "ExpressionError",
           "compile_expression", "names_in"]

MAX_LENGTH = 2_000  # characters of expression text
MAX_DEPTH = 50      # expression nodes on the longest path from the root to a leaf

_UNARY_FUNCTIONS: dict[str, Callable] = {
    "exp": np.exp, "log": np.log, "log2": np.log2, "log10": np.log10,
    "sqrt": np.sqrt, "tanh": np.tanh, "abs": np.abs,
}
FUNCTIONS: tuple[str, ...] = (*_UNARY_FUNCTIONS, "sigmoid", "min", "max", "where")

_Env = tuple  # the inputs of one call, float arrays in ``Expression.inputs`` order
_Closure = Callable[[_Env], object]


class ExpressionError(ValueError):
    """What is wrong with an expression: ``problem`` (e.g. "unknown name 'w14'") and ``fragment`` (the offending source text)."""

    def __init__(self, problem: str, fragment: str) -> None:
        self.problem, self.fragment = problem, fragment
        super().__init__(f"{problem} in {fragment!r}")

    def __reduce__(self):  # pickled with its two parts, like grader.errors.ConfigError
        return (type(self), (self.problem, self.fragment))


@dataclass(frozen=True)
class Expression:
    """A compiled expression: ``fn(*arrays)`` takes one array (or scalar) per name of ``inputs``."""

    text: str
    inputs: tuple[str, ...]  # the names it reads, in order of first appearance, no repeats
    fn: Callable[..., np.ndarray] = field(compare=False, repr=False)

    def __call__(self, *args) -> np.ndarray:
        return self.fn(*args)

    def __reduce__(self):  # closures do not pickle: rebuild from the text
        categories = self.__dict__.get("_categories", {})
        return (_rebuild, (self.text, self.inputs, categories))


def _rebuild(text: str, inputs: tuple[str, ...], categories: Mapping[str, Sequence[str]]) -> Expression:
    return compile_expression(text, inputs, categories)


# ----------------------------------------------------------------------------------- parsing


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def _parse(text: str) -> tuple[str, ast.expr]:
    """The stripped source and its tree, checked for length and depth without any recursion."""
    if not isinstance(text, str):
        raise ExpressionError(f"not a valid expression (a {type(text).__name__}, not text)", repr(text))
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"expression is {len(text):,} characters long, more than the {MAX_LENGTH:,} allowed",
            _shorten(text))
    source = text.strip()
    if not source:
        raise ExpressionError("not a valid expression (it is empty)", text)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:  # includes "too many nested parentheses"
        raise ExpressionError(f"not a valid expression ({exc.msg})", text) from None
    except (ValueError, RecursionError, MemoryError) as exc:  # null bytes; parser stack overflow
        raise ExpressionError(f"not a valid expression ({type(exc).__name__}: {exc})",
                              _shorten(text)) from None
    stack: list[tuple[ast.AST, int]] = [(tree.body, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ExpressionError(f"expression is nested more than {MAX_DEPTH} deep", _shorten(source))
        for child in ast.iter_child_nodes(node):
            stack.append((child, depth + isinstance(child, ast.expr)))
    return source, tree.body


def _names(tree: ast.expr) -> list[ast.Name]:
    """Name nodes read as values (not the function of a call), in source order."""
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    names = [node for node in ast.walk(tree) if isinstance(node, ast.Name) and id(node) not in called]
    return sorted(names, key=lambda node: (node.lineno, node.col_offset))


def names_in(text: str) -> tuple[str, ...]:
    """The names an expression reads, in order of first appearance, no repeats (function names
    in call position excluded).  Only parses: a syntax error (or too long / too deep text) is an
    ``ExpressionError``, but unknown names or constructs are left to ``compile_expression``."""
    _, tree = _parse(text)
    return tuple(dict.fromkeys(node.id for node in _names(tree)))


# --------------------------------------------------------------------------------- compiling

_OPERATOR_SYMBOLS = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**",
    ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.BitAnd: "&", ast.BitOr: "|",
    ast.BitXor: "^", ast.LShift: "<<", ast.RShift: ">>", ast.Invert: "~", ast.Not: "not",
    ast.UAdd: "+", ast.USub: "-", ast.And: "and", ast.Or: "or",
    ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
    ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in",
}

# Python's own operators on the operands, exactly what a hand-written lambda does.
_BINARY: dict[type, Callable[[_Closure, _Closure], _Closure]] = {
    ast.Add: lambda a, b: (lambda env: a(env) + b(env)),
    ast.Sub: lambda a, b: (lambda env: a(env) - b(env)),
    ast.Mult: lambda a, b: (lambda env: a(env) * b(env)),
    ast.Div: lambda a, b: (lambda env: a(env) / b(env)),
    ast.Pow: lambda a, b: (lambda env: a(env) ** b(env)),
}
# Between two literals (Python floats) the ufunc: inf / nan instead of ZeroDivisionError / complex.
_BINARY_UFUNCS = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply,
                  ast.Div: np.true_divide, ast.Pow: np.power}
_COMPARE: dict[type, Callable[[_Closure, _Closure], _Closure]] = {
    ast.Lt: lambda a, b: (lambda env: np.asarray(a(env) < b(env), dtype=float)),
    ast.LtE: lambda a, b: (lambda env: np.asarray(a(env) <= b(env), dtype=float)),
    ast.Gt: lambda a, b: (lambda env: np.asarray(a(env) > b(env), dtype=float)),
    ast.GtE: lambda a, b: (lambda env: np.asarray(a(env) >= b(env), dtype=float)),
    ast.Eq: lambda a, b: (lambda env: np.asarray(a(env) == b(env), dtype=float)),
    ast.NotEq: lambda a, b: (lambda env: np.asarray(a(env) != b(env), dtype=float)),
}

# Constructs outside the whitelist, by what they are called in an error message.
_FORBIDDEN = {
    ast.Attribute: "attribute access is not allowed",
    ast.Subscript: "subscripts are not allowed",
    ast.Slice: "slices are not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.IfExp: "conditional expressions are not allowed (use where(cond, a, b))",
    ast.NamedExpr: "assignment expressions (:=) are not allowed",
    ast.JoinedStr: "f-strings are not allowed",
    ast.FormattedValue: "f-strings are not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.List: "lists are not allowed",
    ast.Tuple: "tuples are not allowed",
    ast.Set: "sets are not allowed",
    ast.Dict: "dicts are not allowed",
    ast.Starred: "*-unpacking is not allowed",
    ast.Await: "await is not allowed",
    ast.Yield: "yield is not allowed",
    ast.YieldFrom: "yield is not allowed",
}


class _Compiler:
    """One pass over a checked tree (at most ``MAX_DEPTH`` deep, so recursion is safe)."""

    def __init__(self, source: str, known: Collection[str], categories: Mapping[str, Sequence[str]]):
        self.source = source
        self.known = frozenset(known)
        self.categories = categories
        self.index: dict[str, int] = {}           # input name -> position, in order of first use
        self.parents: dict[int, ast.AST] = {}
        self.used_categories: dict[str, tuple[str, ...]] = {}

    def fragment(self, node: ast.AST) -> str:
        segment = ast.get_source_segment(self.source, node)
        return segment if segment else self.source

    def fail(self, problem: str, node: ast.AST) -> ExpressionError:
        return ExpressionError(problem, self.fragment(node))

    def fail_name(self, problem: str, node: ast.AST) -> ExpressionError:
        """A name is quoted in the problem; the fragment is the expression around it."""
        return ExpressionError(problem, self.fragment(self.parents.get(id(node), node)))

    # -- nodes ------------------------------------------------------------------------------

    def build(self, node: ast.AST) -> tuple[_Closure, bool]:
        """The closure of ``node`` and whether it is made of literals only."""
        for child in ast.iter_child_nodes(node):
            self.parents[id(child)] = node
        method = getattr(self, f"build_{type(node).__name__}", None)
        if method is None:
            raise self.fail(self.forbidden(node), node)
        return method(node)

    def forbidden(self, node: ast.AST) -> str:
        if type(node) in _FORBIDDEN:
            return _FORBIDDEN[type(node)]
        return f"{type(node).__name__} is not allowed"

    def build_Constant(self, node: ast.Constant):
        value = node.value
        if isinstance(value, bool) or value is None or value is Ellipsis:
            raise self.fail(f"{value!r} is not allowed (only numbers)", node)
        if isinstance(value, complex):
            raise self.fail("complex numbers are not allowed", node)
        if isinstance(value, (str, bytes)):
            raise self.fail("a string is allowed only as one side of == or != with a categorical "
                            "parameter (e.g. true_class == 'dog')", node)
        if not isinstance(value, (int, float)):
            raise self.fail(f"{type(value).__name__} literals are not allowed", node)
        try:
            number = float(value)
        except OverflowError:
            raise self.fail("number is too large for a float", node) from None
        return (lambda env: number), True

    def build_Name(self, node: ast.Name):
        name = node.id
        if name in FUNCTIONS:
            raise self.fail_name(f"{name!r} is a function: call it, as in {name}(...)", node)
        if name not in self.known:
            raise self.fail_name(f"unknown name {name!r}", node)
        position = self.index.setdefault(name, len(self.index))
        return (lambda env: env[position]), False

    def build_UnaryOp(self, node: ast.UnaryOp):
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            raise self.fail(f"operator {_OPERATOR_SYMBOLS[type(node.op)]!r} is not allowed", node)
        operand, constant = self.build(node.operand)
        if isinstance(node.op, ast.USub):
            return (lambda env: -operand(env)), constant
        return (lambda env: +operand(env)), constant

    def build_BinOp(self, node: ast.BinOp):
        kind = type(node.op)
        if kind not in _BINARY:
            raise self.fail(f"operator {_OPERATOR_SYMBOLS.get(kind, kind.__name__)!r} is not allowed", node)
        left, left_constant = self.build(node.left)
        right, right_constant = self.build(node.right)
        if left_constant and right_constant:
            ufunc = _BINARY_UFUNCS[kind]
            return (lambda env: ufunc(left(env), right(env))), True
        return _BINARY[kind](left, right), False

    def build_BoolOp(self, node: ast.BoolOp):
        symbol = _OPERATOR_SYMBOLS[type(node.op)]
        raise self.fail(f"boolean operator {symbol!r} is not allowed (use where, min or max)", node)

    def build_Compare(self, node: ast.Compare):
        if len(node.ops) != 1:
            raise self.fail("chained comparisons are not allowed (write one comparison)", node)
        kind = type(node.ops[0])
        if kind not in _COMPARE:
            raise self.fail(f"operator {_OPERATOR_SYMBOLS[kind]!r} is not allowed", node)
        left_node, right_node = node.left, node.comparators[0]
        for child in (left_node, right_node):
            self.parents[id(child)] = node
        strings = [isinstance(side, ast.Constant) and isinstance(side.value, str)
                   for side in (left_node, right_node)]
        if any(strings):
            return self.categorical(node, kind, left_node, right_node, strings[0])
        left, _ = self.build(left_node)
        right, _ = self.build(right_node)
        return _COMPARE[kind](left, right), False

    def categorical(self, node: ast.Compare, kind: type, left: ast.expr, right: ast.expr,
                    string_on_left: bool):
        string, other = (left, right) if string_on_left else (right, left)
        label = string.value
        if kind not in (ast.Eq, ast.NotEq):
            raise self.fail("a category can only be compared with == or !=", node)
        if isinstance(other, ast.Constant) and isinstance(other.value, str):
            raise self.fail("two strings cannot be compared (one side must be a categorical "
                            "parameter)", node)
        if not isinstance(other, ast.Name):
            raise self.fail("a string can only be compared with a categorical parameter by name", node)
        column, _ = self.build(other)  # checks the name is known and binds its position
        if other.id not in self.categories:
            raise self.fail(f"{other.id!r} is not a categorical parameter, so it cannot be compared "
                            f"with {label!r}", node)
        names = tuple(self.categories[other.id])
        if label not in names:
            raise self.fail(f"{label!r} is not one of {', '.join(names)}", node)
        self.used_categories[other.id] = names
        index = float(names.index(label))
        if kind is ast.Eq:
            return (lambda env: np.asarray(column(env) == index, dtype=float)), False
        return (lambda env: np.asarray(column(env) != index, dtype=float)), False

    def build_Call(self, node: ast.Call):
        func = node.func
        if not isinstance(func, ast.Name):
            if type(func) in _FORBIDDEN:
                raise self.fail(_FORBIDDEN[type(func)], func)
            raise self.fail("only the functions " + ", ".join(FUNCTIONS) + " can be called, by name",
                            node)
        name = func.id
        if name not in FUNCTIONS:
            raise self.fail(f"{name!r} is not an allowed function (allowed: {', '.join(FUNCTIONS)})",
                            node)
        if node.keywords:
            raise self.fail(f"keyword arguments are not allowed ({name} takes positional arguments)",
                            node)
        if any(isinstance(arg, ast.Starred) for arg in node.args):
            raise self.fail("*-unpacking of arguments is not allowed", node)
        count = len(node.args)
        if name in _UNARY_FUNCTIONS or name == "sigmoid":
            if count != 1:
                raise self.fail(f"{name} takes exactly 1 argument, got {count}", node)
        elif name == "where":
            if count != 3:
                raise self.fail(f"where takes exactly 3 arguments (cond, a, b), got {count}", node)
        elif count < 2:  # min, max
            raise self.fail(f"{name} takes at least 2 arguments, got {count}", node)

        built = [self.build(arg) for arg in node.args]
        args = [closure for closure, _ in built]
        constant = all(is_constant for _, is_constant in built)
        if name in _UNARY_FUNCTIONS:
            ufunc, (arg,) = _UNARY_FUNCTIONS[name], args
            return (lambda env: ufunc(arg(env))), constant
        if name == "sigmoid":
            (arg,) = args
            exp = np.exp
            return (lambda env: 1.0 / (1.0 + exp(-arg(env)))), constant
        if name == "where":
            cond, a, b = args
            where = np.where
            return (lambda env: where(cond(env) != 0, a(env), b(env))), constant
        reduce = np.minimum if name == "min" else np.maximum
        first, *rest = args
        if len(rest) == 1:
            (second,) = rest
            return (lambda env: reduce(first(env), second(env))), constant

        def reduced(env):
            value = first(env)
            for arg in rest:
                value = reduce(value, arg(env))
            return value

        return reduced, constant


def compile_expression(text: str, known: Collection[str],
                       categories: Mapping[str, Sequence[str]] = {}) -> Expression:
    """Compile ``text`` over the names ``known``; ``categories`` maps a categorical parameter to
    its category names (index = stored value).  ``ExpressionError`` for anything outside the
    whitelist, naming the construct and quoting it."""
    source, tree = _parse(text)
    compiler = _Compiler(source, known, categories)
    root, _ = compiler.build(tree)
    inputs = tuple(compiler.index)
    count = len(inputs)
    asarray = np.asarray

    if isinstance(tree, ast.Name):  # a bare name: a copy, never the caller's own array
        def evaluate(env):
            return np.array(env[0], dtype=float)
    else:
        evaluate = root

    def fn(*args):
        if len(args) != count:
            raise TypeError(f"expression {source!r} takes {count} input(s) {inputs}, got {len(args)}")
        env = tuple([asarray(arg, dtype=float) for arg in args])
        return asarray(evaluate(env), dtype=float)

    fn.__name__ = fn.__qualname__ = "expression"
    fn.__doc__ = f"{source}  (inputs: {', '.join(inputs) or 'none'})"
    expression = Expression(text=text, inputs=inputs, fn=fn)
    object.__setattr__(expression, "_categories", dict(compiler.used_categories))
    return expression
