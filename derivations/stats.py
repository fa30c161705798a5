"""Memory, latency and throughput of decoding (lecture 10, `compute_transformer_stats`).

The lecture's model of one generation step: every weight and every sequence's
KV cache is read from HBM once per step, compute and memory traffic overlap
perfectly, and nothing else costs time. Then

    latency = memory bytes / bandwidth,    throughput = B / latency.

That model counts memory only. This module keeps it, "as lectured", and adds the
second roof: one step does 2 FLOPs per parameter per sequence plus attention over the
cache, so it also takes FLOPs / peak FLOP/s, and

    step = max(memory time, compute time),    throughput = B / step.

The formulas are written once, in symbols (`formulas()`); `substitution()` maps every
symbol to a checked exact value for a model and an accelerator, and `decode()` evaluates
them. The lecture's own sizes and claims live in `derivations.lectures.lecture10`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import sympy as sp

from . import kv_cache, symbols
from .catalog import hardware, models
from .catalog.hardware import Accelerator
from .catalog.models import MODELS, Model
from .core import render
from .core.cache import derived
from .core.i18n import check_lang, message, term, text
from .core.validate import positive, positive_int
from .symbols import B, D, F, H, K, L, N, S, V, bandwidth, compute, dtype_bytes

_LECTURE_NAMES = ("LECTURE_SEQ_LEN", "LECTURE_BATCHES", "lecture_claims", "lecture_table", "gqa_table")


def __getattr__(name: str):
    """The lecture's sizes, tables and claims moved to `derivations.lectures.lecture10`;
    their old names here still import.
    """
    if name in _LECTURE_NAMES:
        from .lectures import lecture10

        return getattr(lecture10, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def parameter_count() -> sp.Expr:
    """The lecture's parameter count, the one place it is written (norm weights left out).

    Examples:
        >>> parameter_count()
        3*D*F*L + 2*D*V + L*(2*D*H*K + 2*D*H*N)
    """
    embeddings = 2 * V * D  # input embedding and output projection, untied
    mlp = 3 * D * F * L  # up, gate and down projections
    attention = (2 * D * N * H + 2 * D * K * H) * L  # Wq and Wo; Wk and Wv
    return embeddings + mlp + attention


@dataclass(frozen=True)
class Formulas(render.Published):
    """The lecture's decode model in symbols, and the compute roof beside it."""

    num_params: sp.Expr
    param_bytes_total: sp.Expr
    kv_bytes_per_seq: sp.Expr
    memory_bytes: sp.Expr
    latency_s: sp.Expr
    throughput: sp.Expr
    throughput_limit: sp.Expr  # as B -> oo
    flops_per_step: sp.Expr
    compute_s: sp.Expr
    step_s: sp.Expr
    step_throughput: sp.Expr
    balance_batch: sp.Expr  # the B at which compute time equals memory time

    def to_markdown(self, lang: str) -> str:
        """The lecture's model only; `both_roofs()` renders the step-time model."""
        word = _words(lang)
        return render.equations([
            (r"P", self.num_params),
            (word["param_bytes"], self.param_bytes_total),
            (word["kv_per_seq"], self.kv_bytes_per_seq),
            (word["memory"], self.memory_bytes),
            (word["latency"], self.latency_s),
            (word["throughput"], self.throughput),
            (rf"\lim_{{B \to \infty}} {word['throughput']}", self.throughput_limit),
        ])


def _words(lang: str) -> dict[str, str]:
    """The labels of the decode model's display math, as LaTeX text in `lang`."""
    keys = ("param_bytes", "kv_per_seq", "memory", "latency", "throughput", "flops", "compute", "step",
            "step_throughput", "balance")
    return {key: rf"\text{{{message('st_' + key, lang)}}}" for key in keys}


@dataclass(frozen=True)
class BothRoofs(render.Published):
    """The step-time model: the lecture's memory time beside the compute time."""

    formulas: Formulas

    def to_markdown(self, lang: str) -> str:
        word, f = _words(lang), self.formulas
        return render.equations([
            (word["flops"], f.flops_per_step),
            (word["compute"], f.compute_s),
            (word["step"], f.step_s),
            (word["step_throughput"], f.step_throughput),
            (rf"B^{{*}} \;({word['balance']})", f.balance_batch),
        ])


