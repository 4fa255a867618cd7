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
# # Deep Learning Scaling is Predictable, Empirically
#
# **Joel Hestness, Sharan Narang, Newsha Ardalani, Gregory Diamos, Heewoo Jun, Hassan Kianinejad,
# Md. Mostofa Ali Patwary, Yang Yang, Yanqi Zhou** · *arXiv technical report (Baidu Research) 2017* ·
# [arXiv:1712.00409](https://arxiv.org/abs/1712.00409) · {cite}`hestness2017scaling`
#
# How much better does a model get when its training set grows? This paper measures it in four domains (machine
# translation, word- and character-level language modelling, ImageNet classification, speech recognition). For
# each domain it draws training shards of growing size, searches at every size for the *best-fit* model (the model
# size and hyper-parameters with the lowest validation error), and plots that model's error against the shard
# size. Past a *small-data region*, where models do little better than a best guess, and before an
# *irreducible-error region*, the error follows a power law $\varepsilon(m)\approx\alpha\,m^{\beta_g}$ in the number
# of training samples $m$: a straight line on log-log axes. The exponent $\beta_g$ depends on the domain (about
# $-0.07$ for word language models, $-0.3$ to $-0.5$ for ImageNet and speech); a better architecture in the same
# domain lowers the line but hardly changes its slope; and the parameter count of the best-fit model grows
# *sublinearly*, $s(m)\approx\alpha_p\,m^{\beta_p}$ with $\beta_p<1$ (roughly 0.5 to 0.8).
#
# ```{admonition} Claims tested in this chapter
# :class: tip
# **C1.** The test error of the best-tuned model follows a power law in the training-set size: a log-log line fitted
# over $m\in\{64,\dots,2048\}$ has $R^2\ge0.97$ and an exponent $\beta_g\in[-1,-0.2]$. *Paper:* the learning-curve
# figures of every domain, straight on log-log axes, with $\beta_g$ between about $-0.07$ and $-0.5$.
#
# **C2.** A different model family shifts the curve but keeps its exponent: two architectures of the same family
# (MLPs of depth 2 and 3, each width-tuned per size) give $|\beta_g(A)-\beta_g(B)|\le0.15$, with a 95% bootstrap
# interval of the difference that contains 0. *Paper:* LSTM vs RHN language models and the NMT models give parallel
# power laws.
#
# **C3.** The model size needed grows sublinearly with data: the parameter count of the smallest model within 15%
# of the best error at each $m$ grows as $m^{\beta_p}$ with $0<\beta_p<1$. *Paper:* the model-size vs
# training-set-size plots, sublinear exponents of roughly 0.5 to 0.8.
# ```

# %% tags=["parameters"]
SCALE = "ci"  # "ci": <= 45 s on one core; "paper": the paper-like configuration, same code path
SEED = 0  # every source of randomness derives from SEED

# %%
import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
from matplotlib.ticker import FuncFormatter, MultipleLocator
from myst_nb import glue

from lib import plot
from lib.claims import Ledger, NOT_REPRODUCED, REPRODUCED
from lib.config import scale_config
from lib.seeding import seed_everything, seed_list
from lib.stats import bootstrap_ci, fit_line, power_law_fit

plot.use_style()
cfg = scale_config(
    SCALE,
    ci=dict(n_seeds=4, sizes=(4, 64, 128, 256, 512, 1024, 2048), widths=(4, 8, 16, 32, 64, 128),
            lrs=(3e-3,), steps=300, eval_every=20, noise=0.0),
    paper=dict(n_seeds=3, sizes=(4, 16) + tuple(2**k for k in range(6, 16)),
               widths=(4, 8, 16, 32, 64, 128, 256, 512, 1024), lrs=(1e-3, 3e-3), steps=3000, eval_every=100,
               noise=0.1),  # about 7.5 GB of memory (weights, Adam state, best checkpoints)
)
seeds = seed_list(SEED, cfg.n_seeds)
seed_everything(SEED)  # the draws below use explicit generators seeded from SEED and `seeds`

D_IN, TEACHER_WIDTH, TEACHER_GAIN = 8, 64, 1.5  # teacher y = tanh(1.5 x W1) W2, W1 in R^{8x64}, W2 in R^{64x1}
DEPTHS, BATCH, N_TEST = (2, 3), 256, 2000  # MLP depths compared in C2; minibatch min(256, m); test-set size
FIT_FROM = 64  # the power-law fit uses m >= 64 (fixed in advance; smaller shards probe the small-data region)
R2_MIN, BETA_RANGE, DBETA_MAX = 0.97, (-1.0, -0.2), 0.15  # C1 and C2 thresholds (from the spec)
NEEDED_TOL, BETA_P_RANGE = 0.15, (0.0, 1.0)  # C3: smallest model within 15% of the best; 0 < beta_p < 1

