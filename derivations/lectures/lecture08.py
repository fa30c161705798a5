"""Lectures 7 and 8 (parallelism): presets, the measured numbers of `lecture_08.py`, its claims.

Measurements are cited, not derived: they are what `lecture_08.py` printed on the course's
8×H100 node (the 2025 trace, `var/traces/lecture_08_stdout.txt` of
stanford-cs336/spring2025-lectures). What the site derives is how each printed number follows
from the printed time, which definition of bandwidth it uses, and what the other definitions
give for the same run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from .. import collectives, parallelism
from ..catalog.hardware import H100_NVL, H100_SXM
from ..catalog.interconnects import IB_NDR, NVLINK4
from ..core import i18n, render
from ..core.cache import derived
from ..core.claims import Claim, Claims
from ..core.i18n import message, term

i18n.register("parallelism", messages={
    "l08_rank": ("Rank", "进程编号"),
    "l08_printed_ms": ("Printed time (ms)", "打印的用时（毫秒）"),
    "l08_printed_bw": ("Printed bandwidth", "打印的带宽"),
    "l08_lecture_formula": ("Lecture's formula on the printed time (GiB/s)", "用打印的用时代入课上公式（GiB/s）"),
    "l08_busbw": ("nccl-tests bus bandwidth (GB/s)", "nccl-tests总线带宽（GB/s）"),
    "par_send_recv": ("Point to point (send/recv)", "点对点发送（send/recv）"),
    "l08_algbw": ("nccl-tests algorithm bandwidth (GB/s)", "nccl-tests算法带宽（GB/s）"),
})

TRACE = "https://github.com/stanford-cs336/spring2025-lectures/blob/main/var/traces/lecture_08_stdout.txt"
LECTURE = "https://github.com/stanford-cs336/spring2025-lectures/blob/main/lecture_08.py"

# ---------------------------------------------------------------- presets of lecture_08.py
WORLD_SIZE = 4  # collectives and the data- and tensor-parallel MLPs
NUM_ELEMENTS = 100 * 1024**2  # benchmark tensors: float32
FLOAT32_BYTES = 4
BATCH, NUM_DIM, NUM_LAYERS = 128, 1024, 4  # generate_sample_data, the MLPs
PIPELINE_WORLD_SIZE, NUM_MICRO_BATCHES = 2, 4

# ---------------------------------------------------------------- what the trace printed
# (rank, milliseconds, "GB/s") in the order printed; the code rounds ms to 2 decimals and
# bandwidth (bytes/s / 1024**3) to an integer.
ALL_REDUCE_MS = {1: "2.17", 0: "2.15", 3: "2.11", 2: "2.11"}
ALL_REDUCE_PRINTED = {0: 273, 1: 270, 3: 278, 2: 278}
REDUCE_SCATTER_MS = {0: "3.98", 3: "3.88", 1: "3.99", 2: "3.88"}
REDUCE_SCATTER_PRINTED = {0: 74, 1: 73, 3: 76, 2: 76}
# The all-reduce example: rank r starts with [0, 1, 2, 3] + r; every rank printed this after it.
ALL_REDUCE_EXAMPLE_PRINTED = (6, 10, 14, 18)

# ---------------------------------------------------------------- constants "as lectured"
NVLINK_AS_LECTURED = 900 * 10**9  # "18 NVLink 4.0 links, for a total of 900GB/s"
HBM_AS_LECTURED = 3_900 * 10**9  # "memory bandwidth for HBM is 3.9 TB/s" (the H100 NVL figure)
GIB = 1024**3


def lecture_all_reduce_bandwidth(size_bytes, world_size, seconds) -> sp.Expr:
    """lecture_08.py's `all_reduce` bandwidth, bytes/s.

    size · 2 · (world − 1) / (world · duration)
    """
    return size_bytes * 2 * (world_size - 1) / (world_size * seconds)


def lecture_reduce_scatter_bandwidth(output, world_size, seconds) -> sp.Expr:
    """lecture_08.py's `reduce_scatter` bandwidth (2025), bytes/s.

    output bytes · (world − 1) / (world · duration)
    """
    return output * (world_size - 1) / (world_size * seconds)


def _seconds(ms: str) -> sp.Rational:
    return sp.Rational(ms) / 1000


def _rounding_holds(printed: int, formula, ms: str) -> bool:
    """Does some time that prints as `ms` give a bandwidth that prints as `printed`?"""
    slow = formula(_seconds(ms) + sp.Rational(5, 10**6)) / GIB
    fast = formula(_seconds(ms) - sp.Rational(5, 10**6)) / GIB
    return bool(slow - sp.Rational(1, 2) <= printed) and bool(printed <= fast + sp.Rational(1, 2))


@dataclass(frozen=True)
class MeasuredTable(render.Published):
    """The trace's timings with the lecture's bandwidth and nccl-tests' two bandwidths."""

    op: str

    def to_markdown(self, lang: str) -> str:
        size = NUM_ELEMENTS * FLOAT32_BYTES  # one rank's tensor (all-reduce) or output (reduce-scatter)
        header = [message("l08_rank", lang), message("l08_printed_ms", lang), message("l08_printed_bw", lang),
                  message("l08_lecture_formula", lang), message("l08_algbw", lang), message("l08_busbw", lang)]
        times = ALL_REDUCE_MS if self.op == "all_reduce" else REDUCE_SCATTER_MS
        printed = ALL_REDUCE_PRINTED if self.op == "all_reduce" else REDUCE_SCATTER_PRINTED
        full = size if self.op == "all_reduce" else size * WORLD_SIZE  # nccl-tests: the input of each rank
        rows = []
        for rank in sorted(times):
            seconds = _seconds(times[rank])
            lecture = (lecture_all_reduce_bandwidth(size, WORLD_SIZE, seconds) if self.op == "all_reduce"
                       else lecture_reduce_scatter_bandwidth(size, WORLD_SIZE, seconds))
            rows.append([render.math(rank), f"${times[rank]}$", f"${printed[rank]}$",
                         f"${render.decimal(lecture / GIB, 4)}$",
                         f"${render.decimal(collectives.algorithm_bandwidth(full, seconds) / 10**9, 4)}$",
                         f"${render.decimal(collectives.bus_bandwidth(self.op, full, WORLD_SIZE, seconds) / 10**9, 4)}"
                         "$"])
        return render.table(header, rows)


