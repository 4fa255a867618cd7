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
# # A Probabilistic Framework for Lifelong Test-Time Adaptation
#
# **Dhanajit Brahma, Piyush Rai** · *CVPR 2023* · [arXiv:2212.09713](https://arxiv.org/abs/2212.09713)
# · {cite}`brahma2023petal`
#
# A deployed classifier meets test data whose distribution keeps drifting: one corruption, then another, and
# back again. Test-time adaptation (TTA) updates the model on the unlabelled test batches, but doing so for
# ever lets errors in the model's own pseudo-labels pile up. PETAL reads lifelong TTA as approximate Bayesian
# inference. The posterior of the source model, a diagonal Gaussian fitted with SWAG during source training,
# becomes a prior that keeps the adapted weights near plausible source weights. The self-training likelihood
# gives a student-teacher scheme: the teacher is an exponential moving average of the student and supplies soft
# pseudo-labels, averaged over augmentations when the batch looks hard. Against drift, PETAL resets to their
# source values only the parameters that matter least for the current data, those with the smallest
# Fisher-information values, where CoTTA {cite}`wang2022cotta` resets randomly chosen ones. On CIFAR-10-C,
# CIFAR-100-C and ImageNet-C streams of 15 corruptions (Tables 1-3), PETAL has lower error and clearly lower NLL
# and Brier score than the source model, BN adaptation, TENT {cite}`wang2021tent` and CoTTA.
#
# ```{admonition} Claims tested in this chapter
# :class: tip
# **C1.** On a lifelong stream of corruptions PETAL has lower error, NLL and Brier score than the source model
# and lower error than TENT. *Paper:* Tables 1-3 (e.g. CIFAR-10-C error about 16% for PETAL against about 20%
# for TENT, with lower NLL and Brier).
#
# **C2.** TENT's calibration deteriorates over the lifelong stream: its NLL exceeds the source model's by more
# than 1 nat. *Paper:* TENT's higher NLL and Brier in Tables 1-3 and the discussion of error accumulation.
#
# **C3.** PETAL (SWAG prior and Fisher-based restoration) is at least as accurate as CoTTA (no prior, random
# restoration): its error is no more than 0.5 points above CoTTA's. *Paper:* PETAL below CoTTA in error, NLL
# and Brier in Tables 1-3.
# ```

# %% tags=["parameters"]
SCALE = "ci"  # "ci": <= 45 s on one core; "paper": the paper-like configuration, same code path
SEED = 0  # every source of randomness derives from SEED

# %%
import copy

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from myst_nb import glue
from torch import nn

from lib import plot
from lib.claims import Ledger, NOT_REPRODUCED, REPRODUCED
from lib.config import scale_config
from lib.continual import MLP
from lib.data import load_digits_split
from lib.seeding import seed_everything, seed_list
from lib.stats import mean_ci, paired_bootstrap_ci
from lib.tta import (CORRUPTIONS, SwagDiag, bn_affine_params, calibration_metrics, configure_bn_for_tta, corrupt,
                     diag_gaussian_penalty, ema_update, entropy, fisher_diag, low_fisher_mask, random_mask)
from lib.tta import restore as restore_

plot.use_style()
cfg = scale_config(SCALE,
                   ci=dict(n_seeds=3, cycles=2, reps=3, n_aug=8, src_steps=1200, swag_start=600),
                   paper=dict(n_seeds=5, cycles=10, reps=3, n_aug=32, src_steps=3000, swag_start=1500))
seeds = seed_list(SEED, cfg.n_seeds)
seed_everything(SEED)  # everything below also uses explicit generators seeded from `seeds`

BATCH, SEVERITY, HIDDEN = 64, 5, (128, 128)
SRC_LR, SRC_MOM, SWAG_EVERY = 0.05, 0.9, 10  # source training and SWAG-diagonal collection (spec)
LR, EMA, RESTORE_P = 1e-2, 0.99, 0.01  # TTA: Adam lr, teacher momentum, CoTTA restore probability
AP_QUANTILE = 0.05  # augmentation threshold: 5% quantile of the source model's confidence on source images (CoTTA)
LAMBDA, DELTA, DAMP = 1e-4, 0.03, 1e-6  # PETAL: prior weight, Fisher quantile, variance damping (official code)
NLL_MARGIN, TENT_NLL_GAP, NONINF = 0.05, 1.0, 0.005  # thresholds of the checks (from the spec)

