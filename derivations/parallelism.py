r"""Parallel training: ZeRO memory and traffic, pipeline bubbles, activation memory, time to train.

Letters follow the papers the lectures take them from: $N$ parameters (the ZeRO paper's
$\Psi$; the same symbol as the scaling lectures'), $K$ optimizer bytes per parameter and
$N_d$ data-parallel devices (ZeRO); $p$ pipeline stages, $m$ micro-batches and $v$ model
chunks per device (Megatron-LM, Narayanan et al. 2021); $s, b, h, a, t, l, V$ for sequence
length, micro-batch, hidden size, heads, tensor-parallel size, layers and vocabulary
(Korthikanti et al. 2022). Parameters and gradients are 2 bytes (mixed precision).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from . import collectives
from .catalog.hardware import Accelerator
from .catalog.hardware import accelerator as accelerator_named
from .catalog.interconnects import Interconnect, interconnect
from .collectives import PARALLELISM
from .core import i18n, render
from .core.cache import derived
from .core.i18n import message, term
from .core.symbols import define
from .core.validate import positive, positive_int
from .training import D as D  # the doctests read D from the module
from .training import N

i18n.register("parallelism", terms={
    "par_data_parallel": ("Data parallelism", "数据并行"),
    "par_tensor_parallel": ("Tensor parallelism", "张量并行"),
    "par_sequence_parallel": ("Sequence parallelism", "序列并行"),
    "par_pipeline_parallel": ("Pipeline parallelism", "流水线并行"),
    "par_zero": ("ZeRO (zero redundancy optimizer)", "ZeRO（零冗余优化器）"),
    "par_fsdp": ("Fully sharded data parallel (FSDP)", "全分片数据并行（FSDP）"),
    "par_shard": ("Shard", "分片"),
    "par_optimizer_state": ("Optimizer state", "优化器状态"),
    "par_gradients": ("Gradients", "梯度"),
    "par_parameters": ("Parameters", "参数"),
    "par_micro_batch": ("Micro-batch", "微批次"),
    "par_bubble": ("Pipeline bubble", "流水线气泡"),
    "par_interleaved": ("Interleaved schedule", "交错调度"),
    "par_activation_memory": ("Activation memory", "激活内存"),
    "par_recompute": ("Activation recomputation", "激活重计算"),
    "par_selective": ("Selective recomputation", "选择性重计算"),
    "par_full_recompute": ("Full recomputation", "完全重计算"),
    "par_stage": ("Stage", "阶段"),
    "par_network_ridge": ("Network ridge point", "网络屋脊点"),
}, messages={
    "par_zero_stage": ("ZeRO stage", "ZeRO阶段"),
    "par_stage_0": ("0 (plain data parallelism)", "0（普通数据并行）"),
    "par_stage_1": ("1: optimizer state sharded", "1：优化器状态分片"),
    "par_stage_2": ("2: + gradients sharded", "2：梯度也分片"),
    "par_stage_3": ("3: + parameters sharded (FSDP)", "3：参数也分片（FSDP）"),
    "par_bytes_per_device": ("Bytes per device", "每台设备的字节数"),
    "par_gb_example": ("GB per device, {example}", "每台设备的内存（GB），{example}"),
    "par_largest_model": ("Largest model that fits (parameters)", "能放下的最大模型（参数量）"),
    "par_traffic": ("Bytes each device sends per step", "每步每台设备发送的字节数"),
    "par_schedule": ("Schedule", "调度"),
    "par_bubble_fraction": ("Bubble / ideal time", "气泡时间与理想时间之比"),
    "par_configuration": ("Configuration", "配置"),
    "par_recompute_mode": ("Recomputation", "重计算"),
    "par_none": ("none", "不重计算"),
    "par_tensor": ("Saved tensor", "保存的张量"),
    "par_block": ("Block", "模块"),
    "par_elements": ("Bytes", "字节数"),
    "par_split_tp": ("Split by $t$", "按$t$切分"),
    "par_attention_block": ("attention", "注意力"),
    "par_mlp_block": ("MLP", "MLP"),
    "par_norm_block": ("layer norms", "层归一化"),
    "par_share": ("Share of the attention scores", "注意力分数部分的占比"),
    "par_model_shape": ("Shape", "形状"),
    "par_quantity": ("Quantity", "项目"),
    "par_formula": ("Formula", "公式"),
})

K_opt = define(PARALLELISM, "K_opt", latex="K", en="optimizer bytes per parameter (ZeRO's $K$)",
               zh="每个参数的优化器状态字节数（ZeRO中的$K$）")
N_d = define(PARALLELISM, "N_d", latex="N_d", en="data-parallel devices", zh="数据并行的设备数")
p = define(PARALLELISM, "p_stages", latex="p", en="pipeline stages", zh="流水线阶段数")
m = define(PARALLELISM, "m_micro", latex="m", en="micro-batches per batch", zh="每个批次切分的微批次数")
v = define(PARALLELISM, "v_chunks", latex="v", en="model chunks per device (interleaved schedule)",
           zh="每台设备上的模型块数（交错调度）")
s = define(PARALLELISM, "s_seq", latex="s", en="sequence length", zh="序列长度")
b = define(PARALLELISM, "b_micro", latex="b", en="micro-batch size (sequences)", zh="微批次大小（序列数）")
h = define(PARALLELISM, "h_hidden", latex="h", en="hidden size", zh="隐藏层大小")
a = define(PARALLELISM, "a_heads", latex="a", en="attention heads", zh="注意力头数")
t = define(PARALLELISM, "t_tensor", latex="t", en="tensor-parallel size", zh="张量并行度")
l_layers = define(PARALLELISM, "l_layers", latex="l", en="transformer layers", zh="Transformer层数")
V_vocab = define(PARALLELISM, "V_vocab", latex="V", en="vocabulary size", zh="词表大小")
n_gpus = define(PARALLELISM, "n_gpus", latex="n", en="devices training the model", zh="训练模型的设备数")
X = define(PARALLELISM, "X_flops", latex="X", en="achieved FLOP/s per device", zh="每台设备实际达到的FLOP/s")
F_peak = define(PARALLELISM, "F_peak", latex="F", en="peak FLOP/s of one device", zh="单台设备的峰值FLOP/s")
B_tok = define(PARALLELISM, "B_tokens", latex="B", en="tokens per device per step", zh="每步每台设备处理的词元数")

PARAM_BYTES = 2  # bf16 parameters and gradients
RECOMPUTE = ("none", "selective", "full")


def _stage(stage) -> int:
    if isinstance(stage, bool) or not isinstance(stage, int) or stage not in (0, 1, 2, 3):
        raise ValueError(f"stage must be 0, 1, 2 or 3; got {stage!r}")
    return stage


@derived
def zero_parts(params, devices, stage, optimizer_bytes=12) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """(parameter, gradient, optimizer-state) bytes per device under ZeRO stage 0–3.

    Examples:
        >>> zero_parts(N, N_d, 2, K_opt)
        (2*N_params, 2*N_params/N_d, K_opt*N_params/N_d)
    """
    size = positive("params", params)
    count = positive_int("devices", devices)
    optimizer = positive("optimizer_bytes", optimizer_bytes)
    level = _stage(stage)
    weights = PARAM_BYTES * size / (count if level >= 3 else 1)
    gradients = PARAM_BYTES * size / (count if level >= 2 else 1)
    state = optimizer * size / (count if level >= 1 else 1)
    return weights, gradients, state


@derived
def zero_memory(params, devices, stage, optimizer_bytes=12) -> sp.Expr:
    """Bytes of model state per device: 2-byte parameters and gradients, `optimizer_bytes` of
    optimizer state per parameter, the first `stage` of them sharded over `devices`.

    Examples:
        >>> zero_memory(7_500_000_000, 64, 0)  # ZeRO paper, figure 1: 120 GB
        120000000000
        >>> zero_memory(7_500_000_000, 64, 3)  # 1.875 GB, printed 1.9 GB
        1875000000
        >>> zero_memory(N, N_d, 1, K_opt)
        K_opt*N_params/N_d + 4*N_params
        >>> zero_memory(1, 1, 4)
        Traceback (most recent call last):
        ...
        ValueError: stage must be 0, 1, 2 or 3; got 4
    """
    return sum(zero_parts(params, devices, stage, optimizer_bytes), sp.Integer(0))


@derived
def zero_largest_model(memory_bytes, devices, stage, optimizer_bytes=12) -> sp.Expr:
    """Parameters whose model state just fills `memory_bytes` per device (activations aside).

    Examples:
        >>> zero_largest_model(80 * 10**9, 8, 3, 8)  # lecture 7: 8 A100s of 80 GB, K = 8
        160000000000/3
    """
    return positive("memory_bytes", memory_bytes) / zero_memory(1, devices, stage, optimizer_bytes)


@derived
def zero_traffic(params, devices, stage) -> sp.Expr:
    r"""Bytes each device sends per step on a ring, 2-byte values.

    Stages 0–2 reduce-scatter the gradients and all-gather the parameters (together an
    all-reduce: the ZeRO paper's $2\Psi$); stage 3 all-gathers the parameters twice, for the
    forward and the backward pass ($3\Psi$).

    Examples:
        >>> zero_traffic(N, N_d, 0)
        4*N_params*(N_d - 1)/N_d
        >>> zero_traffic(10**9, 8, 3)
        5250000000
    """
    buffer = PARAM_BYTES * positive("params", params)
    gathers = 2 if _stage(stage) == 3 else 1
    return (gathers * collectives.bytes_sent("all_gather", buffer, devices)
            + collectives.bytes_sent("reduce_scatter", buffer, devices))


@derived
def bubble_fraction(stages, microbatches, chunks=1) -> sp.Expr:
    """Pipeline bubble over ideal compute time: $(p-1)/(v m)$ (Narayanan et al. 2021, §2.2).

    Examples:
        >>> bubble_fraction(4, 8)
        3/8
        >>> bubble_fraction(p, m, v)
        (p_stages - 1)/(m_micro*v_chunks)
        >>> bubble_fraction(4, 0)
        Traceback (most recent call last):
        ...
        ValueError: microbatches must be positive, got 0
    """
    depth = positive_int("stages", stages)
    return (depth - 1) / (positive_int("chunks", chunks) * positive_int("microbatches", microbatches))


def _divides(name: str, value, what: str, whole) -> None:
    if getattr(whole, "is_number", False) and getattr(value, "is_number", False) and whole % value != 0:
        raise ValueError(f"{name} ({value}) must divide {what} ({whole})")


@derived
def activation_bytes(seq_len, batch, hidden, heads, tensor_parallel=1, sequence_parallel=False,
                     recompute="none") -> sp.Expr:
    r"""Bytes of activations one transformer layer keeps for its backward pass, per device.

    Korthikanti et al. 2022 (16-bit activations, 1-byte dropout masks):
    $sbh(34 + 5as/h)$ with nothing split; tensor parallelism divides all but $10\,sbh$ by $t$;
    sequence parallelism divides those too; selective recomputation drops the $5as^2b$ of
    the attention scores; full recomputation keeps only the layer's $2sbh$ input.

    Examples:
        >>> activation_bytes(s, b, h, a)
        5*a_heads*b_micro*s_seq**2 + 34*b_micro*h_hidden*s_seq
        >>> activation_bytes(2048, 1, 12288, 96, tensor_parallel=8, sequence_parallel=True, recompute="selective")
        106954752
        >>> activation_bytes(2048, 1, 12288, 96, tensor_parallel=5)
        Traceback (most recent call last):
        ...
        ValueError: tensor_parallel (5) must divide heads (96)
        >>> activation_bytes(2048, 1, 12288, 96, recompute="some")
        Traceback (most recent call last):
        ...
        ValueError: recompute must be one of none, selective, full; got 'some'
    """
    S, B = positive_int("seq_len", seq_len), positive_int("batch", batch)
    H, A = positive_int("hidden", hidden), positive_int("heads", heads)
    T = positive_int("tensor_parallel", tensor_parallel)
    if not isinstance(sequence_parallel, bool):
        raise ValueError(f"sequence_parallel must be True or False; got {sequence_parallel!r}")
    if recompute not in RECOMPUTE:
        raise ValueError(f"recompute must be one of {', '.join(RECOMPUTE)}; got {recompute!r}")
    _divides("tensor_parallel", T, "heads", A)
    _divides("tensor_parallel", T, "hidden", H)
    if sequence_parallel:
        _divides("tensor_parallel", T, "seq_len", S)
    sbh = S * B * H
    if recompute == "full":
        return 2 * sbh / (T if sequence_parallel else 1)
    replicated = 10 * sbh / (T if sequence_parallel else 1)  # layer-norm inputs, dropout masks, block inputs
    split = 24 * sbh / T  # Q, K, V, attention output, the MLP's 4h-wide activations
    scores = 5 * A * S**2 * B / T  # softmax output, its dropout mask and dropped-out copy
    total = replicated + split + (0 if recompute == "selective" else scores)
    return sp.expand(total) if not total.is_number else total


@derived
def megatron_params(layers, hidden, vocab, seq_len) -> sp.Expr:
    """GPT parameters with learned positions (Narayanan et al. 2021, §5.1).

    Per layer 12h² weights and 13h biases and norm parameters, plus the
    Vh embedding (tied to the output) and sh positions:
    12lh²(1 + 13/(12h) + (V + s)/(12lh)).

    Examples:
        >>> megatron_params(96, 12288, 51200, 2048)  # GPT-3's shape
        174615822336
        >>> megatron_params(1, 1, 1, 1)  # 12 + 13 + V + s
        27
    """
    L = positive_int("layers", layers)
    H = positive_int("hidden", hidden)
    V = positive_int("vocab", vocab)
    S = positive_int("seq_len", seq_len)
    return sp.expand(12 * L * H**2 * (1 + sp.Rational(13, 12) / H
                                      + (V + S) / (12 * L * H)))


@derived
def train_seconds(tokens, params, devices, flops_per_device) -> sp.Expr:
    """Seconds to train with activation recomputation: 8TP/(nX).

    Narayanan et al. 2021, §5.1: forward (2), backward (4) and the
    recomputed forward (2) FLOPs per parameter per token.

    Examples:
        >>> days = train_seconds(300e9, 175e9, 1024, 140e12) / 86400
        >>> round(float(days), 1)
        33.9
        >>> train_seconds(D, N, n_gpus, X)
        8*D_tokens*N_params/(X_flops*n_gpus)
    """
    T = positive("tokens", tokens)
    P = positive("params", params)
    n = positive_int("devices", devices)
    return 8 * T * P / (n * positive("flops_per_device", flops_per_device))


def network_roof(accelerator: Accelerator | str, link: Interconnect | str) -> Accelerator:
    """The accelerator with its link in place of HBM: lecture 10's roofline applied to the network.

    Its `ridge` is FLOPs per byte sent, above which a step that overlaps communication
    with computation is compute-bound.

    Examples:
        >>> roof = network_roof("H100_SXM", "IB_NDR")
        >>> roof.ridge
        19780
    """
    device, wire = accelerator_named(accelerator), interconnect(link)
    return Accelerator(f"{device.name} / {wire.name}", device.flops_per_s, wire.bytes_per_s, device.hbm_bytes,
                       wire.source)


@derived
def dp_tokens_to_be_compute_bound(accelerator, link, devices, stage=0) -> sp.Expr:
    r"""Tokens per device per step above which data parallelism's compute hides its traffic.

    Compute $6NB$ FLOPs at $F$ FLOP/s against `zero_traffic` bytes at $W$ bytes/s: the
    intensity $6NB/\text{traffic}$ must exceed the network ridge $F/W$. $N$ cancels.

    Examples:
        >>> dp_tokens_to_be_compute_bound("H100_SXM", "IB_NDR", 1024, 0)
        1686245/128
    """
    per_param = zero_traffic(1, devices, stage)
    return network_roof(accelerator, link).ridge * per_param / 6


@derived
def tp_hidden_to_be_compute_bound(accelerator, link, tensor_parallel) -> sp.Expr:
    r"""Hidden size above which a tensor-parallel layer's matmuls hide its all-reduces.

    Per layer and device, forward: $24bsh^2/t$ FLOPs (attention projections $8h^2$ and MLP
    $16h^2$ per token) against two all-reduces of $2bsh$ bytes, so
    $h > (t-1)/3 \cdot F/W$.

    Examples:
        >>> tp_hidden_to_be_compute_bound("H100_SXM", "NVLINK4", 8)
        138460/27
    """
    T = positive_int("tensor_parallel", tensor_parallel)
    flops_per_sbh = 24 * h / T  # 24 b s h^2 / t, over b s h
    bytes_per_sbh = 2 * collectives.bytes_sent("all_reduce", PARAM_BYTES, T)  # two all-reduces of 2bsh bytes
    threshold = sp.solve(sp.Eq(flops_per_sbh / bytes_per_sbh, network_roof(accelerator, link).ridge), h)[0]
    return threshold


# ---------------------------------------------------------------- published results

_STAGES = ("par_stage_0", "par_stage_1", "par_stage_2", "par_stage_3")


@dataclass(frozen=True)
class ZeroTable(render.Published):
    """Bytes per device for ZeRO stages 0–3, symbolically and for one example."""

    params: int
    devices: int
    optimizer_bytes: int

    def to_markdown(self, lang: str) -> str:
        example = rf"$N = {render.decimal(self.params, 3)},\ N_d = {self.devices},\ K = {self.optimizer_bytes}$"
        header = [message("par_zero_stage", lang), term("par_parameters", lang), term("par_gradients", lang),
                  term("par_optimizer_state", lang), message("par_bytes_per_device", lang),
                  message("par_gb_example", lang, example=example), message("par_traffic", lang)]
        rows = []
        for stage in range(4):
            parts = zero_parts(N, N_d, stage, K_opt)
            value = zero_memory(self.params, self.devices, stage, self.optimizer_bytes)
            rows.append([message(_STAGES[stage], lang), *(render.math(part) for part in parts),
                         render.math(sp.factor(sum(parts))), f"${render.decimal(value / 10**9, 3)}$",
                         render.math(sp.factor(zero_traffic(N, N_d, stage)))])
        return render.table(header, rows)


@derived
def zero_table(params=7_500_000_000, devices=64, optimizer_bytes=12) -> ZeroTable:
    """The ZeRO paper's figure 1 case by default: 7.5B parameters, 64 devices, K = 12."""
    return ZeroTable(params, devices, optimizer_bytes)


@dataclass(frozen=True)
class LargestModelTable(render.Published):
    """Bytes per device and the largest model that fits, for each ZeRO stage."""

    memory_bytes: int
    devices: int
    optimizer_bytes: int

    def to_markdown(self, lang: str) -> str:
        header = [message("par_zero_stage", lang), message("par_bytes_per_device", lang),
                  message("par_largest_model", lang)]
        rows = ([message(_STAGES[stage], lang), render.math(zero_memory(N, self.devices, stage, self.optimizer_bytes)),
                 "$" + render.decimal(zero_largest_model(self.memory_bytes, self.devices, stage, self.optimizer_bytes),
                                      4) + "$"]
                for stage in range(4))
        return render.table(header, rows)


@derived
def largest_model_table(memory_bytes=80 * 10**9, devices=8, optimizer_bytes=8) -> LargestModelTable:
    """Lecture 7's case by default: 8 A100s of 80 GB, 8 optimizer bytes per parameter."""
    return LargestModelTable(memory_bytes, devices, optimizer_bytes)


@dataclass(frozen=True)
class Equations(render.Published):
    """Display equations whose left-hand sides are LaTeX and right-hand sides expressions."""

    rows: tuple[tuple[str | tuple[str, str], object], ...]  # a left-hand side may be (en, zh)

    def to_markdown(self, lang: str) -> str:
        """Display math when every left-hand side is language-neutral; otherwise a table, so
        that the twins' display math stays identical while the labels are translated.
        """
        if all(isinstance(lhs, str) for lhs, _ in self.rows):
            return render.equations(self.rows)
        header = [message("par_quantity", lang), message("par_formula", lang)]
        return render.table(header, ([f"${lhs}$" if isinstance(lhs, str) else i18n.pair(*lhs, lang),
                                      f"${render.latex(rhs)}$"] for lhs, rhs in self.rows))


@derived
def zero_formulas() -> Equations:
    """Model-state bytes per device for ZeRO stages 0–3, as formulas."""
    return Equations((
        (r"M_{\text{ZeRO-0}}", zero_memory(N, N_d, 0, K_opt)),
        (r"M_{\text{ZeRO-1}}", zero_memory(N, N_d, 1, K_opt)),
        (r"M_{\text{ZeRO-2}}", zero_memory(N, N_d, 2, K_opt)),
        (r"M_{\text{ZeRO-3}}", sp.factor(zero_memory(N, N_d, 3, K_opt))),
    ))


@derived
def dp_bound_formulas() -> Equations:
    """Data parallelism's compute and traffic per step, and the per-device batch where they meet."""
    F_, W_ = F_peak, collectives.W
    math = 6 * N * B_tok / F_
    comm0, comm3 = zero_traffic(N, N_d, 0) / W_, zero_traffic(N, N_d, 3) / W_
    return Equations((
        (r"T_{\mathrm{FLOP}}", math),
        (r"T_{\mathrm{DDP}} = T_{\mathrm{ZeRO\text{-}1,2}}", comm0),
        (r"T_{\mathrm{ZeRO\text{-}3}}", comm3),
        (r"B^{*}_{\text{DDP}}", sp.solve(sp.Eq(math, comm0), B_tok)[0]),
        (r"B^{*}_{\text{ZeRO-3}}", sp.solve(sp.Eq(math, comm3), B_tok)[0]),
    ))


@dataclass(frozen=True)
class BoundTable(render.Published):
    """Per-device tokens (DP) and hidden size (TP) above which compute hides communication."""

    accelerator: str
    links: tuple[str, ...]
    devices: int
    tensor_parallel: int

    def to_markdown(self, lang: str) -> str:
        header = [term("accelerator", lang), message("ic_link", lang), term("par_network_ridge", lang),
                  "$B^{*}$ (DDP)", "$B^{*}$ (ZeRO-3)", f"$h^{{*}}\\ (t = {self.tensor_parallel})$"]
        rows = []
        for link in self.links:
            roof = network_roof(self.accelerator, link)
            rows.append([accelerator_named(self.accelerator).name, interconnect(link).name,
                         f"${render.decimal(roof.ridge)}$",
                         f"${render.decimal(dp_tokens_to_be_compute_bound(self.accelerator, link, self.devices, 0))}$",
                         f"${render.decimal(dp_tokens_to_be_compute_bound(self.accelerator, link, self.devices, 3))}$",
                         "$" + render.decimal(tp_hidden_to_be_compute_bound(self.accelerator, link,
                                                                            self.tensor_parallel)) + "$"])
        return render.table(header, rows)


@derived
def bound_table(accelerator="H100_SXM", links=("NVLINK4", "IB_NDR", "IB_HDR"), devices=1024,
                tensor_parallel=8) -> BoundTable:
    """For each link: the per-device tokens (DP) and hidden size (TP) above which compute hides communication."""
    return BoundTable(accelerator, tuple(links), devices, tensor_parallel)


@dataclass(frozen=True)
class BubbleTable(render.Published):
    """The pipeline bubble fraction for each micro-batch and chunk count at a fixed stage count."""

    stages: int
    microbatches: tuple[int, ...]
    chunks: tuple[int, ...]

    def to_markdown(self, lang: str) -> str:
        header = ["$p$", "$m$", "$v$", message("par_bubble_fraction", lang)]
        rows = ([render.math(self.stages), render.math(micro), render.math(chunk),
                 f"${render.latex(bubble_fraction(self.stages, micro, chunk))} \\approx "
                 f"{render.decimal(bubble_fraction(self.stages, micro, chunk), 3)}$"]
                for micro in self.microbatches for chunk in self.chunks)
        return render.table(header, rows)


@derived
def bubble_table(stages=8, microbatches=(8, 32, 128), chunks=(1, 4)) -> BubbleTable:
    """The pipeline bubble fraction for each micro-batch count and chunk count at `stages` stages."""
    return BubbleTable(stages, tuple(microbatches), tuple(chunks))


@derived
def activation_formulas() -> Equations:
    """Korthikanti et al.'s Table 2, each line from `activation_bytes`."""
    def per_sbh(**kwargs):
        return sp.expand(activation_bytes(s, b, h, a, **kwargs) / (s * b * h))

    lines = (
        (("no parallelism", "不并行"), {}),
        (("TP", "张量并行"), {"tensor_parallel": t}),
        (("TP + SP", "张量并行+序列并行"), {"tensor_parallel": t, "sequence_parallel": True}),
        (("TP + selective", "张量并行+选择性重计算"), {"tensor_parallel": t, "recompute": "selective"}),
        (("TP + SP + selective", "张量并行+序列并行+选择性重计算"),
         {"tensor_parallel": t, "sequence_parallel": True, "recompute": "selective"}),
        (("full recomputation", "完全重计算"), {"tensor_parallel": t, "recompute": "full"}),
    )
    return Equations(tuple((labels, rf"M / (sbh) = {render.latex(per_sbh(**kwargs))}")
                           for labels, kwargs in lines))


# One transformer layer's saved tensors (Korthikanti et al. 2022, §4.1), as multiples of sbh
# or of a s^2 b bytes, and whether tensor parallelism splits them. The page lists them; the
# tests allocate them as arrays.
SAVED_TENSORS = (
    ("par_attention_block", ("QKV input (layer-norm output)", "QKV的输入（层归一化的输出）"), 2, "sbh", False),
    ("par_attention_block", ("Q and K, for QKᵀ", "Q和K，用于QKᵀ"), 4, "sbh", True),
    ("par_attention_block", ("softmax output", "softmax的输出"), 2, "as2b", True),
    ("par_attention_block", ("softmax dropout mask", "softmax之后的dropout掩码"), 1, "as2b", True),
    ("par_attention_block", ("dropout output, multiplied by V", "dropout的输出，与V相乘"), 2, "as2b", True),
    ("par_attention_block", ("V", "V"), 2, "sbh", True),
    ("par_attention_block", ("output projection input", "输出投影的输入"), 2, "sbh", True),
    ("par_attention_block", ("attention dropout mask", "注意力模块的dropout掩码"), 1, "sbh", False),
    ("par_mlp_block", ("first linear input", "第一个线性层的输入"), 2, "sbh", False),
    ("par_mlp_block", ("GeLU input, 4h wide", "GeLU的输入，宽4h"), 8, "sbh", True),
    ("par_mlp_block", ("second linear input, 4h wide", "第二个线性层的输入，宽4h"), 8, "sbh", True),
    ("par_mlp_block", ("MLP dropout mask", "MLP的dropout掩码"), 1, "sbh", False),
    ("par_norm_block", ("first layer-norm input", "第一个层归一化的输入"), 2, "sbh", False),
    ("par_norm_block", ("second layer-norm input", "第二个层归一化的输入"), 2, "sbh", False),
)


@dataclass(frozen=True)
class SavedTensorTable(render.Published):
    """The tensors a transformer layer saves for the backward pass, their sizes and whether TP splits them."""

    def to_markdown(self, lang: str) -> str:
        header = [message("par_block", lang), message("par_tensor", lang), message("par_elements", lang),
                  message("par_split_tp", lang)]
        unit = {"sbh": s * b * h, "as2b": a * s**2 * b}
        rows = [[message(block, lang), i18n.pair(*name, lang), render.math(count * unit[kind]),
                 message("yes" if split else "no", lang)] for block, name, count, kind, split in SAVED_TENSORS]
        total = sum(count * unit[kind] for _, _, count, kind, _ in SAVED_TENSORS)
        rows.append([f"**{message('par_total', lang)}**", "", render.math(sp.factor(total)), ""])
        return render.table(header, rows)


def saved_tensor_table() -> SavedTensorTable:
    """The table of tensors a layer saves for the backward pass (`SAVED_TENSORS`)."""
    return SavedTensorTable()


@dataclass(frozen=True)
class AttentionShare(render.Published):
    """The attention scores' share of a layer's activations, $5as/h$ against $34$."""

    name: str
    seq_len: int
    hidden: int
    heads: int

    @property
    def ratio(self) -> sp.Expr:
        return sp.Rational(5 * self.heads * self.seq_len, self.hidden)

    @property
    def share(self) -> sp.Expr:
        return self.ratio / (34 + self.ratio)

    def to_markdown(self, lang: str) -> str:
        return render.equations([
            (rf"\frac{{5as}}{{h}}\Big|_{{\text{{{self.name}}}}}",
             rf"\frac{{5 \cdot {self.heads} \cdot {self.seq_len}}}{{{self.hidden}}} = {render.latex(self.ratio)}"),
            (r"\frac{5as/h}{34 + 5as/h}",
             rf"{render.latex(self.share)} \approx {render.decimal(self.share * 100, 3)}\%"),
        ])


@derived
def attention_share(name="GPT-3 175B", seq_len=2048, hidden=12288, heads=96) -> AttentionShare:
    """The attention scores' share of a layer's activations for one model shape."""
    return AttentionShare(name, positive_int("seq_len", seq_len), positive_int("hidden", hidden),
                          positive_int("heads", heads))


@derived
def tp_formulas() -> Equations:
    """A tensor-parallel layer's forward: matmul time against its two all-reduces, and the h where they meet."""
    F_, W_ = F_peak, collectives.W
    math = 24 * b * s * h**2 / (t * F_)
    comm = 2 * collectives.bytes_sent("all_reduce", PARAM_BYTES * b * s * h, t) / W_
    return Equations((
        (r"T_{\mathrm{FLOP}}", math),
        (r"T_{\mathrm{TP}}", sp.factor(comm)),
        (r"h^{*}", sp.solve(sp.Eq(math, comm), h)[0]),
    ))


@derived
def pipeline_formulas() -> Equations:
    """The bubble of a pipeline of $p$ stages and $m$ micro-batches, plain and interleaved."""
    return Equations((
        (r"\beta", bubble_fraction(p, m)),
        (r"\beta_{v}", bubble_fraction(p, m, v)),
        (r"\frac{\beta}{1 + \beta}", sp.factor(sp.simplify(bubble_fraction(p, m) / (1 + bubble_fraction(p, m))))),
    ))


# ---------------------------------------------------------------- the pipeline schedule, drawn
i18n.register("parallelism", messages={
    "par_fig_device": ("Device (pipeline stage)", "设备（流水线阶段）"),
    "par_fig_time": ("Time (forward-pass units of one chunk)", "时间（以一个模型块的前向用时为单位）"),
    "par_fig_forward": ("forward", "前向"),
    "par_fig_backward": ("backward", "反向"),
    "par_fig_title": ("Pipeline schedule: p = {p}, m = {m}, v = {v}", "流水线调度：p = {p}，m = {m}，v = {v}"),
    "par_fig_desc": ("Each row is a device; boxes are forward (1 unit) and backward (2 units) passes of "
                     "numbered micro-batches, lighter for a device's later model chunks; blank space is the bubble.",
                     "每行是一台设备；方块是各个微批次（按编号）的前向计算（1个单位）和反向计算（2个单位），颜色较浅的方块属于该设备上靠后的模型块；"
                     "空白处就是气泡。"),
    "par_fig_caption": ("Pipeline schedule, p = {p}, m = {m}, v = {v}: idle time over busy time on this grid "
                        "is {measured}, and (p − 1)/(v·m) = {formula}.",
                        "流水线调度，p = {p}，m = {m}，v = {v}：在这张网格上数出的空闲时间与忙碌时间之比为{measured}，"
                        "而(p − 1)/(v·m) = {formula}。"),
})


def pipeline_schedule(stages: int, microbatches: int, chunks: int = 1, forward: int = 1, backward: int = 2):
    """Greedy list schedule: (device, start, duration, kind, micro-batch, chunk) for each pass.

    Model chunk $c$ of device $d$ is virtual stage $c p + d$. A device runs one pass at a time,
    forwards first, micro-batches in groups of $p$ and chunk by chunk (Megatron's interleaved
    order); a pass starts once its input (the previous virtual stage, or the next one's
    backward) has finished.
    """
    P = int(positive_int("stages", stages))
    Mi = int(positive_int("microbatches", microbatches))
    V = int(positive_int("chunks", chunks))
    last = P * V - 1
    finish, busy, passes = {}, [0] * P, []
    pending = {(kind, j, k) for kind in "FB" for j in range(Mi) for k in range(P * V)}

    def before(op):
        kind, j, k = op
        if kind == "F":
            return ("F", j, k - 1) if k else None
        return ("F", j, k) if k == last else ("B", j, k + 1)

    def order(op):
        kind, j, k = op
        return (kind == "B", j // P, -(k // P) if kind == "B" else k // P, j)

    now = 0
    while pending:
        for device in range(P):
            if busy[device] > now:
                continue
            ready = [op for op in pending if op[2] % P == device
                     and (before(op) is None or finish.get(before(op), now + 1) <= now)]
            if ready:
                op = min(ready, key=order)
                pending.remove(op)
                length = forward if op[0] == "F" else backward
                finish[op] = busy[device] = now + length
                passes.append((device, now, length, op[0], op[1], op[2] // P))
        now += 1
    return tuple(sorted(passes, key=lambda item: (item[0], item[1])))


@dataclass(frozen=True)
class PipelineFigure(render.Published):
    """A pipeline schedule drawn as a grid, with its measured and derived bubble."""

    stages: int
    microbatches: int
    chunks: int

    @property
    def passes(self):
        return pipeline_schedule(self.stages, self.microbatches, self.chunks)

    @property
    def measured(self) -> sp.Rational:
        passes = self.passes
        end = max(start + length for _, start, length, *_ in passes)
        busy = sum(length for device, _, length, *_ in passes if device == 0)
        return sp.Rational(end - busy, busy)

    def _draw(self, axes, lang: str) -> None:
        from .core.figures import COLORS, INK

        for device, start, length, kind, micro, chunk in self.passes:
            color = COLORS[0] if kind == "F" else COLORS[1]
            alpha = 1.0 if chunk == 0 else 0.55
            axes.broken_barh([(start, length)], (device - 0.4, 0.8), facecolors=color, alpha=alpha,
                             edgecolor=INK, linewidth=0.4)
            axes.text(start + length / 2, device, str(micro + 1), ha="center", va="center", fontsize=7,
                      color="white" if kind == "F" else INK)
        axes.set_yticks(range(self.stages), [str(d) for d in range(self.stages)])
        axes.invert_yaxis()
        axes.set_xlabel(message("par_fig_time", lang))
        axes.set_ylabel(message("par_fig_device", lang))
        axes.grid(False)
        from matplotlib.patches import Patch

        axes.legend(handles=[Patch(facecolor=COLORS[0], label=message("par_fig_forward", lang)),
                             Patch(facecolor=COLORS[1], label=message("par_fig_backward", lang))],
                    loc="lower right", ncols=2)
        axes.set_ylim(self.stages - 0.5 + 0.9, -0.6)

    def to_markdown(self, lang: str) -> str:
        from .core.figures import figure_html

        fields = dict(p=self.stages, m=self.microbatches, v=self.chunks)
        formula = bubble_fraction(self.stages, self.microbatches, self.chunks)
        return figure_html(self._draw, key=f"pipeline-{self.stages}-{self.microbatches}-{self.chunks}", lang=lang,
                     height_in=0.5 + 0.42 * self.stages + 0.5, title=message("par_fig_title", lang, **fields),
                     desc=message("par_fig_desc", lang),
                     caption=message("par_fig_caption", lang, measured=str(self.measured), formula=str(formula),
                                     **fields))


@derived
def pipeline_figure(stages=4, microbatches=8, chunks=1) -> PipelineFigure:
    """The schedule of `pipeline_schedule` drawn as a grid, its measured bubble in the caption."""
    figure = PipelineFigure(int(positive_int("stages", stages)), int(positive_int("microbatches", microbatches)),
                            int(positive_int("chunks", chunks)))
    if figure.measured != bubble_fraction(stages, microbatches, chunks):
        raise AssertionError(f"schedule's bubble {figure.measured} is not (p-1)/(vm)")
    return figure


# ---------------------------------------------------------------- data parallelism's roofline, drawn
i18n.register("parallelism", messages={
    "par_roof_x": ("Tokens per device per step, B", "每步每台设备的词元数B"),
    "par_roof_y": ("Attainable fraction of peak FLOP/s", "可达峰值FLOP/s的比例"),
    "par_roof_title": ("Data parallelism's roofline on {accelerator}", "{accelerator}上数据并行的屋顶线"),
    "par_roof_desc": ("For each link, the fraction of peak compute a DDP step can reach when its all-reduce "
                      "overlaps the compute: it rises in proportion to B and flattens at 1 from B* on.",
                      "每种链路上，DDP的全规约与计算重叠时，一步能达到峰值算力的多大比例：B小于B*时与B成正比，从B*起恒为1。"),
    "par_roof_caption": ("Data parallelism on {accelerator}, {devices} devices, DDP: min(1, B/B*) for each link; "
                         "the knees are at B* = {knees}.",
                         "{accelerator}上的数据并行（DDP），{devices}台设备：每种链路上的min(1, B/B*)；"
                         "拐点在B* = {knees}。"),
})


@dataclass(frozen=True)
class DpRoofline(render.Published):
    """The network roofline figure: compute share against tokens per device, one line per link."""

    accelerator: str
    links: tuple[str, ...]
    devices: int

    def knees(self) -> list[float]:
        return [float(dp_tokens_to_be_compute_bound(self.accelerator, link, self.devices, 0)) for link in self.links]

    def _draw(self, axes, lang: str) -> None:
        import numpy as np

        from .core.figures import COLORS, plain_ticks

        tokens = np.logspace(1, 6, 200)
        for color, link, knee in zip(COLORS, self.links, self.knees(), strict=False):
            axes.plot(tokens, np.minimum(1.0, tokens / knee), color=color, label=interconnect(link).name)
            axes.axvline(knee, color=color, linestyle=":", linewidth=0.8)
        axes.set_xscale("log")
        axes.set_yscale("log")
        plain_ticks(axes.xaxis)
        plain_ticks(axes.yaxis)
        axes.set_xlabel(message("par_roof_x", lang))
        axes.set_ylabel(message("par_roof_y", lang))
        axes.legend(loc="lower right")

    def to_markdown(self, lang: str) -> str:
        from .core.figures import figure_html

        name = accelerator_named(self.accelerator).name
        knees = ", ".join(f"{knee:,.0f}" for knee in self.knees())
        return figure_html(self._draw, key="dp-roofline", lang=lang, height_in=3.6,
                     title=message("par_roof_title", lang, accelerator=name), desc=message("par_roof_desc", lang),
                     caption=message("par_roof_caption", lang, accelerator=name, devices=self.devices, knees=knees))


@derived
def dp_roofline(accelerator="H100_SXM", links=("NVLINK4", "IB_NDR", "IB_HDR"), devices=1024) -> DpRoofline:
    """min(1, B/B*) against the tokens per device B, one line per link: the network's roofline."""
    return DpRoofline(accelerator, tuple(links), devices)
