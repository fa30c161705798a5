"""The lecture's letters, defined once, all positive, with their meanings.

Every derivation, page and test takes its symbols from here: a `Symbol("B")`
made anywhere else would be a different symbol and would never cancel.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from . import render
from .glossary import LANGS, check_lang, term

B, S, T, D, F, N, K, H, L, V, G = sp.symbols("B S T D F N K H L V G", positive=True)
c = sp.Symbol("c", positive=True)  # helper constant for limits: D = c*B, c -> oo
# Memory model of decoding (lecture 10, "throughput and latency").
bandwidth = sp.Symbol("beta", positive=True)  # HBM bytes/s available to the model
param_bytes = sp.Symbol("b_w", positive=True)  # bytes per weight
kv_bytes = sp.Symbol("b_kv", positive=True)  # bytes per cached key or value
params = sp.Symbol("P", positive=True)  # number of parameters
intensity = sp.Symbol("I", positive=True)  # arithmetic intensity, FLOPs per byte (the roofline's axis)
# Accelerators as the calculators see them: per-chip peaks, and how many chips hold the model.
chips = sp.Symbol("n_chips", positive=True)  # accelerators holding the model together
peak_flops = sp.Symbol("pi", positive=True)  # peak FLOP/s of one chip (pi in the roofline model)
chip_bandwidth = sp.Symbol("beta_chip", positive=True)  # HBM bytes/s of one chip
chip_capacity = sp.Symbol("M_chip", positive=True)  # HBM bytes of one chip
value_bytes = sp.Symbol("b", positive=True)  # bytes per value of a matmul's inputs and output


@dataclass(frozen=True)
class Notation:
    symbol: sp.Symbol
    en: str
    zh: str


NOTATION: tuple[Notation, ...] = (
    Notation(B, "batch size: sequences decoded together", "批大小：一起解码的序列数"),
    Notation(S, "tokens conditioned on (length of the KV cache)", "作为条件的词元数（即KV缓存的长度）"),
    Notation(T, "tokens processed in this step ($T = S$ in prefill, $T = 1$ in generation)",
             "本步处理的词元数（预填充时$T = S$，生成时$T = 1$）"),
    Notation(D, "model (residual stream) dimension, $D = N H$", "模型维度（残差流宽度），$D = N H$"),
    Notation(F, "MLP hidden dimension ($F = 4D$ in the lecture)", "MLP隐藏层维度（课上取$F = 4D$）"),
    Notation(N, "number of query heads", "查询头数"),
    Notation(K, "number of key/value heads ($K = N$ for MHA, $K = 1$ for MQA)", "键值头数（MHA时$K = N$，MQA时$K = 1$）"),
    Notation(H, "head dimension (not the hidden size)", "每个头的维度（不是隐藏层大小）"),
    Notation(L, "number of layers", "层数"),
    Notation(V, "vocabulary size", "词表大小"),
    Notation(G, "query heads per KV head, $G = N / K$", "每个KV头对应的查询头数，$G = N / K$"),
    Notation(c, "helper constant for limits ($D = cB$, $c \\to \\infty$)", "求极限用的辅助常数（$D = cB$，$c \\to \\infty$）"),
    Notation(params, "number of parameters", "参数量"),
    Notation(intensity, "arithmetic intensity: FLOPs per byte moved to or from HBM",
             "算术强度：每在HBM读写一个字节所做的浮点运算次数"),
    Notation(bandwidth, "memory bandwidth available to the model (bytes/s)", "模型可用的内存带宽（字节/秒）"),
    Notation(param_bytes, "bytes per weight (2 in bf16)", "每个权重的字节数（bf16为2）"),
    Notation(kv_bytes, "bytes per cached key or value (2 in bf16)", "缓存中每个键或值的字节数（bf16为2）"),
    Notation(value_bytes, "bytes per value of a matmul's inputs and output", "矩阵乘法输入与输出中每个值的字节数"),
    Notation(chips, "accelerators holding the model together", "共同承载模型的加速器数量"),
    Notation(peak_flops, "peak FLOP/s of one accelerator", "单个加速器的峰值算力（FLOP/s）"),
    Notation(chip_bandwidth, "HBM bandwidth of one accelerator (bytes/s), $\\beta = n_{chips} \\beta_{chip}$",
             "单个加速器的HBM带宽（字节/秒），$\\beta = n_{chips} \\beta_{chip}$"),
    Notation(chip_capacity, "HBM capacity of one accelerator (bytes)", "单个加速器的HBM容量（字节）"),
)

# Bytes per stored value. Definitions, not derivations.
DTYPE_BYTES: dict[str, sp.Rational] = {
    "fp32": sp.Integer(4),
    "bf16": sp.Integer(2),
    "fp16": sp.Integer(2),
    "fp8": sp.Integer(1),
    "int8": sp.Integer(1),
    "int4": sp.Rational(1, 2),
}


def dtype_bytes(name: str) -> sp.Rational:
    """Bytes per value of a dtype, exactly.

    Examples:
        >>> dtype_bytes("int4")
        1/2
        >>> dtype_bytes("fp64")
        Traceback (most recent call last):
        ...
        ValueError: dtype must be one of fp32, bf16, fp16, fp8, int8, int4; got 'fp64'
    """
    try:
        return DTYPE_BYTES[name]
    except (KeyError, TypeError):
        raise ValueError(f"dtype must be one of {', '.join(DTYPE_BYTES)}; got {name!r}") from None


def notation_table(lang: str = "en", only: str | None = None) -> str:
    """The table of symbols from `NOTATION`; `only` lists the names to keep, e.g. "B S T".

    Examples:
        >>> print(notation_table("en", only="B"))
        <BLANKLINE>
        | Symbol | Meaning |
        |---|---|
        | $B$ | batch size: sequences decoded together |
        <BLANKLINE>
    """
    column = LANGS.index(check_lang(lang))
    names = set(only.split()) if only else {item.symbol.name for item in NOTATION}
    unknown = names - {item.symbol.name for item in NOTATION}
    if unknown:
        raise ValueError(f"only names unknown symbols: {', '.join(sorted(unknown))}")
    rows = ([render.math(item.symbol), (item.en, item.zh)[column]] for item in NOTATION if item.symbol.name in names)
    return render.table([term("symbol", lang), term("meaning", lang)], rows)


def dtype_table(lang: str = "en") -> str:
    """Bytes per value of each dtype, from `DTYPE_BYTES`."""
    rows = ([f"`{name}`", render.math(size)] for name, size in DTYPE_BYTES.items())
    return render.table([term("dtype", lang), term("bytes_per_value", lang)], rows)
