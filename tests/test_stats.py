"""The lecture's decode model (`compute_transformer_stats`): Llama 2 13B on an H100 SXM, by hand.

Every expected number is integer arithmetic from the lecture's definitions (lecture-10.md,
section 3.4): params = 2VD + 3DFL + (2DNH + 2DKH)L, 2 bytes each; KV per sequence =
2·2·S·K·H·L; memory = B·KV + param bytes; latency = memory / bandwidth; throughput = B / latency.
"""

from __future__ import annotations

import dataclasses

import pytest
import sympy as sp

from derivations import stats
from derivations.hardware import A100_40GB, H100_SXM, TPU_V5E, Accelerator
from derivations.lectures import lecture10
from derivations.models import LLAMA2_13B, LLAMA2_70B, MODELS, Model
from derivations.symbols import B, D, F, H, K, L, N, S, V, bandwidth, kv_bytes, param_bytes
from derivations.symbols import params as P

SEQ = 1024
BANDWIDTH = 3_350 * 10**9  # H100 SXM 80GB, 3.35 TB/s
CAPACITY = 80 * 10**9

# Llama 2 13B, lecture formula (no norms): embeddings + MLP + attention.
PARAMS = 2 * 32000 * 5120 + 3 * 5120 * 13824 * 40 + (2 * 5120 * 40 * 128 + 2 * 5120 * 40 * 128) * 40
PARAM_BYTES = 2 * 13_015_449_600
KV = 2 * 2 * 1024 * 40 * 128 * 40  # key + value, bf16, S tokens, K heads of H, L layers


