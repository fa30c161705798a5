"""ZeRO, pipelines, activation memory and Megatron's arithmetic, checked without their formulas.

- ZeRO memory: allocate each device's arrays (bf16 parameters and gradients, fp32 optimizer
  state) at their sharded shapes and add up `nbytes`;
- ZeRO traffic: run a training step's collectives on the simulated ring of test_collectives;
- bubble: simulate the pipeline schedule on a grid of ticks and measure the idle time;
- activation memory: allocate the tensors one layer saves, at the shapes tensor and sequence
  parallelism leave on one device, and add up `nbytes`;
- published figures typed as the papers print them, with their source.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from test_collectives import Ring, all_gather, buffers, reduce_scatter

from derivations import parallelism as par
from derivations.catalog.hardware import H100_SXM
from derivations.catalog.interconnects import IB_NDR, NVLINK4

BF16 = np.float16  # a 2-byte stand-in: only sizes are counted


def zero_device_arrays(params: int, devices: int, stage: int, state_dtypes) -> list[np.ndarray]:
    """What one device keeps: the full or sharded parameters, gradients and optimizer state."""
    shard = params // devices
    weights = np.zeros(shard if stage >= 3 else params, dtype=BF16)
    grads = np.zeros(shard if stage >= 2 else params, dtype=BF16)
    state = [np.zeros(shard if stage >= 1 else params, dtype=dtype) for dtype in state_dtypes]
    return [weights, grads, *state]


ADAM_FP32 = (np.float32, np.float32, np.float32)  # master weights, first and second moments: K = 12


@pytest.mark.parametrize("stage", [0, 1, 2, 3])
@pytest.mark.parametrize("devices", [1, 4, 8])
def test_zero_memory_by_allocating_shards(stage, devices):
    params = 4096
    arrays = zero_device_arrays(params, devices, stage, ADAM_FP32)
    assert par.zero_memory(params, devices, stage) == sum(array.nbytes for array in arrays)
    # lecture 7's variant: fp32 master weights, bf16 moments: K = 8
    arrays = zero_device_arrays(params, devices, stage, (np.float32, BF16, BF16))
    assert par.zero_memory(params, devices, stage, optimizer_bytes=8) == sum(array.nbytes for array in arrays)


def test_zero_paper_figure_1():
    """Rajbhandari et al. 2020, figure 1: Ψ = 7.5B, N_d = 64, K = 12: 120, 31.4, 16.6, 1.9 GB."""
    printed = {0: 120, 1: 31.4, 2: 16.6, 3: 1.9}
    for stage, gigabytes in printed.items():
        derived = float(par.zero_memory(7_500_000_000, 64, stage)) / 1e9
        assert round(derived, 1) == gigabytes


def test_lecture_7_largest_models_on_eight_a100s():
    """Lecture 7 (slides, via the note series' lecture 7 page): 8 × 80 GB, K = 8:
    6.66B, 16B, 24.62B, 53.33B parameters for stages 0–3 (6.66 is 20/3 cut, not rounded)."""
    printed = {0: 6.66, 1: 16.0, 2: 24.62, 3: 53.33}
    for stage, billions in printed.items():
        derived = par.zero_largest_model(80 * 10**9, 8, stage, 8) / 10**9
        assert abs(derived - sp.Rational(str(billions))) < sp.Rational(1, 100)


@pytest.mark.parametrize("stage", [0, 1, 2, 3])
def test_zero_traffic_by_running_the_step(stage):
    """Stages 0–2: reduce-scatter gradients, all-gather (gradients or updated parameters).
    Stage 3: all-gather parameters for the forward and for the backward, reduce-scatter gradients."""
    devices, params = 4, 64
    grads = [g.astype(BF16) for g in buffers(devices, params)]
    ring = Ring(devices)
    shards = reduce_scatter(ring, grads)
    all_gather(ring, shards)  # stage 0: the all-reduce's second half; stages 1-2: updated parameters
    if stage == 3:
        all_gather(ring, shards)  # the parameters again, for the backward pass
    assert set(ring.sent) == {par.zero_traffic(params, devices, stage)}


def test_zero_paper_volumes_for_large_n():
    """ZeRO paper §7: 2Ψ for DDP and ZeRO-1/2, 3Ψ for ZeRO-3 (elements, n → ∞)."""
    n = sp.Symbol("n", positive=True)
    psi = sp.Symbol("psi", positive=True)
    assert sp.limit(par.zero_traffic(psi, n, 0) / 2, n, sp.oo) == 2 * psi
    assert sp.limit(par.zero_traffic(psi, n, 3) / 2, n, sp.oo) == 3 * psi


def simulate_pipeline(stages: int, micro: int, chunks: int = 1, forward: int = 1, backward: int = 2):
    """Ticks on a grid: virtual stage k lives on device k mod p; a device runs one op at a time,
    forwards before backwards, micro-batches in groups of p, chunk by chunk (Megatron's order)."""
    virtual = stages * chunks
    finish = {}
    busy = [0] * stages
    pending = {(kind, j, k) for kind in "FB" for j in range(micro) for k in range(virtual)}

    def ready(op, now):
        kind, j, k = op
        before = (("F", j, k - 1) if k else None) if kind == "F" else \
            (("F", j, k) if k == virtual - 1 else ("B", j, k + 1))
        return before is None or finish.get(before, now + 1) <= now

    def order(op):
        kind, j, k = op
        return (kind == "B", j // stages, -(k // stages) if kind == "B" else k // stages, j)

    horizon = 4 * (forward + backward) * micro * chunks + 4 * virtual * (forward + backward)
    grid, now = np.zeros((stages, horizon), dtype=int), 0
    while pending:
        for device in range(stages):
            if busy[device] > now:
                continue
            candidates = [op for op in pending if op[2] % stages == device and ready(op, now)]
            if candidates:
                op = min(candidates, key=order)
                pending.remove(op)
                finish[op] = now + (forward if op[0] == "F" else backward)
                busy[device] = finish[op]
                grid[device, now:finish[op]] = 1
        now += 1
    grid = grid[:, :max(finish.values())]
    return grid  # 1 where a device works


@pytest.mark.parametrize("stages, micro, chunks", [(2, 4, 1), (4, 4, 1), (4, 8, 1), (4, 8, 2), (3, 6, 2), (4, 16, 4)])
def test_bubble_by_simulating_the_schedule(stages, micro, chunks):
    grid = simulate_pipeline(stages, micro, chunks)
    busy = grid.sum(axis=1)
    assert len(set(busy)) == 1  # every device does the same work
    idle = grid.shape[1] - busy[0]
    assert par.bubble_fraction(stages, micro, chunks) == sp.Rational(int(idle), int(busy[0]))


def test_bubble_narayanan():
    """Narayanan et al. 2021, §2.2: (p − 1)/m, and (p − 1)/(v·m) interleaved."""
    assert par.bubble_fraction(8, 8) == sp.Rational(7, 8)
    assert par.bubble_fraction(8, 8, 4) == sp.Rational(7, 32)


def saved_tensors(s, b, h, a, t=1, sp_=False, recompute="none") -> list[np.ndarray]:
    """The arrays one layer keeps for backward on one device (Korthikanti et al. 2022, §4.1).

    Tensor parallelism splits heads and the MLP's 4h columns; sequence parallelism splits the
    sequence of everything tensor parallelism leaves whole. Dropout masks are 1 byte.
    """
    seq = s // t if sp_ else s  # rows of the tensors tensor parallelism does not split
    if recompute == "full":
        return [np.zeros((seq, b, h), BF16)]
    kept = [
        np.zeros((seq, b, h), BF16),  # layer norm 1 input
        np.zeros((seq, b, h), BF16),  # QKV input (layer norm 1 output)
        np.zeros((s, b, h // t), BF16), np.zeros((s, b, h // t), BF16),  # Q, K
        np.zeros((s, b, h // t), BF16),  # V
        np.zeros((s, b, h // t), BF16),  # attention output, input of the output projection
        np.zeros((seq, b, h), np.uint8),  # attention dropout mask
        np.zeros((seq, b, h), BF16),  # layer norm 2 input
        np.zeros((seq, b, h), BF16),  # MLP input (layer norm 2 output)
        np.zeros((s, b, 4 * h // t), BF16),  # GeLU input
        np.zeros((s, b, 4 * h // t), BF16),  # GeLU output, second linear's input
        np.zeros((seq, b, h), np.uint8),  # MLP dropout mask
    ]
    if recompute == "none":
        kept += [
            np.zeros((b, a // t, s, s), BF16),  # softmax output
            np.zeros((b, a // t, s, s), np.uint8),  # its dropout mask
            np.zeros((b, a // t, s, s), BF16),  # dropped-out scores, multiplied by V
        ]
    return kept


@pytest.mark.parametrize("t", [1, 2, 4])
@pytest.mark.parametrize("sequence_parallel", [False, True])
@pytest.mark.parametrize("recompute", ["none", "selective", "full"])
def test_activation_bytes_by_allocating_the_saved_tensors(t, sequence_parallel, recompute):
    s, b, h, a = 16, 2, 32, 8
    expected = sum(x.nbytes for x in saved_tensors(s, b, h, a, t, sequence_parallel, recompute))
    assert par.activation_bytes(s, b, h, a, t, sequence_parallel, recompute) == expected


def test_saved_tensor_listing_adds_up_to_34_plus_5as_over_h():
    s, b, h, a = par.s, par.b, par.h, par.a
    total = sum(count * (s * b * h if kind == "sbh" else a * s**2 * b) for *_, count, kind, _ in par.SAVED_TENSORS)
    assert sp.expand(total - s * b * h * (34 + 5 * a * s / h)) == 0
    assert len(saved_tensors(16, 2, 32, 8)) == len(par.SAVED_TENSORS) + 1  # Q and K are one row there


def test_korthikanti_gpt3_attention_share():
    """Korthikanti et al. 2022, §4.2: for GPT-3, 5as/h = 80 against 34, so selective
    recomputation saves 70% of the activation memory (and 65% for MT-NLG's 530B shape)."""
    assert 5 * 96 * 2048 // 12288 == 80
    share = par.attention_share().share
    assert round(float(share) * 100) == 70
    mt_nlg = par.attention_share("MT-NLG 530B", 2048, 20480, 128).share
    assert round(float(mt_nlg) * 100) == 65


def test_megatron_table_1():
    """Narayanan et al. 2021, Table 1 (V = 51,200, s = 2048): parameters in billions, as printed."""
    rows = {(24, 2304): 1.7, (80, 12288): 145.6, (96, 16384): 310.1, (105, 20480): 529.6, (128, 25600): 1008.0}
    for (layers, hidden), billions in rows.items():
        by_hand = 12 * layers * hidden**2 + 13 * layers * hidden + (51200 + 2048) * hidden
        assert par.megatron_params(layers, hidden, 51200, 2048) == by_hand
        assert round(by_hand / 1e9, 1) == billions


def test_megatron_training_time():
    """Narayanan et al. 2021, §5.1: GPT-3 175B on 300B tokens, 1024 A100s at 140 TFLOP/s each:
    34 days; the 1T model on 450B tokens, 3072 GPUs at 163 TFLOP/s: 84 days."""
    days = par.train_seconds(300 * 10**9, 175 * 10**9, 1024, 140 * 10**12) / 86400
    assert round(days) == 34
    days = par.train_seconds(450 * 10**9, 1008 * 10**9, 3072, 163 * 10**12) / 86400
    assert round(days) == 84
    # 8 = 2 forward + 4 backward + 2 recomputed forward FLOPs per parameter per token
    assert par.train_seconds(1, 1, 1, 8) == 1


def test_dp_threshold_from_a_simulated_step():
    """At the threshold, 6·N·B FLOPs take as long as the simulated all-reduce of bf16 gradients."""
    devices, params = 8, 64
    ring = Ring(devices)
    all_gather(ring, reduce_scatter(ring, [g.astype(BF16) for g in buffers(devices, params)]))
    comm = sp.Rational(ring.sent[0]) / IB_NDR.bytes_per_s
    tokens = comm * H100_SXM.flops_per_s / (6 * params)
    assert par.dp_tokens_to_be_compute_bound("H100_SXM", "IB_NDR", devices, 0) == tokens


def test_tp_threshold_from_counted_flops_and_bytes():
    """One tensor-parallel layer's forward on one device: count matmul FLOPs from the shard
    shapes and the bytes of its two simulated all-reduces; FLOPs grow as h², bytes as h."""
    t, tokens, hidden = 4, 8, 64
    shard_shapes = [(hidden, 3 * hidden // t), (hidden // t, hidden),
                    (hidden, 4 * hidden // t), (4 * hidden // t, hidden)]
    flops = sum(2 * tokens * rows * cols for rows, cols in shard_shapes)
    ring = Ring(t)
    for _ in range(2):  # after the attention output projection and after the MLP
        all_gather(ring, reduce_scatter(ring, [x.astype(BF16) for x in buffers(t, tokens * hidden)]))
    t_math = sp.Rational(flops) / H100_SXM.flops_per_s
    t_comm = sp.Rational(ring.sent[0]) / NVLINK4.bytes_per_s
    threshold = hidden * t_comm / t_math  # t_math scales with h², t_comm with h
    assert par.tp_hidden_to_be_compute_bound("H100_SXM", "NVLINK4", t) == threshold


def test_pages_render_in_both_languages():
    for result in (par.zero_table(), par.largest_model_table(), par.bubble_table(), par.saved_tensor_table(),
                   par.activation_formulas(), par.dp_bound_formulas(), par.bound_table(), par.attention_share()):
        zh = result.to_markdown("zh")
        assert zh and result.to_markdown("en") != zh or "$$" in zh


@pytest.mark.parametrize("call, name", [
    (lambda: par.zero_memory(1, 1, 4), "stage"),
    (lambda: par.zero_memory(1, 1, True), "stage"),
    (lambda: par.zero_memory(0, 1, 1), "params"),
    (lambda: par.zero_memory(1, 0, 1), "devices"),
    (lambda: par.zero_memory(1, 1, 1, optimizer_bytes=-12), "optimizer_bytes"),
    (lambda: par.bubble_fraction(4, 0), "microbatches"),
    (lambda: par.bubble_fraction(0, 4), "stages"),
    (lambda: par.bubble_fraction(4, 4, 0), "chunks"),
    (lambda: par.activation_bytes(2048, 1, 12288, 96, tensor_parallel=5), "tensor_parallel"),
    (lambda: par.activation_bytes(2048, 1, 12288, 96, tensor_parallel=7), "tensor_parallel"),
    (lambda: par.activation_bytes(2049, 1, 12288, 96, tensor_parallel=8, sequence_parallel=True), "tensor_parallel"),
    (lambda: par.activation_bytes(2048, 1, 12288, 96, recompute="partial"), "recompute"),
    (lambda: par.activation_bytes(2048, 1, 12288, 96, sequence_parallel="yes"), "sequence_parallel"),
    (lambda: par.megatron_params(0, 1, 1, 1), "layers"),
    (lambda: par.train_seconds(1, 1, 0, 1), "devices"),
])
def test_bad_input_names_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()


@pytest.mark.parametrize("stages, micro, chunks", [(4, 8, 1), (4, 8, 2), (2, 4, 1)])
def test_drawn_schedule_matches_the_simulated_grid(stages, micro, chunks):
    """The schedule the page draws has the same length and work per device as the test's grid."""
    grid = simulate_pipeline(stages, micro, chunks)
    passes = par.pipeline_schedule(stages, micro, chunks)
    assert max(start + length for _, start, length, *_ in passes) == grid.shape[1]
    for device in range(stages):
        assert sum(length for d, _, length, *_ in passes if d == device) == grid[device].sum()
    assert par.pipeline_figure(stages, micro, chunks).measured == par.bubble_fraction(stages, micro, chunks)


def test_figures_render_in_both_languages():
    for figure in (par.dp_roofline(), par.pipeline_figure()):
        en, zh = figure.to_markdown("en"), figure.to_markdown("zh")
        assert en.count("<svg") == zh.count("<svg") == 1
        assert "<figcaption>" in zh and "Tokens per device" not in zh
    knees = par.dp_roofline().knees()
    assert knees == sorted(knees)  # slower links need more tokens per device
