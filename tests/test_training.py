"""Training arithmetic (lecture 2): FLOPs, gradients, MFU/HFU, bytes per parameter, accounting.

The expected numbers never come from `derivations.training`: FLOPs are counted by explicit
multiply-add loops that really compute the products (checked against numpy), parameters by
building every weight of a tiny Llama-style model as a numpy array, activations by keeping
the tensors a tiny forward pass produces, and published figures are written as arithmetic
with their source.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from derivations import training
from derivations.catalog.hardware import A100_SXM_80GB, H100_SXM
from derivations.catalog.models import MODELS, Model

RNG = np.random.default_rng(3)


class Counter:
    """Matrix products by explicit loops, counting one multiply and one add per term."""

    def __init__(self):
        self.flops = 0

    def mm(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        n, k = a.shape
        k_b, m = b.shape
        assert k == k_b
        out = np.zeros((n, m))
        for i in range(n):
            for j in range(m):
                for p in range(k):
                    out[i, j] += a[i, p] * b[p, j]
                    self.flops += 2
        np.testing.assert_allclose(out, a @ b, rtol=1e-12, atol=1e-12)
        return out


# ---------------------------------------------------------------- matmul and its gradients

@pytest.mark.parametrize("m, n, p", [(2, 3, 5), (4, 1, 3), (3, 3, 2)])
def test_matmul_flops_match_counted_loops(m, n, p):
    counter = Counter()
    counter.mm(RNG.normal(size=(m, n)), RNG.normal(size=(n, p)))
    assert training.matmul_flops(m, n, p) == counter.flops


@pytest.mark.parametrize("b, d_in, d_out", [(3, 4, 2), (5, 2, 3)])
def test_backward_of_a_linear_layer_is_two_counted_matmuls(b, d_in, d_out):
    x, w, upstream = RNG.normal(size=(b, d_in)), RNG.normal(size=(d_in, d_out)), RNG.normal(size=(b, d_out))
    forward, backward = Counter(), Counter()
    forward.mm(x, w)
    # loss = sum(upstream * (x @ w)): check the two gradient products against finite differences
    grad_w = backward.mm(x.T, upstream)
    grad_x = backward.mm(upstream, w.T)
    step = 1e-6
    for (i, j) in [(0, 0), (d_in - 1, d_out - 1)]:
        bumped = w.copy()
        bumped[i, j] += step
        assert abs((np.sum(upstream * (x @ bumped)) - np.sum(upstream * (x @ w))) / step - grad_w[i, j]) < 1e-5
    bumped = x.copy()
    bumped[0, 0] += step
    assert abs((np.sum(upstream * (bumped @ w)) - np.sum(upstream * (x @ w))) / step - grad_x[0, 0]) < 1e-5
    result = training.linear_gradients()
    sizes = {training.B_seqs: b, training.d_in: d_in, training.d_out: d_out}
    assert result.forward.subs(sizes) == forward.flops
    assert result.backward.subs(sizes) == backward.flops
    size = b * d_in * d_out
    assert result.per_param_per_token == (sp.Rational(forward.flops, size), sp.Rational(backward.flops, size),
                                          sp.Rational(forward.flops + backward.flops, size))


def test_full_recomputation_runs_the_forward_twice():
    b, d_in, d_out = 3, 4, 2
    counter = Counter()
    x, w, upstream = RNG.normal(size=(b, d_in)), RNG.normal(size=(d_in, d_out)), RNG.normal(size=(b, d_out))
    counter.mm(x, w)         # forward
    counter.mm(x, w)         # recomputed in the backward pass
    counter.mm(x.T, upstream)
    counter.mm(upstream, w.T)
    assert training.hardware_flops_per_param_token("full") == sp.Rational(counter.flops, b * d_in * d_out)
    assert training.hardware_flops_per_param_token("none") == 6
    assert training.utilisation("full").hfu / training.utilisation("full").mfu == sp.Rational(8, 6)


# ---------------------------------------------------------------- MFU, days

def test_mfu_of_a_simulated_run():
    # 1000 s on 4 A100s (312e12 FLOP/s dense bf16 each) doing 3.12e17 useful FLOPs: 25 %
    assert training.mfu(312 * 10**12 * 4 * 1000 // 4, 1000, A100_SXM_80GB, 4) == sp.Rational(1, 4)
    with pytest.raises(ValueError, match="^seconds must be positive"):
        training.mfu(1, 0, H100_SXM, 1)


def test_lectures_first_question_in_days():
    # lecture 2: 6 * 70e9 * 15e12 FLOPs at 989e12 FLOP/s (catalog), MFU 0.5, 1024 chips
    expected = sp.Rational(6 * 70 * 10**9 * 15 * 10**12, 989 * 10**12 // 2 * 1024 * 60 * 60 * 24)
    assert training.days(training.train_flops(70 * 10**9, 15 * 10**12), H100_SXM, 1024, 0.5) == expected
    with pytest.raises(ValueError, match="^mfu must be at most 1"):
        training.days(1, H100_SXM, 1, 1.01)


def test_mfu_bound_is_the_roofline():
    ridge = sp.Rational(989 * 10**12, 3350 * 10**9)  # H100 SXM datasheet: FLOP/s over HBM bytes/s
    assert training.mfu_bound(sp.Rational(1, 4), H100_SXM) == sp.Rational(1, 4) / ridge
    assert training.mfu_bound(ridge, H100_SXM) == 1
    assert training.mfu_bound(10 * ridge, H100_SXM) == 1
    with pytest.raises(ValueError, match="^intensity must be positive"):
        training.mfu_bound(0, H100_SXM)


# ---------------------------------------------------------------- bytes per parameter

def test_recipes_give_the_published_conventions():
    expected = {
        "FP32_ADAM": 4 + 4 + (4 + 4),        # lecture 2 (2025): parameters, gradients, optimizer state
        "MIXED_MASTER": 2 + 2 + 12,           # ZeRO (Rajbhandari et al. 2019) §3.1: 2Ψ + 2Ψ + KΨ, K = 12
        "LECTURE_2026": 2 + 2 + (4 + 4),      # lecture 2 (2026): bf16 params and grads, fp32 moments
        "SCALING_BOOK": 2 + 2 * 4,            # scaling book, training: bf16 params, two fp32 moments
        "FP32_ACCUMULATION": 2 + 2 + 4 + 4 + 8,  # ultra-scale playbook: plus fp32 gradients
    }
    assert {r: training.recipe(r).bytes_per_param for r in expected} == expected


def test_largest_model_on_eight_h100s():
    # lecture 2, both editions: 8 * 80e9 bytes / bytes per parameter
    assert training.largest_model(8 * 80 * 10**9, "FP32_ADAM") == 40 * 10**9
    assert training.largest_model(8 * 80 * 10**9, "LECTURE_2026") == sp.Rational(640 * 10**9, 12)
    with pytest.raises(ValueError, match="^recipe 'FP64' is unknown"):
        training.largest_model(1, "FP64")


# ---------------------------------------------------------------- a tiny transformer, counted

TINY = Model("tiny", L=2, D=8, F=12, N=4, K=2, H=2, V=11)


def tiny_weights(m: Model) -> dict[str, np.ndarray]:
    """Every weight of the Llama/Assignment 1 architecture, as arrays of their real shapes."""
    weights = {"embedding": RNG.normal(size=(m.V, m.D)) / 3, "final_norm": np.ones(m.D),
               "lm_head": RNG.normal(size=(m.D, m.V)) / 3}
    for layer in range(m.L):
        shapes = {"attn_norm": (m.D,), "wq": (m.D, m.N * m.H), "wk": (m.D, m.K * m.H), "wv": (m.D, m.K * m.H),
                  "wo": (m.N * m.H, m.D), "mlp_norm": (m.D,), "w1": (m.D, m.F), "w3": (m.D, m.F), "w2": (m.F, m.D)}
        for name, shape in shapes.items():
            weights[f"{layer}.{name}"] = RNG.normal(size=shape) / 3 if len(shape) == 2 else np.ones(shape)
    return weights


def rms_norm(x, gain):
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + 1e-5) * gain


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def tiny_forward(m: Model, weights, tokens: np.ndarray):
    """A forward pass whose every matmul is counted, keeping the tensors Assignment 1 lists."""
    counter, kept = Counter(), []

    def keep(*arrays):
        kept.extend(arrays)
        return arrays[0]

    logits_all = []
    group = m.N // m.K
    for sequence in tokens:
        x = weights["embedding"][sequence]
        T = len(sequence)
        for layer in range(m.L):
            w = {k.split(".", 1)[1]: v for k, v in weights.items() if k.startswith(f"{layer}.")}
            h = keep(rms_norm(x, w["attn_norm"]))
            q, k, v = (keep(counter.mm(h, w[name])) for name in ("wq", "wk", "wv"))
            heads = []
            for n in range(m.N):
                kv = n // group
                q_n = q[:, n * m.H:(n + 1) * m.H]
                k_n, v_n = k[:, kv * m.H:(kv + 1) * m.H], v[:, kv * m.H:(kv + 1) * m.H]
                scores = keep(counter.mm(q_n, k_n.T) / np.sqrt(m.H))
                scores = np.where(np.tril(np.ones((T, T))) == 1, scores, -np.inf)
                heads.append(counter.mm(keep(softmax(scores)), v_n))
            attended = keep(np.concatenate(heads, axis=1))
            x = x + keep(counter.mm(attended, w["wo"]))
            h = keep(rms_norm(x, w["mlp_norm"]))
            a, c = keep(counter.mm(h, w["w1"])), keep(counter.mm(h, w["w3"]))
            gated = keep(keep(a / (1 + np.exp(-a))) * c)
            x = x + keep(counter.mm(gated, w["w2"]))
        logits = keep(counter.mm(keep(rms_norm(x, weights["final_norm"])), weights["lm_head"]))
        keep(softmax(logits))
        logits_all.append(logits)
    return counter.flops, sum(array.size for array in kept)


@pytest.mark.parametrize("batch, seq_len", [(1, 3), (2, 4)])
def test_accounting_matches_a_counted_tiny_model(batch, seq_len):
    weights = tiny_weights(TINY)
    tokens = RNG.integers(0, TINY.V, size=(batch, seq_len))
    flops, activations = tiny_forward(TINY, weights, tokens)
    result = training.accounting(TINY, seq_len, batch)
    assert result.params == sum(w.size for w in weights.values())
    assert result.forward_flops == flops
    assert result.backward_flops == 2 * flops
    assert training.activation_values(TINY, seq_len, batch) == activations
    shares = {c.key: c.forward_flops for c in result.components}
    assert shares["embedding"] == shares["norms"] == 0
    assert sum(shares.values()) == flops


def test_accounting_matches_published_counts():
    for model in MODELS:  # Hugging Face checkpoints' totals, norms included (see catalog/models.py)
        assert training.accounting(model, 1024).params == model.published_params, model.name


def test_six_n_d_is_exact_without_attention_and_embeddings():
    # with no attention-score work (T = 1) and no embedding or norm weights, 6 per parameter per token is exact
    result = training.accounting(TINY, 1)
    matmul_params = result.params - TINY.V * TINY.D - (2 * TINY.L + 1) * TINY.D
    assert result.step_flops == 6 * matmul_params + 3 * 4 * TINY.L * TINY.N * TINY.H


@pytest.mark.parametrize("args, message", [
    ((TINY, 0), "^seq_len must be positive"),
    ((TINY, 4, -1), "^batch must be positive"),
    ((TINY, 2.5), "^seq_len must be a positive integer"),
    (("GPT-5", 4), "^model 'GPT-5' is unknown"),
])
def test_accounting_rejects_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        training.accounting(*args)


def test_bad_input_names_its_parameter():
    with pytest.raises(ValueError, match="^recompute must be"):
        training.hardware_flops_per_param_token("partial")
    with pytest.raises(ValueError, match="^m must be positive"):
        training.matmul_flops(0, 1, 1)


def test_published_results_render_in_both_languages():
    results = (training.recipe_table(), training.linear_gradients(), training.utilisation(),
               training.accounting(TINY, 4), training.accounting_equations())
    for result in results:
        en, zh = result.to_markdown("en"), result.to_markdown("zh")
        assert en.strip() and zh.strip()
    assert "Total" not in training.accounting(TINY, 4).to_markdown("zh")
