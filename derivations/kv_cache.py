"""Size of the KV cache, and what GQA, MQA, MLA, sliding windows and layer sharing do to it.

Per token, every layer caches a key and a value for each KV head: 2·K·H values.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .catalog import models as catalog_models
from .catalog.models import DEEPSEEK_V2, MODELS, MLAModel, Model
from .core import render
from .core.cache import derived
from .core.i18n import message, term
from .core.symbols import define, topic
from .core.validate import positive_int
from .intensity import attention
from .symbols import DTYPE_BYTES, H, K, L, N, S, dtype_bytes, kv_bytes

KV_CACHE = topic("kv_cache", "KV cache", "KV缓存")
window = define(KV_CACHE, "W", en="sliding-window length in tokens", zh="滑动窗口长度（词元数）")
share = define(KV_CACHE, "s", en="layers that share one KV cache (cross-layer attention)",
               zh="共用一份KV缓存的层数（跨层注意力）")
latent = define(KV_CACHE, "C", en="MLA latent width: values cached per token and layer",
                zh="MLA潜向量宽度：每词元每层缓存的值数")
rope = define(KV_CACHE, "R", en="width of MLA's decoupled RoPE key", zh="MLA解耦RoPE键的宽度")


@dataclass(frozen=True)
class CacheFormulas(render.Published):
    """KV bytes per sequence of S tokens under each scheme."""

    full: sp.Expr
    sliding_window: sp.Expr
    cross_layer: sp.Expr
    latent: sp.Expr

    def to_markdown(self, lang: str) -> str:
        return render.equations([
            (r"\text{KV}_{\text{MHA/GQA/MQA}}", self.full),
            (rf"\text{{KV}}_{{\text{{{message('kv_sliding', lang)}}}}}", self.sliding_window),
            (rf"\text{{KV}}_{{\text{{{message('kv_cross_layer', lang)}}}}}", self.cross_layer),
            (r"\text{KV}_{\text{MLA}}", self.latent),
        ])


@derived
def formulas() -> CacheFormulas:
    """KV bytes per sequence: MHA (K = N), GQA, MQA (K = 1), a window of W tokens,
    s layers sharing one cache, and MLA's latent of C + R values per token and layer.

    Examples:
        >>> formulas().sliding_window
        2*H*K*L*b_kv*Min(S, W)
    """
    full = 2 * S * K * H * L * kv_bytes
    return CacheFormulas(
        full=full,
        sliding_window=full.subs(S, sp.Min(S, window)),
        cross_layer=full.subs(L, L / share),
        latent=S * (latent + rope) * L * kv_bytes,
    )


def bytes_per_token(model: Model, dtype: str = "bf16") -> sp.Rational:
    """KV-cache bytes one token adds, over all layers.

    Examples:
        >>> from derivations.models import LLAMA2_13B
        >>> bytes_per_token(LLAMA2_13B)
        819200
    """
    if not isinstance(model, Model):
        raise ValueError(f"model must be a Model, got {model!r}")
    values = {**model.values(), S: 1, kv_bytes: dtype_bytes(dtype)}
    return formulas().full.subs(values)


@dataclass(frozen=True)
class ModelTable(render.Published):
    """The table of each model's shape and its group size G."""

    models: tuple[Model, ...]

    def to_markdown(self, lang: str) -> str:
        header = [term("model", lang), "$L$", "$D$", "$F$", "$N$", "$K$", "$H$", "$V$", "$G$"]
        return render.table(header, (
            [f"[{m.name}]({m.source})", *(f"${render.integer(getattr(m, f))}$" for f in "LDFNKHVG")]
            for m in self.models
        ))


@derived
def model_table(models=MODELS) -> ModelTable:
    """Each model's shape and its group size G."""
    return ModelTable(tuple(models))


@dataclass(frozen=True)
class CacheTable(render.Published):
    """The table of KV-cache KiB per token by dtype, and the decode attention intensity limit."""

    models: tuple[Model, ...]
    dtypes: tuple[str, ...]

    def to_markdown(self, lang: str) -> str:
        header = [term("model", lang), *(message("kv_per_token", lang).format(dtype=d) for d in self.dtypes),
                  message("decode_attention_limit", lang)]
        return render.table(header, (
            [m.name, *(f"${render.decimal(bytes_per_token(m, d) / 1024, 4)}$" for d in self.dtypes),
             f"${render.latex(attention(group_size=m.G).generate_limit)}$"]
            for m in self.models
        ))


