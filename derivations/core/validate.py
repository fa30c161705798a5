"""Argument checks shared by every derivation: fail early, name the parameter."""

from __future__ import annotations

import math
from fractions import Fraction
from numbers import Integral

import sympy as sp


def positive(name: str, value) -> sp.Expr:
    """Return `value` as an exact SymPy number or positive expression.

    Floats are read through their decimal repr, so `3.35e12` stays exactly
    3350000000000 rather than its binary approximation.

    Examples:
        >>> positive("batch", 64)
        64
        >>> positive("bandwidth", 3.35e12)
        3350000000000
        >>> positive("batch", 0)
        Traceback (most recent call last):
        ...
        ValueError: batch must be positive, got 0
    """
    if isinstance(value, bool) or value is None or isinstance(value, str):
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    if isinstance(value, (float, sp.Float)):
        if not math.isfinite(float(value)):
            raise ValueError(f"{name} must be a finite number, got {value!r}")
        value = sp.Rational(repr(float(value)))  # float() first: numpy's repr is "np.float64(…)"
    elif isinstance(value, Fraction):
        value = sp.Rational(value.numerator, value.denominator)
    elif isinstance(value, Integral):
        value = sp.Integer(int(value))
    elif not isinstance(value, sp.Expr):
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    if value.is_positive is not True or value.is_finite is False:
        raise ValueError(f"{name} must be positive, got {value}")
    return value


def positive_int(name: str, value) -> sp.Expr:
    """Like `positive`, but numbers must be whole; a positive symbol passes.

    Examples:
        >>> positive_int("group_size", 8)
        8
        >>> positive_int("group_size", 2.5)
        Traceback (most recent call last):
        ...
        ValueError: group_size must be a positive integer, got 2.5
    """
    checked = positive(name, value)
    whole_number = checked.is_number and checked.is_integer
    if not (whole_number or isinstance(checked, sp.Symbol)):
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return checked


def lookup(kind: str, name, namespace: dict, cls: type):
    """Find a constant of type `cls` in `namespace` by its Python name or its `.name`;
    an instance of `cls` is returned as it is.
    """
    if isinstance(name, cls):
        return name
    if not isinstance(name, str):
        raise ValueError(f"{kind} must be a {cls.__name__} or its name, got {name!r}")
    by_key = {key: value for key, value in namespace.items() if isinstance(value, cls)}
    for key, value in by_key.items():
        if name in (key, value.name):
            return value
    raise ValueError(f"{kind} {name!r} is unknown; known: {', '.join(by_key)}")
