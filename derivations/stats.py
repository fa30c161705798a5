"""Memory, latency and throughput of decoding (lecture 10, `compute_transformer_stats`).

The lecture's model of one generation step: every weight and every sequence's
KV cache is read from HBM once per step, compute and memory traffic overlap
perfectly, and nothing else costs time. Then

    latency = memory bytes / bandwidth,    throughput = B / latency.

The formulas are written once, in symbols (`formulas()`); `decode()` evaluates
them for a model and an accelerator, exactly.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import sympy as sp

from .catalog import hardware, models

from .core import render

from . import symbols
from .core.cache import derived
from .core.claims import Claim, Claims
from .core.i18n import check_lang, message, term, text
from .catalog.hardware import H100_SXM, Accelerator
from .catalog.models import LLAMA2_13B, MODELS, Model
from .symbols import B, D, F, H, K, L, N, S, V, bandwidth, dtype_bytes
from .core.validate import positive, positive_int

LECTURE_SEQ_LEN = 1024  # the lecture's S for Llama 2 13B
LECTURE_BATCHES = (1, 64, 256)


@dataclass(frozen=True)
class Formulas(render.Published):
    """The lecture's decode model in symbols."""

    num_params: sp.Expr
    param_bytes_total: sp.Expr
    kv_bytes_per_seq: sp.Expr
    memory_bytes: sp.Expr
    latency_s: sp.Expr
    throughput: sp.Expr
    throughput_limit: sp.Expr  # as B -> oo

    def to_markdown(self, lang: str) -> str:
        return render.equations([
            (r"P", self.num_params),
            (r"\text{param bytes}", self.param_bytes_total),
            (r"\text{KV bytes per sequence}", self.kv_bytes_per_seq),
            (r"\text{memory}", self.memory_bytes),
            (r"\text{latency}", self.latency_s),
            (r"\text{throughput}", self.throughput),
            (r"\lim_{B \to \infty} \text{throughput}", self.throughput_limit),
        ])


@derived
def formulas() -> Formulas:
    """The decode model with every size left symbolic.

    Examples:
        >>> formulas().kv_bytes_per_seq
        2*H*K*L*S*b_kv
        >>> formulas().throughput_limit
        beta/(2*H*K*L*S*b_kv)
    """
    embeddings = 2 * V * D  # input embedding and output projection, untied
    mlp = 3 * D * F * L  # up, gate and down projections
    attention = (2 * D * N * H + 2 * D * K * H) * L  # Wq and Wo; Wk and Wv
    num_params = embeddings + mlp + attention
    params_total = symbols.param_bytes * symbols.params  # P is num_params
    # a key and a value per token, KV head and layer
    kv_per_seq = symbols.kv_bytes * 2 * S * K * H * L
    memory = B * kv_per_seq + params_total
    latency = memory / bandwidth
    throughput = B / latency
    return Formulas(
        num_params=num_params,
        param_bytes_total=params_total,
        kv_bytes_per_seq=kv_per_seq,
        memory_bytes=memory,
        latency_s=latency,
        throughput=throughput,
        throughput_limit=sp.limit(throughput, B, sp.oo),
    )


def _bytes_per_value(name: str, value) -> sp.Expr:
    if not isinstance(value, str):
        return positive(name, value)
    try:
        return dtype_bytes(value)
    except ValueError as error:
        raise ValueError(f"{name}: {error}") from None


@dataclass(frozen=True)
class DecodeStats:
    """One decoding step of `model` on `chips` accelerators, all values exact."""

    model: Model
    accelerator: Accelerator
    batch: int
    seq_len: int
    chips: int
    num_params: sp.Integer
    param_bytes_total: sp.Rational
    kv_bytes_per_seq: sp.Rational
    memory_bytes: sp.Rational
    capacity_bytes: sp.Integer
    latency_s: sp.Rational
    throughput: sp.Rational  # tokens per second
    fits: bool


