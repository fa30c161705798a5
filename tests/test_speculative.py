"""Speculative sampling (lecture 10, section 3.9): the sampler, the proofs, expected tokens, speedup.

The sampler is run here on a p, q pair of our own, with zeros on both sides; expected tokens
are simulated draft by draft and summed directly with exact fractions.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from derivations import speculative
from derivations.speculative import alpha, cost_ratio, gamma

# Five tokens: token 2 has q = 0 < p (must never come out), token 4 has p = 0 < q (never
# drafted, only reachable through the residual), token 1 has p == q.
P = np.array([0.4, 0.3, 0.2, 0.1, 0.0])
Q = np.array([0.1, 0.3, 0.0, 0.25, 0.35])
DRAWS = 10_000  # ~0.1 s; 5 standard errors are at most 5·sqrt(0.25/10^4) = 0.025

# 0.999 quantile of chi-square with 3 degrees of freedom (4 tokens with q > 0, minus 1):
# a correct sampler exceeds it with probability 0.1 % for a random seed.
CHI2_BOUND = 16.27


def chi2_tail_3dof(x: float) -> float:
    """P(X > x) for X ~ chi-square(3): 1 - erf(sqrt(x/2)) + sqrt(2x/pi)·exp(-x/2)."""
    return 1 - math.erf(math.sqrt(x / 2)) + math.sqrt(2 * x / math.pi) * math.exp(-x / 2)


def chi2(counts: np.ndarray, q: np.ndarray) -> float:
    support = q > 0
    expected = q[support] * counts.sum()
    return float(((counts[support] - expected) ** 2 / expected).sum())


@pytest.fixture(scope="module")
def counts() -> np.ndarray:
    rng = np.random.default_rng(20240510)
    samples = [speculative.speculative_sample(P, Q, rng) for _ in range(DRAWS)]
    return np.bincount(samples, minlength=len(Q))


def test_chi2_bound_is_the_999_quantile():
    assert abs(chi2_tail_3dof(CHI2_BOUND) - 0.001) < 2e-5


def test_sampler_never_emits_a_token_with_q_zero(counts):
    assert counts[2] == 0
    assert counts.sum() == DRAWS


@pytest.mark.parametrize("token", range(5))
def test_sampler_frequency_within_five_standard_errors(counts, token):
    frequency = counts[token] / DRAWS
    standard_error = math.sqrt(Q[token] * (1 - Q[token]) / DRAWS)
    assert abs(frequency - Q[token]) <= 5 * standard_error


def test_sampler_chi_square(counts):
    assert chi2(counts, Q) < CHI2_BOUND


def test_chi_square_rejects_plausible_wrong_samplers():
    # The test above can fail: plain draft sampling, and resampling from q instead of the
    # residual (output min(p, q) + (1 - sum min(p, q))·q = [.15, .45, 0, .225, .175]), are caught.
    rng = np.random.default_rng(1)
    from_draft = np.bincount(rng.choice(5, size=DRAWS, p=P), minlength=5)
    accept = np.minimum(P, Q).sum()
    wrong = np.minimum(P, Q) + (1 - accept) * Q
    from_wrong = np.bincount(rng.choice(5, size=DRAWS, p=wrong), minlength=5)
    assert chi2(from_draft, Q) > 10 * CHI2_BOUND
    assert chi2(from_wrong, Q) > 10 * CHI2_BOUND


def test_identical_models_accept_every_draft():
    rng = np.random.default_rng(2)
    q = np.array([0.5, 0.25, 0.25])
    draws = [speculative.speculative_sample(q, q, rng) for _ in range(2000)]
    assert np.bincount(draws, minlength=3).sum() == 2000  # no rejection, so no 0/0 residual


# ---------------------------------------------------------------- exactness, exactly

def exact_output(p: list[Fraction], q: list[Fraction]) -> list[Fraction]:
    """The algorithm's output distribution by enumerating its branches with fractions."""
    residual = [max(qi - pi, Fraction(0)) for pi, qi in zip(p, q, strict=True)]
    out = [Fraction(0)] * len(q)
    for drafted, p_x in enumerate(p):
        if p_x == 0:
            continue
        keep = min(Fraction(1), q[drafted] / p_x)
        out[drafted] += p_x * keep
        for token, r in enumerate(residual):
            if r:
                out[token] += p_x * (1 - keep) * r / sum(residual)
    return out


