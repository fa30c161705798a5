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


# ================================================================ lecture 2: resource accounting
# Appended for lecture 2: FLOPs of a matmul and of its gradients, MFU and HFU, bytes per
# parameter (each convention from its recipe), and the accounting of a decoder-only
# transformer by component. Shapes use lecture 10's letters (L, D, F, N, K, H, V).

from dataclasses import dataclass as _dataclass  # noqa: E402

from . import formats as _formats  # noqa: E402
from . import symbols as _shape  # noqa: E402
from .catalog.models import Model as _Model  # noqa: E402
from .catalog.models import model as _model_named  # noqa: E402
from .core import i18n as _i18n  # noqa: E402
from .core import render as _render  # noqa: E402
from .core.i18n import message as _message  # noqa: E402
from .core.i18n import term as _term  # noqa: E402
from .core.validate import positive_int as _positive_int  # noqa: E402

_i18n.register("training", terms={
    'tr_mfu': ('Model FLOPs utilisation (MFU)', '模型算力利用率（MFU）'),
    'tr_hfu': ('Hardware FLOPs utilisation (HFU)', '硬件算力利用率（HFU）'),
    'tr_recomputation': ('Activation recomputation', '激活重计算'),
    'tr_forward': ('Forward pass', '前向传播'),
    'tr_backward': ('Backward pass', '反向传播'),
    'tr_parameters': ('Parameters', '参数'),
    'tr_gradients': ('Gradients', '梯度'),
    'tr_optimizer_state': ('Optimizer state', '优化器状态'),
    'tr_activations': ('Activations', '激活值'),
    'tr_bytes_per_param': ('Bytes per parameter', '每参数字节数'),
    'tr_recipe': ('Precision recipe', '精度方案'),
    'tr_component': ('Component', '组件'),
    'tr_share': ('Share of forward FLOPs', '占前向FLOPs的比例'),
}, messages={
    'tr_weights_col': ('Working weights', '计算用权重'),
    'tr_grads_col': ('Gradients', '梯度'),
    'tr_master_col': ('fp32 master copy', 'fp32主权重'),
    'tr_accum_col': ('fp32 gradient accumulator', 'fp32梯度累积缓冲区'),
    'tr_moments_col': ('Optimizer moments', '优化器矩估计'),
    'tr_total_col': ('Bytes per parameter', '每参数字节数'),
    'tr_largest_col': ('Largest model on {chips} × {accelerator} (parameters)',
                       '{chips}张{accelerator}能训练的最大模型（参数量）'),
    'tr_recipe_fp32': ('All fp32, Adam (lecture 2, 2025: "naively")', '全fp32的Adam（第2讲2025版，“朴素”做法）'),
    'tr_recipe_mixed': ('Mixed precision, fp32 master copy (ZeRO paper)', '混合精度加fp32主权重（ZeRO论文）'),
    'tr_recipe_2026': ('bf16 weights and gradients, fp32 moments (lecture 2, 2026)',
                       'bf16权重与梯度、fp32矩估计（第2讲2026版）'),
    'tr_recipe_book': ('bf16 weights, fp32 moments, gradients not counted (scaling book)',
                       'bf16权重、fp32矩估计、不计梯度（scaling book）'),
    'tr_recipe_accum': ('Mixed precision with fp32 gradient accumulation (ultra-scale playbook)',
                        '混合精度加fp32梯度累积（Ultra-Scale Playbook）'),
    'tr_acc_embedding': ('Input embedding', '输入嵌入'),
    'tr_acc_attn_proj': ('Attention projections (Q, K, V, O)', '注意力投影（Q、K、V、O）'),
    'tr_acc_attn_scores': ('Attention scores (Q Kᵀ)', '注意力分数（Q Kᵀ）'),
    'tr_acc_attn_values': ('Attention-weighted values', '注意力加权求和（乘以V）'),
    'tr_acc_mlp': ('Gated MLP (three matrices)', '门控MLP（三个矩阵）'),
    'tr_acc_norms': ('RMSNorm weights', 'RMSNorm权重'),
    'tr_acc_lm_head': ('Output projection (LM head)', '输出投影（语言模型头）'),
    'tr_acc_total': ('Total', '合计'),
    'tr_params_col': ('Parameters', '参数量'),
    'tr_fwd_col': ('Forward FLOPs', '前向FLOPs'),
    'tr_context': ('context', '上下文'),
    'tr_ratio_6nd': ('Exact / 6·N·tokens', '精确值/(6·N·词元数)'),
    'tr_state_col': ('Weights + gradients + Adam state, {recipe} B/param',
                     '权重、梯度与Adam状态（每参数{recipe}字节）'),
    'tr_act_col': ('Activations at batch {batch} (bf16)', '批大小{batch}时的激活值（bf16）'),
    'tr_published': ('Published count', '公开参数量'),
})

