# %% [markdown]
# # Speculative sampling, simulated
#
# The [speculative decoding code page](../lecture-10/code-speculative.md)
# proves that modified rejection sampling returns exact samples of the target.
# Here we draw many samples with the sampler from `derivations.speculative`,
# test the empirical distribution against the target, and compare the mean
# number of tokens per target call with the closed form.

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
# ## The output distribution
#
# Pearson's chi-square statistic over the five tokens has four degrees of
# freedom; its 0.999 quantile is 18.47, so a correct sampler exceeds it once in
# a thousand runs and a wrong one by far.

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
# ## Tokens per target call
#
# One round proposes $\gamma$ tokens, keeps each with probability
# $\min(1, q/p)$ until the first rejection, then adds one token from the
# target. With the same $p$ and $q$ at every position the acceptance rate is
# $\alpha = \sum_x \min(p(x), q(x))$.

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
