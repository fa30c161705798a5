r"""Lecture 10 (inference) as lectured: its sizes, its presets, its claims, its sources and
the evidence it cites.

Topic modules (`intensity`, `stats`, `kv_cache`, `speculative`) hold formulas for any model
and accelerator; this module says which ones the lecture evaluates (Llama 2 13B on an H100 SXM,
$S = 1024$, $B \in \{1, 64, 256\}$), checks what the lecture asserts about them, and keeps the
figures the lecture quotes from papers, typed once with the paper and the table they come from.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import sympy as sp

from .. import intensity, kv_cache, speculative, stats
from ..catalog.hardware import H100_SXM
from ..catalog.models import LLAMA2_13B, MISTRAL_7B, MISTRAL_7B_SLIDING_WINDOW
from ..core import i18n, render
from ..core.cache import derived
from ..core.claims import Claim, Claims
from ..core.i18n import message, pair
from ..symbols import B, D, G, L, S, T

# ---- the lecture's sizes -------------------------------------------------------------------------

MODEL = LLAMA2_13B  # `llama2_13b_config()`
ACCELERATOR = H100_SXM  # 989e12 FLOP/s and 3.35e12 bytes/s, as the catalog
LECTURE_SEQ_LEN = 1024  # the lecture's S for Llama 2 13B
LECTURE_BATCHES = (1, 64, 256)
GQA_KV_HEADS = 8  # the lecture's hypothetical 1:5 grouping of Llama 2 13B
MAX_BATCH_KV_HEADS = (40, 8, 1)
MAX_BATCH_SEQ_LENS = (512, 1024, 2048, 4096, 8192)
QUANTIZATION_BATCH = 64

# ---- sources -------------------------------------------------------------------------------------

# The lecture's source. The index this site was built from did not hold a verified commit of
# stanford-cs336/spring2025-lectures, so the link points at the branch; pin it to a commit.
LECTURE_SOURCE = "https://github.com/stanford-cs336/spring2025-lectures/blob/main/lecture_10.py"
COURSE_PAGE = "https://stanford-cs336.github.io/spring2025/"
SCALING_BOOK_INFERENCE = "https://jax-ml.github.io/scaling-book/inference/"
SCALING_BOOK_TRANSFORMERS = "https://jax-ml.github.io/scaling-book/transformers/"


def arxiv(identifier: str) -> str:
    """The abstract page of an arXiv paper.

    Examples:
        >>> arxiv("2211.17192")
        'https://arxiv.org/abs/2211.17192'
    """
    return f"https://arxiv.org/abs/{identifier}"


i18n.register("lecture10", messages={
    'l10_sources': ('Sources: [the lecture\'s code (`lecture_10.py`)]({code}) · [course page]({course}) · '
                    '[scaling book, inference chapter]({book}).',
                    '出处：[课程代码（`lecture_10.py`）]({code}) · [课程主页]({course}) · '
                    '[Scaling Book的推理一章]({book})。'),
    'l10_evidence_what': ('What the lecture shows', '课上展示的内容'),
    'l10_evidence_figure': ('Reported figure', '论文报告的数字'),
    'l10_question': ('Question', '问题'),
    'l10_answer': ('Answer', '答案'),
})


@dataclass(frozen=True)
class Sources(render.Published):
    """One line linking the lecture's code, the course page and the scaling-book chapter."""

    def to_markdown(self, lang: str) -> str:
        return "\n" + message("l10_sources", lang, code=LECTURE_SOURCE, course=COURSE_PAGE,
                              book=SCALING_BOOK_INFERENCE) + "\n"


def sources() -> Sources:
    """The lecture's sources, for the top of each lecture-10 page."""
    return Sources()


# ---- presets: the lecture's evaluations ----------------------------------------------------------

def lecture_table() -> stats.StatsTable:
    """The lecture's evaluation: Llama 2 13B on an H100 SXM at B = 1, 64, 256."""
    return stats.batch_table(MODEL, ACCELERATOR, LECTURE_SEQ_LEN, LECTURE_BATCHES)