B_seqs = define(TRAINING, "B_seqs", latex="B", en="sequences per batch", zh="每批的序列数")
T_ctx = define(TRAINING, "T_ctx", latex="T", en="tokens per sequence (context length)",
               zh="每条序列的词元数（上下文长度）")
d_in = define(TRAINING, "d_in", latex=r"d_{\mathrm{in}}", en="input width of a linear layer", zh="线性层的输入宽度")
d_out = define(TRAINING, "d_out", latex=r"d_{\mathrm{out}}", en="output width of a linear layer", zh="线性层的输出宽度")
seconds = define(TRAINING, "t_seconds", latex="t", en="wall-clock time of the run (seconds)", zh="训练的墙钟时间（秒）")
peak = define(TRAINING, "pi_peak", latex=r"\pi", en="peak FLOP/s of one accelerator",
              zh="单个加速器的峰值算力（FLOP/s）")
n_chips = define(TRAINING, "n_train_chips", latex="n", en="accelerators training together", zh="共同训练的加速器数量")
HFU = define(TRAINING, "HFU", latex=r"\mathrm{HFU}",
             en="hardware FLOPs utilisation: FLOP/s executed (recomputation included) over peak",
             zh="硬件算力利用率：实际执行的FLOP/s（含重计算）与峰值之比")


def matmul_flops(m, n, p) -> sp.Expr:
    """FLOPs of an (m×n)·(n×p) product: one multiply and one add per (i, j, k).

    Examples:
        >>> matmul_flops(16, 32, 2)
        2048
        >>> matmul_flops(B_seqs, d_in, d_out)
        2*B_seqs*d_in*d_out
    """
    return 2 * positive("m", m) * positive("n", n) * positive("p", p)


@_dataclass(frozen=True)
class LinearGradients(_render.Published):
    """FLOPs of Y = X W forward and backward: the origin of 2 + 4 = 6 FLOPs per parameter per token."""

    forward: sp.Expr
    grad_weights: sp.Expr
    grad_inputs: sp.Expr

    @property
    def backward(self) -> sp.Expr:
        return self.grad_weights + self.grad_inputs

    @property
    def per_param_per_token(self) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
        """(forward, backward, total) FLOPs per parameter (d_in·d_out) per row (token)."""
        scale = B_seqs * d_in * d_out
        return tuple(sp.simplify(x / scale) for x in (self.forward, self.backward, self.forward + self.backward))

    def to_markdown(self, lang: str) -> str:
        fwd, bwd, total = self.per_param_per_token
        return _render.equations([
            (r"C_{\mathrm{fwd}}", self.forward),
            (r"C_{\partial W}", self.grad_weights),
            (r"C_{\partial X}", self.grad_inputs),
            (r"C_{\mathrm{bwd}} = C_{\partial W} + C_{\partial X}", self.backward),
            (r"C_{\mathrm{bwd}} / C_{\mathrm{fwd}}", sp.simplify(self.backward / self.forward)),
            (r"(C_{\mathrm{fwd}} + C_{\mathrm{bwd}}) / (B\, d_{\mathrm{in}} d_{\mathrm{out}})", total),
        ])


@derived
def linear_gradients() -> LinearGradients:
    """Y = X W with X of B×d_in and W of d_in×d_out: the gradients are two more matmuls of the same size.

    dL/dW = Xᵀ (dL/dY) is (d_in×B)·(B×d_out); dL/dX = (dL/dY) Wᵀ is (B×d_out)·(d_out×d_in).

    Examples:
        >>> linear_gradients().per_param_per_token
        (2, 4, 6)
    """
    return LinearGradients(
        forward=matmul_flops(B_seqs, d_in, d_out),
        grad_weights=matmul_flops(d_in, B_seqs, d_out),
        grad_inputs=matmul_flops(B_seqs, d_out, d_in),
    )


# ---------------------------------------------------------------- MFU and HFU

