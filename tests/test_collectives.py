"""Ring collectives, checked by running the ring on numpy arrays and counting the bytes sent.

Each simulated device holds real arrays; a step moves arrays between neighbours and counts
their `nbytes`. The step count, bytes per device, result (against numpy's sum) and time
(steps × latency + bytes / bandwidth) come from the simulation, never from the formulas.
nccl-tests' bus bandwidth is checked against its definition in doc/PERFORMANCE.md
(https://github.com/NVIDIA/nccl-tests/blob/master/doc/PERFORMANCE.md): all-reduce
2(n-1)/n, reduce-scatter, all-gather and all-to-all (n-1)/n, broadcast and reduce 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest
import sympy as sp

from derivations import collectives
from derivations.catalog import interconnects
from derivations.collectives import Level


@dataclass
class Ring:
    """n devices in a ring; `sent[i]` counts bytes device i put on its link, `steps` the rounds."""

    n: int
    sent: list[int] = field(default_factory=list)
    per_step: list[int] = field(default_factory=list)  # largest bytes any device sent in each step

    def __post_init__(self):
        self.sent = [0] * self.n

    def step(self, messages: dict[int, np.ndarray]) -> dict[int, np.ndarray]:
        """Every device i sends messages[i] to device i+1; returns what each device received."""
        for sender, array in messages.items():
            self.sent[sender] += array.nbytes
        self.per_step.append(max(array.nbytes for array in messages.values()))
        return {(sender + 1) % self.n: array.copy() for sender, array in messages.items()}

    @property
    def steps(self) -> int:
        return len(self.per_step)

    def seconds(self, bandwidth, latency=0) -> sp.Expr:
        return sum((latency + sp.Rational(size) / bandwidth for size in self.per_step), sp.Integer(0))


def reduce_scatter(ring: Ring, inputs: list[np.ndarray]) -> list[np.ndarray]:
    """inputs[i] is device i's full buffer; returns device i's reduced shard (shard i)."""
    n = ring.n
    chunks = [list(np.split(buffer.copy(), n)) for buffer in inputs]
    for k in range(n - 1):
        # device i sends its partial sum of chunk (i - 1 - k) mod n; the receiver adds its own
        received = ring.step({i: chunks[i][(i - 1 - k) % n] for i in range(n)})
        for receiver, array in received.items():
            index = (receiver - 2 - k) % n
            chunks[receiver][index] = chunks[receiver][index] + array
    return [chunks[i][i] for i in range(n)]


def all_gather(ring: Ring, shards: list[np.ndarray]) -> list[np.ndarray]:
    """shards[i] is shard i, on device i; returns every device's concatenation of all shards."""
    n = ring.n
    held = [{i: shards[i]} for i in range(n)]
    for k in range(n - 1):
        received = ring.step({i: held[i][(i - k) % n] for i in range(n)})
        for receiver, array in received.items():
            held[receiver][(receiver - 1 - k) % n] = array
    return [np.concatenate([held[i][j] for j in range(n)]) for i in range(n)]


def all_to_all(ring: Ring, pieces: list[list[np.ndarray]]) -> list[list[np.ndarray]]:
    """pieces[i][j] goes from device i to device j; each step forwards every piece not yet home."""
    n = ring.n
    travelling = [[(j, pieces[i][j]) for j in range(n) if j != i] for i in range(n)]
    arrived = [{i: pieces[i][i]} for i in range(n)]
    source = [[i] * (n - 1) for i in range(n)]
    while any(travelling):
        packed = {i: np.concatenate([piece for _, piece in travelling[i]]) if travelling[i] else
                  np.empty(0, dtype=pieces[0][0].dtype) for i in range(n)}
        layout = [[(dest, piece.size, src) for (dest, piece), src in zip(travelling[i], source[i], strict=True)]
                  for i in range(n)]
        received = ring.step(packed)
        travelling, source = [[] for _ in range(n)], [[] for _ in range(n)]
        for receiver, array in received.items():
            offset = 0
            for dest, size, src in layout[(receiver - 1) % n]:
                piece = array[offset: offset + size]
                offset += size
                if dest == receiver:
                    arrived[receiver][src] = piece
                else:
                    travelling[receiver].append((dest, piece))
                    source[receiver].append(src)
    return [[arrived[j][i] for i in range(n)] for j in range(n)]


def buffers(n: int, elements: int, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.integers(-100, 100, size=elements).astype(np.float32) for _ in range(n)]


