"""Scaling laws checked independently: numeric minimisation on grids, synthetic IsoFLOP runs,
published constants typed from their sources.

Sources: Hoffmann et al. 2022 (arXiv:2203.15556) §3.3 and appendix D.2: E = 1.69, A = 406.4,
B = 410.7, α = 0.34, β = 0.28. Besiroglu et al. 2024 (arXiv:2404.10102), re-fitted estimates:
E = 1.8172, A = 482.01, B = 2085.43, α = 0.3478, β = 0.3658. Kaplan et al. 2020 eqs. (1.1)-(1.3).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

from derivations import scaling_laws as sl
from derivations.scaling_laws import BESIROGLU, CHINCHILLA, Fit, compute_optimal, loss
from derivations.training import C, D, N

CHIN = dict(E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28)
BESI = dict(E=1.8172, A=482.01, B=2085.43, alpha=0.3478, beta=0.3658)


def float_loss(params, tokens, E, A, B, alpha, beta):
    return E + A / params**alpha + B / tokens**beta


def grid_optimum(flops, fit, points=400_001, decades=4.0):
    """argmin over a dense log grid of N of L(N, C/(6N)), in float64: no closed form used."""
    centre = 0.5 * math.log10(flops / 6)
    log_params = np.linspace(centre - decades, centre + decades, points)
    params = 10.0**log_params
    values = float_loss(params, flops / (6 * params), **fit)
    best = int(np.argmin(values))
    assert 0 < best < points - 1, "minimum on the grid's edge"
    return params[best], log_params[1] - log_params[0]


def test_published_constants_are_exact_decimals():
    assert (CHINCHILLA.E, CHINCHILLA.A, CHINCHILLA.B) == (sp.Rational(169, 100), sp.Rational(2032, 5),
                                                           sp.Rational(4107, 10))
    assert (CHINCHILLA.alpha, CHINCHILLA.beta) == (sp.Rational(34, 100), sp.Rational(28, 100))
    assert (BESIROGLU.E, BESIROGLU.A, BESIROGLU.B) == (sp.Rational(18172, 10000), sp.Rational(48201, 100),
                                                       sp.Rational(208543, 100))
    assert (BESIROGLU.alpha, BESIROGLU.beta) == (sp.Rational(3478, 10000), sp.Rational(3658, 10000))
    assert "2203.15556" in CHINCHILLA.source and "2404.10102" in BESIROGLU.source


@pytest.mark.parametrize("fit, floats", [(CHINCHILLA, CHIN), (BESIROGLU, BESI)])
@pytest.mark.parametrize("flops", [1e18, 1e21, 5.76e23, 1e24, 1e26])
def test_closed_form_matches_grid_minimum(fit, floats, flops):
    best = compute_optimal(flops, fit)
    grid_params, step = grid_optimum(flops, floats)
    # the grid's resolution is `step` decades: the two agree to within one step
    assert abs(math.log10(float(best.params)) - math.log10(grid_params)) <= step
    # and no grid point beats the closed form's loss
    closed_loss = float_loss(float(best.params), float(best.tokens), **floats)
    assert closed_loss <= float_loss(grid_params, flops / (6 * grid_params), **floats) + 1e-12


@pytest.mark.parametrize("fit, floats", [(CHINCHILLA, CHIN), (BESIROGLU, BESI)])
def test_exponents_and_prefactor(fit, floats):
    best = compute_optimal(10**22, fit)
    alpha, beta, A, B = floats["alpha"], floats["beta"], floats["A"], floats["B"]
    assert float(best.a) == pytest.approx(beta / (alpha + beta), rel=1e-12)
    assert float(best.b) == pytest.approx(alpha / (alpha + beta), rel=1e-12)
    assert best.a + best.b == 1
    G = (alpha * A / (beta * B)) ** (1 / (alpha + beta))
    assert float(best.G) == pytest.approx(G, rel=1e-12)
    assert float(best.params) == pytest.approx(G * (1e22 / 6) ** (beta / (alpha + beta)), rel=1e-10)
    assert float(best.tokens) == pytest.approx((1e22 / 6) ** (alpha / (alpha + beta)) / G, rel=1e-10)


def test_chinchilla_exponents_are_fourteen_and_seventeen_thirty_firsts():
    best = compute_optimal(10**20)
    assert (best.a, best.b) == (sp.Rational(14, 31), sp.Rational(17, 31))  # 0.28/0.62, 0.34/0.62


@pytest.mark.parametrize("flops", [10**18, 3 * 10**21, 5.76e23, 10**26])
def test_budget_holds_to_fifty_digits(flops):
    best = compute_optimal(flops, BESIROGLU)
    product = 6 * best.params.evalf(60) * best.tokens.evalf(60)
    assert abs(product / sp.Integer(int(flops)) - 1) < sp.Float("1e-50")


def test_budget_helper_rejects_a_broken_product():
    x = sl._power(sp.Rational(5, 3), sp.Rational(1, 7))
    assert sl._exponents(sp.Mul(x, x, evaluate=False)) == {sp.Rational(5, 3): sp.Rational(2, 7)}


def test_loss_at_chinchilla_size():
    # Chinchilla: 70B parameters, 1.4T tokens (Hoffmann et al. 2022, Table 1)
    value = loss(70 * 10**9, 1400 * 10**9)
    assert float(value) == pytest.approx(float_loss(70e9, 1.4e12, **CHIN), rel=1e-14)
    assert loss(N, D) == CHINCHILLA.E + CHINCHILLA.A / N**CHINCHILLA.alpha + CHINCHILLA.B / D**CHINCHILLA.beta


def test_loss_exact_for_perfect_powers():
    # with α = β = 1/2 and square inputs, the loss is rational
    fit = Fit("test", sp.Integer(1), sp.Integer(10), sp.Integer(20), sp.Rational(1, 2), sp.Rational(1, 2), "test")
    assert sp.nsimplify(loss(100, 400, fit).doit()) == 1 + sp.Rational(10, 10) + sp.Rational(20, 20)


def test_optimal_budget_inverts_compute_optimal():
    for size in (10**9, 70 * 10**9, 10**12):
        budget = sl.optimal_budget(size)
        assert float(compute_optimal(float(budget)).params) == pytest.approx(size, rel=1e-9)
        # independently: N_opt(C) = G (C/6)^a solved for C by floats
        G = (0.34 * 406.4 / (0.28 * 410.7)) ** (1 / 0.62)
        assert float(budget) == pytest.approx(6 * (size / G) ** (0.62 / 0.28), rel=1e-10)


def test_frontier_loss_exponent_and_tokens_per_parameter_growth():
    assert sl.frontier_loss_exponent() == sp.Rational(34 * 28, 100 * 62)
    small, large = compute_optimal(10**20), compute_optimal(10**26)
    # D/N = (C/6)^(b-a) / G^2: grows by 10^(6·3/31) from 1e20 to 1e26 under Chinchilla's fit
    growth = float(large.tokens_per_param) / float(small.tokens_per_param)
    assert growth == pytest.approx(10 ** (6 * 3 / 31), rel=1e-10)
    # Besiroglu's fit has β > α, so D/N shrinks slowly instead
    assert float(compute_optimal(10**26, BESIROGLU).tokens_per_param) < \
        float(compute_optimal(10**20, BESIROGLU).tokens_per_param)


def test_lagrange_solution_is_stationary():
    solution = sl.lagrange()
    n, d = solution.params, solution.tokens
    assert sp.simplify(6 * n * d - C) == 0
    # along the constraint, dL/dN of L(N, C/(6N)) vanishes at N_opt (checked numerically at a point)
    path = sl.law().subs(D, C / (6 * N))
    slope = sp.diff(path, N).subs(N, n)
    values = {**CHINCHILLA.values, C: sp.Integer(10) ** 22}
    assert abs(sp.N(slope.subs(values), 50)) < 1e-40


def test_lagrange_renders_in_both_languages():
    for lang in ("en", "zh"):
        text = sl.lagrange().to_markdown(lang)
        assert r"\lambda" in text and "N_{\\mathrm{opt}}" in text


# --- IsoFLOP fitting ---------------------------------------------------------------------

def test_power_law_fit_recovers_an_exact_power_law():
    x = np.array([1e18, 1e19, 1e20, 1e21])
    exponent, prefactor = sl.power_law_fit(x, 0.25 * x**0.37)
    assert exponent == pytest.approx(0.37, abs=1e-12)
    assert prefactor == pytest.approx(0.25, rel=1e-9)


def test_isoflop_minima_finds_the_vertex_of_a_parabola():
    logs = np.linspace(8, 10, 7)
    runs = np.array([(1e20, 10**v, 1e20 / (6 * 10**v), 2 + 0.3 * (v - 9.2) ** 2) for v in logs])
    _, minima = sl.isoflop_minima(runs)
    assert math.log10(minima[0]) == pytest.approx(9.2, abs=1e-9)


def test_synthetic_runs_follow_the_law_and_the_budget():
    runs = sl.synthetic_runs(seed=None)
    assert np.allclose(6 * runs[:, 1] * runs[:, 2], runs[:, 0], rtol=1e-12)
    assert np.allclose(runs[:, 3], float_loss(runs[:, 1], runs[:, 2], **CHIN), rtol=1e-12)
    noisy = sl.synthetic_runs(seed=3)
    residual = noisy[:, 3] - runs[:, 3]
    assert 0.5 * sl.ISOFLOP_NOISE < residual.std() < 1.5 * sl.ISOFLOP_NOISE


@pytest.mark.parametrize("fit, true_a", [(CHINCHILLA, 0.28 / 0.62), (BESIROGLU, 0.3658 / 0.7136)])
def test_isoflop_fit_recovers_the_exponent_within_noise(fit, true_a):
    result = sl.isoflop_fit(fit)
    assert float(result.true_a) == pytest.approx(true_a, rel=1e-12)
    assert abs(result.noiseless_a - true_a) < 0.005  # the method's own bias, without noise
    assert 0.001 < result.spread < 0.05
    assert abs(result.seeded_a - true_a) < 3 * result.spread
    # an independent set of seeds: the mean lands within 3 standard errors
    estimates = [sl.recovered_exponent(fit, seed) for seed in range(100, 130)]
    assert abs(np.mean(estimates) - true_a) < 3 * np.std(estimates) / math.sqrt(len(estimates)) + 0.005


def test_isoflop_fit_recovers_a_symmetric_law():
    fit = Fit("symmetric", sp.Integer(2), sp.Integer(400), sp.Integer(400), sp.Rational(3, 10),
              sp.Rational(3, 10), "test")
    assert sl.recovered_exponent(fit, None) == pytest.approx(0.5, abs=0.003)


def test_rounding_moves_the_frontier():
    rounded = sl.rounded(BESIROGLU)
    assert (rounded.alpha, rounded.beta) == (sp.Rational(35, 100), sp.Rational(37, 100))
    assert (rounded.E, rounded.A, rounded.B) == (sp.Rational(182, 100), 482, sp.Rational(20854, 10))
    exact = compute_optimal(10**24, BESIROGLU).params
    approx = compute_optimal(10**24, rounded).params
    # independently in floats
    G = lambda f: (f["alpha"] * f["A"] / (f["beta"] * f["B"])) ** (1 / (f["alpha"] + f["beta"]))  # noqa: E731
    r = dict(E=1.82, A=482.0, B=2085.4, alpha=0.35, beta=0.37)
    by_hand = G(r) * (1e24 / 6) ** (0.37 / 0.72) / (G(BESI) * (1e24 / 6) ** (0.3658 / 0.7136))
    assert float(approx / exact) == pytest.approx(by_hand, rel=1e-9)
    assert by_hand > 1.05


def test_tenfold_factors():
    assert float(sl.tenfold_factor(sp.Rational(76, 1000))) == pytest.approx(10**-0.076)
    assert float(sl.halving_factor(sp.Rational(95, 1000))) == pytest.approx(2 ** (1 / 0.095))
    text = sl.tenfold().to_markdown("zh")
    assert "参数量" in text and "parameters" not in text


def test_frontier_table_renders_each_fit_and_budget():
    table = sl.frontier_table().to_markdown("en")
    assert table.count("Chinchilla") == len(sl.BUDGETS)
    assert "|" in table


# --- bad input ---------------------------------------------------------------------------

@pytest.mark.parametrize("call, name", [
    (lambda: compute_optimal(0), "flops"),
    (lambda: compute_optimal(-1e20), "flops"),
    (lambda: loss(0, 10), "params"),
    (lambda: loss(10, -5), "tokens"),
    (lambda: sl.optimal_budget(0), "params"),
    (lambda: Fit("bad", sp.Integer(1), sp.Integer(1), sp.Integer(1), sp.Integer(0), sp.Integer(1), "x"), "alpha"),
    (lambda: Fit("bad", sp.Integer(1), sp.Integer(1), sp.Integer(1), sp.Integer(1), sp.Integer(-1), "x"), "beta"),
    (lambda: Fit("bad", sp.Integer(1), sp.Integer(-1), sp.Integer(1), sp.Integer(1), sp.Integer(1), "x"), "A"),
    (lambda: compute_optimal(1e20, "Chinchilla"), "fit"),
])
def test_bad_input_names_the_parameter(call, name):
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        call()


def test_isoflop_figure_minima_are_the_curves_minima():
    from derivations.scaling_figures import isoflop_figure

    figure = isoflop_figure()
    for (budget, params, losses), (_, best_params, best_loss) in zip(figure.curves, figure.minima, strict=True):
        # independent: each curve recomputed in floats; its grid minimum is next to the closed form
        values = float_loss(params, budget / (6 * params), **CHIN)
        assert np.allclose(values, losses, rtol=1e-12)
        assert values.min() >= best_loss - 1e-12
        assert abs(math.log10(params[np.argmin(values)]) - math.log10(best_params)) < 3 / len(params)
    html = figure.to_markdown("zh")
    assert "<svg" in html and "等计算量曲线" in html


def test_cluster_flops_by_hand():
    # 1,024 H100 SXM (989e12 dense bf16 FLOP/s) for 30 days at MFU 0.4
    flops = sl.cluster_flops("H100_SXM", 1024, 30, 0.4)
    assert flops == 989 * 10**12 * 1024 * 30 * 86400 * 4 // 10
    plan = sl.cluster_plan().to_markdown("zh")
    assert "块" in plan and "Cluster" not in plan


@pytest.mark.parametrize("fit", [CHINCHILLA, BESIROGLU])
def test_budget_law_is_the_inverse_of_the_frontier(fit):
    """C(N) from budget_law, evaluated: the grid minimum at that budget is N again, and it agrees
    with optimal_budget."""
    floats = CHIN if fit is CHINCHILLA else BESI
    for size in (10**9, 7 * 10**10, 10**12):
        # Floats of 40 digits: substituting exact decimals makes SymPy factor huge integer powers (minutes)
        budget = float(sl.budget_law().xreplace({k: sp.Float(v, 40) for k, v in {**fit.values, N: size}.items()}))
        assert math.isclose(budget, float(sl.optimal_budget(size, fit)), rel_tol=1e-12)
        found, step = grid_optimum(budget, floats)
        assert abs(math.log10(found / size)) <= step, (size, found)
