r"""Scaling laws (lectures 9 and 11): the parametric loss, its compute-optimal frontier, fitting.

The loss of a model of $N$ parameters trained on $D$ tokens is fitted as
$L(N, D) = E + A/N^\alpha + B/D^\beta$ (Hoffmann et al. 2022, "Chinchilla", Approach 3).
Minimising it under a compute budget $C = 6ND$ is a Lagrange problem that SymPy solves in
closed form (`lagrange`); `compute_optimal` evaluates that solution for a published fit.
$N$, $D$, $C$ and $6ND$ come from `derivations.training`; the fit's letters are defined here.

The IsoFLOP fit (`isoflop_fit`) is numeric on purpose: it is what an experimenter does with
noisy runs, and it is checked against the exact frontier it should recover.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import sympy as sp

from .core import i18n, render
from .core.cache import derived
from .core.i18n import message, pair
from .core.symbols import define, topic
from .core.validate import positive
from .training import C, D, N, train_flops

i18n.register("scaling_laws", terms={
    "sl_scaling_law": ("scaling law", "缩放定律"),
    "sl_power_law": ("power law", "幂律"),
    "sl_compute_optimal": ("compute-optimal", "计算最优"),
    "sl_frontier": ("compute-optimal frontier", "计算最优前沿"),
    "sl_isoflop": ("IsoFLOP curve", "等计算量曲线（IsoFLOP）"),
    "sl_irreducible": ("irreducible loss", "不可约损失"),
    "sl_tokens_per_param": ("tokens per parameter", "每参数词元数"),
    "sl_lagrange": ("Lagrange multiplier", "拉格朗日乘数"),
    "sl_parametric_fit": ("parametric fit", "参数化拟合"),
    "sl_critical_batch": ("critical batch size", "临界批大小"),
    "sl_wsd": ("warmup-stable-decay (WSD) schedule", "预热-稳定-衰减（WSD）学习率调度"),
    "sl_mup": ("maximal update parametrisation (μP)", "最大更新参数化（μP）"),
    "sl_erratum": ("erratum", "勘误"),
}, messages={
    "sl_fit": ("Fit", "拟合"),
    "sl_budget": ("Budget $C$ (FLOPs)", "计算预算$C$（FLOPs）"),
    "sl_params": ("Parameters $N$", "参数量$N$"),
    "sl_tokens": ("Tokens $D$", "词元数$D$"),
    "sl_ratio": ("$D/N$", "$D/N$"),
    "sl_loss": ("Loss $L$", "损失$L$"),
    "sl_quantity": ("Quantity", "项目"),
    "sl_value": ("Value", "数值"),
    "sl_exponent": ("Exponent", "指数"),
    "sl_tenfold": ("Reducible loss after 10×", "资源扩大10倍后的可约损失"),
    "sl_tenfold_needed": ("Factor needed to halve it", "减半所需的倍数"),
    "sl_resource": ("Resource", "资源"),
    "sl_true": ("True value, $a = \\beta/(\\alpha+\\beta)$", "真实值，$a = \\beta/(\\alpha+\\beta)$"),
    "sl_recovered": ("Recovered", "拟合结果"),
    "sl_seeds": ("Spread over {n} seeds (std)", "{n}个随机种子的标准差"),
    "sl_noiseless": ("Noiseless runs", "无噪声的训练"),
    "sl_with_noise": ("Seed {seed}, noise σ = {sigma}", "种子{seed}，噪声σ = {sigma}"),
    "sl_min_params": ("Parabola minimum $N^*$", "抛物线顶点$N^*$"),
    "sl_exact_params": ("Exact $N_{\\mathrm{opt}}$", "精确$N_{\\mathrm{opt}}$"),
    "sl_rounded": ("Rounded constants", "四舍五入后的常数"),
    "sl_rel_error": ("Relative error of $N_{\\mathrm{opt}}$", "$N_{\\mathrm{opt}}$的相对误差"),
    "sl_approach": ("Approach", "方法"),
})

SCALING = topic("scaling_laws", "Scaling laws (lectures 9 and 11)", "缩放定律（第9、11讲）")
L_loss = define(SCALING, "L_loss", latex="L", en="loss (nats per token) of a trained model",
                zh="训练完成后模型的损失（奈特/词元）")
E_sl = define(SCALING, "E_sl", latex="E", en="irreducible loss of the parametric fit", zh="参数化拟合中的不可约损失")
A_sl = define(SCALING, "A_sl", latex="A", en="coefficient of the parameter term", zh="参数项的系数")
B_sl = define(SCALING, "B_sl", latex="B", en="coefficient of the data term", zh="数据项的系数")
alpha_sl = define(SCALING, "alpha_sl", latex=r"\alpha", en="exponent of the parameter term", zh="参数项的指数")
beta_sl = define(SCALING, "beta_sl", latex=r"\beta", en="exponent of the data term", zh="数据项的指数")
lambda_sl = define(SCALING, "lambda_sl", latex=r"\lambda", en="Lagrange multiplier of the budget constraint",
                   zh="预算约束的拉格朗日乘数", real=True)
a_sl = define(SCALING, "a_sl", latex="a", en="exponent of the optimal parameter count in C", zh="最优参数量关于C的指数")
b_sl = define(SCALING, "b_sl", latex="b", en="exponent of the optimal token count in C", zh="最优词元数关于C的指数")
G_sl = define(SCALING, "G_sl", latex="G", en="prefactor of the compute-optimal frontier", zh="计算最优前沿的前置系数")
N_opt = define(SCALING, "N_opt", latex=r"N_{\mathrm{opt}}", en="compute-optimal parameter count", zh="计算最优参数量")
D_opt = define(SCALING, "D_opt", latex=r"D_{\mathrm{opt}}", en="compute-optimal token count", zh="计算最优词元数")
C_in = define(SCALING, "C_in", latex=r"C_{\mathrm{in}}", en="compute budget typed into the calculator (FLOPs)",
             zh="在计算器中直接输入的计算预算（FLOPs）")
s_cluster = define(SCALING, "s_cluster", latex=r"s", en="the calculator's budget source: 0 typed in FLOPs, 1 a cluster",
                   zh="计算器中预算的来源：0为直接输入FLOPs，1为按集群计算", integer=True, nonnegative=True)
t_days = define(SCALING, "t_days", latex=r"t_{\mathrm{days}}", en="days of training", zh="训练天数")
C_N = define(SCALING, "C_N", latex=r"C_{N}", en="the budget for which $N$ parameters are compute-optimal",
             zh="使$N$个参数成为计算最优的计算预算")
D_N = define(SCALING, "D_N", latex=r"D_{N}", en="the tokens of $N$ parameters trained compute-optimally",
             zh="$N$个参数按计算最优训练时的词元数")


@dataclass(frozen=True)
class Fit:
    r"""A published parametric fit $L = E + A/N^\alpha + B/D^\beta$, exact Rationals of its decimals."""

    name: str
    E: sp.Rational
    A: sp.Rational
    B: sp.Rational
    alpha: sp.Rational
    beta: sp.Rational
    source: str
    name_zh: str = ""

    def label(self, lang: str) -> str:
        """The fit's name in `lang` (the English name where no Chinese one is given)."""
        return pair(self.name, self.name_zh or self.name, lang)

    def __post_init__(self):
        for field in ("E", "A", "B", "alpha", "beta"):
            value = getattr(self, field)
            if field == "E" and value == 0:
                continue
            positive(field, value)

    @property
    def values(self) -> dict[sp.Symbol, sp.Rational]:
        return {E_sl: self.E, A_sl: self.A, B_sl: self.B, alpha_sl: self.alpha, beta_sl: self.beta}