@derived
def formulas() -> Formulas:
    """The decode model with every size left symbolic.

    Examples:
        >>> formulas().kv_bytes_per_seq
        2*H*K*L*S*b_kv
        >>> formulas().throughput_limit
        beta/(2*H*K*L*S*b_kv)
        >>> formulas().flops_per_step
        B*(4*H*L*N*S + 2*P)
    """
    params_total = symbols.param_bytes * symbols.params  # P is num_params
    # a key and a value per token, KV head and layer
    kv_per_seq = kv_cache.formulas().full
    memory = B * kv_per_seq + params_total
    latency = memory / bandwidth
    throughput = B / latency
    # 2 FLOPs per parameter per sequence (a multiply and an add per
    # weight), and attention over the S cached tokens: Q·Kᵀ and
    # softmax(A)·V, 2·S·H each per query head and layer.
    flops = B * (2 * symbols.params + 4 * S * N * H * L)
    compute_s = flops / compute
    step = sp.Max(latency, compute_s)
    # compute time = memory time, solved for B: the batch shares the
    # weights' read time; per sequence, memory and compute time
    kv_time = kv_per_seq / bandwidth
    flop_time = (2 * symbols.params + 4 * S * N * H * L) / compute
    balance = (params_total / bandwidth) / (flop_time - kv_time)
    crossing = compute_s.subs(B, balance) - latency.subs(B, balance)
    assert sp.simplify(crossing) == 0
    return Formulas(
        num_params=parameter_count(),
        param_bytes_total=params_total,
        kv_bytes_per_seq=kv_per_seq,
        memory_bytes=memory,
        latency_s=latency,
        throughput=throughput,
        throughput_limit=sp.limit(throughput, B, sp.oo),
        flops_per_step=flops,
        compute_s=compute_s,
        step_s=step,
        step_throughput=B / step,
        balance_batch=balance,
    )


def both_roofs() -> BothRoofs:
    """The step-time model in symbols, for a page."""
    return BothRoofs(formulas())


def _bytes_per_value(name: str, value) -> sp.Expr:
    if not isinstance(value, str):
        return positive(name, value)
    try:
        return dtype_bytes(value)
    except ValueError as error:
        raise ValueError(f"{name}: {error}") from None


@dataclass(frozen=True)
class DecodeStats:
    """One decoding step of `model` on `chips` accelerators, all values exact.

    `latency_s` and `throughput` are the lecture's memory-only model; `compute_s` is the
    FLOP time of the step on all chips, `step_s` the larger of the two, `step_throughput`
    the batch over `step_s`, and `bound` says which roof sets the step.
    """

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
    throughput: sp.Rational  # tokens per second, memory time only (as lectured)
    fits: bool
    flops: sp.Integer = sp.Integer(0)  # FLOPs of the step
    compute_s: sp.Rational = sp.Integer(0)
    step_s: sp.Rational = sp.Integer(0)
    step_throughput: sp.Rational = sp.Integer(0)  # tokens per second, both roofs
    bound: str = "memory"  # "memory" or "compute"

    @property
    def optimism(self) -> sp.Rational:
        """How many times the memory-only throughput overstates the two-roof one."""
        return self.throughput / self.step_throughput


def substitution(*, model, accelerator, seq_len, batch=None, chips=1, param_bytes=2, kv_bytes=2) -> dict:
    """Every symbol of `formulas()` mapped to a checked, exact value (B left free if `batch` is None).

    Examples:
        >>> from derivations.catalog.models import LLAMA2_13B
        >>> from derivations.catalog.hardware import H100_SXM
        >>> values = substitution(model=LLAMA2_13B, accelerator=H100_SXM, seq_len=1024)
        >>> formulas().kv_bytes_per_seq.subs(values), B in values
        (838860800, False)
    """
    shape, device = models.model(model), hardware.accelerator(accelerator)
    count = _whole("chips", chips)
    values = {
        **shape.values(),
        S: _whole("seq_len", seq_len),
        bandwidth: count * device.hbm_bytes_per_s,
        compute: count * device.flops_per_s,
        symbols.params: parameter_count().subs(shape.values()),
        symbols.param_bytes: _bytes_per_value("param_bytes", param_bytes),
        symbols.kv_bytes: _bytes_per_value("kv_bytes", kv_bytes),
    }
    if batch is not None:
        values[B] = _whole("batch", batch)
    return values