@pytest.mark.parametrize("n", [2, 3, 4, 8])
def test_reduce_scatter_on_a_ring(n):
    inputs = buffers(n, 12 * n)
    ring = Ring(n)
    shards = reduce_scatter(ring, inputs)
    total = np.sum(inputs, axis=0)
    for i, shard in enumerate(shards):
        np.testing.assert_array_equal(shard, np.split(total, n)[i])
    full = inputs[0].nbytes
    assert ring.steps == collectives.steps("reduce_scatter", n)
    assert set(ring.sent) == {collectives.bytes_sent("reduce_scatter", full, n)}
    assert ring.seconds(7, 3) == collectives.time("reduce_scatter", full, n, 7, 3)


@pytest.mark.parametrize("n", [2, 3, 4, 8])
def test_all_gather_on_a_ring(n):
    shards = buffers(n, 5)
    ring = Ring(n)
    gathered = all_gather(ring, shards)
    for result in gathered:
        np.testing.assert_array_equal(result, np.concatenate(shards))
    full = sum(shard.nbytes for shard in shards)
    assert ring.steps == collectives.steps("all_gather", n)
    assert set(ring.sent) == {collectives.bytes_sent("all_gather", full, n)}
    assert ring.seconds(11) == collectives.time("all_gather", full, n, 11)


@pytest.mark.parametrize("n", [2, 4, 5])
def test_all_reduce_is_reduce_scatter_then_all_gather(n):
    inputs = buffers(n, 6 * n, seed=n)
    ring = Ring(n)
    results = all_gather(ring, reduce_scatter(ring, inputs))
    for result in results:
        np.testing.assert_array_equal(result, np.sum(inputs, axis=0))
    full = inputs[0].nbytes
    assert ring.steps == collectives.steps("all_reduce", n)
    assert set(ring.sent) == {collectives.bytes_sent("all_reduce", full, n)}
    assert ring.seconds(5, sp.Rational(1, 10)) == collectives.time("all_reduce", full, n, 5, sp.Rational(1, 10))


@pytest.mark.parametrize("n", [2, 3, 4, 6])
def test_all_to_all_on_a_ring(n):
    rng = np.random.default_rng(n)
    pieces = [[rng.integers(0, 1000, size=3).astype(np.int32) for _ in range(n)] for _ in range(n)]
    ring = Ring(n)
    received = all_to_all(ring, pieces)
    for j in range(n):
        for i in range(n):
            np.testing.assert_array_equal(received[j][i], pieces[i][j])
    full = sum(piece.nbytes for row in pieces for piece in row)  # the whole buffer, over all devices
    assert ring.steps == collectives.steps("all_to_all", n)
    assert set(ring.sent) == {collectives.bytes_sent("all_to_all", full, n)}
    assert ring.seconds(3, 2) == collectives.time("all_to_all", full, n, 3, 2)


def test_symbolic_times_are_the_simulated_times_for_any_size():
    """The symbolic formula, evaluated, agrees with simulations of several sizes at once."""
    M, n, W, alpha = collectives.M, collectives.n, collectives.W, collectives.alpha
    for devices in (2, 3, 4, 7):
        inputs = buffers(devices, 4 * devices)
        ring = Ring(devices)
        all_gather(ring, reduce_scatter(ring, inputs))
        formula = collectives.time("all_reduce", M, n, W, alpha)
        assert formula.subs({M: inputs[0].nbytes, n: devices, W: 13, alpha: 2}) == ring.seconds(13, 2)


@pytest.mark.parametrize("op", ["all_gather", "reduce_scatter", "all_reduce"])
def test_bus_bandwidth_of_an_ideal_ring_is_the_link_bandwidth(op):
    """nccl-tests chose the factor so that busbw reads the link speed, whatever n is."""
    for devices in (2, 4, 8):
        inputs = buffers(devices, 8 * devices)
        ring = Ring(devices)
        if op == "all_gather":
            all_gather(ring, [x[:8] for x in inputs])
            full = 8 * devices * 4
        elif op == "reduce_scatter":
            reduce_scatter(ring, inputs)
            full = inputs[0].nbytes
        else:
            all_gather(ring, reduce_scatter(ring, inputs))
            full = inputs[0].nbytes
        assert collectives.bus_bandwidth(op, full, devices, ring.seconds(450)) == 450


def test_bus_bandwidth_definitions_from_nccl_tests():
    size, seconds = 2**30, sp.Rational(1, 100)
    algbw = sp.Rational(2**30) * 100
    assert collectives.algorithm_bandwidth(size, seconds) == algbw
    assert collectives.bus_bandwidth("all_reduce", size, 8, seconds) == algbw * 2 * 7 / 8
    for op in ("all_gather", "reduce_scatter", "all_to_all"):
        assert collectives.bus_bandwidth(op, size, 8, seconds) == algbw * 7 / 8
    for op in ("broadcast", "reduce"):
        assert collectives.bus_bandwidth(op, size, 8, seconds) == algbw