def gqa_table() -> stats.StatsTable:
    """The lecture's GQA demo: K = 40 at B = 64, then K = 8 at B = 64 and 256."""
    return stats.kv_heads_table(MODEL, ACCELERATOR, LECTURE_SEQ_LEN, GQA_KV_HEADS, LECTURE_BATCHES[1:])


def gqa_param_change() -> stats.ParamChange:
    """What K = 8 removes from Llama 2 13B's parameters."""
    return stats.gqa_param_change(MODEL, GQA_KV_HEADS)


def throughput_limit() -> stats.ThroughputCeiling:
    """The memory-only throughput ceiling of the lecture's case."""
    return stats.throughput_limit(MODEL, ACCELERATOR, LECTURE_SEQ_LEN)


def max_batch_table() -> stats.MaxBatchTable:
    """The largest batch by context length for K = 40, 8, 1."""
    return stats.max_batch_table(MODEL, ACCELERATOR, MAX_BATCH_KV_HEADS, MAX_BATCH_SEQ_LENS)


def quantization_table() -> stats.QuantizationTable:
    """Narrower weights and KV values at the lecture's B = 64, S = 1024."""
    return stats.quantization_table(MODEL, ACCELERATOR, QUANTIZATION_BATCH, LECTURE_SEQ_LEN)


def window_ratio() -> kv_cache.WindowRatio:
    """Mistral 7B's sliding window at 32k tokens (the lecture cites Mistral 7B for local attention)."""
    return kv_cache.window_ratio(MISTRAL_7B, MISTRAL_7B_SLIDING_WINDOW, 32_768)


@derived
def mqa_at_max_batch() -> stats.DecodeStats:
    """Llama 2 13B with one KV head at the largest batch that fits: where the lecture's model fails."""
    shape = dataclasses.replace(MODEL, K=1)
    return stats.decode(shape, ACCELERATOR, stats.max_batch(shape, ACCELERATOR, LECTURE_SEQ_LEN), LECTURE_SEQ_LEN)


def mqa_step_table() -> stats.StatsTable:
    """`mqa_at_max_batch` as a row of the decode table."""
    step = mqa_at_max_batch()
    return stats.batch_table(step.model, step.accelerator, step.seq_len, (step.batch,))


# ---- claims --------------------------------------------------------------------------------------

@derived
def intensity_claims() -> Claims:
    """What lecture 10 asserts about intensity, each checked against `derivations.intensity`."""
    matmul, mlp, attention = intensity.matmul, intensity.mlp, intensity.attention
    ridge = ACCELERATOR.ridge
    first_compute_limited_batch = sp.floor(ridge) + 1
    mha, gqa = attention(), attention(group_size=G)
    return Claims((
        Claim(("Matmul: intensity tends to the batch size", "矩阵乘法：算术强度趋于批大小"),
              matmul().limit, "==", B, r"\lim_{c\to\infty} I"),
        Claim(("H100 SXM accelerator intensity $\\approx 295$", "H100 SXM的加速器算术强度约为$295$"),
              sp.Integer(round(ridge)), "==", 295, r"\operatorname{round}(I^{*})"),
        Claim(("Matmul is compute-limited iff $B > 295$", "矩阵乘法当且仅当$B > 295$时计算受限"),
              first_compute_limited_batch, "==", 296, r"\min\{B \in \mathbb{N} : B > I^{*}\}"),
        Claim(("Matrix-vector ($B = 1$): intensity below 1", "矩阵-向量乘（$B = 1$）：算术强度小于1"),
              matmul().intensity.subs(B, 1), "<", 1, r"I\,\big\vert_{B=1}"),
        Claim(("Beyond the lecture: int8 weights halve that batch (148 on the H100 SXM)",
               "课外：int8权重让这个批大小减半（H100 SXM上为148）"),
              sp.Integer(intensity.critical_batch(ACCELERATOR, 1).batch), "==", 148,
              r"\min\{B : 2B / b_w > I^{*}\}\,\big\vert_{b_w = 1}"),
        Claim(("MLP: intensity tends to $B T$", "MLP：算术强度趋于$B T$"),
              mlp().limit, "==", B * T, r"\lim_{c\to\infty} I"),
        Claim(("MLP limit unchanged when the up and gate outputs are re-read",
               "计入上投影和门控输出的回读后，MLP的极限不变"),
              mlp(reread_intermediates=True).limit, "==", B * T, r"\lim_{c\to\infty} I'"),
        Claim(("Attention intensity is $S T / (S + T)$", "注意力的算术强度为$S T / (S + T)$"),
              mha.intensity, "==", S * T / (S + T), r"I"),
        Claim(("Attention, prefill: $S / 2$", "注意力，预填充：$S / 2$"),
              mha.prefill, "==", S / 2, r"I\,\big\vert_{T=S}"),
        Claim(("Attention, generation: below 1", "注意力，生成：小于1"),
              mha.generate, "<", 1, r"I\,\big\vert_{T=1}"),
        Claim(("Attention intensity does not depend on $B$", "注意力的算术强度与$B$无关"),
              sp.diff(mha.intensity, B), "==", 0, r"\partial I / \partial B"),
        Claim(("GQA, generation: tends to $G$, not 1", "GQA，生成：趋于$G$而不是1"),
              gqa.generate_limit, "==", G, r"\lim_{S\to\infty} I\,\big\vert_{T=1}"),
        Claim(("GQA, generation: still below $G$", "GQA，生成：仍小于$G$"),
              gqa.generate, "<", G, r"I\,\big\vert_{T=1}"),
    ))


