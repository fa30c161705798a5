"""Lectures 9 and 11 (scaling laws): published tables typed once, re-derived, and their errata.

Every published number below is typed once, as the source prints it, with the source next to
it. The functions re-derive each entry (6ND, tokens per parameter, the fitted frontier) and
publish the differences as claims, so a page shows a discrepancy on purpose and the build
checks that it is still there.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .. import scaling_laws as sl
from ..core import i18n, render
from ..core.cache import derived
from ..core.claims import Claim, Claims
from ..core.i18n import message, pair
from ..training import train_flops

i18n.register("lecture09", messages={
    "l09_params": ("Parameters", "参数量"),
    "l09_tokens": ("Tokens", "词元数"),
    "l09_published_flops": ("Published FLOPs", "论文中的FLOPs"),
    "l09_six_nd": ("$6ND$", "$6ND$"),
    "l09_ratio": ("$6ND$ / published", "$6ND$ / 论文值"),
    "l09_tpp": ("$D/N$", "$D/N$"),
    "l09_fit_tokens": ("Tokens from the rounded fit", "按四舍五入常数推得的词元数"),
    "l09_fit_tpp": ("$D/N$ from the rounded fit", "按四舍五入常数推得的$D/N$"),
    "l09_model": ("Model", "模型"),
    "l09_source": ("Source", "来源"),
    "l09_flops": ("Compute $6ND$", "计算量$6ND$"),
    "l09_opt_params": ("Optimal $N$ for that compute ({fit})", "该计算量下的最优$N$（{fit}）"),
    "l09_oversize": ("$N$ / optimal $N$ ({fit})", "$N$ / 最优$N$（{fit}）"),
    "l09_approach": ("Approach", "方法"),
    "l09_published_a": ("Published $a$", "论文中的$a$"),
    "l09_published_b": ("Published $b$", "论文中的$b$"),
    "l09_derived_a": ("Derived $a = \\beta/(\\alpha+\\beta)$", "推导出的$a = \\beta/(\\alpha+\\beta)$"),
    "l09_budget": ("Budget $C$", "计算预算$C$"),
    "l09_note_n": ("Note series: $N = 0.6\\,C^{1/2}$", "笔记系列：$N = 0.6\\,C^{1/2}$"),
    "l09_twenty": ("20 tokens per parameter: $N = (C/120)^{1/2}$", "每参数20个词元：$N = (C/120)^{1/2}$"),
})


# --- published tables (Hoffmann et al. 2022, arXiv:2203.15556) ---------------------------

def _n(text: str) -> sp.Rational:
    return sp.Rational(text)


BILLION, TRILLION = 10**9, 10**12
GOPHER_FLOPS = _n("5.76e23")  # Hoffmann et al. 2022, Table 3 ("67 Billion ... 5.76e23 ... 1") and §4.1

# Table 3 ("Estimated optimal training FLOPs and training tokens for various model sizes",
# Approach 1): (parameters, FLOPs, tokens) as printed.
TABLE3_SOURCE = ("Hoffmann et al. 2022, Table 3", "Hoffmann等（2022）表3")
TABLE3 = (
    (400 * 10**6, _n("1.92e19"), _n("8.0") * BILLION),
    (1 * BILLION, _n("1.21e20"), _n("20.2") * BILLION),
    (10 * BILLION, _n("1.23e22"), _n("205.1") * BILLION),
    (67 * BILLION, _n("5.76e23"), _n("1.5") * TRILLION),
    (175 * BILLION, _n("3.85e24"), _n("3.7") * TRILLION),
    (280 * BILLION, _n("9.90e24"), _n("5.9") * TRILLION),
    (520 * BILLION, _n("3.43e25"), _n("11.0") * TRILLION),
    (1 * TRILLION, _n("1.27e26"), _n("21.2") * TRILLION),
    (10 * TRILLION, _n("1.30e28"), _n("216.2") * TRILLION),
)

# Table A3 (appendix), the Approach 3 columns: (parameters, FLOPs, tokens) as printed.
# The 175B row prints 1.26e24 FLOPs with 12.0T tokens: 6ND is 1.26e25.
TABLE_A3_SOURCE = ("Hoffmann et al. 2022, Table A3 (Approach 3)", "Hoffmann等（2022）表A3（方法3）")
TABLE_A3 = (
    (400 * 10**6, _n("2.21e19"), _n("9.2") * BILLION),
    (1 * BILLION, _n("1.62e20"), _n("27.1") * BILLION),
    (10 * BILLION, _n("2.46e22"), _n("410.1") * BILLION),
    (67 * BILLION, _n("1.71e24"), _n("4.1") * TRILLION),
    (175 * BILLION, _n("1.26e24"), _n("12.0") * TRILLION),
    (280 * BILLION, _n("3.52e25"), _n("20.1") * TRILLION),
    (520 * BILLION, _n("1.36e26"), _n("43.5") * TRILLION),
    (1 * TRILLION, _n("5.65e26"), _n("94.1") * TRILLION),
    (10 * TRILLION, _n("8.55e28"), _n("1425.5") * TRILLION),
)

# Table 2: exponents of N_opt ∝ C^a and D_opt ∝ C^b, as printed (Kaplan et al. 2020 in the last row).
TABLE2_SOURCE = "Hoffmann et al. 2022, Table 2"
TABLE2 = (
    (("1. Minimum over training curves", "1. 训练曲线的下包络"), _n("0.50"), _n("0.50")),
    (("2. IsoFLOP profiles", "2. 等计算量曲线（IsoFLOP）"), _n("0.49"), _n("0.51")),
    (("3. Parametric modelling of the loss", "3. 损失的参数化拟合"), _n("0.46"), _n("0.54")),
    (("Kaplan et al. (2020)", "Kaplan等（2020）"), _n("0.73"), _n("0.27")),
)
# Table 2 also prints a confidence interval beside each estimate; Approach 3's for a:
TABLE2_APPROACH3_INTERVAL = (_n("0.454"), _n("0.455"))

# §3.4 prose: "a 175 billion parameter model should be trained with a compute budget of
# 4.41 × 10^24 FLOPs and on over 4.2 trillion tokens"; "a 280 billion Gopher-like model ...
# approximately 10^25 FLOPs and should be trained on 6.8 trillion tokens".
PROSE_34_SOURCE = "Hoffmann et al. 2022, §3.4"
PROSE_175B = (175 * BILLION, _n("4.41e24"), _n("4.2") * TRILLION)
PROSE_280B = (280 * BILLION, _n("1e25"), _n("6.8") * TRILLION)


def _sci(value, digits: int = 3) -> str:
    return f"${render.decimal(value, digits)}$"


@dataclass(frozen=True)
class SizeTable(render.Published):
    """A published (parameters, FLOPs, tokens) table with 6ND and D/N derived beside each entry."""

    rows: tuple
    with_fit: bool = False

    def to_markdown(self, lang: str) -> str:
        header = [message("l09_params", lang), message("l09_tokens", lang), message("l09_published_flops", lang),
                  message("l09_six_nd", lang), message("l09_ratio", lang), message("l09_tpp", lang)]
        if self.with_fit:
            header += [message("l09_fit_tokens", lang), message("l09_fit_tpp", lang)]
        body = []
        for params, flops, tokens in self.rows:
            six = train_flops(params, tokens)
            row = [_sci(params), _sci(tokens), _sci(flops), _sci(six), _sci(six / flops, 4),
                   _sci(sp.Rational(tokens, params), 3)]
            if self.with_fit:
                budget = sl.optimal_budget(params)
                row += [_sci(budget / (6 * params)), _sci(budget / (6 * params**2))]
            body.append(row)
        return render.table(header, body)


@derived
def table3() -> SizeTable:
    """Table 3 of the Chinchilla paper, with 6ND and tokens per parameter derived."""
    return SizeTable(TABLE3)


@derived
def table_a3() -> SizeTable:
    """Table A3 (Approach 3), with 6ND and what the rounded published fit gives for each size."""
    return SizeTable(TABLE_A3, with_fit=True)


def size_name(params) -> str:
    """400M, 1B, 10T: a parameter count as papers name it.

    Examples:
        >>> size_name(400 * 10**6), size_name(67 * 10**9), size_name(10**13)
        ('400M', '67B', '10T')
    """
    for unit, scale in (("T", TRILLION), ("B", BILLION), ("M", 10**6)):
        if params >= scale:
            return f"{float(params / scale):g}{unit}"
    return str(params)


def _row(table, params):
    return next(row for row in table if row[0] == params)


@derived
def table_claims() -> Claims:
    """Every row of Tables 3 and A3 checked against 6ND; the exceptions published as errata.

    Examples:
        >>> len(table_claims().items)
        28
    """
    items = []
    for source, table, exceptions in ((TABLE3_SOURCE, TABLE3, {67 * BILLION}),
                                      (TABLE_A3_SOURCE, TABLE_A3, {67 * BILLION, 175 * BILLION, 280 * BILLION})):
        for params, flops, tokens in table:
            if params in exceptions:
                continue
            ratio = train_flops(params, tokens) / flops
            items.append(Claim((f"{source[0]}, {size_name(params)}: 6ND within 1% of the printed FLOPs",
                                f"{source[1]}，{size_name(params)}：6ND与印出的FLOPs相差不到1%"),
                               sp.Abs(ratio - 1), "<", sp.Rational(1, 100), r"\lvert 6ND/C - 1 \rvert"))
    items += list(errata().items)
    return Claims(tuple(items))


@derived
def errata() -> Claims:
    """The published numbers that do not follow from the paper's own formulas, each as a claim.

    Examples:
        >>> errata().items[0].derived
        10
    """
    params, flops, tokens = _row(TABLE_A3, 175 * BILLION)
    typo = Claim(("Table A3 (Approach 3), 175B: printed 1.26e24 FLOPs; 6ND of its own 12.0T tokens is 10× that",
                  "表A3（方法3）175B行：印的是1.26e24 FLOPs，而按该行12.0T词元算出的6ND是它的10倍"),
                 train_flops(params, tokens) / flops, "==", 10, r"6ND / C_{\text{A3}}")
    params, flops, tokens = _row(TABLE3, 67 * BILLION)
    row67 = Claim(("Table 3, 67B: 6ND of 1.5T tokens exceeds the printed 5.76e23 FLOPs by more than 4%",
                   "表3的67B行：1.5T词元的6ND比印出的5.76e23 FLOPs多出4%以上"),
                  train_flops(params, tokens) / flops, ">", sp.Rational(104, 100), r"6ND / C_{\text{T3}}")
    tokens_at_gopher = Claim(("Table 3, 67B: the Gopher budget 5.76e23 buys 1.43T tokens, not 1.5T",
                              "表3的67B行：Gopher的5.76e23 FLOPs只够1.43T词元，不是1.5T"),
                             flops / (6 * params) / TRILLION, "<", _n("1.44"), r"C / (6N) / 10^{12}")
    p175, table_tokens_175 = PROSE_175B[0], _row(TABLE3, 175 * BILLION)[2]
    p280, table_tokens_280 = PROSE_280B[0], _row(TABLE3, 280 * BILLION)[2]
    prose_175 = Claim(("§3.4 prose, 175B: 4.2T tokens, over 13% more than Table 3's 3.7T",
                       "§3.4正文，175B：4.2T词元，比表3的3.7T多13%以上"),
                      PROSE_175B[2] / table_tokens_175, ">", sp.Rational(113, 100), r"D_{3.4} / D_{\text{T3}}")
    prose_175_flops = Claim(("§3.4 prose, 175B: its 4.41e24 FLOPs is exactly 6ND of its own 4.2T tokens",
                             "§3.4正文，175B：4.41e24 FLOPs恰好等于其4.2T词元的6ND"),
                            train_flops(p175, PROSE_175B[2]) / PROSE_175B[1], "==", 1, r"6ND_{3.4} / C_{3.4}")
    prose_175_table = Claim(("§3.4 prose, 175B: 4.41e24 FLOPs vs Table 3's 3.85e24",
                             "§3.4正文，175B：4.41e24 FLOPs，而表3为3.85e24"),
                            PROSE_175B[1] / _row(TABLE3, 175 * BILLION)[1], ">", sp.Rational(114, 100),
                            r"C_{3.4} / C_{\text{T3}}")
    prose_280 = Claim(("§3.4 prose, 280B: 6.8T tokens, over 15% more than Table 3's 5.9T",
                       "§3.4正文，280B：6.8T词元，比表3的5.9T多15%以上"),
                      PROSE_280B[2] / table_tokens_280, ">", sp.Rational(115, 100), r"D_{3.4} / D_{\text{T3}}")
    del p280
    approach3 = TABLE2[2]
    a_derived = sl.compute_optimal(10**20).a
    table2 = Claim(("Table 2, Approach 3: printed a = 0.46; the printed α = 0.34, β = 0.28 give a below 0.455",
                    "表2方法3：印的是a = 0.46；而由论文印出的α = 0.34、β = 0.28算出的a小于0.455"),
                   a_derived, "<", approach3[1] - sp.Rational(5, 1000), r"a = \beta/(\alpha+\beta)")
    low, high = TABLE2_APPROACH3_INTERVAL
    interval = Claim(("Table 2, Approach 3: the printed a = 0.46 lies above its own printed interval (0.454, 0.455)",
                      "表2方法3：印出的a = 0.46高于同一表中印出的区间(0.454, 0.455)"),
                     approach3[1], ">", high, r"a_{\text{T2}}")
    below = Claim(("…and a = 0.28/0.62 from the printed α, β lies below that interval",
                   "……而由印出的α、β算出的a = 0.28/0.62低于这个区间"),
                  a_derived, "<", low, r"\beta/(\alpha+\beta)")
    short = []  # Table A3's 67B and 280B rows: below 6ND by more than the 1% the other rows meet
    for size, percent in ((67 * BILLION, 3), (280 * BILLION, 4)):
        params, flops, tokens = _row(TABLE_A3, size)
        shortfall = 1 - train_flops(params, tokens) / flops
        printed_tokens = f"{float(tokens / TRILLION):g}T"
        printed_flops = f"{float(flops):.3g}".replace("e+", "e")
        short.append(Claim(
            (f"Table A3 (Approach 3), {size_name(size)}: 6ND of its {printed_tokens} tokens falls more than "
             f"{percent}% short of the printed {printed_flops} FLOPs",
             f"表A3（方法3）{size_name(size)}行：按该行{printed_tokens}词元算出的6ND"
             f"比印出的{printed_flops} FLOPs少{percent}%以上"),
            shortfall, ">", sp.Rational(percent, 100), r"1 - 6ND / C_{\text{A3}}"))
        half_digit = sp.Rational(5, 100) * TRILLION / tokens  # the printed tokens are rounded to 0.1T
        short.append(Claim(
            ("…more than twice what rounding its tokens to a tenth of a trillion could explain",
             "……超过把词元数四舍五入到0.1T所能造成的误差的两倍"),
            shortfall / half_digit, ">", 2, r"(1 - 6ND/C_{\text{A3}}) / (0.05\,\mathrm{T} / D)"))
    return Claims((typo, row67, tokens_at_gopher, prose_175, prose_175_flops, prose_175_table, prose_280, table2,
                   interval, below, *short))


@dataclass(frozen=True)
class Table2(render.Published):
    """Table 2's published exponents a and b, with Approach 3's a derived from the printed α and β."""

    def to_markdown(self, lang: str) -> str:
        header = [message("l09_approach", lang), message("l09_published_a", lang), message("l09_published_b", lang),
                  message("l09_derived_a", lang)]
        derived_a = sl.compute_optimal(10**20).a
        rows = []
        for label, a, b in TABLE2:
            derived = f"${render.latex(derived_a)} \\approx {render.decimal(derived_a, 4)}$" \
                if label[0].startswith("3.") else "—"
            rows.append([pair(*label, lang), render.math(a), render.math(b), derived])
        return render.table(header, rows)


@derived
def table2() -> Table2:
    """Table 2's exponents, with Approach 3's re-derived from the printed α and β."""
    return Table2()


# --- the note series' code, corrected -----------------------------------------------------
# SingularGuyLeBorn/Awesome-CS336-NoteForEveryone, NoteByGemini/Lecture9/Lecture9-Code-Chinchilla.md:
# `optimal_N = 0.6 * (target_flops ** 0.5)`, `optimal_D = target_flops / (6 * optimal_N)`,
# with the comment that the ratio "should be close to 20:1".
NOTE_COEFFICIENT = sp.Rational(6, 10)
NOTE_CLAIMED_RATIO = 20
NOTE_BUDGET = sp.Integer(10) ** 20  # the note's example, 1e20 FLOPs


def note_series_optimum(flops):
    r"""The note series' rule, exactly: $N = 0.6\,C^{1/2}$ and $D = C/(6N)$.

    Examples:
        >>> params, tokens = note_series_optimum(10**20)
        >>> params, tokens / params
        (6000000000, 25/54)
    """
    params = NOTE_COEFFICIENT * sp.sqrt(flops)
    tokens = flops / (6 * params)
    return params, tokens


def twenty_tokens_optimum(flops, tokens_per_param=NOTE_CLAIMED_RATIO):
    r"""The rule the note meant: $D = 20N$ and $6ND = C$, so $N = \sqrt{C/120}$.

    Examples:
        >>> twenty_tokens_optimum(12 * 10**21)
        (10000000000, 200000000000)
    """
    params = sp.sqrt(sp.Rational(flops, 6 * tokens_per_param))
    return params, tokens_per_param * params


@dataclass(frozen=True)
class NoteRule(render.Published):
    """At one budget: the note series' rule, 20 tokens per parameter, and each fit's optimum."""

    budget: sp.Integer

    def to_markdown(self, lang: str) -> str:
        note_n, note_d = note_series_optimum(self.budget)
        fix_n, fix_d = twenty_tokens_optimum(self.budget)
        best = sl.compute_optimal(self.budget)
        header = ["", message("l09_params", lang), message("l09_tokens", lang), message("l09_tpp", lang)]
        rows = [
            [message("l09_note_n", lang), _sci(note_n), _sci(note_d),
             f"${render.latex(note_d / note_n)} \\approx {render.decimal(note_d / note_n, 3)}$"],
            [message("l09_twenty", lang), _sci(fix_n), _sci(fix_d), _sci(fix_d / fix_n)],
            [sl.CHINCHILLA.label(lang), _sci(best.params), _sci(best.tokens), _sci(best.tokens_per_param)],
            [sl.BESIROGLU.label(lang), _sci(sl.compute_optimal(self.budget, sl.BESIROGLU).params),
             _sci(sl.compute_optimal(self.budget, sl.BESIROGLU).tokens),
             _sci(sl.compute_optimal(self.budget, sl.BESIROGLU).tokens_per_param)],
        ]
        ratio_in_general = note_d / note_n
        return render.equations([
            (r"\frac{D}{N}", r"\frac{C}{6N^2} = \frac{C}{6 \cdot 0.36\,C} = " + render.latex(ratio_in_general)),
            (r"N_{20}", r"\sqrt{C/120} \approx " + render.decimal(1 / sp.sqrt(120), 3) + r"\,C^{1/2}"),
        ]) + render.table(header, rows)


@derived
def note_rule(budget=NOTE_BUDGET) -> NoteRule:
    """The note series' N = 0.6·C^0.5 beside what 20 tokens per parameter and the fits give."""
    return NoteRule(sp.Integer(budget))