@derived
def decode(model, accelerator, batch, seq_len, chips=1, param_bytes=2,
           kv_bytes=2) -> DecodeStats:
    """The lecture's memory, latency and throughput for one decoding step.

    `model` and `accelerator` are constants (or their names); `chips`
    accelerators hold the model together, so bandwidth and capacity scale.
    `param_bytes` and `kv_bytes` are bytes per value or a dtype name ("int8").

    Examples:
        >>> from derivations.models import LLAMA2_13B
        >>> from derivations.hardware import H100_SXM
        >>> decode(LLAMA2_13B, H100_SXM, batch=256, seq_len=1024).fits
        False
    """
    shape, device = models.model(model), hardware.accelerator(accelerator)
    values = _values(shape, device, batch, seq_len, chips, param_bytes,
                     kv_bytes)
    symbolic = formulas()
    memory = symbolic.memory_bytes.subs(values)
    capacity = int(chips) * device.hbm_bytes
    return DecodeStats(
        model=shape,
        accelerator=device,
        batch=int(values[B]),
        seq_len=int(values[S]),
        chips=int(chips),
        num_params=symbolic.num_params.subs(values),
        param_bytes_total=symbolic.param_bytes_total.subs(values),
        kv_bytes_per_seq=symbolic.kv_bytes_per_seq.subs(values),
        memory_bytes=memory,
        capacity_bytes=capacity,
        latency_s=symbolic.latency_s.subs(values),
        throughput=symbolic.throughput.subs(values),
        fits=bool(memory <= capacity),
    )


def _values(shape: Model, device: Accelerator, batch, seq_len, chips, param_bytes, kv_bytes) -> dict:
    """Every symbol of `formulas()` mapped to a checked, exact value."""
    return {
        **shape.values(),
        B: _whole("batch", batch),
        S: _whole("seq_len", seq_len),
        bandwidth: _whole("chips", chips) * device.hbm_bytes_per_s,
        symbols.params: formulas().num_params.subs(shape.values()),
        symbols.param_bytes: _bytes_per_value("param_bytes", param_bytes),
        symbols.kv_bytes: _bytes_per_value("kv_bytes", kv_bytes),
    }


def _whole(name: str, value) -> sp.Integer:
    checked = positive_int(name, value)
    if not checked.is_number:
        raise ValueError(f"{name} must be a number, got {value}")
    return checked


@derived
def max_batch(model, accelerator, seq_len, chips=1, param_bytes=2, kv_bytes=2) -> int:
    """The largest batch whose weights and KV caches fit in the chips' HBM (0 if none).

    Examples:
        >>> from derivations.models import LLAMA2_13B
        >>> from derivations.hardware import H100_SXM
        >>> max_batch(LLAMA2_13B, H100_SXM, seq_len=1024)
        64
    """
    one = decode(model, accelerator, 1, seq_len, chips, param_bytes, kv_bytes)
    room = one.capacity_bytes - one.param_bytes_total
    return max(int(sp.floor(room / one.kv_bytes_per_seq)), 0)


@dataclass(frozen=True)
class ThroughputCeiling(render.Published):
    symbolic: sp.Expr
    value: sp.Rational  # tokens/s

    def to_markdown(self, lang: str) -> str:
        return render.equations([
            (r"\lim_{B \to \infty} \text{throughput}", self.symbolic),
            ("", rf"{render.decimal(self.value)}\ \text{{tokens/s}}"),
        ])


@derived
def throughput_limit(model=LLAMA2_13B, accelerator=H100_SXM, seq_len=LECTURE_SEQ_LEN, chips=1,
                     kv_bytes=2) -> ThroughputCeiling:
    """Tokens/s as the batch grows without bound: bandwidth over one sequence's KV bytes.

    Examples:
        >>> round(throughput_limit().value)
        3994
    """
    values = _values(models.model(model), hardware.accelerator(accelerator), 1, seq_len, chips, 2, kv_bytes)
    symbolic = formulas().throughput_limit
    return ThroughputCeiling(symbolic, symbolic.subs(values))


# ---- what the pages print ---------------------------------------------------------------

def _gb(value) -> str:
    return f"${render.decimal(sp.Rational(value) / 10**9, 4)}$"


def _row(stats: DecodeStats, lang: str, *first: str) -> list[str]:
    return [
        *first,
        f"${stats.batch}$",
        _gb(stats.memory_bytes),
        f"${render.decimal(stats.latency_s * 1000, 4)}$",
        f"${render.decimal(stats.throughput, 4)}$",
        message("yes" if stats.fits else "no", lang),
    ]