@derived
def measured_table(op: str = "all_reduce") -> MeasuredTable:
    """The trace's timings for `op` (all-reduce or reduce-scatter) with the bandwidths derived from them."""
    if op not in ("all_reduce", "reduce_scatter"):
        raise ValueError(f"op must be all_reduce or reduce_scatter; got {op!r}")
    return MeasuredTable(op)


@derived
def stdout_claims() -> Claims:
    """The trace's numbers follow from its times and the lecture's formulas (checked per rank)."""
    size = NUM_ELEMENTS * FLOAT32_BYTES
    example = [sum(i + rank for rank in range(WORLD_SIZE)) for i in range(WORLD_SIZE)]
    items = [Claim(("all-reduce of [0, 1, 2, 3] + rank over 4 ranks, as printed",
                    "4个进程各以[0, 1, 2, 3] + r做全规约，打印出的结果"),
                   sum(abs(d - q) for d, q in zip(example, ALL_REDUCE_EXAMPLE_PRINTED, strict=True)), "==", 0,
                   r"\sum_i \left\lvert \sum_r (i + r) - y_i \right\rvert")]
    for (op, op_zh), times, printed, formula in (
            (("all-reduce", "全规约"), ALL_REDUCE_MS, ALL_REDUCE_PRINTED, lecture_all_reduce_bandwidth),
            (("reduce-scatter", "规约分散"), REDUCE_SCATTER_MS, REDUCE_SCATTER_PRINTED,
             lecture_reduce_scatter_bandwidth)):
        consistent = sum(_rounding_holds(printed[rank], lambda s_, formula=formula: formula(size, WORLD_SIZE, s_),
                                         times[rank])
                         for rank in times)
        items.append(Claim((f"{op}: ranks whose printed GB/s follows from their printed ms",
                            f"{op_zh}：打印的带宽可由打印的用时算出的进程数"),
                           sp.Integer(consistent), "==", len(times), r"\#\{r\}"))
    return Claims(tuple(items))


