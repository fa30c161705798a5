"""Arithmetic intensity of the operations in Transformer inference (lecture 10).

Intensity is FLOPs per byte moved to or from HBM. Each function returns exact
SymPy expressions in the lecture's letters; bf16 (2 bytes per value) unless told.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .core import render
from .core.cache import derived
from .core.claims import Claim, Claims
from .core.i18n import check_lang, message, term
from .catalog.hardware import H100_SXM
from .symbols import B, D, F, G, S, T, c
from .core.validate import positive, positive_int


def _ratio(flops: sp.Expr, bytes_moved: sp.Expr) -> sp.Expr:
    return sp.factor(sp.cancel(flops / bytes_moved))


@dataclass(frozen=True)
class MatmulIntensity(render.Published):
    flops: sp.Expr
    bytes: sp.Expr
    intensity: sp.Expr
    limit: sp.Expr  # intensity as D = F = c·B, c -> oo

    def to_markdown(self, lang: str) -> str:
        return render.equations([
            (r"\text{FLOPs}", self.flops),
            (r"\text{bytes}", self.bytes),
            (r"I = \frac{\text{FLOPs}}{\text{bytes}}", self.intensity),
            (r"\lim_{c \to \infty} I\,\big|_{D = F = cB}", self.limit),
        ])


@dataclass(frozen=True)
class MLPIntensity(render.Published):
    flops: sp.Expr
    bytes: sp.Expr
    intensity: sp.Expr
    limit: sp.Expr  # intensity as D = F = c·B·T, c -> oo
    generate_limit: sp.Expr  # the same limit at T = 1

    def to_markdown(self, lang: str) -> str:
        return render.equations([
            (r"\text{FLOPs}", self.flops),
            (r"\text{bytes}", self.bytes),
            (r"I", self.intensity),
            (r"\lim_{c \to \infty} I\,\big|_{D = F = cBT}", self.limit),
            (r"\lim_{c \to \infty} I\,\big|_{D = F = cB,\ T = 1}", self.generate_limit),
        ])


@dataclass(frozen=True)
class AttentionIntensity(render.Published):
    group_size: sp.Expr
    flops: sp.Expr
    bytes: sp.Expr
    intensity: sp.Expr
    prefill: sp.Expr  # T = S
    generate: sp.Expr  # T = 1
    generate_limit: sp.Expr  # T = 1, S -> oo

    def to_markdown(self, lang: str) -> str:
        return render.equations([
            (r"\text{FLOPs}", self.flops),
            (r"\text{bytes}", self.bytes),
            (r"I", self.intensity),
            (r"I_{\text{prefill}} = I\,\big|_{T = S}", self.prefill),
            (r"I_{\text{generate}} = I\,\big|_{T = 1}", self.generate),
            (r"\lim_{S \to \infty} I_{\text{generate}}", self.generate_limit),
        ])


@derived
def matmul(bytes_per_value=2) -> MatmulIntensity:
    """X (B×D) @ W (D×F) = Y (B×F): read X and W, write Y.

    Examples:
        >>> matmul().intensity
        B*D*F/(B*D + B*F + D*F)
        >>> matmul().limit
        B
    """
    size = positive("bytes_per_value", bytes_per_value)
    flops = 2 * B * D * F  # one multiply and one add per (b, d, f)
    bytes_moved = size * (B * D + D * F + B * F)
    intensity = _ratio(flops, bytes_moved)
    limit = sp.limit(intensity.subs({D: c * B, F: c * B}), c, sp.oo)
    return MatmulIntensity(flops, bytes_moved, intensity, limit)


@derived
def mlp(bytes_per_value=2, reread_intermediates=False) -> MLPIntensity:
    """Gated MLP on B·T tokens: up = X·Wup, gate = X·Wgate,
    Y = (act(gate)·up)·Wdown.

    Counts the three matmuls as the lecture does: read X and the three
    weights (D·F values each), write up, gate and Y. The lecture does not
    count reading up and gate back for the elementwise product;
    `reread_intermediates=True` adds those reads.

    Examples:
        >>> mlp().flops
        6*B*D*F*T
        >>> mlp().limit
        B*T
    """
    size = positive("bytes_per_value", bytes_per_value)
    tokens = B * T
    flops = 3 * 2 * tokens * D * F
    values = tokens * D + 3 * D * F + 2 * tokens * F + tokens * D
    if reread_intermediates:
        values += 2 * tokens * F
    bytes_moved = sp.expand(size * values)
    intensity = _ratio(flops, bytes_moved)
    large = intensity.subs({D: c * tokens, F: c * tokens})
    limit = sp.factor(sp.limit(large, c, sp.oo))
    return MLPIntensity(flops, bytes_moved, intensity, limit, limit.subs(T, 1))


@derived
def attention(group_size=1, bytes_per_value=2) -> AttentionIntensity:
    """Attention with FlashAttention: Q (B×T×D) against K, V (B×S×D/G each).

    FLOPs are Q·Kᵀ plus softmax(A)·V, 2·B·S·T·D each. Bytes read Q and K, V
    and write the output; with `group_size` G query heads per KV head (GQA),
    K and V are G times smaller. G = 1 is the lecture's multi-head attention.

    Examples:
        >>> attention().intensity
        S*T/(S + T)
        >>> attention().generate_limit
        1
        >>> attention(group_size=8).generate_limit
        8
    """
    group = positive_int("group_size", group_size)
    size = positive("bytes_per_value", bytes_per_value)
    flops = 2 * B * S * T * D + 2 * B * S * T * D  # Q·Kᵀ, then softmax(A)·V
    kv_values = 2 * B * S * D / group  # K and V
    # read Q, K and V; write the output
    bytes_moved = size * (B * T * D + kv_values + B * T * D)
    intensity = _ratio(flops, bytes_moved)
    generate = sp.factor(intensity.subs(T, 1))
    return AttentionIntensity(
        group_size=group,
        flops=flops,
        bytes=sp.factor(bytes_moved),
        intensity=intensity,
        prefill=sp.factor(intensity.subs(T, S)),
        generate=generate,
        generate_limit=sp.limit(generate, S, sp.oo),
    )


@derived
def lecture_claims() -> Claims:
    """What lecture 10 asserts about intensity, each checked against the derivations above."""
    ridge = H100_SXM.ridge
    first_compute_limited_batch = sp.floor(ridge) + 1
    mha, gqa = attention(), attention(group_size=G)
    return Claims((
        Claim(("Matmul: intensity tends to the batch size", "矩阵乘法：算术强度趋于批大小"),
              matmul().limit, "==", B, r"\lim I_{\text{matmul}}"),
        Claim(("H100 SXM accelerator intensity $\\approx 295$", "H100 SXM的加速器算术强度约为$295$"),
              sp.Integer(round(ridge)), "==", 295, r"\operatorname{round}(I^{*})"),
        Claim(("Matmul is compute-limited iff $B > 295$", "矩阵乘法当且仅当$B > 295$时计算受限"),
              first_compute_limited_batch, "==", 296, r"\min\{B \in \mathbb{N} : B > I^{*}\}"),
        Claim(("Matrix-vector ($B = 1$): intensity below 1", "矩阵-向量乘（$B = 1$）：算术强度小于1"),
              matmul().intensity.subs(B, 1), "<", 1, r"I_{\text{matmul}}\,\big\vert_{B=1}"),
        Claim(("MLP: intensity tends to $B T$", "MLP：算术强度趋于$B T$"),
              mlp().limit, "==", B * T, r"\lim I_{\text{MLP}}"),
        Claim(("MLP limit unchanged when the up and gate outputs are re-read", "计入上投影和门控输出的回读后，MLP的极限不变"),
              mlp(reread_intermediates=True).limit, "==", B * T, r"\lim I'_{\text{MLP}}"),
        Claim(("Attention intensity is $S T / (S + T)$", "注意力的算术强度为$S T / (S + T)$"),
              mha.intensity, "==", S * T / (S + T), r"I_{\text{attn}}"),
        Claim(("Attention, prefill: $S / 2$", "注意力，预填充：$S / 2$"),
              mha.prefill, "==", S / 2, r"I_{\text{prefill}}"),
        Claim(("Attention, generation: below 1", "注意力，生成：小于1"),
              mha.generate, "<", 1, r"I_{\text{generate}}"),
        Claim(("Attention intensity does not depend on $B$", "注意力的算术强度与$B$无关"),
              sp.diff(mha.intensity, B), "==", 0, r"\partial I_{\text{attn}} / \partial B"),
        Claim(("GQA, generation: tends to $G$, not 1", "GQA，生成：趋于$G$而不是1"),
              gqa.generate_limit, "==", G, r"\lim_{S\to\infty} I_{\text{generate}}"),
        Claim(("GQA, generation: still below $G$", "GQA，生成：仍小于$G$"),
              gqa.generate, "<", G, r"I_{\text{generate}}"),
    ))


@dataclass(frozen=True)
class Example:
    """One operation at concrete sizes, placed against an accelerator's ridge point."""

    label: tuple[str, str]
    limit_of: str  # LaTeX naming which expression was evaluated
    sizes: dict
    intensity: sp.Expr