ledger = Ledger("petal-lifelong-tta", scale=SCALE, seed=SEED)
ledger.claim("C1", "On a lifelong corruption stream PETAL has lower error, NLL and Brier score than the source "
             "model and lower error than TENT.",
             paper="Tables 1-3: PETAL lowest error/NLL/Brier (CIFAR-10-C err ~16% vs TENT ~20%)",
             expected=NOT_REPRODUCED)
ledger.claim("C2", "TENT's NLL over the lifelong stream exceeds the source model's by more than 1 nat.",
             paper="Tables 1-3: TENT's high NLL/Brier, error accumulation", expected=REPRODUCED)
ledger.claim("C3", "PETAL's stream error is at most 0.5 points above CoTTA's (non-inferiority).",
             paper="Tables 1-3: PETAL below CoTTA in error, NLL and Brier", expected=REPRODUCED)

# %% [markdown]
# ## Scale
#
# | | paper | `ci` | `paper` |
# |---|---|---|---|
# | data | CIFAR-10-C / 100-C, ImageNet-C, 15 corruptions at severity 5 | 8x8 digits (540 test images per split), 9 hand-made corruptions at severity 5, each domain = 3 fresh corrupted copies | same |
# | stream | 15 domains, one pass (10 orders), batch 200 | 9 domains x 2 cycles, batch 64, 432 batches | 9 domains x 10 cycles, 2,160 batches |
# | source model | WideResNet-28 / ResNeXt-29 / ResNet-50 (trained with standard augmentation) with SWAG | MLP 64-128-128-10 with BatchNorm, SGD 1,200 steps on augmented digits, SWAG-diagonal over the last 600 | 3,000 steps, SWAG over the last 1,500 |
# | TTA augmentations | 32 (colour jitter, affine, blur, flip, noise) | 8 (the code's "soft" affine + contrast/brightness + noise set, no flip) | 32 |
# | replicates | 1 run per order | 3 seeds (split, source model, stream) | 5 seeds |

# %% [markdown]
# ## Method
#
# **Source model and SWAG posterior.** We train the MLP on clean digits with SGD, each batch lightly augmented
# (the same augmentation family the adaptation uses, as the paper's source networks were trained with standard
# augmentation), and, every 10 steps of the
# second half of training, record the running first and second moments of every parameter. SWAG-diagonal
# {cite}`brahma2023petal` turns them into a Gaussian $\mathcal N(\mu_{\rm swag}, \operatorname{diag}\sigma^2_{\rm swag})$
# with $\mu=\overline{\theta}$, $\sigma^2=\overline{\theta^2}-\overline\theta^2$. The source weights are set to
# $\mu_{\rm swag}$ (SWA). At test time every method normalises with the statistics of the test batch, so the
# "Source" row is the SWA model with test-batch BatchNorm (BN-adapt).
#
# **TENT.** Minimise the prediction entropy of each test batch with respect to the BN scales and shifts (Adam).
#
# **CoTTA and PETAL share one loop** (the paper's Algorithm 2; we could read the official code but not the
# paper's text, so equation numbers below are those quoted in the official code's comments). For each batch:
# the source model (the anchor) gives its mean confidence; if it is below a threshold, the teacher's
# pseudo-label $\tilde y$ is the average of its logits over random augmentations, otherwise its plain logits.
# Following CoTTA, the threshold is the 5% quantile of the source model's confidence on source images (here
# {glue:text}`petal_ap:.3f` on average over seeds). The teacher's prediction is the output. The student then takes one Adam step on
#
# $$\mathcal L(\theta)=\frac1B\sum_{i}\mathrm{CE}\big(\operatorname{softmax}\tilde y_i,\ f_\theta(x_i)\big)
# +\frac{\lambda}{N_{\rm src}}\cdot\frac12\sum_j\frac{(\theta_j-\mu_{{\rm swag},j})^2}{\sigma^2_{{\rm swag},j}+10^{-6}}
# \qquad\text{(appendix Eq. 12)},$$
#
# where the second term, the SWAG prior, is PETAL's ($\lambda=0$ for CoTTA); the teacher follows the student by
# EMA, $\theta'\leftarrow 0.99\,\theta'+0.01\,\theta$. Finally some parameters are restored to the source:
#
# - **CoTTA** (stochastic restoration, Eqs. 8-9): each weight independently with probability $p=0.01$.
# - **PETAL** (Fisher-based restoration, Alg. 2 lines 13-15): with the diagonal Fisher estimate
#   $F_j=(\partial\mathcal L/\partial\theta_j)^2$ computed from this batch's gradient, every weight whose $F_j$
#   lies below the $\delta=0.03$ quantile of all $F$ values is reset: the parameters this domain barely uses
#   are the ones given back to the source.
#
# The two methods differ in exactly the two places marked in `mean_teacher_step`.

