"""Arithmetic intensity of the operations in Transformer inference (lecture 10).

Intensity is FLOPs per byte moved to or from HBM. Each function returns exact
SymPy expressions in the lecture's letters; bf16 (2 bytes per value) unless told.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .catalog.hardware import H100_SXM
from .core import render
from .core.cache import derived
from .core.i18n import check_lang, message, term
from .core.validate import positive, positive_int
from .symbols import B, D, F, G, S, T, c, param_bytes
from .symbols import intensity as intensity_symbol


def __getattr__(name: str):
    """`lecture_claims` moved to `derivations.lectures.lecture10`; the old name still imports."""
    if name == "lecture_claims":
        from .lectures import lecture10

        return lecture10.intensity_claims
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _word(key: str, lang: str) -> str:
    r"""A word of display math, `\text{…}` in the page's language."""
    return rf"\text{{{message(key, lang)}}}"


@dataclass(frozen=True)
class Ridge(render.Published):
    """The accelerator intensity (ridge point) as a display equation, exact and rounded."""

    accelerator: object

    def to_markdown(self, lang: str) -> str:
        item = self.accelerator
        return render.equations([(
            rf"I^{{*}} = \frac{{\text{{FLOP/s}}}}{{{_word('in_bytes_per_s', lang)}}}",
            rf"\frac{{{render.decimal(item.flops_per_s)}}}{{{render.decimal(item.hbm_bytes_per_s)}}}"
            rf" = {render.latex(item.ridge)} \approx {render.decimal(item.ridge)}",
        )])


def ridge(accelerator) -> Ridge:
    """The ridge point of `accelerator`, for a page in either language.

    Examples:
        >>> from derivations.catalog.hardware import H100_SXM
        >>> ridge(H100_SXM).accelerator.ridge
        19780/67
    """
    return Ridge(accelerator)


def _ratio(flops: sp.Expr, bytes_moved: sp.Expr) -> sp.Expr:
    return sp.factor(sp.cancel(flops / bytes_moved))


@dataclass(frozen=True)
class MatmulIntensity(render.Published):
    """A matmul's FLOPs, bytes moved, arithmetic intensity and its large-size limit."""

    flops: sp.Expr
    bytes: sp.Expr
    intensity: sp.Expr
    limit: sp.Expr  # intensity as D = F = c·B, c -> oo

    def to_markdown(self, lang: str) -> str:
        return render.equations([
            (r"\text{FLOPs}", self.flops),
            (_word("in_bytes", lang), self.bytes),
            (rf"I = \frac{{\text{{FLOPs}}}}{{{_word('in_bytes', lang)}}}", self.intensity),
            (r"\lim_{c \to \infty} I\,\big|_{D = F = cB}", self.limit),
        ])


@dataclass(frozen=True)
class MLPIntensity(render.Published):
    """An MLP's FLOPs, bytes moved, arithmetic intensity, its large-size limit and that limit at T = 1."""

    flops: sp.Expr
    bytes: sp.Expr
    intensity: sp.Expr
    limit: sp.Expr  # intensity as D = F = c·B·T, c -> oo
    generate_limit: sp.Expr  # the same limit at T = 1

    def to_markdown(self, lang: str) -> str:
        return render.equations([
            (r"\text{FLOPs}", self.flops),
            (_word("in_bytes", lang), self.bytes),
            (r"I", self.intensity),
            (r"\lim_{c \to \infty} I\,\big|_{D = F = cBT}", self.limit),
            (r"\lim_{c \to \infty} I\,\big|_{D = F = cB,\ T = 1}", self.generate_limit),
        ])


@dataclass(frozen=True)
class AttentionIntensity(render.Published):
    """Attention's FLOPs, bytes moved and arithmetic intensity, in general, at prefill and at generation."""

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
            (_word("in_bytes", lang), self.bytes),
            (r"I", self.intensity),
            (rf"I_{{{_word('in_prefill', lang)}}} = I\,\big|_{{T = S}}", self.prefill),
            (rf"I_{{{_word('in_generate', lang)}}} = I\,\big|_{{T = 1}}", self.generate),
            (rf"\lim_{{S \to \infty}} I_{{{_word('in_generate', lang)}}}", self.generate_limit),
        ])


