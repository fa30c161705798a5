r"""Collective operations on a ring: how long they take and what nccl-tests reports.

A buffer of $M$ bytes (the full, unsharded buffer) is spread over $n$ devices in a ring. Each
device sends to its right neighbour over a link of $W$ bytes/s per direction, and every
step of the algorithm costs a latency $\alpha$ on top of the bytes it moves:

- all-gather and reduce-scatter: $n - 1$ steps, each sending one shard of $M/n$ bytes;
- all-reduce = reduce-scatter followed by all-gather: twice that;
- all-to-all: $n - 1$ steps, step $k$ forwarding the $n - k$ pieces of $M/n^2$ bytes still
  on their way, half the bytes of an all-gather.

nccl-tests report an *algorithm bandwidth* $M/t$ and a *bus bandwidth*: the algorithm
bandwidth times the factor above, which equals the link bandwidth of the ring algorithm
whatever $n$ is, so it can be compared with the hardware's peak.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .core import i18n, render
from .core.cache import derived
from .core.i18n import message, term
from .core.symbols import define, topic
from .core.validate import positive, positive_int

PARALLELISM = topic("parallelism", "Parallel training: collectives, sharding and pipelines",
                    "并行训练：集合通信、分片与流水线")

i18n.register("parallelism", terms={
    "par_collective": ("Collective operation", "集合通信操作"),
    "par_all_gather": ("All-gather", "全收集"),
    "par_reduce_scatter": ("Reduce-scatter", "规约分散"),
    "par_all_reduce": ("All-reduce", "全规约"),
    "par_all_to_all": ("All-to-all", "全对全"),
    "par_broadcast": ("Broadcast", "广播"),
    "par_ring": ("Ring algorithm", "环形算法"),
    "par_algbw": ("Algorithm bandwidth", "算法带宽"),
    "par_busbw": ("Bus bandwidth", "总线带宽"),
    "par_rank": ("Rank", "进程编号"),
    "par_world_size": ("World size", "进程总数"),
}, messages={
    "par_op": ("Operation", "操作"),
    "par_steps": ("Steps", "步数"),
    "par_bytes_sent": ("Bytes each device sends", "每台设备发送的字节数"),
    "par_time": ("Time on a ring", "环上用时"),
    "par_bus_factor": ("Bus bandwidth / algorithm bandwidth", "总线带宽与算法带宽之比"),
    "par_level": ("Level", "层级"),
    "par_devices": ("Devices", "设备数"),
    "par_link": ("Link bandwidth per direction", "单向链路带宽"),
    "par_buffer": ("Buffer at this level", "该层级处理的缓冲区"),
    "par_seconds_ms": ("Time (ms)", "用时（毫秒）"),
    "par_flat_ring": ("One flat ring over every device (slowest link)", "所有设备串成一个扁平环（受最慢的链路限制）"),
    "par_hierarchy": ("Hierarchical: level by level", "分层：逐层级执行"),
    "par_total": ("Total", "合计"),
})

n = define(PARALLELISM, "n_devices", latex="n", en="devices taking part in a collective (ring size)",
           zh="参与集合通信的设备数（环的大小）")
M = define(PARALLELISM, "M_bytes", latex="M", en="bytes of the full, unsharded buffer",
           zh="完整（未分片）缓冲区的字节数")
W = define(PARALLELISM, "W_link", latex="W", en="link bandwidth per direction (bytes/s)",
           zh="单向链路带宽（字节/秒）")
alpha = define(PARALLELISM, "alpha_link", latex=r"\alpha", en="latency of one step of a collective (s)",
               zh="集合通信每一步的时延（秒）")
t_seconds = define(PARALLELISM, "t_collective", latex="t", en="measured time of one collective (s)",
                   zh="一次集合通信实测的用时（秒）")

OPS = ("all_gather", "reduce_scatter", "all_reduce", "all_to_all")
BUS_OPS = OPS + ("broadcast", "reduce")


def _op(op: str, known=OPS) -> str:
    if op not in known:
        raise ValueError(f"op must be one of {', '.join(known)}; got {op!r}")
    return op


def _latency(latency) -> sp.Expr:
    if isinstance(latency, (int, sp.Integer)) and not isinstance(latency, bool) and latency == 0:
        return sp.Integer(0)
    return positive("latency", latency)


@derived
def steps(op: str, devices) -> sp.Expr:
    """Number of sequential ring steps: $n-1$, or $2(n-1)$ for all-reduce.

    Examples:
        >>> steps("all_reduce", 8)
        14
        >>> steps("all_to_all", n)
        n_devices - 1
    """
    count = positive_int("devices", devices) - 1
    return 2 * count if _op(op) == "all_reduce" else count


@derived
def bytes_sent(op: str, bytes, devices) -> sp.Expr:
    """Bytes each device sends over its link during the ring algorithm.

    Examples:
        >>> bytes_sent("all_gather", 800, 4)
        600
        >>> bytes_sent("all_reduce", 800, 4)
        1200
        >>> bytes_sent("all_to_all", 800, 4)
        300
        >>> sp.factor(bytes_sent("all_to_all", M, n))
        M_bytes*(n_devices - 1)/(2*n_devices)
    """
    size, count = positive("bytes", bytes), positive_int("devices", devices)
    shard = size / count
    if _op(op) == "all_reduce":
        return 2 * (count - 1) * shard
    if op == "all_to_all":
        # step k forwards the n - k pieces of M/n^2 bytes not yet delivered: n(n-1)/2 pieces
        return count * (count - 1) / 2 * size / count**2
    return (count - 1) * shard


@derived
def time(op: str, bytes, devices, bandwidth, latency=0) -> sp.Expr:
    """Seconds of a ring collective on a buffer of `bytes` (full size) over `devices` devices.

    `bandwidth` is each link's bandwidth in one direction; `latency` is paid once per step.

    Examples:
        >>> time("all_reduce", 4 * 10**9, 8, 450 * 10**9)
        7/450
        >>> time("all_gather", M, n, W, alpha)
        M_bytes*(n_devices - 1)/(W_link*n_devices) + alpha_link*(n_devices - 1)
        >>> time("broadcast", 1, 2, 1)
        Traceback (most recent call last):
        ...
        ValueError: op must be one of all_gather, reduce_scatter, all_reduce, all_to_all; got 'broadcast'
        >>> time("all_gather", 1, 2, 0)
        Traceback (most recent call last):
        ...
        ValueError: bandwidth must be positive, got 0
    """
    link = positive("bandwidth", bandwidth)
    wait = _latency(latency)
    return steps(op, devices) * wait + bytes_sent(op, bytes, devices) / link


@derived
def bus_factor(op: str, devices) -> sp.Expr:
    """Bus bandwidth over algorithm bandwidth, as nccl-tests define it (doc/PERFORMANCE.md).

    Examples:
        >>> bus_factor("all_reduce", 4), bus_factor("reduce_scatter", 4), bus_factor("broadcast", 4)
        (3/2, 3/4, 1)
    """
    count = positive_int("devices", devices)
    if _op(op, BUS_OPS) == "all_reduce":
        return 2 * (count - 1) / count
    if op in ("broadcast", "reduce"):
        return sp.Integer(1)
    return (count - 1) / count


@derived
def algorithm_bandwidth(bytes, seconds) -> sp.Expr:
    """nccl-tests' algbw: the buffer's size over the time, `bytes` being the full buffer.

    Examples:
        >>> algorithm_bandwidth(10**9, sp.Rational(1, 100))
        100000000000
    """
    return positive("bytes", bytes) / positive("seconds", seconds)


@derived
def bus_bandwidth(op: str, bytes, devices, seconds) -> sp.Expr:
    """nccl-tests' busbw: algorithm bandwidth times the op's factor; `bytes` is the full buffer
    (for reduce-scatter, the input of each rank; for all-gather, the output; for all-to-all,
    nccl-tests count each rank's buffer, whose factor assumes a switch, not a ring).

    For all-gather, reduce-scatter and all-reduce on a ring it equals the per-direction link
    bandwidth the collective achieved.

    Examples:
        >>> bus_bandwidth("all_reduce", 4 * 10**9, 8, time("all_reduce", 4 * 10**9, 8, 450 * 10**9))
        450000000000
        >>> bus_bandwidth("gather", 1, 2, 1)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: op must be one of all_gather, reduce_scatter, all_reduce, ..., reduce; got 'gather'
    """
    return algorithm_bandwidth(bytes, seconds) * bus_factor(op, devices)


@dataclass(frozen=True)
class Level:
    """One level of a hierarchy: `devices` per group, joined by links of `bandwidth` bytes/s."""

    name: str
    devices: int
    bandwidth: object
    latency: object = 0

    def __post_init__(self):
        object.__setattr__(self, "devices", positive_int("devices", self.devices))
        object.__setattr__(self, "bandwidth", positive("bandwidth", self.bandwidth))
        object.__setattr__(self, "latency", _latency(self.latency))


@derived
def hierarchical_time(op: str, bytes, levels: tuple[Level, ...]) -> sp.Expr:
    """Seconds of a collective run level by level, innermost level first (NCCL's tree of rings).

    Level $i$ works on the buffer divided by the devices of every level inside it: a
    reduce-scatter inside the node leaves each GPU $1/g$ of the buffer to exchange between nodes.

    Examples:
        >>> nodes = (Level("NVLink", 8, 450 * 10**9), Level("InfiniBand", 4, 50 * 10**9))
        >>> hierarchical_time("all_reduce", 8 * 10**9, nodes)
        11/180
    """
    size = positive("bytes", bytes)
    total, inner = sp.Integer(0), sp.Integer(1)
    for level in levels:
        total += time(op, size / inner, level.devices, level.bandwidth, level.latency)
        inner *= level.devices
    return total


@derived
def flat_time(op: str, bytes, levels: tuple[Level, ...]) -> sp.Expr:
    """Seconds of one flat ring over every device of `levels`: it runs at its slowest link,
    the minimum of the levels' bandwidths, and pays the largest latency at every step.

    Examples:
        >>> nodes = (Level("NVLink", 8, 450 * 10**9), Level("InfiniBand", 4, 50 * 10**9))
        >>> flat_time("all_reduce", 8 * 10**9, nodes)
        31/100
    """
    devices = sp.Mul(*(level.devices for level in levels))
    slowest = sp.Min(*(level.bandwidth for level in levels))
    latency = sp.Max(*(level.latency for level in levels))
    return time(op, bytes, devices, slowest, latency)


_OP_TERMS = {"all_gather": "par_all_gather", "reduce_scatter": "par_reduce_scatter",
             "all_reduce": "par_all_reduce", "all_to_all": "par_all_to_all", "broadcast": "par_broadcast"}


@dataclass(frozen=True)
class RingTable(render.Published):
    """Steps, bytes sent per device, time and bus-bandwidth factor of each op, symbolically."""

    ops: tuple[str, ...] = OPS

    def to_markdown(self, lang: str) -> str:
        header = [message("par_op", lang), message("par_steps", lang), message("par_bytes_sent", lang),
                  message("par_time", lang), message("par_bus_factor", lang)]
        rows = ([term(_OP_TERMS[op], lang), render.math(steps(op, n)), render.math(sp.factor(bytes_sent(op, M, n))),
                 f"${render.latex(steps(op, n) * alpha)} + {render.latex(sp.factor(bytes_sent(op, M, n) / W))}$",
                 render.math(sp.factor(bus_factor(op, n)))] for op in self.ops)
        return render.table(header, rows)


@derived
def ring_table() -> RingTable:
    r"""The ring algorithm's cost for each collective, in the letters $M, n, W, \alpha$."""
    return RingTable()


@dataclass(frozen=True)
class HierarchyTable(render.Published):
    """A collective on a two-level machine, level by level and as one flat ring."""

    op: str
    bytes: sp.Expr
    levels: tuple[Level, ...]

    def to_markdown(self, lang: str) -> str:
        header = [message("par_level", lang), message("par_devices", lang), message("par_link", lang),
                  message("par_buffer", lang), message("par_seconds_ms", lang)]
        rows, inner = [], sp.Integer(1)
        for level in self.levels:
            buffer = self.bytes / inner
            seconds = time(self.op, buffer, level.devices, level.bandwidth, level.latency)
            rows.append([level.name, render.math(level.devices), f"${render.decimal(level.bandwidth)}$",
                         f"${render.decimal(buffer)}$", f"${render.decimal(seconds * 1000)}$"])
            inner *= level.devices
        rows.append([f"**{message('par_hierarchy', lang)}**", render.math(inner), "", "",
                     f"**${render.decimal(hierarchical_time(self.op, self.bytes, self.levels) * 1000)}$**"])
        rows.append([message("par_flat_ring", lang), render.math(inner), "", "",
                     f"${render.decimal(flat_time(self.op, self.bytes, self.levels) * 1000)}$"])
        return render.table(header, rows)


@derived
def hierarchy_table(op: str = "all_reduce", bytes=2 * 7 * 10**9, levels=None) -> HierarchyTable:
    """A collective over 4 nodes of 8 H100s: NVLink inside a node, one 400 Gb/s NIC per GPU between.

    The default buffer is a 7B-parameter model's bf16 gradients.
    """
    from .catalog import interconnects

    if levels is None:
        levels = (Level("NVLink 4 (H100)", 8, interconnects.NVLINK4.bytes_per_s),
                  Level("InfiniBand NDR", 4, interconnects.IB_NDR.bytes_per_s))
    return HierarchyTable(_op(op), positive("bytes", bytes), tuple(levels))
