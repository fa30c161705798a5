"""Hyperparameters at scale (lectures 9 and 11): critical batch size, DeepSeek LLM's
learning-rate and batch-size laws, μP's width rule for Adam, and what a WSD schedule saves.

Published constants are typed once with their sources; everything else is derived.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .core import i18n, render
from .core.cache import derived
from .core.i18n import message
from .core.symbols import define, topic
from .core.validate import positive, positive_int

i18n.register("hyperparameters", messages={
    "hp_loss": ("Loss $L$ (nats)", "损失$L$（奈特）"),
    "hp_bcrit": ("$B_{\\mathrm{crit}}$ (tokens)", "$B_{\\mathrm{crit}}$（词元）"),
    "hp_batch_ratio": ("$B / B_{\\mathrm{crit}}$", "$B / B_{\\mathrm{crit}}$"),
    "hp_steps": ("Steps $S / S_{\\min}$", "步数$S / S_{\\min}$"),
    "hp_data": ("Tokens $E / E_{\\min}$", "词元数$E / E_{\\min}$"),
    "hp_budget": ("Compute $C$ (FLOPs)", "计算量$C$（FLOPs）"),
    "hp_lr": ("Learning rate $\\eta_{\\mathrm{opt}}$", "学习率$\\eta_{\\mathrm{opt}}$"),
    "hp_batch": ("Batch $B_{\\mathrm{opt}}$ (tokens)", "批大小$B_{\\mathrm{opt}}$（词元）"),
    "hp_runs": ("Runs $k$", "训练长度个数$k$"),
    "hp_decay": ("Decay fraction $f$", "衰减占比$f$"),
    "hp_cosine": ("Separate cosine runs (tokens / $D_1$)", "每个长度单独用余弦调度训练（词元数 / $D_1$）"),
    "hp_wsd": ("One WSD run plus decays (tokens / $D_1$)", "一次WSD训练加各分支的衰减（词元数 / $D_1$）"),
    "hp_saving": ("WSD / cosine", "WSD / 余弦"),
})

HYPER = topic("hyperparameters", "Hyperparameters at scale (lectures 9 and 11)", "大规模训练的超参数（第9、11讲）")
B_batch = define(HYPER, "B_batch", latex="B", en="batch size in tokens", zh="批大小（词元数）")
B_crit = define(HYPER, "B_crit", latex=r"B_{\mathrm{crit}}", en="critical batch size", zh="临界批大小")
S_steps = define(HYPER, "S_steps", latex="S", en="optimiser steps to reach a loss", zh="达到某一损失所需的优化步数")
S_min = define(HYPER, "S_min", latex=r"S_{\min}", en="steps at a very large batch", zh="批非常大时所需的步数")
E_data = define(HYPER, "E_data", latex="E", en="training examples (tokens) to reach a loss",
                zh="达到某一损失所需的训练数据量（词元数）")
E_min = define(HYPER, "E_min", latex=r"E_{\min}", en="tokens at a very small batch", zh="批非常小时所需的词元数")
f_decay = define(HYPER, "f_decay", latex="f", en="fraction of a WSD run spent decaying", zh="WSD训练中衰减阶段所占比例")
k_runs = define(HYPER, "k_runs", latex="k", en="number of training lengths wanted", zh="需要的训练长度个数")
r_growth = define(HYPER, "r_growth", latex="r", en="ratio between successive training lengths",
                  zh="相邻两个训练长度之比")

# Kaplan et al. 2020, "Scaling Laws for Neural Language Models", arXiv:2001.08361, eq. (1.4):
# B_crit(L) = B* / L^(1/α_B), B* ~ 2·10^8 tokens, α_B ~ 0.21.
KAPLAN_B_STAR = sp.Rational("2e8")
KAPLAN_ALPHA_B = sp.Rational("0.21")
# DeepSeek-AI 2024, "DeepSeek LLM: Scaling Open-Source Language Models with Longtermism", arXiv:2401.02954,
# §3.1, eq. (1) and Figure 3: η_opt = 0.3118·C^(-0.1250), B_opt = 0.2920·C^(0.3271), fitted on budgets of
# 1e17 to 2e19 FLOPs. C is their compute C = M·D (M: non-embedding FLOPs per token, D: tokens), B in tokens.
# (CS336 lecture 11's later summary slide prints the coefficient as 0.3188; the paper's eq. (1) has 0.3118.)
DEEPSEEK_LR = (sp.Rational("0.3118"), sp.Rational("-0.1250"))
DEEPSEEK_BATCH = (sp.Rational("0.2920"), sp.Rational("0.3271"))


# --- critical batch size ----------------------------------------------------------------

@dataclass(frozen=True)
class CriticalBatch(render.Published):
    r"""McCandlish et al. (2018)'s trade-off between steps and data, and Kaplan's $B_{\mathrm{crit}}(L)$."""

    relation: sp.Expr
    steps: sp.Expr
    data: sp.Expr
    ratios: tuple
    losses: tuple

    def to_markdown(self, lang: str) -> str:
        equations = render.equations([
            ("S", self.steps), ("E", self.data),
            (r"\left(\frac{S}{S_{\min}} - 1\right)\left(\frac{E}{E_{\min}} - 1\right)", self.relation),
            (r"B_{\mathrm{crit}}(L)",
             rf"{render.decimal(KAPLAN_B_STAR)} \cdot L^{{{render.latex(-1 / KAPLAN_ALPHA_B)}}}"),
        ])
        trade = render.table(
            [message("hp_batch_ratio", lang), message("hp_steps", lang), message("hp_data", lang)],
            [[render.math(ratio), render.math(self.steps.subs(B_batch, ratio * B_crit) / S_min),
              render.math(self.data.subs(B_batch, ratio * B_crit) / E_min)] for ratio in self.ratios])
        kaplan = render.table(
            [message("hp_loss", lang), message("hp_bcrit", lang)],
            [[render.math(loss), f"${render.decimal(critical_batch(loss), 3)}$"] for loss in self.losses])
        return equations + trade + kaplan


def critical_batch(loss) -> sp.Expr:
    r"""Kaplan's critical batch in tokens at `loss` (nats): $B^* / L^{1/\alpha_B}$.

    Examples:
        >>> round(float(critical_batch(2)) / 1e6, 2)
        7.37
    """
    return KAPLAN_B_STAR * positive("loss", loss) ** (-1 / KAPLAN_ALPHA_B)


@derived
def critical_batch_table(ratios: tuple = (sp.Rational(1, 4), sp.Rational(1, 2), 1, 2, 4),
                         losses: tuple = (4, 3, sp.Rational(5, 2), 2)) -> CriticalBatch:
    r"""Steps and tokens against the batch, relative to their minima, and $B_{\mathrm{crit}}$ at a few losses.

    Examples:
        >>> table = critical_batch_table()
        >>> table.relation
        1
    """
    steps = S_min * (1 + B_crit / B_batch)
    data = E_min * (1 + B_batch / B_crit)
    relation = sp.simplify((steps / S_min - 1) * (data / E_min - 1))
    return CriticalBatch(relation, steps, data, tuple(sp.sympify(r) for r in ratios), tuple(losses))


# --- DeepSeek LLM's hyperparameter laws ---------------------------------------------------

@dataclass(frozen=True)
class DeepSeekLaws(render.Published):
    """DeepSeek LLM's learning-rate and batch-size power laws, evaluated at a few budgets."""

    budgets: tuple

    def to_markdown(self, lang: str) -> str:
        (lr_c, lr_e), (b_c, b_e) = DEEPSEEK_LR, DEEPSEEK_BATCH
        laws = render.equations([
            (r"\eta_{\mathrm{opt}}", rf"{render.decimal(lr_c)}\, C^{{{render.decimal(lr_e)}}}"),
            (r"B_{\mathrm{opt}}", rf"{render.decimal(b_c)}\, C^{{{render.decimal(b_e)}}}"),
        ])
        rows = [[f"${render.decimal(c, 2)}$", f"${render.decimal(deepseek_lr(c), 3)}$",
                 f"${render.decimal(deepseek_batch(c), 3)}$"] for c in self.budgets]
        return laws + render.table([message("hp_budget", lang), message("hp_lr", lang), message("hp_batch", lang)],
                                   rows)


