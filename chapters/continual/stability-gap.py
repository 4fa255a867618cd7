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
# # Continual Evaluation for Lifelong Learning: Identifying the Stability Gap
#
# **Matthias De Lange, Gido M. van de Ven, Tinne Tuytelaars** · *ICLR 2023* ·
# [arXiv:2205.13452](https://arxiv.org/abs/2205.13452) · {cite}`delange2023stabilitygap`
#
# Continual-learning methods are usually scored only at task boundaries: train on task 1, test, train on task 2,
# test again. The paper asks what happens *between* those checkpoints. Evaluating after every single training
# iteration, it finds that methods which look fine at the boundaries, experience replay (ER) among them, lose a
# large part of their accuracy on old tasks during the first few iterations on a new task and then recover most of
# it before the task ends. The authors call this transient collapse the *stability gap*, show it for replay,
# constraint-based (GEM), distillation (LwF) and regularisation (EWC) methods in class- and domain-incremental
# benchmarks (Fig. 2 plots ER's first-task accuracy, with the task-boundary evaluations as red diamonds sitting far
# above the per-iteration dips), and propose worst-case metrics for this continual evaluation: the average minimum
# accuracy (min-ACC) and the worst-case accuracy (WC-ACC). A controlled rotated-MNIST experiment shows the gap grows
# as the new task becomes less similar to the old one.
#
# ```{admonition} Claims tested in this chapter
# :class: tip
# **C1.** With ER in class-incremental split digits, per-iteration evaluation reveals a transient drop of old-task
# accuracy at every task switch that mostly recovers, so min-ACC from every iteration lies far below min-ACC from
# the task boundaries (paper: Fig. 2, ER's first-task accuracy plunges right after each transition while the
# boundary evaluations stay high, on Split-MNIST, Split-CIFAR10, Mini-ImageNet and Mini-DomainNet).
#
# **C2.** The drop is a *gap*, not ordinary forgetting: ER's old-task accuracy recovers within the same task,
# whereas plain fine-tuning drops old classes to about zero and never recovers (paper: for replay, GEM, LwF and
# EWC the forgetting at the start of a task is only temporary and a recovery phase follows, Fig. 2).
#
# **C3.** The gap grows with task dissimilarity: in a two-task rotated-digits stream, ER's gap on the upright task
# is larger when the second task is rotated by 60° or 90° than by 0°, and increases with the angle (paper:
# controlled rotated-MNIST experiment, larger rotations give a larger stability gap).
# ```

# %% tags=["parameters"]
SCALE = "ci"  # "ci": <= 45 s on one core; "paper": the paper-like configuration, same code path
SEED = 0  # every source of randomness derives from SEED

# %%
import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
import matplotlib.pyplot as plt
from IPython.display import display
from myst_nb import glue

from lib import plot
from lib.claims import Ledger, REPRODUCED
from lib.config import scale_config
from lib.continual import MLP, Reservoir, batched_mlp, continual_metrics, stack_mlps, task_accuracy, task_index
from lib.data import class_incremental, load_digits_split, rotate
from lib.seeding import seed_everything, seed_list
from lib.stats import mean_ci, paired_bootstrap_ci, spearman

plot.use_style()
cfg = scale_config(
    SCALE,
    ci=dict(n_seeds=3, steps_per_task=150, hidden=256, mem=200, angles=(0, 30, 60, 90, 120)),
    paper=dict(n_seeds=5, steps_per_task=500, hidden=400, mem=200, angles=tuple(range(0, 181, 15))),
)
LR, BATCH, N_TASKS = 0.1, 32, 5  # plain SGD; each step sees BATCH new samples (+ BATCH replayed ones for ER)
seed_everything(SEED)
seeds = seed_list(SEED, cfg.n_seeds)

ledger = Ledger("stability-gap", scale=SCALE, seed=SEED)
ledger.claim("C1", "ER on class-incremental split digits: min-ACC from per-iteration evaluation is at least 0.08 "
             "below min-ACC from task-boundary evaluation, and old-task accuracy recovers by > 0.05 on average "
             "within each task.",
             paper="Fig. 2: sharp dips of ER after each transition, missed by task-boundary evaluation",
             expected=REPRODUCED)