ledger = Ledger("scaling-predictable", scale=SCALE, seed=SEED)
ledger.claim("C1", "The test error of the best-tuned model is a power law in m: log-log fit over m = 64..2048 "
             "with R^2 >= 0.97 and exponent in [-1, -0.2].",
             paper="learning-curve figures of all domains; beta_g from about -0.07 (word LM) to -0.5 (ImageNet top-5)",
             expected=REPRODUCED)
ledger.claim("C2", "Depth-2 and depth-3 MLPs (each width-tuned) have power-law exponents within 0.15, with a 95% "
             "bootstrap CI of the difference containing 0.",
             paper="LSTM vs RHN language models, NMT models: curves shifted, exponents nearly equal",
             expected=REPRODUCED)
ledger.claim("C3", "The parameter count of the smallest model within 15% of the best error grows as m^beta_p "
             "with 0 < beta_p < 1.",
             paper="model-size vs training-set-size figures: sublinear, beta_p roughly 0.5-0.8",
             expected=NOT_REPRODUCED)

# %% [markdown]
# ## Scale
#
# | | paper | `ci` | `paper` |
# |---|---|---|---|
# | data | NMT, word/char LM, ImageNet, speech; shards over several orders of magnitude | teacher-student regression in $\mathbb R^8$, noise-free; $m=4$ and $2^6\dots2^{11}$ (fit on $2^6\dots2^{11}$); 4 teachers | same task with label noise (std 0.1); $m=4, 16$ and $2^6\dots2^{15}$; 3 teachers |
# | models | the domain's state-of-the-art architectures (LSTM, RHN, ResNet, DS2, attention) | ReLU MLPs, depth 2 and 3, widths $4\dots128$ | widths $4\dots1024$ |
# | search per size | model size and hyper-parameters | width x early-stopping step, Adam lr $3\cdot10^{-3}$ | width x lr $\{10^{-3},3\cdot10^{-3}\}$ x early-stopping step |
# | training | to convergence | 300 Adam steps, batch $\min(256,m)$, validation every 20 steps | 3000 steps, validation every 100 |
#
# At `ci` scale, 2 depths x 6 widths x 7 sizes x 4 teachers = 336 networks are trained at once as one batched
# ensemble.

# %% [markdown]
# ## Method
#
# **Task.** A fixed random *teacher* network, $y=\tanh(1.5\,xW_1)\,W_2$ with $x\sim\mathcal N(0,I_8)$,
# $W_1\in\mathbb R^{8\times64}$ with entries $\mathcal N(0,1/8)$ and $W_2\in\mathbb R^{64\times1}$ with entries
# $\mathcal N(0,1/64)$, labels a pool of inputs. A training shard of size $m$ is the first $m$ inputs of the pool
# (shards are nested, as when a data set grows), its validation set the first $\max(m/4,64)$ of a separate pool,
# and all shards share one test set of 2000 inputs. Each replicate seed draws a new teacher, new data and new
# initial weights. The error is the test mean squared error divided by the variance of the test targets, so
# predicting the mean scores 1: that is the "best guess" the paper's small-data region starts from.
#
# **Models.** ReLU MLPs $8\to w\to\dots\to w\to1$ with 2 or 3 hidden layers of width $w$ (the two architectures
# compared in C2), PyTorch's default initialisation, trained with Adam on the squared error.
#
# **Best-fit model per size (the paper's methodology, reduced).** For every shard size $m$ the paper searches model
# size and hyper-parameters and keeps the model with the lowest validation error. Our search runs every width on
# every shard and validates every 20 steps; for each (depth, $m$, teacher) we keep the checkpoint and the width with
# the lowest validation error and report *its* test error. Early stopping is thus part of the search, over the
# training step. The paper's power laws are
#
# $$\varepsilon(m)=\alpha\,m^{\beta_g}\quad\text{(learning curve)},\qquad s(m)=\alpha_p\,m^{\beta_p}\quad\text{(best-fit model size)},$$
#
# each fitted as a straight line through $(\log m,\log\varepsilon)$ (`lib.stats.power_law_fit`); we could not see
# the paper's equation numbers, so we name the laws instead. The paper fits only the power-law region, between the
# small-data and irreducible-error regions. We fix that range *before* looking at the curves: $m=64\dots2048$,
# five doublings; a shard of 4 samples is trained too but only plotted, to show the small-data region. Our labels
# carry no noise at `ci` scale, so the irreducible error is 0 and that region is not reached. At `paper` scale,
# label noise of standard deviation 0.1 creates a known floor $0.01/\mathrm{Var}(y)$: we measure the test error
# against the clean teacher, fit the power law to it, and add the floor for the plots.
#
# **Model size (C3).** "The size of the best-fit model" is only measurable if larger models eventually stop
# helping. Following the spec, the size *needed* at $m$ is the smallest width whose test error (geometric mean over
# teachers) is within 15% of the best width's, converted to a parameter count. Because early stopping protects
# large models from overfitting small shards, we also measure it without early stopping, from the weights after
# the last step. A size at the top of our width grid is only a lower bound (the grid may stop below the size
# needed), so C3 counts as reproduced only if, under one of the two protocols, the needed size lies *inside* the
# grid at every $m$ of the fit range and its exponent lies in $(0,1)$ for both depths.
#
# **Vectorisation.** All networks of one (depth, width) are stacked along a leading "row" axis, one row per
# (shard size, teacher), and run with batched matrix products; one summed loss trains every row independently
# (Adam is element-wise). Shards smaller than the batch are repeated to fill it, which leaves the full-batch
# gradient unchanged.