@derived
def stats_claims() -> Claims:
    """What the lecture asserts about Llama 2 13B on an H100 SXM, checked, and where its
    memory-only model stops being right.
    """
    small, mid, large = (stats.decode(MODEL, ACCELERATOR, b, LECTURE_SEQ_LEN) for b in LECTURE_BATCHES)
    grouped = dataclasses.replace(MODEL, K=GQA_KV_HEADS)
    grouped_large = stats.decode(grouped, ACCELERATOR, 256, LECTURE_SEQ_LEN)
    mqa = mqa_at_max_batch()
    return Claims((
        Claim(("$B = 256$ does not fit in 80 GB of HBM", "$B = 256$时80 GB的HBM放不下"),
              large.memory_bytes, ">", large.capacity_bytes, r"M"),
        Claim(("$B = 64$ fits", "$B = 64$时放得下"), mid.memory_bytes, "<", mid.capacity_bytes, r"M"),
        Claim(("Larger batch: higher latency", "批越大，时延越高"), mid.latency_s, ">", small.latency_s,
              r"t_{64}"),
        Claim(("Larger batch: higher throughput", "批越大，吞吐量越高"), mid.throughput, ">", small.throughput,
              r"B_{64} / t_{64}"),
        Claim(("With $K = 8$, $B = 256$ fits", "$K = 8$时$B = 256$放得下"),
              grouped_large.memory_bytes, "<", grouped_large.capacity_bytes, r"M"),
        Claim(("The published count is the formula plus $(2L + 1) D$ norm weights",
               "公开参数量等于公式值加上$(2L + 1) D$个归一化权重"),
              sp.Integer(MODEL.published_params) - stats.parameter_count().subs(MODEL.values()),
              "==", ((2 * L + 1) * D).subs(MODEL.values()), r"P_{\mathrm{HF}} - P"),
        Claim(("Beyond the lecture: at the lecture's batches compute never binds",
               "课外：在课上的几个批大小下，计算从不成为瓶颈"),
              sp.Integer(sum(s.bound == "compute" for s in (small, mid, large))), "==", 0, r"\#"),
        Claim(("Beyond the lecture: with $K = 1$ the largest batch is 2768", "课外：$K = 1$时能放下的最大批为2768"),
              sp.Integer(mqa.batch), "==", 2768, r"B_{\max}"),
        Claim(("... where compute takes longer than memory traffic (about 2.7 times)",
               "……此时计算时间比内存时间长（约2.7倍）"),
              mqa.compute_s / mqa.latency_s, ">", sp.Rational(26, 10), r"t_{\mathrm{c}} / t_{\mathrm{m}}"),
    ))


