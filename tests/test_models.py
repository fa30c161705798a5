"""Model shapes: validation, lookup, and the parameter count against weights built by hand.

The lecture's count (`stats.formulas().num_params`) is checked against the `.size` of numpy
weight arrays of tiny Llama-style models, and the published Hugging Face counts are written
out as explicit arithmetic, so neither side of an assertion comes from the code under test.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import sympy as sp

from derivations import models, symbols
from derivations.models import (
    DEEPSEEK_V2,
    LLAMA2_7B,
    LLAMA2_13B,
    LLAMA2_70B,
    LLAMA3_8B,
    LLAMA3_70B,
    MISTRAL_7B,
    MODELS,
    Model,
)
from derivations.stats import formulas, norm_weights

RNG = np.random.default_rng(0)


# ---------------------------------------------------------------- a tiny Llama built from arrays

def build_weights(L, D, F, N, K, H, V):
    """Weights of a Llama-style decoder, untied embeddings, split into matrices and norms."""
    w = lambda *shape: RNG.standard_normal(shape)  # noqa: E731
    matrices = {"embed": w(V, D), "out": w(D, V)}
    norms = {"final_norm": np.ones(D)}
    for layer in range(L):
        matrices |= {
            f"{layer}.wq": w(D, N * H), f"{layer}.wk": w(D, K * H), f"{layer}.wv": w(D, K * H),
            f"{layer}.wo": w(N * H, D),
            f"{layer}.up": w(D, F), f"{layer}.gate": w(D, F), f"{layer}.down": w(F, D),
        }
        norms |= {f"{layer}.attn_norm": np.ones(D), f"{layer}.mlp_norm": np.ones(D)}
    return matrices, norms


def forward(matrices, norms, tokens, L, N, K, H):
    """Logits of a causal GQA decoder: proves the shapes above compose into a real model."""
    rms = lambda x, g: x / np.sqrt((x**2).mean(-1, keepdims=True) + 1e-6) * g  # noqa: E731
    x = matrices["embed"][tokens]  # (T, D)
    t = len(tokens)
    mask = np.triu(np.full((t, t), -np.inf), 1)
    for layer in range(L):
        m = lambda name, layer=layer: matrices[f"{layer}.{name}"]  # noqa: E731
        h = rms(x, norms[f"{layer}.attn_norm"])
        q = (h @ m("wq")).reshape(t, N, H)
        k = np.repeat((h @ m("wk")).reshape(t, K, H), N // K, axis=1)  # each KV head serves N/K queries
        v = np.repeat((h @ m("wv")).reshape(t, K, H), N // K, axis=1)
        scores = np.einsum("tnh,snh->nts", q, k) / np.sqrt(H) + mask
        weights = np.exp(scores - scores.max(-1, keepdims=True))
        weights /= weights.sum(-1, keepdims=True)
        x = x + np.einsum("nts,snh->tnh", weights, v).reshape(t, N * H) @ m("wo")
        h = rms(x, norms[f"{layer}.mlp_norm"])
        gate = h @ m("gate")
        x = x + (gate / (1 + np.exp(-gate)) * (h @ m("up"))) @ m("down")
    return rms(x, norms["final_norm"]) @ matrices["out"]


# (L, D, F, N, K, H, V): GQA, MHA, MQA, and one with N·H != D so D and N·H cannot be swapped.
TINY_SHAPES = [
    (2, 8, 12, 4, 2, 2, 10),
    (1, 4, 5, 2, 2, 2, 11),
    (3, 6, 10, 3, 1, 2, 7),
    (2, 6, 9, 2, 1, 4, 13),
]


@pytest.mark.parametrize("L, D, F, N, K, H, V", TINY_SHAPES)
def test_formula_counts_every_matrix_of_a_tiny_model(L, D, F, N, K, H, V):
    matrices, norms = build_weights(L, D, F, N, K, H, V)
    logits = forward(matrices, norms, np.array([1, 0, 3]), L, N, K, H)
    assert logits.shape == (3, V) and np.isfinite(logits).all()

    tiny = Model("tiny", L=L, D=D, F=F, N=N, K=K, H=H, V=V)
    matrix_params = sum(a.size for a in matrices.values())
    norm_params = sum(a.size for a in norms.values())
    # The lecture's formula leaves the RMSNorm weights out; norm_weights() is exactly those.
    assert formulas().num_params.subs(tiny.values()) == matrix_params
    assert norm_weights(tiny) == norm_params
    assert formulas().num_params.subs(tiny.values()) + norm_weights(tiny) == matrix_params + norm_params


# ---------------------------------------------------------------- published counts

# Each line: 2·V·D (embed + untied output) + 3·D·F·L (MLP) + (2·D·N·H + 2·D·K·H)·L (attention)
# + (2L + 1)·D (norms) == the safetensors total on the model's Hugging Face page.
PUBLISHED = [
    # huggingface.co/meta-llama/Llama-2-7b-hf
    (LLAMA2_7B, 2 * 32000 * 4096 + 3 * 4096 * 11008 * 32 + 4 * 4096 * 4096 * 32 + (2 * 32 + 1) * 4096,
     6_738_415_616),
    # huggingface.co/meta-llama/Llama-2-13b-hf
    (LLAMA2_13B, 2 * 32000 * 5120 + 3 * 5120 * 13824 * 40 + 4 * 5120 * 5120 * 40 + (2 * 40 + 1) * 5120,
     13_015_864_320),
    # huggingface.co/meta-llama/Llama-2-70b-hf (GQA: 64 query heads, 8 KV heads)
    (LLAMA2_70B, 2 * 32000 * 8192 + 3 * 8192 * 28672 * 80 + (2 * 8192 * 64 * 128 + 2 * 8192 * 8 * 128) * 80
     + (2 * 80 + 1) * 8192, 68_976_648_192),
    # huggingface.co/meta-llama/Meta-Llama-3-8B
    (LLAMA3_8B, 2 * 128256 * 4096 + 3 * 4096 * 14336 * 32 + (2 * 4096 * 32 * 128 + 2 * 4096 * 8 * 128) * 32
     + (2 * 32 + 1) * 4096, 8_030_261_248),
    # huggingface.co/meta-llama/Meta-Llama-3-70B
    (LLAMA3_70B, 2 * 128256 * 8192 + 3 * 8192 * 28672 * 80 + (2 * 8192 * 64 * 128 + 2 * 8192 * 8 * 128) * 80
     + (2 * 80 + 1) * 8192, 70_553_706_496),
    # huggingface.co/mistralai/Mistral-7B-v0.1
    (MISTRAL_7B, 2 * 32000 * 4096 + 3 * 4096 * 14336 * 32 + (2 * 4096 * 32 * 128 + 2 * 4096 * 8 * 128) * 32
     + (2 * 32 + 1) * 4096, 7_241_732_096),
]


@pytest.mark.parametrize("shape, by_hand, published", PUBLISHED, ids=lambda v: getattr(v, "name", ""))
def test_published_count_is_formula_plus_norms(shape, by_hand, published):
    assert by_hand == published  # our arithmetic reproduces the publisher's number ...
    assert shape.published_params == published  # ... the catalog carries it ...
    # ... and the lecture's formula misses exactly the (2L + 1)·D norm weights.
    assert formulas().num_params.subs(shape.values()) + (2 * shape.L + 1) * shape.D == published
    assert norm_weights(shape) == (2 * shape.L + 1) * shape.D


def test_every_catalog_model_has_a_published_count_checked_here():
    assert {m.name for m, _, _ in PUBLISHED} == {m.name for m in MODELS}


# ---------------------------------------------------------------- shapes from config.json

# (L, D, F, N, K, H, V) from each model's config.json (hardware-and-models.md).
CONFIGS = {
    LLAMA2_7B: (32, 4096, 11008, 32, 32, 128, 32000),
    LLAMA2_13B: (40, 5120, 13824, 40, 40, 128, 32000),
    LLAMA2_70B: (80, 8192, 28672, 64, 8, 128, 32000),
    LLAMA3_8B: (32, 4096, 14336, 32, 8, 128, 128256),
    LLAMA3_70B: (80, 8192, 28672, 64, 8, 128, 128256),
    MISTRAL_7B: (32, 4096, 14336, 32, 8, 128, 32000),
}


@pytest.mark.parametrize("shape", MODELS, ids=lambda m: m.name)
def test_shape_matches_config(shape):
    assert tuple(getattr(shape, f) for f in "LDFNKHV") == CONFIGS[shape]
    assert shape.D == shape.N * shape.H  # H is the head dimension, not the hidden size
    assert shape.source.startswith("https://huggingface.co/")


@pytest.mark.parametrize("shape, group", [(LLAMA2_7B, 1), (LLAMA2_13B, 1), (LLAMA2_70B, 8), (LLAMA3_8B, 4),
                                          (LLAMA3_70B, 8), (MISTRAL_7B, 4)], ids=lambda v: getattr(v, "name", ""))
def test_group_size(shape, group):
    assert shape.G == group
    assert isinstance(shape.G, int)


def test_values_use_the_shared_symbols():
    values = LLAMA2_13B.values()
    assert values == {symbols.L: 40, symbols.D: 5120, symbols.F: 13824, symbols.N: 40, symbols.K: 40,
                      symbols.H: 128, symbols.V: 32000}
    assert sp.Symbol("D") not in values  # a fresh symbol without assumptions is a different key


def test_deepseek_v2_mla_shape():
    # DeepSeek-V2 (arXiv 2405.04434): 60 layers, 128 heads of 128, latent 512 + 64 RoPE dims.
    assert ((DEEPSEEK_V2.L, DEEPSEEK_V2.N, DEEPSEEK_V2.H, DEEPSEEK_V2.latent, DEEPSEEK_V2.rope)
            == (60, 128, 128, 512, 64))
    assert DEEPSEEK_V2.N * DEEPSEEK_V2.H == 16384  # the lecture's "N·H = 16384"


def test_mistral_sliding_window():
    assert models.MISTRAL_7B_SLIDING_WINDOW == 4096  # config.json "sliding_window"


def test_replace_gives_the_lecture_gqa_variant():
    grouped = models.replace(LLAMA2_13B, K=8)
    assert grouped.K == 8 and grouped.G == 5  # hypothetical 1:5 grouping
    assert LLAMA2_13B.K == 40  # the original is untouched


# ---------------------------------------------------------------- bad shapes name the field

@pytest.mark.parametrize("changes, field", [
    ({"K": 7}, "K"),  # 7 does not divide 40
    ({"K": 80}, "K"),  # more KV heads than query heads
    ({"K": 0}, "K"),
    ({"K": -8}, "K"),
    ({"L": 0}, "L"),
    ({"D": 5120.5}, "D"),
    ({"D": "5120"}, "D"),
    ({"F": None}, "F"),
    ({"V": float("inf")}, "V"),
    ({"H": True}, "H"),
    ({"N": sp.Symbol("n", positive=True)}, "N"),  # symbolic shapes cannot be models
])
def test_bad_field_raises_naming_it(changes, field):
    with pytest.raises(ValueError, match=rf"\b{field}\b"):
        dataclasses.replace(LLAMA2_13B, **changes)


def test_whole_float_is_stored_as_int():
    # A whole-valued float passes validation (the project's policy); it must not stay a float.
    shape = dataclasses.replace(LLAMA2_13B, D=5120.0)
    assert shape.D == 5120 and type(shape.D) is int


def test_model_is_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        LLAMA2_13B.K = 8


# ---------------------------------------------------------------- lookup

@pytest.mark.parametrize("shape", MODELS, ids=lambda m: m.name)
def test_lookup_by_constant_or_full_name(shape):
    constant = next(key for key, value in vars(models).items() if value is shape)
    assert models.model(constant) is shape
    assert models.model(shape.name) is shape


@pytest.mark.parametrize("name", ["GPT-5", "Llama 2", "llama2_13b", "Llama-2-13b-hf", ""])
def test_unknown_model_raises(name):
    with pytest.raises(ValueError, match="model .* is unknown"):
        models.model(name)


def test_model_names_are_distinct():
    assert len({m.name for m in MODELS}) == len(MODELS)
