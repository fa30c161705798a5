"""The whole accelerator catalog against vendor figures (tests/test_hardware.py covers H100 SXM alone).

Expected values are literal arithmetic copied from the vendor pages named in each comment
(see also shared/reference/hardware-and-models.md); NVIDIA peaks are its "with sparsity"
figures halved, so dense.
"""

from __future__ import annotations

import pytest
import sympy as sp

from derivations import hardware
from derivations.hardware import ACCELERATORS

# constant name: (dense bf16 FLOP/s, HBM bytes/s, HBM bytes)
PUBLISHED = {
    # NVIDIA H100 datasheet, SXM: 1979 TFLOP/s bf16 with sparsity (989 dense, as the lecture), 3.35 TB/s, 80 GB.
    "H100_SXM": (989 * 10**12, 335 * 10**10, 80 * 10**9),
    # NVIDIA H100 datasheet, PCIe: 1513 TFLOP/s with sparsity (756 dense), 2.0 TB/s, 80 GB.
    "H100_PCIE": (756 * 10**12, 20 * 10**11, 80 * 10**9),
    # NVIDIA H100 datasheet, NVL: 1671 TFLOP/s with sparsity (~835 dense), 3.9 TB/s, 94 GB.
    "H100_NVL": (835 * 10**12, 39 * 10**11, 94 * 10**9),
    # nvidia.com/en-us/data-center/h200: same compute as H100 SXM, 4.8 TB/s, 141 GB.
    "H200_SXM": (989 * 10**12, 48 * 10**11, 141 * 10**9),
    # nvidia.com HGX B200: 4.5 PFLOP/s bf16 with sparsity per GPU, 8 TB/s, 180 GB usable.
    "B200": (45 * 10**14 // 2, 8 * 10**12, 180 * 10**9),
    # NVIDIA A100 datasheet: 312 TFLOP/s bf16 dense; 80GB SXM 2,039 GB/s; 40GB 1,555 GB/s.
    "A100_SXM_80GB": (312 * 10**12, 2039 * 10**9, 80 * 10**9),
    "A100_40GB": (312 * 10**12, 1555 * 10**9, 40 * 10**9),
    # cloud.google.com/tpu/docs, per chip: v5e 197 TFLOP/s, 819 GB/s, 16 GB.
    "TPU_V5E": (197 * 10**12, 819 * 10**9, 16 * 10**9),
    # v5p 459 TFLOP/s, 2765 GB/s, 95 GB.
    "TPU_V5P": (459 * 10**12, 2765 * 10**9, 95 * 10**9),
    # v6e (Trillium) 918 TFLOP/s, 1640 GB/s, 32 GB.
    "TPU_V6E": (918 * 10**12, 1640 * 10**9, 32 * 10**9),
    # AMD Instinct MI300X page: 1307.4 TFLOP/s bf16 dense, 5.3 TB/s, 192 GB HBM3.
    "MI300X": (13074 * 10**11, 53 * 10**11, 192 * 10**9),
}


def test_catalog_has_at_least_ten_distinct_accelerators():
    assert len(ACCELERATORS) >= 10
    assert len({item.name for item in ACCELERATORS}) == len(ACCELERATORS)
    assert len(set(ACCELERATORS)) == len(ACCELERATORS)  # no constant listed twice


def test_every_catalog_entry_is_checked_here():
    listed = {key for key, value in vars(hardware).items() if value in ACCELERATORS}
    assert listed == set(PUBLISHED)


@pytest.mark.parametrize("constant", PUBLISHED)
def test_published_figures(constant):
    item = getattr(hardware, constant)
    assert (item.flops_per_s, item.hbm_bytes_per_s, item.hbm_bytes) == PUBLISHED[constant]
    assert item in ACCELERATORS


@pytest.mark.parametrize("item", ACCELERATORS, ids=lambda a: a.name)
def test_ridge_is_flops_over_bandwidth_exactly(item):
    flops, bandwidth, _ = PUBLISHED[next(k for k, v in vars(hardware).items() if v is item)]
    assert item.ridge == sp.Rational(flops, bandwidth)
    assert isinstance(item.ridge, sp.Rational)  # exact, never a float
    assert all(isinstance(v, sp.Integer) for v in (item.flops_per_s, item.hbm_bytes_per_s, item.hbm_bytes))


@pytest.mark.parametrize("constant, ridge", [
    ("H100_SXM", 295),  # the lecture: 989e12 / 3.35e12 ≈ 295
    ("TPU_V5E", 241),  # 197e12 / 819e9 ≈ 240.5 ("ridge ≈ 240" in the reference table)
    ("A100_40GB", 201),  # 312e12 / 1.555e12 ≈ 200.6 (208 only with the rounded 1.5e12)
    ("H100_NVL", 214),  # 835e12 / 3.9e12 ≈ 214.1: the NVL's bandwidth is not the lecture's
])
def test_rounded_ridge(constant, ridge):
    assert round(getattr(hardware, constant).ridge) == ridge


@pytest.mark.parametrize("item", ACCELERATORS, ids=lambda a: a.name)
def test_every_accelerator_has_a_source_and_a_variant_name(item):
    assert item.source.startswith("https://")
    assert item.name != "H100" and item.name.strip() == item.name


@pytest.mark.parametrize("item", ACCELERATORS, ids=lambda a: a.name)
def test_lookup_by_constant_and_full_name(item):
    constant = next(key for key, value in vars(hardware).items() if value is item)
    assert hardware.accelerator(constant) is item
    assert hardware.accelerator(item.name) is item


@pytest.mark.parametrize("name", [
    "H100 NVL 94GB",  # the full name without the vendor prefix
    "NVIDIA H100 NVL",
    "nvidia h100 sxm 80gb",
    "H200",
    "MI300X ",
    "TPU v5e",
    "A100",
])
def test_near_miss_names_raise(name):
    with pytest.raises(ValueError, match=r"accelerator .* is unknown"):
        hardware.accelerator(name)


def test_accelerator_table_lists_every_part_in_both_languages():
    for lang in ("en", "zh"):
        table = hardware.accelerator_table(lang)
        for item in ACCELERATORS:
            assert item.name in table and item.source in table