# The note series' scaling-analysis code (Lecture9-Code-ScalingAnalysis.md): its comment says
# "1B, 10B, 100B" tokens, its list is `[1e9, 1e10, 1e100]`, with losses [3.5, 2.8, 2.4]; it fits
# L = a·x^(-k) + b and predicts the loss at 1e12 tokens.
NOTE_SIZES_PRINTED = (sp.Integer(10) ** 9, sp.Integer(10) ** 10, sp.Integer(10) ** 100)
NOTE_SIZES_MEANT = (sp.Integer(10) ** 9, sp.Integer(10) ** 10, sp.Integer(10) ** 11)
NOTE_LOSSES = (sp.Rational(35, 10), sp.Rational(28, 10), sp.Rational(24, 10))
NOTE_QUERY = sp.Integer(10) ** 12


@dataclass(frozen=True)
class ThreePointFit(render.Published):
    r"""$L = c\,(x/10^9)^{-k} + b$ through three points: three unknowns, so the fit interpolates."""

    sizes: tuple
    k: sp.Expr
    b: sp.Expr
    c: sp.Expr
    prediction: sp.Expr

    def to_markdown(self, lang: str) -> str:
        def shown(value):
            if value.has(sp.Float) or value.is_Float:
                return render.decimal(value, 4)
            return rf"{render.latex(value)} \approx {render.decimal(value, 4)}"

        return render.equations([
            ("x", r"\left(" + ", ".join(f"10^{{{sp.log(s, 10)}}}" for s in self.sizes) + r"\right)"),
            ("k", shown(self.k)), ("b", shown(self.b)), ("c", shown(self.c)),
            (r"L(10^{12})", shown(self.prediction)),
        ])


