# %% [markdown]
# # 推测解码模拟
#
# [推测解码代码页](../lecture-10/code-speculative.md)证明了修正的拒绝采样得到的样本严格服从目标模型的分布。这里用`derivations.speculative`中的采样器抽取大量样本，检验经验分布是否与目标分布一致，并把每次调用目标模型平均得到的词元数与闭式解比较。

# %%
import numpy as np
import sympy as sp
from IPython.display import Markdown

from derivations.core.i18n import message, notebook_lang, term
from derivations.speculative import alpha, expected_tokens, gamma, speculative_sample

lang = notebook_lang()  # the language of this notebook's page

rng = np.random.default_rng(2025)
draft = np.array([0.40, 0.25, 0.20, 0.10, 0.05])
target = np.array([0.10, 0.30, 0.25, 0.15, 0.20])
draws = 20_000

# %% [markdown]
# ## 输出分布
#
# 五个词元上的皮尔逊卡方统计量有4个自由度，其0.999分位数为18.47：正确的采样器平均每运行一千次才会超过它一次，错误的采样器则会远远超出。

# %%
samples = np.array([speculative_sample(draft, target, rng) for _ in range(draws)])
observed = np.bincount(samples, minlength=len(target))
expected = draws * target
chi_square = float(((observed - expected) ** 2 / expected).sum())
assert chi_square < 18.47, chi_square
rows = [f"| {term('token', lang)} | {message('nb_draft_p', lang)} | {message('nb_target_q', lang)} | "
        f"{message('observed', lang)} |", "|---|---|---|---|"]
rows += [f"| {i} | {p:.2f} | {q:.2f} | {o / draws:.4f} |" for i, (p, q, o) in enumerate(zip(draft, target, observed))]
Markdown("\n".join(rows) + "\n\n" + message("nb_chi_square", lang, value=f"{chi_square:.2f}"))

# %% [markdown]
# ## 每次调用目标模型得到的词元数
#
# 每一轮先提议$\gamma$个词元，依次以$\min(1, q/p)$的概率保留，直到第一次拒绝，再由目标模型补上一个词元。若每个位置的$p$和$q$都相同，接受率就是$\alpha = \sum_x \min(p(x), q(x))$。

# %%
def round_length(rng, proposals):
    for accepted in range(proposals):
        token = rng.choice(len(draft), p=draft)
        if rng.random() >= min(1.0, target[token] / draft[token]):
            return accepted + 1
    return proposals + 1


acceptance = float(np.minimum(draft, target).sum())
rows = [f"| γ | {message('nb_simulated_mean', lang)} | {message('nb_closed_form', lang)} |", "|---|---|---|"]
for proposals in (1, 2, 4, 8):
    lengths = [round_length(rng, proposals) for _ in range(4_000)]
    exact = float(expected_tokens().closed_form.subs({alpha: sp.Rational(str(acceptance)), gamma: proposals}))
    assert abs(np.mean(lengths) - exact) < 5 * np.std(lengths) / np.sqrt(len(lengths))
    rows.append(f"| {proposals} | {np.mean(lengths):.3f} | {exact:.3f} |")
Markdown(f"α = {acceptance:.2f}\n\n" + "\n".join(rows))
