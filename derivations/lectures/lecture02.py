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
    'l02_share_attn_tt': ('Scores and values (T²)', '注意力分数与加权求和（T²项）'),
    'l02_share_mlp': ('MLP', 'MLP'),
    'l02_share_lm_head': ('LM head', '语言模型头'),
    'l02_ratio': ('Step FLOPs / (6·N·T)', '单步FLOPs/(6·N·T)'),
    'l02_state_gb': ('Weights, gradients, AdamW state (GB, {bytes} B/param)',
                     '权重、梯度、AdamW状态（GB，每参数{bytes}字节）'),
    'l02_act_gb': ('Activations, one sequence, bf16 (GB)', '单条序列的激活值，bf16（GB）'),
    'l02_operation': ('Operation', '运算'),
    'l02_flops': ('FLOPs', 'FLOPs'),
    'l02_bytes': ('Bytes', '字节'),
    'l02_intensity': ('Arithmetic intensity', '算术强度'),
    'l02_mfu_bound': ('MFU ≤ min(1, I / I*)', 'MFU ≤ min(1, I / I*)'),
    'l02_relu': ('ReLU, n values', 'ReLU，n个值'),
    'l02_gelu': ('GeLU, n values (20 FLOPs each)', 'GeLU，n个值（每个值20次FLOP）'),
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


def napkin_days(peak) -> sp.Expr:
    """Question 1 the lecture's way: total FLOPs over FLOPs per day."""
    total_flops = training.train_flops(Q1_PARAMS, Q1_TOKENS)
    seconds_per_day = 60 * 60 * 24
    flops_per_day = peak * Q1_MFU * Q1_CHIPS * seconds_per_day
    return total_flops / flops_per_day


def napkin_params(bytes_per_param) -> sp.Expr:
    """Question 2: the HBM of 8 H100s over bytes per parameter."""
    return sp.Integer(Q2_CHIPS * Q2_HBM_BYTES) / bytes_per_param


@dataclass(frozen=True)
class NapkinTime(render.Published):
    """Question 1's answer: training FLOPs, days as lectured and with catalog figures, and the claims checked."""

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
        Claim(("catalog peak (datasheet, dense bf16) is lower by 0.5e12", "目录峰值（数据手册，稠密bf16）比它低0.5e12"),
              H100_SXM.flops_per_s, "==", H100_PEAK_AS_LECTURED - sp.Rational(1, 2) * 10**12,
              r"\pi_{\mathrm{catalog}}"),
        Claim(("the catalog's constant adds under 0.06 % to the days", "目录常数使天数增加不到0.06%"),
              catalog / lectured - 1, "<", sp.Rational(6, 10000), r"t_{989}/t_{989.5} - 1"),
        Claim(("the lecture's arithmetic = training.days (as lectured)", "课上的算法 = training.days（课上常数）"),
              napkin_days(H100_PEAK_AS_LECTURED), "==", lectured, r"t_{989.5}"),
        Claim(("the lecture's arithmetic = training.days (catalog)", "课上的算法 = training.days（目录常数）"),
              napkin_days(H100_SXM.flops_per_s), "==", catalog, r"t_{989}"),
        Claim(("about 144 days either way", "两种常数下都约为144天"), sp.Abs(catalog - 144), "<", sp.Rational(1, 10),
              r"\lvert t_{989} - 144 \rvert"),
    ))
    return NapkinTime(flops, lectured, catalog, claims)


@dataclass(frozen=True)
class NapkinMemory(render.Published):
    """Question 2's answer: the largest trainable model under each edition's recipe, and the claims checked."""

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
              napkin_params(4 + 4 + (4 + 4)), "==", training.largest_model(memory, training.FP32_ADAM),
              "N_{2025}"),
        Claim(("2026: (80e9 · 8) / (2 + 2 + (4 + 4))", "2026版：(80e9 · 8) / (2 + 2 + (4 + 4))"),
              napkin_params(2 + 2 + (4 + 4)), "==", training.largest_model(memory, training.LECTURE_2026),
              "N_{2026}"),
        Claim(("2025's caveat: bf16 copies plus an fp32 master save nothing",
               "2025版的附注：bf16副本加fp32主权重并不省内存"),
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
        Claim(("2026: the code has the factor 2 (8·2·(60·60·24·7)·peak)",
               "2026版：代码补上了因子2（8·2·(60·60·24·7)·峰值）"),
              two_weeks, "==", 8 * 2 * (60 * 60 * 24 * 7) * H100_PEAK_AS_LECTURED, r"C_{2\,\mathrm{wk}}"),
        Claim(("GPT-3 FFN matrix in fp32: 2304 · 1024 · 1024 bytes (the lecture's assert)",
               "GPT-3前馈层的一个矩阵（fp32）：2304 · 1024 · 1024字节（课上的断言）"),
              gpt3_bytes, "==", GPT3_FFN_BYTES_ASSERTED, r"4 \cdot 4d \cdot d"),
        Claim(('its comment "2.3 GB" is 2304 MiB: 2.42 GB or 2.25 GiB',
               "注释中的“2.3 GB”其实是2304 MiB：即2.42 GB或2.25 GiB"),
              sp.Rational(gpt3_bytes, 2**30), "==", sp.Rational(9, 4), r"M_{\mathrm{FFN}} / 2^{30}"),
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
              formats.FP32.max / formats.BF16.max, "<", sp.Rational(101, 100),
              r"x_{\max}^{32}/x_{\max}^{\mathrm{bf16}}"),
        Claim(("fp16 halves fp32's memory", "fp16占用的内存是fp32的一半"), formats.FP16.bytes, "==",
              formats.FP32.bytes / 2, r"b_{16}"),
    ))