def deepseek_lr(flops) -> sp.Expr:
    """DeepSeek LLM's fitted optimal learning rate at a budget of `flops`.

    Examples:
        >>> round(float(deepseek_lr(1e20)), 6)
        0.000986
    """
    coefficient, exponent = DEEPSEEK_LR
    return coefficient * positive("flops", flops) ** exponent


def deepseek_batch(flops) -> sp.Expr:
    """DeepSeek LLM's fitted optimal batch size in tokens at a budget of `flops`.

    Examples:
        >>> round(float(deepseek_batch(1e20)) / 1e6, 2)
        1.02
    """
    coefficient, exponent = DEEPSEEK_BATCH
    return coefficient * positive("flops", flops) ** exponent


@derived
def deepseek_laws(budgets: tuple = tuple(sp.Integer(10) ** k for k in (18, 20, 22, 24, 26))) -> DeepSeekLaws:
    """The two laws and their values at a few budgets."""
    return DeepSeekLaws(budgets)


# --- WSD: one run and its decays against separate cosine runs ------------------------------

@dataclass(frozen=True)
class WsdCost(render.Published):
    """Tokens trained by separate cosine runs against one WSD run with its decays, in general and in cases."""

    cosine: sp.Expr
    wsd: sp.Expr
    cases: tuple

    def to_markdown(self, lang: str) -> str:
        formulas = render.equations([
            (r"T_{\cos} / D_1", self.cosine), (r"T_{\mathrm{WSD}} / D_1", self.wsd),
            (r"\lim_{k \to \infty} T_{\mathrm{WSD}} / T_{\cos}\ (r = 2)",
             sp.limit((self.wsd / self.cosine).subs(r_growth, 2), k_runs, sp.oo)),
        ])
        rows = []
        for runs, fraction in self.cases:
            values = {k_runs: runs, f_decay: fraction, r_growth: 2}
            cosine, wsd = self.cosine.subs(values), self.wsd.subs(values)
            rows.append([render.math(runs), render.math(fraction), render.math(sp.simplify(cosine)),
                         render.math(sp.nsimplify(sp.simplify(wsd))), f"${render.decimal(wsd / cosine, 3)}$"])
        return formulas + render.table(
            [message("hp_runs", lang), message("hp_decay", lang), message("hp_cosine", lang), message("hp_wsd", lang),
             message("hp_saving", lang)], rows)