@derived
def errata() -> Claims:
    """Where lecture 8 slips, each as a claim that holds: published value against derived value."""
    n, t_, M = collectives.n, collectives.t_seconds, collectives.M
    output = M / n  # reduce_scatter_tensor's output is 1/n of each rank's input
    lecture_rs = lecture_reduce_scatter_bandwidth(output, n, t_)
    bus_rs = collectives.bus_bandwidth("reduce_scatter", M, n, t_)
    rank0 = _seconds(REDUCE_SCATTER_MS[0])
    size = NUM_ELEMENTS * FLOAT32_BYTES
    corrected = collectives.bus_bandwidth("reduce_scatter", size * WORLD_SIZE, WORLD_SIZE, rank0) / GIB
    all_reduce0 = collectives.bus_bandwidth("all_reduce", size, WORLD_SIZE, _seconds(ALL_REDUCE_MS[0])) / GIB
    return Claims((
        Claim(("lecture's all-reduce bandwidth is nccl-tests' bus bandwidth",
               "课上的全规约带宽就是nccl-tests的总线带宽"),
              sp.cancel(lecture_all_reduce_bandwidth(M, n, t_) / collectives.bus_bandwidth("all_reduce", M, n, t_)),
              "==", 1,
              r"\hat{W} / W_{\mathrm{bus}}"),
        Claim(("2025 reduce-scatter formula (output bytes) reads busbw / n",
               "2025年的规约分散公式按输出字节数计，读数只有总线带宽的1/n"),
              sp.cancel(bus_rs / lecture_rs), "==", n, r"W_{\mathrm{bus}} / \hat{W}"),
        Claim(("rank 0: printed 74, nccl-tests busbw of the same run (GiB/s)",
               "进程0：打印值为74，同一次运行按nccl-tests算出的总线带宽（GiB/s）"),
              corrected, ">", 4 * 73, r"W_{\mathrm{bus}, 0}"),
        Claim(("corrected reduce-scatter busbw exceeds all-reduce's on the same node",
               "修正后，规约分散的总线带宽高于同一节点上全规约的总线带宽"),
              corrected, ">", all_reduce0, r"W_{\mathrm{bus}, 0}"),
        Claim(("\"GB/s\" printed are GiB/s: 1024³ over 10⁹", "打印的“GB/s”其实是GiB/s：1024³与10⁹之比"),
              sp.Rational(GIB, 10**9), ">", 1, r"2^{30} / 10^{9}"),
        Claim(("NVLink \"900 GB/s\" adds both directions: per direction", "NVLink的“900 GB/s”是两个方向之和，单向为"),
              sp.Rational(NVLINK_AS_LECTURED, 2), "==", NVLINK4.bytes_per_s, r"W_{\text{NVLink}}"),
        Claim(("measured all-reduce busbw (rank 0, GB/s) is below NVLink's per-direction peak",
               "实测的全规约总线带宽（进程0，GB/s）低于NVLink的单向峰值"),
              all_reduce0 * GIB / 10**9, "<", NVLINK4.bytes_per_s / 10**9, r"W_{\mathrm{bus}, 0}"),
        Claim(("HBM \"3.9 TB/s\" as lectured is the H100 NVL's", "课上的HBM“3.9 TB/s”是H100 NVL的数值"),
              HBM_AS_LECTURED, "==", H100_NVL.hbm_bytes_per_s, r"B_{\text{HBM}}"),
        Claim(("lectured HBM / H100 SXM's 3.35 TB/s (lecture 10)", "课上的HBM带宽与H100 SXM的3.35 TB/s（第10讲）之比"),
              sp.Rational(HBM_AS_LECTURED, H100_SXM.hbm_bytes_per_s), ">", 1, r"\frac{3.9}{3.35}"),
    ))


@derived
def hbm_vs_nvlink() -> parallelism.Equations:
    """How much faster HBM is than NVLink, as lectured (mixing a bidirectional figure) and per direction."""
    return parallelism.Equations((
        (("HBM over NVLink, as lectured", "HBM与NVLink之比，按课上的数字"),
         rf"\frac{{3.9 \times 10^{{12}}}}{{9 \times 10^{{11}}}} \approx "
         rf"{render.decimal(sp.Rational(HBM_AS_LECTURED, NVLINK_AS_LECTURED), 3)}"),
        (("HBM over NVLink, H100 SXM, per direction", "HBM与NVLink之比，H100 SXM，单向"),
         rf"\frac{{3.35 \times 10^{{12}}}}{{4.5 \times 10^{{11}}}} \approx "
         rf"{render.decimal(H100_SXM.hbm_bytes_per_s / NVLINK4.bytes_per_s, 3)}"),
    ))


# ---------------------------------------------------------------- lecture 7 presets
ZERO_FIGURE_1 = {"params": 7_500_000_000, "devices": 64, "optimizer_bytes": 12}  # Rajbhandari et al. 2020
ZERO_FIGURE_1_PRINTED_GB = ("120", "31.4", "16.6", "1.9")
LECTURE7_A100 = {"memory_bytes": 80 * 10**9, "devices": 8, "optimizer_bytes": 8}  # slide: 8 × A100 80 GB
LECTURE7_A100_PRINTED_B = ("6.66", "16", "24.62", "53.33")


@derived
def zero_claims() -> Claims:
    """The ZeRO paper's figure 1 and lecture 7's A100 table, each entry derived and compared."""
    items = []
    for stage, printed in enumerate(ZERO_FIGURE_1_PRINTED_GB):
        derived_gb = parallelism.zero_memory(**ZERO_FIGURE_1, stage=stage) / 10**9
        items.append(Claim((f"ZeRO figure 1, stage {stage}: printed {printed} GB (to 0.05)",
                            f"ZeRO论文图1，阶段{stage}：图中为{printed} GB（误差不超过0.05）"),
                           abs(derived_gb - sp.Rational(printed)), "<", sp.Rational(5, 100),
                           rf"\lvert M_{stage} - {printed}\rvert"))
    for stage, printed in enumerate(LECTURE7_A100_PRINTED_B):
        derived_b = parallelism.zero_largest_model(**LECTURE7_A100, stage=stage) / 10**9
        items.append(Claim((f"lecture 7, 8 × A100 80 GB, stage {stage}: printed {printed}B (to 0.01)",
                            f"第7讲，8张80 GB的A100，阶段{stage}：课上为{printed}B（误差不超过0.01）"),
                           abs(derived_b - sp.Rational(printed)), "<", sp.Rational(1, 100),
                           rf"\lvert N_{stage} - {printed}\rvert"))
    return Claims(tuple(items))