# %%
def train_source(x, y, seed, steps, swag_start):
    """SGD on augmented clean digits; SWAG-diagonal moments every SWAG_EVERY steps after swag_start. Returns (model, mu, var)."""
    g = torch.Generator().manual_seed(seed)
    model = MLP((x.shape[1], *HIDDEN, 10), bn=True, seed=seed)
    opt = torch.optim.SGD(model.parameters(), lr=SRC_LR, momentum=SRC_MOM)
    swag = SwagDiag(model)
    for t in range(1, steps + 1):
        idx = torch.randint(0, len(x), (BATCH,), generator=g)
        opt.zero_grad()
        F.cross_entropy(model(augment(x[idx], 1, g)[0]), y[idx]).backward()  # standard augmented training
        opt.step()
        if t > swag_start and t % SWAG_EVERY == 0:  # SWAG: running moments of the SGD iterates
            swag.update(model)
    mu, var = swag.mean(), swag.var()
    with torch.no_grad():
        for p, a in zip(model.parameters(), mu):
            p.copy_(a)  # source weights = SWAG mean
    return model, mu, var


def grouped_forward(model, x):
    """Logits of an MLP(bn=True) on G separate batches x (G, B, d), BatchNorm using each batch's own statistics."""
    h = x
    for m in model:
        if isinstance(m, nn.BatchNorm1d):
            mu, var = h.mean(1, keepdim=True), h.var(1, unbiased=False, keepdim=True)
            h = (h - mu) / torch.sqrt(var + m.eps) * m.weight + m.bias
        else:
            h = m(h)
    return h


def augment(x, n_aug, g):
    """n_aug random views (n_aug, B, 64) of a batch of 8x8 digits with the official code's "soft" augmentation set:
    rotation +-8 deg, scale 0.95-1.05, shift up to 1/16 of the width (bilinear), contrast 0.85-1.15, brightness
    0.8-1.2, Gaussian noise 0.005 (no flip: digits are not mirror-symmetric)."""
    n = n_aug * x.shape[0]
    u = lambda lo, hi: lo + (hi - lo) * torch.rand(n, generator=g)  # noqa: E731
    ang, sc = torch.deg2rad(u(-8, 8)), u(0.95, 1.05)
    t = torch.stack([u(-1 / 8, 1 / 8), u(-1 / 8, 1 / 8)], -1)  # grid coordinates span 2: 1/16 of the width = 1/8
    rot = torch.stack([torch.cos(ang), -torch.sin(ang), torch.sin(ang), torch.cos(ang)], -1).reshape(n, 2, 2)
    theta = torch.cat([rot / sc[:, None, None], t[:, :, None]], -1)
    img = x.repeat(n_aug, 1).reshape(n, 1, 8, 8)
    grid = F.affine_grid(theta, (n, 1, 8, 8), align_corners=False)
    img = F.grid_sample(img, grid, mode="bilinear", padding_mode="border", align_corners=False).reshape(n, 64)
    mean = img.mean(-1, keepdim=True)
    img = ((img - mean) * u(0.85, 1.15)[:, None] + mean) * u(0.8, 1.2)[:, None]  # contrast, brightness jitter
    img = img + 0.005 * torch.randn(img.shape, generator=g)
    return img.clamp(0, 1).reshape(n_aug, x.shape[0], 64)


