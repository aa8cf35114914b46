"""The policy language: the expressions of a policy's conditions and priority factors.

An expression is written in CEL (the Common Expression Language) and read by cel-python's
parser, but only a small part of CEL is allowed: literals (whole numbers, text in quotes,
``true``, ``false``), lists of literals after ``in``, the variables of :data:`SCHEMA`,
comparisons, ``&&`` ``||`` ``!``, ``+ - * /`` on numbers (``/`` only by a whole number
written out), ``test ? a : b`` and ``size()`` of a list variable. Everything else — other
functions, macros (``.exists``, ``.map``), methods, indexing, maps, decimals — is refused by
:func:`check` with a message in words that names what is wrong (docs/policies.md).

A checked expression is evaluated here, over columns (numpy arrays, one row per
household), by a walk of its tree: never by Python's ``eval``. The same tree is translated
into the database's terms by ``homecoming.returns.policy``. No Django here: the language is
tested on its own, against cel-python's evaluator (programmes/tests/test_language.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from celpy.celparser import CELParser
from lark import Token, Tree
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedToken

# The kinds of value: a yes/no, a whole number, a text, a list of codes.
BOOL, NUMBER, TEXT, LIST = "bool", "number", "text", "list"
Expect = Literal["bool", "number"]

# Longer expressions are refused before they are parsed: a policy's rule is a line, and the
# parser's work grows with what it is given.
MAX_LENGTH = 1000
MAX_DEPTH = 60


@dataclass(frozen=True)
class Variable:
    """A fact about a household a policy may use: its name, kind and meaning, and for a
    text or list its codes (empty: any text)."""

    name: str
    type: str
    description: str
    choices: tuple[str, ...] = ()


ACCOMMODATION = (
    "hostel",
    "sanatorium",
    "administrative_building",
    "dormitory",
    "rented",
    "with_relatives",
    "other",
)
INTENTION = ("return_now", "return_later", "not_return", "unknown")
STATUS = ("registered", "verified", "withdrawn")
SEX = ("female", "male", "")
SERVICES = (
    "electricity",
    "water",
    "gas",
    "sewerage",
    "school",
    "clinic",
    "internet",
    "public_transport",
)

SCHEMA: dict[str, Variable] = {
    v.name: v
    for v in (
        Variable("household.members", NUMBER, "current members of the household"),
        Variable(
            "household.vulnerable_members",
            NUMBER,
            "current members with at least one vulnerability recorded",
        ),
        Variable(
            "household.collective_accommodation",
            BOOL,
            "lives in collective accommodation: a hostel, sanatorium, administrative "
            "building or dormitory",
        ),
        Variable(
            "household.accommodation",
            TEXT,
            "the kind of temporary accommodation",
            ACCOMMODATION,
        ),
        Variable(
            "household.years_displaced",
            NUMBER,
            "whole years since the date of displacement (0 when it is not recorded)",
        ),
        Variable(
            "household.registered_years", NUMBER, "whole years since the household registered"
        ),
        Variable("household.intention", TEXT, "the return intention stated", INTENTION),
        Variable("household.status", TEXT, "the registration's status", STATUS),
        Variable("household.verified", BOOL, "the registration is verified"),
        Variable(
            "household.consent",
            BOOL,
            "the household's signed consent to return is on file, not withdrawn",
        ),
        Variable(
            "household.duplicate_under_review",
            BOOL,
            "a possible duplicate of the household is open for review",
        ),
        Variable("head.recorded", BOOL, "a current head of household is recorded"),
        Variable(
            "head.age",
            NUMBER,
            "the head's age in whole years (0 when the head or the date of birth is not recorded)",
        ),
        Variable("head.sex", TEXT, "the head's sex (empty text when no head is recorded)", SEX),
        Variable("members.under_5", NUMBER, "current members under 5 years old"),
        Variable("members.under_18", NUMBER, "current members under 18 years old"),
        Variable("members.aged_60_or_more", NUMBER, "current members aged 60 or more"),
        Variable("members.female", NUMBER, "current members who are women or girls"),
        Variable("members.with_disability", NUMBER, "current members with a disability"),
        Variable("members.with_chronic_illness", NUMBER, "current members with a chronic illness"),
        Variable("members.pregnant", NUMBER, "current members pregnant or lactating"),
        Variable(
            "origin.land_released",
            BOOL,
            "the land around the home settlement is released: no hazard area near it is still open",
        ),
        Variable(
            "origin.services",
            LIST,
            "the services commissioned in the home settlement",
            SERVICES,
        ),
        Variable("origin.settlement", TEXT, "the code of the home settlement"),
        Variable("origin.district", TEXT, "the code (P-code) of the home settlement's district"),
    )
}

GROUPS = sorted({name.split(".")[0] for name in SCHEMA})

# The functions a policy may call: only size(), of a list variable.
FUNCTIONS = ("size",)


class PolicyError(ValueError):
    """An expression refused: ``template`` is the message in English with ``%(name)s``
    placeholders (a msgid: pages translate it, then fill it with ``params``)."""

    def __init__(self, template: str, **params: Any) -> None:
        self.template = template
        self.params = params
        super().__init__(template % params)

    @property
    def message(self) -> str:
        return str(self)


# The tree of a checked expression. Every node knows its kind of value.


class Node:
    """A node of a checked expression; ``type`` is its kind of value."""

    type: str


@dataclass(frozen=True)
class Const(Node):
    value: bool | int | str

    @property
    def type(self) -> str:  # type: ignore[override]
        if isinstance(self.value, bool):
            return BOOL
        return NUMBER if isinstance(self.value, int) else TEXT


@dataclass(frozen=True)
class ListOf(Node):
    """A list of literals of one kind (``of``), written out: only after ``in``."""

    values: tuple[bool | int | str, ...]
    of: str
    type = LIST


@dataclass(frozen=True)
class Var(Node):
    name: str

    @property
    def type(self) -> str:  # type: ignore[override]
        return SCHEMA[self.name].type


@dataclass(frozen=True)
class Unary(Node):
    op: str  # "!" or "-"
    operand: Node

    @property
    def type(self) -> str:  # type: ignore[override]
        return BOOL if self.op == "!" else NUMBER


@dataclass(frozen=True)
class Binary(Node):
    op: str  # && || == != < <= > >= in + - * /
    left: Node
    right: Node

    @property
    def type(self) -> str:  # type: ignore[override]
        return NUMBER if self.op in ARITHMETIC else BOOL


@dataclass(frozen=True)
class Conditional(Node):
    test: Node
    then: Node
    otherwise: Node

    @property
    def type(self) -> str:  # type: ignore[override]
        return self.then.type


@dataclass(frozen=True)
class Size(Node):
    operand: Var
    type = NUMBER


ARITHMETIC = ("+", "-", "*", "/")
ORDER = ("<", "<=", ">", ">=")
EQUALITY = ("==", "!=")
LOGIC = ("&&", "||")


@dataclass(frozen=True)
class Expression:
    """A checked expression: its text, its tree and its kind of value."""

    source: str
    tree: Node

    @property
    def type(self) -> str:
        return self.tree.type

    @property
    def variables(self) -> frozenset[str]:
        return frozenset(_variables(self.tree))


def _variables(node: Node):
    if isinstance(node, Var):
        yield node.name
    for child in _children(node):
        yield from _variables(child)


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Unary | Size):
        return (node.operand,)
    if isinstance(node, Binary):
        return (node.left, node.right)
    if isinstance(node, Conditional):
        return (node.test, node.then, node.otherwise)
    return ()


# Words for the messages.
KIND_WORDS = {BOOL: "a yes/no", NUMBER: "a number", TEXT: "a text", LIST: "a list of codes"}
LITERAL_WORDS = {BOOL: "the yes/no", NUMBER: "the number", TEXT: "the text"}


def text(node: Node) -> str:
    """The expression of ``node`` written back in the language."""
    if isinstance(node, Const):
        if isinstance(node.value, bool):
            return "true" if node.value else "false"
        return repr(node.value) if isinstance(node.value, str) else str(node.value)
    if isinstance(node, ListOf):
        return "[" + ", ".join(text(Const(v)) for v in node.values) + "]"
    if isinstance(node, Var):
        return node.name
    if isinstance(node, Unary):
        return f"{node.op}{_wrapped(node.operand)}"
    if isinstance(node, Size):
        return f"size({node.operand.name})"
    if isinstance(node, Binary):
        return f"{_wrapped(node.left)} {node.op} {_wrapped(node.right)}"
    assert isinstance(node, Conditional)
    return f"{_wrapped(node.test)} ? {_wrapped(node.then)} : {_wrapped(node.otherwise)}"


def _wrapped(node: Node) -> str:
    return f"({text(node)})" if isinstance(node, Binary | Conditional) else text(node)


def _described(node: Node) -> str:
    """``household.members``, ``the text 'hostel'``, ``(a + b), a number``."""
    if isinstance(node, Const):
        return f"{LITERAL_WORDS[node.type]} {text(node)}"
    if isinstance(node, Var):
        return node.name
    return f"{text(node)}, which is {KIND_WORDS[node.type]}"


def _is(node: Node) -> str:
    """``household.members is a number``."""
    if isinstance(node, Var):
        return f"{node.name} is {KIND_WORDS[node.type]}"
    return f"{_described(node)}"


# Checking.


def check(expression: str, *, expect: Expect) -> Expression:
    """``expression`` parsed and checked, or :class:`PolicyError` saying what is wrong.

    ``expect``: ``"bool"`` for a condition (yes or no), ``"number"`` for a priority factor
    (a number, or a yes/no counted as 1 or 0).

    >>> check("household.members >= 3", expect="bool").type
    'bool'
    >>> check("household.income > 3", expect="bool").type  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    PolicyError: household.income is not something a policy can use; it can use: ...
    """
    source = (expression or "").strip()
    if not source:
        raise PolicyError("Write an expression.")
    if len(source) > MAX_LENGTH:
        raise PolicyError(
            "An expression is at most %(most)d characters long; this one has %(length)d.",
            most=MAX_LENGTH,
            length=len(source),
        )
    tree = _parse(source)
    node = _Reader().read(tree, 0)
    if expect == BOOL and node.type != BOOL:
        raise PolicyError(
            "A condition must be yes or no; %(expression)s is %(kind)s.",
            expression=text(node),
            kind=KIND_WORDS[node.type],
        )
    if expect == NUMBER and node.type not in (NUMBER, BOOL):
        raise PolicyError(
            "A priority factor must be a number (or yes/no, counted as 1 or 0); "
            "%(expression)s is %(kind)s.",
            expression=text(node),
            kind=KIND_WORDS[node.type],
        )
    return Expression(source, node)


_PARSER: CELParser | None = None


def _parse(source: str) -> Tree:
    global _PARSER  # noqa: PLW0603 (the parser is built once, on first use: it compiles a grammar)
    if _PARSER is None:
        _PARSER = CELParser()
    try:
        return _PARSER.CEL_PARSER.parse(source)
    except UnexpectedToken as exc:
        if exc.token.type == "$END":
            raise PolicyError(
                "The expression is not complete: something is missing at its end."
            ) from None
        raise _unreadable(source, exc.line, exc.column) from None
    except UnexpectedCharacters as exc:
        raise _unreadable(source, exc.line, exc.column) from None
    except (LarkError, RecursionError):
        raise PolicyError("The expression cannot be read.") from None


def _unreadable(source: str, line: int, column: int) -> PolicyError:
    lines = source.splitlines() or [source]
    where = lines[min(max(line, 1), len(lines)) - 1]
    return PolicyError(
        "The expression cannot be read at character %(column)d, at “%(rest)s”.",
        column=column,
        rest=where[column - 1 : column + 19],
    )


_DEFAULT_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", "'": "'", '"': '"'}


class _Reader:
    """The lark tree of cel-python's grammar, read into :class:`Node` s, refusing all that
    the policy language does not allow."""

    def read(self, tree: Tree | Token, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise PolicyError("The expression is nested too deeply.")
        if isinstance(tree, Token):  # pragma: no cover (the grammar wraps tokens in rules)
            raise PolicyError("The expression cannot be read.")
        kids = [k for k in tree.children if k is not None]
        rule = tree.data
        step = depth + 1
        if rule == "expr":
            if len(kids) == 1:
                return self.read(kids[0], step)
            return self.conditional(*(self.read(k, step) for k in kids))
        if rule in ("conditionalor", "conditionaland"):
            if len(kids) == 1:
                return self.read(kids[0], step)
            op = "||" if rule == "conditionalor" else "&&"
            return self.logic(op, self.read(kids[0], step), self.read(kids[1], step))
        if rule in ("relation", "addition", "multiplication"):
            if len(kids) == 1:
                return self.read(kids[0], step)
            operator, right = kids
            op = OPERATORS[operator.data]
            left = self.read(operator.children[0], step)
            if op == "in":
                return self.membership(left, right, step)
            return self.binary(op, left, self.read(right, step))
        if rule == "unary":
            if len(kids) == 1:
                return self.read(kids[0], step)
            operator, operand = kids
            return self.unary(
                "!" if operator.data == "unary_not" else "-", self.read(operand, step)
            )
        if rule in ("member", "primary", "paren_expr"):
            return self.read(kids[0], step)
        if rule == "member_dot":
            return self.variable(self.dotted(tree, step))
        if rule == "ident":
            return self.variable(str(kids[0]))
        if rule == "literal":
            return self.literal(kids[0])
        if rule == "ident_arg":
            return self.call(str(kids[0]), kids[1:], step)
        if rule in ("member_dot_arg", "dot_ident_arg"):
            name = next(str(k) for k in kids if isinstance(k, Token))
            raise PolicyError(
                ".%(name)s(…) is not part of the policy language: methods and macros such as "
                ".exists() and .map() are refused, so that a policy only compares facts.",
                name=name,
            )
        if rule == "member_index":
            raise PolicyError(
                "Indexing with [ ] is not part of the policy language: name a fact, such as "
                "household.members."
            )
        if rule in ("member_object", "map_lit"):
            raise PolicyError("Maps and objects with { } are not part of the policy language.")
        if rule == "list_lit":
            raise PolicyError(
                "A list can only follow in, as in household.accommodation in ['hostel', "
                "'dormitory']."
            )
        if rule == "dot_ident":
            raise PolicyError(
                "A name cannot start with a dot; the policy can use: %(names)s.",
                names=", ".join(SCHEMA),
            )
        raise PolicyError("The expression cannot be read.")  # pragma: no cover

    # Each construct, checked.

    def dotted(self, tree: Tree, step: int) -> str:
        """``household.members`` from its ``member_dot`` tree; a name that does not start
        with a plain name is refused as what it starts with is."""
        parts = []
        while isinstance(tree, Tree) and tree.data in ("member_dot", "member", "primary"):
            kids = [k for k in tree.children if k is not None]
            if tree.data == "member_dot":
                parts.append(str(kids[1]))
            tree = kids[0]
        if isinstance(tree, Tree) and tree.data == "ident":
            return ".".join([str(tree.children[0]), *reversed(parts)])
        self.read(tree, step)
        raise PolicyError(
            "A fact is named by its group and its name, such as household.members; the policy "
            "can use: %(names)s.",
            names=", ".join(SCHEMA),
        )

    def variable(self, name: str) -> Var:
        if name in SCHEMA:
            return Var(name)
        if name in GROUPS:
            raise PolicyError(
                "%(name)s is a group of facts; name one of them: %(names)s.",
                name=name,
                names=", ".join(n for n in SCHEMA if n.startswith(name + ".")),
            )
        group = name.split(".")[0]
        known = [n for n in SCHEMA if n.startswith(group + ".")] if group in GROUPS else []
        raise PolicyError(
            "%(name)s is not something a policy can use; it can use: %(names)s.",
            name=name,
            names=", ".join(known or SCHEMA),
        )

    def literal(self, token: Token) -> Const:
        kind, raw = token.type, str(token)
        if kind == "INT_LIT":
            try:
                return Const(int(raw, 0) if not raw.lstrip("-").startswith("0x") else int(raw, 16))
            except ValueError:
                raise PolicyError("%(literal)s is not a whole number.", literal=raw) from None
        if kind == "BOOL_LIT":
            return Const(raw == "true")
        if kind == "STRING_LIT":
            return Const(_string(raw))
        if kind == "FLOAT_LIT":
            raise PolicyError(
                "%(literal)s: the policy language counts in whole numbers only.", literal=raw
            )
        raise PolicyError(
            "%(literal)s is not a value a policy can use: write whole numbers, text in quotes, "
            "true or false.",
            literal=raw,
        )

    def call(self, name: str, args: list, step: int) -> Node:
        if name not in FUNCTIONS:
            raise PolicyError(
                "%(name)s() is not part of the policy language; the only function is size(), "
                "which counts the codes in a list such as origin.services.",
                name=name,
            )
        operands = [self.read(e, step) for a in args for e in a.children if e is not None]
        if len(operands) != 1 or not (isinstance(operands[0], Var) and operands[0].type == LIST):
            raise PolicyError("size() counts the codes of one list, such as size(origin.services).")
        return Size(operands[0])

    def membership(self, left: Node, right_tree: Tree, step: int) -> Node:
        right = self._list(right_tree, step)
        if right is None:
            right = self.read(right_tree, step)
            if right.type != LIST:
                raise PolicyError(
                    "in needs a list after it, such as ['hostel', 'dormitory'] or "
                    "origin.services; %(right)s.",
                    right=_is(right),
                )
            assert isinstance(right, Var)
            if not (isinstance(left, Const) and left.type == TEXT):
                raise PolicyError(
                    "Ask for one code written out in %(list)s, such as 'water' in %(list)s.",
                    list=right.name,
                )
            self._code(right, left)
            return Binary("in", left, right)
        self._value(left)
        if right.values and right.of != left.type:
            raise PolicyError(
                "%(left)s; the list %(list)s holds values of another kind.",
                left=_is(left),
                list=text(right),
            )
        for value in right.values:
            self._code(left, Const(value))
        return Binary("in", left, right)

    def _list(self, tree: Tree, step: int) -> ListOf | None:
        """The list literal ``tree`` is, or ``None`` when it is something else."""
        while (
            isinstance(tree, Tree)
            and tree.data
            in (
                "addition",
                "multiplication",
                "unary",
                "member",
                "primary",
            )
            and len([k for k in tree.children if k is not None]) == 1
        ):
            tree = next(k for k in tree.children if k is not None)
        if not (isinstance(tree, Tree) and tree.data == "list_lit"):
            return None
        exprs = [e for k in tree.children if k is not None for e in k.children if e is not None]
        values = [self.read(e, step) for e in exprs]
        if not all(isinstance(v, Const) for v in values):
            raise PolicyError(
                "A list holds values written out, such as ['hostel', 'dormitory'] or [1, 2, 3]."
            )
        kinds = {v.type for v in values}
        if len(kinds) > 1:
            raise PolicyError(
                "A list holds values of one kind: %(list)s mixes them.",
                list="[" + ", ".join(text(v) for v in values) + "]",
            )
        return ListOf(tuple(v.value for v in values), kinds.pop() if kinds else TEXT)

    def _value(self, node: Node) -> None:
        """Refuse a list where one value is needed."""
        if node.type == LIST:
            raise PolicyError(
                "%(name)s is a list of codes: use it as 'water' in %(name)s or size(%(name)s).",
                name=text(node),
            )

    def _code(self, node: Node, const: Node) -> None:
        """Refuse a text that is not one of a variable's codes."""
        if (
            isinstance(node, Var)
            and isinstance(const, Const)
            and SCHEMA[node.name].choices
            and const.type == TEXT
            and const.value not in SCHEMA[node.name].choices
        ):
            raise PolicyError(
                "%(value)s is not a value of %(name)s; its values are: %(values)s.",
                value=text(const),
                name=node.name,
                values=", ".join(repr(c) for c in SCHEMA[node.name].choices),
            )

    def logic(self, op: str, left: Node, right: Node) -> Node:
        for operand in (left, right):
            self._bool(operand, op)
        return Binary(op, left, right)

    def _bool(self, operand: Node, op: str) -> None:
        self._value(operand)
        if operand.type != BOOL:
            raise PolicyError(
                "%(operand)s; %(op)s works on yes/no values only.", operand=_is(operand), op=op
            )

    def unary(self, op: str, operand: Node) -> Node:
        self._value(operand)
        if op == "!":
            self._bool(operand, "!")
        elif operand.type != NUMBER:
            raise PolicyError("%(operand)s; - works on numbers only.", operand=_is(operand))
        return Unary(op, operand)

    def binary(self, op: str, left: Node, right: Node) -> Node:
        for operand in (left, right):
            self._value(operand)
        if op == "%":
            raise PolicyError("%% is not part of the policy language.")
        if op in ARITHMETIC:
            for operand in (left, right):
                if operand.type != NUMBER:
                    raise PolicyError(
                        "%(operand)s; %(op)s works on numbers only.", operand=_is(operand), op=op
                    )
            if op == "/" and not (isinstance(right, Const) and right.value > 0):
                raise PolicyError(
                    "Divide only by a whole number above zero written out, such as / 5."
                )
            return Binary(op, left, right)
        if left.type != right.type:
            raise PolicyError(
                "%(left)s; it cannot be compared with %(right)s.",
                left=_is(left),
                right=_described(right),
            )
        if op in ORDER and left.type != NUMBER:
            raise PolicyError(
                "%(op)s compares numbers only; %(operand)s.", op=op, operand=_is(left)
            )
        self._code(left, right)
        self._code(right, left)
        return Binary(op, left, right)

    def conditional(self, test: Node, then: Node, otherwise: Node) -> Node:
        self._value(test)
        if test.type != BOOL:
            raise PolicyError("Before ? comes a yes/no; %(test)s.", test=_is(test))
        for operand in (then, otherwise):
            self._value(operand)
        if then.type != otherwise.type:
            raise PolicyError(
                "Both results of ? : must be of one kind: %(then)s, %(otherwise)s.",
                then=_kind_of(then),
                otherwise=_kind_of(otherwise),
            )
        return Conditional(test, then, otherwise)


