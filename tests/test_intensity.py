"""FLOPs, bytes and intensity of matmul, gated MLP and attention (CS336 lecture 10, section 3).

The expected FLOPs and bytes never come from `derivations.intensity`: they are counted by
brute force on tiny integer shapes (explicit loops that really compute the product, and the
`.nbytes` of the numpy arrays each operation reads and writes), then compared exactly with the
symbolic `flops` / `bytes` after `.subs(...)`. Dropping, doubling or transposing any term of a
formula changes the count on these shapes, so such a change fails here.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from derivations import intensity
from derivations.core import cache
from derivations.symbols import B, D, F, G, S, T, c

RNG = np.random.default_rng(0)

# numpy dtype -> bytes per value handed to the derivation (float16 stands in for bf16: 2 bytes).
DTYPES = [(np.float16, 2), (np.float32, 4)]


def small_ints(shape, dtype):
    """Small integers, exact in float16, so the loop results can be checked exactly."""
    return RNG.integers(-3, 4, size=shape).astype(dtype)


def counted_matmul(x, w):
    """x (n×k) @ w (k×m) by explicit loops; one multiply + one add per inner-product term."""
    n, k = x.shape
    k_w, m = w.shape
    assert k == k_w
    y = np.zeros((n, m))
    flops = 0
    for i in range(n):
        for j in range(m):
            for p in range(k):
                y[i, j] += float(x[i, p]) * float(w[p, j])
                flops += 2
    # The loops must really be the matmul, otherwise the count would mean nothing.
    np.testing.assert_array_equal(y, x.astype(np.float64) @ w.astype(np.float64))
    return y.astype(x.dtype), flops


def nbytes(*arrays) -> int:
    return sum(array.nbytes for array in arrays)


# ---------------------------------------------------------------- matmul: X (B×D) @ W (D×F)

MATMUL_SHAPES = [(2, 3, 5), (1, 4, 7), (3, 2, 2)]  # (B, D, F); distinct sizes catch D <-> F swaps


def brute_matmul(b, d, f, dtype):
    x, w = small_ints((b, d), dtype), small_ints((d, f), dtype)
    y, flops = counted_matmul(x, w)
    return flops, nbytes(x, w) + nbytes(y)  # read X and W, write Y


@pytest.mark.parametrize("dtype, size", DTYPES)
@pytest.mark.parametrize("b, d, f", MATMUL_SHAPES)
def test_matmul_flops_and_bytes_match_brute_force(b, d, f, dtype, size):
    flops, moved = brute_matmul(b, d, f, dtype)
    result = intensity.matmul(bytes_per_value=size)
    shape = {B: b, D: d, F: f}
    assert result.flops.subs(shape) == flops
    assert result.bytes.subs(shape) == moved
    assert result.intensity.subs(shape) == sp.Rational(flops, moved)


def test_matmul_symbolic_identities():
    result = intensity.matmul()
    # Lecture 10, section 3.2: bytes = 2BD + 2DF + 2BF, intensity BDF/(BD + BF + DF), limit B.
    assert sp.expand(result.bytes - (2 * B * D + 2 * D * F + 2 * B * F)) == 0
    assert sp.cancel(result.intensity - B * D * F / (B * D + B * F + D * F)) == 0
    assert result.limit == B
    # bytes_per_value scales bytes, not FLOPs: fp32 halves the intensity and its limit.
    fp32 = intensity.matmul(bytes_per_value=4)
    assert fp32.flops == result.flops
    assert sp.cancel(fp32.intensity - result.intensity / 2) == 0
    assert fp32.limit == B / 2


def test_matmul_intensity_approaches_batch_size_numerically():
    # Independent of sp.limit: at D = F = c·B with c large the intensity is within B/c of B.
    value = intensity.matmul().intensity.subs({B: 64, D: 64 * 10**6, F: 64 * 10**6})
    assert abs(float(value) - 64) < 1e-3


# ---------------------------------------------------------------- gated MLP on B·T tokens

MLP_SHAPES = [(2, 3, 5, 7), (1, 1, 4, 6), (3, 2, 2, 3)]  # (B, T, D, F)


def brute_mlp(b, t, d, f, dtype, reread):
    x = small_ints((b * t, d), dtype)
    w_up, w_gate, w_down = small_ints((d, f), dtype), small_ints((d, f), dtype), small_ints((f, d), dtype)
    u, flops_up = counted_matmul(x, w_up)
    g, flops_gate = counted_matmul(x, w_gate)
    h = (np.maximum(g, 0) * u).astype(dtype)  # elementwise: not counted, as in the lecture
    y, flops_down = counted_matmul(h, w_down)
    reads = [x, w_up, w_gate, w_down]
    writes = [u, g, y]
    if reread:
        reads += [u, g]  # U and G read back for the elementwise product
    return flops_up + flops_gate + flops_down, nbytes(*reads) + nbytes(*writes)


@pytest.mark.parametrize("reread", [False, True])
@pytest.mark.parametrize("dtype, size", DTYPES)
@pytest.mark.parametrize("b, t, d, f", MLP_SHAPES)
def test_mlp_flops_and_bytes_match_brute_force(b, t, d, f, dtype, size, reread):
    flops, moved = brute_mlp(b, t, d, f, dtype, reread)
    result = intensity.mlp(bytes_per_value=size, reread_intermediates=reread)
    shape = {B: b, T: t, D: d, F: f}
    assert result.flops.subs(shape) == flops
    assert result.bytes.subs(shape) == moved
    assert result.intensity.subs(shape) == sp.Rational(flops, moved)


def test_mlp_symbolic_identities():
    lecture = intensity.mlp()
    # Lecture 10, section 3.3: FLOPs 6BTDF, bytes 4BTD + 4BTF + 6DF, limit B·T (B at T = 1).
    assert sp.expand(lecture.flops - 6 * B * T * D * F) == 0
    assert sp.expand(lecture.bytes - (4 * B * T * D + 4 * B * T * F + 6 * D * F)) == 0
    assert lecture.limit == B * T
    assert lecture.generate_limit == B
    reread = intensity.mlp(reread_intermediates=True)
    assert sp.expand(reread.bytes - lecture.bytes - 4 * B * T * F) == 0  # 2 more B·T·F reads, bf16
    assert reread.limit == B * T  # the extra reads vanish against the D·F weight reads


def test_mlp_intensity_approaches_tokens_numerically():
    # At D = F = c·B·T (B·T = 6, c = 10**6) the intensity is within ~BT/c of B·T.
    value = intensity.mlp().intensity.subs({B: 2, T: 3, D: 6 * 10**6, F: 6 * 10**6})
    assert abs(float(value) - 6) < 1e-3


# ---------------------------------------------------------------- attention (FlashAttention)

ATTENTION_SHAPES = [(2, 3, 5), (1, 1, 7), (3, 4, 4)]  # (B, T, S): general, generation, prefill
HEADS, HEAD_DIM = 4, 2
DIM = HEADS * HEAD_DIM  # D = 8, divisible by every group size tested


def brute_attention(b, t, s, group, dtype=np.float16):
    """GQA attention by loops over (b, s, t, d); K and V have D/G columns."""
    kv_dim = DIM // group
    q = small_ints((b, t, DIM), dtype)
    k = small_ints((b, s, kv_dim), dtype)
    v = small_ints((b, s, kv_dim), dtype)

    def kv_column(dim):  # query column d -> the column of its KV head
        head = dim // HEAD_DIM
        return (head // group) * HEAD_DIM + dim % HEAD_DIM

    flops = 0
    scores = np.zeros((b, HEADS, t, s))
    for bi in range(b):
        for si in range(s):
            for ti in range(t):
                for di in range(DIM):  # Q·Kᵀ
                    scores[bi, di // HEAD_DIM, ti, si] += float(q[bi, ti, di]) * float(k[bi, si, kv_column(di)])
                    flops += 2
    # Softmax (not counted by the lecture); FlashAttention keeps A on chip, so no HBM bytes.
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights /= weights.sum(axis=-1, keepdims=True)
    out = np.zeros((b, t, DIM))
    for bi in range(b):
        for si in range(s):
            for ti in range(t):
                for di in range(DIM):  # softmax(A)·V
                    out[bi, ti, di] += weights[bi, di // HEAD_DIM, ti, si] * float(v[bi, si, kv_column(di)])
                    flops += 2

    # The loops must be real GQA: compare with numpy, K/V heads repeated G times.
    q4 = q.astype(np.float64).reshape(b, t, HEADS, HEAD_DIM)
    k4 = np.repeat(k.astype(np.float64).reshape(b, s, HEADS // group, HEAD_DIM), group, axis=2)
    v4 = np.repeat(v.astype(np.float64).reshape(b, s, HEADS // group, HEAD_DIM), group, axis=2)
    reference_scores = np.einsum("bthd,bshd->bhts", q4, k4)
    np.testing.assert_allclose(scores, reference_scores)
    reference = np.einsum("bhts,bshd->bthd", weights, v4).reshape(b, t, DIM)
    np.testing.assert_allclose(out, reference)

    out = out.astype(dtype)
    return flops, nbytes(q, k, v) + nbytes(out)  # read Q, K, V; write the output


@pytest.mark.parametrize("group", [1, 2, 4])
@pytest.mark.parametrize("b, t, s", ATTENTION_SHAPES)
def test_attention_flops_and_bytes_match_brute_force(b, t, s, group):
    flops, moved = brute_attention(b, t, s, group)
    shape = {B: b, T: t, S: s, D: DIM}
    numeric = intensity.attention(group_size=group)
    assert numeric.flops.subs(shape) == flops
    assert numeric.bytes.subs(shape) == moved
    assert numeric.intensity.subs(shape) == sp.Rational(flops, moved)
    symbolic = intensity.attention(group_size=G)  # the same count with G left symbolic
    assert symbolic.flops.subs(shape) == flops
    assert symbolic.bytes.subs({**shape, G: group}) == moved
    assert symbolic.intensity.subs({**shape, G: group}) == sp.Rational(flops, moved)


def test_attention_bytes_per_value_fp32():
    flops, moved = brute_attention(2, 3, 5, 2, dtype=np.float32)
    result = intensity.attention(group_size=2, bytes_per_value=4)
    shape = {B: 2, T: 3, S: 5, D: DIM}
    assert result.flops.subs(shape) == flops
    assert result.bytes.subs(shape) == moved


def test_attention_symbolic_identities_mha():
    mha = intensity.attention()
    # Lecture 10, section 3.3: FLOPs 4BSTD, bytes 4BSD + 4BTD, intensity ST/(S + T).
    assert sp.expand(mha.flops - 4 * B * S * T * D) == 0
    assert sp.expand(mha.bytes - (4 * B * S * D + 4 * B * T * D)) == 0
    assert sp.cancel(mha.intensity - S * T / (S + T)) == 0
    assert sp.cancel(mha.prefill - S / 2) == 0
    assert sp.cancel(mha.generate - S / (S + 1)) == 0
    assert mha.generate_limit == 1
    assert mha.group_size == 1


def test_attention_symbolic_identities_gqa():
    gqa = intensity.attention(group_size=G)
    # By hand: 4BSTD / (2(2BTD + 2BSD/G)) = G·S·T/(G·T + S).
    assert sp.cancel(gqa.intensity - G * S * T / (G * T + S)) == 0
    assert sp.cancel(gqa.prefill - G * S / (G + 1)) == 0
    assert sp.cancel(gqa.generate - G * S / (G + S)) == 0
    assert gqa.generate_limit == G
    assert gqa.group_size == G


@pytest.mark.parametrize("group", [1, 2, 4, 8])
def test_attention_generation_tends_to_group_size(group):
    result = intensity.attention(group_size=group)
    assert result.generate_limit == group
    assert (result.generate - group).is_negative  # below the limit for every S


@pytest.mark.parametrize("group", [1, 2, 4, G])
def test_attention_intensity_does_not_depend_on_batch(group):
    result = intensity.attention(group_size=group)
    assert B not in result.intensity.free_symbols
    assert B in result.flops.free_symbols and B in result.bytes.free_symbols  # it cancels, not absent


def test_limits_use_the_shared_positive_symbols():
    # A fresh Symbol("B") is a different symbol: only the one from derivations.symbols matches.
    assert intensity.matmul().limit != sp.Symbol("B")
    assert intensity.matmul().limit.free_symbols == {B}
    assert c not in intensity.mlp().limit.free_symbols


# ---------------------------------------------------------------- bad input names the parameter

BAD_NUMBERS = [0, -1, -0.5, float("nan"), float("inf"), float("-inf"), None, "2", sp.oo, sp.nan, -B]


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_matmul_rejects_bad_bytes_per_value(value):
    with pytest.raises(ValueError, match="bytes_per_value"):
        intensity.matmul(bytes_per_value=value)


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_mlp_and_attention_reject_bad_bytes_per_value(value):
    with pytest.raises(ValueError, match="bytes_per_value"):
        intensity.mlp(bytes_per_value=value)
    with pytest.raises(ValueError, match="bytes_per_value"):
        intensity.attention(bytes_per_value=value)


@pytest.mark.parametrize("value", [0, -1, 2.5, "8", None, float("nan"), float("inf"), sp.Rational(1, 2), -G])
def test_attention_rejects_bad_group_size(value):
    with pytest.raises(ValueError, match="group_size"):
        intensity.attention(group_size=value)


def test_bool_is_rejected_by_the_derivation_itself():
    # Through __wrapped__ (no cache): the validation itself rejects bools.
    with pytest.raises(ValueError, match="bytes_per_value"):
        intensity.matmul.__wrapped__(bytes_per_value=True)
    with pytest.raises(ValueError, match="group_size"):
        intensity.attention.__wrapped__(group_size=True)


def test_bool_is_rejected_even_when_the_equal_int_is_cached():
    intensity.attention(group_size=1)
    intensity.matmul(bytes_per_value=1)
    with pytest.raises(ValueError, match="group_size"):
        intensity.attention(group_size=True)
    with pytest.raises(ValueError, match="bytes_per_value"):
        intensity.matmul(bytes_per_value=True)


def test_unhashable_argument_raises_value_error():
    with pytest.raises(ValueError, match="bytes_per_value"):
        intensity.matmul(bytes_per_value=[2])


# ---------------------------------------------------------------- computed once per process


def computed(name: str) -> int:
    """Misses counted for `name`: COMPUTED keys each call as "module.name(args)"."""
    return sum(count for key, count in cache.COMPUTED.items() if key.startswith(f"intensity.{name}("))


def test_attention_is_computed_once_per_distinct_arguments():
    # group_size=16 is used by no other test, so the first call here is the only miss.
    before = computed("attention")
    first = intensity.attention(group_size=16)
    assert computed("attention") == before + 1
    again = [intensity.attention(16), intensity.attention(group_size=16, bytes_per_value=2), intensity.attention(16, 2)]
    assert computed("attention") == before + 1
    assert all(result is first for result in again)


def test_default_and_explicit_arguments_share_one_computation():
    # attention() may already be cached by an earlier test: at most one miss for all four calls.
    before = computed("attention")
    results = [intensity.attention(), intensity.attention(), intensity.attention(1), intensity.attention(group_size=1)]
    assert computed("attention") - before <= 1
    assert all(result is results[0] for result in results)
    # ... and a different argument is a different entry.
    assert intensity.attention(group_size=2) is not results[0]


# ---------------------------------------------------------------- narrower weights: the critical batch

def test_int8_weights_halve_the_critical_batch():
    from derivations.hardware import H100_SXM, TPU_V5E

    ridge = sp.Rational(989 * 10**12, 3_350 * 10**9)
    # by hand: 2 FLOPs per weight per sequence over b_w bytes per weight; first B with 2B / b_w > ridge
    for weight_bytes, expected in ((2, 296), (1, 148), (sp.Rational(1, 2), 74)):
        first = next(b for b in range(1, 1000) if sp.Rational(2 * b) / weight_bytes > ridge)
        assert first == expected
        assert intensity.critical_batch(H100_SXM, weight_bytes).batch == expected
    assert intensity.critical_batch(TPU_V5E).batch == next(
        b for b in range(1, 1000) if b > sp.Rational(197 * 10**12, 819 * 10**9))


@pytest.mark.parametrize("weight_bytes", [1, 2, 4])
def test_mixed_byte_matmul_counts(weight_bytes):
    # X (B×D) and Y (B×F) in bf16, W (D×F) in weight_bytes: bytes counted value by value
    b, d, f = 3, 5, 7
    counted = 2 * b * d + weight_bytes * d * f + 2 * b * f
    result = intensity.matmul(weight_bytes=weight_bytes)
    assert result.bytes.subs({B: b, D: d, F: f}) == counted
    assert result.limit == 2 * B / weight_bytes


def test_attention_with_an_int8_cache():
    # per sequence and layer at T = 1: 4·S·D FLOPs; Q and output in bf16 (4·D bytes), K and V in int8 (2·S·D/G)
    s, d, g = 1000, 64, 8
    result = intensity.attention(group_size=g, kv_bytes=1)
    assert result.generate.subs({S: s, D: d}) == sp.Rational(4 * s * d, 4 * d + 2 * s * d // g)
    assert result.generate_limit == 2 * g
