"""Lecture 2 (PyTorch and resource accounting): presets, constants as lectured, claims, answers.

Two editions: spring 2025 (`stanford-cs336/spring2025-lectures`, lecture_02.py) and the 2026
edition (`stanford-cs336/lectures`, lecture_02.py). Where they differ from each other or from
the datasheet, both values are kept and the difference is a claim the build checks.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .. import formats, training
from ..catalog.hardware import H100_SXM, Accelerator
from ..catalog.models import LLAMA2_7B, LLAMA2_70B, LLAMA3_8B, LLAMA3_70B, Model
from ..core import i18n, render
from ..core.cache import derived
from ..core.claims import Claim, Claims
from ..core.i18n import message, pair, term
from ..core.validate import positive_int

LECTURE_2025 = "https://github.com/stanford-cs336/spring2025-lectures/blob/main/lecture_02.py"
LECTURE_2026 = "https://github.com/stanford-cs336/lectures/blob/main/lecture_02.py"
ASSIGNMENT_1 = "https://github.com/stanford-cs336/assignment1-basics"

i18n.register("lecture02", messages={
    'l02_edition': ('Edition', '版本'),
    'l02_2025': ('Spring 2025', '2025年春季版'),
    'l02_2026': ('2026', '2026版'),
    'l02_days': ('days', '天'),
    'l02_peak_lectured': ('H100 peak as lectured: 1979e12 / 2', '课上的H100峰值：1979e12 / 2'),
    'l02_peak_catalog': ('H100 SXM peak in the catalog (datasheet, dense)', '目录中的H100 SXM峰值（数据手册，稠密）'),
    'l02_model': ('Model', '模型'),
    'l02_context': ('Context', '上下文'),
    'l02_a1_params': ('Parameters (Assignment 1 architecture)', '参数量（作业1架构）'),
    'l02_gpt2_params': ('Parameters (original GPT-2 architecture)', '参数量（原版GPT-2架构）'),
    'l02_published': ('Published (Hugging Face)', '公开数值（Hugging Face）'),
    'l02_share_attn_proj': ('Attention projections', '注意力投影'),
    'l02_share_attn_tt': ('Scores and values (T²)', '分数与加权求和（T²项）'),
    'l02_share_mlp': ('MLP', 'MLP'),
    'l02_share_lm_head': ('LM head', 'LM头'),
    'l02_ratio': ('Step FLOPs / (6·N·T)', '单步FLOPs／(6·N·T)'),
    'l02_state_gb': ('Weights, gradients, AdamW state (GB, {bytes} B/param)', '权重、梯度、AdamW状态（GB，每参数{bytes}字节）'),
    'l02_act_gb': ('Activations, one sequence, bf16 (GB)', '激活值，单条序列，bf16（GB）'),
    'l02_operation': ('Operation', '运算'),
    'l02_flops': ('FLOPs', 'FLOPs'),
    'l02_bytes': ('Bytes', '字节'),
    'l02_intensity': ('Arithmetic intensity', '算术强度'),
    'l02_mfu_bound': ('MFU ≤ min(1, I / I*)', 'MFU ≤ min(1, I / I*)'),
    'l02_relu': ('ReLU, n values', 'ReLU，n个值'),
    'l02_gelu': ('GeLU, n values (20 FLOPs each)', 'GeLU，n个值（每个20 FLOPs）'),
    'l02_dot': ('Dot product, n', '点积，长度n'),
    'l02_matvec': ('Matrix–vector, n × n', '矩阵乘向量，n × n'),
    'l02_matmul': ('Matrix–matrix, n × n', '矩阵乘矩阵，n × n'),
})

# ---------------------------------------------------------------- constants as lectured

# Both editions: "H100 has a peak performance of 1979 teraFLOP/s with sparsity, 50% without".
# The catalog's H100_SXM uses the datasheet's dense bf16 figure, 989e12 (lecture 10 uses it).
H100_PEAK_AS_LECTURED = sp.Rational(1979 * 10**12, 2)
H100_AS_LECTURED = Accelerator("NVIDIA H100 SXM (as lectured, 1979e12/2)", H100_PEAK_AS_LECTURED,
                               H100_SXM.hbm_bytes_per_s, H100_SXM.hbm_bytes, LECTURE_2025)
A100_PEAK_AS_LECTURED = 312 * 10**12  # 2025: assert a100_flop_per_sec == 312e12

# Question 1 (both editions): 70B parameters, 15T tokens, 1024 H100s, MFU 0.5.
Q1_PARAMS, Q1_TOKENS, Q1_CHIPS, Q1_MFU = 70 * 10**9, 15 * 10**12, 1024, sp.Rational(1, 2)
# Question 2: 8 H100s of 80e9 bytes; 2025 counts 4 + 4 + (4 + 4) bytes per parameter, 2026 2 + 2 + (4 + 4).
Q2_CHIPS, Q2_HBM_BYTES = 8, 80 * 10**9
# "8 H100s for 2 weeks": the 2025 code computes 8 * (60 * 60 * 24 * 7) * h100_flop_per_sec.
WEEK_SECONDS = 60 * 60 * 24 * 7
TWO_WEEKS_AS_PRINTED_2025 = 8 * WEEK_SECONDS * H100_PEAK_AS_LECTURED
# One matrix of GPT-3's feed-forward layer in fp32: assert ... == 2304 * 1024 * 1024  # 2.3 GB
GPT3_D = 12288
GPT3_FFN_BYTES_ASSERTED = 2304 * 1024 * 1024

# GPT-2 shapes in Assignment 1's architecture (gated MLP, F = 4D, untied, RMSNorm, no biases).
_GPT2 = "https://huggingface.co/openai-community/{}"
GPT2_SMALL = Model("GPT-2 small", L=12, D=768, F=3072, N=12, K=12, H=64, V=50257, source=_GPT2.format("gpt2"))
GPT2_MEDIUM = Model("GPT-2 medium", L=24, D=1024, F=4096, N=16, K=16, H=64, V=50257,
                    source=_GPT2.format("gpt2-medium"))
GPT2_LARGE = Model("GPT-2 large", L=36, D=1280, F=5120, N=20, K=20, H=64, V=50257, source=_GPT2.format("gpt2-large"))
GPT2_XL = Model("GPT-2 XL", L=48, D=1600, F=6400, N=25, K=25, H=64, V=50257, source=_GPT2.format("gpt2-xl"))
GPT2_MODELS = (GPT2_SMALL, GPT2_MEDIUM, GPT2_LARGE, GPT2_XL)
GPT2_CONTEXT = 1024  # learned positions of the original GPT-2
# Parameter counts of the original checkpoints (tied embeddings, biases, LayerNorm, 4D MLP).
GPT2_PUBLISHED = {GPT2_SMALL: 124_439_808, GPT2_MEDIUM: 354_823_168, GPT2_LARGE: 774_030_080,
                  GPT2_XL: 1_557_611_200}
ACCOUNTING_MODELS = (*GPT2_MODELS, LLAMA2_7B, LLAMA3_8B, LLAMA2_70B, LLAMA3_70B)
CONTEXTS = (1024, 16384)


def gpt2_original_params(model: Model, context: int = GPT2_CONTEXT) -> int:
    """Parameters of the original GPT-2 architecture: tied embeddings, learned positions,
    LayerNorm (gain and bias), biases on every linear layer, a two-matrix 4D MLP.

    Examples:
        >>> gpt2_original_params(GPT2_SMALL)
        124439808
    """
    D, V, L = model.D, model.V, model.L
    per_layer = 2 * D + (3 * D * D + 3 * D) + (D * D + D) + 2 * D + (4 * D * D + 4 * D) + (4 * D * D + D)
    return V * D + int(positive_int("context", context)) * D + L * per_layer + 2 * D


# ---------------------------------------------------------------- napkin questions


@dataclass(frozen=True)
class NapkinTime(render.Published):
    flops: sp.Expr
    days_lectured: sp.Expr
    days_catalog: sp.Expr
    claims: Claims

    def to_markdown(self, lang: str) -> str:
        d = render.decimal
        eq = render.equations([
            ("C", f"6 \\cdot {d(Q1_PARAMS)} \\cdot {d(Q1_TOKENS)} = {d(self.flops)}"),
            ("t", r"\frac{C}{n \cdot \pi \cdot \mathrm{MFU} \cdot 86400\ \mathrm{s/d}}"),
            (f"t_{{\\pi = {d(H100_PEAK_AS_LECTURED, 5)}}}", f"{d(self.days_lectured, 5)}\\ \\mathrm{{d}}"),
            (f"t_{{\\pi = {d(H100_SXM.flops_per_s, 5)}}}", f"{d(self.days_catalog, 5)}\\ \\mathrm{{d}}"),
        ])
        return eq + self.claims.to_markdown(lang)


@derived
def napkin_time() -> NapkinTime:
    """Question 1: days to train 70B parameters on 15T tokens on 1024 H100s at MFU 0.5.

    Examples:
        >>> round(float(napkin_time().days_lectured), 2), round(float(napkin_time().days_catalog), 2)
        (143.93, 144.0)
    """
    flops = training.train_flops(Q1_PARAMS, Q1_TOKENS)
    lectured = training.days(flops, H100_AS_LECTURED, Q1_CHIPS, Q1_MFU)
    catalog = training.days(flops, H100_SXM, Q1_CHIPS, Q1_MFU)
    claims = Claims((
        Claim(("peak as lectured: 1979e12 / 2 (both editions)", "课上峰值：1979e12 / 2（两版相同）"),
              H100_PEAK_AS_LECTURED, "==", sp.Rational(9895, 10) * 10**12, r"\pi_{\mathrm{lecture}}"),
        Claim(("catalog peak (datasheet, dense bf16) is lower by 0.5e12", "目录峰值（数据手册，稠密bf16）低0.5e12"),
              H100_SXM.flops_per_s, "==", H100_PEAK_AS_LECTURED - sp.Rational(1, 2) * 10**12,
              r"\pi_{\mathrm{catalog}}"),
        Claim(("the catalog's constant adds under 0.06 % to the days", "目录常数使天数增加不到0.06%"),
              catalog / lectured - 1, "<", sp.Rational(6, 10000), r"t_{989}/t_{989.5} - 1"),
        Claim(("about 144 days either way", "两种常数下都约为144天"), sp.Abs(catalog - 144), "<", sp.Rational(1, 10),
              r"\lvert t_{989} - 144 \rvert"),
    ))
    return NapkinTime(flops, lectured, catalog, claims)


@dataclass(frozen=True)
class NapkinMemory(render.Published):
    rows: tuple[tuple[str, training.Recipe], ...]
    claims: Claims

    def to_markdown(self, lang: str) -> str:
        header = [message("l02_edition", lang), term("tr_bytes_per_param", lang),
                  message("tr_largest_col", lang, chips=Q2_CHIPS, accelerator="H100 (80 GB)")]
        body = []
        for edition, recipe in self.rows:
            parts = " + ".join(str(copies * f.bytes) for _, f, copies in recipe.parts)
            largest = training.largest_model(Q2_CHIPS * Q2_HBM_BYTES, recipe)
            body.append([message(edition, lang), f"${parts} = {recipe.bytes_per_param}$",
                         f"${render.decimal(largest, 3)}$"])
        return render.table(header, body) + self.claims.to_markdown(lang)


@derived
def napkin_memory() -> NapkinMemory:
    """Question 2: the largest model 8 H100s train with AdamW, activations left out, both editions.

    Examples:
        >>> napkin_memory().claims.items[0].derived
        40000000000
    """
    memory = Q2_CHIPS * Q2_HBM_BYTES
    claims = Claims((
        Claim(("2025: (80e9 · 8) / (4 + 4 + (4 + 4))", "2025版：(80e9 · 8) / (4 + 4 + (4 + 4))"),
              training.largest_model(memory, training.FP32_ADAM), "==", 40 * 10**9, "N_{2025}"),
        Claim(("2026: (80e9 · 8) / (2 + 2 + (4 + 4))", "2026版：(80e9 · 8) / (2 + 2 + (4 + 4))"),
              training.largest_model(memory, training.LECTURE_2026), "==", sp.Rational(160, 3) * 10**9, "N_{2026}"),
        Claim(("2025's caveat: bf16 copies plus an fp32 master save nothing", "2025版的附注：bf16副本加fp32主权重并不省内存"),
              training.MIXED_MASTER.bytes_per_param, "==", training.FP32_ADAM.bytes_per_param, "b_{\\mathrm{mixed}}"),
    ))
    return NapkinMemory((("l02_2025", training.FP32_ADAM), ("l02_2026", training.LECTURE_2026)), claims)


@derived
def errata() -> Claims:
    """What the lecture's code prints against what it says, checked.

    Examples:
        >>> len(errata().items)
        4
    """
    two_weeks = Q2_CHIPS * 2 * WEEK_SECONDS * H100_PEAK_AS_LECTURED
    gpt3_bytes = 4 * GPT3_D * 4 * GPT3_D
    return Claims((
        Claim(('2025: "8 H100s for 2 weeks" computes 8·(60·60·24·7)·peak, one week',
               '2025版：“8张H100训练2周”实际算的是8·(60·60·24·7)·峰值，只有一周'),
              two_weeks / TWO_WEEKS_AS_PRINTED_2025, "==", 2, r"C_{2\,\mathrm{wk}} / C_{\mathrm{printed}}"),
        Claim(("2026: the code has the factor 2 (8·2·(60·60·24·7)·peak)", "2026版：代码补上了因子2（8·2·(60·60·24·7)·峰值）"),
              two_weeks, "==", 8 * 2 * (60 * 60 * 24 * 7) * H100_PEAK_AS_LECTURED, r"C_{2\,\mathrm{wk}}"),
        Claim(("GPT-3 FFN matrix in fp32: 2304 · 1024 · 1024 bytes (the lecture's assert)",
               "GPT-3前馈层的一个矩阵（fp32）：2304 · 1024 · 1024字节（课上的断言）"),
              gpt3_bytes, "==", GPT3_FFN_BYTES_ASSERTED, r"4 \cdot 4d \cdot d"),
        Claim(('its comment "2.3 GB" is 2304 MiB: 2.42 GB or 2.25 GiB', "注释中的“2.3 GB”其实是2304 MiB：即2.42 GB或2.25 GiB"),
              sp.Rational(gpt3_bytes, 2**30), "==", sp.Rational(9, 4), r"\mathrm{bytes} / 2^{30}"),
    ))


@derived
def format_claims() -> Claims:
    """The lecture's statements about number formats, derived from the bit layouts.

    Examples:
        >>> all(claim.holds for claim in format_claims().items)
        True
    """
    return Claims((
        Claim(("fp8 E4M3: range [-448, 448]", "fp8 E4M3：范围[-448, 448]"), formats.FP8_E4M3.max, "==", 448,
              r"x_{\max}^{\mathrm{E4M3}}"),
        Claim(("fp8 E5M2: range [-57344, 57344]", "fp8 E5M2：范围[-57344, 57344]"), formats.FP8_E5M2.max, "==",
              57344, r"x_{\max}^{\mathrm{E5M2}}"),
        Claim(("bf16 has fp32's range", "bf16与fp32动态范围相同"), formats.BF16.min_normal, "==",
              formats.FP32.min_normal, r"x_{\min}^{\mathrm{bf16}}"),
        Claim(("bf16's largest value is within 1 % of fp32's", "bf16的最大值与fp32的相差不到1%"),
              formats.FP32.max / formats.BF16.max, "<", sp.Rational(101, 100), r"x_{\max}^{32}/x_{\max}^{\mathrm{bf16}}"),
        Claim(("fp16 halves fp32's memory", "fp16占用的内存是fp32的一半"), formats.FP16.bytes, "==",
              formats.FP32.bytes / 2, r"b_{16}"),
    ))


# ---------------------------------------------------------------- arithmetic intensity (2026 edition)


@dataclass(frozen=True)
class IntensityRow:
    key: str
    flops: sp.Expr
    bytes: sp.Expr


@dataclass(frozen=True)
class IntensityExamples(render.Published):
    n_vector: int
    n_matrix: int
    rows: tuple[IntensityRow, ...]
    claims: Claims

    def to_markdown(self, lang: str) -> str:
        header = [message("l02_operation", lang), message("l02_flops", lang), message("l02_bytes", lang),
                  message("l02_intensity", lang), message("l02_mfu_bound", lang)]
        body = []
        for row in self.rows:
            value = row.flops / row.bytes
            body.append([message(f"l02_{row.key}", lang), f"${render.integer(row.flops)}$",
                         f"${render.integer(row.bytes)}$", f"${render.decimal(value, 4)}$",
                         f"${render.decimal(training.mfu_bound(value, H100_AS_LECTURED), 3)}$"])
        return render.table(header, body) + self.claims.to_markdown(lang)


@derived
def intensity_examples(n_vector: int = 1024 * 1024, n_matrix: int = 1024) -> IntensityExamples:
    """The 2026 edition's five operations in bf16, with the roofline's bound on MFU (H100 as lectured).

    Examples:
        >>> [str(r.flops / r.bytes) for r in intensity_examples().rows][:2]
        ['1/4', '5']
    """
    n, m = n_vector, n_matrix
    rows = (
        IntensityRow("relu", sp.Integer(n), sp.Integer(2 * n + 2 * n)),
        IntensityRow("gelu", sp.Integer(20 * n), sp.Integer(2 * n + 2 * n)),
        IntensityRow("dot", sp.Integer(2 * n - 1), sp.Integer(2 * n + 2 * n + 2)),
        IntensityRow("matvec", sp.Integer(m * (2 * m - 1)), sp.Integer(2 * m + 2 * m * m + 2 * m)),
        IntensityRow("matmul", sp.Integer(m * m * (2 * m - 1)), sp.Integer(3 * 2 * m * m)),
    )
    ridge = H100_AS_LECTURED.ridge
    claims = Claims(tuple(
        Claim((f"{message('l02_' + row.key, 'en')}: {'compute' if row.key == 'matmul' else 'memory'}-bound",
               f"{message('l02_' + row.key, 'zh')}：{'计算受限' if row.key == 'matmul' else '内存受限'}"),
              row.flops / row.bytes, ">" if row.key == "matmul" else "<", ridge, f"I_{{\\mathrm{{{row.key}}}}}")
        for row in rows))
    return IntensityExamples(n, m, rows, claims)


# ---------------------------------------------------------------- transformer accounting


@dataclass(frozen=True)
class Gpt2Check(render.Published):
    rows: tuple[tuple[Model, int, int, int], ...]
    claims: Claims

    def to_markdown(self, lang: str) -> str:
        header = [message("l02_model", lang), "$L$", "$D$", "$N$", message("l02_a1_params", lang),
                  message("l02_gpt2_params", lang), message("l02_published", lang)]
        body = [[m.name, str(m.L), str(m.D), str(m.N), f"${render.integer(a1)}$", f"${render.integer(orig)}$",
                 f"${render.integer(pub)}$"] for m, a1, orig, pub in self.rows]
        return render.table(header, body) + self.claims.to_markdown(lang)


@derived
def gpt2_check() -> Gpt2Check:
    """GPT-2 shapes: the Assignment 1 count, and the original architecture's count against the checkpoints."""
    rows = tuple((m, training.accounting(m, GPT2_CONTEXT).params, gpt2_original_params(m), GPT2_PUBLISHED[m])
                 for m in GPT2_MODELS)
    claims = Claims(tuple(
        Claim((f"{m.name}: original architecture = published", f"{m.name}：原版架构 = 公开数值"), orig, "==", pub,
              r"P_{\mathrm{GPT\text{-}2}}") for m, _, orig, pub in rows))
    return Gpt2Check(rows, claims)