@derived
def decode(model, accelerator, batch, seq_len, chips=1, param_bytes=2,
           kv_bytes=2) -> DecodeStats:
    """Memory, time and throughput of one decoding step: the lecture's
    memory-only model (`latency_s`, `throughput`) and the step with both
    roofs (`step_s`, `step_throughput`).

    `model` and `accelerator` are constants (or their names); `chips`
    accelerators hold the model together, so bandwidth, compute and capacity
    scale (communication between them is not modelled). `param_bytes` and
    `kv_bytes` are bytes per value or a dtype name ("int8").

    Examples:
        >>> from derivations.models import LLAMA2_13B
        >>> from derivations.hardware import H100_SXM
        >>> decode(LLAMA2_13B, H100_SXM, batch=256, seq_len=1024).fits
        False
        >>> decode(LLAMA2_13B, H100_SXM, batch=64, seq_len=1024).bound
        'memory'
    """
    shape, device = models.model(model), hardware.accelerator(accelerator)
    values = substitution(model=shape, accelerator=device,
                          batch=_whole("batch", batch), seq_len=seq_len,
                          chips=chips, param_bytes=param_bytes,
                          kv_bytes=kv_bytes)
    symbolic = formulas()
    memory = symbolic.memory_bytes.subs(values)
    capacity = int(chips) * device.hbm_bytes
    latency = symbolic.latency_s.subs(values)
    compute_s = symbolic.compute_s.subs(values)
    step = max(latency, compute_s)
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
        latency_s=latency,
        throughput=symbolic.throughput.subs(values),
        fits=bool(memory <= capacity),
        flops=symbolic.flops_per_step.subs(values),
        compute_s=compute_s,
        step_s=step,
        step_throughput=values[B] / step,
        bound="compute" if compute_s > latency else "memory",
    )


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


@derived
def balance_batch(model, accelerator, seq_len, chips=1, param_bytes=2, kv_bytes=2) -> sp.Expr:
    """The batch at which one step's compute time equals its memory time (`oo` if compute never
    catches up: each sequence's KV cache costs more time to read than its FLOPs take).

    Examples:
        >>> from derivations.models import LLAMA2_13B
        >>> from derivations.hardware import H100_SXM
        >>> balance_batch(LLAMA2_13B, H100_SXM, seq_len=1024)
        oo
        >>> int(balance_batch(models.replace(LLAMA2_13B, K=1), H100_SXM, seq_len=1024))
        390
    """
    values = substitution(model=model, accelerator=accelerator, seq_len=seq_len, chips=chips,
                          param_bytes=param_bytes, kv_bytes=kv_bytes)
    balance = formulas().balance_batch.subs(values)
    return balance if balance > 0 else sp.oo


@dataclass(frozen=True)
class ThroughputCeiling(render.Published):
    """The memory-only throughput ceiling as the batch grows: its formula and value in tokens/s."""

    symbolic: sp.Expr
    value: sp.Rational  # tokens/s

    def to_markdown(self, lang: str) -> str:
        word = _words(lang)["throughput"]
        unit = message("st_tokens_per_s_unit", lang)
        return render.equations([
            (rf"\lim_{{B \to \infty}} {word}", self.symbolic),
            ("", rf"{render.decimal(self.value)}\ \text{{{unit}}}"),
        ])


