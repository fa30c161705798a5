"""Lecture 10 as lectured: its presets, claims, cited evidence, worked questions, sources, and
the Chinese pages free of English outside symbols, units, code and names."""

from __future__ import annotations

import html
import re

import pytest
from test_site import built_page

from derivations import intensity, stats
from derivations.lectures import lecture10

LECTURE_PAGES = ["lecture-10/overview", "lecture-10/theory-intensity", "lecture-10/code-intensity",
                 "lecture-10/code-stats", "lecture-10/theory-speculative", "lecture-10/code-speculative"]


def test_old_names_still_import():
    from derivations.intensity import lecture_claims as intensity_claims
    from derivations.speculative import lecture_claims as speculative_claims
    from derivations.stats import LECTURE_BATCHES, LECTURE_SEQ_LEN, lecture_claims, lecture_table

    assert (LECTURE_SEQ_LEN, LECTURE_BATCHES) == (1024, (1, 64, 256))
    assert lecture_claims() is lecture10.stats_claims()
    assert intensity_claims is lecture10.intensity_claims and speculative_claims is lecture10.speculative_claims
    assert [s.batch for _, s in lecture_table().rows] == [1, 64, 256]
    with pytest.raises(AttributeError):
        stats.no_such_name  # noqa: B018


@pytest.mark.parametrize("claims", [lecture10.intensity_claims, lecture10.stats_claims, lecture10.speculative_claims])
def test_claims_hold(claims):
    items = claims().items
    assert items and all(claim.holds for claim in items)


def test_no_topic_module_calls_another_ones_private_function():
    import pathlib

    root = pathlib.Path(stats.__file__).parent
    for path in [*root.glob("*.py"), *root.glob("lectures/*.py")]:
        text = path.read_text("utf-8")
        for module in ("stats", "intensity", "kv_cache", "speculative", "figures", "calculator"):
            if path.stem != module:
                assert not re.search(rf"\b{module}\._[a-z]", text), (path.name, module)


def test_the_lecture_numbers_the_questions_use():
    # Llama 2 13B with K = 1 on an H100 SXM at S = 1024: 2768 fit (integer arithmetic)
    params = 2 * 32000 * 5120 + 3 * 5120 * 13824 * 40 + (2 * 5120 * 40 * 128 + 2 * 5120 * 128) * 40
    assert lecture10.mqa_at_max_batch().batch == (80 * 10**9 - 2 * params) // (2 * 2 * 1024 * 128 * 40) == 2768
    assert intensity.critical_batch(lecture10.ACCELERATOR, 1).batch == 148


@pytest.mark.parametrize("questions", [lecture10.stats_questions, lecture10.intensity_questions,
                                       lecture10.speculative_questions])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_questions_are_collapsed_and_filled(questions, lang):
    text = questions().to_markdown(lang)
    count = len(questions().items)
    assert 3 <= count <= 6
    assert text.count('??? note "') == count
    assert "{" not in re.sub(r"\$[^$]*\$", "", text), "an unfilled placeholder"


def test_cache_flops_ratio_in_the_question_is_the_summed_count():
    # Llama 2 13B, T = 1024 from an empty prompt: step by step, without and with a cache
    params = 13_015_449_600
    without = sum(2 * params * t + 4 * t * t * 40 * 128 * 40 for t in range(1, 1025))
    with_cache = sum(2 * params + 4 * t * 40 * 128 * 40 for t in range(1, 1025))
    shown = re.search(r"\$([\d.]+)\\times\$", lecture10.intensity_questions().to_markdown("en"))[1]
    assert float(shown) == pytest.approx(without / with_cache, rel=1e-3)


def test_evidence_is_cited_with_links():
    table = lecture10.evidence().to_markdown("zh")
    assert len(lecture10.EVIDENCE) >= 8 and table.count("](https://") == len(lecture10.EVIDENCE)


# ---- the built pages -----------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", LECTURE_PAGES)
def test_every_lecture_page_links_its_sources(site, name, lang):
    text = built_page(site.site, name, lang).read_text("utf-8")
    for url in (lecture10.LECTURE_SOURCE, lecture10.COURSE_PAGE, lecture10.SCALING_BOOK_INFERENCE):
        assert url in text, (name, url)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", ["lecture-10/code-stats", "lecture-10/theory-intensity",
                                  "lecture-10/theory-speculative"])
def test_worked_answers_are_collapsed_on_the_page(site, name, lang):
    text = built_page(site.site, name, lang).read_text("utf-8")
    assert len(re.findall(r'<details class="note"', text)) >= 3


# Allowed inside Chinese math and notebook output: symbols, units, abbreviations and names.
ALLOWED = {"FLOPs", "FLOP", "KV", "HBM", "MHA", "GQA", "MQA", "MLA", "MLP", "RoPE", "bf16", "int8", "int4", "fp8",
           "fp16", "fp32", "attn", "blk", "max", "min", "round", "softmax", "HF", "TFLOP", "GB", "ms"}


def english_in_text_commands(math: str) -> list[str]:
    words = []
    for content in re.findall(r"\\text\{([^{}]*)\}", math):
        words += [w for w in re.findall(r"[A-Za-z][A-Za-z0-9]*", content) if w not in ALLOWED and len(w) > 1]
    return words


@pytest.mark.parametrize("name", LECTURE_PAGES)
def test_no_english_inside_chinese_math(site, name):
    page = html.unescape(built_page(site.site, name, "zh").read_text("utf-8"))
    math = re.findall(r'<(?:div|span) class="arithmatex">(.*?)</(?:div|span)>', page, re.S)
    assert math
    found = [word for block in math for word in english_in_text_commands(block)]
    assert not found, found


def test_the_check_finds_english():
    assert english_in_text_commands(r"\text{param bytes} = \text{权重} + \text{FLOPs}") == ["param", "bytes"]


@pytest.mark.parametrize("name", LECTURE_PAGES)
def test_chinese_terms(site, name):
    """The glossary's terms, not their near-synonyms."""
    page = built_page(site.site, name, "zh").read_text("utf-8")
    for wrong in ("写入时再复制", "键值头", "墙钟时间", "杠杆", "内存就是预算", "按反比例"):
        assert wrong not in page, (name, wrong)