ledger.claim("C2", "ER recovers within a task (mean recovery > 0.05) while fine-tuning does not (< 0.02).",
             paper="Fig. 2 / abstract: the forgetting is temporary, followed by recovery", expected=REPRODUCED)
ledger.claim("C3", "In a 2-task rotated-digits stream with ER, the gap at 60° and 90° exceeds the gap at 0° for "
             "every seed, and the seed-mean gap rises with the angle over 0-90° (Spearman >= 0.8).",
             paper="controlled rotated-MNIST experiment: gap grows as tasks become more dissimilar",
             expected=REPRODUCED)

# %% [markdown]
# ## Scale
#
# The paper column lists its Split-MNIST ER setting, as in the authors' released configuration files.
#
# | | paper | `ci` | `paper` |
# |---|---|---|---|
# | data | Split-MNIST 5x2 classes (plus Split-CIFAR10, Mini-ImageNet, Mini-DomainNet); rotated MNIST | sklearn digits 8x8, 5x2 classes; 2-task rotated digits | same digits streams |
# | model | MLP 784-400-400-10 (reduced ResNet-18 for the colour images) | MLP 64-256-256-10 | MLP 64-400-400-10 |
# | optimiser | SGD, momentum 0.9, lr 0.01, batch 256 new + 256 replay | SGD, lr 0.1, batch 32 new + 32 replay | same |
# | steps | 10 epochs per task | 150 per task | 500 per task |
# | replay buffer | 2,000 (class-balanced) | 200 (reservoir) | 200 (reservoir) |
# | evaluation | every iteration, 1,000 test samples per task | every iteration, all 540 test images | same |
# | methods | ER, GEM, LwF, EWC, fine-tuning | ER, fine-tuning | ER, fine-tuning |
# | seeds / angles | 5 seeds | 3 seeds; 0°, 30°, ..., 120° | 5 seeds; 0°, 15°, ..., 180° |

# %% [markdown]
# ## Method
#
# **Continual evaluation.** Write $f_n$ for the model after training iteration $n$ and $A(E_k, f_n)$ for its
# accuracy on the test set $E_k$ of task $k$. Instead of measuring $A$ only at the last iteration $|T_k|$ of each
# task, the paper measures it every $\rho_{\text{eval}}$ iterations; we use $\rho_{\text{eval}} = 1$. After $T$
# tasks the paper's worst-case metrics are
#
# $$\text{min-ACC}_T = \frac{1}{T-1}\sum_{k<T}\ \min_{|T_k| < n \le |T_T|} A(E_k, f_n), \qquad
# \text{WC-ACC} = \frac{1}{T} A(E_T, f_{|T_T|}) + \Big(1-\frac{1}{T}\Big)\,\text{min-ACC}_T,$$
#
# next to the usual final average accuracy $\text{ACC} = \frac1T\sum_k A(E_k, f_{|T_T|})$. Computing min-ACC from
# the boundary evaluations alone (the minimum over $n \in \{|T_{k+1}|, \dots, |T_T|\}$) gives the number standard
# evaluation would report. To separate a transient gap from forgetting we also record, for each old task $k$ and
# each later task $t$, the **dip** (accuracy at the end of task $t-1$ minus the minimum during task $t$) and the
# **recovery** (accuracy at the end of task $t$ minus that minimum). All of these live in
# `lib.continual.continual_metrics`.
#
# **Experience replay (ER)**, as in the paper: a buffer of past samples is updated at the end of each task, and each
# SGD step mixes a batch of new data with an equally sized batch drawn from the buffer,
# $\mathcal{L} = \lambda\,\mathrm{CE}(\text{new}) + (1-\lambda)\,\mathrm{CE}(\text{replay})$ with $\lambda = 1/2$
# (the default of the authors' code; their Split-MNIST run uses a tuned $\lambda = 0.3$). Our buffer is a
# reservoir sample of everything seen so far. **Fine-tuning (FT)** is the same loop with $\lambda = 1$ and no
# buffer. Both share one 10-way output head (class-incremental).
#
# To fit the budget all replicate seeds and both methods train *at once*: each model's weights are one slice of a
# stacked tensor and every layer is a batched matrix product (`torch.baddbmm`). The models never interact: the
# gradient of the summed per-model losses with respect to a slice is that model's own gradient.