def test_hierarchical_all_reduce_on_two_nodes():
    """Reduce-scatter in each node, all-reduce of the shards across nodes, all-gather in each node."""
    gpus, nodes = 4, 3
    inputs = [buffers(gpus, 6 * gpus * nodes, seed=node) for node in range(nodes)]  # inputs[node][gpu]
    inner_rings = [Ring(gpus) for _ in range(nodes)]
    shards = [reduce_scatter(inner_rings[node], inputs[node]) for node in range(nodes)]  # shards[node][gpu]
    outer_rings = [Ring(nodes) for _ in range(gpus)]
    reduced = [all_gather(outer_rings[g], reduce_scatter(outer_rings[g], [shards[k][g] for k in range(nodes)]))
               for g in range(gpus)]  # reduced[gpu][node]
    for node in range(nodes):
        ring = inner_rings[node]
        finals = all_gather(ring, [reduced[g][node] for g in range(gpus)])
        for final in finals:
            np.testing.assert_array_equal(final, np.sum([x for row in inputs for x in row], axis=0))
    nvlink, network = 40, 5
    seconds = inner_rings[0].seconds(nvlink) + outer_rings[0].seconds(network)
    levels = (Level("inner", gpus, nvlink), Level("outer", nodes, network))
    assert seconds == collectives.hierarchical_time("all_reduce", inputs[0][0].nbytes, levels)
    # one flat ring of all 12 devices crosses the slow links: its time at the slowest bandwidth
    flat = Ring(gpus * nodes)
    all_gather(flat, reduce_scatter(flat, [x for row in inputs for x in row]))
    assert flat.seconds(network) == collectives.flat_time("all_reduce", inputs[0][0].nbytes, levels)
    assert (collectives.hierarchical_time("all_reduce", 10**9, levels)
            < collectives.flat_time("all_reduce", 10**9, levels))


def test_two_devices_all_reduce_sends_the_buffer_once():
    # by hand: each of 2 devices sends half the buffer in each of the 2 phases
    assert collectives.bytes_sent("all_reduce", 1000, 2) == 1000
    assert collectives.time("all_reduce", 1000, 1, 10) == 0  # one device: nothing to do


def test_hierarchy_table_renders_both_languages():
    table = collectives.hierarchy_table()
    assert "NVLink" in table.to_markdown("en")
    zh = table.to_markdown("zh")
    assert "分层" in zh and "Hierarchical" not in zh


def test_interconnect_units():
    """Per-direction bytes/s from the vendor's own wording (datasheets in the catalog)."""
    assert interconnects.NVLINK4.bytes_per_s == 900 * 10**9 // 2  # "900 GB/s" NVLink total, both ways
    assert interconnects.NVLINK4.bytes_per_s_per_link == 25 * 10**9  # 18 links
    assert interconnects.IB_NDR.bytes_per_s == 400 * 10**9 // 8  # "400 Gb/s" per port, per direction
    assert interconnects.TPU_V5E_ICI.bytes_per_s_per_link == 5 * 10**10  # scaling book: 5e10 one way per link
    assert interconnects.TPU_V5P_ICI.bytes_per_s_per_link == 10**11
    assert interconnects.interconnect(interconnects.IB_HDR) is interconnects.IB_HDR
    with pytest.raises(ValueError, match="quoted_as"):
        interconnects.Interconnect("x", "scale_up", 1, "bytes", "both", 1, "")
    with pytest.raises(ValueError, match="interconnect"):
        interconnects.interconnect("NVLink")


@pytest.mark.parametrize("call, name", [
    (lambda: collectives.time("gather", 1, 2, 1), "op"),
    (lambda: collectives.time("all_reduce", 0, 2, 1), "bytes"),
    (lambda: collectives.time("all_reduce", 1, 0, 1), "devices"),
    (lambda: collectives.time("all_reduce", 1, 2.5, 1), "devices"),
    (lambda: collectives.time("all_reduce", 1, 2, -1), "bandwidth"),
    (lambda: collectives.time("all_reduce", 1, 2, 1, -1), "latency"),
    (lambda: collectives.bus_bandwidth("all_reduce", 1, 2, 0), "seconds"),
    (lambda: collectives.bus_bandwidth("scatter", 1, 2, 1), "op"),
])
def test_bad_input_names_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()