# %% [markdown]
# The student-teacher step below is CoTTA when `prior is None` and `restore == "random"`, and PETAL with the SWAG
# prior and `restore == "fisher"`. TENT and Source use the same predict-then-adapt loop.

# %%
def mean_teacher_step(state, x, g, prior=None, restore="random"):
    """One CoTTA / PETAL step on batch x: returns the teacher's probabilities (computed before the update)."""
    student, teacher, anchor, opt, source, ap = state
    with torch.no_grad():
        conf = anchor(x).softmax(-1).amax(-1).mean()  # anchor (source) confidence decides on augmentation
        if conf < ap:  # augmentation-averaged pseudo-label (Alg. 2 lines 3-6)
            views = torch.cat([x[None], augment(x, cfg.n_aug, g)])
            pseudo = grouped_forward(teacher, views)[1:].mean(0)
        else:
            pseudo = teacher(x)
    loss = -(pseudo.softmax(-1) * student(x).log_softmax(-1)).sum(-1).mean()  # CE to soft pseudo-labels
    if prior is not None:  # PETAL: SWAG-diagonal prior on the student (appendix Eq. 12)
        mu, var, weight = prior
        loss = loss + weight * diag_gaussian_penalty(student.parameters(), mu, var, DAMP)
    opt.zero_grad()
    loss.backward()
    params = list(student.parameters())
    if restore == "fisher":  # diagonal Fisher from this batch's gradient (Alg. 2 line 13)
        mask = low_fisher_mask(fisher_diag(params), DELTA)  # PETAL: the least informative weights (Alg. 2 lines 14-15)
    else:
        mask = random_mask(RESTORE_P, g)  # CoTTA: stochastic restoration (Eqs. 8-9)
    opt.step()
    ema_update(teacher, student, EMA)  # teacher = EMA of the student (Alg. 2 line 12)
    restore_(params, source, mask)  # reset the selected weights to their source values
    return pseudo.softmax(-1)


def tent_step(state, x, g):
    """One TENT step: predict, then minimise the batch's mean prediction entropy over the BN affine parameters."""
    model, opt = state
    logits = model(x)
    opt.zero_grad()
    entropy(logits).mean().backward()
    opt.step()
    return logits.detach().softmax(-1)


def source_step(state, x, g):
    """The frozen source model with test-batch BatchNorm statistics."""
    with torch.no_grad():
        return state(x).softmax(-1)


# %% [markdown]
# ## Experiment
#
# For each replicate seed we draw the train/test split, train the source model, and build one stream: the 9
# corruptions in a fixed order, repeated for the cycles; each domain is three freshly corrupted copies of the
# test split, shuffled into full batches of 64. Every method sees the same stream, predicts each batch, then
# adapts on it.

