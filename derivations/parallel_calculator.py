"""A training-configuration calculator: JavaScript generated from `parallelism`'s expressions.

Inputs: a model shape, the tokens of one step, an accelerator, two links (inside and
between nodes), the tensor, pipeline and data degrees, the ZeRO stage, micro-batches and
recomputation. Outputs: memory per device and whether it fits, the step's compute,
tensor-parallel, bubble and data-parallel times, and the MFU that step allows.

Each output is a SymPy expression built from `parallelism` and `collectives`, printed to
JavaScript by `sympy.jscode`; the only hand-written JavaScript reads the inputs, picks the
expression for the chosen ZeRO stage and recomputation mode, and writes the results.
The model is simple on purpose: ring collectives, 1F1B keeping $p$ micro-batches in
flight, tensor-parallel all-reduces not overlapped, data-parallel traffic not overlapped
(so the step time is an upper bound, the MFU a lower bound).
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass

import sympy as sp

from . import collectives, parallelism
from .catalog.hardware import ACCELERATORS
from .catalog.interconnects import IB_NDR, NVLINK4
from .collectives import PARALLELISM
from .core import i18n, render
from .core.cache import derived
from .core.i18n import message
from .core.symbols import define
from .parallelism import F_peak, K_opt, a, b, h, l_layers, m, p, s, t
from .training import N

i18n.register("parallelism", messages={
    "pc_model": ("Model", "模型"), "pc_params": ("Parameters N", "参数量N"),
    "pc_layers": ("Layers l", "层数l"), "pc_hidden": ("Hidden size h", "隐藏层大小h"),
    "pc_heads": ("Heads a", "注意力头数a"), "pc_seq": ("Sequence length s", "序列长度s"),
    "pc_micro_size": ("Micro-batch b (sequences)", "微批次大小b（序列数）"),
    "pc_micro_count": ("Micro-batches per step m", "每步微批次数m"),
    "pc_accelerator": ("Accelerator", "加速器"), "pc_flops": ("Peak FLOP/s F", "峰值FLOP/s F"),
    "pc_hbm": ("Memory per device (bytes)", "每台设备内存（字节）"),
    "pc_intra": ("Link inside a node, per direction (bytes/s)", "节点内单向链路带宽（字节/秒）"),
    "pc_inter": ("Link between nodes, per direction (bytes/s)", "节点间单向链路带宽（字节/秒）"),
    "pc_t": ("Tensor parallel t", "张量并行度t"), "pc_p": ("Pipeline stages p", "流水线阶段数p"),
    "pc_d": ("Data parallel d", "数据并行度d"), "pc_stage": ("ZeRO stage", "ZeRO阶段"),
    "pc_k": ("Optimizer bytes per parameter K", "每参数优化器字节数K"),
    "pc_recompute": ("Recomputation", "重计算"), "pc_sp": ("Sequence parallelism", "序列并行"),
    "pc_none": ("none", "不重计算"), "pc_selective": ("selective", "选择性"), "pc_full": ("full", "完全"),
    "pc_on": ("on", "开"), "pc_off": ("off", "关"),
    "pc_result": ("Result", "结果"), "pc_formula": ("Formula", "公式"),
    "pc_state": ("Model state per device (GB)", "每台设备的模型状态（GB）"),
    "pc_act": ("Activations per device (GB)", "每台设备的激活值（GB）"),
    "pc_fits": ("Fits", "能否放下"),
    "pc_compute": ("Compute per step (s)", "每步计算（秒）"),
    "pc_tp": ("Tensor-parallel all-reduces per step (s)", "每步张量并行全规约（秒）"),
    "pc_bubble": ("Pipeline bubble per step (s)", "每步流水线气泡（秒）"),
    "pc_dp": ("Data-parallel traffic per step (s)", "每步数据并行通信（秒）"),
    "pc_step": ("Step time, no overlap (s)", "每步用时，不计重叠（秒）"),
    "pc_mfu": ("MFU at that step time", "按该用时算出的MFU"),
    "pc_devices": ("Devices t·p·d", "设备数t·p·d"),
    "pc_error": ("Check the inputs: {detail}", "请检查输入：{detail}"),
})

W_intra = define(PARALLELISM, "W_intra", latex=r"W_{\text{in}}", en="link bandwidth inside a node, per direction",
                 zh="节点内单向链路带宽")
W_inter = define(PARALLELISM, "W_inter", latex=r"W_{\text{out}}", en="link bandwidth between nodes, per direction",
                 zh="节点间单向链路带宽")
d_data = define(PARALLELISM, "d_data", latex="d", en="data-parallel degree", zh="数据并行度")
C_hbm = define(PARALLELISM, "C_hbm", latex=r"C_{\text{HBM}}", en="memory per device (bytes)",
               zh="每台设备的内存（字节）")

RECOMPUTE = ("none", "selective", "full")
INPUTS = (N, l_layers, h, a, s, b, m, F_peak, C_hbm, W_intra, W_inter, t, p, d_data, K_opt)


def _state(stage: int) -> sp.Expr:
    return parallelism.zero_memory(N / (t * p), d_data, stage, K_opt)


def _activations(recompute: str, sequence_parallel: bool) -> sp.Expr:
    # l/p layers per stage, p micro-batches in flight under 1F1B
    return l_layers * parallelism.activation_bytes(s, b, h, a, t, sequence_parallel, recompute)


def _compute(recompute: str) -> sp.Expr:
    flops_per_param_token = 8 if recompute == "full" else 6
    return flops_per_param_token * N * m * b * s / (t * p * F_peak)


def _tensor_parallel() -> sp.Expr:
    # 2 all-reduces of 2bsh bytes forward and 2 backward, per layer of the stage, per micro-batch
    return 4 * l_layers / p * m * collectives.bytes_sent("all_reduce", 2 * b * s * h, t) / W_intra


def _data_parallel(stage: int) -> sp.Expr:
    return parallelism.zero_traffic(N / (t * p), d_data, stage) / W_inter


def expressions() -> dict[str, sp.Expr]:
    """Every output the calculator can show, keyed by the name its JavaScript function gets."""
    out = {}
    for stage in range(4):
        out[f"state{stage}"] = _state(stage)
        out[f"dp{stage}"] = _data_parallel(stage)
    for mode in RECOMPUTE:
        out[f"compute_{mode}"] = _compute(mode)
        for flag in (False, True):
            out[f"act_{mode}_{int(flag)}"] = _activations(mode, flag)
    out["tp"] = _tensor_parallel()
    out["bubble"] = parallelism.bubble_fraction(p, m)
    out["ideal"] = 6 * N * m * b * s / (t * p * F_peak)  # useful FLOPs' time, for MFU
    return out


_GLUE = r"""
(function () {
  const root = document.getElementById(ID);
  if (!root) return;
  const read = (name) => {
    const el = root.querySelector('[name="' + name + '"]');
    return el.tagName === "SELECT" ? el.value : Number(el.value);
  };
  const show = (name, text) => { root.querySelector('[data-out="' + name + '"]').textContent = text; };
  const fmt = (x) => (Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-2)) ? x.toExponential(3) : x.toPrecision(4);
  function update() {
    const v = {};
    for (const name of NAMES) v[name] = read(name);
    const stage = Number(read("stage")), mode = read("recompute"), sp = read("sp");
    const bad = NAMES.filter((k) => !(v[k] > 0));
    if (bad.length || v.h % v.t || v.a % v.t || v.l % v.p) {
      show("error", MESSAGES.error.replace("{detail}", bad.length ? bad.join(", ") : "t | h, t | a, p | l"));
      return;
    }
    show("error", "");
    const args = NAMES.map((k) => v[k]);
    const state = FN["state" + stage](...args), act = FN["act_" + mode + "_" + sp](...args);
    const compute = FN["compute_" + mode](...args), tp = v.t > 1 ? FN.tp(...args) : 0;
    const bubble = FN.bubble(...args) * (compute + tp), dp = v.d > 1 ? FN["dp" + stage](...args) : 0;
    const step = compute + tp + bubble + dp;
    show("state", fmt(state / 1e9)); show("act", fmt(act / 1e9));
    show("fits", state + act <= v.C ? MESSAGES.yes : MESSAGES.no);
    show("compute", fmt(compute)); show("tp", fmt(tp)); show("bubble", fmt(bubble)); show("dp", fmt(dp));
    show("step", fmt(step)); show("mfu", fmt(FN.ideal(...args) / step)); show("devices", String(v.t * v.p * v.d));
  }
  root.addEventListener("input", update);
  root.addEventListener("change", update);
  update();
})();
"""

_SHORT = {N: "N", l_layers: "l", h: "h", a: "a", s: "s", b: "b", m: "m", F_peak: "F", C_hbm: "C",
          W_intra: "Win", W_inter: "Wout", t: "t", p: "p", d_data: "d", K_opt: "K"}


def javascript() -> str:
    """`const FN = {name: (N, l, ...) => expr}` for every expression, from `sympy.jscode`."""
    names = [_SHORT[symbol] for symbol in INPUTS]
    lines = []
    for key, expr in expressions().items():
        code = sp.jscode(expr.xreplace({symbol: sp.Symbol(_SHORT[symbol]) for symbol in INPUTS}))
        lines.append(f"  {key}: ({', '.join(names)}) => {code},")
    return "const FN = {\n" + "\n".join(lines) + "\n};\nconst NAMES = " + json.dumps(names) + ";\n"


# Defaults: GPT-3's shape on H100s, NVLink 4 inside, InfiniBand NDR between, t = 8, p = 8, d = 16.
DEFAULTS = {"N": 174_615_822_336, "l": 96, "h": 12288, "a": 96, "s": 2048, "b": 1, "m": 32,
            "F": int(ACCELERATORS[0].flops_per_s), "C": int(ACCELERATORS[0].hbm_bytes),
            "Win": int(NVLINK4.bytes_per_s), "Wout": int(IB_NDR.bytes_per_s),
            "t": 8, "p": 8, "d": 16, "K": 12}
_LABELS = {"N": "pc_params", "l": "pc_layers", "h": "pc_hidden", "a": "pc_heads", "s": "pc_seq",
           "b": "pc_micro_size", "m": "pc_micro_count", "F": "pc_flops", "C": "pc_hbm", "Win": "pc_intra",
           "Wout": "pc_inter", "t": "pc_t", "p": "pc_p", "d": "pc_d", "K": "pc_k"}
_OUTPUTS = ("devices", "state", "act", "fits", "compute", "tp", "bubble", "dp", "step", "mfu")


@dataclass(frozen=True)
class ParallelCalculator(render.Published):
    """The training-configuration calculator's form and generated JavaScript."""

    id: str = "parallel-calculator"

    def to_markdown(self, lang: str) -> str:
        label = '<label style="display:flex;flex-direction:column;font-size:.8rem">'
        box = 'style="border:1px solid var(--md-default-fg-color--lighter);border-radius:2px;padding:.15rem .3rem"'
        fields = "".join(
            f'{label}{html.escape(message(_LABELS[key], lang))} '
            f'<input name="{key}" type="number" min="0" step="any" value="{value}" {box}></label>\n'
            for key, value in DEFAULTS.items())
        option = lambda value, key, selected=False: (  # noqa: E731
            f'<option value="{value}"{" selected" if selected else ""}>{html.escape(message(key, lang))}</option>')
        selects = (
            f'{label}{message("pc_stage", lang)} <select name="stage" {box}>'
            + "".join(f'<option value="{k}"{" selected" if k == 1 else ""}>{k}</option>' for k in range(4))
            + "</select></label>\n"
            f'{label}{message("pc_recompute", lang)} <select name="recompute" {box}>'
            + option("none", "pc_none") + option("selective", "pc_selective", True) + option("full", "pc_full")
            + "</select></label>\n"
            f'{label}{message("pc_sp", lang)} <select name="sp" {box}>'
            + option("1", "pc_on", True) + option("0", "pc_off") + "</select></label>\n")
        rows = "".join(f'<tr><td>{html.escape(message("pc_" + key, lang))}</td><td data-out="{key}"></td></tr>\n'
                       for key in _OUTPUTS)
        messages = {"error": message("pc_error", lang), "yes": message("yes", lang), "no": message("no", lang)}
        script = (javascript() + f"const ID = {json.dumps(self.id)};\nconst MESSAGES = {json.dumps(messages)};\n"
                  + _GLUE)
        return (f'<div class="parallel-calculator" id="{self.id}">\n<form onsubmit="return false" '
                f'style="display:grid;grid-template-columns:repeat(auto-fill,minmax(16rem,1fr));gap:.4rem">\n'
                f"{fields}{selects}</form>\n"
                f'<p data-out="error" role="alert"></p>\n'
                f'<table><thead><tr><th>{message("pc_result", lang)}</th><th></th></tr></thead>\n'
                f"<tbody>\n{rows}</tbody></table>\n</div>\n<script>\n{{\n{script}}}\n</script>\n")