def three_point_fit(sizes) -> ThreePointFit:
    r"""Fit $L = c\,(x/x_1)^{-k} + b$ through the note's three points.

    Three unknowns, three points: the least-squares fit is the interpolant.
    With $r = 10^{-k}$ and points a whole number of decades apart, the
    equations are polynomial in $r$, and SymPy solves them exactly.

    Examples:
        >>> fit = three_point_fit(NOTE_SIZES_MEANT)
        >>> fit.b, fit.prediction
        (28/15, 76/35)
    """
    first = sizes[0]
    steps = [sp.log(s / first, 10) for s in sizes]  # decades from x_1
    r, b, c = sp.symbols("r b c", positive=True)  # r = 10^{-k}
    equations = [c * r**step + b - loss
                 for step, loss in zip(steps, NOTE_LOSSES, strict=True)]
    if max(steps) <= 3:
        (solution,) = [found for found in sp.solve(equations, [r, b, c],
                                                   dict=True)
                       if 0 < found[r] < 1]
    else:  # 1e100: degree 91 in r; solve numerically, to 30 digits
        start = [sp.Rational(4, 11), sp.Rational(24, 10), sp.Rational(11, 10)]
        values = sp.nsolve(equations, [r, b, c], start, prec=30)
        solution = dict(zip((r, b, c), values, strict=True))
    query = sp.log(NOTE_QUERY / first, 10)
    prediction = solution[c] * solution[r] ** query + solution[b]
    if solution[r].is_Rational:
        prediction = sp.simplify(prediction)
    else:
        prediction = sp.Float(prediction, 6)
    k = sp.log(1 / solution[r], 10)
    return ThreePointFit(tuple(sizes), k, solution[b], solution[c], prediction)