@derived
def speculative_claims() -> Claims:
    """Speculative sampling's guarantees, checked against `derivations.speculative`."""
    two, general, tokens = speculative.two_token_proof(), speculative.general_proof(), speculative.expected_tokens()
    alpha, gamma = speculative.alpha, speculative.gamma
    q, x = sp.IndexedBase(speculative.target_q), speculative.token
    return Claims((
        Claim(("Two tokens: output is $q$", "两个词元：输出服从$q$"), two.output_a, "==", two.q_a, r"P(A)"),
        Claim(("Any vocabulary: output is $q$", "任意词表：输出服从$q$"), general.simplified, "==", q[x], r"P(x)"),
        Claim(("Expected tokens: the sum has the closed form", "期望词元数：求和结果与闭式解一致"),
              sp.simplify(tokens.by_distribution - tokens.closed_form), "==", 0,
              r"\textstyle\sum - \frac{1 - \alpha^{\gamma + 1}}{1 - \alpha}"),
        Claim(("Perfect draft: $\\gamma + 1$ tokens per call", "草稿完全准确：每次调用得到$\\gamma + 1$个词元"),
              sp.limit(tokens.closed_form, alpha, 1), "==", gamma + 1, r"\lim_{\alpha \to 1} \mathbb{E}"),
    ))


def lecture_claims() -> Claims:
    """`stats_claims`, under the name `stats.lecture_claims` had."""
    return stats_claims()


# ---- evidence the lecture cites ------------------------------------------------------------------

@dataclass(frozen=True)
class Evidence:
    """A figure the lecture shows from a paper, with where it comes from."""

    topic: tuple[str, str]
    shows: tuple[str, str]
    figure: tuple[str, str]
    source: str  # "arXiv id, table/figure"
    url: str


