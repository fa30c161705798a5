"""Lectures 9 and 11's calculator: a compute budget and a fitted loss -> the compute-optimal model.

Its formulas are `scaling_laws.lagrange`, `budget_law` and `cluster_flops`, printed to JavaScript
by `derivations.calculator`.
"""

from __future__ import annotations

import dataclasses

import sympy as sp

from .calculator import Calculator, Choice, Field, Formula, Group, accelerator_group, engineering, pair_of
from .catalog.hardware import Accelerator
from .core import i18n
from .core.cache import derived
from .symbols import chip_bandwidth, chip_capacity, chips, peak_flops

i18n.register("calculators", messages={
    'calc_sl_budget_group': ('Compute budget', '计算预算'),
    'calc_sl_mode': ('Budget given as', '预算的给法'),
    'calc_sl_mode_flops': ('FLOPs, typed in', '直接输入FLOPs'),
    'calc_sl_mode_cluster': ('Accelerators × chips × days × MFU', '加速器×芯片数×天数×MFU'),
    'calc_sl_flops': ('Budget (FLOPs)', '计算预算（FLOPs）'),
    'calc_sl_cluster': ('Cluster', '集群'),
    'calc_sl_days': ('Days of training', '训练天数'),
    'calc_sl_mfu': ('MFU (0 to 1)', 'MFU（0到1之间）'),
    'calc_sl_fit': ('Fit of the loss', '损失的拟合'),
    'calc_sl_E': ('Irreducible loss', '不可约损失'),
    'calc_sl_A': ('Coefficient, parameters', '参数项系数'),
    'calc_sl_B': ('Coefficient, data', '数据项系数'),
    'calc_sl_alpha': ('Exponent, parameters', '参数项指数'),
    'calc_sl_beta': ('Exponent, data', '数据项指数'),
    'calc_sl_inverse': ('The inverse: a model size', '反过来：给定模型规模'),
    'calc_sl_size': ('Parameters', '参数量'),
    'calc_sl_out_budget': ('Compute budget', '计算预算'),
    'calc_sl_out_params': ('Compute-optimal parameters', '计算最优参数量'),
    'calc_sl_out_tokens': ('Compute-optimal tokens', '计算最优词元数'),
    'calc_sl_out_ratio': ('Tokens per parameter', '每参数词元数'),
    'calc_sl_out_loss': ('Predicted loss', '预测损失'),
    'calc_sl_out_inverse': ('Budget for which this size is compute-optimal', '使该规模成为计算最优的预算'),
    'calc_sl_out_inverse_tokens': ('Its compute-optimal tokens', '对应的计算最优词元数'),
})

MAX_BUDGET = 10**35  # FLOPs; far past any run, and every result stays a finite double
MAX_PARAMS = 10**16


def decimal_text(value: sp.Rational) -> str:
    """A terminating decimal as its shortest exact text: 1.8172, 2085.43, 406.4.

    Examples:
        >>> decimal_text(sp.Rational("0.3478")), decimal_text(sp.Rational(406))
        ('0.3478', '406')
        >>> decimal_text(sp.Rational(1, 3))
        Traceback (most recent call last):
        ...
        ValueError: 1/3 has no exact decimal text
    """
    from decimal import Decimal, localcontext

    with localcontext() as context:
        context.prec = 50
        text = format(Decimal(int(value.p)) / Decimal(int(value.q)), "f")
    if sp.Rational(text) != value:
        raise ValueError(f"{value} has no exact decimal text")
    return text


