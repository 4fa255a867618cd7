# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Paper title, exactly as published
#
# **First Author, Second Author, ...** · *Venue Year* · [arXiv:0000.00000](https://arxiv.org/abs/0000.00000)
# · {cite}`bibkey2024`
#
# One paragraph, in our own words: the question the paper asks, what it does, what it finds (naming its key
# figure or table and numbers).
#
# ```{admonition} Claims tested in this chapter
# :class: tip
# **C1.** One sentence, with the paper's own evidence (figure/table, number).
# ```
#
# (Copy this file to `chapters/<part>/<slug>.py`, add the slug to `_toc.yml`, the paper to `references.bib`.
# See CONTRIBUTING.md.)

# %% tags=["parameters"]
SCALE = "ci"  # "ci": <= 45 s on one core; "paper": the paper-like configuration, same code path
SEED = 0  # every source of randomness derives from SEED

# %%
import numpy as np
import matplotlib.pyplot as plt
from myst_nb import glue

from lib import plot
from lib.claims import Ledger, REPRODUCED
from lib.config import scale_config
from lib.seeding import seed_everything, seed_list
from lib.stats import mean_ci

plot.use_style()
cfg = scale_config(SCALE, ci=dict(n_seeds=5, n=200), paper=dict(n_seeds=20, n=10_000))
seeds = seed_list(SEED, cfg.n_seeds)

ledger = Ledger("template", scale=SCALE, seed=SEED)
ledger.claim("C1", "The sample mean of n standard normals is within 3/sqrt(n) of 0.",
             paper="Theorem 1 (toy)", expected=REPRODUCED)

# %% [markdown]
# ## Scale
#
# | | paper | `ci` | `paper` |
# |---|---|---|---|
# | samples | infinite | 200 x 5 seeds | 10,000 x 20 seeds |

# %% [markdown]
# ## Method
#
# The estimator of Eq. (1): $\hat\mu = \frac{1}{n}\sum_i x_i$.

# %%
def estimate_mean(rng: np.random.Generator, n: int) -> float:
    x = rng.standard_normal(n)
    return float(x.mean())  # Eq. (1)


errors = np.array([abs(estimate_mean(seed_everything(s), cfg.n)) for s in seeds])

# %% [markdown]
# ## Experiment
#
# Across seeds the mean absolute error is {glue:text}`tmpl_err:.3f`, against the bound
# {glue:text}`tmpl_bound:.3f`.

# %%
fig, ax = plt.subplots(figsize=plot.figsize(aspect=0.5))
ax.bar(range(len(seeds)), errors, color=plot.COLORS["method"])
ax.axhline(3 / np.sqrt(cfg.n), color=plot.COLORS["reference"], ls="--", label=r"bound $3/\sqrt{n}$")
ax.set(xlabel="replicate seed", ylabel=r"$|\hat\mu|$", title="Toy figure (mirrors the paper's Fig. 1)")
ax.legend()
plot.show(fig)
glue("tmpl_err", float(errors.mean()), display=False)
glue("tmpl_bound", float(3 / np.sqrt(cfg.n)), display=False)

# %% [markdown]
# ## Verdict

# %%
ledger.check("C1", measured=mean_ci(errors), test="max |mean| over seeds < 3/sqrt(n)",
             holds=bool(errors.max() < 3 / np.sqrt(cfg.n)))
ledger.finish()

# %% [markdown]
# ## Deviations and limits
#
# What differs from the paper and what that may change.