EVIDENCE: tuple[Evidence, ...] = (
    Evidence(("GQA", "GQA"), ("T5 XXL uptrained to GQA: inference time against quality",
                              "T5 XXL经增量训练改为GQA：推理时间与质量"),
             ("GQA-8 is almost as fast per sample as MQA and close to MHA in quality",
              "GQA-8每个样本的推理时间接近MQA，质量接近MHA"),
             "arXiv 2305.13245, Figure 3 and Table 1", arxiv("2305.13245")),
    Evidence(("MLA", "MLA"), ("DeepSeek-V2: keys and values projected from $N H = 16384$ to $C = 512$",
                              "DeepSeek-V2：键和值从$N H = 16384$维投影到$C = 512$维"),
             ("$512 + 64 = 576$ values per token and layer; RoPE rotates keys by position, which cannot be "
              "absorbed into the up-projection, so a separate 64-dimensional RoPE key is cached",
              "每词元每层$512 + 64 = 576$个值；RoPE按位置旋转键，无法并入上投影矩阵，所以另缓存一个64维的解耦RoPE键"),
             "arXiv 2405.04434, Section 2.1 and Table 1", arxiv("2405.04434")),
    Evidence(("CLA", "CLA"), ("Cross-layer attention: adjacent layers share one KV cache",
                              "跨层注意力：相邻层共用一份KV缓存"),
             ("sharing across 2 layers halves the cache at a small cost in perplexity",
              "每2层共用时缓存减半，困惑度代价很小"),
             "arXiv 2405.12981, Figure 1", arxiv("2405.12981")),
    Evidence(("Local attention", "局部注意力"), ("character.ai: one global-attention layer in six, with CLA",
                                               "character.ai：每6层只有1层全局注意力，并配合CLA"),
             ("KV cache cut by more than 20× without a quality regression (their report)",
              "KV缓存缩小到原来的二十分之一以下，质量不降（据其博客）"),
             "character.ai, Optimizing AI Inference (2024)", "https://research.character.ai/optimizing-inference/"),
    Evidence(("Jamba", "Jamba"), ("Transformer–Mamba hybrid", "Transformer与Mamba的混合架构"),
             ("one attention layer to seven Mamba layers (1:7): the cache is kept, but for one layer in eight",
              "注意力层与Mamba层之比为1:7：KV缓存仍在，但只有八分之一的层需要"),
             "arXiv 2403.19887, Section 2", arxiv("2403.19887")),
    Evidence(("LLM.int8()", "LLM.int8()"), ("outlier features kept in fp16, the rest in int8",
                                            "离群特征保留fp16，其余用int8"),
             ("15–23 % slower than fp16 inference for BLOOM-176B", "BLOOM-176B上推理比fp16慢15–23%"),
             "arXiv 2208.07339; Hugging Face bitsandbytes blog", arxiv("2208.07339")),
    Evidence(("AWQ", "AWQ"), ("salient weights (0.1–1 %) found from activation magnitudes, protected by scaling",
                              "按激活幅度找出0.1–1%的显著权重，用缩放保护它们"),
             ("4× lower memory and 3.2× speedup over fp16 (4-bit weights, as the lecture quotes it)",
              "相对fp16内存降为四分之一、提速3.2倍（4比特权重，课上引用的数字）"),
             "arXiv 2306.00978", arxiv("2306.00978")),
    Evidence(("Pruning", "剪枝"), ("Minitron: rank layers, heads and hidden dimensions on 1024 calibration samples, "
                                   "remove, then distil",
                                   "Minitron：用1024个校准样本给层、头和隐藏维度排序，剪掉不重要的，再蒸馏"),
             ("a pruned model makes every step cheaper; distillation recovers the quality",
              "剪枝让每一步都更省；蒸馏恢复质量"),
             "arXiv 2407.14679", arxiv("2407.14679")),
    Evidence(("Speculative sampling", "推测解码（投机采样）"),
             ("Chen et al.: Chinchilla 70B target, 4B draft, 4 draft tokens",
              "Chen等：目标模型Chinchilla 70B，草稿模型4B，每次4个草稿词元"),
             ("1.92×–2.46× speedup", "加速1.92–2.46倍"), "arXiv 2302.01318, Table 1", arxiv("2302.01318")),
)


@dataclass(frozen=True)
class EvidenceTable(render.Published):
    """The table of the papers' figures the lecture cites, with sources."""

    items: tuple[Evidence, ...]

    def to_markdown(self, lang: str) -> str:
        header = [i18n.term("scheme", lang), message("l10_evidence_what", lang), message("l10_evidence_figure", lang),
                  i18n.term("source", lang)]
        return render.table(header, ([pair(*e.topic, lang), pair(*e.shows, lang), pair(*e.figure, lang),
                                      f"[{e.source}]({e.url})"] for e in self.items))


def evidence() -> EvidenceTable:
    """The papers' figures the lecture cites, with their sources (cited, not derived)."""
    return EvidenceTable(EVIDENCE)


# ---- worked questions ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Question:
    """A question in the scaling book's style; its answer's numbers are computed, not typed."""

    ask: tuple[str, str]
    answer: tuple[str, str]  # with {placeholders} filled from `values`
    values: tuple[tuple[str, str], ...]  # name -> shown text (numbers already formatted)

    def to_markdown(self, number: int, lang: str) -> str:
        fields = dict(self.values)
        body = pair(*self.answer, lang).format(**fields)
        indented = "\n".join("    " + line if line else "" for line in body.splitlines())
        return (f"**{message('l10_question', lang)} {number}.** {pair(*self.ask, lang).format(**fields)}\n\n"
                f'??? note "{message("l10_answer", lang)}"\n{indented}\n')


@dataclass(frozen=True)
class Questions(render.Published):
    """Worked questions, numbered, each with its answer."""

    items: tuple[Question, ...]

    def to_markdown(self, lang: str) -> str:
        return "\n" + "\n".join(q.to_markdown(i, lang) for i, q in enumerate(self.items, start=1))


def _ms(seconds) -> str:
    return render.decimal(seconds * 1000, 3)