@pytest.mark.parametrize("p, q", [
    ((3, 1), (1, 3)),  # two tokens, the lecture's case (p_A > q_A)
    ((1, 3), (3, 1)),  # and the other order
    ((4, 3, 2, 1, 0), (1, 3, 0, 2.5, 3.5)),  # the sampler's pair above
    ((1, 1, 1, 1), (7, 1, 1, 1)),
    ((0, 5, 0, 5), (2, 2, 3, 3)),
])
def test_exact_output_distribution_is_q(p, q):
    p = [Fraction(x) / sum(map(Fraction, p)) for x in p]
    q = [Fraction(x) / sum(map(Fraction, q)) for x in q]
    assert exact_output(p, q) == q


def test_two_token_proof():
    proof = speculative.two_token_proof()
    assert sp.simplify(proof.output_a - proof.q_a) == 0
    assert sp.simplify(proof.output_b - (1 - proof.q_a)) == 0
    assert sp.simplify(proof.output_a + proof.output_b) == 1


def test_general_proof():
    proof = speculative.general_proof()
    assert proof.simplified == sp.IndexedBase(speculative.target_q)[speculative.token]
    # P(reject) and the residual mass are the same number, 1 - sum min(p, q): they cancel.
    assert sp.simplify(proof.residual_total - (1 - proof.accept_total)) == 0
    assert proof.cases_checked == 2**3 - 2  # all sign patterns except all-over and all-under


def test_general_proof_for_four_tokens():
    assert speculative.general_proof(4).cases_checked == 2**4 - 2


@pytest.mark.parametrize("value", [0, -1, 2.5, None])
def test_general_proof_rejects_bad_vocabulary(value):
    with pytest.raises(ValueError, match="vocabulary_for_cases"):
        speculative.general_proof(value)


def test_lecture_claims_build_and_hold():
    claims = speculative.lecture_claims()
    assert len(claims.items) >= 4
    assert all(claim.holds for claim in claims.items)


# ---------------------------------------------------------------- expected tokens per target call

def direct_sum(a: Fraction, g: int) -> Fraction:
    """k drafts accepted (k < γ) then a correction, or all γ accepted plus a bonus token."""
    return sum((k + 1) * a**k * (1 - a) for k in range(g)) + (g + 1) * a**g


@pytest.mark.parametrize("g", [1, 2, 3, 4, 5, 8])
@pytest.mark.parametrize("a", [Fraction(1, 2), Fraction(7, 10), Fraction(9, 10), Fraction(1, 100)])
def test_closed_form_matches_direct_sum(a, g):
    tokens = speculative.expected_tokens()
    value = sp.Rational(a.numerator, a.denominator)
    expected = direct_sum(a, g)
    assert expected == sum(a**j for j in range(g + 1))  # E = sum_j P(more than j tokens) = sum_j α^j
    assert tokens.closed_form.subs({alpha: value, gamma: g}) == sp.Rational(expected.numerator, expected.denominator)
    assert sp.simplify(tokens.by_distribution.subs({alpha: value, gamma: g})) == \
        sp.Rational(expected.numerator, expected.denominator)


def test_closed_form_symbolic():
    assert sp.simplify(speculative.expected_tokens().closed_form - (1 - alpha ** (gamma + 1)) / (1 - alpha)) == 0


def test_simulated_tokens_per_call():
    # Each of γ = 4 drafts is accepted with α = 0.7 until the first rejection; then +1 token.
    rng = np.random.default_rng(3)
    accepted = np.cumprod(rng.random((100_000, 4)) < 0.7, axis=1).sum(axis=1)  # capped at γ
    tokens = accepted + 1
    closed = (1 - 0.7**5) / (1 - 0.7)  # 2.7731
    assert abs(tokens.mean() - closed) < 5 * tokens.std(ddof=1) / math.sqrt(len(tokens))
    assert float(speculative.expected_tokens().closed_form.subs({alpha: sp.Rational(7, 10), gamma: 4})) == \
        pytest.approx(closed, rel=1e-12)
    # The empirical distribution of accepted drafts is the truncated geometric.
    for k in range(4):
        assert abs((accepted == k).mean() - 0.7**k * 0.3) < 0.01
    assert abs((accepted == 4).mean() - 0.7**4) < 0.01