def _header(lang: str, *first: str) -> list[str]:
    return [*(text(key, lang) for key in first),
            "$B$", message("memory_gb", lang), message("latency_ms", lang), message("tokens_per_s", lang), message("fits", lang)]


@dataclass(frozen=True)
class StatsTable(render.Published):
    header_keys: tuple[str, ...]
    rows: tuple[tuple[tuple[str, ...], DecodeStats], ...]

    def to_markdown(self, lang: str) -> str:
        check_lang(lang)
        return render.table(_header(lang, *self.header_keys), (_row(stats, lang, *first) for first, stats in self.rows))


@derived
def lecture_table(model=LLAMA2_13B, accelerator=H100_SXM, seq_len=LECTURE_SEQ_LEN,
                  batches=LECTURE_BATCHES) -> StatsTable:
    """The lecture's evaluation: one model, one accelerator, several batch sizes."""
    return StatsTable((), tuple(((), decode(model, accelerator, b, seq_len)) for b in batches))


@derived
def gqa_table(model=LLAMA2_13B, accelerator=H100_SXM, seq_len=LECTURE_SEQ_LEN,
              kv_heads=8, batches=(64, 256)) -> StatsTable:
    """The lecture's GQA demo: the same model with fewer KV heads (a hypothetical 1:5 grouping)."""
    grouped = dataclasses.replace(model, K=kv_heads)
    rows = [((f"$K = {model.K}$",), decode(model, accelerator, batches[0], seq_len))]
    rows += [((f"$K = {kv_heads}$",), decode(grouped, accelerator, b, seq_len)) for b in batches]
    return StatsTable(("kv_heads",), tuple(rows))


@dataclass(frozen=True)
class ParamCounts(render.Published):
    rows: tuple[tuple[Model, sp.Integer, sp.Integer], ...]  # model, formula, formula + norms

    def to_markdown(self, lang: str) -> str:
        header = [text(key, lang) for key in ("model", "formula_params", "norm_params", "published_params")]
        return render.table(header, (
            [m.name, f"${render.integer(formula)}$", f"${render.integer(norms)}$",
             f"[${render.integer(m.published_params)}$]({m.source})"]
            for m, formula, norms in self.rows
        ))


def norm_weights(model: Model) -> int:
    """RMSNorm weights the lecture's count leaves out: two per layer and one final, D each."""
    return (2 * model.L + 1) * model.D


@derived
def param_counts(models=MODELS) -> ParamCounts:
    """The lecture's parameter count next to the published one; the gap is the norms."""
    rows = []
    for m in models:
        formula = formulas().num_params.subs(m.values())
        rows.append((m, formula, formula + norm_weights(m)))
    return ParamCounts(tuple(rows))


@dataclass(frozen=True)
class ParamChange(render.Published):
    before: sp.Integer
    after: sp.Integer
    kv_heads: tuple[int, int]

    @property
    def fraction(self) -> sp.Rational:
        return (self.before - self.after) / self.before

    def to_markdown(self, lang: str) -> str:
        old, new = self.kv_heads
        return render.equations([(
            rf"\frac{{\text{{params}}_{{K={old}}} - \text{{params}}_{{K={new}}}}}{{\text{{params}}_{{K={old}}}}}",
            rf"\frac{{{render.integer(self.before)} - {render.integer(self.after)}}}{{{render.integer(self.before)}}}"
            rf" \approx {render.decimal(self.fraction * 100, 3)}\,\%",
        )])


@derived
def gqa_param_change(model=LLAMA2_13B, kv_heads=8) -> ParamChange:
    """How many parameters K = kv_heads removes: num_params contains K (W_k and W_v)."""
    grouped = dataclasses.replace(model, K=kv_heads)
    count = formulas().num_params
    return ParamChange(count.subs(model.values()), count.subs(grouped.values()), (model.K, grouped.K))