# %%
def generator(*key: int) -> torch.Generator:
    """An independent torch random stream for the integer key (e.g. replicate seed, purpose)."""
    return torch.Generator().manual_seed(int(np.random.SeedSequence(list(key)).generate_state(1)[0]))


def make_task(seed: int, n_train: int, n_val: int) -> dict:
    """One replicate: a random teacher, a training pool, a validation pool and a test set (clean test targets)."""
    g = generator(seed, 0)
    W1 = torch.randn(D_IN, TEACHER_WIDTH, generator=g) / math.sqrt(D_IN)  # W1 ~ N(0, 1/8)
    W2 = torch.randn(TEACHER_WIDTH, 1, generator=g) / math.sqrt(TEACHER_WIDTH)  # W2 ~ N(0, 1/64)

    def teacher(x):
        return torch.tanh(TEACHER_GAIN * x @ W1) @ W2

    x_tr, x_va, x_te = (torch.randn(n, D_IN, generator=g) for n in (n_train, n_val, N_TEST))
    y_tr = teacher(x_tr) + cfg.noise * torch.randn(n_train, 1, generator=g)  # label noise: `paper` scale only
    y_va = teacher(x_va) + cfg.noise * torch.randn(n_val, 1, generator=g)
    return dict(x_tr=x_tr, y_tr=y_tr, x_va=x_va, y_va=y_va, x_te=x_te, y_te=teacher(x_te))


def init_mlp(depth: int, width: int, rows: int, g: torch.Generator) -> list[torch.Tensor]:
    """Stacked weights of `rows` MLPs 8 -> width (x depth) -> 1, PyTorch's default U(+-1/sqrt(fan_in)) init."""
    dims = [D_IN] + [width] * depth + [1]
    params = []
    for fan_in, fan_out in zip(dims[:-1], dims[1:]):
        for shape in ((rows, fan_in, fan_out), (rows, 1, fan_out)):  # weight, bias
            params.append(((2 * torch.rand(shape, generator=g) - 1) / math.sqrt(fan_in)).requires_grad_())
    return params