# ---------------------------------------------------------------- the parallel MLPs, simulated
@dataclass(frozen=True)
class MlpTraffic(render.Published):
    """Bytes one device sends per step in lecture 8's data-, tensor- and pipeline-parallel MLPs,
    counted on numpy arrays standing for each rank's shards, and the closed forms they match.
    """

    rows: tuple[tuple[str, str, int, sp.Expr], ...]  # strategy key, collective, counted, formula

    def to_markdown(self, lang: str) -> str:
        header = [message("par_configuration", lang), term("par_collective", lang),
                  message("par_bytes_sent", lang), "$=$"]
        return render.table(header, ([term(key, lang), i18n.text(what, lang), f"${render.integer(counted)}$",
                                      f"${render.integer(formula)}$" if formula.is_Integer else render.math(formula)]
                                     for key, what, counted, formula in self.rows))


def data_parallel_sent(grads: list[np.ndarray], world: int) -> int:
    """Bytes rank 0 sends to all-reduce its gradients on a ring, layer by layer.

    Reduce-scatter, then all-gather: 2 (world - 1) steps, one shard each.
    """
    sent = 0
    for grad in grads:
        shards = np.array_split(grad.ravel(), world)
        for step in range(2 * (world - 1)):
            sent += shards[step % world].nbytes
    return sent


def tensor_parallel_sent(x: np.ndarray, weights, world: int) -> int:
    """Bytes rank 0 sends in the lecture's tensor-parallel forward pass.

    Each rank computes dim / world output columns of every layer, then
    the ranks all-gather them on a ring (world - 1 steps of one shard).
    """
    sent, h = 0, x
    for w in weights:
        cols = np.array_split(np.arange(w.shape[1]), world)
        shards = [h @ w[:, c] for c in cols]  # rank r's columns
        sent += sum(shards[-step % world].nbytes for step in range(world - 1))
        h = np.concatenate(shards, axis=1)
    if not np.allclose(h, np.linalg.multi_dot([x, *weights]), atol=1e-3):
        raise AssertionError("sharded forward differs from the unsharded one")
    return sent


def pipeline_parallel_sent(x: np.ndarray, first_stage, micro: int) -> int:
    """Bytes rank 0 sends: each micro-batch's activations, to rank 1."""
    h = x
    for w in first_stage:
        h = h @ w
    return sum(chunk.nbytes for chunk in np.array_split(h, micro, axis=0))


