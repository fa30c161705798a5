"""Speculative sampling (lecture 10; Leviathan et al. 2211.17192, Chen et al. 2302.01318).

A draft model p proposes a token x; the target model q accepts it with
probability min(1, q(x)/p(x)); on rejection a token is drawn from the residual
max(q − p, 0), normalised. The output is distributed exactly as q. This module
proves that symbolically, derives the expected tokens per target call and the
speedup, and implements the sampler so a seeded simulation can check it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import sympy as sp

from .core import render
from .core.cache import derived
from .core.i18n import message, term
from .core.symbols import define, topic
from .core.validate import positive, positive_int


def __getattr__(name: str):
    """`lecture_claims` moved to `derivations.lectures.lecture10`; the old name still imports."""
    if name == "lecture_claims":
        from .lectures import lecture10

        return lecture10.speculative_claims
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


SPECULATIVE = topic("speculative", "Speculative decoding", "推测解码")
alpha = define(SPECULATIVE, "alpha", en="acceptance rate: probability that a draft token is accepted",
               zh="接受率：草稿词元被接受的概率")
gamma = define(SPECULATIVE, "gamma", en="draft tokens proposed per call of the target model",
               zh="每次调用目标模型前草稿模型提出的词元数", positive=True, integer=True)
cost_ratio = define(SPECULATIVE, "c_draft", latex="c", en="cost of one draft step relative to one target step",
                    zh="草稿模型一步与目标模型一步的成本比")
# The exactness proofs' letters: probabilities a token gets, and tokens of the vocabulary.
draft_p = define(SPECULATIVE, "p_draft", latex="p", en="probability the draft model gives a token",
                 zh="草稿模型给某个词元的概率")
target_q = define(SPECULATIVE, "q_target", latex="q", en="probability the target model gives a token",
                  zh="目标模型给某个词元的概率")
overlap_m = define(SPECULATIVE, "m_overlap", latex="m", en="$m = \\min(p, q)$: probability a token is drafted and kept",
                   zh="$m = \\min(p, q)$：某个词元被提出且被接受的概率")
vocabulary = define(SPECULATIVE, "n_vocab", latex="n", en="vocabulary size in the exactness proof",
                    zh="精确性证明中的词表大小", positive=True, integer=True)
token = define(SPECULATIVE, "x_token", latex="x", en="a token of the vocabulary", zh="词表中的某个词元",
               positive=True, integer=True)
index = define(SPECULATIVE, "i_token", latex="i", en="index running over the vocabulary", zh="遍历词表的下标",
               positive=True, integer=True)



# ---- exactness ----------------------------------------------------------------------------

@dataclass(frozen=True)
class TwoTokenProof(render.Published):
    """The lecture's case: vocabulary {A, B}, the draft over-proposes A (p > q)."""

    p_a: sp.Expr
    q_a: sp.Expr
    output_a: sp.Expr
    output_b: sp.Expr

    def to_markdown(self, lang: str) -> str:
        p, q = render.latex(self.p_a), render.latex(self.q_a)

        def w(key: str, **fields) -> str:
            return rf"\text{{{message(key, lang, **fields)}}}"

        out = w("sp_out")
        return render.equations([
            (rf"P({out} = A)",
             rf"\underbrace{{{p}}}_{{{w('sp_draft', token='A')}}} \cdot "
             rf"\underbrace{{\tfrac{{{q}}}{{{p}}}}}_{{{w('sp_accept')}}}"
             rf" = {render.latex(self.output_a)}"),
            (rf"P({out} = B)",
             rf"\underbrace{{(1 - {p})}}_{{{w('sp_draft_accepted', token='B')}}}"
             rf" + \underbrace{{{p} \left(1 - \tfrac{{{q}}}{{{p}}}\right)}}"
             rf"_{{{w('sp_reject_resample', rejected='A', token='B')}}}"
             rf" = {render.latex(self.output_b)}"),
        ])


@derived
def two_token_proof() -> TwoTokenProof:
    """P(out = A) = q and P(out = B) = 1 − q when the draft puts more mass on A.

    Examples:
        >>> two_token_proof().output_b
        1 - q_target
    """
    p, q = draft_p, target_q
    # A is drafted with p and kept with q/p. B (q_B > p_B) is always kept, and the
    # residual max(q - p, 0) has all its mass on B, so every rejection yields B.
    output_a = sp.simplify(p * (q / p))
    output_b = sp.simplify((1 - p) * 1 + p * (1 - q / p) * 1)
    return TwoTokenProof(p, q, output_a, output_b)


