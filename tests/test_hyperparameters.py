"""Hyperparameter laws checked independently: token counting for WSD, floats for the fits.

Sources: Kaplan et al. 2020 eq. (1.4) (B* = 2e8 tokens, α_B = 0.21); McCandlish et al. 2018
(S/S_min − 1)(E/E_min − 1) = 1; DeepSeek LLM §3.1 (η = 0.3118·C^−0.1250, B = 0.2920·C^0.3271).
"""

from __future__ import annotations

import pytest
import sympy as sp

from derivations import hyperparameters as hp


def test_critical_batch_doubles_steps_and_data():
    table = hp.critical_batch_table()
    at_critical = {hp.B_batch: hp.B_crit}
    assert table.steps.subs(at_critical) == 2 * hp.S_min
    assert table.data.subs(at_critical) == 2 * hp.E_min
    assert table.relation == 1


@pytest.mark.parametrize("loss", [2, 2.5, 3, 4])
def test_kaplan_critical_batch(loss):
    assert float(hp.critical_batch(loss)) == pytest.approx(2e8 / loss ** (1 / 0.21), rel=1e-12)


@pytest.mark.parametrize("flops", [1e18, 1e21, 1e24])
def test_deepseek_laws(flops):
    assert float(hp.deepseek_lr(flops)) == pytest.approx(0.3118 * flops**-0.125, rel=1e-12)
    assert float(hp.deepseek_batch(flops)) == pytest.approx(0.2920 * flops**0.3271, rel=1e-12)


def count_tokens(runs: int, fraction, growth: int = 2):
    """Walk the schedules step by step in units of D_1: separate cosine runs, and one WSD run
    that branches a decay for each shorter length."""
    lengths = [growth**i for i in range(runs)]
    cosine = sum(lengths)
    wsd = lengths[-1]  # the main run, stable then decaying at its end
    for length in lengths[:-1]:
        branch_start = (1 - fraction) * length  # leaves the stable phase here
        wsd += length - branch_start  # and decays for f·D_i tokens
    return cosine, wsd


@pytest.mark.parametrize("runs, fraction", [(3, sp.Rational(1, 10)), (5, sp.Rational(1, 5)), (8, sp.Rational(1, 10))])
def test_wsd_cost_by_counting_tokens(runs, fraction):
    cost = hp.wsd_cost()
    cosine, wsd = count_tokens(runs, fraction)
    values = {hp.k_runs: runs, hp.f_decay: fraction, hp.r_growth: 2}
    assert sp.simplify(cost.cosine.subs(values) - cosine) == 0
    assert sp.simplify(cost.wsd.subs(values) - wsd) == 0


def test_wsd_saving_approaches_half_plus_half_f():
    cosine, wsd = count_tokens(40, sp.Rational(1, 10))
    assert float(wsd / cosine) == pytest.approx(0.55, abs=1e-6)


@pytest.mark.parametrize("call, name", [(lambda: hp.critical_batch(0), "loss"), (lambda: hp.deepseek_lr(-1), "flops"),
                                        (lambda: hp.deepseek_batch(0), "flops")])
def test_bad_input(call, name):
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        call()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_render(lang):
    for published in (hp.critical_batch_table(), hp.deepseek_laws(), hp.wsd_cost()):
        text = published.to_markdown(lang)
        assert "otherwise" not in text and "for" not in text.replace("format", "")