@derived
def throughput_limit(model, accelerator, seq_len, chips=1, kv_bytes=2) -> ThroughputCeiling:
    """Tokens/s as the batch grows without bound (memory only): bandwidth over one sequence's KV bytes.

    Examples:
        >>> round(throughput_limit("LLAMA2_13B", "H100_SXM", 1024).value)
        3994
    """
    values = substitution(model=model, accelerator=accelerator, seq_len=seq_len, chips=chips, kv_bytes=kv_bytes)
    symbolic = formulas().throughput_limit
    return ThroughputCeiling(symbolic, symbolic.subs(values))


# ---- what the pages print ---------------------------------------------------------------

def _gb(value) -> str:
    return f"${render.decimal(sp.Rational(value) / 10**9, 4)}$"


def _ms(value) -> str:
    return f"${render.decimal(value * 1000, 4)}$"


def _row(stats: DecodeStats, lang: str, *first: str) -> list[str]:
    return [
        *first,
        f"${stats.batch}$",
        _gb(stats.memory_bytes),
        message("yes" if stats.fits else "no", lang),
        _ms(stats.latency_s),
        _ms(stats.compute_s),
        f"${render.decimal(stats.throughput, 4)}$",
        f"${render.decimal(stats.step_throughput, 4)}$",
        term(f"{stats.bound}_limited", lang),
    ]


def _header(lang: str, *first: str) -> list[str]:
    return [*(text(key, lang) for key in first), "$B$", message("memory_gb", lang), message("fits", lang),
            message("st_memory_ms", lang), message("st_compute_ms", lang), message("st_tokens_lectured", lang),
            message("st_tokens_both", lang), message("st_bound", lang)]


@dataclass(frozen=True)
class StatsTable(render.Published):
    """Decode-step statistics, one row per configuration."""

    header_keys: tuple[str, ...]
    rows: tuple[tuple[tuple[str, ...], DecodeStats], ...]

    def to_markdown(self, lang: str) -> str:
        check_lang(lang)
        rows = [_row(stats, lang, *first) for first, stats in self.rows]
        # The throughput columns span orders of magnitude: one number style per column.
        for offset, field in ((5, "throughput"), (6, "step_throughput")):
            shown = render.column([getattr(stats, field) for _, stats in self.rows])
            for row, value in zip(rows, shown, strict=True):
                row[len(self.header_keys) + offset] = f"${value}$"
        return render.table(_header(lang, *self.header_keys), rows)


@derived
def batch_table(model, accelerator, seq_len, batches) -> StatsTable:
    """One model on one accelerator at several batch sizes."""
    return StatsTable((), tuple(((), decode(model, accelerator, b, seq_len)) for b in batches))


@derived
def kv_heads_table(model, accelerator, seq_len, kv_heads, batches) -> StatsTable:
    """The same model with `kv_heads` KV heads: its own K at the first batch, then the grouped one at each."""
    grouped = dataclasses.replace(models.model(model), K=kv_heads)
    rows = [((f"$K = {models.model(model).K}$",), decode(model, accelerator, batches[0], seq_len))]
    rows += [((f"$K = {kv_heads}$",), decode(grouped, accelerator, b, seq_len)) for b in batches]
    return StatsTable(("kv_heads",), tuple(rows))


@dataclass(frozen=True)
class ParamCounts(render.Published):
    """Each model's parameter count from the formula, with norms, and as published."""

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
        formula = parameter_count().subs(m.values())
        rows.append((m, formula, formula + norm_weights(m)))
    return ParamCounts(tuple(rows))


@dataclass(frozen=True)
class ParamChange(render.Published):
    """Parameter counts before and after changing the KV head count."""

    before: sp.Integer
    after: sp.Integer
    kv_heads: tuple[int, int]

    @property
    def fraction(self) -> sp.Rational:
        return (self.before - self.after) / self.before

    def to_markdown(self, lang: str) -> str:
        old, new = self.kv_heads
        word = message("st_params", lang)
        return render.equations([(
            rf"\frac{{\text{{{word}}}_{{K={old}}} - \text{{{word}}}_{{K={new}}}}}{{\text{{{word}}}_{{K={old}}}}}",
            rf"\frac{{{render.integer(self.before)} - {render.integer(self.after)}}}{{{render.integer(self.before)}}}"
            rf" \approx {render.decimal(self.fraction * 100, 3)}\,\%",
        )])


