"""Terraform's binary operators on evaluated operands: comparisons, equality, logic and exact arithmetic.

Arithmetic is done in Decimal at 160 digits (Terraform computes with 512-bit mantissas: 1 / 3 * 3 is 1); the
evaluator rounds once, at the outermost operation.
"""

from __future__ import annotations

import decimal
from typing import Any

from agentlint.loaders import hcl_functions as fn


class UnsupportedOperator(Exception):
    pass


_COMPARE = {"<": lambda a, b: a < b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b}
_ARITH = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b}
_EXACT = decimal.Context(prec=160)  # Terraform computes with 512-bit mantissas: 1 / 3 * 3 is 1


def apply_operator(op: str, a: Any, b: Any) -> Any:
    """`a op b` for known operands (Decimals from nested arithmetic stay exact). Raises fn.FunctionError,
    TypeError, ValueError, OverflowError or decimal.InvalidOperation where Terraform reports an error."""
    if op not in _ARITH and op not in ("/", "%"):
        a, b = (fn.num(v) if isinstance(v, decimal.Decimal) else v for v in (a, b))
    if op == "==":
        return fn.tf_equal(a, b)
    if op == "!=":
        return not fn.tf_equal(a, b)
    if op in ("&&", "||"):
        x, y = fn.to_bool(a), fn.to_bool(b)
        return (x and y) if op == "&&" else (x or y)
    x, y = (v if isinstance(v, decimal.Decimal) else fn.decimal(fn.to_number(v)) for v in (a, b))
    if op in _COMPARE:
        return _COMPARE[op](x, y)
    if op in ("/", "%") and y == 0:
        raise fn.FunctionError("division by zero")
    with decimal.localcontext(_EXACT):
        if op in _ARITH:
            return +_ARITH[op](x, y)
        if op == "/":
            return x / y
        if op == "%":
            return x % y  # Decimal's % takes the dividend's sign (-5 % 3 is -2), as Terraform's does
    raise UnsupportedOperator(op)