# %%
def make_stream(xte, yte, seed):
    """List of (x, y, domain index) batches: cycles x corruptions x reps x full batches."""
    g = torch.Generator().manual_seed(seed + 7919)
    out = []
    for _ in range(cfg.cycles):
        for d, kind in enumerate(CORRUPTIONS):
            for _ in range(cfg.reps):
                xc = corrupt(xte, kind, SEVERITY, g)
                perm = torch.randperm(len(xte), generator=g)
                for k in range(len(xte) // BATCH):
                    idx = perm[k * BATCH:(k + 1) * BATCH]
                    out.append((xc[idx], yte[idx], d))
    return out


def source_confidence_quantile(model, x, q):
    """q-quantile of the source model's per-image confidence on source images (test-batch BN, batches of 64)."""
    with torch.no_grad():
        conf = torch.cat([model(xb).softmax(-1).amax(-1) for xb in x.split(BATCH) if len(xb) > 1])
    return float(torch.quantile(conf, q))


def setup(method, src, ap):
    """A fresh adaptation state for a method, starting from the source model."""
    model = configure_bn_for_tta(copy.deepcopy(src))
    if method == "Source":
        return model
    if method == "TENT":
        return model, torch.optim.Adam(bn_affine_params(model), lr=LR)
    model.requires_grad_(True)  # CoTTA / PETAL adapt every weight
    teacher, anchor = copy.deepcopy(model), copy.deepcopy(model)
    source = [p.detach().clone() for p in model.parameters()]
    return model, teacher, anchor, torch.optim.Adam(model.parameters(), lr=LR), source, ap


METHODS = ("Source", "TENT", "CoTTA", "PETAL")
aps = []  # augmentation thresholds, one per seed
results = {m: [] for m in METHODS}  # per seed: (metrics dict, per-batch error array, cycle-2 error)
for s in seeds:
    seed_everything(s)
    data = load_digits_split(seed=s)
    src, mu, var = train_source(data.x_train, data.y_train, s, cfg.src_steps, cfg.swag_start)
    stream = make_stream(data.x_test, data.y_test, s)
    n_src = len(data.x_train)
    ap = source_confidence_quantile(configure_bn_for_tta(copy.deepcopy(src)), data.x_train, AP_QUANTILE)
    aps.append(ap)
    for method in METHODS:
        state, g = setup(method, src, ap), torch.Generator().manual_seed(s + 104729)
        if method == "Source":
            step = source_step
        elif method == "TENT":
            step = tent_step
        elif method == "CoTTA":
            step = lambda st, x, g: mean_teacher_step(st, x, g, prior=None, restore="random")  # noqa: E731
        else:
            step = lambda st, x, g: mean_teacher_step(st, x, g, prior=(mu, var, LAMBDA / n_src),  # noqa: E731
                                                      restore="fisher")
        probs = [step(state, x, g) for x, _, _ in stream]
        P, Y = torch.cat(probs), torch.cat([y for _, y, _ in stream])
        batch_err = np.array([(p.argmax(-1) != y).float().mean().item() for p, (_, y, _) in zip(probs, stream)])
        half = len(stream) // cfg.cycles
        results[method].append((calibration_metrics(P, Y), batch_err, batch_err[-half:].mean()))

# %%
metric = {k: np.array([[r[0][k] for r in results[m]] for m in METHODS]) for k in ("error", "nll", "brier", "ece")}
err_last = np.array([[r[2] for r in results[m]] for m in METHODS])  # error in the last cycle
table = pd.DataFrame({"method": np.repeat(METHODS, len(seeds)), "seed": np.tile(seeds, len(METHODS)),
                      "error": metric["error"].ravel(), "NLL": metric["nll"].ravel(),
                      "Brier": metric["brier"].ravel(), "ECE": metric["ece"].ravel(),
                      "error, last cycle": err_last.ravel()})
table.groupby("method", sort=False).mean(numeric_only=True).drop(columns="seed").round(4)

# %%
fig, axes = plt.subplots(1, 3, figsize=plot.figsize(3, aspect=1.1))
colors = [plot.COLORS["reference"], plot.COLORS["baseline"], plot.COLORS["variant"], plot.COLORS["method"]]
for ax, (key, label) in zip(axes, [("error", "error (fraction)"), ("nll", "NLL (nats)"), ("brier", "Brier score")]):
    vals = metric[key]
    ax.bar(range(len(METHODS)), vals.mean(1), yerr=vals.std(1, ddof=1) if len(seeds) > 1 else None,
           color=colors, capsize=3)
    ax.set_xticks(range(len(METHODS)), METHODS, rotation=30)
    ax.set(ylabel=label, title=label.split(" (")[0])
    lo = vals.min() * 0.9 if key == "error" else 0
    ax.set_ylim(lo, vals.max() * 1.08)
fig.suptitle("Stream-averaged error, NLL and Brier, mean +/- sd over seeds (mirrors paper Tables 1-3)")
plot.show(fig)

# %% [markdown]
# PETAL's stream error is {glue:text}`petal_err_petal:.3f` against {glue:text}`petal_err_src:.3f` for the source
# model, {glue:text}`petal_err_tent:.3f` for TENT and {glue:text}`petal_err_cotta:.3f` for CoTTA (means over
# seeds). The calibration gap is larger than the accuracy gap: NLL is {glue:text}`petal_nll_petal:.2f` for PETAL,
# {glue:text}`petal_nll_src:.2f` for the source model, {glue:text}`petal_nll_cotta:.2f` for CoTTA and
# {glue:text}`petal_nll_tent:.2f` for TENT, whose entropy minimisation makes it confidently wrong. The Brier
# scores are {glue:text}`petal_brier_petal:.3f` (PETAL), {glue:text}`petal_brier_src:.3f` (Source),
# {glue:text}`petal_brier_cotta:.3f` (CoTTA) and {glue:text}`petal_brier_tent:.3f` (TENT).

# %%
for i, m in enumerate(METHODS):
    tag = m.lower()[:5] if m != "Source" else "src"
    glue(f"petal_err_{tag}", float(metric["error"][i].mean()), display=False)
    glue(f"petal_nll_{tag}", float(metric["nll"][i].mean()), display=False)
    glue(f"petal_brier_{tag}", float(metric["brier"][i].mean()), display=False)

# %%
n_b = len(results["PETAL"][0][1])
per_domain = n_b // (cfg.cycles * len(CORRUPTIONS))
fig, ax = plt.subplots(figsize=plot.figsize(aspect=0.45))
kernel = np.ones(per_domain) / per_domain
for m, c in zip(METHODS, colors):
    curves = np.array([np.convolve(r[1], kernel, mode="valid") for r in results[m]])  # running mean over a domain
    plot.mean_band(ax, np.arange(per_domain - 1, n_b), curves, label=m, color=c, lw=2 if m == "PETAL" else 1.2)
for b in range(per_domain, n_b, per_domain):
    ax.axvline(b, color="0.6", lw=0.6, ls=":", zorder=0)
for b in range(0, n_b, per_domain * len(CORRUPTIONS)):
    ax.axvline(b, color="0.3", lw=1.2, zorder=0)
ax.set(xlabel="test batch along the stream (dotted: new corruption; solid: new cycle)",
       ylabel="error (running mean)",
       title="Lifelong stream: error per domain, mean and 95% band over seeds")
fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=4)
plot.show(fig)