@dataclass(frozen=True)
class GeneralProof(render.Published):
    """Any vocabulary: the output probability of token x, written with m_i = min(p_i, q_i)."""

    accept_total: sp.Expr  # P(the draft is accepted) = sum of m_i
    residual_total: sp.Expr  # sum of max(q_i - p_i, 0)
    output: sp.Expr  # P(out = x) before simplification
    simplified: sp.Expr  # ... and after: q_x
    cases_checked: int  # sign patterns of p - q checked exhaustively for a small vocabulary

    def to_markdown(self, lang: str) -> str:
        return render.equations([
            (r"\max(q_i - p_i, 0)", r"q_i - m_i, \quad m_i = \min(p_i, q_i)"),
            (rf"P(\text{{{message('sp_accept', lang)}}})", self.accept_total),
            (r"\textstyle\sum_i q_i", "1"),
            (r"\textstyle\sum_i \max(q_i - p_i, 0)", self.residual_total),
            (rf"P(\text{{{message('sp_out', lang)}}} = x)", self.output),
            ("", self.simplified),
        ])


@derived
def general_proof(vocabulary_for_cases=3) -> GeneralProof:
    """Exactness for a vocabulary of n tokens with symbolic probabilities.

    P(out = x) = P(draft x, accept) + P(reject) · residual(x)
               = m_x + (1 − Σ m_i) · (q_x − m_x) / Σ (q_i − m_i) = q_x,
    since Σ q_i = 1. The pointwise step max(q − p, 0) = q − min(p, q) is
    checked in both orders of p and q, and the whole statement again by
    brute force over every sign pattern of p − q for a vocabulary of
    `vocabulary_for_cases` tokens.

    Examples:
        >>> general_proof().simplified
        q_target[x_token]
    """
    n, i, x = vocabulary, index, token
    m, q = sp.IndexedBase(overlap_m), sp.IndexedBase(target_q)
    accept = sp.Sum(m[i], (i, 1, n))
    residual = sp.Sum(q[i], (i, 1, n)) - accept
    output = m[x] + (1 - accept) * (q[x] - m[x]) / residual
    total_q = sp.Sum(q[i], (i, 1, n))
    simplified = sp.simplify(output.subs(total_q, 1))

    a, b = sp.symbols("a b", positive=True)  # the pointwise step, both orders
    for p_i, q_i in ((a + b, a), (a, a + b)):
        assert sp.Max(q_i - p_i, 0) - (q_i - sp.Min(p_i, q_i)) == 0

    size = positive_int("vocabulary_for_cases", vocabulary_for_cases)
    cases = _check_every_sign_pattern(size)
    residual_total = residual.subs(total_q, 1)
    return GeneralProof(accept, residual_total, output, simplified, cases)


def _check_every_sign_pattern(size: int) -> int:
    """For each choice of which tokens the draft over-proposes, with symbolic
    probabilities that respect the choice, the output distribution equals q.
    """
    size = int(size)
    checked = 0
    for over in itertools.product((True, False), repeat=size):
        if all(over) or not any(over):
            continue  # probabilities that sum to 1 cannot all be larger (or all smaller)
        q = sp.symbols(f"q1:{size + 1}", positive=True)
        gap = sp.symbols(f"g1:{size + 1}", positive=True)
        p = [q[j] + gap[j] if over[j] else q[j] - gap[j] for j in range(size)]
        minimum = [q[j] if over[j] else p[j] for j in range(size)]
        residual = [0 if over[j] else q[j] - p[j] for j in range(size)]
        # q sums to 1, and so does p: the over-proposed excess equals the missing mass.
        normalised = {q[-1]: 1 - sum(q[:-1])}
        balance = {gap[0]: sp.solve(sum(p) - sum(q), gap[0])[0]}
        reject = 1 - sum(minimum)
        for j in range(size):
            output = minimum[j] + reject * residual[j] / sum(residual)
            assert sp.simplify((output - q[j]).subs(balance).subs(normalised)) == 0, (over, j)
        checked += 1
    return checked


# ---- expected tokens and speedup ------------------------------------------------------------