# %%
def init_models(model_seeds, sizes):
    """One lib.continual.MLP per seed, stacked layer by layer into [(W (B, in, out), b (B, 1, out)), ...]."""
    return stack_mlps([MLP(sizes, seed=s) for s in model_seeds])


forward = batched_mlp  # logits of every model on its own inputs, x: (B, n, 64) -> (B, n, 10)


def sgd_step(layers, x, y, w_replay):
    """One SGD step per model on x = [new | replay] halves; loss = (1-w) CE(new) + w CE(replay), w per model."""
    ce = F.cross_entropy(forward(layers, x).flatten(0, 1), y.flatten(), reduction="none").view(y.shape)
    loss = (1 - w_replay) * ce[:, :BATCH].mean(1) + w_replay * ce[:, BATCH:].mean(1)  # ER loss (lambda = 1 - w)
    params = [p for layer in layers for p in layer]
    grads = torch.autograd.grad(loss.sum(), params)  # models are independent: per-model gradients
    with torch.no_grad():
        for p, g in zip(params, grads):
            p -= LR * g


def clone_models(layers, times):
    """Repeat every model `times` times along the model axis (fresh leaf tensors)."""
    return [tuple(p.detach().repeat(times, 1, 1).requires_grad_() for p in layer) for layer in layers]


# %% [markdown]
# ## Experiment 1: split digits, ER vs fine-tuning, evaluated after every iteration
#
# Each replicate seed draws its own train/test split and class order (five tasks of two classes). Models
# $0..R-1$ run ER and models $R..2R-1$ run fine-tuning from the same initialisation and on the same new-data
# batches. After every SGD step each model is tested on the test images of all tasks seen so far.

# %%
def split_digits_stream(model_seeds):
    """Train ER and FT on 5-task split digits; return acc[model, iteration, task] (NaN for unseen tasks)."""
    R, S = len(model_seeds), cfg.steps_per_task
    B = 2 * R  # ER models first, then FT models
    train, test = [], []
    for s in model_seeds:
        d, tasks = load_digits_split(s), class_incremental(N_TASKS, s)
        t_tr, t_te = task_index(d.y_train, tasks), task_index(d.y_test, tasks)
        train.append([(d.x_train[t_tr == k], d.y_train[t_tr == k]) for k in range(N_TASKS)])
        order = torch.argsort(t_te, stable=True)  # test images sorted by task: tasks 1..t form a prefix
        test.append((d.x_test[order], d.y_test[order], t_te[order]))
    x_te, y_te, t_te = (torch.stack(z).repeat(2, *[1] * z[0].ndim) for z in zip(*test))
    gens = [torch.Generator().manual_seed(s) for s in model_seeds]
    buffers = [Reservoir(cfg.mem, g) for g in gens]
    layers = init_models(list(model_seeds) * 2, (64, cfg.hidden, cfg.hidden, 10))
    w_replay = torch.zeros(B)
    acc = np.full((B, N_TASKS * S, N_TASKS), np.nan)
    xb, yb = torch.zeros(B, 2 * BATCH, 64), torch.zeros(B, 2 * BATCH, dtype=torch.long)
    for t in range(N_TASKS):
        n_eval = int((t_te <= t).sum(1).max())  # longest prefix holding tasks 0..t
        t_eval = t_te[:, :n_eval].masked_fill(t_te[:, :n_eval] > t, -1)
        for step in range(S):
            for r in range(R):
                x_new, y_new = train[r][t]
                idx = torch.randperm(len(y_new), generator=gens[r])[:BATCH]
                xb[[r, R + r], :BATCH], yb[[r, R + r], :BATCH] = x_new[idx], y_new[idx]  # same batch, ER and FT
                if len(buffers[r]):
                    xb[r, BATCH:], yb[r, BATCH:] = buffers[r].sample(BATCH)
            sgd_step(layers, xb, yb, w_replay)
            with torch.no_grad():  # continual evaluation, rho_eval = 1
                logits = forward(layers, x_te[:, :n_eval])
                acc[:, t * S + step] = task_accuracy(logits, y_te[:, :n_eval], t_eval, N_TASKS).numpy()
        for r in range(R):  # ER buffer update at the task boundary
            x_new, y_new = train[r][t]
            perm = torch.randperm(len(y_new), generator=gens[r])
            buffers[r].add(x_new[perm], y_new[perm])
        w_replay[:R] = 0.5
    return acc