@derived
def parallel_calculator() -> ParallelCalculator:
    """The training-configuration calculator."""
    return ParallelCalculator()


@dataclass(frozen=True)
class CalculatorFormulas(render.Published):
    """A few of the calculator's expressions shown as formulas."""

    def to_markdown(self, lang: str) -> str:
        exprs = expressions()
        rows = (
            (("Model state per device, ZeRO-1", "每台设备的模型状态，ZeRO-1"), exprs["state1"]),
            (("Activations per device, SP + selective", "每台设备的激活值，序列并行加选择性重计算"),
             sp.factor(exprs["act_selective_1"])),
            (("Compute per step", "每步计算"), exprs["compute_none"]),
            (("Tensor-parallel all-reduces per step", "每步张量并行全规约"), sp.factor(exprs["tp"])),
            (("Bubble, as a fraction of the two above", "气泡，占上面两项之和的比例"), exprs["bubble"]),
            (("Data-parallel traffic per step, ZeRO-1", "每步数据并行通信，ZeRO-1"), sp.factor(exprs["dp1"])),
        )
        return parallelism.Equations(rows).to_markdown(lang)


@derived
def calculator_formulas() -> CalculatorFormulas:
    """A few of the calculator's expressions shown as formulas."""
    return CalculatorFormulas()