@derived
def note_typo_fits() -> tuple[ThreePointFit, ThreePointFit]:
    """The three-point fit as meant (1e11) and as printed (1e100)."""
    return three_point_fit(NOTE_SIZES_MEANT), three_point_fit(NOTE_SIZES_PRINTED)


# --- real models: tokens per parameter (lecture 11's case studies) -------------------------

@dataclass(frozen=True)
class Run:
    """A published run: its parameters, tokens, and where they are printed."""

    name: str
    params: sp.Integer
    tokens: sp.Integer
    source: str


RUNS = (
    Run("GPT-3", 175 * BILLION, 300 * BILLION, "Brown et al. 2020, Table D.1: 175B parameters, 300B tokens"),
    Run("Gopher", 280 * BILLION, 300 * BILLION, "Rae et al. 2021, Table 1: 280B parameters, 300B tokens"),
    Run("Chinchilla", 70 * BILLION, 1400 * BILLION, "Hoffmann et al. 2022, Table 1: 70B parameters, 1.4T tokens"),
    Run("Llama 2 7B", 7 * BILLION, 2 * TRILLION, "Touvron et al. 2023, Table 1: 2.0T tokens"),
    Run("Llama 2 70B", 70 * BILLION, 2 * TRILLION, "Touvron et al. 2023, Table 1: 2.0T tokens"),
    Run("Llama 3 8B", 8 * BILLION, 15 * TRILLION, "Meta 2024, Llama 3 model card: over 15T tokens"),
    Run("Llama 3 70B", 70 * BILLION, 15 * TRILLION, "Meta 2024, Llama 3 model card: over 15T tokens"),
    Run("Llama 3.1 405B", 405 * BILLION, _n("15.6") * TRILLION,
        "Llama Team 2024 (The Llama 3 Herd of Models), §1: 405B parameters, 15.6T tokens"),
    Run("MiniCPM-2.4B", _n("2.4") * BILLION, _n("1.1") * TRILLION,  # nominal, like the other rows
        "Hu et al. 2024 (MiniCPM), arXiv:2404.06395, Table 2: 2.4B (2,442,057,984) non-embedding parameters, "
        "1.1T tokens"),
)
RUNS_BY_NAME = {run.name: run for run in RUNS}

