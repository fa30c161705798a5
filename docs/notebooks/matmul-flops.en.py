# %% [markdown]
# # Achieved FLOP/s of a matrix product
#
# Lecture 2 times a matrix product and divides its exact FLOP count, $2 m n p$, by the
# measured time to get the FLOP/s actually achieved; dividing again by the accelerator's
# peak gives the MFU of that one operation. This notebook does the same with numpy on the
# CPU that runs it, in float32 and float16. The FLOP counts are exact (from
# `derivations.training`); the times are measurements, and change from run to run and from
# machine to machine. They are shown, never asserted.
#
# ## Counting first
#
# On a tiny shape, explicit loops do $m n p$ multiply-adds, and the FLOPs they count (two per
# multiply-add) equal $2 m n p$:

# %%
import time

import numpy as np

from derivations.lectures.lecture02 import MeasuredRates
from derivations.training import matmul_flops

m, n, p = 3, 4, 5
a, b = np.arange(m * n).reshape(m, n), np.arange(n * p).reshape(n, p)
product, counted = np.zeros((m, p), dtype=int), 0
for i in range(m):
    for j in range(p):
        for k in range(n):
            product[i, j] += a[i, k] * b[k, j]
            counted += 2
assert (product == a @ b).all() and counted == matmul_flops(m, n, p)
counted, matmul_flops(m, n, p)

# %% [markdown]
# ## Timing
#
# Each product runs a few times and the fastest run counts (the first run also pays for
# warming caches). numpy has no fast float16 kernel on most CPUs: it converts, so float16
# is usually *slower* there, the opposite of an accelerator, where half-precision tensor
# cores are the fast path. That is why the promised FLOP/s "depends heavily on the data type".

# %%
def best_seconds(x, y, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        x @ y
        times.append(time.perf_counter() - start)
    return min(times)


rng = np.random.default_rng(0)
repeats = 5
rows = []
for dtype, size in [("float32", 512), ("float32", 1024), ("float16", 256)]:
    x = rng.standard_normal((size, size)).astype(dtype)
    y = rng.standard_normal((size, size)).astype(dtype)
    rows.append((dtype, size, size, size, best_seconds(x, y, repeats)))
MeasuredRates(tuple(rows), repeats)

# %% [markdown]
# ## Reading the numbers
#
# A CPU reaches a small fraction of one H100's dense bf16 peak, so an "MFU" computed against
# that peak on a CPU (as the 2025 lecture's trace did, having run without a GPU) says nothing
# about the GPU. The FLOP count is the part that transfers: it is the same on every machine.