def _kind_of(node: Node) -> str:
    return f"{text(node)} is {KIND_WORDS[node.type]}"


OPERATORS = {
    "relation_lt": "<",
    "relation_le": "<=",
    "relation_gt": ">",
    "relation_ge": ">=",
    "relation_eq": "==",
    "relation_ne": "!=",
    "relation_in": "in",
    "addition_add": "+",
    "addition_sub": "-",
    "multiplication_mul": "*",
    "multiplication_div": "/",
    "multiplication_mod": "%",
}


_ESCAPE = re.compile(r"\\(.)")


def _string(raw: str) -> str:
    """The text of a string literal: quotes removed, simple escapes read; raw and triple
    quoted strings are refused as out of place in a policy."""
    if raw[:1] in "rR" or raw.startswith(("'''", '"""')):
        raise PolicyError("Write text in simple quotes, such as 'hostel'.")
    body = raw[1:-1]
    if "\\" in body:
        if _ESCAPE.sub("", body).count("\\") or any(
            c not in _DEFAULT_ESCAPES for c in _ESCAPE.findall(body)
        ):
            raise PolicyError("Write text in simple quotes, such as 'hostel'.")
        body = _ESCAPE.sub(lambda m: _DEFAULT_ESCAPES[m.group(1)], body)
    return body