@derived
def lecture_claims() -> Claims:
    """What the lecture asserts about Llama 2 13B on an H100 SXM, checked."""
    small, mid, large = (decode(LLAMA2_13B, H100_SXM, b, LECTURE_SEQ_LEN) for b in LECTURE_BATCHES)
    grouped = dataclasses.replace(LLAMA2_13B, K=8)
    grouped_large = decode(grouped, H100_SXM, 256, LECTURE_SEQ_LEN)
    return Claims((
        Claim(("$B = 256$ does not fit in 80 GB of HBM", "$B = 256$时80 GB的HBM放不下"),
              large.memory_bytes, ">", large.capacity_bytes, r"\text{memory}"),
        Claim(("$B = 64$ fits", "$B = 64$时放得下"), mid.memory_bytes, "<", mid.capacity_bytes, r"\text{memory}"),
        Claim(("Larger batch: higher latency", "批越大，时延越高"), mid.latency_s, ">", small.latency_s,
              r"\text{latency}_{64}"),
        Claim(("Larger batch: higher throughput", "批越大，吞吐量越高"), mid.throughput, ">", small.throughput,
              r"\text{throughput}_{64}"),
        Claim(("With $K = 8$, $B = 256$ fits", "$K = 8$时$B = 256$放得下"),
              grouped_large.memory_bytes, "<", grouped_large.capacity_bytes, r"\text{memory}"),
        Claim(("The published count is the formula plus $(2L + 1) D$ norm weights",
               "公开参数量等于公式值加上$(2L + 1) D$个归一化权重"),
              sp.Integer(LLAMA2_13B.published_params) - formulas().num_params.subs(LLAMA2_13B.values()),
              "==", ((2 * L + 1) * D).subs(LLAMA2_13B.values()), r"\text{published} - \text{params}"),
    ))


@dataclass(frozen=True)
class QuantizationTable(render.Published):
    rows: tuple[tuple[str, str, DecodeStats, int], ...]  # weight dtype, KV dtype, stats, max batch

    def to_markdown(self, lang: str) -> str:
        header = [term("weights", lang), term("kv_cache", lang), message("param_gb", lang),
                  message("kv_gb", lang), message("latency_ms", lang), message("tokens_per_s", lang), term("max_batch", lang)]
        return render.table(header, (
            [f"`{w}`", f"`{kv}`", _gb(s.param_bytes_total), _gb(s.batch * s.kv_bytes_per_seq),
             f"${render.decimal(s.latency_s * 1000, 4)}$", f"${render.decimal(s.throughput, 4)}$", f"${biggest}$"]
            for w, kv, s, biggest in self.rows
        ))


@derived
def quantization_table(model=LLAMA2_13B, accelerator=H100_SXM, batch=64, seq_len=LECTURE_SEQ_LEN,
                       pairs=(("bf16", "bf16"), ("int8", "bf16"), ("int8", "int8"), ("int4", "int8"),
                              ("int4", "int4"))) -> QuantizationTable:
    """What narrower weights and KV values do to one decoding step and to the largest batch."""
    return QuantizationTable(tuple(
        (w, kv, decode(model, accelerator, batch, seq_len, 1, w, kv), max_batch(model, accelerator, seq_len, 1, w, kv))
        for w, kv in pairs
    ))


@dataclass(frozen=True)
class MaxBatchTable(render.Published):
    models: tuple[Model, ...]
    seq_lens: tuple[int, ...]
    batches: tuple[tuple[int, ...], ...]  # one row per model

    def to_markdown(self, lang: str) -> str:
        header = [term("model", lang), *(f"$S = {render.integer(s)}$" for s in self.seq_lens)]
        return render.table(header, (
            [f"{m.name}, $K = {m.K}$", *(f"${b}$" for b in row)] for m, row in zip(self.models, self.batches)
        ))


@derived
def max_batch_table(model=LLAMA2_13B, accelerator=H100_SXM, kv_heads=(40, 8, 1),
                    seq_lens=(512, 1024, 2048, 4096, 8192)) -> MaxBatchTable:
    """The largest batch that fits, by context length, for several KV head counts."""
    variants = tuple(dataclasses.replace(model, K=k) for k in kv_heads)
    return MaxBatchTable(variants, tuple(seq_lens),
                         tuple(tuple(max_batch(m, accelerator, s) for s in seq_lens) for m in variants))