# ---------------------------------------------------------------- arithmetic intensity (2026 edition)


@dataclass(frozen=True)
class IntensityRow:
    """One operation of the intensity examples: its glossary key, FLOPs and bytes moved."""

    key: str
    flops: sp.Expr
    bytes: sp.Expr


@dataclass(frozen=True)
class IntensityExamples(render.Published):
    """The 2026 edition's operations with their FLOPs, bytes and intensities, and the claims checked."""

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
    """GPT-2 parameter counts (Assignment 1's and the original architecture's) against the checkpoints."""

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
    """Each accounting model at one context: parameters, forward FLOPs, their shares, 6ND ratio and memory."""

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

            def share(*keys, a=a, total=total):
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
        body.append([message("l02_ratio", lang),
                     *(f"${render.decimal(a.ratio_to_6nd, 4)}$" for a in (self.short, self.long))])
        return render.table(header, body)


@derived
def share_shift(short: int = 1024, long: int = 16384) -> ShareShift:
    """Assignment 1's question: GPT-2 XL's FLOPs by component at two contexts."""
    return ShareShift(GPT2_XL, training.accounting(GPT2_XL, short), training.accounting(GPT2_XL, long))


@derived
def xl_accounting(seq_len: int = 1024) -> training.Accounting:
    """GPT-2 XL (Assignment 1 architecture) by component at `seq_len`."""
    return training.accounting(GPT2_XL, seq_len)


# ---------------------------------------------------------------- worked questions (answers)


@dataclass(frozen=True)
class Answer(render.Published):
    """A collapsed answer: paragraphs written side by side in both languages, numbers derived."""

    paragraphs: tuple[tuple[str, str], ...]

    def to_markdown(self, lang: str) -> str:
        body = "\n\n".join(pair(en, zh, lang) for en, zh in self.paragraphs)
        indented = "\n".join(f"    {line}" if line else "" for line in body.splitlines())
        return f'\n??? note "{message("fmt_answer", lang)}"\n\n{indented}\n'


def _m(value, digits: int = 4) -> str:
    """Inline math for an exact number: integers grouped, others as decimals."""
    value = sp.sympify(value)
    if value.is_infinite:
        return r"$\infty$"
    if value.is_Integer and abs(value) < 10**15:
        return f"${render.integer(value)}$"
    return f"${render.decimal(value, digits)}$"


@derived
def answer(key: str) -> Answer:
    """The answer to one worked question; `key` names it (see ANSWERS).

    Examples:
        >>> "65504" in answer("fmt-overflow").to_markdown("en").replace("{,}", "")
        True
        >>> answer("nope")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: key must be one of fmt-overflow, fmt-accumulate, ..., mem-accumulation; got 'nope'
    """
    if key not in ANSWERS:
        raise ValueError(f"key must be one of {', '.join(ANSWERS)}; got {key!r}")
    return Answer(ANSWERS[key]())


def _fmt_overflow():
    f = formats.FP16
    below, at = f.round(65519), f.round(65520)
    return ((f"The spacing of fp16 just below its largest value is {_m(f.spacing(f.max))}, so the representable "
             f"neighbours of 65520 are {_m(f.max)} and the next step up, {_m(f.max + f.spacing(f.max))}, which is "
             f"already past the largest finite value. 65520 is exactly halfway; ties go to the even mantissa, "
             f"the upper one, so it overflows: 65519 rounds to {_m(below)}, 65520 to {_m(at)}.",
             f"fp16在最大值附近的间距是{_m(f.spacing(f.max))}，所以65520两侧可表示的值是{_m(f.max)}和再往上一格的"
             f"{_m(f.max + f.spacing(f.max))}，后者已超出最大有限值。"
             "65520恰在正中间，按偶数优先取尾数为偶数的值，也就是上面那个，"
             f"于是上溢：65519舍入为{_m(below)}，65520舍入为{_m(at)}。"),)