# Evaluation over columns.

Columns = Mapping[str, np.ndarray]


def evaluate(expression: Expression, columns: Columns, rows: int) -> np.ndarray:
    """The value of ``expression`` for every row of ``columns``: one array of ``rows``
    values (yes/no as booleans, numbers as 64-bit integers).

    ``columns`` holds one array per variable the expression uses: booleans, integers, or
    texts (a numpy array of str); a list variable is a 2-D boolean array, one column per
    code of its :attr:`Variable.choices`, in their order.
    """
    value = _eval(expression.tree, columns)
    if np.ndim(value) == 0:
        value = np.full(rows, value)
    if expression.type == NUMBER:
        return np.asarray(value, dtype=np.int64)
    return np.asarray(value)


def score(expression: Expression, columns: Columns, rows: int) -> np.ndarray:
    """A priority factor's value for every row, as whole numbers (yes counts 1)."""
    return evaluate(expression, columns, rows).astype(np.int64)


def _divide(left: Any, right: Any) -> Any:
    """By a whole number above zero (the checker allows no other); towards zero, as CEL."""
    return np.sign(left) * (np.abs(left) // right)


# What each binary operator does to two columns (or a column and a value).
_OPERATIONS: dict[str, Any] = {
    "&&": np.logical_and,
    "||": np.logical_or,
    "==": np.equal,
    "!=": np.not_equal,
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
    "/": _divide,
}


def _eval(node: Node, columns: Columns) -> Any:
    if isinstance(node, Const):
        return np.int64(node.value) if node.type == NUMBER else node.value
    if isinstance(node, Var):
        return columns[node.name]
    if isinstance(node, Size):
        return columns[node.operand.name].sum(axis=1, dtype=np.int64)
    if isinstance(node, Unary):
        operand = _eval(node.operand, columns)
        return np.logical_not(operand) if node.op == "!" else -operand
    if isinstance(node, Conditional):
        return np.where(
            _eval(node.test, columns), _eval(node.then, columns), _eval(node.otherwise, columns)
        )
    assert isinstance(node, Binary)
    if node.op == "in":
        left = node.left
        if isinstance(node.right, Var):  # 'water' in origin.services
            assert isinstance(left, Const)
            codes = SCHEMA[node.right.name].choices
            return columns[node.right.name][:, codes.index(left.value)]
        values = list(node.right.values)
        found = _eval(left, columns)
        if np.ndim(found) == 0:
            return found in values
        return np.isin(found, values) if values else np.zeros(len(found), dtype=bool)
    left, right = _eval(node.left, columns), _eval(node.right, columns)
    return _OPERATIONS[node.op](left, right)