# Published or lectured ratios that the runs' counts are compared with.
GPT3_QUOTED_RATIO = 2  # "GPT-3 was 2 tokens per parameter", a rounded figure quoted for GPT-3
MINICPM_RATIO = 192  # Hu et al. 2024 (MiniCPM), §4.5: "the data size should be 192 times larger than the model
# size on average, as opposed to 20 times in Hoffmann et al. (2022)" (its WSD scaling fit)
# Llama Team 2024, "The Llama 3 Herd of Models", §3.2.1: "Extrapolation of the resulting scaling law to
# 3.8 × 10^25 FLOPs suggests training a 402B parameter model on 16.55T tokens" (a prediction; the model
# released as Llama 3.1 405B has 405B parameters and was trained on 15.6T tokens).
LLAMA3_OPT = (402 * BILLION, _n("16.55") * TRILLION)


@dataclass(frozen=True)
class RunTable(render.Published):
    """Real runs' tokens per parameter and compute, and each fit's compute-optimal size for that compute."""

    runs: tuple[Run, ...]

    def to_markdown(self, lang: str) -> str:
        header = [message("l09_model", lang), message("l09_params", lang), message("l09_tokens", lang),
                  message("l09_tpp", lang), message("l09_flops", lang)]
        for _fit, short in zip(sl.FITS, ("Chinchilla", "Besiroglu"), strict=True):
            header += [message("l09_opt_params", lang, fit=short), message("l09_oversize", lang, fit=short)]
        rows = []
        for run in self.runs:
            flops = train_flops(run.params, run.tokens)
            row = [run.name, _sci(run.params), _sci(run.tokens), _sci(sp.Rational(run.tokens, run.params), 3),
                   _sci(flops)]
            for fit in sl.FITS:
                best = sl.compute_optimal(flops, fit)
                row += [_sci(best.params), _sci(run.params / best.params.evalf(30), 3)]
            rows.append(row)
        return render.table(header, rows)