def _r(text: str) -> sp.Rational:
    """An exact Rational of a published decimal, written as the paper prints it."""
    return sp.Rational(text)


# Hoffmann et al. 2022, "Training Compute-Optimal Large Language Models", arXiv:2203.15556, §3.3
# (Approach 3, the form L = E + A/N^α + B/D^β fitted with a Huber loss on 400+ runs) and appendix D.2.
CHINCHILLA = Fit("Chinchilla (Hoffmann et al. 2022)", _r("1.69"), _r("406.4"), _r("410.7"), _r("0.34"), _r("0.28"),
                 "Hoffmann et al. 2022, arXiv:2203.15556, §3.3 (Approach 3) and appendix D.2",
                 "Chinchilla（Hoffmann等，2022）")
# Besiroglu, Erdil, Barnett, You 2024, "Chinchilla Scaling: A replication attempt", arXiv:2404.10102:
# the same form re-fitted to the data extracted from Chinchilla's Figure 4 (standard errors E 0.03,
# A 124.58, B 1293.23, α 0.02, β 0.02).
BESIROGLU = Fit("Besiroglu et al. 2024 re-fit", _r("1.8172"), _r("482.01"), _r("2085.43"), _r("0.3478"), _r("0.3658"),
                "Besiroglu et al. 2024, arXiv:2404.10102, the re-fitted parameter estimates",
                "Besiroglu等（2024）的重新拟合")
FITS = (CHINCHILLA, BESIROGLU)


@dataclass(frozen=True)
class KaplanLaw:
    r"""One of Kaplan et al.'s single-variable laws $L = (X_c / X)^{\alpha_X}$."""

    resource: tuple[str, str]
    exponent: sp.Rational
    scale: sp.Rational
    unit: tuple[str, str]


# Kaplan et al. 2020, "Scaling Laws for Neural Language Models", arXiv:2001.08361, eqs. (1.1)-(1.3):
# α_N ~ 0.076, N_c ~ 8.8e13; α_D ~ 0.095, D_c ~ 5.4e13 tokens; α_C^min ~ 0.050, C_c^min ~ 3.1e8 PF-days.
# N counts non-embedding parameters; C_min is in PF-days (8.64e19 FLOPs).
KAPLAN_N = KaplanLaw(("parameters $N$ (non-embedding)", "参数量$N$（不含嵌入）"), _r("0.076"), _r("8.8e13"),
                     ("parameters", "个参数"))