acc = split_digits_stream(seeds)
R, S = len(seeds), cfg.steps_per_task
ends = [(t + 1) * S - 1 for t in range(N_TASKS)]  # last iteration of each task
per_iter = {m: continual_metrics(acc[sl], ends) for m, sl in (("ER", slice(0, R)), ("FT", slice(R, 2 * R)))}
at_bounds = {m: continual_metrics(acc[sl][:, ends], range(N_TASKS))
             for m, sl in (("ER", slice(0, R)), ("FT", slice(R, 2 * R)))}
gap_minacc = at_bounds["ER"]["min_acc"] - per_iter["ER"]["min_acc"]  # per seed

# %% [markdown]
# ### ER's first task under continual evaluation
#
# Panel (a) mirrors the paper's Fig. 2: accuracy on the first task (its two classes' test images) after every
# iteration, mean over seeds with a 95% band and single seeds as thin lines. The red diamonds are what evaluation at
# task boundaries sees; the dashed line is task 1's min-ACC averaged over seeds (each seed reaches its minimum at a
# different iteration, so the mean curve stays above it). Panel (b) takes every old task at every later task switch
# and plots how far its accuracy fell during the new task (dip) against how much of that it regained by the end of
# the task (recovery); on the diagonal the drop was fully transient.

# %%
it = np.arange(1, N_TASKS * S + 1)
er1, ft1 = acc[:R, :, 0], acc[R:, :, 0]
min_task1 = er1[:, ends[0] + 1:].min(1)  # min-ACC of task 1 (per seed)
fig, (ax, bx) = plt.subplots(1, 2, figsize=plot.figsize(aspect=0.42), gridspec_kw=dict(width_ratios=[2.3, 1]))
plot.mean_band(ax, it, ft1, color=plot.COLORS["reference"], label="fine-tuning", lw=1)
ax.plot(it, er1.T, color=plot.COLORS["method"], lw=0.5, alpha=0.35)
plot.mean_band(ax, it, er1, color=plot.COLORS["method"], label="ER, every iteration", lw=1.2)
ax.plot(np.array(ends) + 1, er1[:, ends].mean(0), "D", color="red", ms=6, label="ER, at task ends")
for e in ends[:-1]:
    ax.axvline(e + 1.5, color="0.6", lw=0.8, ls=":")
ax.axhline(min_task1.mean(), color=plot.COLORS["highlight"], ls="--", lw=1, label="min-ACC of task 1 (ER)")
ax.set(xlabel="training iteration", ylabel="accuracy on task 1", ylim=(-0.02, 1.02),
       title="(a) first task, split digits (paper Fig. 2)")
ax.legend(loc="lower left", fontsize=7)
for m, style in (("FT", dict(color=plot.COLORS["reference"], marker="x")),
                 ("ER", dict(color=plot.COLORS["method"], marker="o", alpha=0.7))):
    bx.scatter(per_iter[m]["dips"].ravel(), per_iter[m]["recoveries"].ravel(), s=14, label=m, **style)
bx.plot([0, 1], [0, 1], color="0.6", lw=0.8, ls=":", label="full recovery")
bx.set(xlabel="dip (accuracy)", ylabel="recovery (accuracy)", xlim=(-0.02, 1.02), ylim=(-0.02, 1.02),
       title="(b) old task x switch")
bx.legend(loc="upper left", fontsize=7)
plot.show(fig)