@dataclass(frozen=True)
class Regimes(render.Published):
    ridge: sp.Expr
    examples: tuple[Example, ...]

    def to_markdown(self, lang: str) -> str:
        column = ("en", "zh").index(check_lang(lang))
        header = [term("operation", lang), message("sizes", lang), term("intensity", lang), term("regime", lang)]
        rows = []
        for example in self.examples:
            sizes = ",\\ ".join(f"{render.latex(symbol)} = {value}" for symbol, value in example.sizes.items())
            limited = "compute_limited" if example.intensity > self.ridge else "memory_limited"
            rows.append([
                example.label[column],
                f"${sizes}$",
                f"${example.limit_of} = {render.decimal(example.intensity)}$",
                term(limited, lang),
            ])
        return render.table(header, rows)


@derived
def regimes(accelerator=H100_SXM, batch=64, large_batch=512, context=1024, group_size=8) -> Regimes:
    """Typical inference operations evaluated at concrete sizes against `accelerator.ridge`."""
    sizes = {name: positive_int(name, value) for name, value in
             (("batch", batch), ("large_batch", large_batch), ("context", context), ("group_size", group_size))}
    mha, gqa = attention(), attention(group_size=sizes["group_size"])
    examples = (
        Example(("Matrix-vector", "矩阵-向量乘"), r"\lim I_{\text{matmul}}", {B: 1}, matmul().limit.subs(B, 1)),
        Example(("MLP, generation", "MLP，生成"), r"\lim I_{\text{MLP}}", {B: sizes["batch"], T: 1},
                mlp().limit.subs({B: sizes["batch"], T: 1})),
        Example(("MLP, generation", "MLP，生成"), r"\lim I_{\text{MLP}}", {B: sizes["large_batch"], T: 1},
                mlp().limit.subs({B: sizes["large_batch"], T: 1})),
        Example(("MLP, prefill", "MLP，预填充"), r"\lim I_{\text{MLP}}", {B: 1, T: sizes["context"]},
                mlp().limit.subs({B: 1, T: sizes["context"]})),
        Example(("Attention, prefill (MHA)", "注意力，预填充（MHA）"), r"I_{\text{attn}}", {S: sizes["context"]},
                mha.prefill.subs(S, sizes["context"])),
        Example(("Attention, generation (MHA)", "注意力，生成（MHA）"), r"I_{\text{attn}}", {S: sizes["context"]},
                mha.generate.subs(S, sizes["context"])),
        Example(("Attention, generation (GQA)", "注意力，生成（GQA）"), r"I_{\text{attn}}",
                {S: sizes["context"], G: sizes["group_size"]}, gqa.generate.subs(S, sizes["context"])),
    )
    return Regimes(accelerator.ridge, examples)