def _fmt_accumulate():
    f = formats.BF16
    return ((f"At 256 the spacing of bf16 is {_m(f.spacing(256))}, so 256 + 1 = 257 lies halfway between 256 "
             f"and 258 and rounds to the even mantissa: {_m(f.round(257))}. A running sum kept in bf16 stops "
             f"growing once it reaches 256 if it adds ones; in fp32 the spacing at 256 is "
             f"{_m(formats.FP32.spacing(256))}, which is why sums and optimizer state stay in fp32.",
             f"bf16在256处的间距是{_m(f.spacing(256))}，所以256 + 1 = 257正好落在256与258中间，按偶数优先舍入为"
             f"{_m(f.round(257))}。用bf16保存的累加和如果每次加1，到256就不再增长；fp32在256处的间距是"
             f"{_m(formats.FP32.spacing(256))}，这就是求和与优化器状态要留在fp32的原因。"),)


def _fmt_flush():
    f = formats.FP16
    half = f.min_subnormal / 2
    return ((f"The smallest fp16 subnormal is {_m(f.min_subnormal)} (that is $2^{{-24}}$); anything at or below "
             f"half of it, {_m(half)}, rounds to 0 (the tie at exactly half goes to the even pattern, 0). "
             f"$10^{{-8}}$ is below that threshold, so it becomes {_m(f.round(sp.Rational(1, 10**8)))}; "
             f"in bf16 the smallest normal value is {_m(formats.BF16.min_normal)}, far below $10^{{-8}}$.",
             f"fp16最小的次正规数是{_m(f.min_subnormal)}（即$2^{{-24}}$）；不超过它一半（{_m(half)}）的数都舍入为0"
             f"（恰好等于一半时按偶数优先舍入，得0）。"
             f"$10^{{-8}}$低于这个阈值，于是变成{_m(f.round(sp.Rational(1, 10**8)))}；"
             f"而bf16的最小正规数是{_m(formats.BF16.min_normal)}，远小于$10^{{-8}}$。"),)


def _fmt_fp8():
    a, b = formats.FP8_E4M3, formats.FP8_E5M2
    return ((f"E4M3 has machine epsilon {_m(a.eps)} and reaches {_m(a.max)}; E5M2 has {_m(b.eps)} and reaches "
             f"{_m(b.max)}. One more exponent bit buys a range {_m(b.max / a.max)} times larger at half the "
             f"precision: the usual split is E4M3 for weights and activations (precision) and E5M2 for "
             f"gradients (range).",
             f"E4M3的机器精度是{_m(a.eps)}，最大值{_m(a.max)}；E5M2的机器精度是{_m(b.eps)}，最大值{_m(b.max)}。"
             f"多一位指数，范围扩大到{_m(b.max / a.max)}倍，代价是精度减半。"
             "常见的分工是：权重和激活值用E4M3（要精度），"
             f"梯度用E5M2（要范围）。"),)


def _fmt_weights():
    n = LLAMA3_8B.published_params
    rows_en = "; ".join(f"{f.name}: {_m(n * f.bytes / 10**9, 4)} GB" for f in
                        (formats.FP32, formats.BF16, formats.FP8_E4M3))
    rows_zh = "；".join(f"{f.name}：{_m(n * f.bytes / 10**9, 4)} GB" for f in
                       (formats.FP32, formats.BF16, formats.FP8_E4M3))
    return ((f"Llama 3 8B has {_m(n)} parameters. Weights alone: {rows_en}.",
             f"Llama 3 8B有{_m(n)}个参数。仅权重就要占：{rows_zh}。"),)


def _flops_matmul():
    m, n, p = 4096, 8192, 28672
    flops = training.matmul_flops(m, n, p)
    seconds = flops / H100_SXM.flops_per_s
    return ((f"$2 m n p$ = {_m(flops)} FLOPs. At the H100 SXM's dense bf16 peak that is at least "
             f"{_m(seconds * 1000, 3)} ms: FLOPs count work, FLOP/s measure the chip.",
             f"$2 m n p$ = {_m(flops)} FLOPs。按H100 SXM的稠密bf16峰值，至少需要{_m(seconds * 1000, 3)}毫秒："
             f"FLOPs衡量工作量，FLOP/s衡量芯片的速度。"),)