@dataclass(frozen=True)
class TransformerTable(render.Published):
    seq_len: int
    rows: tuple[tuple[Model, training.Accounting, sp.Expr], ...]

    def to_markdown(self, lang: str) -> str:
        header = [message("l02_model", lang), message("tr_params_col", lang), message("tr_fwd_col", lang),
                  message("l02_share_attn_proj", lang), message("l02_share_attn_tt", lang),
                  message("l02_share_mlp", lang), message("l02_share_lm_head", lang), message("l02_ratio", lang),
                  message("l02_state_gb", lang, bytes=training.MIXED_MASTER.bytes_per_param),
                  message("l02_act_gb", lang)]
        body = []
        for model, a, activations in self.rows:
            total = a.forward_flops

            def share(*keys):
                return f"${render.decimal(100 * sum(a.component(k).forward_flops for k in keys) / total, 3)}\\,\\%$"

            body.append([model.name, f"${render.decimal(a.params, 4)}$", f"${render.decimal(total, 4)}$",
                         share("attn_proj"), share("attn_scores", "attn_values"), share("mlp"), share("lm_head"),
                         f"${render.decimal(a.ratio_to_6nd, 4)}$",
                         f"${render.decimal(a.params * training.MIXED_MASTER.bytes_per_param / 10**9, 4)}$",
                         f"${render.decimal(activations * formats.BF16.bytes / 10**9, 3)}$"])
        return render.table(header, body)