@derived
def matmul(bytes_per_value=2, weight_bytes=None) -> MatmulIntensity:
    """X (B×D) @ W (D×F) = Y (B×F): read X and W, write Y.

    `bytes_per_value` is the size of X's and Y's values (the activations),
    `weight_bytes` that of W's (the same when None): int8 weights with bf16
    activations are `weight_bytes=1`.

    Examples:
        >>> matmul().intensity
        B*D*F/(B*D + B*F + D*F)
        >>> matmul().limit
        B
        >>> matmul(weight_bytes=1).limit
        2*B
    """
    size = positive("bytes_per_value", bytes_per_value)
    weight = size if weight_bytes is None else \
        positive("weight_bytes", weight_bytes)
    flops = 2 * B * D * F  # one multiply and one add per (b, d, f)
    if weight_bytes is None:
        bytes_moved = size * (B * D + D * F + B * F)
    else:
        bytes_moved = size * (B * D + B * F) + weight * D * F
    intensity = _ratio(flops, bytes_moved)
    limit = sp.limit(intensity.subs({D: c * B, F: c * B}), c, sp.oo)
    return MatmulIntensity(flops, bytes_moved, intensity, limit)


@derived
def mlp(bytes_per_value=2, reread_intermediates=False,
        weight_bytes=None) -> MLPIntensity:
    """Gated MLP on B·T tokens: up = X·Wup, gate = X·Wgate,
    Y = (act(gate)·up)·Wdown.

    Counts the three matmuls as the lecture does: read X and the three
    weights (D·F values each), write up, gate and Y. The lecture does not
    count reading up and gate back for the elementwise product;
    `reread_intermediates=True` adds those reads. `weight_bytes` is the
    size of the weights' values when it differs from `bytes_per_value`.

    Examples:
        >>> mlp().flops
        6*B*D*F*T
        >>> mlp().limit
        B*T
    """
    size = positive("bytes_per_value", bytes_per_value)
    weight = size if weight_bytes is None else \
        positive("weight_bytes", weight_bytes)
    tokens = B * T
    flops = 3 * 2 * tokens * D * F
    # read X; write up, gate and Y
    activations = tokens * D + 2 * tokens * F + tokens * D
    if reread_intermediates:
        activations += 2 * tokens * F
    bytes_moved = sp.expand(size * activations + weight * 3 * D * F)
    intensity = _ratio(flops, bytes_moved)
    large = intensity.subs({D: c * tokens, F: c * tokens})
    limit = sp.factor(sp.limit(large, c, sp.oo))
    return MLPIntensity(flops, bytes_moved, intensity, limit, limit.subs(T, 1))