# %% [markdown]
# Early in each new task ER's accuracy on old tasks drops and then climbs back well before the next boundary,
# so the diamonds never see it; in panel (b) ER's points lie close to the diagonal. Fine-tuning
# (grey) loses each task at the next switch and never gets it back: its points sit on the horizontal axis. (The
# short grey blips in panel (a) are single iterations right after later switches, while the newest classes are
# being pushed down.) The table summarises all tasks (mean with 95% interval over seeds).

# %%
def fmt(x):
    return str(mean_ci(x))


rows = {m: {"ACC": fmt(per_iter[m]["acc"]),
            "min-ACC, task ends only": fmt(at_bounds[m]["min_acc"]),
            "min-ACC, every iteration": fmt(per_iter[m]["min_acc"]),
            "WC-ACC, every iteration": fmt(per_iter[m]["wc_acc"]),
            "mean dip": fmt(per_iter[m]["dip"]),
            "mean recovery": fmt(per_iter[m]["recovery"])} for m in ("ER", "FT")}
with pd.option_context("display.width", 250, "display.max_columns", 10):
    display(pd.DataFrame(rows).T.rename_axis("method"))

glue("sg_er_acc", float(per_iter["ER"]["acc"].mean()), display=False)
glue("sg_er_min_bound", float(at_bounds["ER"]["min_acc"].mean()), display=False)
glue("sg_er_min_iter", float(per_iter["ER"]["min_acc"].mean()), display=False)
glue("sg_er_wc", float(per_iter["ER"]["wc_acc"].mean()), display=False)
glue("sg_gap_minacc", float(gap_minacc.mean()), display=False)
glue("sg_er_dip", float(per_iter["ER"]["dip"].mean()), display=False)
glue("sg_er_rec", float(per_iter["ER"]["recovery"].mean()), display=False)
glue("sg_ft_rec", float(per_iter["FT"]["recovery"].mean()), display=False)
glue("sg_ft_acc", float(per_iter["FT"]["acc"].mean()), display=False)
lowest = [np.argmin(acc[:R, ends[t - 1] + 1:ends[t] + 1, k], axis=1) + 1 for t in range(1, N_TASKS) for k in range(t)]
glue("sg_t_low", float(np.median(lowest)), display=False)  # iterations after the switch at which ER is lowest

# %% [markdown]
# ER ends with ACC {glue:text}`sg_er_acc:.2f`. Judged at the task boundaries, the worst accuracy any old task ever
# had (min-ACC) is {glue:text}`sg_er_min_bound:.2f`; judged after every iteration it is
# {glue:text}`sg_er_min_iter:.2f`, a gap of {glue:text}`sg_gap_minacc:.2f` that standard evaluation cannot see.
# On average an old task loses {glue:text}`sg_er_dip:.2f` early in the next task and gets
# {glue:text}`sg_er_rec:.2f` back before the task ends; the lowest point comes a median of
# {glue:text}`sg_t_low:.0f` iterations after the switch. Fine-tuning recovers {glue:text}`sg_ft_rec:.3f` and ends
# at ACC {glue:text}`sg_ft_acc:.2f`, about the one task in five it still knows.
#
# ## Experiment 2: the gap grows with task dissimilarity
#
# The paper controls how different the second task is by rotating MNIST. Our miniature: task 1 is the upright
# digits training set (all ten classes), task 2 the same images rotated by $\varphi$; ER replays upright samples
# from the reservoir during task 2, and we test on the upright test set after every iteration of task 2. The gap is
# the task-1 accuracy at the end of task 1 minus its minimum during task 2. Each seed trains task 1 once; its model
# is then copied for every angle, and all angles see the same new-sample and replay batches, so angles differ only
# in the rotation. We keep the split-digits optimiser (SGD, lr 0.1) unchanged.