def _geometric(total: sp.Expr) -> sp.Expr:
    r"""SymPy's geometric sum, in its $r \ne 1$ branch (lengths grow: $r > 1$)."""
    total = total.replace(lambda e: isinstance(e, sp.Piecewise), lambda e: e.args[-1][0])
    return sp.factor(sp.simplify(total))


@derived
def wsd_cost(cases: tuple = ((3, sp.Rational(1, 10)), (5, sp.Rational(1, 10)), (5, sp.Rational(1, 5)),
                             (8, sp.Rational(1, 10)))) -> WsdCost:
    r"""Tokens trained to get models at lengths $D_1 r^{i-1}$, $i = 1..k$ (here $r = 2$).

    Separate cosine runs train $\sum_i D_i$ tokens. One WSD run trains to $D_k$ once,
    and for every shorter length branches a decay of $f D_i$ tokens from the stable
    phase at $(1 - f) D_i$: $D_k + f \sum_{i<k} D_i$.

    Examples:
        >>> cost = wsd_cost()
        >>> cost.cosine.subs({k_runs: 5, r_growth: 2})
        31
        >>> cost.wsd.subs({k_runs: 5, r_growth: 2, f_decay: sp.Rational(1, 10)})
        35/2
    """
    i = sp.Symbol("i", integer=True, positive=True)
    length = r_growth ** (i - 1)  # D_i / D_1
    cosine = _geometric(sp.summation(length, (i, 1, k_runs)))
    wsd = sp.simplify(r_growth ** (k_runs - 1) + f_decay * _geometric(sp.summation(length, (i, 1, k_runs - 1))))
    for runs, fraction in cases:
        positive_int("runs", runs)
        positive("fraction", fraction)
    return WsdCost(cosine, wsd, tuple(cases))