def _n(value, digits: int = 4) -> str:
    value = sp.sympify(value)
    return render.integer(value) if value.is_Integer else render.decimal(value, digits)


@derived
def stats_questions() -> Questions:
    """Decode-step questions on concrete models and accelerators, answered by `stats`."""
    from ..catalog.hardware import TPU_V5E
    from ..catalog.models import LLAMA2_70B, LLAMA3_8B

    step64 = stats.decode(MODEL, ACCELERATOR, 64, LECTURE_SEQ_LEN)
    mqa = mqa_at_max_batch()
    mqa_model = mqa.model
    balance = stats.balance_batch(mqa_model, ACCELERATOR, LECTURE_SEQ_LEN)
    big_batch = stats.max_batch(LLAMA2_70B, ACCELERATOR, 4096, chips=2)
    big = stats.decode(LLAMA2_70B, ACCELERATOR, big_batch, 4096, chips=2)
    tpu_bf16 = stats.decode(LLAMA3_8B, TPU_V5E, 1, 1024)
    tpu_int8 = stats.max_batch(LLAMA3_8B, TPU_V5E, 1024, 1, "int8", "bf16")
    return Questions((
        Question(
            ("Llama 2 13B decodes on one H100 SXM with $B = 64$ sequences of $S = 1024$ tokens, in bf16. "
             "How long is one step, and which roof sets it?",
             "一块H100 SXM上，Llama 2 13B以bf16解码，$B = 64$条序列，每条$S = 1024$个词元。"
             "一步要多久？由哪道屋顶决定？"),
            ("Memory: ${mem}$ GB read in ${mem_ms}$ ms. Compute: ${flops}$ FLOPs in ${comp_ms}$ ms. "
             "The step takes ${step_ms}$ ms and is **{bound}**; the lecture's model holds here.",
             "内存：读${mem}$ GB，用时${mem_ms}$毫秒。计算：${flops}$次浮点运算，用时${comp_ms}$毫秒。"
             "一步${step_ms}$毫秒，**{bound_zh}**；课上的模型在这里成立。"),
            (("mem", render.decimal(step64.memory_bytes / 10**9, 4)), ("mem_ms", _ms(step64.latency_s)),
             ("flops", render.decimal(step64.flops, 3)), ("comp_ms", _ms(step64.compute_s)),
             ("step_ms", _ms(step64.step_s)), ("bound", i18n.term(f"{step64.bound}_limited", "en")),
             ("bound_zh", i18n.term(f"{step64.bound}_limited", "zh")))),
        Question(
            ("The same model with one KV head ($K = 1$, MQA) at $S = 1024$: what is the largest batch that fits, "
             "and what does one step take there?",
             "同一模型只留一个KV头（$K = 1$，MQA），$S = 1024$：能放下的最大批是多少？这时一步要多久？"),
            ("$B = {batch}$. Memory time ${mem_ms}$ ms, compute time ${comp_ms}$ ms: the step is "
             "**{bound}** and takes ${comp_ms}$ ms, so the memory-only throughput "
             "(${lectured}$ tokens/s) is ${ratio}\\times$ the real one (${real}$ tokens/s).",
             "$B = {batch}$。内存时间${mem_ms}$毫秒，计算时间${comp_ms}$毫秒：这一步**{bound_zh}**，要${comp_ms}$毫秒，"
             "所以只算内存的吞吐量（${lectured}$词元/秒）是实际值（${real}$词元/秒）的${ratio}$倍。"),
            (("batch", render.integer(mqa.batch)), ("mem_ms", _ms(mqa.latency_s)), ("comp_ms", _ms(mqa.compute_s)),
             ("lectured", render.decimal(mqa.throughput, 4)), ("real", render.decimal(mqa.step_throughput, 4)),
             ("ratio", render.decimal(mqa.optimism, 3)), ("bound", i18n.term(f"{mqa.bound}_limited", "en")),
             ("bound_zh", i18n.term(f"{mqa.bound}_limited", "zh")))),
        Question(
            ("For that $K = 1$ model at $S = 1024$, from which batch on does compute set the step?",
             "对这个$K = 1$的模型（$S = 1024$），批大小从多少起由计算决定每一步的时间？"),
            ("Compute time equals memory time at $B^{{*}} \\approx {balance}$, so from $B = {first}$ on.",
             "计算时间与内存时间在$B^{{*}} \\approx {balance}$处相等，所以从$B = {first}$起。"),
            (("balance", render.decimal(balance, 4)), ("first", render.integer(sp.floor(balance) + 1)))),
        Question(
            ("Llama 2 70B (bf16) is split over two H100 SXMs with $S = 4096$. What is the largest batch, "
             "and its throughput?",
             "Llama 2 70B（bf16）分布在两块H100 SXM上，$S = 4096$。最大批是多少？吞吐量多少？"),
            ("$B = {batch}$; a step takes ${step_ms}$ ms ({bound}), ${tps}$ tokens/s. The model ignores "
             "the communication between the two chips.",
             "$B = {batch}$；一步${step_ms}$毫秒（{bound_zh}），吞吐量${tps}$词元/秒。"
             "这个模型没有计入两块芯片之间的通信。"),
            (("batch", render.integer(big_batch)), ("step_ms", _ms(big.step_s)),
             ("bound", i18n.term(f"{big.bound}_limited", "en")),
             ("bound_zh", i18n.term(f"{big.bound}_limited", "zh")), ("tps", render.decimal(big.step_throughput, 4)))),
        Question(
            ("Does Llama 3 8B fit on one TPU v5e (16 GB) in bf16? With int8 weights and a bf16 cache at "
             "$S = 1024$, how many sequences fit?",
             "Llama 3 8B以bf16能否放进一块TPU v5e（16 GB）？权重用int8、KV缓存用bf16、$S = 1024$时能放几条序列？"),
            ("bf16 weights alone take ${weights}$ GB: {fits}. With int8 weights, $B = {batch}$.",
             "仅bf16权重就要${weights}$ GB：{fits_zh}。权重改用int8后，$B = {batch}$。"),
            (("weights", render.decimal(tpu_bf16.param_bytes_total / 10**9, 4)),
             ("fits", "they fit" if tpu_bf16.param_bytes_total <= tpu_bf16.capacity_bytes else "they do not fit"),
             ("fits_zh", "放得下" if tpu_bf16.param_bytes_total <= tpu_bf16.capacity_bytes else "放不下"),
             ("batch", render.integer(tpu_int8)))),
    ))


