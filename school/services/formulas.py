"""Control relations: formulas over protocol line codes, written as the violation (true = flagged).

A formula is read by Python's `ast` parser and only these nodes are allowed: whole or decimal numbers, line
codes, + − × ÷ (and a unary minus), comparisons, and/or/not, and abs(). It is never evaluated by eval: the tree
is compiled into small Python closures, checked once when the relation is saved, so a formula naming a line
that does not exist never reaches a page. A formula whose lines are not all filled in is «missing», never a
flag; a division by zero is «missing» as well.
"""

import ast
import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
MAX_LENGTH = 500
MAX_NODES = 200

_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_COMPARE = {ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
            ast.Eq: operator.eq, ast.NotEq: operator.ne}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Not: operator.not_}
_CONDITIONS = (ast.Compare, ast.BoolOp)
# What people type on a keyboard or copy from a document, as Python writes it.
_SPELLINGS = [("≠", "!="), ("<>", "!="), ("≤", "<="), ("≥", ">="), ("×", "*"), ("÷", "/"), ("−", "-")]
_SINGLE_EQUALS = re.compile(r"(?<![<>=!])=(?!=)")


class FormulaError(ValueError):
    """A formula that cannot be saved; the message is for the center's staff."""


@dataclass(frozen=True)
class Formula:
    text: str
    names: frozenset[str]
    _fn: Callable[[dict], object] = field(repr=False, compare=False)

    def evaluate(self, values: dict) -> bool | None:
        """True: the violation holds (flagged); False: OK; None: a line it uses is empty (or ÷ 0)."""
        for name in self.names:
            if values.get(name) is None:
                return None
        try:
            return bool(self._fn(values))
        except ZeroDivisionError:
            return None


def normalise(text: str) -> str:
    """The formula as Python spells it: ≠ ≤ ≥ and a single = are accepted."""
    text = " ".join((text or "").split())
    for typed, python in _SPELLINGS:
        text = text.replace(typed, python)
    return _SINGLE_EQUALS.sub("==", text)


def parse(text: str, known: Iterable[str] | None = None) -> Formula:
    """Check and compile a formula; `known` are the contest's line codes (None: any well-formed code)."""
    source = normalise(text)
    if not source:
        raise FormulaError("Формула пуста.")
    if len(source) > MAX_LENGTH:
        raise FormulaError(f"Формула длиннее {MAX_LENGTH} знаков.")
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        raise FormulaError(f"Формула не читается (около знака {error.offset or 1}): проверьте скобки и знаки; "
                           "сравнение пишется как ==, !=, <, <=, >, >=.") from error
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise FormulaError("Формула слишком длинная: разделите её на несколько соотношений.")
    body = tree.body
    if not (isinstance(body, _CONDITIONS) or (isinstance(body, ast.UnaryOp) and isinstance(body.op, ast.Not))):
        raise FormulaError("Формула должна быть условием нарушения: сравнение (>, <, ==, !=) или несколько "
                           "сравнений через and / or / not, например «issued > voters».")
    names: set[str] = set()
    fn = _compile(body, names)
    unknown = sorted(names - set(known)) if known is not None else []
    if unknown:
        have = ", ".join(sorted(known)) or "нет ни одной"
        raise FormulaError(f"Неизвестная строка протокола: {', '.join(unknown)}. Строки этих выборов: {have}.")
    return Formula(source, frozenset(names), fn)


def _compile(node: ast.AST, names: set[str]) -> Callable[[dict], object]:
    """A closure computing the node from a dict of line values; anything not listed above is refused."""
    kind = type(node)
    if kind is ast.Constant and type(node.value) in (int, float):
        value = node.value
        return lambda v: value
    if kind is ast.Name:
        if not CODE_RE.match(node.id):
            raise FormulaError(f"«{node.id}» не код строки: латинские строчные буквы, цифры и _, с буквы.")
        names.add(node.id)
        name = node.id
        return lambda v: v[name]
    if kind is ast.BinOp and type(node.op) in _BINARY:
        op, left, right = _BINARY[type(node.op)], _compile(node.left, names), _compile(node.right, names)
        return lambda v: op(left(v), right(v))
    if kind is ast.UnaryOp and type(node.op) in _UNARY:
        op, operand = _UNARY[type(node.op)], _compile(node.operand, names)
        return lambda v: op(operand(v))
    if kind is ast.Compare and all(type(op) in _COMPARE for op in node.ops):
        return _comparison(node, names)
    if kind is ast.BoolOp:
        parts = [_compile(value, names) for value in node.values]
        if isinstance(node.op, ast.And):
            return lambda v: all(part(v) for part in parts)
        return lambda v: any(part(v) for part in parts)
    if kind is ast.Call and isinstance(node.func, ast.Name) and node.func.id == "abs" and len(node.args) == 1 \
            and not node.keywords:
        inner = _compile(node.args[0], names)
        return lambda v: abs(inner(v))
    raise FormulaError(f"В формуле недопустимо: «{ast.unparse(node)}». Можно: числа, коды строк, + - * /, "
                       "сравнения, and / or / not, abs().")


def _comparison(node: ast.Compare, names: set[str]) -> Callable[[dict], bool]:
    """a < b <= c: every link must hold, as in Python."""
    terms = [_compile(node.left, names)] + [_compile(c, names) for c in node.comparators]
    ops = [_COMPARE[type(op)] for op in node.ops]
    if len(ops) == 1:
        op, left, right = ops[0], terms[0], terms[1]
        return lambda v: op(left(v), right(v))
    links = list(zip(ops, terms, terms[1:], strict=False))
    return lambda v: all(op(a(v), b(v)) for op, a, b in links)