KAPLAN_D = KaplanLaw(("tokens $D$", "词元数$D$"), _r("0.095"), _r("5.4e13"), ("tokens", "个词元"))
KAPLAN_C = KaplanLaw(("compute $C_{\\min}$", "计算量$C_{\\min}$"), _r("0.050"), _r("3.1e8"), ("PF-days", "PF-天"))
KAPLAN_LAWS = (KAPLAN_N, KAPLAN_D, KAPLAN_C)
# Kaplan et al. 2020, §1.2 and §6.1 (Figure 14): N_opt ∝ C_min^0.73 (with B ∝ C_min^0.24, S ∝ C_min^0.03).
KAPLAN_PARAMS_EXPONENT = _r("0.73")


def check_fit(fit: Fit) -> Fit:
    """`fit` if it is a `Fit` with positive exponents and coefficients.

    Examples:
        >>> check_fit(CHINCHILLA).alpha
        17/50
        >>> check_fit("Chinchilla")
        Traceback (most recent call last):
        ...
        ValueError: fit must be a Fit, got 'Chinchilla'
    """
    if not isinstance(fit, Fit):
        raise ValueError(f"fit must be a Fit, got {fit!r}")
    return fit


def law() -> sp.Expr:
    """The parametric loss, symbolically.

    Examples:
        >>> law()
        A_sl/N_params**alpha_sl + B_sl/D_tokens**beta_sl + E_sl
    """
    return E_sl + A_sl / N**alpha_sl + B_sl / D**beta_sl


@derived
def loss(params, tokens, fit: Fit = CHINCHILLA) -> sp.Expr:
    """$L(N, D)$ of `fit`, exact where the inputs are (powers stay symbolic surds).

    Examples:
        >>> round(float(loss(70 * 10**9, 1400 * 10**9)), 4)
        1.9366
        >>> loss(N, D).has(N)
        True
        >>> loss(0, 10)
        Traceback (most recent call last):
        ...
        ValueError: params must be positive, got 0
    """
    fit = check_fit(fit)
    params, tokens = positive("params", params), positive("tokens", tokens)
    if params.is_number and tokens.is_number:  # unevaluated powers: exact, and fast to evaluate
        return sp.Add(fit.E, sp.Mul(fit.A, _power(params, -fit.alpha), evaluate=False),
                      sp.Mul(fit.B, _power(tokens, -fit.beta), evaluate=False), evaluate=False)
    return law().subs(fit.values).subs({N: params, D: tokens})


def _power(base, exponent) -> sp.Expr:
    """`base**exponent`, exact and left unevaluated: SymPy would otherwise expand a large
    integer to a rational power into prime factors and huge integers.
    """
    return sp.Pow(base, exponent, evaluate=False)


@dataclass(frozen=True)
class Lagrange(render.Published):
    """The symbolic solution of min L(N, D) subject to 6ND = C, step by step."""

    lagrangian: sp.Expr
    stationarity: tuple[sp.Expr, sp.Expr]
    balance: sp.Eq
    params: sp.Expr
    tokens: sp.Expr
    a: sp.Expr
    b: sp.Expr
    G: sp.Expr

    def to_markdown(self, lang: str) -> str:
        zero = sp.Integer(0)
        return render.equations([
            (r"\mathcal{L}(N, D, \lambda)", self.lagrangian),
            (r"\frac{\partial \mathcal{L}}{\partial N}", self.stationarity[0]),
            (r"\frac{\partial \mathcal{L}}{\partial D}", self.stationarity[1]),
            (render.latex(self.balance.lhs), self.balance.rhs),
            (render.latex(N_opt), self.params),
            (render.latex(D_opt), self.tokens),
            ("a", self.a), ("b", self.b), ("G", self.G),
        ]) + render.equations([
            (r"N_{\mathrm{opt}} - G\left(\tfrac{C}{6}\right)^{a}", zero),
            (r"D_{\mathrm{opt}} - G^{-1}\left(\tfrac{C}{6}\right)^{b}", zero),
            (r"6\,N_{\mathrm{opt}}\,D_{\mathrm{opt}}", train_flops(self.params, self.tokens).simplify()),
        ])