@derived
def intensity_questions() -> Questions:
    """Roofline questions, answered by `intensity` and the catalog."""
    from ..catalog.hardware import TPU_V5E

    int8 = intensity.critical_batch(ACCELERATOR, 1)
    tpu = intensity.critical_batch(TPU_V5E, 2)
    gqa = intensity.attention(group_size=8).generate.subs(S, 4096)
    flops = kv_cache.cache_flops()
    shape = {**MODEL.values(), kv_cache.generated: 1024}
    from ..symbols import params

    shape[params] = stats.parameter_count().subs(MODEL.values())
    ratio = (flops.total_without / flops.total_with).subs(shape)
    return Questions((
        Question(
            ("On an H100 SXM, weights are stored in int8 and activations in bf16. From which batch is a "
             "generation matmul compute-limited?",
             "H100 SXM上权重用int8、激活用bf16。生成阶段的矩阵乘法从多大的批起计算受限？"),
            ("Its intensity tends to $2B / b_w = 2B$, so from $B = {batch}$ (half of bf16's).",
             "其算术强度趋于$2B / b_w = 2B$，所以从$B = {batch}$起（bf16时的一半）。"),
            (("batch", render.integer(int8.batch)),)),
        Question(
            ("The same question in bf16 on a TPU v5e.", "同样的问题，换成TPU v5e上的bf16。"),
            ("The ridge point is ${ridge}$ FLOP/byte, so from $B = {batch}$.",
             "屋脊点为${ridge}$ FLOP/字节，所以从$B = {batch}$起。"),
            (("ridge", render.decimal(TPU_V5E.ridge, 4)), ("batch", render.integer(tpu.batch)))),
        Question(
            ("Attention in generation with GQA, $G = 8$, over $S = 4096$ cached tokens, on an H100 SXM: "
             "what is its intensity and which roof binds?",
             "生成阶段的GQA注意力，$G = 8$，缓存$S = 4096$个词元，在H100 SXM上：算术强度多少？受哪道屋顶限制？"),
            ("$I = {value}$ FLOP/byte, far below the ridge ${ridge}$: memory-limited, whatever the batch.",
             "$I = {value}$ FLOP/字节，远低于屋脊点${ridge}$：内存受限，与批大小无关。"),
            (("value", render.decimal(gqa, 4)), ("ridge", render.decimal(ACCELERATOR.ridge, 4)))),
        Question(
            ("Llama 2 13B generates $T = 1024$ tokens from an empty prompt. How many times more forward FLOPs "
             "does it spend without a KV cache than with one?",
             "Llama 2 13B从空提示开始生成$T = 1024$个词元。不用KV缓存时，前向传播的FLOPs是用KV缓存时的多少倍？"),
            ("${ratio}\\times$: without a cache every step reruns the whole prefix.",
             "${ratio}$倍：没有缓存时，每一步都要把整个前缀重算一遍。"),
            (("ratio", render.decimal(ratio, 4)),)),
    ))