def _flops_two_layer():
    B, D = 1024, 256  # the 2026 edition's gradients_flops example
    forward = 2 * training.matmul_flops(B, D, D)
    backward = 2 * (training.matmul_flops(D, B, D) + training.matmul_flops(B, D, D))
    return ((f"Forward: two products of $B \\times D$ by $D \\times D$, {_m(forward)} FLOPs. Backward: for each "
             f"layer one product for the weight gradient and one for the input gradient, {_m(backward)} FLOPs, "
             f"{_m(sp.Rational(backward, forward))} times the forward. Per parameter per example: "
             f"{_m(sp.Rational(forward + backward, B * 2 * D * D))}. (The first layer's input gradient is not "
             f"needed, so a careful implementation skips {_m(training.matmul_flops(B, D, D))} of them.)",
             f"前向：两次$B \\times D$乘$D \\times D$，共{_m(forward)} FLOPs。"
             "反向：每层一次乘法求权重梯度、一次求输入梯度，"
             f"共{_m(backward)} FLOPs，是前向的{_m(sp.Rational(backward, forward))}倍。折合每参数每样本"
             f"{_m(sp.Rational(forward + backward, B * 2 * D * D))} FLOPs。（第一层对输入的梯度用不上，"
             f"实现得仔细一些，可以省下其中的{_m(training.matmul_flops(B, D, D))}。）"),)


def _flops_llama():
    n, tokens = LLAMA3_8B.published_params, 15 * 10**12
    flops = training.train_flops(n, tokens)
    days = training.days(flops, H100_SXM, 1024, sp.Rational(2, 5))
    return ((f"$6 N D$ = {_m(flops)} FLOPs; on 1024 H100 SXM at MFU 0.4 that is {_m(days, 3)} days.",
             f"$6 N D$ = {_m(flops)} FLOPs；在1024张H100 SXM上、MFU为0.4时需要{_m(days, 3)}天。"),)


def _flops_hfu():
    ratio = training.utilisation("full").hfu / training.utilisation("full").mfu
    return ((f"Full recomputation runs each forward twice: the chips execute "
             f"{_m(training.hardware_flops_per_param_token('full'))} FLOPs per parameter per token for 6 useful "
             f"ones, so HFU = {_m(ratio)} × MFU = {_m(ratio * sp.Rational(45, 100))}.",
             f"完全重计算相当于每次前向都跑两遍：芯片每参数每词元实际执行"
             f"{_m(training.hardware_flops_per_param_token('full'))}次FLOP，其中有用的只有6次，所以HFU = "
             f"{_m(ratio)} × MFU = {_m(ratio * sp.Rational(45, 100))}。"),)


def _flops_matvec():
    row = next(r for r in intensity_examples().rows if r.key == "matvec")
    value = row.flops / row.bytes
    return ((f"Intensity {_m(value)} FLOP/byte against the accelerator's {_m(H100_AS_LECTURED.ridge)}: MFU can be at "
             f"most {_m(training.mfu_bound(value, H100_AS_LECTURED), 3)}. This is decoding's problem (lecture 10).",
             f"算术强度为{_m(value)} FLOP/字节，而加速器的是{_m(H100_AS_LECTURED.ridge)}：MFU至多"
             f"{_m(training.mfu_bound(value, H100_AS_LECTURED), 3)}。这正是解码的难题（第10讲）。"),)


def _mem_one_chip():
    sizes = sorted({r.bytes_per_param for r in training.RECIPES})
    parts_en = "; ".join(f"{b} B/param: {_m(training.largest_model(H100_SXM.hbm_bytes, b), 3)}" for b in sizes)
    parts_zh = "；".join(f"每参数{b}字节：{_m(training.largest_model(H100_SXM.hbm_bytes, b), 3)}" for b in sizes)
    return ((f"80 GB divided by the bytes per parameter of each recipe: {parts_en} parameters, before any "
             f"activations.",
             f"80 GB除以各方案的每参数字节数，得到的参数量为：{parts_zh}。这还没有算激活值。"),)


def _mem_70b():
    n = LLAMA2_70B.published_params
    total = n * training.MIXED_MASTER.bytes_per_param
    chips = sp.ceiling(total / H100_SXM.hbm_bytes)
    return ((f"{_m(n)} × {training.MIXED_MASTER.bytes_per_param} bytes = {_m(total / 10**9)} GB, so at least "
             f"{_m(chips)} H100s of 80 GB just for weights, gradients and optimizer state, and only if they are "
             f"sharded across the chips (ZeRO, lecture 7).",
             f"{_m(n)} × {training.MIXED_MASTER.bytes_per_param}字节 = {_m(total / 10**9)} GB，"
             "所以仅权重、梯度和优化器状态"
             f"就至少需要{_m(chips)}张80 GB的H100，而且前提是把这些状态切分到各张芯片上（ZeRO，第7讲）。"),)