@derived
def lagrange() -> Lagrange:
    r"""Minimise $L$ under $6ND = C$: stationarity, elimination of $\lambda$, then $N$ in closed form.

    Multiplying $\partial L/\partial N = 6\lambda D$ by $N$ and $\partial L/\partial D = 6\lambda N$
    by $D$ gives $\alpha A N^{-\alpha} = \beta B D^{-\beta}$; with $D = C/(6N)$ this is linear
    in $\log N$, which SymPy solves.

    Examples:
        >>> solution = lagrange()
        >>> solution.a
        beta_sl/(alpha_sl + beta_sl)
        >>> sp.simplify(6 * solution.params * solution.tokens - C)
        0
    """
    lagrangian = law() - lambda_sl * (train_flops(N, D) - C)
    d_params, d_tokens = sp.diff(lagrangian, N), sp.diff(lagrangian, D)
    # Each stationarity condition gives λ; equate them: N·∂L/∂N = D·∂L/∂D (both 6λND).
    lam_from_params = sp.solve(d_params, lambda_sl)[0]
    lam_from_tokens = sp.solve(d_tokens, lambda_sl)[0]
    lhs = sp.expand(-N * sp.diff(law(), N))  # α A N^{-α}
    rhs = sp.expand(-D * sp.diff(law(), D))  # β B D^{-β}
    assert sp.simplify(lam_from_params - lam_from_tokens - (rhs - lhs) / (6 * N * D)) == 0
    balance = sp.Eq(lhs, rhs)
    on_budget = rhs.subs(D, C / (6 * N))
    log_n = sp.Symbol("log_N", real=True)
    equation = sp.expand_log(sp.log(lhs) - sp.log(on_budget), force=True).subs(sp.log(N), log_n)
    (solution,) = sp.solve(equation, log_n)
    params = sp.powsimp(sp.powdenest(sp.exp(solution), force=True), force=True)
    a = beta_sl / (alpha_sl + beta_sl)
    b = alpha_sl / (alpha_sl + beta_sl)
    G = (alpha_sl * A_sl / (beta_sl * B_sl)) ** (1 / (alpha_sl + beta_sl))
    closed = G * (C / 6) ** a
    if sp.simplify(sp.expand_log(sp.log(params) - sp.log(closed), force=True)) != 0:
        raise AssertionError(f"the solved N_opt {params} is not G·(C/6)^a")
    tokens = sp.simplify(C / (6 * closed))
    if sp.simplify(sp.expand_log(sp.log(tokens) - sp.log((C / 6) ** b / G), force=True)) != 0:
        raise AssertionError(f"D_opt {tokens} is not (C/6)^b / G")
    return Lagrange(lagrangian, (d_params, d_tokens), balance, closed, (C / 6) ** b / G, a, b, G)


@dataclass(frozen=True)
class Optimum(render.Published):
    """The compute-optimal model of a budget under a fit: $N$, $D$, the exponents, the loss."""

    flops: sp.Expr
    params: sp.Expr
    tokens: sp.Expr
    a: sp.Rational
    b: sp.Rational
    G: sp.Expr
    fit: Fit

    @cached_property
    def tokens_per_param(self) -> sp.Expr:
        return sp.Mul(self.tokens, _power(self.params, -1), evaluate=False)

    @cached_property
    def loss(self) -> sp.Expr:
        return loss(self.params, self.tokens, self.fit)

    def to_markdown(self, lang: str) -> str:
        return render.equations([
            ("C", render.decimal(self.flops)), ("a", self.a), ("b", self.b), ("G", render.decimal(self.G)),
            (r"N_{\mathrm{opt}}", render.decimal(self.params)), (r"D_{\mathrm{opt}}", render.decimal(self.tokens)),
            (r"D_{\mathrm{opt}} / N_{\mathrm{opt}}", render.decimal(self.tokens_per_param, 3)),
            (r"L(N_{\mathrm{opt}}, D_{\mathrm{opt}})", render.decimal(self.loss)),
        ])


def _numeric(expression: sp.Expr, values: dict) -> sp.Expr:
    """`expression` with `values` substituted, its powers left unevaluated (see `_power`)."""
    if expression.is_Pow:
        return _power(expression.base.subs(values), expression.exp.subs(values))
    if expression.is_Mul:
        return sp.Mul(*(_numeric(factor, values) for factor in expression.args), evaluate=False)
    return expression.subs(values)


def _exponents(product: sp.Expr) -> dict:
    """{base: total exponent} of a product of (unevaluated) powers, zero totals dropped.

    Checks an identity such as $6 N D = C$ exactly without evaluating large powers.

    Examples:
        >>> x = _power(sp.Rational(5, 3), sp.Rational(1, 7))
        >>> _exponents(sp.Mul(x, _power(sp.Rational(5, 3), sp.Rational(6, 7)), 2, evaluate=False))
        {5/3: 1, 2: 1}
    """
    totals: dict = {}
    for factor in sp.Mul.make_args(product):
        if factor.is_Mul:
            parts = _exponents(factor).items()
        elif factor.is_Pow:
            parts = [(factor.base, factor.exp)]
        else:
            parts = [(factor, sp.Integer(1))]
        for base, exponent in parts:
            totals[base] = totals.get(base, 0) + exponent
    return {base: exponent for base, exponent in totals.items() if exponent != 0}


