"""Lecture 8's printed numbers, its slips, and the parallel MLPs' traffic, by hand and on arrays.

The trace is stanford-cs336/spring2025-lectures, var/traces/lecture_08_stdout.txt (2025).
"""

from __future__ import annotations

import numpy as np
from test_collectives import Ring, all_gather, reduce_scatter

from derivations.lectures import lecture08 as l08

SIZE = 100 * 1024**2 * 4  # 100 Mi float32 elements


def test_printed_bandwidths_by_hand():
    """all_reduce: size·2·3 / (4·t) / 2**30; reduce_scatter (2025): output size·3 / (4·t) / 2**30."""
    assert round(SIZE * 2 * 3 / (4 * 2.15e-3) / 2**30) == 273  # rank 0 printed 273
    assert round(SIZE * 2 * 3 / (4 * 2.17e-3) / 2**30) == 270  # rank 1 printed 270
    assert round(SIZE * 3 / (4 * 3.98e-3) / 2**30) == 74  # rank 0 printed 74
    assert round(SIZE * 3 / (4 * 3.88e-3) / 2**30) == 76  # ranks 2, 3 printed 76
    # with the input's size (4 × the output) as nccl-tests count it, rank 0 would have printed 294
    assert round(4 * SIZE * 3 / (4 * 3.98e-3) / 2**30) == 294


def test_claims_hold_and_render():
    for claims in (l08.stdout_claims(), l08.errata(), l08.zero_claims()):
        assert all(claim.holds for claim in claims.items)
        assert "✓" in claims.to_markdown("zh")
    assert len(l08.errata().items) >= 5


def test_all_reduce_example_by_numpy():
    tensors = [np.arange(4) + rank for rank in range(4)]
    assert tuple(np.sum(tensors, axis=0)) == l08.ALL_REDUCE_EXAMPLE_PRINTED


def test_mlp_traffic_against_simulated_rings():
    """Small shapes: what each strategy's rank 0 sends, simulated collective by collective."""
    batch, dim, layers, world, micro = 8, 16, 3, 4, 2
    table = {key: counted for key, _, counted, _ in l08.mlp_traffic(batch, dim, layers, world, micro).rows}
    # data parallel: one ring all-reduce of each layer's float32 gradient
    ring = Ring(world)
    rng = np.random.default_rng(1)
    for _ in range(layers):
        grads = [rng.standard_normal(dim * dim).astype(np.float32) for _ in range(world)]
        all_gather(ring, reduce_scatter(ring, grads))
    assert table["par_data_parallel"] == ring.sent[0]
    # tensor parallel: one ring all-gather of the (batch, dim / world) activations per layer
    ring = Ring(world)
    for _ in range(layers):
        all_gather(ring, [np.zeros((batch, dim // world), np.float32).ravel() for _ in range(world)])
    assert table["par_tensor_parallel"] == ring.sent[0]
    # pipeline parallel: rank 0 sends micro batches of (batch / micro, dim) to rank 1
    assert table["par_pipeline_parallel"] == micro * np.zeros((batch // micro, dim), np.float32).nbytes


def test_mlp_traffic_formulas_match_counts_at_lecture_sizes():
    for _, _, counted, formula in l08.mlp_traffic().rows:
        assert counted == formula


def test_scaling_book_tpu_question_5_by_hand():
    """tpus.md, worked problem 5: bfloat16[8, 128, 8192] is 2·8·128·8192 bytes, not 1.7e10."""
    size = 2 * 8 * 128 * 8192
    assert size == 16_777_216
    assert 1.7e10 / size > 1000
    assert size / (2 * 5e10) < 200e-6  # two links of 5e10 bytes/s: under 200 µs, not 170 ms
    assert all(claim.holds for claim in l08.scaling_book_errata().items)