# %% [markdown]
# Along the stream the curves follow the difficulty of each corruption. In the last cycle the error is
# {glue:text}`petal_last_tent:.3f` for TENT, {glue:text}`petal_last_cotta:.3f` for CoTTA and
# {glue:text}`petal_last_petal:.3f` for PETAL. The paired difference PETAL minus CoTTA, over seeds, is
# {glue:text}`petal_d_err` in error and {glue:text}`petal_d_nll` in NLL (mean and bootstrap 95% interval).
#
# **Reading the verdicts.** What reproduces is the calibration story: TENT, which only sharpens its own
# predictions, ends up far worse calibrated than the source model (C2), while PETAL's soft, augmentation-averaged
# teacher gives a clearly lower NLL than the source model, at about the same Brier score. What does not
# reproduce is the accuracy gain (C1):
# on this tiny, non-convolutional source model, self-training every weight with Adam on the teacher's
# pseudo-labels costs a little accuracy relative to simply normalising with test-batch statistics, for CoTTA
# and PETAL alike, so PETAL's error stays above the source model's. Between the two student-teacher methods,
# Fisher-based restoration with the SWAG prior is at least as accurate as random restoration (C3), the
# comparison the issue asked to settle.

# %%
d_err = paired_bootstrap_ci(metric["error"][3], metric["error"][2], seed=SEED)
d_nll = paired_bootstrap_ci(metric["nll"][3], metric["nll"][2], seed=SEED)
glue("petal_last_tent", float(err_last[1].mean()), display=False)
glue("petal_last_cotta", float(err_last[2].mean()), display=False)
glue("petal_last_petal", float(err_last[3].mean()), display=False)
glue("petal_d_err", str(d_err), display=False)
glue("petal_d_nll", str(d_nll), display=False)
glue("petal_ap", float(np.mean(aps)), display=False)