@derived
def compute_optimal(flops, fit: Fit = CHINCHILLA) -> Optimum:
    """The compute-optimal $N$ and $D$ for `flops`, from the symbolic solution.

    `params` and `tokens` are exact products of unevaluated powers ($G$ and
    $(C/6)^a$ stay as written): `float()` or `.evalf()` them before further
    arithmetic, which would expand a large integer to a rational power.

    Examples:
        >>> best = compute_optimal(5.76e23)
        >>> best.a, best.b
        (14/31, 17/31)
        >>> params, tokens = best.params.evalf(40), best.tokens.evalf(40)
        >>> round(float(params) / 1e9, 2), round(float(tokens / params), 1)
        (32.19, 92.6)
        >>> float(6 * params * tokens / best.flops)
        1.0
    """
    fit = check_fit(fit)
    budget = positive("flops", flops)
    solution = lagrange()
    values = {**fit.values, C: budget}
    a, b = solution.a.subs(values), solution.b.subs(values)
    G = _numeric(solution.G, values)
    params = _numeric(solution.params, values)  # G·(C/6)^a
    tokens = _numeric(solution.tokens, values)  # G^{-1}·(C/6)^b
    product = _exponents(sp.Mul(6, params, tokens, evaluate=False))
    if product != {budget / 6: 1, sp.Integer(6): 1}:  # 6·N·D = C, exactly
        raise AssertionError(f"6·N·D is not the budget {budget}")
    return Optimum(budget, params, tokens, a, b, G, fit)


@derived
def budget_law() -> sp.Expr:
    r"""The inverse of the frontier, symbolically: the budget $C = 6\,(N/G)^{1/a}$ for which $N$ is optimal.

    Checked against the Lagrange solution: $N_{\mathrm{opt}}$ at this budget is $N$ again.

    Examples:
        >>> budget_law().has(N, A_sl, beta_sl)
        True
    """
    solution = lagrange()
    budget = 6 * (N / solution.G) ** (1 / solution.a)
    back = solution.params.subs(C, budget)
    if sp.simplify(sp.expand_log(sp.log(back) - sp.log(N), force=True)) != 0:
        raise AssertionError(f"N_opt at C(N) is {back}, not N")
    return budget


@derived
def optimal_budget(params, fit: Fit = CHINCHILLA) -> sp.Expr:
    """The budget $C$ for which `params` is compute-optimal: $C = 6 (N/G)^{1/a}$.

    Exact and unevaluated, like `compute_optimal`'s fields: call `.evalf()` before arithmetic,
    or SymPy expands the large powers.

    Examples:
        >>> budget = optimal_budget(70 * 10**9)
        >>> round(float(budget), -21) == round(float(6 * (70e9 / 1.3447) ** (31 / 14)), -21)
        True
        >>> optimal_budget(0)
        Traceback (most recent call last):
        ...
        ValueError: params must be positive, got 0
    """
    fit = check_fit(fit)
    size = positive("params", params)
    solution = lagrange()
    a, G = solution.a.subs(fit.values), _numeric(solution.G, fit.values)
    return sp.Mul(6, _power(sp.Mul(size, _power(G, -1), evaluate=False), 1 / a), evaluate=False)


# --- what a tenfold increase buys (Kaplan's single-variable laws) ---------------------------

@dataclass(frozen=True)
class Tenfold(render.Published):
    """Kaplan's single-variable laws: the reducible loss left after 10× of each resource, and what halves it."""

    laws: tuple[KaplanLaw, ...]

    def to_markdown(self, lang: str) -> str:
        header = [message("sl_resource", lang), message("sl_exponent", lang),
                  message("sl_tenfold", lang), message("sl_tenfold_needed", lang)]
        rows = []
        for item in self.laws:
            rows.append([pair(*item.resource, lang), render.math(item.exponent),
                         f"${render.decimal(tenfold_factor(item.exponent), 3)}\\times$",
                         f"${render.decimal(halving_factor(item.exponent), 3)}\\times$"])
        return render.table(header, rows)


def tenfold_factor(exponent) -> sp.Expr:
    """What a 10× larger resource multiplies a power-law term $X^{-e}$ by: $10^{-e}$.

    Examples:
        >>> round(float(tenfold_factor(sp.Rational(1, 2))), 4)
        0.3162
    """
    return sp.Integer(10) ** -positive("exponent", exponent)


def halving_factor(exponent) -> sp.Expr:
    """How much more of a resource halves a term $X^{-e}$: $2^{1/e}$.

    Examples:
        >>> halving_factor(sp.Rational(1, 2))
        4
    """
    return sp.Integer(2) ** (1 / positive("exponent", exponent))


@derived
def tenfold() -> Tenfold:
    """Kaplan's three laws: the reducible loss after a 10× increase, and the factor that halves it."""
    return Tenfold(KAPLAN_LAWS)


# --- the frontier, evaluated ---------------------------------------------------------------

BUDGETS = tuple(sp.Integer(10) ** k for k in (18, 20, 22, 24, 26))


