"""The letters of the inference lectures (lecture 10), each defined once in the registry.

Every derivation, page and test of these topics takes its symbols from here: a
`Symbol("B")` made anywhere else would be a different symbol and would never cancel.
Other topics define their own letters (`derivations.core.symbols.define`), even where they
print the same letter: lecture 9's $N$ (parameters) is not this module's $N$ (query heads).
"""

from __future__ import annotations

import sympy as sp

from .core import render
from .core.i18n import message
from .core.symbols import define, topic

INFERENCE = topic("inference", "Inference: shapes, intensity and the decode model", "推理：形状、算术强度与解码模型")
HARDWARE = topic("hardware", "Accelerators", "加速器")


def _letter(name: str, en: str, zh: str, **kwargs) -> sp.Symbol:
    return define(INFERENCE, name, en=en, zh=zh, **kwargs)


B = _letter("B", "batch size: sequences decoded together", "批大小：一起解码的序列数")
S = _letter("S", "tokens conditioned on (length of the KV cache)", "作为条件的词元数（即KV缓存的长度）")
T = _letter("T", "tokens processed in this step ($T = S$ in prefill, $T = 1$ in generation)",
            "本步处理的词元数（预填充时$T = S$，生成时$T = 1$）")
D = _letter("D", "model (residual stream) dimension, $D = N H$", "模型维度（残差流宽度），$D = N H$")
F = _letter("F", "MLP hidden dimension ($F = 4D$ in the lecture; $F \\approx 8D/3$ in gated-MLP models)",
            "MLP隐藏层维度（课上取$F = 4D$；门控MLP模型约为$8D/3$）")
N = _letter("N", "number of query heads", "查询头数")
K = _letter("K", "number of key/value heads ($K = N$ for MHA, $K = 1$ for MQA)", "KV头数（MHA时$K = N$，MQA时$K = 1$）")
H = _letter("H", "head dimension (not the hidden size)", "每个头的维度（不是隐藏层大小）")
L = _letter("L", "number of layers", "层数")
V = _letter("V", "vocabulary size", "词表大小")
G = _letter("G", "query heads per KV head, $G = N / K$", "每个KV头对应的查询头数，$G = N / K$")
c = _letter("c", "helper constant for limits ($D = cB$, $c \\to \\infty$)",
            "求极限用的辅助常数（$D = cB$，$c \\to \\infty$）")
params = _letter("P", "number of parameters", "参数量")
bandwidth = _letter("beta", "memory bandwidth available to the model (bytes/s)", "模型可用的内存带宽（字节/秒）")
compute = _letter("Pi_total", "peak FLOP/s available to the model (all its chips)",
                  "模型可用的峰值算力（全部芯片，FLOP/s）", latex=r"\Pi")
param_bytes = _letter("b_w", "bytes per weight (2 in bf16)", "每个权重的字节数（bf16为2）")
kv_bytes = _letter("b_kv", "bytes per cached key or value (2 in bf16)", "缓存中每个键或值的字节数（bf16为2）")
value_bytes = _letter("b", "bytes per value of a matmul's inputs and output", "矩阵乘法输入与输出中每个值的字节数")
intensity = define(HARDWARE, "I", en="arithmetic intensity: FLOPs per byte moved to or from HBM",
                   zh="算术强度：每在HBM读写一个字节所做的浮点运算次数")
# Accelerators as the calculators see them: per-chip peaks, and how many chips hold the model.
chips = define(HARDWARE, "n_chips", en="accelerators holding the model together", zh="共同承载模型的加速器数量")
peak_flops = define(HARDWARE, "pi", en="peak FLOP/s of one accelerator", zh="单个加速器的峰值算力（FLOP/s）")
chip_bandwidth = define(HARDWARE, "beta_chip",
                        en="HBM bandwidth of one accelerator (bytes/s), $\\beta = n_{chips} \\beta_{chip}$",
                        zh="单个加速器的HBM带宽（字节/秒），$\\beta = n_{chips} \\beta_{chip}$")
chip_capacity = define(HARDWARE, "M_chip", en="HBM capacity of one accelerator (bytes)",
                       zh="单个加速器的HBM容量（字节）")

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


def dtype_table(lang: str) -> str:
    """Bytes per value of each dtype, from `DTYPE_BYTES`."""
    rows = ([f"`{name}`", render.math(size)] for name, size in DTYPE_BYTES.items())
    return render.table([message("dtype", lang), message("bytes_per_value", lang)], rows)
