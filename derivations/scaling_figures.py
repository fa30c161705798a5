"""Figures of the scaling-law lectures, drawn at build time from `scaling_laws`' expressions.

The IsoFLOP figure evaluates the fitted loss $L(N, C/(6N))$ along each budget's curve with
`sympy.lambdify` of `scaling_laws.law()`, and marks each curve's minimum from the closed
form `compute_optimal`. It reuses the SVG helpers of `derivations.figures`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from . import scaling_laws as sl
from .core import i18n, render
from .core.cache import derived
from .core.figures import COLORS, INK, figure_html, label_number
from .core.i18n import check_lang, message
from .training import D, N

i18n.register("scaling_figures", messages={
    "slfig_params_axis": ("Parameters N", "参数量N"),
    "slfig_loss_axis": ("Loss L (nats per token)", "损失L（奈特/词元）"),
    "slfig_curve": ("IsoFLOP curve, C = 6ND fixed", "等计算量曲线（C = 6ND固定）"),
    "slfig_frontier": ("compute-optimal frontier (closed form)", "计算最优前沿（闭式解）"),
    "slfig_title": ("IsoFLOP curves of the {fit} fit", "{fit}拟合的等计算量曲线"),
    "slfig_caption": ("IsoFLOP curves of L(N, D) = E + A/N^α + B/D^β with the {fit} constants, one per budget "
                      "from {first} to {last} FLOPs; each point on a curve spends the same compute on a different "
                      "split between parameters and tokens. Dots: the minimum of each curve from the closed form; "
                      "the dashed line joins the minima of all budgets.",
                      "用{fit}的常数，按L(N, D) = E + A/N^α + B/D^β画出的等计算量曲线，预算从{first}到{last} FLOPs，"
                      "每个预算一条；同一条曲线上各点的计算量相同，区别只在参数与词元的分配。"
                      "圆点为由闭式解求得的各曲线最低点；虚线连接各预算的最低点。"),
    "slfig_desc": ("Plot of loss against parameters on a logarithmic axis, one valley-shaped curve per budget. "
                   "Minima: {minima}.",
                   "损失随参数量变化的图（横轴为对数坐标），每个预算一条山谷形曲线。最低点：{minima}。"),
    "slfig_minimum": ("C = {budget}: N = {params}, L = {loss}", "C = {budget}：N = {params}，L = {loss}"),
    "slfig_list": ("; ", "；"),
})

FIGURE_BUDGETS = (10**18, 10**19, 10**20, 10**21, 10**22, 10**23, 10**24)


SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _power_of_ten(value) -> str:
    """10¹⁸ for a power of ten, else the number.

    Examples:
        >>> _power_of_ten(10**23), _power_of_ten(1e23), _power_of_ten(3e20)
        ('10²³', '10²³', '300,000,000,000,000,000,000')
    """
    logarithm = float(np.log10(float(value)))
    if abs(logarithm - round(logarithm)) < 1e-9:
        return "10" + str(round(logarithm)).translate(SUPERSCRIPTS)
    return label_number(value)


@dataclass(frozen=True)
class IsoflopFigure(render.Published):
    """IsoFLOP curves of one fit: loss against parameters per budget, and each curve's minimum."""

    fit: sl.Fit
    budgets: tuple
    curves: tuple  # (budget, params array, loss array)
    minima: tuple  # (budget, params, loss) from the closed form
    key: str = "isoflop"

    def _draw(self, axes, lang: str) -> None:
        for index, (_, params, losses) in enumerate(self.curves):
            axes.plot(params, losses, color=COLORS[0], linewidth=1.3,
                      label=message("slfig_curve", lang) if index == 0 else None)
        budgets, params, losses = (np.array([float(v) for v in column]) for column in zip(*self.minima, strict=True))
        axes.plot(params, losses, color=COLORS[1], linestyle="--", linewidth=1.1,
                  label=message("slfig_frontier", lang))
        axes.plot(params, losses, "o", color=COLORS[1], markersize=4)
        for budget, n, value in zip(budgets, params, losses, strict=True):
            axes.annotate(f"C = {_power_of_ten(budget)}", (n, value), textcoords="offset points",
                          xytext=(-14, -13), fontsize=8, color=INK)
        axes.set_xscale("log")
        from matplotlib.ticker import FuncFormatter, NullLocator

        # Decades as 10⁹, not matplotlib's mathtext ($\\mathdefault{10^{9}}$), which an SVG shows raw.
        axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: _power_of_ten(value)))
        axes.xaxis.set_minor_locator(NullLocator())
        axes.set_ylim(losses.min() - 0.12, losses.max() + 0.9)
        axes.set_xlabel(message("slfig_params_axis", lang))
        axes.set_ylabel(message("slfig_loss_axis", lang))
        axes.legend(loc="upper right", framealpha=1)

    def to_markdown(self, lang: str) -> str:
        check_lang(lang)
        fit = self.fit.label(lang)
        minima = message("slfig_list", lang).join(
            message("slfig_minimum", lang, budget=_power_of_ten(budget), params=label_number(float(params)),
                    loss=f"{float(value):.3f}") for budget, params, value in self.minima)
        return figure_html(self._draw, key=self.key, lang=lang, height_in=4.4,
                     title=message("slfig_title", lang, fit=fit),
                     desc=message("slfig_desc", lang, minima=minima),
                     caption=message("slfig_caption", lang, fit=fit, first=_power_of_ten(self.budgets[0]),
                                     last=_power_of_ten(self.budgets[-1])))


@derived
def isoflop_figure(fit: sl.Fit = sl.CHINCHILLA, budgets: tuple = FIGURE_BUDGETS, points: int = 160) -> IsoflopFigure:
    """IsoFLOP curves of `fit` with the closed-form minimum of each.

    Examples:
        >>> figure = isoflop_figure()
        >>> len(figure.curves), len(figure.minima)
        (7, 7)
        >>> budget, params, losses = figure.curves[2]
        >>> best = figure.minima[2]
        >>> bool(losses.min() >= float(best[2]) - 1e-9)
        True
    """
    sl.check_fit(fit)
    surface = sp.lambdify((N, D), sl.law().subs(fit.values), "numpy")
    curves, minima = [], []
    for budget in budgets:
        best = sl.compute_optimal(budget, fit)
        centre = np.log10(float(best.params))
        params = 10 ** np.linspace(centre - 1.5, centre + 1.5, points)
        curves.append((budget, params, surface(params, budget / (6 * params))))
        minima.append((budget, float(best.params), float(best.loss)))
    return IsoflopFigure(fit, tuple(budgets), tuple(curves), tuple(minima))