@derived
def transformer_table(seq_len: int = 1024) -> TransformerTable:
    """Every accounting model at one context: parameters, forward FLOPs, shares, 6ND ratio, memory."""
    T = int(positive_int("seq_len", seq_len))
    rows = tuple((m, training.accounting(m, T), training.activation_values(m, T)) for m in ACCOUNTING_MODELS)
    return TransformerTable(T, rows)


@dataclass(frozen=True)
class ShareShift(render.Published):
    """How GPT-2 XL's forward FLOPs move between components from context 1024 to 16384."""

    model: Model
    short: training.Accounting
    long: training.Accounting

    def to_markdown(self, lang: str) -> str:
        header = [term("tr_component", lang), f"$T = {self.short.seq_len}$", f"$T = {self.long.seq_len}$"]
        body = []
        for c in self.short.components:
            if c.forward_flops == 0 and self.long.component(c.key).forward_flops == 0:
                continue
            shares = (100 * a.component(c.key).forward_flops / a.forward_flops for a in (self.short, self.long))
            body.append([message(f"tr_acc_{c.key}", lang), *(f"${render.decimal(s, 3)}\\,\\%$" for s in shares)])
        body.append([message("l02_ratio", lang), *(f"${render.decimal(a.ratio_to_6nd, 4)}$" for a in (self.short, self.long))])
        return render.table(header, body)


@derived
def share_shift(short: int = 1024, long: int = 16384) -> ShareShift:
    """Assignment 1's question: GPT-2 XL's FLOPs by component at two contexts."""
    return ShareShift(GPT2_XL, training.accounting(GPT2_XL, short), training.accounting(GPT2_XL, long))


@derived
def xl_accounting(seq_len: int = 1024) -> training.Accounting:
    """GPT-2 XL (Assignment 1 architecture) by component at `seq_len`."""
    return training.accounting(GPT2_XL, seq_len)