@dataclass(frozen=True)
class FrontierTable(render.Published):
    """The compute-optimal parameters, tokens, tokens per parameter and loss of each fit at each budget."""

    rows: tuple[Optimum, ...]

    def to_markdown(self, lang: str) -> str:
        header = [message("sl_fit", lang), message("sl_budget", lang), message("sl_params", lang),
                  message("sl_tokens", lang), message("sl_ratio", lang), message("sl_loss", lang)]
        body = [[row.fit.label(lang), f"${render.decimal(row.flops, 3)}$", f"${render.decimal(row.params, 3)}$",
                 f"${render.decimal(row.tokens, 3)}$", f"${render.decimal(row.tokens_per_param, 3)}$",
                 f"${render.decimal(row.loss, 4)}$"] for row in self.rows]
        return render.table(header, body)


@derived
def frontier_table(budgets: tuple = BUDGETS, fits: tuple = FITS) -> FrontierTable:
    """Compute-optimal models for each fit and budget.

    Examples:
        >>> len(frontier_table().rows)
        10
    """
    return FrontierTable(tuple(compute_optimal(budget, fit) for fit in fits for budget in budgets))


@dataclass(frozen=True)
class FrontierLaws(render.Published):
    """Each fit's frontier as formulas in $C$: exponents, prefactor, tokens per parameter, loss."""

    fits: tuple[Fit, ...]

    def to_markdown(self, lang: str) -> str:
        solution = lagrange()
        out = []
        for fit in self.fits:
            a, b, G = (solution.a.subs(fit.values), solution.b.subs(fit.values), solution.G.subs(fit.values))
            ratio_exponent = b - a
            out.append(f"\n**{fit.label(lang)}**\n" + render.equations([
                ("a", a), ("b", b), ("G", render.decimal(G)),
                (r"N_{\mathrm{opt}}", rf"{render.decimal(G)}\,(C/6)^{{{render.latex(a)}}}"),
                (r"D_{\mathrm{opt}} / N_{\mathrm{opt}}",
                 rf"{render.decimal(1 / G**2)}\,(C/6)^{{{render.latex(ratio_exponent)}}}"),
                (r"L_{\mathrm{opt}}(C) - E", _loss_on_frontier(fit)),
            ]))
        return "".join(out)


def _loss_on_frontier(fit: Fit) -> str:
    r"""$L - E$ along the frontier: two power laws of $C$ with the same exponent $\alpha\beta/(\alpha+\beta)$."""
    solution = lagrange()
    a = solution.a.subs(fit.values)
    G = solution.G.subs(fit.values)
    exponent = fit.alpha * a
    coefficient = fit.A / G**fit.alpha + fit.B * G**fit.beta
    return rf"{render.decimal(coefficient)}\,(C/6)^{{-{render.latex(exponent)}}}"


@derived
def frontier_laws(fits: tuple = FITS) -> FrontierLaws:
    """The frontier of each fit written as power laws of $C$."""
    return FrontierLaws(fits)


def frontier_loss_exponent(fit: Fit = CHINCHILLA) -> sp.Expr:
    r"""The exponent of $L - E$ in $C$ on the frontier: $\alpha\beta/(\alpha+\beta)$.

    Examples:
        >>> frontier_loss_exponent()
        119/775
    """
    fit = check_fit(fit)
    return fit.alpha * fit.beta / (fit.alpha + fit.beta)


# --- fitting: IsoFLOP parabolas on synthetic runs -----------------------------------------

ISOFLOP_BUDGETS = (1e18, 3e18, 1e19, 3e19, 1e20, 3e20, 1e21)
ISOFLOP_SIZES = 9  # model sizes per budget
ISOFLOP_SPAN = 1.0  # decades of N either side of the grid's centre
ISOFLOP_NOISE = 0.01  # standard deviation of the loss noise, nats
ISOFLOP_SEEDS = 20


def synthetic_runs(fit: Fit = CHINCHILLA, *, seed: int | None = 0, noise: float = ISOFLOP_NOISE,
                   budgets=ISOFLOP_BUDGETS, sizes: int = ISOFLOP_SIZES, span: float = ISOFLOP_SPAN) -> np.ndarray:
    r"""Runs (C, N, D, loss) on IsoFLOP curves of a known law, loss with Gaussian noise of `noise`.

    Each budget's model sizes are log-spaced over ±`span` decades around $\sqrt{C/120}$, the
    20-tokens-per-parameter guess an experimenter would start from (not the true optimum).
    `seed=None` gives noiseless runs.

    Examples:
        >>> runs = synthetic_runs(seed=None)
        >>> runs.shape
        (63, 4)
        >>> bool(np.allclose(6 * runs[:, 1] * runs[:, 2], runs[:, 0]))
        True
    """
    check_fit(fit)
    E, A, B, alpha, beta = (float(v) for v in (fit.E, fit.A, fit.B, fit.alpha, fit.beta))
    rng = np.random.default_rng(seed) if seed is not None else None
    rows = []
    for budget in budgets:
        centre = np.log10(np.sqrt(budget / 120))
        params = 10 ** np.linspace(centre - span, centre + span, sizes)
        tokens = budget / (6 * params)
        values = E + A / params**alpha + B / tokens**beta
        if rng is not None:
            values = values + rng.normal(0, noise, size=values.shape)
        rows += [(budget, n, d, value) for n, d, value in zip(params, tokens, values, strict=True)]
    return np.array(rows)


