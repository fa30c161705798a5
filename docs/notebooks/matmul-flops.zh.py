# %% [markdown]
# # 矩阵乘法实际达到的FLOP/s
#
# 第2讲给一次矩阵乘法计时，用它的精确FLOP数$2 m n p$除以实测时间，得到实际达到的FLOP/s；再除以加速器的峰值，就是这一次运算的MFU。本笔记本在运行它的CPU上用numpy做同样的事，分别用float32和float16。FLOP数是精确的（来自`derivations.training`）；时间则是测量值，每次运行、每台机器都不一样。它们只展示，从不断言。
#
# ## 先数清楚
#
# 在一个很小的形状上，用显式循环数出的乘加次数等于$2 m n p$：

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
# 每次乘法运行若干遍，取最快的一遍（第一遍还要为预热缓存买单）。多数CPU上numpy没有快速的float16内核，要先做类型转换，所以float16在那里通常反而*更慢*；加速器恰恰相反，半精度张量核心才是快车道。这就是为什么标称的FLOP/s“在很大程度上取决于数据类型”。

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
# CPU只能达到一张H100稠密bf16峰值的很小一部分，所以在CPU上对照这个峰值算出的“MFU”（2025版课程的执行记录就是在没有GPU的机器上跑出来的）对GPU毫无意义。能迁移的是FLOP数：它在每台机器上都一样。