def mfu(model_flops, seconds_taken, accelerator: Accelerator | str, chips) -> sp.Expr:
    """Model FLOPs utilisation: the model's FLOPs per second over the chips' dense bf16 peak.

    Examples:
        >>> from derivations.catalog.hardware import H100_SXM
        >>> mfu(989 * 10**12, 2, H100_SXM, 1)
        1/2
    """
    device = accelerator_named(accelerator)
    return positive("model_flops", model_flops) / (
        positive("seconds", seconds_taken) * device.flops_per_s * positive("chips", chips))


RECOMPUTE_FORWARDS = {"none": 0, "full": 1}  # extra forward passes per step


def hardware_flops_per_param_token(recompute: str = "none") -> sp.Integer:
    """FLOPs executed per parameter per token: 6, plus 2 per recomputed forward pass.

    Examples:
        >>> hardware_flops_per_param_token("full")
        8
        >>> hardware_flops_per_param_token("some")
        Traceback (most recent call last):
        ...
        ValueError: recompute must be one of none, full; got 'some'
    """
    if recompute not in RECOMPUTE_FORWARDS:
        raise ValueError(f"recompute must be one of {', '.join(RECOMPUTE_FORWARDS)}; got {recompute!r}")
    return sp.Integer(6 + 2 * RECOMPUTE_FORWARDS[recompute])


@_dataclass(frozen=True)
class Utilisation(_render.Published):
    """MFU and HFU as formulas."""

    mfu: sp.Expr
    hfu: sp.Expr

    def to_markdown(self, lang: str) -> str:
        return _render.equations([
            (r"\mathrm{MFU}", self.mfu),
            (r"\mathrm{HFU}", self.hfu),
            (r"\mathrm{HFU} / \mathrm{MFU}", sp.simplify(self.hfu / self.mfu)),
        ])


@derived
def utilisation(recompute: str = "full") -> Utilisation:
    """MFU counts the model's 6·N·D FLOPs; HFU counts what the chips executed, recomputation included.

    Examples:
        >>> utilisation().hfu / utilisation().mfu
        4/3
    """
    useful = train_flops(N, D)
    executed = hardware_flops_per_param_token(recompute) * N * D
    return Utilisation(useful / (seconds * n_chips * peak), executed / (seconds * n_chips * peak))


def mfu_bound(intensity_value, accelerator: Accelerator | str) -> sp.Expr:
    """The roofline's ceiling on MFU: min(1, arithmetic intensity / accelerator intensity).

    Examples:
        >>> from derivations.catalog.hardware import H100_SXM
        >>> mfu_bound(sp.Rational(1, 4), H100_SXM)
        67/79120
        >>> mfu_bound(1000, H100_SXM)
        1
    """
    device = accelerator_named(accelerator)
    return sp.Min(1, positive("intensity", intensity_value) / device.ridge)


# ---------------------------------------------------------------- memory: bytes per parameter

OPTIMIZER_STATES = {"sgd": 0, "sgd_momentum": 1, "adagrad": 1, "adam": 2}  # values kept per parameter


@_dataclass(frozen=True)
class Recipe:
    """Which copies of each parameter training keeps, and in which format.

    `parts` lists (column, format, copies); bytes per parameter is the sum of
    copies × bytes of the format, so every convention is derived from what it stores.
    """

    name: str  # its i18n message key
    parts: tuple[tuple[str, _formats.Format, int], ...]
    source: str

    @property
    def bytes_per_param(self) -> sp.Rational:
        return sum((copies * f.bytes for _, f, copies in self.parts), sp.Integer(0))

    def bytes_of(self, column: str) -> sp.Rational:
        return sum((copies * f.bytes for c, f, copies in self.parts if c == column), sp.Integer(0))


_ADAM = OPTIMIZER_STATES["adam"]
FP32_ADAM = Recipe("tr_recipe_fp32", (("weights", _formats.FP32, 1), ("grads", _formats.FP32, 1),
                                      ("moments", _formats.FP32, _ADAM)),
                   "https://github.com/stanford-cs336/spring2025-lectures/blob/main/lecture_02.py")
MIXED_MASTER = Recipe("tr_recipe_mixed", (("weights", _formats.BF16, 1), ("grads", _formats.BF16, 1),
                                          ("master", _formats.FP32, 1), ("moments", _formats.FP32, _ADAM)),
                      "https://arxiv.org/abs/1910.02054")  # ZeRO, section 3.1: 2Ψ + 2Ψ + KΨ with K = 12
LECTURE_2026 = Recipe("tr_recipe_2026", (("weights", _formats.BF16, 1), ("grads", _formats.BF16, 1),
                                         ("moments", _formats.FP32, _ADAM)),
                      "https://github.com/stanford-cs336/lectures/blob/main/lecture_02.py")