@derived
def attention(group_size=1, bytes_per_value=2,
              kv_bytes=None) -> AttentionIntensity:
    """Attention with FlashAttention: Q (B×T×D) against K, V (B×S×D/G each).

    FLOPs are Q·Kᵀ plus softmax(A)·V, 2·B·S·T·D each. Bytes read Q and K, V
    and write the output; with `group_size` G query heads per KV head (GQA),
    K and V are G times smaller. G = 1 is the lecture's multi-head attention.
    `kv_bytes` is the size of the cached keys' and values' when it differs from
    the activations' `bytes_per_value` (an int8 KV cache: `kv_bytes=1`).

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
    cached = size if kv_bytes is None else positive("kv_bytes", kv_bytes)
    flops = 2 * B * S * T * D + 2 * B * S * T * D  # Q·Kᵀ, then softmax(A)·V
    kv_values = 2 * B * S * D / group  # K and V
    # read Q, K and V; write the output
    bytes_moved = size * (B * T * D + B * T * D) + cached * kv_values
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


@dataclass(frozen=True)
class CriticalBatch(render.Published):
    """The smallest batch at which a generation matmul (D, F ≫ B) becomes compute-limited."""

    accelerator: object
    weight_bytes: sp.Expr
    symbolic: sp.Expr  # B at which the limit intensity equals the ridge
    threshold: sp.Rational  # that B for this accelerator and weight size
    batch: int  # the smallest whole batch above it

    def to_markdown(self, lang: str) -> str:
        return render.equations([
            (r"\lim_{c \to \infty} I\,\big|_{D = F = cB}", matmul(weight_bytes=param_bytes).limit),
            (r"\frac{I^{*} b_w}{2}",
             rf"\frac{{{render.decimal(self.accelerator.ridge)} \times {render.latex(self.weight_bytes)}}}{{2}}"
             rf" \approx {render.decimal(self.threshold)}"),
            (r"\min\{B \in \mathbb{N} : 2B / b_w > I^{*}\}", self.batch),
        ])


@derived
def critical_batch(accelerator, weight_bytes=2) -> CriticalBatch:
    """Where generation's matmuls turn compute-limited, for weights of `weight_bytes` bytes.

    With D, F ≫ B the intensity tends to 2B / b_w whatever the activations' size (their bytes
    grow with B, the weights' with D·F), so a matmul is compute-limited once B > I*·b_w / 2.

    Examples:
        >>> from derivations.catalog.hardware import H100_SXM
        >>> critical_batch(H100_SXM).batch, critical_batch(H100_SXM, weight_bytes=1).batch
        (296, 148)
    """
    weight = positive("weight_bytes", weight_bytes)
    limit = matmul(weight_bytes=param_bytes).limit
    symbolic = sp.solve(sp.Eq(limit, intensity_symbol), B)[0]
    threshold = symbolic.subs({intensity_symbol: accelerator.ridge, param_bytes: weight})
    return CriticalBatch(accelerator, weight, symbolic, threshold, int(sp.floor(threshold)) + 1)


@dataclass(frozen=True)
class Example:
    """One operation at concrete sizes, placed against an accelerator's ridge point."""

    label: tuple[str, str]
    limit_of: str  # LaTeX naming which expression was evaluated; {op} is the operation's word
    sizes: dict
    intensity: sp.Expr
    word: str = "in_matmul"  # message key of the operation in `limit_of`


@dataclass(frozen=True)
class Regimes(render.Published):
    """Typical operations' intensities at concrete sizes, each against the accelerator's ridge point."""

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
                f"${example.limit_of.replace('{op}', _word(example.word, lang))} = "
                f"{render.decimal(example.intensity)}$",
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
        Example(("Matrix-vector", "矩阵-向量乘"), r"\lim I_{{op}}", {B: 1}, matmul().limit.subs(B, 1)),
        Example(("MLP, generation", "MLP，生成"), r"\lim I_{\mathrm{MLP}}", {B: sizes["batch"], T: 1},
                mlp().limit.subs({B: sizes["batch"], T: 1})),
        Example(("MLP, generation", "MLP，生成"), r"\lim I_{\mathrm{MLP}}", {B: sizes["large_batch"], T: 1},
                mlp().limit.subs({B: sizes["large_batch"], T: 1})),
        Example(("MLP, prefill", "MLP，预填充"), r"\lim I_{\mathrm{MLP}}", {B: 1, T: sizes["context"]},
                mlp().limit.subs({B: 1, T: sizes["context"]})),
        Example(("Attention, prefill (MHA)", "注意力，预填充（MHA）"), r"I_{{op}}", {S: sizes["context"]},
                mha.prefill.subs(S, sizes["context"]), "in_attn"),
        Example(("Attention, generation (MHA)", "注意力，生成（MHA）"), r"I_{{op}}", {S: sizes["context"]},
                mha.generate.subs(S, sizes["context"]), "in_attn"),
        Example(("Attention, generation (GQA)", "注意力，生成（GQA）"), r"I_{{op}}",
                {S: sizes["context"], G: sizes["group_size"]}, gqa.generate.subs(S, sizes["context"]), "in_attn"),
    )
    return Regimes(accelerator.ridge, examples)