@derived
def run_table() -> RunTable:
    """Tokens per parameter and compute of real runs, and the compute-optimal size for each budget."""
    return RunTable(RUNS)


@derived
def run_claims() -> Claims:
    """Claims about real runs: GPT-3's 1.71 (not 2), Chinchilla's 20, Llama 3.1's ~39, MiniCPM's 192.

    Examples:
        >>> run_claims().items[0].derived
        12/7
    """
    gpt3, chinchilla = RUNS_BY_NAME["GPT-3"], RUNS_BY_NAME["Chinchilla"]
    llama405, minicpm = RUNS_BY_NAME["Llama 3.1 405B"], RUNS_BY_NAME["MiniCPM-2.4B"]
    return Claims((
        Claim(("GPT-3: 300B tokens for 175B parameters (quoted as '2 tokens per parameter')",
               "GPT-3：175B参数训练300B词元（常被说成“每参数2个词元”）"),
              sp.Rational(gpt3.tokens, gpt3.params), "<", GPT3_QUOTED_RATIO, "D/N"),
        Claim(("Chinchilla: 1.4T tokens for 70B parameters is 20 per parameter",
               "Chinchilla：70B参数训练1.4T词元，每参数20个"),
              sp.Rational(chinchilla.tokens, chinchilla.params), "==", 20, "D/N"),
        Claim(("Llama 3.1 405B: 15.6T tokens is over 38 per parameter", "Llama 3.1 405B：15.6T词元，每参数超过38个"),
              sp.Rational(llama405.tokens, llama405.params), ">", 38, "D/N"),
        Claim(("Llama 3's own scaling fit: 402B on 16.55T tokens is over 41 per parameter",
               "Llama 3自己的缩放定律拟合：402B参数配16.55T词元，每参数超过41个"),
              LLAMA3_OPT[1] / LLAMA3_OPT[0], ">", 41, "D/N"),
        Claim(("MiniCPM-2.4B: 1.1T tokens is more than twice its own optimum of 192 per parameter",
               "MiniCPM-2.4B：1.1T词元，每参数词元数超过它自己给出的最优值192的两倍"),
              sp.Rational(minicpm.tokens, minicpm.params), ">", 2 * MINICPM_RATIO, "D/N"),
    ))