SCALING_BOOK = Recipe("tr_recipe_book", (("weights", _formats.BF16, 1), ("moments", _formats.FP32, _ADAM)),
                      "https://jax-ml.github.io/scaling-book/training/")
FP32_ACCUMULATION = Recipe("tr_recipe_accum", (("weights", _formats.BF16, 1), ("grads", _formats.BF16, 1),
                                               ("master", _formats.FP32, 1), ("accum", _formats.FP32, 1),
                                               ("moments", _formats.FP32, _ADAM)),
                           "https://huggingface.co/spaces/nanotron/ultrascale-playbook")
RECIPES: tuple[Recipe, ...] = (FP32_ADAM, MIXED_MASTER, LECTURE_2026, SCALING_BOOK, FP32_ACCUMULATION)
_COLUMNS = ("weights", "grads", "master", "accum", "moments")


def recipe(name: str | Recipe) -> Recipe:
    """Look a recipe up by constant name or message key (a Recipe passes through).

    Examples:
        >>> recipe("LECTURE_2026").bytes_per_param
        12
        >>> recipe("FP64")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: recipe 'FP64' is unknown; known: FP32_ADAM, MIXED_MASTER, LECTURE_2026, ..., FP32_ACCUMULATION
    """
    from .core.validate import lookup

    return lookup("recipe", name, {k: v for k, v in globals().items() if k.isupper()}, Recipe)


def largest_model(memory_bytes, recipe_used: Recipe | str | int) -> sp.Rational:
    """Parameters whose weights, gradients and optimizer state fill `memory_bytes` (no activations);
    `recipe_used` is a recipe or a number of bytes per parameter.

    Examples:
        >>> largest_model(8 * 80 * 10**9, FP32_ADAM)
        40000000000
    """
    per_param = recipe_used if isinstance(recipe_used, (int, sp.Integer)) else recipe(recipe_used).bytes_per_param
    return positive("memory_bytes", memory_bytes) / positive("bytes_per_param", per_param)


@_dataclass(frozen=True)
class RecipeTable(_render.Published):
    """Bytes per parameter of each recipe and the largest model it trains on the given chips."""

    recipes: tuple[Recipe, ...]
    accelerator: Accelerator
    chips: int

    def to_markdown(self, lang: str) -> str:
        header = [_term("tr_recipe", lang), *(_message(f"tr_{c}_col", lang) for c in _COLUMNS),
                  _message("tr_total_col", lang),
                  _message("tr_largest_col", lang, chips=self.chips, accelerator=self.accelerator.name)]
        rows = []
        for r in self.recipes:
            cells = [_render.math(r.bytes_of(c)) if r.bytes_of(c) else "—" for c in _COLUMNS]
            largest = largest_model(self.chips * self.accelerator.hbm_bytes, r)
            rows.append([_message(r.name, lang), *cells, f"$\\mathbf{{{r.bytes_per_param}}}$",
                         f"${_render.decimal(largest, 3)}$"])
        return _render.table(header, rows)


@derived
def recipe_table(accelerator: Accelerator | str = "H100_SXM", chips: int = 8) -> RecipeTable:
    """Each bytes-per-parameter convention from its recipe, and the largest model it trains on `chips`."""
    return RecipeTable(RECIPES, accelerator_named(accelerator), int(_positive_int("chips", chips)))


# ---------------------------------------------------------------- transformer accounting

COMPONENTS = ("embedding", "attn_proj", "attn_scores", "attn_values", "mlp", "norms", "lm_head")


@_dataclass(frozen=True)
class Component:
    """One component of the accounting: its key, parameters and forward FLOPs."""

    key: str
    params: sp.Expr
    forward_flops: sp.Expr


