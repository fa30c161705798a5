"""Accelerator constants, each with its source. The one place they are typed.

Peak FLOP/s are dense bf16 (no 2:4 sparsity); bandwidth and capacity are HBM.
Name the variant: an "H100" is three different parts.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from . import render
from .glossary import term
from .validate import positive


@dataclass(frozen=True)
class Accelerator:
    """One accelerator's peak compute, memory bandwidth and memory size.

    Examples:
        >>> H100_SXM.ridge
        19780/67
        >>> round(float(H100_SXM.ridge))
        295
    """

    name: str
    flops_per_s: int
    hbm_bytes_per_s: int
    hbm_bytes: int
    source: str

    def __post_init__(self):
        for field in ("flops_per_s", "hbm_bytes_per_s", "hbm_bytes"):
            object.__setattr__(self, field, positive(field, getattr(self, field)))

    @property
    def ridge(self) -> sp.Rational:
        """FLOPs per byte at which compute and memory time are equal (the accelerator intensity)."""
        return self.flops_per_s / self.hbm_bytes_per_s


H100_SXM = Accelerator(
    name="NVIDIA H100 SXM 80GB",
    flops_per_s=989 * 10**12,  # the datasheet's 1979 TFLOP/s assumes 2:4 sparsity
    hbm_bytes_per_s=3_350 * 10**9,
    hbm_bytes=80 * 10**9,
    source="https://resources.nvidia.com/en-us-tensor-core/nvidia-tensor-core-gpu-datasheet",
)

ACCELERATORS: tuple[Accelerator, ...] = (H100_SXM,)


def accelerator(name: str) -> Accelerator:
    """Look an accelerator up by its constant name or its full name.

    Examples:
        >>> accelerator("H100_SXM").name
        'NVIDIA H100 SXM 80GB'
        >>> accelerator("H100")
        Traceback (most recent call last):
        ...
        ValueError: accelerator 'H100' is unknown; known: H100_SXM
    """
    by_key = {key: value for key, value in globals().items() if isinstance(value, Accelerator)}
    for key, value in by_key.items():
        if name in (key, value.name):
            return value
    raise ValueError(f"accelerator {name!r} is unknown; known: {', '.join(by_key)}")


def accelerator_table(lang: str = "en", accelerators=ACCELERATORS) -> str:
    """Peak compute, bandwidth, capacity and ridge point, each with its source."""
    header = [term(key, lang) for key in
              ("accelerator", "flops_per_s", "hbm_bytes_per_s", "hbm_bytes", "ridge", "source")]
    rows = (
        [
            item.name,
            f"${render.decimal(item.flops_per_s)}$",
            f"${render.decimal(item.hbm_bytes_per_s)}$",
            f"${render.decimal(item.hbm_bytes)}$",
            f"${render.decimal(item.ridge)}$",
            f"[{term('datasheet', lang)}]({item.source})",
        ]
        for item in accelerators
    )
    return render.table(header, rows)


def ridge_equation(item: Accelerator = H100_SXM) -> str:
    """The accelerator intensity as a display equation, exact and rounded."""
    return render.equations([(
        r"I^{*} = \frac{\text{FLOP/s}}{\text{bytes/s}}",
        rf"\frac{{{render.decimal(item.flops_per_s)}}}{{{render.decimal(item.hbm_bytes_per_s)}}}"
        rf" = {render.latex(item.ridge)} \approx {render.decimal(item.ridge)}",
    )])