def mlp(params: list[torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """Forward pass of the stacked MLPs: x (rows, n, 8) -> predictions (rows, n, 1)."""
    for W, b in zip(params[0:-2:2], params[1:-2:2]):
        x = torch.baddbmm(b, x, W).relu_()
    return torch.baddbmm(params[-1], x, params[-2])


def mse(params, x, y, n_used=None, chunk=1024):
    """Mean squared error per row over the first n_used[row] samples (all by default), in chunks of samples."""
    n_used = torch.full((x.shape[0],), x.shape[1]) if n_used is None else n_used
    total = torch.zeros(x.shape[0])
    with torch.no_grad():
        for s in range(0, x.shape[1], chunk):
            err = (mlp(params, x[:, s:s + chunk]) - y[:, s:s + chunk]).pow(2)[..., 0]
            keep = torch.arange(s, s + err.shape[1])[None] < n_used[:, None]
            total += (err * keep).sum(1)
    return total / n_used


def search(tasks: list[dict], sizes, widths, lrs, g: torch.Generator) -> dict:
    """Train every (depth, width, lr) on every (shard size, replicate); return validation and test errors.

    Returned arrays have shape (depth, width, lr, size, replicate): 'val_es', 'test_es' at the checkpoint with the
    lowest validation error (early stopping), 'val_end', 'test_end' after the last step. Test errors are relative
    (MSE / Var(y_test)) and measured against the clean teacher.
    """
    n_rep = len(tasks)
    m_row = torch.tensor([m for m in sizes for _ in range(n_rep)])  # one row per (size, replicate)
    rep_row = torch.tensor([r for _ in sizes for r in range(n_rep)])
    v_row = torch.clamp(m_row // 4, min=64)  # validation-set size max(m/4, 64)
    stack = {k: torch.stack([t[k] for t in tasks])[rep_row] for k in tasks[0]}  # (rows, n, .)
    var_y = stack["y_te"].var(dim=(1, 2))
    keys = [(d, w, lr) for d in DEPTHS for w in widths for lr in lrs]
    params = {k: init_mlp(k[0], k[1], len(m_row), g) for k in keys}
    opt = torch.optim.Adam([{"params": params[k], "lr": k[2]} for k in keys], fused=True)
    best = {k: [p.detach().clone() for p in params[k]] for k in keys}
    best_val = {k: mse(params[k], stack["x_va"], stack["y_va"], v_row) for k in keys}
    full_batch = m_row <= BATCH
    cycle = torch.arange(BATCH)[None] % torch.clamp(m_row, max=BATCH)[:, None]  # small shards: whole shard, repeated
    for step in range(1, cfg.steps + 1):
        draw = (torch.rand(len(m_row), BATCH, generator=g) * m_row[:, None]).long()  # minibatch of min(256, m)
        idx = torch.where(full_batch[:, None], cycle, draw)
        xb = stack["x_tr"].gather(1, idx[..., None].expand(-1, -1, D_IN))
        yb = stack["y_tr"].gather(1, idx[..., None])
        loss = sum((mlp(params[k], xb) - yb).pow(2).mean((1, 2)).sum() for k in keys)  # rows are independent
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if step % cfg.eval_every == 0:  # validation checkpoint: keep the weights with the lowest validation error
            for k in keys:
                v = mse(params[k], stack["x_va"], stack["y_va"], v_row)
                better = v < best_val[k]
                best_val[k] = torch.where(better, v, best_val[k])
                for pb, p in zip(best[k], params[k]):
                    pb[better] = p.detach()[better]
    out = {"val_es": [best_val[k] for k in keys],
           "test_es": [mse(best[k], stack["x_te"], stack["y_te"]) / var_y for k in keys],
           "val_end": [mse(params[k], stack["x_va"], stack["y_va"], v_row) for k in keys],
           "test_end": [mse(params[k], stack["x_te"], stack["y_te"]) / var_y for k in keys]}
    shape = (len(DEPTHS), len(widths), len(lrs), len(sizes), n_rep)
    return {name: torch.stack(v).reshape(shape).numpy() for name, v in out.items()}


def n_params(depth: int, width) -> np.ndarray:
    """Parameter count of the MLP 8 -> width (x depth) -> 1 (weights and biases)."""
    w = np.asarray(width)
    return (D_IN + 1) * w + (depth - 1) * (w + 1) * w + w + 1


# %% [markdown]
# ## Experiment
#
# One call trains the whole grid. We then apply the search twice: over the learning rate for each width (only one
# learning rate at `ci` scale), and over the widths for each (depth, $m$, teacher).

# %%
sizes, widths = np.array(cfg.sizes), np.array(cfg.widths)
val_pool = max(max(cfg.sizes) // 4, 64)
tasks = [make_task(s, max(cfg.sizes), val_pool) for s in seeds]
res = search(tasks, cfg.sizes, cfg.widths, cfg.lrs, generator(SEED, 1))
var_y = np.array([t["y_te"].var().item() for t in tasks])
floor = cfg.noise**2 / var_y  # irreducible error of noisy labels, relative to Var(y); 0 at ci scale


def select(val, test, axis):
    """Test error of the configuration with the lowest validation error along `axis` (the search)."""
    pick = np.expand_dims(val.argmin(axis), axis)
    return np.take_along_axis(test, pick, axis).squeeze(axis), np.take_along_axis(val, pick, axis).squeeze(axis)


per_width = {p: select(res[f"val_{p}"], res[f"test_{p}"], axis=2) for p in ("es", "end")}  # (depth, width, size, rep)
best_fit, _ = select(per_width["es"][1], per_width["es"][0], axis=1)  # (depth, size, rep): the best-fit models
best_width = widths[per_width["es"][1].argmin(1)]  # (depth, size, rep)
err = best_fit + floor  # reported error, noisy labels (= best_fit at ci scale)
in_fit = sizes >= FIT_FROM


def geo_mean(x, axis=-1):
    return np.exp(np.log(x).mean(axis))


def learning_curve_fit(excess):
    """Power law eps(m) = alpha m^beta_g fitted to the geometric mean over replicates in the fit range."""
    return power_law_fit(sizes[in_fit], geo_mean(excess[in_fit]))


fits = [learning_curve_fit(best_fit[i]) for i in range(len(DEPTHS))]
pd.DataFrame({f"depth {d}: best-fit error": geo_mean(err[i]) for i, d in enumerate(DEPTHS)}
             | {f"depth {d}: best width (median)": np.median(best_width[i], -1) for i, d in enumerate(DEPTHS)},
             index=pd.Index(sizes, name="m")).round(4)

# %%
fig, axes = plt.subplots(1, 2, figsize=plot.figsize(2, aspect=1.1), sharey=True)
ax = axes[0]
for j, w in enumerate(widths):
    ax.plot(sizes, np.log10(geo_mean(per_width["es"][0][0, j] + floor)), "o-", ms=3, lw=1.2,
            color=plot.PALETTE[j], label=f"w={w}")
ax.plot(sizes, np.log10(geo_mean(err[0])), color="k", lw=3, alpha=0.45, label="best fit")
ax.set(title=f"depth {DEPTHS[0]}, one curve per width", ylabel="relative test MSE")
ax.legend(fontsize="x-small", ncols=2, loc="lower left")
ax = axes[1]
for i, d in enumerate(DEPTHS):
    col = plot.PALETTE[i]
    plot.mean_band(ax, sizes, np.log10(err[i]).T, color=col, marker="o", ms=4,
                   label=rf"depth {d}: $\beta_g={fits[i].exponent:.3f}$, $R^2={fits[i].r2:.3f}$")
    ax.plot(sizes[in_fit], np.log10(fits[i](sizes[in_fit]) + floor.mean()), "--", color="k", lw=1, alpha=0.7)
ax.axhline(0, color=plot.COLORS["reference"], ls=":", label="predict the mean (best guess)")
if cfg.noise > 0:
    ax.axhline(np.log10(floor.mean()), color=plot.COLORS["highlight"], ls=":", label="irreducible error")
ax.axvspan(sizes[0] / 1.3, FIT_FROM / 1.3, color=plot.COLORS["reference"], alpha=0.12, lw=0, label="not fitted")
ax.plot([], [], "--", color="k", lw=1, label=r"power law fitted on $m\geq 64$")
ax.set(title="best-fit models, band over teachers")
ax.legend(fontsize="x-small", loc="lower left")
for ax in axes:
    ax.set_xscale("log", base=2)
    ax.set_xlabel("training samples $m$")
    ax.yaxis.set_major_locator(MultipleLocator(1))  # decades of the log10 error
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{10**v:g}"))
fig.suptitle("Learning curves, geometric means (mirrors the paper's learning-curve figures)")
plot.show(fig)

# %%
lm, lr_ = np.log(np.repeat(sizes[in_fit], len(seeds))), np.log(best_fit[:, in_fit].reshape(len(DEPTHS), -1))
pooled = np.arange(lm.size)  # the (m, teacher) points of the fit range, resampled by the bootstrap


def slope_on(y):
    """The bootstrap statistic: the log-log slope of y on the resampled (m, teacher) points."""
    return lambda idx: fit_line(lm[idx.astype(int)], y[idx.astype(int)])[0]


beta_ci = [bootstrap_ci(pooled, stat=slope_on(lr_[i]), seed=SEED, n_boot=2000) for i in range(len(DEPTHS))]
dbeta = bootstrap_ci(pooled, stat=slope_on(lr_[0] - lr_[1]), seed=SEED, n_boot=2000)  # beta_g(2) - beta_g(3)
local = np.diff(np.log(geo_mean(best_fit))) / np.diff(np.log(sizes))  # local slopes between successive sizes
shift = geo_mean(best_fit[0, -1]) / geo_mean(best_fit[1, -1])

for i, d in enumerate(DEPTHS):
    glue(f"scal_beta{d}", float(fits[i].exponent), display=False)
    glue(f"scal_r2_{d}", float(fits[i].r2), display=False)
    glue(f"scal_beta{d}_lo", float(beta_ci[i].lo), display=False)
    glue(f"scal_beta{d}_hi", float(beta_ci[i].hi), display=False)
    glue(f"scal_err_small{d}", float(geo_mean(err[i, 0])), display=False)
    glue(f"scal_err_big{d}", float(geo_mean(err[i, -1])), display=False)
glue("scal_dbeta", float(dbeta.mean), display=False)
glue("scal_dbeta_lo", float(dbeta.lo), display=False)
glue("scal_dbeta_hi", float(dbeta.hi), display=False)
glue("scal_shift", float(shift), display=False)
glue("scal_local_min", float(local[:, in_fit[:-1]].min()), display=False)
glue("scal_local_max", float(local[:, in_fit[:-1]].max()), display=False)
glue("scal_m_small", int(sizes[0]), display=False)
glue("scal_m_big", int(sizes[-1]), display=False)

# %% [markdown]
# The left panel shows what the search sees: every width has its own learning curve, and the best-fit curve
# (grey) follows their lower envelope. The right panel is the paper's learning-curve plot for our task. Over the fit
# range both depths lie close to straight lines: depth 2 with exponent {glue:text}`scal_beta2:.3f` (bootstrap 95% CI
# [{glue:text}`scal_beta2_lo:.3f`, {glue:text}`scal_beta2_hi:.3f`], $R^2=$ {glue:text}`scal_r2_2:.3f`), depth 3
# with {glue:text}`scal_beta3:.3f` ([{glue:text}`scal_beta3_lo:.3f`, {glue:text}`scal_beta3_hi:.3f`],
# $R^2=$ {glue:text}`scal_r2_3:.3f`). With 4 samples the best-fit model (depth 2) is still at
# {glue:text}`scal_err_small2:.2f` of the best-guess error: that shard lies in the paper's small-data region, where
# no model does much better than predicting the mean. At $m=$ {glue:text}`scal_m_big` the error is down to
# {glue:text}`scal_err_big2:.3f`. A single power law is an approximation over the fit range: the local slope between
# successive sizes varies from {glue:text}`scal_local_min:.2f` to {glue:text}`scal_local_max:.2f` (either depth),
# which is what keeps $R^2$ below 1. The steep exponent (the paper's real domains lie between $-0.07$ and $-0.5$) is
# a property of a smooth, low-dimensional teacher, not of the method.
#
# The two depths run parallel: the exponents differ by {glue:text}`scal_dbeta:.3f` (95% CI
# [{glue:text}`scal_dbeta_lo:.3f`, {glue:text}`scal_dbeta_hi:.3f`], bootstrap over the (m, teacher) points). Unlike
# the paper's architecture comparisons, though, the curves are hardly shifted either: at the largest shard the
# depth-2 error is {glue:text}`scal_shift:.2f` times the depth-3 error. The extra layer does not buy a better model
# here, so C2 tests the equal exponents, not the shift.

# %% [markdown]
# ### Model size
#
# Next, the paper's second law: how large must the model be at each $m$? The left panel below shows the error as a
# function of the parameter count, one curve per shard size; the marker is the smallest model within 15% of the
# best. The right panel plots that model's size against $m$, with and without early stopping.

# %%
def needed_size(test_err):
    """Per depth and size: the smallest width whose geometric-mean test error is within 15% of the best width's."""
    e = geo_mean(test_err)  # (depth, width, size)
    ok = e <= (1 + NEEDED_TOL) * e.min(1, keepdims=True)
    return widths[ok.argmax(1)], e  # argmax: the first (smallest) width that qualifies


PROTOCOLS = {"es": "early stopping", "end": "last step"}
needed, size_fits, censored, e_width = {}, {}, {}, {}
for p in PROTOCOLS:
    w_needed, e_width[p] = needed_size(per_width[p][0])
    needed[p] = np.stack([n_params(d, w_needed[i]) for i, d in enumerate(DEPTHS)])  # (depth, size)
    size_fits[p] = [power_law_fit(sizes[in_fit], needed[p][i, in_fit]) for i in range(len(DEPTHS))]  # s(m)
    censored[p] = (w_needed[:, in_fit] == widths[-1]).any(1)  # the needed size hits the top of the grid
top_params = np.array([n_params(d, widths[-1]) for d in DEPTHS])
val_best_is_top = best_width == widths[-1]  # the paper's best-fit model (lowest validation error) is the largest

fig, axes = plt.subplots(1, 2, figsize=plot.figsize(2, aspect=1.1))
ax = axes[0]
for j, m in enumerate(sizes):
    col = plt.cm.viridis(j / (len(sizes) - 1))
    ax.plot(n_params(DEPTHS[0], widths), e_width["es"][0, :, j], "o-", ms=3, color=col, label=f"m={m}")
    k = np.searchsorted(n_params(DEPTHS[0], widths), needed["es"][0, j])
    ax.plot(needed["es"][0, j], e_width["es"][0, k, j], "*", ms=12, color=col, mec="k", mew=0.5)
ax.set(xscale="log", yscale="log", xlabel="parameters", ylabel="relative test MSE",
       title=f"depth {DEPTHS[0]}, early stopping; star: needed")
ax.legend(fontsize="x-small", ncols=2, loc="lower left")
ax = axes[1]
for i, d in enumerate(DEPTHS):
    ax.axhline(top_params[i], color=plot.PALETTE[i], lw=4, alpha=0.25)
    for p, ls in zip(PROTOCOLS, ("-", "--")):
        ax.plot(sizes, needed[p][i], ls, marker="os"[i], ms=5, color=plot.PALETTE[i],
                label=rf"depth {d}, {PROTOCOLS[p]}: $\beta_p={size_fits[p][i].exponent:.2f}$")
ref = needed["es"][:, in_fit].min() * (sizes[in_fit] / FIT_FROM)
ax.plot(sizes[in_fit], ref, color=plot.COLORS["reference"], ls=":", label="slope 1 (linear growth)")
ax.set(yscale="log", xlabel="training samples $m$", ylabel="parameters of the needed model",
       title="needed size (shaded: largest model)")
ax.set_xscale("log", base=2)
fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=3, fontsize="x-small")
fig.suptitle("Model size needed per training-set size (mirrors the paper's model-size figures)")
plot.show(fig)

# %%
for p in PROTOCOLS:
    for i, d in enumerate(DEPTHS):
        glue(f"scal_betap_{p}{d}", float(size_fits[p][i].exponent), display=False)
glue("scal_n_censored", int(sum(censored[p].sum() for p in PROTOCOLS)), display=False)
glue("scal_n_cases", len(PROTOCOLS) * len(DEPTHS), display=False)
glue("scal_top_frac", float(100 * val_best_is_top[:, in_fit].mean()), display=False)
glue("scal_top_frac_big", float(100 * val_best_is_top[:, -1].mean()), display=False)
glue("scal_w_top", int(widths[-1]), display=False)
gap_end_es = geo_mean(per_width["end"][0][:, -1]) / geo_mean(per_width["es"][0][:, -1])  # largest width, (depth, size)
glue("scal_end_vs_es", float(100 * (gap_end_es[:, in_fit].max() - 1)), display=False)

# %% [markdown]
# Larger networks are rarely worse here. The paper's own definition of the best-fit model, the width with the lowest
# validation error, picks the largest width we train ({glue:text}`scal_w_top`) in
# {glue:text}`scal_top_frac:.0f`% of the (depth, $m$, teacher) cases of the fit range and in
# {glue:text}`scal_top_frac_big:.0f`% at the largest shard. The spec's softer definition, the smallest model within
# 15% of the best, does grow with $m$, but in steps, and it reaches the top of the grid inside the fit range: in
# {glue:text}`scal_n_censored` of the {glue:text}`scal_n_cases` (protocol, depth) cases the fitted exponent (early
# stopping: {glue:text}`scal_betap_es2:.2f` for depth 2, {glue:text}`scal_betap_es3:.2f` for depth 3; last step:
# {glue:text}`scal_betap_end2:.2f` and {glue:text}`scal_betap_end3:.2f`) is drawn through points that are only lower
# bounds. Dropping early stopping does not change the picture: without label noise, training a large network past
# its best validation point costs little (at most {glue:text}`scal_end_vs_es:.1f`% more test error for the largest
# width, over the fit range and both depths), and the needed size reaches the top of the grid under both protocols.
# The paper's sublinear model-size law needs a regime where large models overfit small shards, so that a best-fit
# size exists; our noise-free miniature does not have one.

# %% [markdown]
# ## Verdict

# %%
c1_ok = all(f.r2 >= R2_MIN and BETA_RANGE[0] <= f.exponent <= BETA_RANGE[1] for f in fits)
ledger.check("C1", measured=f"depth 2: beta_g = {beta_ci[0]} (R^2 {fits[0].r2:.3f}); "
                            f"depth 3: beta_g = {beta_ci[1]} (R^2 {fits[1].r2:.3f})",
             test=f"for both depths, power_law_fit on the geometric mean over {len(seeds)} teachers, m = 64..2048: "
                  "R^2 >= 0.97 and -1 <= beta_g <= -0.2",
             holds=c1_ok, note="CI: bootstrap over the (m, teacher) points of the fit range")
c2_ok = abs(dbeta.mean) <= DBETA_MAX and dbeta.lo <= 0 <= dbeta.hi
ledger.check("C2", measured=dbeta, test="beta_g(depth 2) - beta_g(depth 3): |difference| <= 0.15 and its 95% "
                                        "bootstrap CI (over the (m, teacher) points) contains 0",
             holds=bool(c2_ok), note=f"error ratio depth 2 / depth 3 at m={sizes[-1]}: {shift:.2f}")
c3_by_protocol = {p: bool(not censored[p].any() and all(BETA_P_RANGE[0] < f.exponent < BETA_P_RANGE[1]
                                                           for f in size_fits[p])) for p in PROTOCOLS}
ledger.check("C3", measured="; ".join(
                 f"{PROTOCOLS[p]}: beta_p = " + " / ".join(f"{f.exponent:.2f}" for f in size_fits[p])
                 + " (depth 2 / 3), at the top of the grid: " + " / ".join("yes" if c else "no" for c in censored[p])
                 for p in PROTOCOLS),
             test="under early stopping or under last-step selection: for both depths the needed size (smallest "
                  "width within 15% of the best, geometric mean over teachers) is below the largest width at every "
                  "m = 64..2048 and its params exponent lies in (0, 1)",
             holds=any(c3_by_protocol.values()),
             note=f"validation-best width = largest width in {100 * val_best_is_top[:, in_fit].mean():.0f}% of cases")
ledger.finish()

# %% [markdown]
# ## Deviations and limits
#
# - **Domains and data.** The paper measures real translation, language-modelling, image and speech data sets over
#   several orders of magnitude; we use a synthetic teacher-student regression over 5 doublings (plus one tiny
#   shard). Our exponents (about $-0.6$) are steeper than the paper's ($-0.07$ to $-0.5$), as expected for a
#   smooth 8-dimensional target; only the power-law *form* and the *equality* of exponents are compared.
# - **Hyper-parameter search.** The paper searches model size and other hyper-parameters per shard; at `ci` scale we
#   search the width (6 values) and the early-stopping step with one learning rate, 300 Adam steps and 4 teachers.
#   The width grid stops at 128 for the time budget (width 256 triples the cost); the `paper` configuration adds a
#   learning-rate axis, widths up to 1024, longer training and label noise.
# - **Selection and reporting.** The best-fit model is chosen on the validation set and its error on a separate
#   2000-sample test set is reported. Learning curves are fitted to the geometric mean over teachers; the bootstrap
#   resamples the (m, teacher) points, so its interval also carries the spread between teachers.
# - **C1's margin.** One power law is an approximation over our range (the local slopes above vary along the
#   curve). In our check of SEED = 0-4 every fit passed, but the lowest $R^2$ was only just above the spec's 0.97.
# - **Fit range.** The paper fits the power-law region of each curve; we could not read how it chooses the
#   boundaries, so we fixed $m=64\dots2048$ in advance and show the 4-sample shard unfitted. There is no
#   irreducible-error region at `ci` scale (noise-free labels).
# - **C2.** The spec asks for curves that shift while keeping their exponent. Depths 2 and 3 reach about the same
#   error in this task, so only the equality of exponents is tested; the error ratio is reported (ledger note).
# - **C3, one change to the spec's check.** The spec tests whether the fitted exponent of the needed size lies in
#   $(0,1)$. A needed size at the top of the width grid is a lower bound, not a measurement, and an exponent fitted
#   through such points says more about the grid than about the data: a best-fit size is only measured when the
#   searched sizes bracket it. So we also require the needed size to be inside the grid at every fitted $m$.
#   As the spec's risk note suggests, we also tried the protocol without early stopping (weights after the last
#   step), under which large models could be penalised for overfitting; C3 counts as reproduced if either protocol
#   passes. It is declared *not reproduced*: larger networks keep winning in this task. In SEED = 0-4 the verdict
#   would be the same without the extra condition, since the depth-2 exponent lies above 1 under both protocols.
#   A label-noise setting (the `paper` configuration) is where overfitting, and so a finite best-fit size, could
#   appear.
# - **Not covered.** Residual MLPs and a small transformer (the spec's `paper`-scale families), the paper's
#   compute-scaling analysis and the domain-specific details (vocabulary, beam search, data augmentation).