def _mem_activations():
    short, long = (training.activation_values(GPT2_XL, t) * formats.BF16.bytes / 10**9 for t in CONTEXTS)
    return ((f"GPT-2 XL, one sequence, bf16: {_m(short, 3)} GB at $T = {CONTEXTS[0]}$ and {_m(long, 3)} GB at "
             f"$T = {CONTEXTS[1]}$, {_m(long / short, 3)} times more for 16 times the tokens: the attention "
             f"scores and their softmax grow with $T^2$.",
             f"GPT-2 XL，单条序列，bf16：$T = {CONTEXTS[0]}$时{_m(short, 3)} GB，"
             f"$T = {CONTEXTS[1]}$时{_m(long, 3)} GB。"
             f"词元数增加到16倍，激活值却增加到{_m(long / short, 3)}倍：注意力分数及其softmax随$T^2$增长。"),)


def _mem_accumulation():
    B, D, L = 64, 1024, 16  # the 2026 edition's gradient_accumulation example
    full = 2 * B * D * L
    micro = 2 * (B // 4) * D * L
    return ((f"$2 B D L$ = {_m(full)} bytes at $B = {B}$; with micro-batches of {B // 4}, {_m(micro)} bytes, "
             f"at the price of 4 forward-backward passes per update (the same FLOPs, less parallel work).",
             f"$B = {B}$时$2 B D L$ = {_m(full)}字节；改用大小为{B // 4}的微批次后为{_m(micro)}字节，代价是每次更新要做"
             f"4遍前向和反向传播（FLOPs不变，但每遍的并行工作量变小）。"),)


ANSWERS = {
    "fmt-overflow": _fmt_overflow, "fmt-accumulate": _fmt_accumulate, "fmt-flush": _fmt_flush,
    "fmt-fp8": _fmt_fp8, "fmt-weights": _fmt_weights,
    "flops-matmul": _flops_matmul, "flops-two-layer": _flops_two_layer, "flops-llama": _flops_llama,
    "flops-hfu": _flops_hfu, "flops-matvec": _flops_matvec,
    "mem-one-chip": _mem_one_chip, "mem-70b": _mem_70b, "mem-activations": _mem_activations,
    "mem-accumulation": _mem_accumulation,
}


# ---------------------------------------------------------------- gradients and the optimizer

i18n.register("lecture02", messages={
    'l02_quantity': ('Quantity', '项目'),
    'l02_value': ('Value', '数值'),
    'l02_params': ('Parameters', '参数量'),
    'l02_activations': ('Activations (values)', '激活值（个数）'),
    'l02_fwd': ('Forward FLOPs', '前向FLOPs'),
    'l02_bwd': ('Backward FLOPs (as lectured)', '反向FLOPs（按课上的算法）'),
    'l02_bwd_needed': ('Backward FLOPs without the input gradient', '不求输入梯度时的反向FLOPs'),
    'l02_memory': ('Memory of a step (bytes)', '训练一步的内存（字节）'),
    'l02_step': ('FLOPs of a step, 6 · B · P', '训练一步的FLOPs，6 · B · P'),
})


def two_layer_flops(B, D, K):
    """x (B×D) → w1 (D×D) → w2 (D×K): FLOPs of each product,
    forward and backward, as the 2025 lecture counts them."""
    forward = training.matmul_flops(B, D, D) + training.matmul_flops(B, D, K)
    w2_grad = training.matmul_flops(D, B, K)   # h1ᵀ · h2.grad
    h1_grad = training.matmul_flops(B, K, D)   # h2.grad · w2ᵀ
    w1_grad = training.matmul_flops(D, B, D)   # xᵀ · h1.grad
    x_grad = training.matmul_flops(B, D, D)    # h1.grad · w1ᵀ, unused
    backward = w2_grad + h1_grad + w1_grad + x_grad
    return forward, backward, backward - x_grad


def step_memory(B, D, L, weight_bytes, state_bytes, states=1):
    """Bytes of the deep linear model's training step: parameters,
    gradients, optimizer state and activations (one B×D per layer)."""
    params = D * D * L
    return {
        "params": weight_bytes * params,
        "grads": weight_bytes * params,
        "state": state_bytes * states * params,
        "activations": weight_bytes * B * D * L,
    }


@dataclass(frozen=True)
class GradientExample(render.Published):
    """A worked example's named quantities and values, and the claims checked."""

    rows: tuple[tuple[str, sp.Expr], ...]
    claims: Claims

    def to_markdown(self, lang: str) -> str:
        header = [message("l02_quantity", lang), message("l02_value", lang)]
        body = [[" · ".join(message(k, lang) for k in keys.split()), f"${render.integer(v)}$"]
                for keys, v in self.rows]
        return render.table(header, body) + self.claims.to_markdown(lang)


@derived
def gradients_2025() -> GradientExample:
    """The 2025 lecture's two-layer model on the GPU sizes, and its FLOP counts.

    Examples:
        >>> f, b, needed = two_layer_flops(16384, 32768, 8192)
        >>> b == 2 * f, needed < b
        (True, True)
    """
    B, D, K = 16384, 32768, 8192  # if torch.cuda.is_available()
    forward, backward, needed = two_layer_flops(B, D, K)
    claims = Claims((
        Claim(("forward: (2·B·D·D) + (2·B·D·K)", "前向：(2·B·D·D) + (2·B·D·K)"), forward, "==",
              2 * B * D * D + 2 * B * D * K, r"C_{\mathrm{fwd}}"),
        Claim(("backward: 2·B·D·K + 2·B·D·K + (2 + 2)·B·D·D", "反向：2·B·D·K + 2·B·D·K + (2 + 2)·B·D·D"),
              backward, "==", 2 * B * D * K + 2 * B * D * K + (2 + 2) * B * D * D, r"C_{\mathrm{bwd}}"),
        Claim(("backward = 2 × forward", "反向 = 2 × 前向"), backward / forward, "==", 2,
              r"C_{\mathrm{bwd}} / C_{\mathrm{fwd}}"),
        Claim(("x.grad is counted but not needed", "x.grad计算在内，但其实用不上"), needed, "<", backward,
              r"C'_{\mathrm{bwd}}"),
    ))
    rows = (("l02_params", sp.Integer(D * D + D * K)), ("l02_fwd", forward), ("l02_bwd", backward),
            ("l02_bwd_needed", needed))
    return GradientExample(rows, claims)


@derived
def optimizer_examples() -> GradientExample:
    """The optimizer sections of both editions: memory and FLOPs of one step of a tiny model.

    Examples:
        >>> optimizer_examples().claims.items[0].derived
        496
    """
    # 2025: Cruncher(dim=4, num_layers=2) has D·D·2 + D parameters (the final D→1 head); all fp32
    B, D, layers = 2, 4, 2
    params_2025 = D * D * layers + D
    activations_2025 = B * D * layers
    memory_2025 = 4 * (params_2025 + activations_2025 + params_2025 + params_2025)
    # 2026: DeepNetwork(dim=4, num_layers=3), D·D·L parameters; bf16 weights, fp32 AdaGrad state
    B6, D6, L6 = 2, 4, 3
    bf16, fp32 = formats.BF16.bytes, formats.FP32.bytes
    memory_2026 = sum(step_memory(B6, D6, L6, bf16, fp32).values())
    claims = Claims((
        Claim(("2025: 4 · (36 + 16 + 36 + 36) bytes", "2025版：4 · (36 + 16 + 36 + 36)字节"), memory_2025, "==",
              4 * (36 + 16 + 36 + 36), r"M_{2025}"),
        Claim(("2025: 6 · B · P FLOPs per step", "2025版：每步6 · B · P FLOPs"),
              training.train_flops(params_2025, B), "==", 6 * 2 * 36, r"C_{2025}"),
        Claim(("2026: 2·48 + 2·48 + 4·48 + 2·(2·4·3) bytes", "2026版：2·48 + 2·48 + 4·48 + 2·(2·4·3)字节"),
              memory_2026, "==", 2 * 48 + 2 * 48 + 4 * 48 + 2 * (2 * 4 * 3), r"M_{2026}"),
        Claim(("2026: 6 · B · P FLOPs per step", "2026版：每步6 · B · P FLOPs"),
              training.train_flops(D6 * D6 * L6, B6), "==", 6 * 2 * 48, r"C_{2026}"),
        Claim(("2026: gradient accumulation, 4 micro-batches of 16", "2026版：梯度累积，4个大小为16的微批次"),
              step_memory(16, 1024, 16, bf16, fp32)["activations"] * 4, "==",
              step_memory(64, 1024, 16, bf16, fp32)["activations"], r"4 \cdot M_{\mathrm{act}}(16)"),
    ))
    rows = (("l02_2025 l02_params", sp.Integer(params_2025)),
            ("l02_2025 l02_activations", sp.Integer(activations_2025)),
            ("l02_2025 l02_memory", sp.Integer(memory_2025)),
            ("l02_2026 l02_params", sp.Integer(D6 * D6 * L6)),
            ("l02_2026 l02_activations", sp.Integer(B6 * D6 * L6)),
            ("l02_2026 l02_memory", sp.Integer(memory_2026)))
    return GradientExample(rows, claims)


# ---------------------------------------------------------------- figure: where the FLOPs go

i18n.register("lecture02", messages={
    'l02_fig_axis': ('Share of forward FLOPs (%)', '占前向FLOPs的比例（%）'),
    'l02_fig_title': ('Forward FLOPs by component, at T = {short} and T = {long}',
                      '各组件的前向FLOPs占比（T = {short}与T = {long}）'),
    'l02_fig_caption': ('Share of each kind of matmul in the forward FLOPs of one sequence, for every model at '
                        'T = {short} (upper bar) and T = {long} (lower bar). The T² terms of attention grow '
                        'with the context; the MLP dominates at short contexts.',
                        '单条序列前向FLOPs中各类矩阵乘法的占比，每个模型上面一条为T = {short}，下面一条为T = {long}。'
                        '注意力的T²项随上下文增长；上下文较短时MLP占主导。'),
    'l02_fig_desc': ('Stacked horizontal bars, two per model. {rows}', '堆叠条形图，每个模型两条。{rows}'),
    'l02_fig_row': ('{model} at T = {seq_len}: {shares}', '{model}，T = {seq_len}：{shares}'),
    'l02_fig_sep': ('; ', '；'),
    'l02_fig_share': ('{label} {value} %', '{label}{value}%'),
})

_SHARE_GROUPS = (("l02_share_attn_proj", ("attn_proj",)), ("l02_share_attn_tt", ("attn_scores", "attn_values")),
                 ("l02_share_mlp", ("mlp",)), ("l02_share_lm_head", ("lm_head",)))


@dataclass(frozen=True)
class ShareFigure(render.Published):
    """The bar figure of component shares of forward FLOPs, per model at two contexts."""

    short: int
    long: int
    rows: tuple[tuple[str, int, tuple[float, ...]], ...]  # (model, T, percentages per group)

    def to_markdown(self, lang: str) -> str:
        from ..core.figures import COLORS, figure_html

        def draw(axes, lang):
            labels = [f"{name} · T = {t}" for name, t, _ in self.rows]
            y = list(range(len(self.rows)))[::-1]
            left = [0.0] * len(self.rows)
            for index, (key, _) in enumerate(_SHARE_GROUPS):
                widths = [shares[index] for _, _, shares in self.rows]
                axes.barh(y, widths, left=left, color=COLORS[index], height=0.7, label=message(key, lang))
                left = [a + b for a, b in zip(left, widths, strict=True)]
            axes.set_yticks(y, labels)
            axes.set_xlim(0, 100)
            axes.set_xlabel(message("l02_fig_axis", lang))
            axes.figure.subplots_adjust(left=0.25, top=0.88)  # room for the model names and the legend
            axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False, columnspacing=6)
            axes.grid(axis="y", visible=False)

        sep = message("l02_fig_sep", lang)
        rows = sep.join(message("l02_fig_row", lang, model=name, seq_len=t, shares=", ".join(
            message("l02_fig_share", lang, label=message(key, lang), value=f"{share:.3g}")
            for (key, _), share in zip(_SHARE_GROUPS, shares, strict=True))) for name, t, shares in self.rows)
        return figure_html(draw, key="flop-shares", lang=lang, height_in=6.2,
                     title=message("l02_fig_title", lang, short=self.short, long=self.long),
                     desc=message("l02_fig_desc", lang, rows=rows),
                     caption=message("l02_fig_caption", lang, short=self.short, long=self.long))


