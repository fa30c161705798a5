"""Accelerator constants, each with its source. The one place they are typed.

Peak FLOP/s are dense bf16 (no 2:4 sparsity); bandwidth and capacity are HBM.
Name the variant: an "H100" is three different parts.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..core import i18n, render
from ..core.i18n import message, text
from ..core.validate import lookup, positive
from ..symbols import intensity

i18n.register("catalog", messages={
    'flops_per_s': ('bf16 dense FLOP/s', 'bf16稠密算力（FLOP/s）'),
    'hbm_bytes_per_s': ('HBM bandwidth (bytes/s)', 'HBM带宽（字节/秒）'),
    'hbm_bytes': ('HBM capacity (bytes)', 'HBM容量（字节）'),
    'ridge': ('Ridge point (FLOP/byte)', '屋脊点（FLOP/字节）'),
})


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

    @property
    def attainable_flops_per_s(self) -> sp.Expr:
        """The roofline: FLOP/s attainable at arithmetic intensity I, the lower of two roofs.

        Examples:
            >>> H100_SXM.attainable_flops_per_s.subs(intensity, 1)
            3350000000000
            >>> H100_SXM.attainable_flops_per_s.subs(intensity, H100_SXM.ridge) == H100_SXM.flops_per_s
            True
        """
        return sp.Min(self.flops_per_s, intensity * self.hbm_bytes_per_s)


_NVIDIA_H100 = "https://resources.nvidia.com/en-us-tensor-core/nvidia-tensor-core-gpu-datasheet"
_NVIDIA_H200 = "https://www.nvidia.com/en-us/data-center/h200/"
_NVIDIA_HGX = "https://www.nvidia.com/en-us/data-center/hgx/"
_NVIDIA_A100 = "https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/a100/pdf/nvidia-a100-datasheet-us-nvidia-1758950-r4-web.pdf"
_GOOGLE_TPU = "https://cloud.google.com/tpu/docs/"
_AMD_MI300X = "https://www.amd.com/en/products/accelerators/instinct/mi300/mi300x.html"

# NVIDIA quotes tensor-core peaks "with sparsity"; every figure here is half of that, dense.
H100_SXM = Accelerator("NVIDIA H100 SXM 80GB", 989 * 10**12, 3_350 * 10**9, 80 * 10**9, _NVIDIA_H100)
H100_PCIE = Accelerator("NVIDIA H100 PCIe 80GB", 756 * 10**12, 2_000 * 10**9, 80 * 10**9, _NVIDIA_H100)
H100_NVL = Accelerator("NVIDIA H100 NVL 94GB", 835 * 10**12, 3_900 * 10**9, 94 * 10**9, _NVIDIA_H100)
H200_SXM = Accelerator("NVIDIA H200 SXM 141GB", 989 * 10**12, 4_800 * 10**9, 141 * 10**9, _NVIDIA_H200)
# HGX B200: 4.5 PFLOP/s bf16 with sparsity, 8 TB/s and 180 GB usable HBM3e per GPU (192 GB physical).
B200 = Accelerator("NVIDIA B200 (HGX)", 2_250 * 10**12, 8_000 * 10**9, 180 * 10**9, _NVIDIA_HGX)
A100_SXM_80GB = Accelerator("NVIDIA A100 SXM 80GB", 312 * 10**12, 2_039 * 10**9, 80 * 10**9, _NVIDIA_A100)
A100_40GB = Accelerator("NVIDIA A100 40GB", 312 * 10**12, 1_555 * 10**9, 40 * 10**9, _NVIDIA_A100)
# Google's per-chip tables: v5e 197 TFLOP/s, 16 GB, 819 GB/s; v5p 459, 95 GB, 2765 GB/s; v6e 918, 32 GB, 1640 GB/s.
TPU_V5E = Accelerator("Google TPU v5e", 197 * 10**12, 819 * 10**9, 16 * 10**9, _GOOGLE_TPU + "v5e")
TPU_V5P = Accelerator("Google TPU v5p", 459 * 10**12, 2_765 * 10**9, 95 * 10**9, _GOOGLE_TPU + "v5p")
TPU_V6E = Accelerator("Google TPU v6e (Trillium)", 918 * 10**12, 1_640 * 10**9, 32 * 10**9, _GOOGLE_TPU + "v6e")
MI300X = Accelerator("AMD Instinct MI300X", 1_307_400 * 10**9, 5_300 * 10**9, 192 * 10**9, _AMD_MI300X)

ACCELERATORS: tuple[Accelerator, ...] = (
    H100_SXM, H100_PCIE, H100_NVL, H200_SXM, B200, A100_SXM_80GB, A100_40GB, TPU_V5E, TPU_V5P, TPU_V6E, MI300X,
)


def accelerator(name: str | Accelerator) -> Accelerator:
    """Look an accelerator up by its constant name or its full name (one passes through).

    Examples:
        >>> accelerator("H100_SXM").name
        'NVIDIA H100 SXM 80GB'
        >>> accelerator("H100")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: accelerator 'H100' is unknown; known: H100_SXM, H100_PCIE, H100_NVL, ...
    """
    return lookup("accelerator", name, globals(), Accelerator)


def accelerator_table(lang: str, accelerators=ACCELERATORS) -> str:
    """Peak compute, bandwidth, capacity and ridge point, each with its source."""
    header = [text(key, lang) for key in
              ("accelerator", "flops_per_s", "hbm_bytes_per_s", "hbm_bytes", "ridge", "source")]
    rows = (
        [
            item.name,
            f"${render.decimal(item.flops_per_s)}$",
            f"${render.decimal(item.hbm_bytes_per_s)}$",
            f"${render.decimal(item.hbm_bytes)}$",
            f"${render.decimal(item.ridge)}$",
            f"[{message('datasheet', lang)}]({item.source})",
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