@derived
def speculative_questions() -> Questions:
    """Draft-length questions, answered by `speculative`."""
    tokens = speculative.expected_tokens()
    alpha, gamma, c = speculative.alpha, speculative.gamma, speculative.cost_ratio
    a8 = {alpha: sp.Rational(8, 10), gamma: 4, c: sp.Rational(1, 20)}
    best9, speed9 = speculative.best_gamma(sp.Rational(9, 10), sp.Rational(1, 20))
    eight9 = tokens.speedup.subs({alpha: sp.Rational(9, 10), gamma: 8, c: sp.Rational(1, 20)})
    best_costly, speed_costly = speculative.best_gamma(sp.Rational(8, 10), sp.Rational(1, 4))
    return Questions((
        Question(
            ("A draft is accepted with $\\alpha = 0.8$, proposes $\\gamma = 4$ tokens and costs $c = 0.05$ of a "
             "target step. How many tokens does each target call yield, and what is the speedup?",
             "草稿被接受的概率$\\alpha = 0.8$，每次提出$\\gamma = 4$个词元，一步的成本是目标模型的$c = 0.05$。"
             "每次调用目标模型得到多少词元？加速比多少？"),
            ("${tokens}$ tokens per call; speedup ${speed}\\times$.", "每次调用${tokens}$个词元；加速${speed}$倍。"),
            (("tokens", render.decimal(tokens.closed_form.subs(a8), 4)),
             ("speed", render.decimal(tokens.speedup.subs(a8), 4)))),
        Question(
            ("With $\\alpha = 0.9$ and $c = 0.05$, which draft length is best?",
             "$\\alpha = 0.9$、$c = 0.05$时，草稿长度取多少最好？"),
            ("$\\gamma = {best}$, for ${speed}\\times$; $\\gamma = 8$ gives ${eight}\\times$.",
             "$\\gamma = {best}$，加速${speed}$倍；$\\gamma = 8$只有${eight}$倍。"),
            (("best", str(best9)), ("speed", render.decimal(speed9, 4)), ("eight", render.decimal(eight9, 4)))),
        Question(
            ("A larger draft costs $c = 0.25$ of a target step and is accepted with $\\alpha = 0.8$. Best $\\gamma$?",
             "更大的草稿模型成本为$c = 0.25$，接受率$\\alpha = 0.8$。最优$\\gamma$是多少？"),
            ("$\\gamma = {best}$, for ${speed}\\times$: a costlier draft should propose fewer tokens.",
             "$\\gamma = {best}$，加速${speed}$倍：草稿越贵，每次提出的词元应越少。"),
            (("best", str(best_costly)), ("speed", render.decimal(speed_costly, 4)))),
    ))