@derived
def cache_table(models=MODELS, dtypes=("bf16", "int8", "int4")) -> CacheTable:
    """KV-cache KiB per token in several dtypes, and the decode attention intensity limit."""
    for name in dtypes:
        dtype_bytes(name)
    return CacheTable(tuple(models), tuple(dtypes))


@dataclass(frozen=True)
class Variants(render.Published):
    """KV values per token per layer under each attention scheme (MHA, GQA, MQA, MLA) for one model."""

    model: MLAModel
    rows: tuple[tuple[str, sp.Expr, sp.Integer], ...]  # scheme, its formula, values per token per layer

    def to_markdown(self, lang: str) -> str:
        header = [term("scheme", lang), message("values_per_token_layer", lang), message("kib_per_token", lang),
                  message("vs_mha", lang)]
        rows = ([name, f"${render.latex(formula)} = {render.integer(value)}$",
                 f"${render.decimal(value * self.model.L * DTYPE_BYTES['bf16'] / 1024, 4)}$",
                 f"${render.decimal(value / self.rows[0][2], 3)}$"]
                for name, formula, value in self.rows)
        shape = message("shape_of", lang).format(model=f"[{self.model.name}]({self.model.source})")
        return f"\n{shape}\n" + render.table(header, rows)


@derived
def variants(model=DEEPSEEK_V2, gqa_kv_heads=8) -> Variants:
    """KV values per token per layer for one model shape under MHA, GQA, MQA and MLA."""
    kv_heads = positive_int("gqa_kv_heads", gqa_kv_heads)
    if not kv_heads.is_number or model.N % int(kv_heads):
        raise ValueError(f"gqa_kv_heads ({gqa_kv_heads}) must be a whole number dividing N ({model.N})")
    per_layer = 2 * K * H
    shape = {N: model.N, H: model.H}
    schemes = (
        ("MHA", per_layer.subs(K, N), per_layer.subs(K, N).subs(shape)),
        ("GQA", per_layer, per_layer.subs({K: kv_heads, **shape})),
        ("MQA", per_layer.subs(K, 1), per_layer.subs(K, 1).subs(shape)),
        ("MLA", latent + rope, sp.Integer(model.latent + model.rope)),
    )
    rows = tuple((f"GQA $(K = {kv_heads})$" if name == "GQA" else name, formula, value)
                 for name, formula, value in schemes)
    return Variants(model, rows)


@dataclass(frozen=True)
class WindowRatio(render.Published):
    """The share of the full KV cache a sliding window keeps at a given context length."""

    model: Model
    window_tokens: int
    seq_len: int
    ratio: sp.Rational

    def to_markdown(self, lang: str) -> str:
        sliding, full = message("kv_sliding", lang), message("kv_full", lang)
        return render.equations([(
            rf"\frac{{\text{{KV}}_{{\text{{{sliding}}}}}}}{{\text{{KV}}_{{\text{{{full}}}}}}}"
            rf"\Big\vert_{{W = {self.window_tokens},\ S = {self.seq_len}}}",
            self.ratio,
        )])


@derived
def window_ratio(model, window_tokens, seq_len) -> WindowRatio:
    """The share of the full KV cache that a sliding window of `window_tokens` keeps at `seq_len` tokens.

    Examples:
        >>> from derivations.catalog.models import MISTRAL_7B
        >>> window_ratio(MISTRAL_7B, 4096, 32_768).ratio
        1/8
    """
    shape = catalog_models.model(model)
    width = int(positive_int("window_tokens", window_tokens))
    tokens = int(positive_int("seq_len", seq_len))
    values = {**shape.values(), window: width, kv_bytes: 2, S: tokens}
    cache = formulas()
    return WindowRatio(shape, width, tokens, sp.simplify(cache.sliding_window.subs(values) / cache.full.subs(values)))