# %% [markdown]
# ## Verdict

# %%
src_, tent_, cotta_, petal_ = 0, 1, 2, 3
E, N, B = metric["error"], metric["nll"], metric["brier"]
c1 = (np.all(E[petal_] < E[src_]) and np.all(E[petal_] < E[tent_]) and np.all(N[petal_] < N[src_] - NLL_MARGIN)
      and np.all(B[petal_] < B[src_]))
ledger.check("C1", measured=f"err {mean_ci(E[petal_])} vs Source {mean_ci(E[src_])}, TENT {mean_ci(E[tent_])}; "
             f"NLL {mean_ci(N[petal_])} vs Source {mean_ci(N[src_])}; Brier {mean_ci(B[petal_])} vs {mean_ci(B[src_])}",
             test="every seed: err(PETAL) < err(Source), err(PETAL) < err(TENT), NLL(PETAL) < NLL(Source) - 0.05, "
                  "Brier(PETAL) < Brier(Source)", holds=bool(c1))
ledger.check("C2", measured=mean_ci(N[tent_] - N[src_]), test="every seed: NLL(TENT) - NLL(Source) > 1.0",
             holds=bool(np.all(N[tent_] - N[src_] > TENT_NLL_GAP)))
ledger.check("C3", measured=d_err, test="seed-mean err(PETAL) - err(CoTTA) <= 0.005",
             holds=bool(d_err.mean <= NONINF), note=f"NLL(PETAL) - NLL(CoTTA): {d_nll}")
ledger.finish()

# %% [markdown]
# ## Deviations and limits
#
# - **World.** 8x8 digits, a two-hidden-layer MLP and nine hand-made corruptions stand in for CIFAR-C/ImageNet-C
#   and residual networks; our stream is 18 domains long (two cycles), not 15 corruptions over 10 orders.
# - **Hyper-parameters.** The official configuration for CIFAR-10 uses Adam with lr $10^{-3}$, teacher
#   momentum 0.999, augmentation threshold 0.92, 32 augmentations, prior weight $10^{-9}$ and Fisher quantile
#   0.03. Our stream is far shorter, so we follow the spec: lr $10^{-2}$, momentum 0.99, 8 augmentations,
#   prior weight $\lambda/N_{\rm src}$ with $\lambda=10^{-4}$; the quantile $\delta=0.03$ and the variance
#   damping $10^{-6}$ are the paper's code's. With $\lambda=1$ the tiny SWAG variances pin the weights to the
#   source and PETAL becomes the source model (found when the spec was prototyped).
# - **Augmentation and its threshold (changed from the spec, once, for a stated reason).** The spec's threshold
#   of 0.7 on the confidence never triggered augmentation averaging on our stream (the source model's mean batch
#   confidence stayed well above it in a first run), which would have left one of the mechanisms under test switched off; we use
#   CoTTA's rule (5% quantile of the source confidence on source images) instead. The spec's +-1-pixel shifts
#   are an eighth of an 8x8 image and made the source model's augmented predictions much worse than its plain
#   ones (the averaged pseudo-labels then ruined both methods); we use the official code's "soft" augmentation
#   set scaled to 8x8 images, and, as the paper's source networks were trained with standard augmentation, we
#   train the source model with the same augmentations so that it is roughly invariant to them.
# - **Fisher.** As in the official code, the Fisher diagonal is the squared gradient of the full loss (pseudo-label
#   cross-entropy plus prior) on the current batch, the threshold is a quantile over all weights, and restoration
#   happens after the Adam step and the teacher update.
# - **What we could read.** We read the official code (its comments give the algorithm-line and equation
#   numbers we quote) but not the paper's full text; numbers in the claims are from the paper's tables as
#   summarised in the spec.
# - **Scale of the effects.** Differences in error between the methods are one to two points at this scale;
#   NLL differences are larger. The paper's source networks are far stronger and convolutional, and its PETAL
#   gains over the source model in error may depend on that; our miniature cannot say whether they would
#   appear with a better source model.
