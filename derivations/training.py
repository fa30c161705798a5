"""Compute of training: 6 FLOPs per parameter per token, and how long a run takes.

The letters here are the scaling-law lectures' too: $N$ parameters, $D$ training tokens,
$C$ FLOPs. They are not lecture 10's $N$ (query heads) and $D$ (model width).
"""

from __future__ import annotations

import sympy as sp

from .catalog.hardware import Accelerator
from .catalog.hardware import accelerator as accelerator_named
from .core.cache import derived
from .core.symbols import define, topic
from .core.validate import positive

TRAINING = topic("training", "Training: compute, memory and time", "训练：计算量、内存与时间")
N = define(TRAINING, "N_params", latex="N", en="number of parameters", zh="参数量")
D = define(TRAINING, "D_tokens", latex="D", en="number of training tokens", zh="训练词元数")
C = define(TRAINING, "C_flops", latex="C", en="training compute in FLOPs", zh="训练计算量（FLOPs）")
MFU = define(TRAINING, "MFU", latex=r"\mathrm{MFU}",
             en="model FLOPs utilisation: useful FLOP/s over peak FLOP/s", zh="模型算力利用率：有效FLOP/s与峰值之比")
SECONDS_PER_DAY = 24 * 60 * 60


@derived
def train_flops(params, tokens) -> sp.Expr:
    """FLOPs of training: 2 per parameter per token forward, 4 backward, so 6·N·D.

    Examples:
        >>> train_flops(70 * 10**9, 15 * 10**12)
        6300000000000000000000000
        >>> train_flops(N, D)
        6*D_tokens*N_params
        >>> train_flops(0, 1)
        Traceback (most recent call last):
        ...
        ValueError: params must be positive, got 0
    """
    return 6 * positive("params", params) * positive("tokens", tokens)


def mfu_value(mfu) -> sp.Expr:
    """`mfu` checked to lie in (0, 1].

    Examples:
        >>> mfu_value(0.5)
        1/2
        >>> mfu_value(1.5)
        Traceback (most recent call last):
        ...
        ValueError: mfu must be at most 1, got 1.5
    """
    value = positive("mfu", mfu)
    if value.is_number and value > 1:
        raise ValueError(f"mfu must be at most 1, got {mfu!r}")
    return value


@derived
def days(flops, accelerator: Accelerator | str, chips, mfu) -> sp.Expr:
    """Wall-clock days of `flops` on `chips` accelerators at their dense bf16 peak times `mfu`.

    Examples:
        >>> from derivations.catalog.hardware import H100_SXM
        >>> round(float(days(train_flops(70 * 10**9, 15 * 10**12), H100_SXM, 1024, 0.5)), 1)
        144.0
    """
    device = accelerator_named(accelerator)
    seconds = positive("flops", flops) / (device.flops_per_s * positive("chips", chips) * mfu_value(mfu))
    return seconds / SECONDS_PER_DAY