@derived
def note_claims() -> Claims:
    """The note series' two code bugs, as claims.

    Examples:
        >>> note_claims().items[0].derived
        25/54
    """
    params, tokens = note_series_optimum(NOTE_BUDGET)
    meant, printed = note_typo_fits()
    return Claims((
        Claim(("Note series: N = 0.6·C^0.5 gives D/N = 25/54 at every budget, not the 20 its comment says",
               "笔记系列：N = 0.6·C^0.5在任何预算下都给出D/N = 25/54，而不是注释所说的20"),
              tokens / params, "==", sp.Rational(25, 54), "D/N"),
        Claim(("…which is more than 40 times too few tokens per parameter", "……每参数词元数不到应有值的1/40"),
              NOTE_CLAIMED_RATIO / (tokens / params), ">", 40, r"20 / (D/N)"),
        Claim(("Note series: its list's 1e100 where the comment says 100B (1e11)",
               "笔记系列：列表里写的是1e100，而注释说的是100B（1e11）"),
              sp.log(NOTE_SIZES_PRINTED[2] / NOTE_SIZES_MEANT[2], 10), "==", 89, r"\log_{10}(x_3 / 10^{11})"),
        Claim(("As meant (1e11), the fit predicts 76/35 ≈ 2.17 at 1T tokens",
               "按本意（1e11）拟合，1T词元处预测76/35 ≈ 2.17"),
              meant.prediction, "==", sp.Rational(76, 35), r"L(10^{12})"),
        Claim(("As printed (1e100), it predicts a loss at 1T tokens above the 2.4 it was given at the last point",
               "按印出的1e100拟合，1T词元处的预测损失反而高于最后一点给定的2.4"),
              printed.prediction, ">", sp.Rational(24, 10), r"L(10^{12})"),
    ))


# --- worked questions: each answer derived ------------------------------------------------

@dataclass(frozen=True)
class Answer(render.Published):
    """A worked answer: aligned equations, math only (so both languages print it as is)."""

    rows: tuple[tuple[str, str], ...]

    def to_markdown(self, lang: str) -> str:
        lines = " \\\\\n".join(f"{lhs} &{rhs}" for lhs, rhs in self.rows)
        return f"\n$$\n\\begin{{aligned}}\n{lines}\n\\end{{aligned}}\n$$\n"


def _approx(value, digits: int = 3) -> str:
    return rf"\approx {render.decimal(value, digits)}"


@derived
def answer_power_laws(question: int) -> Answer:
    r"""Answers of the power-laws page's questions 1-3.

    Examples:
        >>> answer_power_laws(3).rows[0][0]
        '2^{1/\\alpha_C}'
    """
    alpha_d, alpha_c = sl.KAPLAN_D.exponent, sl.KAPLAN_C.exponent
    if question == 1:
        return Answer(((r"100^{-\alpha_D}", rf"= 100^{{-{render.latex(alpha_d)}}} {_approx(100 ** -alpha_d)}"),))
    if question == 2:
        kaplan = sp.Integer(10) ** (3 * sl.KAPLAN_PARAMS_EXPONENT)
        chinchilla = sp.Integer(10) ** (3 * sl.compute_optimal(10**20).a)
        return Answer(((r"1000^{0.73}", _approx(kaplan)), (r"1000^{14/31}", _approx(chinchilla)),
                       (r"1000^{0.73} / 1000^{14/31}", _approx(kaplan / chinchilla))))
    if question == 3:
        return Answer(((r"2^{1/\alpha_C}", rf"= 2^{{20}} = {render.integer(sl.halving_factor(alpha_c))}"),))
    raise ValueError(f"question must be 1, 2 or 3, got {question!r}")


