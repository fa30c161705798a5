"""Lecture 2's presets and claims: the lecture's own numbers, written as arithmetic with their source."""

from __future__ import annotations

import numpy as np
import sympy as sp

from derivations.catalog.models import Model
from derivations.lectures import lecture02


def test_question_one_as_lectured():
    # lecture_02.py (both editions): total_flops = 6 * 70e9 * 15e12; flops_per_day = h100 * mfu * 1024 * 86400
    days = (sp.Rational(6 * 70 * 10**9 * 15 * 10**12)
            / (sp.Rational(1979 * 10**12, 2) * sp.Rational(1, 2) * 1024 * 86400))
    assert lecture02.napkin_time().days_lectured == days
    assert lecture02.napkin_time().days_catalog == days * sp.Rational(19790, 19780)


def test_question_two_both_editions():
    claims = lecture02.napkin_memory().claims.items
    assert claims[0].derived == sp.Rational(80 * 10**9 * 8, 4 + 4 + (4 + 4))
    assert claims[1].derived == sp.Rational(80 * 10**9 * 8, 2 + 2 + (4 + 4))


def test_errata_hold_and_say_what_was_printed():
    labels = [claim.label[0] for claim in lecture02.errata().items]
    assert any("2 weeks" in label for label in labels)
    assert any("2.3 GB" in label for label in labels)
    # 2304 MiB = 2304 * 2^20 bytes: neither 2.3e9 bytes nor 2.3 GiB
    assert 2304 * 2**20 == 2_415_919_104


def original_gpt2_weights(m: Model, context: int) -> dict[str, tuple[int, ...]]:
    """The tensors of Hugging Face's GPT2Model (transformer.* names), built shape by shape."""
    shapes = {"wte": (m.V, m.D), "wpe": (context, m.D), "ln_f.weight": (m.D,), "ln_f.bias": (m.D,)}
    for i in range(m.L):
        shapes |= {f"h.{i}.ln_1.weight": (m.D,), f"h.{i}.ln_1.bias": (m.D,),
                   f"h.{i}.attn.c_attn.weight": (m.D, 3 * m.D), f"h.{i}.attn.c_attn.bias": (3 * m.D,),
                   f"h.{i}.attn.c_proj.weight": (m.D, m.D), f"h.{i}.attn.c_proj.bias": (m.D,),
                   f"h.{i}.ln_2.weight": (m.D,), f"h.{i}.ln_2.bias": (m.D,),
                   f"h.{i}.mlp.c_fc.weight": (m.D, 4 * m.D), f"h.{i}.mlp.c_fc.bias": (4 * m.D,),
                   f"h.{i}.mlp.c_proj.weight": (4 * m.D, m.D), f"h.{i}.mlp.c_proj.bias": (m.D,)}
    return shapes


def test_gpt2_original_architecture_counts_every_tensor():
    for model in lecture02.GPT2_MODELS:
        total = sum(int(np.prod(shape)) for shape in original_gpt2_weights(model, 1024).values())
        assert lecture02.gpt2_original_params(model) == total == lecture02.GPT2_PUBLISHED[model]


def test_assignment_one_gpt2_xl():
    # Assignment 1: vocab 50,257, context 1,024, 48 layers, d_model 1,600, 25 heads, d_ff 6,400
    xl = lecture02.GPT2_XL
    assert (xl.V, xl.L, xl.D, xl.N, xl.F, xl.N * xl.H) == (50257, 48, 1600, 25, 6400, 1600)
    params = 2 * 50257 * 1600 + 48 * (4 * 1600 * 1600 + 3 * 1600 * 6400 + 2 * 1600) + 1600
    assert lecture02.xl_accounting().params == params


def test_intensity_examples_as_lectured():
    rows = {row.key: row.flops / row.bytes for row in lecture02.intensity_examples().rows}
    n = 1024
    assert rows["relu"] == sp.Rational(1, 4)
    assert rows["matmul"] == sp.Rational(n * n * (2 * n - 1), 6 * n * n)
    assert lecture02.H100_AS_LECTURED.ridge == sp.Rational(1979 * 10**12, 2 * 3350 * 10**9)


def test_everything_renders_in_both_languages():
    for build in (lecture02.napkin_time, lecture02.napkin_memory, lecture02.errata, lecture02.format_claims,
                  lecture02.intensity_examples, lecture02.gpt2_check, lecture02.transformer_table,
                  lecture02.share_shift, lecture02.xl_accounting):
        assert build().to_markdown("en").strip() and build().to_markdown("zh").strip()


def test_share_figure_plots_the_hand_counted_shares():
    import xml.etree.ElementTree as ET

    # GPT-2 XL (Assignment 1), T = 1024: forward FLOPs per sequence written out by hand
    L, D, F, V, T = 48, 1600, 6400, 50257, 1024
    projections, attention = 2 * T * L * 4 * D * D, 2 * 2 * L * T * T * D
    mlp, head = 2 * T * L * 3 * D * F, 2 * T * D * V
    total = projections + attention + mlp + head
    row = next(r for r in lecture02.share_figure().rows if r[0] == "GPT-2 XL" and r[1] == 1024)
    expected = [100 * x / total for x in (projections, attention, mlp, head)]
    assert all(abs(a - b) < 1e-9 for a, b in zip(row[2], expected, strict=True))
    for lang, word in (("en", "MLP"), ("zh", "注意力投影")):
        html = lecture02.share_figure().to_markdown(lang)
        root = ET.fromstring(html)
        texts = " ".join("".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))
        assert word in texts
        assert "<figcaption>" in html and "flop-shares" in html


# ---------------------------------------------------------------- the training calculator, in Node

from test_calculator import close, node, run  # noqa: E402,F401  (the node fixture and the page's own harness)


def training_case(L, D, F, N, K, H, V, flops, hbm, chips, tokens, mfu, recipe) -> dict:
    texts = {key: str(value) for key, value in dict(L=L, D=D, F=F, N=N, K=K, H=H, V=V, flops=flops, bw="3.35e12",
                                                     hbm=hbm, chips=chips, tokens=tokens, mfu=mfu).items()}
    return {"texts": texts, "selected": {"model": "custom", "acc": "custom", "recipe": recipe}}


def test_training_calculator_agrees_with_hand_arithmetic(node):  # noqa: F811 (the imported fixture)
    cases = [
        # Llama 2 7B shape (published 6,738,415,616 parameters), 2T tokens, 989e12 FLOP/s, 512 chips, MFU 0.4
        training_case(32, 4096, 11008, 32, 32, 128, 32000, "989e12", "80e9", 512, "2e12", "0.4", "MIXED_MASTER"),
        training_case(1, 1, 1, 1, 1, 1, 1, "1", "1", 1, "1", "1", "FP32_ADAM"),
    ]
    replies = run(node, lecture02.training_calculator(), cases)
    llama = replies[0]["results"]
    params = 6_738_415_616
    assert llama["params"] == params
    assert close(llama["train_flops"], sp.Integer(6 * params * 2 * 10**12))
    assert close(llama["days"], sp.Rational(6 * params * 2 * 10**12, 989 * 10**12 * 512 * 86400) / sp.Rational(2, 5))
    assert close(llama["state_bytes"], sp.Integer(16 * params))
    assert llama["fits"] is True  # 16 bytes * 6.7e9 / 512 chips is far below 80e9
    tiny = replies[1]["results"]
    # L = D = F = N = K = H = V = 1: 3 + 2 + 2 + 2 + 2 + 1 = 12 parameters, 16 bytes each on one 1-byte chip
    assert tiny["params"] == 12 and tiny["fits"] is False