def by_hand_max_batch(L, D, F, N, K, H, V, S, capacity, weight_bytes=2, value_bytes=2):
    """Largest B with B·KV + params <= capacity, by integer division (bytes may be 1/2: scale by 2)."""
    params2 = int(2 * weight_bytes) * (2 * V * D + 3 * D * F * L + (2 * D * N * H + 2 * D * K * H) * L)
    kv2 = int(2 * value_bytes) * 2 * S * K * H * L
    return max((2 * capacity - params2) // kv2, 0)


def test_llama2_13b_parameter_count():
    assert PARAMS == 13_015_449_600
    result = stats.decode(LLAMA2_13B, H100_SXM, batch=1, seq_len=SEQ)
    assert result.num_params == PARAMS
    assert result.param_bytes_total == PARAM_BYTES
    assert result.kv_bytes_per_seq == KV == 838_860_800


@pytest.mark.parametrize("batch", [1, 64, 256])
def test_lecture_batches(batch):
    result = stats.decode(LLAMA2_13B, H100_SXM, batch=batch, seq_len=SEQ)
    memory = batch * KV + PARAM_BYTES
    latency = sp.Rational(memory, BANDWIDTH)
    assert result.memory_bytes == memory
    assert result.latency_s == latency
    assert result.throughput == batch / latency
    assert result.capacity_bytes == CAPACITY
    assert result.fits is (memory <= CAPACITY)
    assert (result.batch, result.seq_len, result.chips) == (batch, SEQ, 1)


def test_b64_fits_and_b256_does_not():
    # 64·838,860,800 + 26,030,899,200 = 79,717,990,400 <= 80e9; 256 sequences need 240.8 GB.
    assert 64 * KV + PARAM_BYTES == 79_717_990_400
    assert stats.decode(LLAMA2_13B, H100_SXM, batch=64, seq_len=SEQ).fits is True
    assert 256 * KV + PARAM_BYTES > CAPACITY
    assert stats.decode(LLAMA2_13B, H100_SXM, batch=256, seq_len=SEQ).fits is False
    # Latency at B = 1 is about 8 ms, at B = 64 about 24 ms: reading the KV caches dominates.
    assert round(1000 * stats.decode(LLAMA2_13B, H100_SXM, batch=1, seq_len=SEQ).latency_s) == 8
    assert round(1000 * stats.decode(LLAMA2_13B, H100_SXM, batch=64, seq_len=SEQ).latency_s) == 24


def test_max_batch_is_64():
    expected = (CAPACITY - PARAM_BYTES) // KV  # 53,969,100,800 // 838,860,800
    assert expected == 64
    assert stats.max_batch(LLAMA2_13B, H100_SXM, seq_len=SEQ) == 64
    # 64 fits and 65 does not: the boundary, not just the floor.
    assert 64 * KV + PARAM_BYTES <= CAPACITY < 65 * KV + PARAM_BYTES
    assert stats.decode(LLAMA2_13B, H100_SXM, batch=65, seq_len=SEQ).fits is False


def test_memory_exactly_at_capacity_fits():
    # A made-up part whose HBM holds exactly 64 sequences: "fits" is memory <= capacity.
    exact = Accelerator("exact fit", 989 * 10**12, BANDWIDTH, 64 * KV + PARAM_BYTES, "test")
    assert stats.decode(LLAMA2_13B, exact, batch=64, seq_len=SEQ).fits is True
    assert stats.decode(LLAMA2_13B, exact, batch=65, seq_len=SEQ).fits is False
    assert stats.max_batch(LLAMA2_13B, exact, seq_len=SEQ) == 64
    # One byte less and only 63 fit.
    short = Accelerator("one byte short", 989 * 10**12, BANDWIDTH, 64 * KV + PARAM_BYTES - 1, "test")
    assert stats.max_batch(LLAMA2_13B, short, seq_len=SEQ) == 63


def test_gqa_k8_fits_at_256():
    grouped = dataclasses.replace(LLAMA2_13B, K=8)
    params = 2 * 32000 * 5120 + 3 * 5120 * 13824 * 40 + (2 * 5120 * 40 * 128 + 2 * 5120 * 8 * 128) * 40
    kv = 2 * 2 * 1024 * 8 * 128 * 40  # a fifth of K = 40
    result = stats.decode(grouped, H100_SXM, batch=256, seq_len=SEQ)
    assert result.num_params == params == 11_337_728_000  # K is in num_params: the model shrinks too
    assert result.kv_bytes_per_seq == kv == KV // 5
    assert result.memory_bytes == 256 * kv + 2 * params == 65_625_128_960
    assert result.fits is True


def test_gqa_param_change():
    # K = 40 -> 8 removes 2·D·(40 - 8)·H·L of Wk and Wv.
    removed = 2 * 5120 * (40 - 8) * 128 * 40
    change = lecture10.gqa_param_change()
    assert (change.before, change.after) == (13_015_449_600, 13_015_449_600 - removed)
    assert change.fraction == sp.Rational(removed, 13_015_449_600)  # 128/993, about 12.9 %
    assert change.kv_heads == (40, 8)


def test_two_chips_double_bandwidth_and_capacity():
    one = stats.decode(LLAMA2_13B, H100_SXM, batch=64, seq_len=SEQ)
    two = stats.decode(LLAMA2_13B, H100_SXM, batch=64, seq_len=SEQ, chips=2)
    assert two.capacity_bytes == 2 * CAPACITY
    assert two.memory_bytes == one.memory_bytes  # the same bytes, split over two chips
    assert two.latency_s == sp.Rational(64 * KV + PARAM_BYTES, 2 * BANDWIDTH)
    assert two.throughput == 2 * one.throughput
    # 70B weights (137.95 GB) fit on no single H100, on two they leave room for 65 sequences.
    assert stats.max_batch(LLAMA2_70B, H100_SXM, seq_len=SEQ) == 0
    assert stats.max_batch(LLAMA2_70B, H100_SXM, seq_len=SEQ, chips=2) == \
        by_hand_max_batch(80, 8192, 28672, 64, 8, 128, 32000, SEQ, 2 * CAPACITY) == 65


@pytest.mark.parametrize("weights, weight_bytes", [("bf16", 2), ("fp16", 2), ("int8", 1), ("fp8", 1),
                                                   ("int4", sp.Rational(1, 2)), ("fp32", 4)])
def test_weight_dtypes(weights, weight_bytes):
    result = stats.decode(LLAMA2_13B, H100_SXM, batch=64, seq_len=SEQ, param_bytes=weights)
    assert result.param_bytes_total == weight_bytes * 13_015_449_600
    assert result.kv_bytes_per_seq == KV  # weights only


def test_int8_halves_and_int4_quarters_the_weights():
    bf16, int8, int4 = (stats.decode(LLAMA2_13B, H100_SXM, 64, SEQ, param_bytes=w).param_bytes_total
                        for w in ("bf16", "int8", "int4"))
    assert int8 == 13_015_449_600 == bf16 / 2
    assert int4 == 6_507_724_800 == bf16 / 4  # half a byte per value


@pytest.mark.parametrize("value, size", [("int8", 1), ("int4", sp.Rational(1, 2)), (1, 1),
                                         (sp.Rational(1, 2), sp.Rational(1, 2))])
def test_kv_dtype(value, size):
    result = stats.decode(LLAMA2_13B, H100_SXM, batch=64, seq_len=SEQ, kv_bytes=value)
    assert result.kv_bytes_per_seq == size * 2 * 1024 * 40 * 128 * 40


@pytest.mark.parametrize("weights, values", [("bf16", "bf16"), ("int8", "bf16"), ("int8", "int8"),
                                             ("int4", "int8"), ("int4", "int4")])
def test_quantized_max_batch(weights, values):
    size = {"bf16": 2, "int8": 1, "int4": sp.Rational(1, 2)}
    expected = by_hand_max_batch(40, 5120, 13824, 40, 40, 128, 32000, SEQ, CAPACITY, size[weights], size[values])
    assert stats.max_batch(LLAMA2_13B, H100_SXM, SEQ, 1, weights, values) == expected
    row = next(r for r in lecture10.quantization_table().rows if r[:2] == (weights, values))
    assert row[3] == expected


@pytest.mark.parametrize("kv_heads", [40, 8, 1])
@pytest.mark.parametrize("seq_len", [512, 1024, 2048, 4096, 8192])
def test_max_batch_table(kv_heads, seq_len):
    table = lecture10.max_batch_table()
    row = [m.K for m in table.models].index(kv_heads)
    column = table.seq_lens.index(seq_len)
    assert table.batches[row][column] == \
        by_hand_max_batch(40, 5120, 13824, 40, kv_heads, 128, 32000, seq_len, CAPACITY)


@pytest.mark.parametrize("device", [H100_SXM, A100_40GB, TPU_V5E], ids=lambda a: a.name)
@pytest.mark.parametrize("shape", MODELS, ids=lambda m: m.name)
def test_max_batch_matches_integer_arithmetic_everywhere(shape, device):
    expected = by_hand_max_batch(shape.L, shape.D, shape.F, shape.N, shape.K, shape.H, shape.V, 4096,
                                 int(device.hbm_bytes))
    assert stats.max_batch(shape, device, seq_len=4096) == expected


# ---------------------------------------------------------------- the throughput ceiling

def test_throughput_limit_symbolic():
    # throughput = B·β / (B·KV + P) -> β / KV as B -> oo.
    kv_per_seq = 2 * S * K * H * L * kv_bytes
    assert sp.simplify(stats.formulas().throughput_limit - bandwidth / kv_per_seq) == 0
    assert sp.expand(stats.formulas().kv_bytes_per_seq - kv_per_seq) == 0
    # P stands for the parameter count; decode() substitutes num_params for it.
    params = 2 * V * D + 3 * D * F * L + (2 * D * N * H + 2 * D * K * H) * L
    assert sp.expand(stats.formulas().num_params - params) == 0
    assert sp.expand(stats.formulas().param_bytes_total - param_bytes * P) == 0
    assert sp.simplify(stats.formulas().throughput - B * bandwidth / (B * kv_per_seq + param_bytes * P)) == 0


def test_throughput_limit_llama2_13b():
    ceiling = sp.Rational(BANDWIDTH, KV)  # ≈ 3994 tokens/s
    assert lecture10.throughput_limit().value == ceiling
    assert round(ceiling) == 3994
    huge = stats.decode(LLAMA2_13B, H100_SXM, batch=10**9, seq_len=SEQ).throughput
    assert huge < ceiling  # approached from below ...
    assert abs(float(huge / ceiling) - 1) < 1e-6  # ... and within 1e-6 at B = 10**9


def test_throughput_grows_with_diminishing_gains():
    # B·β/(B·KV + P) is increasing and concave in B: each extra sequence adds less than the last.
    values = [stats.decode(LLAMA2_13B, H100_SXM, batch=b, seq_len=SEQ).throughput for b in range(1, 8)]
    gains = [b - a for a, b in zip(values, values[1:], strict=False)]
    assert all(g > 0 for g in gains)
    assert all(later < earlier for earlier, later in zip(gains, gains[1:], strict=False))


# ---------------------------------------------------------------- tables, claims, param counts

def test_lecture_table_rows():
    table = lecture10.lecture_table()
    assert [s.batch for _, s in table.rows] == [1, 64, 256]
    assert [s.fits for _, s in table.rows] == [True, True, False]
    assert "$256$" in table.to_markdown("en") and "$256$" in table.to_markdown("zh")


def test_gqa_table_rows():
    rows = lecture10.gqa_table().rows
    assert [(s.model.K, s.batch) for _, s in rows] == [(40, 64), (8, 64), (8, 256)]
    assert rows[0][1].kv_bytes_per_seq == 5 * rows[1][1].kv_bytes_per_seq


def test_lecture_claims_build_and_hold():
    claims = lecture10.lecture_claims()
    assert len(claims.items) >= 6
    assert all(claim.holds for claim in claims.items)


def test_param_counts_rows():
    rows = stats.param_counts().rows
    assert [m for m, _, _ in rows] == list(MODELS)
    for m, formula, with_norms in rows:
        assert with_norms == m.published_params
        assert with_norms - formula == (2 * m.L + 1) * m.D


# ---------------------------------------------------------------- bad input names the parameter

@pytest.mark.parametrize("changes, name", [
    ({"batch": 0}, "batch"),
    ({"batch": -1}, "batch"),
    ({"batch": 1.5}, "batch"),
    ({"batch": None}, "batch"),
    ({"batch": True}, "batch"),  # True == 1 must not hit the cached batch=1
    ({"batch": B}, "batch"),  # symbols belong in formulas(), not decode()
    ({"seq_len": 0}, "seq_len"),
    ({"seq_len": 10.5}, "seq_len"),
    ({"chips": 0}, "chips"),
    ({"chips": 0.5}, "chips"),
    ({"param_bytes": 0}, "param_bytes"),
    ({"param_bytes": -2}, "param_bytes"),
    ({"kv_bytes": 0}, "kv_bytes"),
    ({"kv_bytes": float("nan")}, "kv_bytes"),
    ({"accelerator": "H100"}, "accelerator"),  # three different parts: ambiguous
    ({"accelerator": "H100 NVL 94GB"}, "accelerator"),
    ({"accelerator": 3_350 * 10**9}, "accelerator"),
    ({"model": "Llama 2 14B"}, "model"),
    ({"model": {"L": 40}}, "model"),  # unhashable, not a Model
    ({"model": object()}, "model"),
    ({"model": H100_SXM}, "model"),
])
def test_decode_rejects_bad_input(changes, name):
    arguments = dict(model=LLAMA2_13B, accelerator=H100_SXM, batch=1, seq_len=SEQ) | changes
    with pytest.raises(ValueError, match=name):
        stats.decode(**arguments)


@pytest.mark.parametrize("name", ["param_bytes", "kv_bytes"])
def test_decode_unknown_dtype_names_the_parameter(name):
    with pytest.raises(ValueError, match=name):
        stats.decode(LLAMA2_13B, H100_SXM, batch=1, seq_len=SEQ, **{name: "fp64"})


@pytest.mark.parametrize("name", ["param_bytes", "kv_bytes"])
def test_decode_unknown_dtype_raises(name):
    # Whatever the message, an unknown dtype must raise ValueError, not KeyError.
    with pytest.raises(ValueError, match="fp64"):
        stats.decode(LLAMA2_13B, H100_SXM, batch=1, seq_len=SEQ, **{name: "fp64"})


@pytest.mark.parametrize("changes, name", [({"K": 7}, "K"), ({"K": 0}, "K"), ({"L": 0}, "L"), ({"D": 5120.5}, "D")])
def test_bad_model_shape_fails_before_decode(changes, name):
    with pytest.raises(ValueError, match=rf"\b{name}\b"):
        stats.decode(dataclasses.replace(LLAMA2_13B, **changes), H100_SXM, batch=1, seq_len=SEQ)


def test_names_and_constants_agree():
    assert stats.decode("LLAMA2_13B", "H100_SXM", 64, SEQ) == stats.decode(LLAMA2_13B, H100_SXM, 64, SEQ)
    assert stats.decode("Llama 2 13B", "NVIDIA H100 SXM 80GB", 64, SEQ).memory_bytes == 64 * KV + PARAM_BYTES


# ---------------------------------------------------------------- both roofs, by brute force

class Counting:
    """Multiply-adds of real numpy matmuls: 2 FLOPs per term."""

    def __init__(self):
        self.flops = 0

    def matmul(self, left, right):
        self.flops += 2 * left.shape[0] * left.shape[1] * right.shape[1]
        return left @ right


def tiny_decode_step_flops(L, D, F, N, K, H, V, S, batch, seed=0):
    """Run one decode step of a tiny gated-MLP Transformer with a KV cache of S tokens and count
    every multiply-add. The input embedding is a one-hot matmul, so every parameter is used once."""
    import numpy as np

    rng = np.random.default_rng(seed)
    w = lambda *shape: rng.standard_normal(shape)  # noqa: E731
    count = Counting()
    embed, out = w(V, D), w(D, V)
    params = embed.size + out.size
    tokens = np.zeros((batch, V))
    tokens[np.arange(batch), rng.integers(0, V, batch)] = 1
    x = count.matmul(tokens, embed)
    for _ in range(L):
        wq, wk, wv, wo = w(D, N * H), w(D, K * H), w(D, K * H), w(N * H, D)
        up, gate, down = w(D, F), w(D, F), w(F, D)
        params += sum(m.size for m in (wq, wk, wv, wo, up, gate, down))
        q, k_new, v_new = count.matmul(x, wq), count.matmul(x, wk), count.matmul(x, wv)
        heads = []
        for b in range(batch):
            cache_k = w(S - 1, K * H)  # the cache holds S - 1 earlier tokens; the new one makes S
            cache_v = w(S - 1, K * H)
            keys = np.vstack([cache_k, k_new[b:b + 1]])
            values = np.vstack([cache_v, v_new[b:b + 1]])
            for head in range(N):
                kv = head // (N // K)
                qh = q[b:b + 1, head * H:(head + 1) * H]
                scores = count.matmul(qh, keys[:, kv * H:(kv + 1) * H].T)
                heads.append(count.matmul(np.exp(scores - scores.max()), values[:, kv * H:(kv + 1) * H]))
        attended = np.concatenate(heads, axis=1).reshape(batch, N * H)
        x = x + count.matmul(attended, wo)
        x = x + count.matmul(count.matmul(x, up) * count.matmul(x, gate), down)
    count.matmul(x, out)
    return count.flops, params


@pytest.mark.parametrize("shape", [(1, 8, 12, 2, 2, 4, 10, 5, 1), (2, 12, 20, 4, 2, 3, 7, 6, 3),
                                   (3, 16, 24, 4, 1, 4, 5, 9, 2)])
def test_step_flops_by_brute_force(shape):
    L_, D_, F_, N_, K_, H_, V_, S_, batch = shape
    counted, params = tiny_decode_step_flops(*shape)
    tiny = Model("tiny", L=L_, D=D_, F=F_, N=N_, K=K_, H=H_, V=V_)
    device = Accelerator("tiny chip", 1000, 10, 10**12, "test")
    step = stats.decode(tiny, device, batch, S_)
    assert step.num_params == params  # the parameter formula against the arrays' sizes
    assert step.flops == counted
    assert step.compute_s == sp.Rational(counted, 1000)


def test_compute_time_by_hand_llama2_13b_k1():
    # Llama 2 13B with one KV head, 2768 sequences of 1024 tokens on one H100 SXM.
    params = 2 * 32000 * 5120 + 3 * 5120 * 13824 * 40 + (2 * 5120 * 40 * 128 + 2 * 5120 * 1 * 128) * 40
    kv = 2 * 2 * 1024 * 1 * 128 * 40
    assert (CAPACITY - 2 * params) // kv == 2768
    flops = 2768 * (2 * params + 4 * 1024 * 40 * 128 * 40)
    memory_s = sp.Rational(2768 * kv + 2 * params, BANDWIDTH)
    compute_s = sp.Rational(flops, 989 * 10**12)
    step = stats.decode(dataclasses.replace(LLAMA2_13B, K=1), H100_SXM, 2768, SEQ)
    assert (step.latency_s, step.compute_s, step.step_s) == (memory_s, compute_s, compute_s)
    assert step.bound == "compute"
    assert step.step_throughput == 2768 / compute_s
    assert round(float(step.throughput / step.step_throughput), 2) == 2.67  # the memory-only model's optimism


@pytest.mark.parametrize("batch", [1, 64])
def test_lecture_batches_are_memory_limited(batch):
    step = stats.decode(LLAMA2_13B, H100_SXM, batch, SEQ)
    flops = batch * (2 * 13_015_449_600 + 4 * 1024 * 40 * 128 * 40)
    assert step.compute_s == sp.Rational(flops, 989 * 10**12) < step.latency_s
    assert step.bound == "memory" and step.step_s == step.latency_s and step.step_throughput == step.throughput


def test_balance_batch_is_where_the_roofs_cross():
    shape = dataclasses.replace(LLAMA2_13B, K=1)
    crossing = stats.balance_batch(shape, H100_SXM, SEQ)
    below, above = (stats.decode(shape, H100_SXM, b, SEQ) for b in (int(crossing), int(crossing) + 1))
    assert below.bound == "memory" and above.bound == "compute"
    assert stats.balance_batch(LLAMA2_13B, H100_SXM, SEQ) == sp.oo  # MHA: compute never catches up
    assert all(stats.decode(LLAMA2_13B, H100_SXM, b, SEQ).bound == "memory" for b in (1, 64, 10**6))


def test_max_batch_table_marks_compute_limited_cells():
    table = lecture10.max_batch_table()
    row = [m.K for m in table.models].index(1)
    column = table.seq_lens.index(1024)
    assert table.steps[row][column].bound == "compute"
    assert "compute-limited" in table.to_markdown("en") and "计算受限" in table.to_markdown("zh")
    assert all(step.bound == "memory" for step in table.steps[0])  # K = 40


def test_substitution_is_keyword_only_and_leaves_b_free():
    with pytest.raises(TypeError):
        stats.substitution(LLAMA2_13B, H100_SXM, SEQ)  # noqa
    values = stats.substitution(model=LLAMA2_13B, accelerator=H100_SXM, seq_len=SEQ, chips=2)
    assert B not in values and values[bandwidth] == 2 * BANDWIDTH
