"""Compute each derivation once per process, and count how often each was computed.

The i18n plugin builds the site once per language in the same process, so a
cached derivation is computed once per build, not once per page or language.
`mkdocs serve` drops the whole package from `sys.modules` when its source
changes (see hooks/derivations_reload.py), which empties these caches.
"""

from __future__ import annotations

import functools
import inspect
from collections import Counter

COMPUTED: Counter[str] = Counter()


def derived(func):
    """Cache `func` on its bound arguments (defaults filled in) and count each call computed.

    Examples:
        >>> @derived
        ... def square(x=3):
        ...     return x * x
        >>> square(), square(3), square(x=3)
        (9, 9, 9)
        >>> COMPUTED["core.cache.square(x=3)"]
        1
    """
    signature = inspect.signature(func)

    @functools.cache
    def compute(arguments: tuple):
        call = ", ".join(f"{name}={value!r}" for name, value in arguments)
        module = func.__module__.removeprefix("derivations.")
        COMPUTED[f"{module}.{func.__qualname__}({call})"] += 1
        return func(**dict(arguments))

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        arguments = tuple(bound.arguments.items())
        try:
            hash(arguments)
        except TypeError:  # unhashable input: let the function's own checks reject it
            return func(**bound.arguments)
        if any(isinstance(value, bool) for _, value in arguments):
            return func(**bound.arguments)  # True == 1 would otherwise hit the cached 1
        return compute(arguments)

    return wrapper