@derived
def mlp_traffic(batch=BATCH, dim=NUM_DIM, layers=NUM_LAYERS, world=WORLD_SIZE,
                micro=NUM_MICRO_BATCHES) -> MlpTraffic:
    """Lecture 8's three MLPs on numpy arrays, one process, float32 as in the lecture.

    GeLU is left out: it changes no shape, so nothing sent. Pipeline parallelism
    uses two ranks, as in the lecture, so rank 0 holds half the layers.
    """
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, dim), dtype=np.float32)
    weights = [rng.standard_normal((dim, dim), dtype=np.float32) / np.float32(np.sqrt(dim)) for _ in range(layers)]
    grads = [np.zeros((dim, dim), np.float32) for _ in range(layers)]  # only their size matters
    return MlpTraffic((
        ("par_data_parallel", "par_all_reduce", data_parallel_sent(grads, world),
         sp.Integer(2 * (world - 1) * layers * dim * dim * FLOAT32_BYTES) / world),
        ("par_tensor_parallel", "par_all_gather", tensor_parallel_sent(x, weights, world),
         sp.Integer((world - 1) * layers * batch * dim * FLOAT32_BYTES) / world),
        ("par_pipeline_parallel", "par_send_recv",
         pipeline_parallel_sent(x, weights[: layers // PIPELINE_WORLD_SIZE], micro),
         sp.Integer(batch * dim * FLOAT32_BYTES)),
    ))


# ---------------------------------------------------------------- worked questions' answers
i18n.register("parallelism", messages={
    "l08_quantity": ("Quantity", "项目"),
    "l08_value": ("Value", "数值"),
})


@dataclass(frozen=True)
class Answers(render.Published):
    """A worked question's answer: labelled values, each derived by the package."""

    rows: tuple[tuple[tuple[str, str], str], ...]  # ((en, zh) label, LaTeX value)

    def to_markdown(self, lang: str) -> str:
        return render.table([message("l08_quantity", lang), message("l08_value", lang)],
                            ([i18n.pair(*label, lang), f"${value}$"] for label, value in self.rows))


def _ms(seconds) -> str:
    return rf"{render.decimal(seconds * 1000, 3)}\ \mathrm{{ms}}"


def _gb(value) -> str:
    return rf"{render.decimal(value / 10**9, 3)}\ \mathrm{{GB}}"


@derived
def answers_collectives() -> tuple[Answers, ...]:
    """Answers to the collectives questions: all-reduce times, bandwidths, the latency crossover, all-to-all."""
    nvlink = NVLINK4.bytes_per_s
    grads = 2 * 7 * 10**9  # a 7B model's bf16 gradients
    q1 = Answers((
        (("all-reduce of 14 GB on 8 GPUs over NVLink 4", "8张GPU经NVLink 4全规约14 GB"),
         _ms(collectives.time("all_reduce", grads, 8, nvlink))),
        (("the same with the lecture's 900 GB/s taken as per direction", "把课上的900 GB/s误当成单向带宽时"),
         _ms(collectives.time("all_reduce", grads, 8, NVLINK_AS_LECTURED))),
    ))
    size, busbw = 2**30, 360 * 10**9
    algbw = busbw / collectives.bus_factor("all_reduce", 8)
    q2 = Answers((
        (("algorithm bandwidth", "算法带宽"), rf"{render.decimal(algbw / 10**9, 4)}\ \mathrm{{GB/s}}"),
        (("time of one all-reduce of 1 GiB", "一次1 GiB全规约的用时"), _ms(size / algbw)),
    ))
    alpha = sp.Rational(5, 10**6)
    crossover = 8 * alpha * nvlink  # 2(n-1)α = 2(n-1)M/(nW)  ⇔  M = nαW
    q3 = Answers((
        ((r"buffer where latency equals bandwidth time (n = 8, α = 5 µs)",
          "时延项与带宽项相等时的缓冲区（n = 8，α = 5 µs）"),
         _gb(crossover)),
        (("check: the two terms there", "验算：此时两项分别为"),
         rf"{_ms(14 * alpha)},\ {_ms(collectives.time('all_reduce', crossover, 8, nvlink))}"),
    ))
    q4 = Answers((
        (("all-to-all / all-gather time on a ring", "环上全对全与全收集的用时之比"),
         render.latex(sp.simplify(collectives.time("all_to_all", collectives.M, collectives.n, collectives.W)
                                  / collectives.time("all_gather", collectives.M, collectives.n, collectives.W)))),
    ))
    return q1, q2, q3, q4


@derived
def answers_data_parallel() -> tuple[Answers, ...]:
    """Answers to the data-parallel questions: ZeRO memory per device, overlap and traffic."""
    params, hbm = 70 * 10**9, 80 * 10**9
    q1 = Answers(tuple(
        ((f"ZeRO-{stage}, 70B, 64 devices, K = 12", f"ZeRO-{stage}，70B，64台设备，K = 12"),
         rf"{_gb(parallelism.zero_memory(params, 64, stage))}\ "
         + (r"\le" if parallelism.zero_memory(params, 64, stage) <= hbm else ">") + r"\ 80\ \mathrm{GB}")
        for stage in range(4)))
    fewest = sp.ceiling(parallelism.zero_memory(params, 1, 0) / hbm)
    q2 = Answers(((("fewest devices for ZeRO-3 to hold 70B's model state", "ZeRO-3放下70B模型状态所需的最少设备数"),
                   render.latex(fewest)),))
    tokens = parallelism.dp_tokens_to_be_compute_bound("H100_SXM", "IB_NDR", 1024, 0)
    batch = 4 * 1024**2
    q3 = Answers((
        (("tokens per device to hide DDP's all-reduce (H100, IB NDR)",
          "掩盖DDP全规约所需的每台设备词元数（H100，InfiniBand NDR）"),
         render.decimal(tokens, 4)),
        (("largest data-parallel degree for a 4M-token batch", "批次为4M词元时的最大数据并行度"),
         render.latex(sp.floor(batch / tokens))),
    ))
    traffic = parallelism.zero_traffic(params, 64, 3)
    q4 = Answers((
        (("bytes one device sends per step, ZeRO-3, 70B, 64 devices",
          "ZeRO-3、70B模型、64台设备：每台设备每步发送的字节数"), _gb(traffic)),
        (("time over InfiniBand NDR", "经InfiniBand NDR的用时"),
         rf"{render.decimal(traffic / IB_NDR.bytes_per_s, 3)}\ \mathrm{{s}}"),
    ))
    return q1, q2, q3, q4


@derived
def answers_tensor_pipeline() -> tuple[Answers, ...]:
    """Answers to the pipeline- and tensor-parallel questions: bubbles, micro-batches, TP thresholds and traffic."""
    q1 = Answers((
        (("bubble, p = 8, m = 32", "气泡，p = 8，m = 32"), render.latex(parallelism.bubble_fraction(8, 32))),
        (("bubble, p = 8, m = 32, v = 2",
          "气泡，p = 8，m = 32，v = 2"), render.latex(parallelism.bubble_fraction(8, 32, 2))),
    ))
    micro = sp.ceiling((16 - 1) / sp.Rational(5, 100))
    q2 = Answers(((("micro-batches for a bubble of at most 5% with p = 16", "p = 16时气泡不超过5%所需的微批次数"),
                   render.latex(micro)),
                  (("check: bubble at that m",
                    "验算：该m下的气泡"), render.latex(parallelism.bubble_fraction(16, micro))),))
    q3 = Answers((
        (("h above which t = 8 is compute-bound on NVLink 4", "t = 8时在NVLink 4上达到计算受限所需的h"),
         render.decimal(parallelism.tp_hidden_to_be_compute_bound("H100_SXM", "NVLINK4", 8), 4)),
        (("the same for t = 16 over InfiniBand NDR", "t = 16、经InfiniBand NDR时的同一阈值"),
         render.decimal(parallelism.tp_hidden_to_be_compute_bound("H100_SXM", "IB_NDR", 16), 4)),
    ))
    sbh = 2048 * 12288  # GPT-3, b = 1
    sent = 2 * collectives.bytes_sent("all_reduce", 2 * sbh, 8)
    q4 = Answers(((("bytes one device sends per layer, forward, GPT-3 shape, b = 1, t = 8",
                    "GPT-3形状、b = 1、t = 8时，每台设备每层前向发送的字节数"), _gb(sent)),
                  (("time on NVLink 4", "在NVLink 4上的用时"), _ms(sent / NVLINK4.bytes_per_s))))
    return q1, q2, q3, q4


@derived
def answers_activations() -> tuple[Answers, ...]:
    """Answers to the activation questions: bytes per layer by parallelism, the scores' share, recomputation."""
    shape = dict(seq_len=2048, batch=1, hidden=12288, heads=96)
    cases = (
        (("GPT-3 layer, no parallelism", "GPT-3单层，不并行"), {}),
        (("t = 8", "t = 8"), {"tensor_parallel": 8}),
        (("t = 8 + sequence parallel", "t = 8，加序列并行"), {"tensor_parallel": 8, "sequence_parallel": True}),
        (("t = 8 + SP + selective recomputation", "t = 8，加序列并行和选择性重计算"),
         {"tensor_parallel": 8, "sequence_parallel": True, "recompute": "selective"}),
    )
    q1 = Answers(tuple((label, rf"{_gb(parallelism.activation_bytes(**shape, **kwargs))}\ \times 96 = "
                        rf"{_gb(96 * parallelism.activation_bytes(**shape, **kwargs))}") for label, kwargs in cases))
    llama = parallelism.attention_share("Llama 3.1 405B", 8192, 16384, 128)
    q2 = Answers(((("5as/h for Llama 3.1 405B at s = 8192",
                    "Llama 3.1 405B在s = 8192时的5as/h"), render.latex(llama.ratio)),
                  (("share of the attention scores",
                    "注意力分数部分的占比"), rf"{render.decimal(llama.share * 100, 3)}\%")))
    full = parallelism.activation_bytes(**shape, recompute="full")
    q3 = Answers(((("full recomputation, per layer", "完全重计算，每层"), _gb(full)),
                  (("training FLOPs with full recomputation over without: 8N/6N",
                    "完全重计算与不重计算时训练FLOPs之比：8N/6N"),
                   render.latex(sp.Rational(8, 6)))))
    return q1, q2, q3


# ---------------------------------------------------------------- 3D configurations
i18n.register("parallelism", messages={
    "l08_run": ("Run", "训练"),
    "l08_gpus": ("GPUs", "GPU数"),
    "l08_state_gb": ("Model state per GPU (GB)", "每张GPU的模型状态（GB）"),
    "l08_act_gb": ("Activations per GPU (GB)", "每张GPU的激活值（GB）"),
    "l08_fits": ("Fits in 80 GB", "能否放入80 GB"),
    "l08_days": ("Days", "天数"),
    "l08_flops_per_token": ("FLOPs per parameter per token", "每参数每词元FLOPs"),
})

_NARAYANAN = "https://arxiv.org/abs/2104.04473"  # Table 1 and §5.1
_LLAMA3_PAPER = "https://arxiv.org/abs/2407.21783"  # Table 4 (8K-context stage), §3.3
_DEEPSEEK_V3 = "https://arxiv.org/abs/2412.19437"  # §3.2, Table 1


@dataclass(frozen=True)
class Run:
    """A published training layout: tensor (t), pipeline (p) and data (d) parallel degrees.

    Memory per GPU: 2-byte weights and gradients and 12 bytes of Adam state for the
    P/(t·p) parameters a GPU holds, optimizer state sharded over d (ZeRO-1, the distributed
    optimizer); activations of GPT layers with sequence parallelism and selective
    recomputation, times the l/p layers of a stage and the p micro-batches in flight under
    1F1B. `flops_per_param_token` is 8 with full recomputation (Megatron's estimate), 6 without.
    """

    name: str
    params: int
    layers: int
    hidden: int
    heads: int
    seq_len: int
    t: int
    p: int
    d: int
    tokens: int
    flops_per_device: int  # achieved, as published
    flops_per_param_token: int
    source: str
    experts_note: str = ""

    @property
    def gpus(self) -> int:
        return self.t * self.p * self.d

    @property
    def state_bytes(self) -> sp.Expr:
        return parallelism.zero_memory(sp.Rational(self.params, self.t * self.p), self.d, 1)

    @property
    def activation_bytes(self) -> sp.Expr:
        layer = parallelism.activation_bytes(self.seq_len, 1, self.hidden, self.heads, self.t, True, "selective")
        return layer * sp.Rational(self.layers, self.p) * self.p

    @property
    def seconds(self) -> sp.Expr:
        return (parallelism.train_seconds(self.tokens, self.params, self.gpus, self.flops_per_device)
                * sp.Rational(self.flops_per_param_token, 8))


# Narayanan et al. 2021 (V = 51,200): GPT-3 175B as in §5.1's estimate (1024 A100s at
# 140 TFLOP/s, 300B tokens), laid out t = 8, p = 8, d = 16; the 1T model as in Table 1
# (t = 8, p = 64, 3072 GPUs, 163 TFLOP/s per GPU) with §5.1's 450B tokens.
GPT3_175B = Run("GPT-3 175B (Megatron)", 174_615_822_336, 96, 12288, 96, 2048, 8, 8, 16, 300 * 10**9,
                140 * 10**12, 8, _NARAYANAN)
GPT_1T = Run("GPT 1T (Megatron)", 1_008_000_000_000, 128, 25600, 160, 2048, 8, 64, 6, 450 * 10**9,
             163 * 10**12, 8, _NARAYANAN)
# Llama 3.1 405B, pre-training at 8K context on 16,384 H100s: TP 8, CP 1, PP 16, DP 128, 400 TFLOP/s
# per GPU; 15.6T tokens; no full recomputation (6 FLOPs per parameter per token).
LLAMA3_405B = Run("Llama 3.1 405B", 405 * 10**9, 126, 16384, 128, 8192, 8, 16, 128, 15_600 * 10**9,
                  400 * 10**12, 6, _LLAMA3_PAPER)
RUNS = (GPT3_175B, GPT_1T, LLAMA3_405B)

# DeepSeek-V3: 671B parameters, 37B active per token, 14.8T tokens; 2,048 H800s with PP 16,
# 64-way expert parallelism over 8 nodes, ZeRO-1 data parallelism and no tensor parallelism;
# 2.664M H800 GPU-hours of pre-training.
DEEPSEEK_V3 = {"active_params": 37 * 10**9, "tokens": 14_800 * 10**9, "gpus": 2048, "pipeline": 16,
               "experts": 64, "gpu_hours": 2_664_000, "source": _DEEPSEEK_V3}


@dataclass(frozen=True)
class RunTable(render.Published):
    """The table of published training layouts: degrees, memory per GPU, FLOPs and days."""

    runs: tuple[Run, ...]

    def to_markdown(self, lang: str) -> str:
        header = [message("l08_run", lang), "$t$", "$p$", "$d$", message("l08_gpus", lang),
                  message("l08_state_gb", lang), message("l08_act_gb", lang), message("l08_fits", lang),
                  message("l08_flops_per_token", lang), message("l08_days", lang), term("source", lang)]
        rows = []
        for run in self.runs:
            total = run.state_bytes + run.activation_bytes
            rows.append([run.name, render.math(run.t), render.math(run.p), render.math(run.d), render.math(run.gpus),
                         f"${render.decimal(run.state_bytes / 10**9, 3)}$",
                         f"${render.decimal(run.activation_bytes / 10**9, 3)}$",
                         message("yes" if total <= 80 * 10**9 else "no", lang),
                         render.math(run.flops_per_param_token),
                         f"${render.decimal(run.seconds / 86400, 3)}$",
                         f"[arXiv]({run.source})"])
        return render.table(header, rows)


@derived
def run_table() -> RunTable:
    """The table of the published runs in `RUNS`."""
    return RunTable(RUNS)


@derived
def megatron_formulas() -> parallelism.Equations:
    """Megatron's parameter count, exact and factored, and its training-time estimate."""
    P = parallelism
    return P.Equations((
        (r"P", P.megatron_params(P.l_layers, P.h, P.V_vocab, P.s)),
        (r"P", sp.Mul(12, P.l_layers, P.h**2, 1 + sp.Rational(13, 12) / P.h
                      + (P.V_vocab + P.s) / (12 * P.l_layers * P.h), evaluate=False)),
        (r"T", P.train_seconds(P.D, P.N, P.n_gpus, P.X)),
    ))


@derived
def megatron_claims() -> Claims:
    """Narayanan et al. 2021's published figures against the derivations."""
    P = parallelism
    rows = {(24, 2304): "1.7", (80, 12288): "145.6", (96, 16384): "310.1", (105, 20480): "529.6",
            (128, 25600): "1008.0"}  # Table 1, billions of parameters
    items = [Claim((f"Table 1: l = {layers}, h = {hidden}, printed {printed}B",
                    f"表1：l = {layers}，h = {hidden}，论文为{printed}B"),
                   abs(P.megatron_params(layers, hidden, 51200, 2048) / 10**9 - sp.Rational(printed)), "<",
                   sp.Rational(5, 100), rf"\lvert P / 10^9 - {printed} \rvert")
             for (layers, hidden), printed in rows.items()]
    gpt3 = P.train_seconds(300 * 10**9, 175 * 10**9, 1024, 140 * 10**12) / 86400
    one_t = P.train_seconds(450 * 10**9, 1008 * 10**9, 3072, 163 * 10**12) / 86400
    items += [
        Claim(("§5.1: GPT-3 175B, 300B tokens, 1024 GPUs at 140 TFLOP/s: \"34 days\"",
               "§5.1：GPT-3 175B，3000亿词元，1024张GPU，每张140 TFLOP/s：“34天”"),
              abs(gpt3 - 34), "<", sp.Rational(1, 2), r"\lvert T / \mathrm{d} - 34 \rvert"),
        Claim(("§5.1: 1T (1008B), 450B tokens, 3072 GPUs at 163 TFLOP/s: \"84 days\"",
               "§5.1：1T（1008B）模型，4500亿词元，3072张GPU，每张163 TFLOP/s：“84天”"),
              abs(one_t - 84), "<", sp.Rational(1, 2), r"\lvert T / \mathrm{d} - 84 \rvert"),
        Claim(("abstract: 1T at 502 PFLOP/s on 3072 GPUs, \"52% of peak\" (A100: 312 TFLOP/s)",
               "摘要：1T模型在3072张GPU上达到502 PFLOP/s，“峰值的52%”（A100为312 TFLOP/s）"),
              abs(sp.Rational(502 * 10**15, 3072 * 312 * 10**12) * 100 - 52), "<", sp.Rational(1, 2),
              r"\lvert 100 X / F - 52 \rvert"),
        Claim(("Llama 3.1 405B: TP · PP · DP = 16,384 GPUs",
               "Llama 3.1 405B：张量并行度×流水线并行度×数据并行度 = 16384张GPU"),
              LLAMA3_405B.gpus, "==", 16384, r"t p d"),
    ]
    implied = sp.Rational(6 * DEEPSEEK_V3["active_params"] * DEEPSEEK_V3["tokens"], DEEPSEEK_V3["gpu_hours"] * 3600)
    items.append(Claim(("DeepSeek-V3: 6 · 37B · 14.8T over 2.664M GPU-hours, in FLOP/s per GPU "
                        "(below H800's dense bf16 peak)",
                        "DeepSeek-V3：6 · 37B · 14.8T除以266.4万GPU小时，折合每张GPU的FLOP/s"
                        "（低于H800的bf16稠密峰值）"),
                       implied, "<", H100_SXM.flops_per_s, r"X_{\text{implied}}"))
    return Claims(tuple(items))


# ---------------------------------------------------------------- a peer's slip
# The scaling book, "How to Think About TPUs", worked problem 5 (jax-ml/scaling-book, tpus.md at
# commit 04d8de58): sending bfloat16[8, 128, 8192] between two TPU v5e chips over two ICI links
# of 5e10 bytes/s each way. It prints "1.7e10 bytes" and "170ms".
SCALING_BOOK_Q5_BYTES = sp.Rational("1.7e10")
SCALING_BOOK_Q5_SECONDS = sp.Rational(170, 1000)


@derived
def scaling_book_errata() -> Claims:
    """Claims checking the scaling book's TPU problem 5 (bytes and time) against the derivation."""
    from ..catalog.interconnects import TPU_V5E_ICI

    size = 2 * 8 * 128 * 8192  # bytes of bfloat16[8, 128, 8192]
    seconds = size / (2 * TPU_V5E_ICI.bytes_per_s_per_link)
    return Claims((
        Claim(("scaling book, TPUs Q5: printed 1.7e10 bytes for bf16[8, 128, 8192]; printed / derived",
               "scaling book TPU一章第5题：书中bf16[8, 128, 8192]为1.7e10字节；书中值与推导值之比"),
              SCALING_BOOK_Q5_BYTES / size, ">", 1000, r"\frac{1.7 \times 10^{10}}{2 \cdot 8 \cdot 128 \cdot 8192}"),
        Claim(("the same transfer over two v5e ICI links: printed 170 ms over derived time",
               "同一次传输经两条v5e ICI链路：书中的170 ms与推导用时之比"),
              SCALING_BOOK_Q5_SECONDS / seconds, ">", 1000, r"\frac{0.17\ \mathrm{s}}{t}"),
    ))