# ---- why a KV cache exists ------------------------------------------------------------------------

step = define(KV_CACHE, "t_step", latex="t", en="tokens in the sequence at one generation step",
              zh="生成某一步时序列中已有的词元数")
generated = define(KV_CACHE, "T_gen", latex=r"T", en="tokens generated, from an empty prompt",
                   zh="从空提示开始生成的词元数")
block = define(KV_CACHE, "b_block", latex=r"b_{\mathrm{blk}}", en="tokens per PagedAttention block",
               zh="分页注意力每个块的词元数")


@dataclass(frozen=True)
class CacheFlops(render.Published):
    """Forward FLOPs of generating tokens one at a time, with and without a KV cache."""

    per_step_without: sp.Expr  # at a step with t tokens in the sequence
    per_step_with: sp.Expr
    total_without: sp.Expr  # summed over t = 1 .. T
    total_with: sp.Expr
    attention_ratio: sp.Expr  # total attention FLOPs without / with
    leading_without: sp.Expr  # highest power of T in the total
    leading_with: sp.Expr

    def to_markdown(self, lang: str) -> str:
        def label(what: str, case: str) -> str:
            return rf"\text{{{message('kv_label', lang, what=message(what, lang), case=message(case, lang))}}}"

        step_without, step_with = label("kv_per_step", "kv_without"), label("kv_per_step", "kv_with")
        total_without, total_with = label("kv_total", "kv_without"), label("kv_total", "kv_with")
        return render.equations([
            (step_without, self.per_step_without),
            (step_with, self.per_step_with),
            (rf"{total_without} = \sum_{{t=1}}^{{T}}", self.total_without),
            (rf"{total_with} = \sum_{{t=1}}^{{T}}", self.total_with),
            (total_without, rf"\Theta\!\left({render.latex(self.leading_without)}\right)"),
            (total_with, rf"\Theta\!\left({render.latex(self.leading_with)}\right)"),
            (rf"\frac{{{total_without}}}{{{total_with}}}\Big\vert_{{P = 0}}", self.attention_ratio),
        ])


@derived
def cache_flops() -> CacheFlops:
    """FLOPs per sequence of generating T tokens: each step without a cache runs the whole
    prefix of t tokens through the model again (2·P per token, and attention of t queries over
    t keys, 4·t²·N·H per layer, as the lecture counts it); with a cache it runs only the new
    token (2·P, and one query over t cached keys, 4·t·N·H per layer).

    Examples:
        >>> cache_flops().leading_without, cache_flops().leading_with
        (T_gen**3, T_gen**2)
    """
    from .symbols import params

    per_without = 2 * params * step + 4 * step**2 * N * H * L
    per_with = 2 * params + 4 * step * N * H * L
    total_without = sp.factor(sp.summation(per_without, (step, 1, generated)))
    total_with = sp.factor(sp.summation(per_with, (step, 1, generated)))
    attention_without = sp.summation(4 * step**2 * N * H * L, (step, 1, generated))
    attention_with = sp.summation(4 * step * N * H * L, (step, 1, generated))

    def leading(expression):
        return generated ** sp.degree(sp.expand(expression), generated)

    return CacheFlops(per_without, per_with, total_without, total_with,
                      sp.factor(attention_without / attention_with), leading(total_without), leading(total_with))


@dataclass(frozen=True)
class BlockWaste(render.Published):
    """PagedAttention's internal fragmentation: tokens of cache reserved but unused."""

    waste: sp.Expr  # slots allocated and unused for a sequence of S tokens
    bound: sp.Expr  # the most it can be

    def to_markdown(self, lang: str) -> str:
        unused = message("kv_unused_slots", lang)
        return render.equations([
            (rf"\text{{{unused}}}", rf"{render.latex(self.waste)} \le {render.latex(self.bound)}"),
        ])


@derived
def block_waste() -> BlockWaste:
    """Slots a sequence of S tokens leaves empty when its cache is allocated in blocks of b tokens:
    only its last block can be partly filled.

    Examples:
        >>> block_waste().waste.subs({S: 17, block: 16})
        15
    """
    waste = block * sp.ceiling(S / block) - S
    return BlockWaste(waste, block - 1)