# %%
def rotation_gaps(model_seeds, angles):
    """ER on [upright digits, digits rotated by angle]; return gap[angle, seed] on the upright test set."""
    R, A, S = len(model_seeds), len(angles), cfg.steps_per_task
    data = [load_digits_split(s) for s in model_seeds]
    x_te = torch.stack([d.x_test for d in data]).repeat(A, 1, 1)
    y_te = torch.stack([d.y_test for d in data]).repeat(A, 1)
    gens = [torch.Generator().manual_seed(s) for s in model_seeds]
    layers = init_models(model_seeds, (64, cfg.hidden, cfg.hidden, 10))
    xb, yb = torch.zeros(R, 2 * BATCH, 64), torch.zeros(R, 2 * BATCH, dtype=torch.long)
    for step in range(S):  # task 1: upright digits, buffer still empty
        for r, d in enumerate(data):
            idx = torch.randperm(len(d.y_train), generator=gens[r])[:BATCH]
            xb[r, :BATCH], yb[r, :BATCH] = d.x_train[idx], d.y_train[idx]
        sgd_step(layers, xb, yb, torch.zeros(R))
    buffers = [Reservoir(cfg.mem, g) for g in gens]
    for r, d in enumerate(data):
        perm = torch.randperm(len(d.y_train), generator=gens[r])
        buffers[r].add(d.x_train[perm], d.y_train[perm])
    layers = clone_models(layers, A)  # model a * R + r: seed r, angle a
    with torch.no_grad():
        acc_end1 = (forward(layers, x_te).argmax(-1) == y_te).double().mean(1)
    x_rot = [[rotate(d.x_train, phi) for d in data] for phi in angles]
    acc2 = np.zeros((A * R, S))
    xb, yb = torch.zeros(A * R, 2 * BATCH, 64), torch.zeros(A * R, 2 * BATCH, dtype=torch.long)
    for step in range(S):  # task 2: rotated digits + replay of upright ones
        for r, d in enumerate(data):
            idx = torch.randperm(len(d.y_train), generator=gens[r])[:BATCH]
            x_rep, y_rep = buffers[r].sample(BATCH)
            for a in range(A):
                xb[a * R + r, :BATCH], yb[a * R + r, :BATCH] = x_rot[a][r][idx], d.y_train[idx]
                xb[a * R + r, BATCH:], yb[a * R + r, BATCH:] = x_rep, y_rep
        sgd_step(layers, xb, yb, torch.full((A * R,), 0.5))
        with torch.no_grad():
            acc2[:, step] = (forward(layers, x_te).argmax(-1) == y_te).double().mean(1).numpy()
    return (acc_end1.numpy() - acc2.min(1)).reshape(A, R)


angles = np.array(cfg.angles)
gaps = rotation_gaps(seeds, cfg.angles)  # (angle, seed)
tested = angles <= 90
rho = spearman(angles[tested], gaps[tested].mean(1))
g = {int(a): gaps[i] for i, a in enumerate(angles)}

# %%
fig, ax = plt.subplots(figsize=plot.figsize(aspect=0.5))
plot.mean_band(ax, angles, gaps.T, color=plot.COLORS["method"], marker="o", label="ER, mean over seeds")
for r in range(R):
    ax.plot(angles, gaps[:, r], color=plot.COLORS["method"], alpha=0.3, lw=0.8)
ax.axhline(0, color=plot.COLORS["reference"], lw=0.8)
ax.set(xlabel="rotation of task 2 (degrees)", ylabel="stability gap on task 1 (accuracy)",
       xticks=angles, title="Gap vs. task dissimilarity (mirrors the paper's rotated-MNIST experiment)")
ax.legend(loc="upper left")
plot.show(fig)
glue("sg_gap0", float(g[0].mean()), display=False)
glue("sg_gap60", float(g[60].mean()), display=False)
glue("sg_gap90", float(g[90].mean()), display=False)
glue("sg_rho", rho, display=False)

# %% [markdown]
# Thin lines are single seeds. The mean gap is {glue:text}`sg_gap0:.3f` when the second task is the first one
# again (0°), {glue:text}`sg_gap60:.3f` at 60° and {glue:text}`sg_gap90:.3f` at 90°; the rank correlation between
# angle and mean gap over 0-90° is {glue:text}`sg_rho:.2f`.
#
# ## Verdict