@derived
def gqa_param_change(model, kv_heads) -> ParamChange:
    """How many parameters K = kv_heads removes: num_params contains K (W_k and W_v)."""
    model = models.model(model)
    grouped = dataclasses.replace(model, K=kv_heads)
    count = parameter_count()
    return ParamChange(count.subs(model.values()), count.subs(grouped.values()), (model.K, grouped.K))


@dataclass(frozen=True)
class QuantizationTable(render.Published):
    """One decoding step and the largest batch for each pair of weight and KV dtypes."""

    rows: tuple[tuple[str, str, DecodeStats, int], ...]  # weight dtype, KV dtype, stats, max batch

    def to_markdown(self, lang: str) -> str:
        first = self.rows[0][2]
        conditions = message("st_conditions", lang, model=first.model.name, accelerator=first.accelerator.name,
                             batch=first.batch, seq_len=first.seq_len)
        header = [term("weights", lang), term("kv_cache", lang), message("param_gb", lang),
                  message("kv_gb", lang), message("st_memory_ms", lang), message("st_compute_ms", lang),
                  message("st_tokens_both", lang), term("max_batch", lang)]
        return f"\n{conditions}\n" + render.table(header, (
            [f"`{w}`", f"`{kv}`", _gb(s.param_bytes_total), _gb(s.batch * s.kv_bytes_per_seq),
             _ms(s.latency_s), _ms(s.compute_s), f"${render.decimal(s.step_throughput, 4)}$", f"${biggest}$"]
            for w, kv, s, biggest in self.rows
        ))


@derived
def quantization_table(model, accelerator, batch, seq_len,
                       pairs=(("bf16", "bf16"), ("int8", "bf16"), ("int8", "int8"), ("int4", "int8"),
                              ("int4", "int4"))) -> QuantizationTable:
    """What narrower weights and KV values do to one decoding step and to the largest batch."""
    return QuantizationTable(tuple(
        (w, kv, decode(model, accelerator, batch, seq_len, 1, w, kv), max_batch(model, accelerator, seq_len, 1, w, kv))
        for w, kv in pairs
    ))


@dataclass(frozen=True)
class MaxBatchTable(render.Published):
    """The largest batch that fits and its decode step, per KV-head variant and context length."""

    models: tuple[Model, ...]
    seq_lens: tuple[int, ...]
    batches: tuple[tuple[int, ...], ...]  # one row per model
    steps: tuple[tuple[DecodeStats | None, ...], ...]  # the step at that batch (None if nothing fits)

    def to_markdown(self, lang: str) -> str:
        header = [term("model", lang), *(f"$S = {render.integer(s)}$" for s in self.seq_lens)]

        def cell(batch: int, step: DecodeStats | None) -> str:
            shown = f"${render.integer(batch)}$"
            if step is not None and step.bound == "compute":
                shown += message("st_compute_note", lang, ratio=render.decimal(step.optimism, 3))
            return shown

        return render.table(header, (
            [f"{m.name}, $K = {m.K}$", *(cell(b, st) for b, st in zip(row, steps, strict=True))]
            for m, row, steps in zip(self.models, self.batches, self.steps, strict=True)
        ))


@derived
def max_batch_table(model, accelerator, kv_heads, seq_lens) -> MaxBatchTable:
    """The largest batch that fits, by context length, for several KV head counts, and whether
    compute or memory sets the step there.
    """
    variants = tuple(dataclasses.replace(models.model(model), K=k) for k in kv_heads)
    batches = tuple(tuple(max_batch(m, accelerator, s) for s in seq_lens) for m in variants)
    steps = tuple(tuple(decode(m, accelerator, b, s) if b else None for b, s in zip(row, seq_lens, strict=True))
                  for m, row in zip(variants, batches, strict=True))
    return MaxBatchTable(variants, tuple(seq_lens), batches, steps)