@dataclass(frozen=True)
class ExpectedTokens(render.Published):
    """Expected tokens per target call, summed and closed-form, the speedup and its limit as α → 1."""

    by_distribution: sp.Expr  # the sum over how many drafts are accepted
    closed_form: sp.Expr
    speedup: sp.Expr  # expected tokens per unit of target-model time
    speedup_limit: sp.Expr  # alpha -> 1

    def to_markdown(self, lang: str) -> str:
        return render.equations([
            (rf"\mathbb{{E}}[\text{{{message('sp_tokens_per_call', lang)}}}]",
             r"\sum_{k=0}^{\gamma - 1} (k + 1)\, \alpha^k (1 - \alpha) + (\gamma + 1)\, \alpha^\gamma"),
            ("", self.closed_form),
            (rf"\text{{{message('sp_speedup', lang)}}}", self.speedup),
            (rf"\lim_{{\alpha \to 1}} \text{{{message('sp_speedup', lang)}}}", self.speedup_limit),
        ])


@derived
def expected_tokens() -> ExpectedTokens:
    """Tokens produced per target call when each draft is accepted with probability α.

    k drafts are accepted and then one more token comes from the target (a
    correction or, if all γ were accepted, a bonus token). The speedup divides by
    the cost of one round, γ draft steps and one target step, in target steps.

    Examples:
        >>> expected_tokens().closed_form
        (1 - alpha**(gamma + 1))/(1 - alpha)
    """
    k = sp.Symbol("k", integer=True, nonnegative=True)
    distribution = sp.summation((k + 1) * alpha**k * (1 - alpha), (k, 0, gamma - 1)) \
        + (gamma + 1) * alpha**gamma
    by_distribution = sp.piecewise_fold(distribution).args[-1].expr  # the alpha != 1 branch
    closed_form = (1 - alpha ** (gamma + 1)) / (1 - alpha)
    assert sp.simplify(by_distribution - closed_form) == 0
    speedup = closed_form / (gamma * cost_ratio + 1)
    return ExpectedTokens(by_distribution, closed_form, speedup,
                          sp.factor(sp.limit(speedup, alpha, 1)))


@derived
def speedup_table(alphas=("0.6", "0.7", "0.8", "0.9"), gammas=(1, 2, 3, 4, 5, 6, 8), ratio="0.05"):
    """Expected speedup for several α and γ at one draft/target cost ratio."""
    checked_alphas = [positive("alpha", sp.Rational(a)) for a in alphas]
    for a in checked_alphas:
        if a >= 1:
            raise ValueError(f"alpha must be below 1, got {a}")
    checked_ratio = positive("ratio", sp.Rational(ratio))
    speedup = expected_tokens().speedup
    rows = tuple((a, tuple(speedup.subs({alpha: a, gamma: positive_int("gamma", g), cost_ratio: checked_ratio})
                           for g in gammas)) for a in checked_alphas)
    return SpeedupTable(tuple(gammas), checked_ratio, rows)


@dataclass(frozen=True)
class SpeedupTable(render.Published):
    """Expected speedups for several acceptance rates α and draft lengths γ at one cost ratio."""

    gammas: tuple[int, ...]
    ratio: sp.Rational
    rows: tuple[tuple[sp.Rational, tuple[sp.Expr, ...]], ...]

    def to_markdown(self, lang: str) -> str:
        header = ["$\\alpha$ \\ $\\gamma$"] + [f"${g}$" for g in self.gammas]
        body = []
        for a, values in self.rows:
            shown = [render.decimal(v, 3) for v in values]
            best = shown[values.index(max(values))]  # ties at the shown precision are all bold
            cells = [f"$\\mathbf{{{text}}}$" if text == best else f"${text}$" for text in shown]
            body.append([f"${render.decimal(a, 2)}$", *cells])
        note = f"\n{term('cost_ratio', lang)}{message('colon', lang)}$c = {render.decimal(self.ratio, 2)}$\n"
        return note + render.table(header, body)


# ---- the sampler ------------------------------------------------------------------------------

def speculative_sample(p: np.ndarray, q: np.ndarray,
                       rng: np.random.Generator) -> int:
    """One token by modified rejection sampling: draft from p, keep it with
    probability min(1, q/p), else draw from the residual max(q − p, 0)."""
    drafted = rng.choice(len(p), p=p)
    if rng.random() < min(1.0, q[drafted] / p[drafted]):
        return int(drafted)
    residual = np.maximum(q - p, 0.0)
    return int(rng.choice(len(q), p=residual / residual.sum()))


