"""Links between accelerators, each with its source: the one place they are typed.

Vendors quote link speeds in two ways, and mixing them is the most common unit slip in
communication arithmetic: NVIDIA's NVLink figures ("900 GB/s") add both directions, network
cards are quoted per direction and in *bits* ("400 Gb/s"). Each entry below keeps the figure
as quoted, says which kind it is, and derives the one every formula on this site uses: bytes
per second in one direction, per accelerator.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..core import i18n, render
from ..core.i18n import message, term
from ..core.validate import lookup, positive, positive_int

i18n.register("parallelism", terms={
    "par_per_direction": ("per direction (unidirectional)", "单向"),
    "par_bidirectional": ("bidirectional (both directions added)", "双向（两个方向相加）"),
}, messages={
    "ic_link": ("Link", "互连"),
    "ic_kind": ("Where", "位置"),
    "ic_quoted": ("As quoted", "厂商标称"),
    "ic_quoted_as": ("Quoted as", "标称口径"),
    "ic_per_direction": ("Per direction, per accelerator (bytes/s)", "每个加速器的单向带宽（字节/秒）"),
    "ic_links": ("Links", "链路数"),
    "ic_scale_up": ("inside a node or pod (scale-up)", "节点或Pod内部（纵向扩展）"),
    "ic_scale_out": ("between nodes (scale-out)", "节点之间（横向扩展）"),
    "ic_host": ("host to accelerator", "主机到加速器"),
    "ic_bits": ("bits/s", "比特/秒"),
    "ic_bytes": ("bytes/s", "字节/秒"),
    "ic_vendor": ("vendor", "厂商资料"),
})

PER_DIRECTION = "per_direction"
BIDIRECTIONAL = "bidirectional"


@dataclass(frozen=True)
class Interconnect:
    """A link as its vendor quotes it, and its bandwidth per direction in bytes/s.

    Examples:
        >>> NVLINK4.bytes_per_s
        450000000000
        >>> IB_NDR.bytes_per_s
        50000000000
    """

    name: str
    kind: str  # "scale_up", "scale_out" or "host"
    quoted: int  # the number as the vendor prints it, in `quoted_unit`
    quoted_unit: str  # "bits" or "bytes" per second
    quoted_as: str  # PER_DIRECTION or BIDIRECTIONAL
    links: int  # links per accelerator the quoted figure adds up (1 for a NIC port)
    source: str
    per: str = "GPU"  # what one figure belongs to: a GPU, a chip, a host

    def __post_init__(self):
        positive("quoted", self.quoted)
        positive_int("links", self.links)
        if self.quoted_as not in (PER_DIRECTION, BIDIRECTIONAL):
            raise ValueError(f"quoted_as must be {PER_DIRECTION!r} or {BIDIRECTIONAL!r}; got {self.quoted_as!r}")
        if self.quoted_unit not in ("bits", "bytes"):
            raise ValueError(f"quoted_unit must be 'bits' or 'bytes'; got {self.quoted_unit!r}")
        if self.kind not in ("scale_up", "scale_out", "host"):
            raise ValueError(f"kind must be scale_up, scale_out or host; got {self.kind!r}")

    @property
    def bytes_per_s(self) -> sp.Expr:
        """Bytes per second in one direction: bits divided by 8, a bidirectional sum by 2."""
        value = sp.Integer(self.quoted)
        if self.quoted_unit == "bits":
            value /= 8
        if self.quoted_as == BIDIRECTIONAL:
            value /= 2
        return value

    @property
    def bidirectional_bytes_per_s(self) -> sp.Expr:
        return 2 * self.bytes_per_s

    @property
    def bytes_per_s_per_link(self) -> sp.Expr:
        return self.bytes_per_s / self.links


_NVLINK = "https://www.nvidia.com/en-us/data-center/nvlink/"
_H100 = "https://resources.nvidia.com/en-us-tensor-core/nvidia-tensor-core-gpu-datasheet"
_DGX_H100 = "https://docs.nvidia.com/dgx/dgxh100-user-guide/introduction-to-dgxh100.html"
_CX6 = "https://www.nvidia.com/en-us/networking/infiniband-adapters/"
_CX7 = "https://www.nvidia.com/en-us/networking/ethernet-adapters/connectx-7/"
_CX8 = "https://www.nvidia.com/en-us/networking/products/infiniband/connectx-8/"
_LLAMA3 = "https://arxiv.org/abs/2407.21783"  # section 3.3.1: RoCE, 400 Gbps between GPUs
_TPU = "https://cloud.google.com/tpu/docs/"
_SCALING_BOOK_TPUS = "https://jax-ml.github.io/scaling-book/tpus/"

G = 10**9
# NVLink: NVIDIA's per-GPU totals add both directions (each NVLink 4 link: 25 GB/s each way).
NVLINK1 = Interconnect("NVLink 1 (P100)", "scale_up", 160 * G, "bytes", BIDIRECTIONAL, 4, _NVLINK)
NVLINK2 = Interconnect("NVLink 2 (V100)", "scale_up", 300 * G, "bytes", BIDIRECTIONAL, 6, _NVLINK)
NVLINK3 = Interconnect("NVLink 3 (A100)", "scale_up", 600 * G, "bytes", BIDIRECTIONAL, 12, _NVLINK)
NVLINK4 = Interconnect("NVLink 4 (H100 SXM)", "scale_up", 900 * G, "bytes", BIDIRECTIONAL, 18, _H100)
NVLINK5 = Interconnect("NVLink 5 (B200)", "scale_up", 1_800 * G, "bytes", BIDIRECTIONAL, 18, _NVLINK)
# NVSwitch gives every GPU of the domain its full NVLink bandwidth to any other GPU:
# 8 GPUs on an HGX/DGX H100 board (4 third-generation switches), 72 in a GB200 NVL72 rack.
NVSWITCH_HGX_H100 = Interconnect("NVSwitch, HGX H100 (8 GPUs)", "scale_up", 900 * G, "bytes", BIDIRECTIONAL, 18,
                                 _DGX_H100)
NVSWITCH_NVL72 = Interconnect("NVSwitch, GB200 NVL72 (72 GPUs)", "scale_up", 1_800 * G, "bytes", BIDIRECTIONAL, 18,
                              _NVLINK)
PCIE5_X16 = Interconnect("PCIe Gen5 x16", "host", 128 * G, "bytes", BIDIRECTIONAL, 16, _H100)
# Network cards: quoted per port, per direction, in bits. DGX H100: one 400 Gb/s port per GPU.
IB_HDR = Interconnect("InfiniBand HDR (ConnectX-6)", "scale_out", 200 * G, "bits", PER_DIRECTION, 1, _CX6)
IB_NDR = Interconnect("InfiniBand NDR (ConnectX-7)", "scale_out", 400 * G, "bits", PER_DIRECTION, 1, _CX7)
IB_XDR = Interconnect("InfiniBand XDR (ConnectX-8)", "scale_out", 800 * G, "bits", PER_DIRECTION, 1, _CX8)
ROCE_400G = Interconnect("RoCE 400 GbE (Llama 3 cluster)", "scale_out", 400 * G, "bits", PER_DIRECTION, 1, _LLAMA3)
# TPU ICI: Google's per-chip figure in Gbps sums the chip's links one way (v5e: 4 links of
# 50 GB/s one way, as the scaling book's table gives them); DCN is per host, about 2.5e10 bytes/s.
TPU_V5E_ICI = Interconnect("TPU v5e ICI (2D torus)", "scale_up", 1_600 * G, "bits", PER_DIRECTION, 4,
                           _TPU + "v5e", per="chip")
TPU_V5P_ICI = Interconnect("TPU v5p ICI (3D torus)", "scale_up", 4_800 * G, "bits", PER_DIRECTION, 6,
                           _TPU + "v5p", per="chip")
TPU_DCN = Interconnect("TPU data-centre network (DCN), per host", "scale_out", 25 * G, "bytes", PER_DIRECTION, 1,
                       _SCALING_BOOK_TPUS, per="host")

INTERCONNECTS: tuple[Interconnect, ...] = (
    NVLINK1, NVLINK2, NVLINK3, NVLINK4, NVLINK5, NVSWITCH_HGX_H100, NVSWITCH_NVL72, PCIE5_X16,
    IB_HDR, IB_NDR, IB_XDR, ROCE_400G, TPU_V5E_ICI, TPU_V5P_ICI, TPU_DCN,
)


def interconnect(name: str | Interconnect) -> Interconnect:
    """Look a link up by its constant name or its full name (an instance passes through).

    Examples:
        >>> interconnect("IB_NDR").name
        'InfiniBand NDR (ConnectX-7)'
    """
    return lookup("interconnect", name, globals(), Interconnect)


@dataclass(frozen=True)
class InterconnectTable(render.Published):
    """Every link as quoted, with the kind of figure named, and its bytes/s per direction."""

    items: tuple[Interconnect, ...] = INTERCONNECTS

    def to_markdown(self, lang: str) -> str:
        header = [message("ic_link", lang), message("ic_kind", lang), message("ic_quoted", lang),
                  message("ic_quoted_as", lang), message("ic_links", lang), message("ic_per_direction", lang),
                  term("source", lang)]
        kinds = {"scale_up": "ic_scale_up", "scale_out": "ic_scale_out", "host": "ic_host"}
        rows = []
        for item in self.items:
            unit = message("ic_bits" if item.quoted_unit == "bits" else "ic_bytes", lang)
            quoted_as = term("par_per_direction" if item.quoted_as == PER_DIRECTION else "par_bidirectional", lang)
            rows.append([item.name, message(kinds[item.kind], lang), f"${render.decimal(item.quoted)}$ {unit}",
                         quoted_as, render.math(item.links), f"${render.decimal(item.bytes_per_s)}$",
                         f"[{message('ic_vendor', lang)}]({item.source})"])
        return render.table(header, rows)


def interconnect_table() -> InterconnectTable:
    """The table of every catalog link (`INTERCONNECTS`)."""
    return InterconnectTable()