# %%
ci_diff = paired_bootstrap_ci(at_bounds["ER"]["min_acc"], per_iter["ER"]["min_acc"], seed=SEED)
rec_er, rec_ft = per_iter["ER"]["recovery"], per_iter["FT"]["recovery"]
ledger.check("C1", measured=ci_diff,
             test="every seed: boundary min-ACC - per-iteration min-ACC >= 0.08 and ER recovery > 0.05; "
                  "paired bootstrap 95% CI of the difference excludes 0",
             holds=bool((gap_minacc >= 0.08).all() and (rec_er > 0.05).all() and ci_diff.lo > 0),
             note=f"difference per seed {np.round(gap_minacc, 3).tolist()}, ER recovery {np.round(rec_er, 3).tolist()}")
ledger.check("C2", measured=f"recovery ER {mean_ci(rec_er)}, FT {mean_ci(rec_ft)}",
             test="every seed: ER recovery > 0.05 and FT recovery < 0.02",
             holds=bool((rec_er > 0.05).all() and (rec_ft < 0.02).all()),
             note=f"recovery per seed: ER {np.round(rec_er, 3).tolist()}, FT {np.round(rec_ft, 4).tolist()}")
ledger.check("C3", measured=f"Spearman {rho:.2f}; gap 0°/60°/90° = {g[0].mean():.3f}/{g[60].mean():.3f}/"
                            f"{g[90].mean():.3f}",
             test="every seed: gap(90°) > gap(0°) and gap(60°) > gap(0°); "
                  "Spearman(angle, mean gap) >= 0.8 on 0-90°",
             holds=bool((g[90] > g[0]).all() and (g[60] > g[0]).all() and rho >= 0.8),
             note="gaps per seed: " + "; ".join(f"{a}°: {np.round(g[a], 3).tolist()}" for a in (0, 30, 60, 90)))
ledger.finish()

# %% [markdown]
# ## Deviations and limits
#
# - **Data and model.** 8x8 digits (1,257 training images) and a small MLP replace MNIST, CIFAR10, Mini-ImageNet
#   and Mini-DomainNet; only ER and fine-tuning are run, so the paper's finding that GEM, LwF and EWC have a
#   stability gap too is not tested here.
# - **ER details.** The paper's code keeps a class-balanced buffer of 2,000 samples, uses SGD with momentum 0.9 and
#   tunes the new/replay loss weight; we use a 200-sample reservoir, plain SGD and equal weights. Our lr 0.1 matches
#   the long-run step of the paper's lr 0.01 with momentum 0.9, $0.01/(1-0.9)$, but our batches are eight times
#   smaller, so single updates are noisier, and our dips are short (see the median time to the lowest point above).
# - **Noise in a per-iteration minimum.** A minimum over 150 evaluations also picks up ordinary step-to-step SGD
#   noise. The 0° rotation run shows its size: task 2 repeats task 1 there, yet the measured "gap" is
#   {glue:text}`sg_gap0:.3f` on average on the 540 upright test images. C3 compares against exactly this
#   baseline. The split-digits tasks are tested on about 108 images each, so their noise floor is higher, and
#   C1's threshold of 0.08 does not subtract it; panel (b) above shows that many single dips are far larger.
# - **Dip and recovery** are our summaries of the paper's description of the gap; the paper's own metrics are
#   min-ACC and WC-ACC (plus windowed forgetting and plasticity, not computed here).
# - **Rotations.** On 8x8 images a bilinear rotation already changes a digit a lot at 30°, and some digits
#   (0, 1, 8) look almost the same after a 180° turn, so the gap need not keep growing at large angles; angles
#   above 90° are shown but not tested. The rotation experiment uses the split-digits learning rate (0.1), fixed
#   before it was first run; the spec's fallback of lr 0.05 was not used. With four tested angles the rank
#   correlation can only be 1, 0.8, 0.6, ...: the threshold 0.8 allows one adjacent pair out of order, which
#   happens in some seeds when the gap levels off between 60° and 90°.
# - **`paper` scale** keeps the digits streams (nothing is downloaded) and enlarges the rest: 5 seeds, 500 steps
#   per task, 400 hidden units, rotations every 15° up to 180°.
# - **Not checked:** the paper's gradient-based explanation of the gap (stability and plasticity gradient norms).
