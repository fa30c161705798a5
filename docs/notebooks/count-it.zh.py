# %% [markdown]
# # 逐项计数
#
# [算术强度代码页](../lecture-10/code-intensity.md)用符号推导出了MLP和注意力的FLOPs与字节数。这个笔记本用很小的形状在numpy里实际运行这些层，统计每一次乘加和每一个进出“HBM”的字节，再检查计数是否与`derivations`给出的公式完全相等。
#
# ## 带计数器的内存
#
# `Counter`扮演HBM的角色：`read`和`write`累加数组的字节数；`matmul`实际做一次矩阵乘法，并为每一项记一次乘法和一次加法。MLP按课上的口径计数：上投影和门控投影的输出写回HBM，但逐元素相乘时把它们读回来的字节不计入（[代码页](../lecture-10/code-intensity.md)给出了计入这些读取的结果，极限不变）。注意力像FlashAttention那样把分数留在片上。

# %%
from dataclasses import dataclass

import numpy as np
import sympy as sp
from IPython.display import Markdown

from derivations import intensity
from derivations.core.i18n import message, notebook_lang
from derivations.symbols import B, D, F, S, T

lang = notebook_lang()  # the language of this notebook's page


@dataclass
class Counter:
    flops: int = 0
    bytes: int = 0

    def read(self, array):
        self.bytes += array.nbytes
        return array

    def write(self, array):
        self.bytes += array.nbytes
        return array

    def matmul(self, left, right):
        """A real (batched) matrix product; one multiply and one add per term."""
        self.flops += 2 * int(np.prod(left.shape[:-1])) * left.shape[-1] * right.shape[-1]
        return left @ right


rng = np.random.default_rng(0)


def values(*shape):
    return rng.standard_normal(shape).astype(np.float16)  # bf16-sized: 2 bytes each

# %% [markdown]
# ## 门控MLP
#
# 上投影、门控投影、逐元素相乘、下投影：对$B \cdot T$个词元做三次矩阵乘法。

# %%
def mlp_layer(batch, tokens, d_model, d_hidden):
    hbm = Counter()
    x = hbm.read(values(batch * tokens, d_model))
    w_up, w_gate = hbm.read(values(d_model, d_hidden)), hbm.read(values(d_model, d_hidden))
    w_down = hbm.read(values(d_hidden, d_model))
    up = hbm.write(hbm.matmul(x, w_up))
    gate = hbm.write(hbm.matmul(x, w_gate))
    hidden = up * np.maximum(gate, 0)  # reading up and gate back is not counted, as in the lecture
    hbm.write(hbm.matmul(hidden, w_down))
    return hbm


def compare(counted, derived, sizes):
    rows = []
    for kind in ("flops", "bytes"):
        formula = sp.Integer(getattr(derived, kind).subs(sizes))
        label = message(f"nb_{kind}", lang)
        rows.append(f"| {label} | {getattr(counted, kind)} | {formula} | {'✓' if formula == getattr(counted, kind) else '✗'} |")
        assert formula == getattr(counted, kind), (kind, sizes)
    return rows


lines = [f"| | {message('nb_counted', lang)} | {message('nb_formula', lang)} | |", "|---|---|---|---|"]
for b, t, d, f in [(1, 1, 8, 32), (2, 3, 16, 24), (4, 5, 12, 20)]:
    lines += [f"| **$B={b}, T={t}, D={d}, F={f}$** | | | |"]
    lines += compare(mlp_layer(b, t, d, f), intensity.mlp(), {B: b, T: t, D: d, F: f})
Markdown("\n".join(lines))

# %% [markdown]
# ## FlashAttention式的注意力
#
# 对每条序列：读入$Q$（$T \times D$）和缓存的$K$、$V$（各为$S \times D$），在片上计算$Q K^\top$和$\operatorname{softmax}(A) V$，再写回输出。使用分组KV头时，$K$和$V$只有$D / G$列，每个KV头由$G$个查询头共用。

# %%
def attention_layer(batch, kv_len, tokens, d_model, group=1, head_dim=2):
    hbm = Counter()
    heads = d_model // head_dim
    for _ in range(batch):
        q = hbm.read(values(heads, tokens, head_dim))
        k = hbm.read(values(heads // group, kv_len, head_dim))
        v = hbm.read(values(heads // group, kv_len, head_dim))
        k, v = np.repeat(k, group, axis=0), np.repeat(v, group, axis=0)  # on chip
        scores = hbm.matmul(q, np.swapaxes(k, -1, -2))
        weights = np.exp(scores - scores.max(-1, keepdims=True))
        hbm.write(hbm.matmul(weights / weights.sum(-1, keepdims=True), v))
    return hbm


lines = [f"| | {message('nb_counted', lang)} | {message('nb_formula', lang)} | |", "|---|---|---|---|"]
for b, s, t, d, g in [(1, 4, 4, 8, 1), (2, 6, 1, 8, 1), (3, 5, 2, 16, 2), (2, 7, 1, 16, 4)]:
    lines += [f"| **$B={b}, S={s}, T={t}, D={d}, G={g}$** | | | |"]
    lines += compare(attention_layer(b, s, t, d, g), intensity.attention(group_size=g), {B: b, S: s, T: t, D: d})
Markdown("\n".join(lines))

# %% [markdown]
# ## 计数结果说明了什么
#
# 每一项计数都与公式相等，所以代码页上用符号表示的算术强度，正是这些层实际的算术强度。极限也可以由公式直接得出：

# %%
from IPython.display import Math

Math(rf"I_{{\mathrm{{MLP}}}} \to {sp.latex(intensity.mlp().limit)}, \qquad "
     rf"I_{{\mathrm{{attn}}}}\big|_{{T=1}} = {sp.latex(intensity.attention().generate)}")
