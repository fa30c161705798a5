# %% [markdown]
# # 矩阵乘法实际达到的FLOP/s
#
# 第2讲给一次矩阵乘法计时，用它的精确FLOP数$2 m n p$除以实测时间，得到实际达到的FLOP/s；再除以加速器的峰值，就是这一次运算的MFU。本笔记本在运行它的CPU上用numpy做同样的事，分别测float32和float16。FLOP数是精确的（来自`derivations.training`）；时间则是实测值，每次运行、每台机器都不一样，所以只展示，不做断言。
#
# ## 先数清楚
#
# 取一个很小的形状，用显式循环数出的FLOP数（每次乘加算2次）正好等于$2 m n p$：

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
# ## 计时
#
# 每个乘法运行若干遍，取最快的一遍（第一遍还要承担缓存预热的开销）。在多数CPU上，numpy没有高效的float16内核，要先做类型转换，所以float16在CPU上通常反而*更慢*；加速器正好相反，走半精度张量核心才是最快的路径。这就是标称的FLOP/s“在很大程度上取决于数据类型”的原因。

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
# ## 解读这些数字
#
# CPU只能达到一张H100稠密bf16峰值的很小一部分，所以在CPU上拿这个峰值算出的“MFU”，对GPU说明不了任何问题（2025版课程的运行记录就是这样，它是在没有GPU的机器上跑出来的）。能通用的是FLOP数：它在哪台机器上都一样。
