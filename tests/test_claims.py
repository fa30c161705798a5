"""Claims: true ones build, false or undecidable ones stop the build, tables in both languages."""

from __future__ import annotations

import re

import pytest
import sympy as sp

from derivations import intensity
from derivations.core.claims import Claim, ClaimFailed, Claims
from derivations.symbols import B, G, S, T

LABEL = ("test claim", "测试论断")


def table_rows(markdown: str) -> list[list[str]]:
    """Cells of each table line, split on unescaped pipes as Markdown does (math is not protected)."""
    lines = [line for line in markdown.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]] for line in lines]


def test_lecture_claims_build_and_hold():
    claims = intensity.lecture_claims()
    assert isinstance(claims, Claims)
    assert len(claims.items) >= 12
    assert all(claim.holds for claim in claims.items)


@pytest.mark.parametrize(
    "derived, relation, claimed",
    [
        (S / (S + 1), "<", 1),  # MHA generation
        (G * S / (G + S), "<", G),  # GQA generation
        (B * T + 1, ">", B * T),
        (S / (S + 1), "==", 1 - 1 / (S + 1)),  # equal only after simplification
        (sp.Rational(19780, 67), ">", 295),
    ],
)
def test_true_claims_hold(derived, relation, claimed):
    assert Claim(LABEL, derived, relation, claimed).holds


@pytest.mark.parametrize(
    "derived, relation, claimed",
    [
        (S, "==", 2 * S),
        (S + 1, "<", S),
        (B, ">", B + 1),
        (S / (S + 1), ">", 1),
        (B, "<", S),  # sign unknown: not proven, so not published
        (S, "<", S),  # strict
        (S, ">", S),  # strict: zero is not positive
    ],
)
def test_false_or_undecided_claims_raise(derived, relation, claimed):
    with pytest.raises(ClaimFailed, match="test claim"):
        Claim(LABEL, derived, relation, claimed)


def test_mha_only_claim_fails_for_gqa():
    # Lecture 10 says generation intensity is below 1; with GQA it tends to G, so that fails.
    with pytest.raises(ClaimFailed):
        Claim(LABEL, intensity.attention(group_size=G).generate, "<", 1)


def test_positivity_is_what_decides_the_inequality():
    # With a sign-unknown S, S/(S + 1) < 1 cannot be decided; the shared positive S can.
    fresh = sp.Symbol("S")
    with pytest.raises(ClaimFailed):
        Claim(LABEL, fresh / (fresh + 1), "<", 1)
    assert Claim(LABEL, S / (S + 1), "<", 1).holds


@pytest.mark.parametrize("relation", ["<=", "!=", "=", ""])
def test_unknown_relation_raises(relation):
    with pytest.raises(ValueError, match="relation"):
        Claim(LABEL, S, relation, S)


def test_tables_in_both_languages_have_one_row_per_claim():
    claims = intensity.lecture_claims()
    en, zh = table_rows(claims.to_markdown("en")), table_rows(claims.to_markdown("zh"))
    assert len(en) == len(zh) == len(claims.items) + 2  # header, separator, one row per claim
    assert en[0] != zh[0]  # headers are translated
    assert en[0][0] == "Claim" and zh[0][0] == "论断"
    for claim, en_row, zh_row in zip(claims.items, en[2:], zh[2:], strict=True):
        assert en_row[0] == claim.label[0] and zh_row[0] == claim.label[1]
        assert en_row[1:] == zh_row[1:]  # the math is the same in both languages


def test_every_row_has_as_many_cells_as_the_header():
    for lang in ("en", "zh"):
        rows = table_rows(intensity.lecture_claims().to_markdown(lang))
        assert all(len(row) == len(rows[0]) for row in rows), lang


def test_a_small_claims_table():
    table = Claims((Claim(LABEL, S / (S + 1), "<", 1, r"I_{g}"),)).to_markdown("zh")
    rows = table_rows(table)
    assert rows[2] == ["测试论断", r"$I_{g} = \frac{S}{S + 1}$", "$< 1$", "✓"]


@pytest.mark.parametrize("lang", ["fr", "EN", "", None])
def test_unknown_language_raises(lang):
    claims = Claims((Claim(LABEL, S, "==", S),))
    with pytest.raises(ValueError, match="lang"):
        claims.to_markdown(lang)
    with pytest.raises(ValueError, match="lang"):
        claims.items[0].to_row(lang)