@_dataclass(frozen=True)
class Accounting(_render.Published):
    """Parameters and FLOPs of one training step of a decoder-only transformer, by component.

    Matmuls only: norms, softmax, activations functions and residual adds are elementwise
    and left out. The backward pass is two matmuls of the same size per forward matmul.
    """

    model: _Model | None
    seq_len: sp.Expr
    batch: sp.Expr
    components: tuple[Component, ...]

    @property
    def params(self) -> sp.Expr:
        return sp.expand(sum(c.params for c in self.components))

    @property
    def forward_flops(self) -> sp.Expr:
        return sp.expand(sum(c.forward_flops for c in self.components))

    @property
    def backward_flops(self) -> sp.Expr:
        return 2 * self.forward_flops

    @property
    def step_flops(self) -> sp.Expr:
        return self.forward_flops + self.backward_flops

    @property
    def ratio_to_6nd(self) -> sp.Expr:
        """Exact step FLOPs over 6 · params · tokens of the step."""
        return sp.simplify(self.step_flops / train_flops(self.params, self.seq_len * self.batch))

    def component(self, key: str) -> Component:
        return next(c for c in self.components if c.key == key)

    def to_markdown(self, lang: str) -> str:
        header = [_term("tr_component", lang), _message("tr_params_col", lang), _message("tr_fwd_col", lang),
                  _term("tr_share", lang)]
        numeric = self.forward_flops.is_number

        def cell(x):
            return f"${_render.integer(x)}$" if numeric else _render.math(x)

        rows = [[_message(f"tr_acc_{c.key}", lang), cell(c.params), cell(c.forward_flops),
                 f"${_render.decimal(100 * c.forward_flops / self.forward_flops, 3)}\\,\\%$" if numeric else "—"]
                for c in self.components]
        rows.append([f"**{_message('tr_acc_total', lang)}**", cell(self.params), cell(self.forward_flops),
                     "$100\\,\\%$" if numeric else "—"])
        return _render.table(header, rows)


def _components(L, D_, F, Nh, K, H, V, T, B):
    """Each component's (parameters, forward FLOPs); shapes as in `Model`."""
    tokens = B * T
    proj = 2 * D_ * Nh * H + 2 * D_ * K * H  # Wq, Wo: D×NH; Wk, Wv: D×KH
    pairs = B * L * Nh * T * T  # (query, key) pairs, causal mask ignored
    return (
        Component("embedding", V * D_, sp.Integer(0)),  # a lookup
        Component("attn_proj", L * proj, 2 * tokens * L * proj),
        Component("attn_scores", sp.Integer(0), 2 * pairs * H),  # Q Kᵀ
        Component("attn_values", sp.Integer(0), 2 * pairs * H),  # P V
        Component("mlp", L * 3 * D_ * F, 2 * tokens * L * 3 * D_ * F),
        Component("norms", (2 * L + 1) * D_, sp.Integer(0)),
        Component("lm_head", V * D_, 2 * tokens * D_ * V),
    )


@derived
def accounting(model, seq_len, batch=1) -> Accounting:
    """Parameters and matmul FLOPs of a gated-MLP, untied, RMSNorm, bias-free transformer.

    `model` is a catalog `Model` (or its name); `seq_len` tokens per sequence, `batch` sequences.

    Examples:
        >>> from derivations.catalog.models import LLAMA2_7B
        >>> result = accounting(LLAMA2_7B, 4096)
        >>> result.params == LLAMA2_7B.published_params
        True
        >>> result.backward_flops == 2 * result.forward_flops
        True
        >>> accounting(LLAMA2_7B, 0)
        Traceback (most recent call last):
        ...
        ValueError: seq_len must be positive, got 0
    """
    shape = _model_named(model)
    T = _positive_int("seq_len", seq_len)
    B = _positive_int("batch", batch)
    return Accounting(shape, T, B, _components(shape.L, shape.D, shape.F, shape.N, shape.K, shape.H, shape.V, T, B))


@derived
def accounting_formulas() -> Accounting:
    """The same count with every size a symbol.

    Examples:
        >>> accounting_formulas().params
        3*D*F*L + 2*D*H*K*L + 2*D*H*L*N + 2*D*L + 2*D*V + D
    """
    s = _shape
    return Accounting(None, T_ctx, B_seqs, _components(s.L, s.D, s.F, s.N, s.K, s.H, s.V, T_ctx, B_seqs))


@_dataclass(frozen=True)
class AccountingFormulas(_render.Published):
    """An accounting's parameter count and forward FLOPs per token, as formulas."""

    accounting: Accounting

    def to_markdown(self, lang: str) -> str:
        a = self.accounting
        per_token = sp.expand(a.forward_flops / (B_seqs * T_ctx))
        return _render.equations([
            (r"P", a.params),
            (r"C_{\mathrm{fwd}} / (B T)", per_token),
            (r"C_{\mathrm{bwd}} / C_{\mathrm{fwd}}", sp.simplify(a.backward_flops / a.forward_flops)),
            (r"C_{\mathrm{step}} / (B T) - 6 P", sp.factor(sp.expand(3 * per_token - 6 * a.params))),
        ])