@derived
def share_figure(short: int = 1024, long: int = 16384) -> ShareFigure:
    """Component shares of forward FLOPs for every accounting model at two contexts.

    Examples:
        >>> rows = share_figure().rows
        >>> all(abs(sum(shares) - 100) < 1e-9 for _, _, shares in rows)
        True
    """
    rows = []
    for model in ACCOUNTING_MODELS:
        for T in (short, long):
            a = training.accounting(model, T)
            shares = tuple(float(100 * sum(a.component(k).forward_flops for k in keys) / a.forward_flops)
                           for _, keys in _SHARE_GROUPS)
            rows.append((model.name, T, shares))
    return ShareFigure(short, long, tuple(rows))


# ---------------------------------------------------------------- the notebook's measured table

i18n.register("lecture02", messages={
    'l02_nb_dtype': ('Type', '类型'),
    'l02_nb_shape': ('m × n × p', 'm × n × p'),
    'l02_nb_flops': ('FLOPs (2mnp, exact)', 'FLOPs（2mnp，精确）'),
    'l02_nb_seconds': ('Measured seconds (best of {repeats})', '实测秒数（{repeats}次取最快）'),
    'l02_nb_rate': ('Achieved FLOP/s', '实测FLOP/s'),
    'l02_nb_share': ('Fraction of an H100 SXM peak ({peak})', '占H100 SXM峰值（{peak}）的比例'),
    'l02_nb_label': ('Measured on the machine that executed this notebook, not derived: the build '
                     'machine for the published copy, yours when you run it.',
                     '以下数据是在运行本笔记本的机器上实测的，不是推导结果：发布版的数据来自构建机器，你自己运行时则来自你的机器。'),
})


