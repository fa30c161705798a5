# %% [markdown]
# # 批大小扫描
#
# 在一块加速器上运行一个模型，批大小和上下文长度增长时，时延、吞吐量和内存如何变化？这里沿用[统计代码页](../lecture-10/code-stats.md)中课上的内存模型。改动第一个代码单元，就能估算自己的模型：可以换成`derivations.models`和`derivations.hardware`中的任意常量，也可以自己写`Model(...)`和`Accelerator(...)`。

# %%
from derivations.hardware import H100_SXM
from derivations.models import LLAMA2_13B

model, accelerator = LLAMA2_13B, H100_SXM
batches = [1, 2, 4, 8, 16, 32, 64, 96, 128, 192, 256]
contexts = [512, 1024, 2048, 4096]

# %% [markdown]
# ## 扫描
#
# 每个点都由`derivations.stats.decode`精确求值，只在画图时才转成浮点数。

# %%
import io

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt
from IPython.display import SVG, Markdown

from derivations.core.i18n import message, notebook_lang, term
from derivations.figures import font_family
from derivations.stats import decode, max_batch

lang = notebook_lang()  # the language of this notebook's page

plt.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "batch-sweep", "figure.figsize": (9, 3.2),
                     "font.size": 9, "font.family": font_family()})  # font_family: with a CJK font
figure, (latency_axis, throughput_axis, memory_axis) = plt.subplots(1, 3, constrained_layout=True)
for context in contexts:
    steps = [decode(model, accelerator, batch, context) for batch in batches]
    latency_axis.plot(batches, [float(s.latency_s) * 1e3 for s in steps], marker=".", label=f"S = {context}")
    throughput_axis.plot(batches, [float(s.throughput) for s in steps], marker=".")
    memory_axis.plot(batches, [float(s.memory_bytes) / 1e9 for s in steps], marker=".")
memory_axis.axhline(float(accelerator.hbm_bytes) / 1e9, color="gray", linestyle="--")
ridge = float(accelerator.ridge)
for axis, unit in ((latency_axis, message("nb_ms_step", lang)), (throughput_axis, message("nb_tokens_s", lang)),
                   (memory_axis, "GB")):
    axis.set_xlabel("B")
    axis.set_ylabel(unit)
    axis.axvline(ridge, color="gray", linestyle=":")
latency_axis.legend()
picture = io.StringIO()
figure.savefig(picture, format="svg", metadata={"Date": None})
SVG(picture.getvalue())

# %% [markdown]
# 虚线是加速器的HBM容量，高于它的点放不下。点线是屋脊点：在它右边，MLP解码时的算术强度（等于$B$）超过了加速器的算术强度，与权重相乘的矩阵乘法变为计算受限，这个只看内存的模型就不再适用了。
#
# ## 从哪里开始放不下

# %%
rows = [f"| S | {message('nb_largest', lang)} | {message('nb_tokens_at', lang)} | {message('st_bound', lang)} |",
        "|---|---|---|---|"]
for context in contexts:
    largest = max_batch(model, accelerator, context)
    step = decode(model, accelerator, largest, context)
    rows.append(f"| {context} | {largest} | {float(step.step_throughput):.0f} | {term(step.bound + '_limited', lang)} |")
Markdown("\n".join(rows))