@derived
def accounting_equations() -> AccountingFormulas:
    """P, forward FLOPs per token, and how far 6·P per token is from the exact count."""
    return AccountingFormulas(accounting_formulas())


def _activations(L, D_, F, Nh, K, H, V, T, B):
    """Values kept for the backward pass, one tensor per operation (Assignment 1's list)."""
    per_token_layer = (
        2 * D_                    # the two RMSNorm outputs
        + Nh * H + 2 * K * H      # Q, K, V
        + 2 * Nh * T              # scores and their softmax, per query token
        + Nh * H + D_             # weighted values, output projection
        + 4 * F + D_              # W1 and W3 outputs, SiLU, product; W2
    )
    per_token = L * per_token_layer + D_ + 2 * V  # final norm; logits, softmax
    return B * T * per_token


def activation_values(model, seq_len, batch=1) -> sp.Expr:
    """Values the backward pass keeps, by Assignment 1's list (one tensor per operation's output).

    Per layer: two RMSNorm outputs (2·D), Q, K, V (N·H + 2·K·H), scores and softmax (2·N·T),
    the weighted values (N·H), the output projection (D), the MLP's W1 and W3 outputs, SiLU and
    product (4·F), W2 (D); then the final norm (D), the logits and the softmax over them (2·V).

    Examples:
        >>> from derivations.catalog.models import LLAMA2_7B
        >>> activation_values(LLAMA2_7B, 1) == 32 * (4 * 4096 + 3 * 4096 + 2 * 32 + 4096 + 4 * 11008) + 4096 + 64000
        True
    """
    m = _model_named(model)
    T = _positive_int("seq_len", seq_len)
    B = _positive_int("batch", batch)
    return _activations(m.L, m.D, m.F, m.N, m.K, m.H, m.V, T, B)


@_dataclass(frozen=True)
class ActivationFormula(_render.Published):
    """A whole model's activation values, symbolic, shown per token."""

    values: sp.Expr

    def to_markdown(self, lang: str) -> str:
        per_token = sp.expand(self.values / (B_seqs * T_ctx))
        quadratic = sp.expand(per_token).coeff(T_ctx)
        return _render.equations([
            (r"A / (B T)", sp.collect(per_token, _shape.L)),
            (r"\partial (A / (B T)) / \partial T", quadratic),
        ])


@derived
def activation_formula() -> ActivationFormula:
    """Activation values of a whole model, symbolic: linear in T per token except the scores.

    Examples:
        >>> sp.expand(activation_formula().values / (B_seqs * T_ctx)).coeff(T_ctx)
        2*L*N
    """
    s = _shape
    return ActivationFormula(_activations(s.L, s.D, s.F, s.N, s.K, s.H, s.V, T_ctx, B_seqs))


@_dataclass(frozen=True)
class OptimizerTable(_render.Published):
    """Optimizer state values per parameter for each optimizer, and their fp32 bytes."""

    def to_markdown(self, lang: str) -> str:
        header = [_message("tr_optimizer_col", lang), _message("tr_states_col", lang), _message("tr_fp32_col", lang)]
        rows = [[_message(f"tr_opt_{name}", lang), str(count), _render.math(count * _formats.FP32.bytes)]
                for name, count in OPTIMIZER_STATES.items()]
        return _render.table(header, rows)


@derived
def optimizer_table() -> OptimizerTable:
    """Values of optimizer state per parameter: SGD none, momentum and AdaGrad one, Adam two."""
    return OptimizerTable()


_i18n.register("training", messages={
    'tr_optimizer_col': ('Optimizer', '优化器'),
    'tr_states_col': ('State values per parameter', '每参数状态值个数'),
    'tr_fp32_col': ('Bytes per parameter in fp32', 'fp32下每参数字节数'),
    'tr_opt_sgd': ('SGD', 'SGD'),
    'tr_opt_sgd_momentum': ('SGD with momentum (the running mean of gradients)', '动量法（梯度的滑动平均）'),
    'tr_opt_adagrad': ('AdaGrad (sum of squared gradients)', 'AdaGrad（梯度平方的累加和）'),
    'tr_opt_adam': ('Adam / AdamW (first and second moments)', 'Adam / AdamW（一阶矩与二阶矩）'),
})


# ---------------------------------------------------------------- lecture 2: the training calculator

bytes_per_param = define(TRAINING, "b_param", latex=r"b_{\mathrm{param}}",
                         en="bytes per parameter of a precision recipe", zh="某精度方案下的每参数字节数")