@dataclass(frozen=True)
class MeasuredRates(render.Published):
    """A table of measured matmul timings: the only measured numbers of the lecture's pages."""

    rows: tuple[tuple[str, int, int, int, float], ...]  # dtype, m, n, p, best seconds
    repeats: int

    def to_markdown(self, lang: str) -> str:
        peak = render.decimal(H100_SXM.flops_per_s, 3)
        header = [message("l02_nb_dtype", lang), message("l02_nb_shape", lang), message("l02_nb_flops", lang),
                  message("l02_nb_seconds", lang, repeats=self.repeats), message("l02_nb_rate", lang),
                  message("l02_nb_share", lang, peak=f"${peak}$")]
        body = []
        for dtype, m, n, p, seconds in self.rows:
            flops = training.matmul_flops(m, n, p)
            rate = float(flops) / seconds
            body.append([dtype, f"${m} \\times {n} \\times {p}$", f"${render.integer(flops)}$",
                         f"${seconds:.3g}$", f"${render.decimal(rate, 3)}$",
                         f"${render.decimal(rate / float(H100_SXM.flops_per_s), 2)}$"])
        return f"*{message('l02_nb_label', lang)}*\n" + render.table(header, body)


# ---------------------------------------------------------------- the training calculator

i18n.register("lecture02", messages={
    'l02_calc_run': ('Training run', '训练设置'),
    'l02_calc_tokens': ('Training tokens', '训练词元数'),
    'l02_calc_mfu': ('MFU (0 to 1)', 'MFU（0到1之间）'),
    'l02_calc_recipe': ('Precision recipe', '精度方案'),
    'l02_calc_params': ('Parameters', '参数量'),
    'l02_calc_flops': ('Training FLOPs', '训练FLOPs'),
    'l02_calc_days': ('Wall-clock days', '墙钟时间（天）'),
    'l02_calc_state': ('Weights, gradients and optimizer state', '权重、梯度与优化器状态'),
    'l02_calc_state_chip': ('… per chip, sharded evenly', '均匀切分后每张芯片上的量'),
    'l02_calc_fits': ('Fits in HBM (activations not counted)', '放得进HBM（未计激活值）'),
})