def test_perfect_draft_gives_gamma_plus_one():
    assert sp.limit(speculative.expected_tokens().closed_form, alpha, 1) == gamma + 1


# ---------------------------------------------------------------- speedup

def test_free_draft_speedup_is_expected_tokens():
    tokens = speculative.expected_tokens()
    assert sp.simplify(tokens.speedup.subs(cost_ratio, 0) - tokens.closed_form) == 0


def test_speedup_formula():
    # Leviathan et al.: (1 - α^(γ+1)) / ((1 - α)(γc + 1)).
    tokens = speculative.expected_tokens()
    expected = (1 - alpha ** (gamma + 1)) / ((1 - alpha) * (gamma * cost_ratio + 1))
    assert sp.simplify(tokens.speedup - expected) == 0
    assert sp.simplify(tokens.speedup_limit - (gamma + 1) / (gamma * cost_ratio + 1)) == 0


def test_speedup_table_values():
    table = speculative.speedup_table()
    assert table.gammas == (1, 2, 3, 4, 5, 6, 8)
    assert table.ratio == sp.Rational(1, 20)
    row = dict(table.rows)[sp.Rational(7, 10)]
    # α = 0.7, γ = 4, c = 0.05: (1 - 0.7^5) / (0.3 · 1.2) = 0.83193 / 0.36.
    by_hand = (1 - Fraction(7, 10) ** 5) / (Fraction(3, 10) * (4 * Fraction(1, 20) + 1))
    assert row[3] == sp.Rational(by_hand.numerator, by_hand.denominator) == sp.Rational(83193, 36000)


@pytest.mark.parametrize("changes, name", [({"alphas": ("1",)}, "alpha"), ({"alphas": ("1.5",)}, "alpha"),
                                           ({"alphas": ("0",)}, "alpha"), ({"ratio": "0"}, "ratio"),
                                           ({"gammas": (0,)}, "gamma")])
def test_speedup_table_rejects_bad_input(changes, name):
    with pytest.raises(ValueError, match=name):
        speculative.speedup_table(**changes)


def test_sampler_check_builds():
    check = speculative.sampler_check(draws=2_000, seed=5)
    assert check.draws == 2_000
    assert abs(sum(check.observed) - 1) < 1e-12


# ---------------------------------------------------------------- the best draft length, independently

def speedup_by_distribution(a, g, c):
    """Expected tokens per round from the distribution of accepted drafts (not the closed form),
    over the round's cost in target steps, in exact fractions."""
    from fractions import Fraction

    a, c = Fraction(a), Fraction(c)
    tokens = sum((k + 1) * a**k * (1 - a) for k in range(g)) + (g + 1) * a**g
    return tokens / (g * c + 1)


@pytest.mark.parametrize("alpha_text, ratio_text", [("0.6", "0.05"), ("0.8", "0.05"), ("0.9", "0.05"),
                                                    ("0.8", "0.25"), ("0.95", "0.01")])
def test_best_gamma_against_a_search(alpha_text, ratio_text):
    values = {g: speedup_by_distribution(alpha_text, g, ratio_text) for g in range(1, 400)}
    best = max(values, key=values.get)
    found, speedup = speculative.best_gamma(sp.Rational(alpha_text), sp.Rational(ratio_text))
    assert found == best
    assert speedup == sp.Rational(values[best].numerator, values[best].denominator)


def test_best_gamma_for_alpha_09_is_beyond_the_table():
    table = speculative.best_gamma_table()
    row = next(r for r in table.rows if r[0] == sp.Rational(9, 10))
    assert row[1] == 13 and row[3] == 8 and row[2] > row[4]  # 13, not 8: the table's columns stop at 8


def test_sampler_over_proposes_more_than_one_token():
    check = speculative.sampler_check()
    assert sum(p > q for p, q in zip(check.draft, check.target, strict=True)) >= 2
    assert "$p$" in check.to_markdown("en")
