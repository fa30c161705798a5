"""KV-cache size: numpy caches of a tiny model, by-hand sizes for each scheme (lecture 10, 3.5).

The expected byte counts are the `.nbytes` of caches actually filled by a key/value
projection, or integer arithmetic from the published shapes; never the formula itself.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from derivations import kv_cache, stats
from derivations.hardware import H100_SXM
from derivations.kv_cache import latent, rope, share, window
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
from derivations.symbols import H, K, L, N, S, c, kv_bytes

RNG = np.random.default_rng(0)
TINY = Model("tiny", L=2, D=8, F=12, N=4, K=2, H=2, V=10)


def filled_cache(model: Model, tokens: int, dtype) -> tuple[np.ndarray, np.ndarray]:
    """Keys and values (L×K×S×H each) from projecting `tokens` hidden states in every layer."""
    keys = np.empty((model.L, model.K, tokens, model.H), dtype=dtype)
    values = np.empty_like(keys)
    for layer in range(model.L):
        x = RNG.standard_normal((tokens, model.D))
        w_k, w_v = RNG.standard_normal((2, model.D, model.K * model.H))
        keys[layer] = (x @ w_k).reshape(tokens, model.K, model.H).transpose(1, 0, 2).astype(dtype)
        values[layer] = (x @ w_v).reshape(tokens, model.K, model.H).transpose(1, 0, 2).astype(dtype)
    return keys, values


def pack_int4(values: np.ndarray) -> np.ndarray:
    """Two signed 4-bit values per byte along the last axis (numpy has no int4)."""
    nibbles = (values.astype(np.int8) & 0x0F).astype(np.uint8)
    packed = nibbles[..., 0::2] | (nibbles[..., 1::2] << 4)
    # Round trip: the packing really holds every value.
    low, high = (packed & 0x0F).astype(np.int8), (packed >> 4).astype(np.int8)
    unpacked = np.stack([np.where(low > 7, low - 16, low), np.where(high > 7, high - 16, high)], -1)
    np.testing.assert_array_equal(unpacked.reshape(values.shape), values)
    return packed


# numpy dtype, dtype name handed to the derivations, bytes per value
DTYPES = [(np.float16, "bf16", 2), (np.float16, "fp16", 2), (np.float32, "fp32", 4), (np.int8, "int8", 1)]


@pytest.mark.parametrize("tokens", [1, 5, 16])
@pytest.mark.parametrize("array_dtype, name, size", DTYPES)
def test_numpy_cache_matches_decode_and_bytes_per_token(tokens, array_dtype, name, size):
    keys, values = filled_cache(TINY, tokens, array_dtype)
    assert keys.shape == (TINY.L, TINY.K, tokens, TINY.H)
    total = keys.nbytes + values.nbytes
    assert stats.decode(TINY, H100_SXM, batch=1, seq_len=tokens, kv_bytes=name).kv_bytes_per_seq == total
    assert stats.decode(TINY, H100_SXM, batch=1, seq_len=tokens, kv_bytes=size).kv_bytes_per_seq == total
    assert kv_cache.bytes_per_token(TINY, name) * tokens == total


@pytest.mark.parametrize("tokens", [1, 7])
def test_int4_cache_is_half_a_byte_per_value(tokens):
    keys, values = (RNG.integers(-8, 8, size=(TINY.L, TINY.K, tokens, TINY.H)) for _ in range(2))
    total = pack_int4(keys).nbytes + pack_int4(values).nbytes
    assert kv_cache.bytes_per_token(TINY, "int4") * tokens == total
    assert stats.decode(TINY, H100_SXM, batch=1, seq_len=tokens, kv_bytes="int4").kv_bytes_per_seq == total


def test_batch_holds_one_cache_per_sequence():
    caches = [filled_cache(TINY, 6, np.float16) for _ in range(3)]
    total = sum(k.nbytes + v.nbytes for k, v in caches)
    result = stats.decode(TINY, H100_SXM, batch=3, seq_len=6)
    assert result.memory_bytes - result.param_bytes_total == total


# Bytes per token, bf16: 2 (key and value) · K · H · L · 2 bytes, from each config.json.
PER_TOKEN = [
    (LLAMA2_7B, 2 * 32 * 128 * 32 * 2),  # 512 KiB
    (LLAMA2_13B, 2 * 40 * 128 * 40 * 2),  # 800 KiB, the lecture's model
    (LLAMA2_70B, 2 * 8 * 128 * 80 * 2),
    (LLAMA3_8B, 2 * 8 * 128 * 32 * 2),
    (LLAMA3_70B, 2 * 8 * 128 * 80 * 2),
    (MISTRAL_7B, 2 * 8 * 128 * 32 * 2),
]


@pytest.mark.parametrize("shape, bf16", PER_TOKEN, ids=lambda v: getattr(v, "name", ""))
def test_bytes_per_token_of_each_model(shape, bf16):
    assert kv_cache.bytes_per_token(shape) == bf16
    assert kv_cache.bytes_per_token(shape, "int8") == bf16 // 2
    assert kv_cache.bytes_per_token(shape, "int4") == sp.Rational(bf16, 4)
    assert kv_cache.bytes_per_token(shape, "fp32") == 2 * bf16


def test_every_model_is_in_the_per_token_list():
    assert [m for m, _ in PER_TOKEN] == list(MODELS)


@pytest.mark.parametrize("value", ["LLAMA2_13B", DEEPSEEK_V2, None])
def test_bytes_per_token_rejects_a_non_model(value):
    with pytest.raises(ValueError, match="model"):
        kv_cache.bytes_per_token(value)


def test_bytes_per_token_rejects_unknown_dtype():
    with pytest.raises(ValueError, match="fp64"):
        kv_cache.bytes_per_token(LLAMA2_13B, "fp64")


# ---------------------------------------------------------------- formulas()

def test_full_cache_formula():
    assert sp.expand(kv_cache.formulas().full - 2 * S * K * H * L * kv_bytes) == 0


def test_sliding_window_equals_full_when_the_sequence_fits():
    f = kv_cache.formulas()
    # Symbolically: W = S + c with c > 0, so S < W.
    assert sp.simplify(f.sliding_window.subs(window, S + c) - f.full) == 0
    assert sp.simplify(f.sliding_window.subs(window, S) - f.full) == 0  # S == W
    # ... and at numbers, Mistral's W = 4096.
    for tokens in (1, 100, 4096):
        shape = {**MISTRAL_7B.values(), kv_bytes: 2, window: 4096, S: tokens}
        assert f.sliding_window.subs(shape) == f.full.subs(shape) == 2 * tokens * 8 * 128 * 32 * 2


def test_sliding_window_caps_at_w_tokens():
    f = kv_cache.formulas()
    # Symbolically: S = W + c, so the window keeps W of the S tokens.
    longer = f.full.subs(S, window + c) * window / (window + c)
    assert sp.simplify(f.sliding_window.subs(S, window + c) - longer) == 0
    for tokens in (4097, 8192, 32768, 10**6):
        shape = {**MISTRAL_7B.values(), kv_bytes: 2, window: 4096, S: tokens}
        assert f.sliding_window.subs(shape) == f.full.subs(shape) * sp.Rational(4096, tokens)
        assert f.sliding_window.subs(shape) == 2 * 4096 * 8 * 128 * 32 * 2  # independent of S


@pytest.mark.parametrize("layers_sharing", [1, 2, 4, share])
def test_cross_layer_divides_by_s(layers_sharing):
    f = kv_cache.formulas()
    shared = f.cross_layer.subs(share, layers_sharing)
    assert sp.simplify(shared - f.full / layers_sharing) == 0


def test_cross_layer_at_numbers():
    # 40 layers, pairs share a cache: 20 caches of Llama 2 13B's 2·40·128 values per token.
    shape = {**LLAMA2_13B.values(), kv_bytes: 2, S: 1, share: 2}
    assert kv_cache.formulas().cross_layer.subs(shape) == 2 * 40 * 128 * 20 * 2


def test_mla_is_576_values_per_token_per_layer():
    mla = kv_cache.formulas().latent
    per_token_layer = mla.subs({S: 1, L: 1, kv_bytes: 1, latent: DEEPSEEK_V2.latent, rope: DEEPSEEK_V2.rope})
    assert per_token_layer == 512 + 64 == 576
    assert per_token_layer == sp.Rational(9, 2) * 128  # DeepSeek-V2 Table 1: (d_c + d_h^R) = 4.5·d_h
    # Over 60 layers: 34,560 elements, the paper's "34.6K" for large MLA.
    over_layers = mla.subs({S: 1, L: DEEPSEEK_V2.L, kv_bytes: 1, latent: 512, rope: 64})
    assert over_layers == 576 * 60 == 34_560
    assert sp.Rational(3455, 100) <= over_layers / 1000 < sp.Rational(3465, 100)
    # One latent per token (not a key and a value): no factor 2, linear in S.
    assert sp.expand(mla - S * (latent + rope) * L * kv_bytes) == 0


# ---------------------------------------------------------------- variants(): MHA, GQA, MQA, MLA

def test_variants_for_deepseek_v2_shape():
    rows = kv_cache.variants().rows
    names = [name for name, _, _ in rows]
    assert names[0] == "MHA" and names[2:] == ["MQA", "MLA"] and "K = 8" in names[1]
    values = [value for _, _, value in rows]
    # 2 (key and value) · heads · 128 values per token per layer; MLA 512 + 64.
    assert values == [2 * 128 * 128, 2 * 8 * 128, 2 * 128, 512 + 64]
    assert values == [32768, 2048, 256, 576]
    # Ratios to MHA, by hand: 1/16, 1/128 and 9/512.
    assert [sp.Rational(v, values[0]) for v in values] == [1, sp.Rational(1, 16), sp.Rational(1, 128),
                                                         sp.Rational(9, 512)]


def test_variant_formulas_evaluate_to_their_values():
    shape = {N: 128, H: 128, K: 8, latent: 512, rope: 64}
    for _, formula, value in kv_cache.variants().rows:
        assert formula.subs(shape) == value


@pytest.mark.parametrize("kv_heads", [1, 4, 16, 64])
def test_variants_gqa_row_follows_kv_heads(kv_heads):
    assert kv_cache.variants(gqa_kv_heads=kv_heads).rows[1][2] == 2 * kv_heads * 128


@pytest.mark.parametrize("value", [0, -8, 2.5, "8", None])
def test_variants_reject_bad_kv_heads(value):
    with pytest.raises(ValueError, match="gqa_kv_heads"):
        kv_cache.variants(gqa_kv_heads=value)


@pytest.mark.parametrize("kv_heads", [7, 256])
def test_variants_reject_kv_heads_not_dividing_n(kv_heads):
    with pytest.raises(ValueError, match="gqa_kv_heads"):
        kv_cache.variants(gqa_kv_heads=kv_heads)


def test_variants_table_renders_in_both_languages():
    for lang in ("en", "zh"):
        text = kv_cache.variants().to_markdown(lang)
        assert "32{,}768" in text and "576" in text
        # The "vs MHA" column: 2048/32768, 256/32768, 576/32768 = 1/16, 1/128, 9/512.
        assert "0.0625" in text and "0.00781" in text and "0.0176" in text


# ---------------------------------------------------------------- Mistral's window

@pytest.mark.parametrize("tokens, ratio", [
    (32_768, sp.Rational(1, 8)),  # 4096 / 32768
    (8_192, sp.Rational(1, 2)),
    (4_097, sp.Rational(4096, 4097)),
    (4_096, 1),  # the whole sequence fits in the window
    (1_000, 1),
])
def test_window_ratio(tokens, ratio):
    result = kv_cache.window_ratio(MISTRAL_7B, 4096, tokens)
    assert result.ratio == ratio
    assert result.seq_len == tokens and result.model is MISTRAL_7B


def test_lecture_window_ratio_is_mistral_at_32k():
    from derivations.lectures import lecture10

    result = lecture10.window_ratio()
    assert result.ratio == sp.Rational(4096, 32768) == sp.Rational(1, 8)
    assert (result.model, result.window_tokens, result.seq_len) == (MISTRAL_7B, 4096, 32768)


@pytest.mark.parametrize("value", [0, -1, 1.5, None])
def test_window_ratio_rejects_bad_seq_len(value):
    with pytest.raises(ValueError, match="seq_len"):
        kv_cache.window_ratio(MISTRAL_7B, 4096, value)


def test_cache_table_rejects_unknown_dtype():
    with pytest.raises(ValueError, match="fp64"):
        kv_cache.cache_table(dtypes=("bf16", "fp64"))


# ---------------------------------------------------------------- why a KV cache exists, by brute force

def generation_flops(T, P, N, H, L, cached):
    """Sum, step by step, the FLOPs of generating T tokens from an empty prompt: without a cache
    step t runs all t tokens (2P each) and t queries against t keys; with one, one token against t."""
    total = 0
    for t in range(1, T + 1):
        queries = 1 if cached else t
        total += 2 * P * queries + L * N * (2 * queries * t * H + 2 * queries * t * H)  # QKᵀ and AV
    return total


@pytest.mark.parametrize("T, P, N, H, L", [(1, 10, 1, 1, 1), (7, 100, 2, 3, 4), (50, 12345, 8, 16, 3)])
def test_cache_flops_by_summing_steps(T, P, N, H, L):
    from derivations.symbols import params

    result = kv_cache.cache_flops()
    values = {kv_cache.generated: T, params: P, kv_cache.N: N, kv_cache.H: H, kv_cache.L: L}
    assert result.total_without.subs(values) == generation_flops(T, P, N, H, L, cached=False)
    assert result.total_with.subs(values) == generation_flops(T, P, N, H, L, cached=True)
    attention_only = sp.Rational(generation_flops(T, 0, N, H, L, False), generation_flops(T, 0, N, H, L, True))
    assert result.attention_ratio.subs(kv_cache.generated, T) == attention_only


def test_cache_flops_orders():
    result = kv_cache.cache_flops()
    T = kv_cache.generated
    assert sp.degree(sp.expand(result.total_without), T) == 3
    assert sp.degree(sp.expand(result.total_with), T) == 2
    assert (sp.degree(result.per_step_without, kv_cache.step) == 2
            and sp.degree(result.per_step_with, kv_cache.step) == 1)


# ---------------------------------------------------------------- PagedAttention's waste, simulated

def simulate_blocks(length, block):
    """Allocate a sequence's cache token by token in blocks of `block` slots; return unused slots."""
    allocated = used = 0
    for _ in range(length):
        if used == allocated:
            allocated += block
        used += 1
    return allocated - used


@pytest.mark.parametrize("block", [1, 4, 16, 32])
def test_block_waste_by_simulation(block):
    waste = kv_cache.block_waste()
    worst = 0
    for length in range(1, 200):
        simulated = simulate_blocks(length, block)
        assert waste.waste.subs({kv_cache.S: length, kv_cache.block: block}) == simulated
        worst = max(worst, simulated)
    assert worst == waste.bound.subs(kv_cache.block, block)  # reached: at most one partly filled block