def isoflop_minima(runs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Per budget, the vertex of a parabola fitted to the loss against
    $\log_{10} N$: returns (budgets, N*).

    Examples:
        >>> budgets, minima = isoflop_minima(synthetic_runs(seed=None))
        >>> len(budgets) == len(ISOFLOP_BUDGETS)
        True
    """
    budgets = np.unique(runs[:, 0])
    minima = []
    for budget in budgets:
        chosen = runs[runs[:, 0] == budget]
        c2, c1, _ = np.polyfit(np.log10(chosen[:, 1]), chosen[:, 3], 2)
        minima.append(10 ** (-c1 / (2 * c2)))
    return budgets, np.array(minima)


def power_law_fit(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    r"""Least-squares line through $(\log x, \log y)$: (exponent, prefactor).

    Examples:
        >>> x = np.array([1.0, 10, 100])
        >>> exponent, prefactor = power_law_fit(x, 3 * x)
        >>> round(exponent, 6), round(prefactor, 6)
        (1.0, 3.0)
    """
    slope, intercept = np.polyfit(np.log10(x), np.log10(y), 1)
    return float(slope), float(10**intercept)


@dataclass(frozen=True)
class IsoflopFit(render.Published):
    r"""Approach 2 on synthetic runs: the recovered exponent of $N_{\mathrm{opt}} \propto C^a$."""

    fit: Fit
    true_a: sp.Rational
    noiseless_a: float
    seed: int
    noise: float
    seeded_a: float
    spread: float
    seeds: int
    budgets: tuple[float, ...]
    minima: tuple[float, ...]
    exact: tuple[float, ...]

    def to_markdown(self, lang: str) -> str:
        header = [message("sl_quantity", lang), message("sl_value", lang)]
        rows = [
            [message("sl_true", lang), f"${render.decimal(self.true_a, 4)}$"],
            [message("sl_noiseless", lang), f"${render.decimal(self.noiseless_a, 4)}$"],
            [message("sl_with_noise", lang, seed=self.seed, sigma=self.noise), f"${render.decimal(self.seeded_a, 4)}$"],
            [message("sl_seeds", lang, n=self.seeds), f"${render.decimal(self.spread, 2)}$"],
        ]
        minima = render.table(
            [message("sl_budget", lang), message("sl_min_params", lang), message("sl_exact_params", lang)],
            [[f"${render.decimal(c, 2)}$", f"${render.decimal(m, 3)}$", f"${render.decimal(e, 3)}$"]
             for c, m, e in zip(self.budgets, self.minima, self.exact, strict=True)])
        return render.table(header, rows) + minima


def recovered_exponent(fit: Fit = CHINCHILLA, seed: int | None = 0, noise: float = ISOFLOP_NOISE) -> float:
    """The exponent $a$ an IsoFLOP analysis recovers from one set of synthetic runs."""
    budgets, minima = isoflop_minima(synthetic_runs(fit, seed=seed, noise=noise))
    return power_law_fit(budgets, minima)[0]


@derived
def isoflop_fit(fit: Fit = CHINCHILLA, seed: int = 0, noise: float = ISOFLOP_NOISE,
                seeds: int = ISOFLOP_SEEDS) -> IsoflopFit:
    """Approach 2 done in code: parabolas per budget, then a power law through their minima.

    Examples:
        >>> result = isoflop_fit()
        >>> abs(result.seeded_a - float(result.true_a)) < 3 * result.spread
        True
    """
    check_fit(fit)
    true_a = lagrange().a.subs(fit.values)
    budgets, minima = isoflop_minima(synthetic_runs(fit, seed=seed, noise=noise))
    spread = float(np.std([recovered_exponent(fit, s, noise) for s in range(seeds)], ddof=1))
    exact = tuple(float(compute_optimal(sp.Rational(repr(float(c))), fit).params) for c in budgets)
    return IsoflopFit(fit, true_a, recovered_exponent(fit, None), seed, noise,
                      power_law_fit(budgets, minima)[0], spread, seeds, tuple(budgets), tuple(minima), exact)


# --- rounding the constants: the direction of Besiroglu et al. ------------------------------

def rounded(fit: Fit, digits: int = 2) -> Fit:
    """`fit` with every constant rounded to `digits` decimals (exponents) or 4 significant digits.

    Examples:
        >>> rounded(BESIROGLU).alpha, rounded(BESIROGLU).A
        (7/20, 482)
    """
    check_fit(fit)

    def to(value, places):
        return sp.Rational(f"{float(value):.{places}f}")

    return Fit(f"{fit.name}, rounded", to(fit.E, digits), to(fit.A, 1), to(fit.B, 1),
               to(fit.alpha, digits), to(fit.beta, digits), fit.source)


@dataclass(frozen=True)
class RoundingBias(render.Published):
    """A fit beside its rounded constants: the optimal size each gives per budget, and the relative error."""

    exact: Fit
    rounded: Fit
    budgets: tuple

    def to_markdown(self, lang: str) -> str:
        header = [message("sl_budget", lang), message("sl_params", lang), message("sl_rounded", lang),
                  message("sl_rel_error", lang)]
        rows = []
        for budget in self.budgets:
            exact, approx = compute_optimal(budget, self.exact).params, compute_optimal(budget, self.rounded).params
            rows.append([f"${render.decimal(budget, 2)}$", f"${render.decimal(exact, 3)}$",
                         f"${render.decimal(approx, 3)}$", f"${render.decimal(100 * (approx / exact - 1), 3)}\\%$"])
        constants = render.equations([
            (r"(\alpha, \beta)", rf"({render.latex(self.exact.alpha)}, {render.latex(self.exact.beta)})"
                                 rf" \to ({render.latex(self.rounded.alpha)}, {render.latex(self.rounded.beta)})"),
            (r"a", rf"{render.decimal(lagrange().a.subs(self.exact.values), 4)} \to "
                   rf"{render.decimal(lagrange().a.subs(self.rounded.values), 4)}"),
        ])
        return constants + render.table(header, rows)


@derived
def rounding_bias(fit: Fit = BESIROGLU, digits: int = 2, budgets: tuple = BUDGETS) -> RoundingBias:
    """Compute-optimal $N$ from a fit and from the same fit rounded to `digits` decimals.

    Examples:
        >>> bias = rounding_bias()
        >>> bias.rounded.beta
        37/100
    """
    return RoundingBias(check_fit(fit), rounded(fit, digits), budgets)


# --- from a cluster to a model: the calculator, as a build-time table ------------------------

i18n.register("scaling_laws_cluster", messages={
    "sl_cluster": ("Cluster", "集群"),
    "sl_days": ("Days", "天数"),
    "sl_cluster_row": ("{chips} × {accelerator}, MFU {mfu}", "{chips}块{accelerator}，MFU {mfu}"),
})

# Cluster presets: (chips, days, MFU). 8 GPUs for a week; a 1,024-GPU month; and 16,384 H100s for
# 54 days, the scale of Llama 3.1 405B's pre-training (Llama Team 2024, "The Llama 3 Herd of Models":
# up to 16K H100s, §3.3; 54 days is the snapshot of pre-training its §3.3.4 reports interruptions for;
# Table 4 gives 38-43% MFU).
CLUSTERS = ((8, 7, sp.Rational(2, 5)), (1024, 30, sp.Rational(2, 5)), (16384, 54, sp.Rational(2, 5)))


def cluster_flops(accelerator, chips, days, mfu) -> sp.Expr:
    """Useful FLOPs of `chips` accelerators for `days` at `mfu` of their dense bf16 peak.

    The inverse of `training.days`.

    Examples:
        >>> from derivations.catalog.hardware import H100_SXM
        >>> from derivations.training import days
        >>> flops = cluster_flops(H100_SXM, 1024, 30, 0.4)
        >>> days(flops, H100_SXM, 1024, 0.4)
        30
    """
    from .catalog.hardware import accelerator as accelerator_named
    from .training import SECONDS_PER_DAY, mfu_value

    device = accelerator_named(accelerator)
    return (device.flops_per_s * positive("chips", chips) * positive("days", days) * SECONDS_PER_DAY
            * mfu_value(mfu))


@dataclass(frozen=True)
class ClusterPlan(render.Published):
    """Clusters of one accelerator (chips, days, MFU): each one's budget and compute-optimal run under each fit."""

    accelerator: object
    clusters: tuple

    def to_markdown(self, lang: str) -> str:
        header = [message("sl_cluster", lang), message("sl_days", lang), message("sl_budget", lang),
                  message("sl_fit", lang), message("sl_params", lang), message("sl_tokens", lang),
                  message("sl_ratio", lang), message("sl_loss", lang)]
        rows = []
        for chips, days, mfu in self.clusters:
            flops = cluster_flops(self.accelerator, chips, days, mfu)
            for fit in FITS:
                best = compute_optimal(flops, fit)
                rows.append([
                    message("sl_cluster_row", lang, chips=f"{chips:,}", accelerator=self.accelerator.name,
                            mfu=render.decimal(mfu, 2)),
                    render.math(days), f"${render.decimal(flops, 3)}$", fit.label(lang),
                    f"${render.decimal(best.params, 3)}$", f"${render.decimal(best.tokens, 3)}$",
                    f"${render.decimal(best.tokens_per_param, 3)}$", f"${render.decimal(best.loss, 4)}$"])
        return render.table(header, rows)


@derived
def cluster_plan(accelerator=None, clusters: tuple = CLUSTERS) -> ClusterPlan:
    """Compute-optimal models for a few clusters (an H100 SXM by default), under each fit.

    Examples:
        >>> len(cluster_plan().clusters)
        3
    """
    from .catalog.hardware import H100_SXM
    from .catalog.hardware import accelerator as accelerator_named

    return ClusterPlan(accelerator_named(accelerator or H100_SXM), clusters)
