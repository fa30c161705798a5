"""`positive` and `positive_int`: exact results, and errors that name the parameter."""

from __future__ import annotations

import re
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from derivations.core.validate import positive, positive_int
from derivations.symbols import B, G, T

NAME = "widget_count"  # a name no message would contain by accident


@pytest.mark.parametrize(
    "value, expected",
    [
        (64, sp.Integer(64)),
        (np.int64(3), sp.Integer(3)),
        (0.1, sp.Rational(1, 10)),  # via repr: not 3602879701896397/36028797018963968
        (3.35e12, sp.Integer(3_350 * 10**9)),
        (Fraction(1, 3), sp.Rational(1, 3)),
        (sp.Rational(1, 2), sp.Rational(1, 2)),
        (B, B),
        (B * T, B * T),
    ],
)
def test_positive_returns_exact_values(value, expected):
    result = positive(NAME, value)
    assert result == expected
    assert isinstance(result, sp.Expr)
    if result.is_number:
        assert isinstance(result, sp.Rational)  # exact, never a Float


def test_numpy_float_is_read_exactly():
    # np.float64 is a float subclass, so it takes the repr path in `positive`.
    assert positive(NAME, np.float64(0.5)) == sp.Rational(1, 2)


def test_float_input_is_not_its_binary_approximation():
    assert positive(NAME, 0.1) != sp.Rational(0.1)  # sp.Rational(0.1) is the binary double


@pytest.mark.parametrize(
    "value",
    [
        0, -1, 0.0, -0.5, Fraction(-1, 2), sp.Integer(0),
        float("nan"), float("inf"), float("-inf"),
        None, True, False, "3", [1], 1j,
        sp.oo, sp.nan, sp.zoo, sp.I,
        -B,
        sp.Symbol("x"),  # sign unknown: not accepted as positive
    ],
)
def test_positive_rejects_and_names_the_parameter(value):
    with pytest.raises(ValueError, match=f"^{re.escape(NAME)} must be"):
        positive(NAME, value)


@pytest.mark.parametrize(
    "value, expected",
    [(8, sp.Integer(8)), (2.0, sp.Integer(2)), (sp.Integer(3), sp.Integer(3)), (G, G)],
)
def test_positive_int_accepts_whole_numbers_and_positive_symbols(value, expected):
    assert positive_int(NAME, value) == expected


@pytest.mark.parametrize("value", [2.5, 1e-3, sp.Rational(1, 2), Fraction(3, 2), 0, -4, "8", True, None, float("nan")])
def test_positive_int_rejects_and_names_the_parameter(value):
    with pytest.raises(ValueError, match=f"^{re.escape(NAME)} must be"):
        positive_int(NAME, value)