@derived
def answer_compute_optimal(question: int) -> Answer:
    """Answers of the compute-optimal page's questions 1-4.

    Examples:
        >>> answer_compute_optimal(3).rows[0][0]
        '10^{a}'
    """
    if question == 1:
        best = sl.compute_optimal(10**24)
        return Answer(((r"N_{\mathrm{opt}}", _approx(best.params)), (r"D_{\mathrm{opt}}", _approx(best.tokens)),
                       (r"D_{\mathrm{opt}}/N_{\mathrm{opt}}", _approx(best.tokens_per_param)),
                       (r"L", _approx(best.loss, 4))))
    if question == 2:
        rows = []
        for fit, name in ((sl.CHINCHILLA, r"\text{(H)}"), (sl.BESIROGLU, r"\text{(B)}")):
            budget = sl.optimal_budget(70 * BILLION, fit).evalf(30)
            rows += [(rf"C_{{70\mathrm{{B}}}}\ {name}", _approx(budget)),
                     (rf"D/N\ {name}", _approx(budget / (6 * (70 * BILLION) ** 2)))]
        return Answer(tuple(rows))
    if question == 3:
        best = sl.compute_optimal(10**20)
        return Answer(((r"10^{a}", rf"= 10^{{{render.latex(best.a)}}} {_approx(sp.Integer(10) ** best.a)}"),
                       (r"10^{b}", rf"= 10^{{{render.latex(best.b)}}} {_approx(sp.Integer(10) ** best.b)}"),
                       (r"10^{b-a}", _approx(sp.Integer(10) ** (best.b - best.a)))))
    if question == 4:
        exponent = sl.frontier_loss_exponent()
        return Answer(((r"\frac{\alpha\beta}{\alpha+\beta}", rf"= {render.latex(exponent)} {_approx(exponent)}"),
                       (r"10^{-\alpha\beta/(\alpha+\beta)}", _approx(sp.Integer(10) ** -exponent))))
    raise ValueError(f"question must be 1 to 4, got {question!r}")


@derived
def answer_fitting(question: int) -> Answer:
    """Answers of the fitting page's questions 1-3.

    Examples:
        >>> len(answer_fitting(2).rows)
        2
    """
    if question == 1:
        result = sl.isoflop_fit()
        return Answer(((r"\hat a - a", _approx(result.seeded_a - float(result.true_a), 2)),
                       (r"\sigma_{\hat a}", _approx(result.spread, 2)),
                       (r"\hat a_{\sigma = 0} - a", _approx(result.noiseless_a - float(result.true_a), 2))))
    if question == 2:
        bias = sl.rounding_bias()
        exact = sl.compute_optimal(10**24, bias.exact).params
        approx = sl.compute_optimal(10**24, bias.rounded).params
        return Answer(((r"N_{\mathrm{opt}}(10^{24})", _approx(exact)),
                       (r"N'_{\mathrm{opt}}(10^{24}) / N_{\mathrm{opt}}(10^{24})",
                        _approx(approx / exact.evalf(30), 4))))
    if question == 3:
        at_gopher = sl.compute_optimal(GOPHER_FLOPS)
        refit = sl.compute_optimal(GOPHER_FLOPS, sl.BESIROGLU)
        return Answer(((r"N_{\mathrm{opt}}\ \text{(H)}", _approx(at_gopher.params)),
                       (r"D/N\ \text{(H)}", _approx(at_gopher.tokens_per_param)),
                       (r"N_{\mathrm{opt}}\ \text{(B)}", _approx(refit.params)),
                       (r"D/N\ \text{(B)}", _approx(refit.tokens_per_param))))
    raise ValueError(f"question must be 1, 2 or 3, got {question!r}")


@derived
def answer_hyperparameters(question: int) -> Answer:
    r"""Answers of the hyperparameters page's questions 1-3.

    Examples:
        >>> answer_hyperparameters(3).rows[-1][0]
        'B_{\\mathrm{crit}}(2) / B_{\\mathrm{crit}}(3)'
    """
    from .. import hyperparameters as hp

    if question == 1:
        budget = sp.Integer(10) ** 23
        return Answer(((r"\eta_{\mathrm{opt}}(10^{23})", _approx(hp.deepseek_lr(budget))),
                       (r"B_{\mathrm{opt}}(10^{23})", _approx(hp.deepseek_batch(budget))),
                       (r"B_{\mathrm{opt}}(10^{24}) / B_{\mathrm{opt}}(10^{23})",
                        _approx(hp.deepseek_batch(10 * budget) / hp.deepseek_batch(budget))),
                       (r"\eta_{\mathrm{opt}}(10^{24}) / \eta_{\mathrm{opt}}(10^{23})",
                        _approx(hp.deepseek_lr(10 * budget) / hp.deepseek_lr(budget)))))
    if question == 2:
        cost = hp.wsd_cost()
        values = {hp.k_runs: 6, hp.f_decay: sp.Rational(1, 5), hp.r_growth: 2}
        cosine, wsd = cost.cosine.subs(values), sp.nsimplify(cost.wsd.subs(values))
        return Answer(((r"T_{\cos} / D_1", f"= {render.latex(cosine)}"),
                       (r"T_{\mathrm{WSD}} / D_1", f"= {render.latex(wsd)}"),
                       (r"T_{\mathrm{WSD}} / T_{\cos}", _approx(wsd / cosine))))
    if question == 3:
        return Answer(((r"B_{\mathrm{crit}}(3)", _approx(hp.critical_batch(3))),
                       (r"B_{\mathrm{crit}}(2)", _approx(hp.critical_batch(2))),
                       (r"B_{\mathrm{crit}}(2) / B_{\mathrm{crit}}(3)",
                        rf"= (3/2)^{{100/21}} {_approx(hp.critical_batch(2) / hp.critical_batch(3))}")))
    raise ValueError(f"question must be 1, 2 or 3, got {question!r}")