@dataclass(frozen=True)
class SamplerCheck(render.Published):
    """Draft and target distributions, the sampler's observed frequencies and their tolerances."""

    draws: int
    draft: tuple[float, ...]
    target: tuple[float, ...]
    observed: tuple[float, ...]
    tolerance: tuple[float, ...]  # 5 standard errors of a frequency from `draws` samples

    def to_markdown(self, lang: str) -> str:
        header = [term("token", lang), "$p$", "$q$", message("observed", lang), "±"]
        rows = ([f"${i}$", f"${d:.4f}$", f"${t:.4f}$", f"${o:.4f}$", f"${e:.4f}$"]
                for i, (d, t, o, e) in enumerate(zip(self.draft, self.target, self.observed, self.tolerance,
                                                     strict=True)))
        return (f"\n{message('draws', lang)}{message('colon', lang)}${render.integer(self.draws)}$\n"
                + render.table(header, rows))


@derived
def sampler_check(draws=20_000, seed=0) -> SamplerCheck:
    """Sample with `speculative_sample` and compare the frequencies with q."""
    count = int(positive_int("draws", draws))
    rng = np.random.default_rng(int(seed))
    p = np.array([0.5, 0.2, 0.2, 0.1])  # the draft over-proposes tokens 0 and 2 (p > q)
    q = np.array([0.2, 0.3, 0.1, 0.4])
    samples = np.fromiter((speculative_sample(p, q, rng) for _ in range(count)), dtype=int, count=count)
    observed = np.bincount(samples, minlength=len(q)) / count
    tolerance = 5 * np.sqrt(q * (1 - q) / count)
    if np.any(np.abs(observed - q) > tolerance):
        raise AssertionError(f"sampler frequencies {observed} differ from target {q}")
    return SamplerCheck(count, tuple(p), tuple(q), tuple(observed), tuple(tolerance))


@dataclass(frozen=True)
class BestGamma(render.Published):
    """For each acceptance rate, the draft length that maximises the expected speedup."""

    ratio: sp.Rational
    rows: tuple[tuple[sp.Rational, int, sp.Expr, int, sp.Expr], ...]  # alpha, best gamma, its speedup, shown gamma, its

    def to_markdown(self, lang: str) -> str:
        header = [r"$\alpha$", message("sp_best_gamma", lang), message("sp_best_speedup", lang),
                  message("sp_shown_gamma", lang), message("sp_shown_speedup", lang)]
        note = f"\n{term('cost_ratio', lang)}{message('colon', lang)}$c = {render.decimal(self.ratio, 2)}$\n"
        return note + render.table(header, (
            [f"${render.decimal(a, 2)}$", f"${g}$", f"${render.decimal(s, 4)}$", f"${shown}$",
             f"${render.decimal(shown_speedup, 4)}$"] for a, g, s, shown, shown_speedup in self.rows))


def best_gamma(alpha_value, ratio, longest=1000) -> tuple[int, sp.Expr]:
    """The draft length γ in 1..`longest` with the largest expected speedup, and that speedup.

    The speedup rises while the next draft token's expected gain, α^(γ+1), is worth its cost;
    it has one maximum, found here by exact comparison of every γ.

    Examples:
        >>> best_gamma(sp.Rational(9, 10), sp.Rational(1, 20))[0]
        13
    """
    a = positive("alpha", alpha_value)
    if a >= 1:
        raise ValueError(f"alpha must be below 1, got {a}")
    c = positive("ratio", ratio)
    # exact: the expression evaluated on Python fractions, not floats
    speedup = sp.lambdify((alpha, gamma, cost_ratio), expected_tokens().speedup)
    exact_a, exact_c = Fraction(int(a.p), int(a.q)), Fraction(int(c.p), int(c.q))
    values = [(speedup(exact_a, g, exact_c), g) for g in range(1, int(positive_int("longest", longest)) + 1)]
    value, g = max(values, key=lambda pair: (pair[0], -pair[1]))
    return g, sp.Rational(value.numerator, value.denominator)


@derived
def best_gamma_table(alphas=("0.6", "0.7", "0.8", "0.9"), ratio="0.05", shown=(1, 2, 3, 4, 5, 6, 8)) -> BestGamma:
    """The true optimum γ for each α, beside the best of the columns `speedup_table` shows."""
    checked = positive("ratio", sp.Rational(ratio))
    speedup = expected_tokens().speedup
    rows = []
    for text in alphas:
        a = sp.Rational(text)
        g, value = best_gamma(a, checked)
        in_table = max(shown, key=lambda k: speedup.subs({alpha: a, gamma: k, cost_ratio: checked}))
        rows.append((a, g, value, in_table, speedup.subs({alpha: a, gamma: in_table, cost_ratio: checked})))
    return BestGamma(checked, tuple(rows))
