# %% [markdown]
# # Batch sweep
#
# How latency, throughput and memory move as the batch and the context grow,
# for one model on one accelerator, with the lecture's memory model from
# [the stats code page](../lecture-10/code-stats.md). Change the first cell to
# size your own model: any constant of `derivations.models` and
# `derivations.hardware`, or your own `Model(...)` and `Accelerator(...)`.

# %%
from derivations.hardware import H100_SXM
from derivations.models import LLAMA2_13B

model, accelerator = LLAMA2_13B, H100_SXM
batches = [1, 2, 4, 8, 16, 32, 64, 96, 128, 192, 256]
contexts = [512, 1024, 2048, 4096]

# %% [markdown]
# ## The sweep
#
# Every point is `derivations.stats.decode`, evaluated exactly and converted
# to floats only for plotting.

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
# The dashed line is the accelerator's HBM capacity: points above it do not
# fit. The dotted line is its ridge point: to its right, the MLP's decoding
# intensity (equal to $B$) exceeds the accelerator's and the weight matmuls
# become compute-limited, which this memory-only model no longer describes.
#
# ## Where it stops fitting

# %%
rows = [f"| S | {message('nb_largest', lang)} | {message('nb_tokens_at', lang)} | {message('st_bound', lang)} |",
        "|---|---|---|---|"]
for context in contexts:
    largest = max_batch(model, accelerator, context)
    step = decode(model, accelerator, largest, context)
    rows.append(f"| {context} | {largest} | {float(step.step_throughput):.0f} | {term(step.bound + '_limited', lang)} |")
Markdown("\n".join(rows))