RECIPE_OPTIONS = {  # option value -> (visible name, recipe); names are formats, the same in both languages
    "FP32_ADAM": ("fp32 Adam", training.FP32_ADAM),
    "MIXED_MASTER": ("bf16 + fp32 master, Adam", training.MIXED_MASTER),
    "LECTURE_2026": ("bf16, fp32 Adam moments", training.LECTURE_2026),
    "SCALING_BOOK": ("bf16 weights + fp32 moments only", training.SCALING_BOOK),
    "FP32_ACCUMULATION": ("bf16 + fp32 master + fp32 grads, Adam", training.FP32_ACCUMULATION),
}


@derived
def training_calculator():
    """Time and memory of a training run, from `accounting_formulas`, `train_flops` and the recipes.

    Examples:
        >>> [f.name for f in training_calculator().formulas]
        ['params', 'train_flops', 'days', 'state_bytes', 'state_bytes_per_chip', 'fits']
    """
    from .. import calculator as calc
    from ..symbols import chip_capacity, chips, peak_flops

    params = training.accounting_formulas().params
    flops = training.train_flops(training.N, training.D)
    days = training.C / (chips * peak_flops * training.MFU * training.SECONDS_PER_DAY)
    state = training.N * training.bytes_per_param
    formulas = (
        calc.Formula("params", params, "l02_calc_params", "count", binds=training.N),
        calc.Formula("train_flops", flops, "l02_calc_flops", "count", binds=training.C),
        calc.Formula("days", days, "l02_calc_days", "count"),
        calc.Formula("state_bytes", state, "l02_calc_state", "bytes"),
        calc.Formula("state_bytes_per_chip", state / chips, "l02_calc_state_chip", "bytes"),
        calc.Formula("fits", sp.Le(state / chips, chip_capacity), "l02_calc_fits", "fits"),
    )
    recipe = calc.Choice("recipe", "l02_calc_recipe", tuple((k, name) for k, (name, _) in RECIPE_OPTIONS.items()),
                         "MIXED_MASTER", symbol=training.bytes_per_param,
                         values={k: float(r.bytes_per_param) for k, (_, r) in RECIPE_OPTIONS.items()})
    run = calc.Group("l02_calc_run", None, (
        calc.Field("tokens", "l02_calc_tokens", training.D, calc.engineering(Q1_TOKENS)),
        calc.Field("mfu", "l02_calc_mfu", training.MFU, str(float(Q1_MFU)), integer=False, minimum=0.001,
                   maximum=1),
    ), choices=(recipe,))
    return calc.Calculator("training-calculator", (calc.model_group(), calc.accelerator_group(), run), formulas)