@derived
def scaling_calculator() -> Calculator:
    r"""A budget (FLOPs, or a cluster) and a fit -> the compute-optimal $N$, $D$, $D/N$ and loss; a size -> its budget.

    Every formula is the symbolic Lagrange solution of `scaling_laws.lagrange` (the expressions
    `compute_optimal` evaluates), its inverse `scaling_laws.budget_law`, the law itself, and
    `scaling_laws.cluster_flops` with symbols for the cluster.

    Examples:
        >>> [f.name for f in scaling_calculator().formulas]
        ['budget', 'params', 'tokens', 'ratio', 'loss', 'inverse_budget', 'inverse_tokens']
        >>> scaling_calculator().formulas[0].body
        '((s_cluster == 0) ? ( C_in ) : ( 86400*MFU*n_chips*pi*t_days ))'
    """
    from . import scaling_laws as sl
    from .lectures import lecture09
    from .training import MFU as mfu
    from .training import C as budget
    from .training import D as tokens
    from .training import N as size

    solution = sl.lagrange()
    symbolic = Accelerator("calculator", peak_flops, chip_bandwidth, chip_capacity, "")
    cluster = sl.cluster_flops(symbolic, chips, sl.t_days, mfu)
    formulas = (
        Formula("budget", sp.Piecewise((sl.C_in, sp.Eq(sl.s_cluster, 0)), (cluster, True)), "calc_sl_out_budget",
                "flop_total", binds=budget),
        Formula("params", solution.params, "calc_sl_out_params", "params", binds=sl.N_opt),
        Formula("tokens", solution.tokens, "calc_sl_out_tokens", "tokens", binds=sl.D_opt),
        Formula("ratio", sl.D_opt / sl.N_opt, "calc_sl_out_ratio", "count"),
        Formula("loss", sl.law().subs({size: sl.N_opt, tokens: sl.D_opt}), "calc_sl_out_loss", "loss",
                binds=sl.L_loss),
        Formula("inverse_budget", sl.budget_law(), "calc_sl_out_inverse", "flop_total", binds=sl.C_N),
        Formula("inverse_tokens", sl.C_N / (6 * size), "calc_sl_out_inverse_tokens", "tokens", binds=sl.D_N),
    )
    mode = Choice("given", "calc_sl_mode", (("flops", pair_of("calc_sl_mode_flops")),
                                             ("cluster", pair_of("calc_sl_mode_cluster"))),
                  "flops", symbol=sl.s_cluster, values={"flops": 0.0, "cluster": 1.0}, sized=False,
                  wide=True)
    budget_group = Group("calc_sl_budget_group", mode, (
        Field("C", "calc_sl_flops", sl.C_in, engineering(int(lecture09.GOPHER_FLOPS)), integer=False,
              maximum=MAX_BUDGET, when=("given", "flops")),
    ))
    chips_, days_, mfu_ = sl.CLUSTERS[1]
    accelerators = accelerator_group("s", with_capacity=False, with_bandwidth=False, with_chips=True)
    accelerators = dataclasses.replace(
        accelerators, legend="calc_sl_cluster", when=("given", "cluster"),
        fields=tuple(dataclasses.replace(f, default=str(chips_)) if f.symbol == chips else f
                     for f in accelerators.fields) + (
            Field("days", "calc_sl_days", sl.t_days, str(days_), integer=False, minimum=0.001,
                  maximum=10**5),
            Field("mfu", "calc_sl_mfu", mfu, str(float(mfu_)), integer=False, minimum=0.001,
                  maximum=1),
        ))
    names = {"E": "calc_sl_E", "A": "calc_sl_A", "B": "calc_sl_B", "alpha": "calc_sl_alpha", "beta": "calc_sl_beta"}
    bounds = {"E": (0.001, 100), "A": (0.001, 10**9), "B": (0.001, 10**9),
              "alpha": (0.01, 1), "beta": (0.01, 1)}
    symbols = {"E": sl.E_sl, "A": sl.A_sl, "B": sl.B_sl, "alpha": sl.alpha_sl, "beta": sl.beta_sl}
    keys = {sl.CHINCHILLA: "CHINCHILLA", sl.BESIROGLU: "BESIROGLU"}
    presets = {keys[fit]: {name: decimal_text(getattr(fit, name)) for name in names} for fit in sl.FITS}
    fit_choice = Choice("fit", "calc_preset", tuple((keys[fit], (fit.name, fit.name_zh or fit.name))
                                                      for fit in sl.FITS), "CHINCHILLA", presets=presets)
    fit_group = Group("calc_sl_fit", fit_choice, tuple(
        Field(name, label, symbols[name], presets["CHINCHILLA"][name], integer=False, minimum=bounds[name][0],
              maximum=bounds[name][1]) for name, label in names.items()))
    inverse = Group("calc_sl_inverse", None, (
        Field("N", "calc_sl_size", size, engineering(70 * 10**9), maximum=MAX_PARAMS),
    ))
    return Calculator("scaling-calculator", (budget_group, accelerators, fit_group, inverse), formulas,
                      searchable=False)


