"""Accelerator constants against their published figures, and input checks."""

from __future__ import annotations

import dataclasses

import pytest
import sympy as sp

from derivations import hardware
from derivations.hardware import ACCELERATORS, H100_SXM, Accelerator


def test_h100_sxm_published_figures():
    # NVIDIA H100 datasheet, SXM 80GB: 989 TFLOP/s dense bf16 (1979 is with 2:4 sparsity),
    # 3.35 TB/s HBM3, 80 GB.
    assert H100_SXM.flops_per_s == 989 * 10**12
    assert H100_SXM.hbm_bytes_per_s == 3_350 * 10**9
    assert float(H100_SXM.hbm_bytes) == 80e9


def test_h100_sxm_ridge_is_exact_and_about_295():
    # NVIDIA H100 datasheet: 989 TFLOP/s dense bf16 over 3.35 TB/s.
    assert H100_SXM.ridge == sp.Rational(989 * 10**12, 3_350 * 10**9)
    assert isinstance(H100_SXM.ridge, sp.Rational)  # exact, not a float
    # CS336 lecture 10: "989e12 / 3.35e12 ≈ 295 FLOP/byte".
    assert round(float(H100_SXM.ridge)) == 295


def test_float_constants_are_read_exactly():
    # 3.35e12 is not a binary float; read through its repr it is exactly 3_350 * 10**9,
    # so the ridge of an accelerator typed with floats is the same exact rational.
    typed_as_floats = Accelerator("H100 SXM (floats)", 989e12, 3.35e12, 80e9, "test")
    assert typed_as_floats.hbm_bytes_per_s == 3_350 * 10**9
    assert typed_as_floats.ridge == sp.Rational(989 * 10**12, 3_350 * 10**9)


@pytest.mark.parametrize("field", ["flops_per_s", "hbm_bytes_per_s", "hbm_bytes"])
@pytest.mark.parametrize("value", [0, -1, float("nan"), float("inf"), None, True, "3.35e12"])
def test_bad_constant_raises_naming_the_field(field, value):
    good = dict(name="x", flops_per_s=989 * 10**12, hbm_bytes_per_s=3_350 * 10**9, hbm_bytes=80 * 10**9, source="s")
    with pytest.raises(ValueError, match=field):
        Accelerator(**{**good, field: value})


def test_zero_bandwidth_raises_naming_hbm_bytes_per_s():
    with pytest.raises(ValueError, match="hbm_bytes_per_s"):
        Accelerator("x", 989 * 10**12, 0, 80 * 10**9, "s")


def test_accelerator_is_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        H100_SXM.hbm_bytes_per_s = 3_900 * 10**9  # the NVL figure must not leak in


@pytest.mark.parametrize("name", ["H100_SXM", "NVIDIA H100 SXM 80GB"])
def test_lookup_by_constant_or_full_name(name):
    assert hardware.accelerator(name) is H100_SXM


@pytest.mark.parametrize("name", ["nope", "H100", "h100_sxm", ""])
def test_unknown_or_ambiguous_name_raises(name):
    # "H100" names three different parts (SXM, PCIe, NVL): it must not resolve.
    with pytest.raises(ValueError, match="unknown"):
        hardware.accelerator(name)


def test_every_listed_accelerator_can_be_looked_up():
    assert H100_SXM in ACCELERATORS
    for item in ACCELERATORS:
        assert hardware.accelerator(item.name) is item
        assert item.source.startswith("https://")
