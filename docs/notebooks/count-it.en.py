# %% [markdown]
# # Count it yourself
#
# The [intensity code page](../lecture-10/code-intensity.md) derives the FLOPs and
# bytes of the MLP and of attention symbolically. This notebook runs real layers
# in numpy on tiny shapes, counts every multiply-add and every byte that crosses
# "HBM", and checks that the counts equal the formulas from `derivations`
# exactly.
#
# ## An instrumented memory
#
# `Counter` plays the role of HBM: `read` and `write` add the bytes of an array;
# `matmul` performs a real product and adds one multiply and one add per term.
# The MLP is counted as the lecture counts it: the up and gate outputs are
# written to HBM, but reading them back for the element-wise product is not
# counted (the [code page](../lecture-10/code-intensity.md) shows the count
# with those reads; the limit does not change). Attention keeps its scores on
# chip, as FlashAttention does.

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
# ## The gated MLP
#
# Up and gate projections, the element-wise product, the down projection:
# three matmuls on $B \cdot T$ tokens.

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
# ## Attention, FlashAttention-style
#
# For each sequence: read $Q$ ($T \times D$) and the cached $K$ and $V$
# ($S \times D$ each), compute $Q K^\top$ and $\operatorname{softmax}(A) V$ on
# chip, write the output. With grouped KV heads, $K$ and $V$ have $D / G$
# columns and each KV head serves $G$ query heads.

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
# ## What the counts say
#
# Every count equals the formula, so the symbolic intensities on the code page
# are the intensities of these layers. The limits follow from the formulas:

# %%
from IPython.display import Math

Math(rf"I_{{\mathrm{{MLP}}}} \to {sp.latex(intensity.mlp().limit)}, \qquad "
     rf"I_{{\mathrm{{attn}}}}\big|_{{T=1}} = {sp.latex(intensity.attention().generate)}")
