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
# # PIE: Simulating Disease Progression via Progressive Image Editing
#
# **Kaizhao Liang, Xu Cao, Kuei-Da Liao, Tianren Gao, Wenqian Ye, Zhengyu Chen, Jianguo Cao, Tejas Nama, Jimeng Sun**
# · *arXiv 2023* · [arXiv:2309.11745](https://arxiv.org/abs/2309.11745) · {cite}`liang2023pie`
#
# Longitudinal images of one patient are rare, so PIE asks whether a text-conditioned diffusion model can *simulate*
# how a given patient's image would change as a disease progresses. It edits the patient's own image in many small
# steps: each step partially re-noises the current image (strength $\gamma$), denoises it under the disease prompt
# with a Stable Diffusion model fine-tuned on chest X-rays, retinal fundus images or skin lesions, and blends the
# result with the *original* image inside a region of interest (weight $\beta$), so that the patient's anatomy is
# kept. The authors read the iteration as gradient descent on the target log-density with an exponentially
# decaying learning rate, so that successive edits shrink and the sequence converges. In their main comparison
# table PIE beats a Stable-Diffusion walk (the conditioning interpolated from healthy to diseased) and a StyleGAN
# manifold extrapolation on both realism (CLIP-I) and disease-classifier confidence in all three domains, and 35
# physicians agreed with 76.2 % of the simulated progressions.
#
# Our miniature replaces the patient by a handwritten digit and the disease by a change of class: a "healthy" 1
# progresses into a 7, a 3 into a 9, and so on, with the book's class-conditional digit diffusion model playing
# Stable Diffusion and the class label playing the prompt.
#
# ```{admonition} Claims tested in this chapter
# :class: tip
# **C1.** PIE moves a source image progressively into the target condition: the target-class confidence of an
# independent classifier reaches >= 0.9 after N = 8 iterations, and the confidence trajectory of >= 75 % of the
# images never drops by more than 0.05. *Paper:* progression figures and the confidence (alignment) column of the
# main table. **Declared not reproduced:** the final confidence bar is met, the per-image monotonicity is not.
#
# **C2.** PIE preserves the individual better than the Stable-Diffusion walk: its final RMSE to the input image is
# lower by >= 0.05. *Paper:* the personalisation argument and progression figures (the ROI blend keeps the
# patient's anatomy).
#
# **C3.** PIE is at least as well aligned with the target condition as the Stable-Diffusion walk: final target
# confidence no more than 0.03 below it. *Paper:* main table, confidence column (PIE higher in all three domains).
# **Declared not reproduced.**
#
# **C4.** PIE's progressions are more realistic than the walk's: lower FDD (our stand-in for CLIP-I realism)
# against real target-class digits. *Paper:* main table, CLIP-I column. **Declared not reproduced.**
#
# **C5.** Successive PIE edits shrink: with the paper's stochastic re-noising every step
# $\|x_n-x_{n-1}\|$ after the first is < 0.6 x the first one. *Paper:* convergence analysis (Propositions 2 and
# 3, as the reviews name them: the change per step shrinks and stays bounded) and the progression curves.
#
# **C6.** The step sizes decay geometrically ("the step size would gradually decrease with a constant factor"):
# a fitted ratio < 0.9 per iteration over iterations 2..N, **(a)** with the paper's stochastic re-noising
# (**declared not reproduced**: the steps level off at a noise floor) and **(b)** with deterministic DDIM-inversion
# encoding, which makes each PIE step a fixed map.
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
from myst_nb import glue

from lib import plot
from lib import tinydiff as td
from lib.claims import Ledger, NOT_REPRODUCED, REPRODUCED
from lib.config import scale_config
from lib.seeding import seed_everything, seed_list
from lib.stats import mean_ci

plot.use_style()
cfg = scale_config(
    SCALE,
    ci=dict(n_per_pair=12, n_iter=8, n_sampling_seeds=3, ddim_steps=20, walk_steps=50, guidance=2.0,
            gamma=0.5, beta=0.75, beta_sweep=(0.9, 1.0), sdedit_max=0.8, roi="none"),
    paper=dict(n_per_pair=60, n_iter=20, n_sampling_seeds=5, ddim_steps=50, walk_steps=100, guidance=2.0,
               gamma=0.5, beta=0.75, beta_sweep=(0.8, 0.9, 0.95, 1.0), sdedit_max=0.8, roi="class-support"),
)
seed_everything(SEED)
sampling_seeds = seed_list(SEED, cfg.n_sampling_seeds)

# "healthy" source class -> "diseased" target class (look-alike pairs, fixed by the spec before any run)
PAIRS = [(1, 7), (3, 9), (5, 6), (0, 8), (4, 9), (7, 9), (2, 3), (6, 8)]
# thresholds fixed before the seed sweep (spec)
CONF_MIN, DROP_TOL, MONO_MIN = 0.9, 0.05, 0.75
RMSE_GAP, CONF_TOL = 0.05, 0.03
SHRINK, GEO_MAX = 0.6, 0.9

ledger = Ledger("pie", scale=SCALE, seed=SEED)
ledger.claim("C1", f"PIE reaches mean target confidence >= {CONF_MIN} after N iterations and >= {MONO_MIN:.0%} of "
             f"trajectories never drop by more than {DROP_TOL}.", paper="progression figures; main table (alignment)",
             expected=NOT_REPRODUCED)
ledger.claim("C2", f"PIE's final RMSE to the input is >= {RMSE_GAP} below SD-Walk's.",
             paper="progression figures (personalisation via the ROI blend)", expected=REPRODUCED)
ledger.claim("C3", f"PIE's final target confidence is no more than {CONF_TOL} below SD-Walk's.",
             paper="main table, confidence column", expected=NOT_REPRODUCED)
ledger.claim("C4", "PIE's final images are more realistic (lower FDD to real target-class digits) than SD-Walk's.",
             paper="main table, CLIP-I column", expected=NOT_REPRODUCED)
ledger.claim("C5", f"With stochastic re-noising every step ||x_n - x_(n-1)|| for n >= 2 is < {SHRINK} x the first.",
             paper="convergence propositions 2-3; progression curves", expected=REPRODUCED)
ledger.claim("C6a", "Stochastic re-noising (the paper's PIE): step sizes decay geometrically, fitted ratio "
             f"< {GEO_MAX}.",
             paper="convergence analysis ('step size decreases with a constant factor')", expected=NOT_REPRODUCED)
ledger.claim("C6b", "Deterministic (DDIM-inversion) encoding: step sizes decay geometrically, fitted ratio "
             f"< {GEO_MAX}.",
             paper="convergence analysis ('step size decreases with a constant factor')", expected=REPRODUCED)

# %% [markdown]
# ## Scale
#
# | | paper | `ci` | `paper` |
# |---|---|---|---|
# | images | chest X-ray (CheXpert), fundus (diabetic retinopathy), skin (ISIC 2018), 512 px | sklearn 8x8 digits, 8 class pairs x 12 patients = 96 | 8 x 60 = 480 patients |
# | generator | Stable Diffusion v1.4 fine-tuned per domain, text prompts | the book's class-conditional MLP-U-Net DDPM (`tinydiff_digits`), class labels, CFG $w=2$ | same |
# | PIE | $N=10$, strength $\gamma$, blend $\beta$ in an ROI mask | $N=8$, $\gamma=0.5$, $\beta=0.75$, 20 DDIM steps, ROI = whole image | $N=20$, 50 DDIM steps, ROI = union of the two classes' mean-image supports |
# | baselines | SD walk, StyleGAN manifold extrapolation | SD-Walk (label-embedding walk from the DDIM-inverted latent), one-shot SDEdit | same |
# | metrics | CLIP-I (realism), disease-classifier confidence, user study | FDD to real target-class digits, `DigitJudge` confidence, RMSE to input | same |
# | repetitions | - | 3 sampling seeds | 5 sampling seeds |

# %% [markdown]
# ## Method
#
# **What we could read.** The arXiv full text was not readable to us beyond its abstract; we could read the
# reviews of its ICLR 2024 submission (which quote the convergence claim "the step size would gradually decrease
# with a constant factor") and the authors' official implementation (`run_pie.py` and
# `pipeline_stable_diffusion_pie.py` in the GitHub repository IrohXu/PIE). We therefore took the exact update rule
# from that code and cite the paper's algorithm box and propositions only by name. One PIE iteration, as the
# code implements it, does three things.
#
# 1. **Re-noise the previous iterate** $x_{n-1}$ to step $t_\gamma=\gamma T$ with *fresh* Gaussian noise (the
#    pipeline calls `scheduler.add_noise` on the current image with a new draw each call, SDEdit-style), so each
#    iteration is stochastic.
# 2. **Denoise under the target prompt** with the pipeline's scheduler (we use DDIM) and classifier-free
#    guidance from $t_\gamma$ to 0, giving $\hat x_n$. With an ROI mask $M$, at every denoising step the latent
#    outside the ROI is replaced by the *original* image noised to that step.
# 3. **Blend with the original image**, not with the previous iterate:
#
# $$x_n = M\odot\big(x_0+\beta(\hat x_n-x_0)\big) + (1-M)\odot\big(x_0+\beta_1(\hat x_n-x_0)\big),$$
#
# with defaults $\gamma=0.5$, $\beta=0.75$ (`beta_2`) and $\beta_1=0.01$ outside the ROI. Without a mask the
# official code skips the blend altogether ($x_n=\hat x_n$, i.e. $\beta=1$: iterated SDEdit). The images of a
# progression are $x_0, x_1, \dots, x_N$. Since the blend anchors every iterate to $x_0$, the final image always
# contains $(1-\beta)\,x_0$: that is how PIE keeps the patient, and (below) what costs it realism in pixel space.
#
# **Baselines.** *SD-Walk* (the paper's Stable Diffusion walk, as the spec adapts it): DDIM-invert $x_0$ under the
# source label to $x_T$, then decode that same latent $N$ times with the label embedding walked linearly from
# source to target, $e_k=(1-k/N)\,e_{\rm src}+(k/N)\,e_{\rm tgt}$ (the model's `embed` accepts such mixes).
# *One-shot SDEdit* {cite}`meng2022sdedit`: stage $k$ re-noises the *original* to strength $0.8\,k/N$ and denoises
# once under the target label, a progression without iteration. All three use the same DDIM sampler
# {cite}`song2021ddim` and the same classifier-free guidance weight {cite}`ho2022cfg`.
#
# **Variant for C6b.** Step 1 above is replaced by deterministic DDIM inversion of $x_{n-1}$ (under the target
# label) to $t_\gamma$, which turns each PIE step into a fixed map $x_{n-1}\mapsto x_n$; the paper's
# fixed-step-shrinkage reading is a statement about such a map.

# %%
model, judge = td.pretrained_digits(0), td.digit_judge()
sch = td.Schedule()
X_all, Y_all = td.digits_pm1()


def choose_patients(n_per_pair: int, seed: int):
    """Pick n_per_pair source-class digits for each (source, target) pair; returns x0, y_src, y_tgt, pair index."""
    g = torch.Generator().manual_seed(seed)
    xs, ys, yt, pid = [], [], [], []
    for k, (s, t) in enumerate(PAIRS):
        cand = torch.nonzero(Y_all == s).flatten()
        pick = cand[torch.randperm(len(cand), generator=g)[:n_per_pair]]
        xs.append(X_all[pick])
        ys += [s] * len(pick)
        yt += [t] * len(pick)
        pid += [k] * len(pick)
    return torch.cat(xs), torch.tensor(ys), torch.tensor(yt), torch.tensor(pid)


def roi_masks(y_src: torch.Tensor, y_tgt: torch.Tensor, kind: str) -> torch.Tensor | None:
    """ROI mask per image: None (whole image) or the union of the source/target class-mean supports."""
    if kind == "none":
        return None
    means = torch.stack([X_all[Y_all == c].mean(0) for c in range(10)])
    support = (means > -0.8).float()  # pixels with some ink on average
    return torch.maximum(support[y_src], support[y_tgt])


def sdedit(x: torch.Tensor, y: torch.Tensor, strength: float, noise: torch.Tensor | None,
           keep: torch.Tensor | None = None, mask: torch.Tensor | None = None) -> torch.Tensor:
    """SDEdit: noise x to t = strength*T (fresh noise, or DDIM inversion if noise is None), DDIM-denoise under y.

    With a mask, the latent outside it is replaced before every denoising step by `keep` noised to that step
    (the official PIE pipeline's background handling)."""
    t = int(round(strength * (td.T - 1)))
    if noise is None:
        xt = td.ddim_invert(model, x, y, t_end=t, n_steps=cfg.ddim_steps)
    else:
        xt = sch.q_sample(x, torch.full((len(x),), t), noise)
    hook = None
    if mask is not None:
        bg_noise = torch.randn_like(x) if noise is None else noise

        def hook(i, ti, z):
            if i == 0:
                return None
            return mask * z + (1 - mask) * sch.q_sample(keep, torch.full((len(z),), ti), bg_noise)
    return td.ddim_sample(model, y, cfg.ddim_steps, x_T=xt, t_start=t, guidance=cfg.guidance, step_hook=hook)


def fresh_noise(n_rows: int, gens: list[torch.Generator]) -> torch.Tensor:
    """N(0, I) noise for a batch made of len(gens) equal blocks, block b drawn from gens[b]."""
    return torch.cat([torch.randn(n_rows // len(gens), 64, generator=g) for g in gens])


def pie(x0: torch.Tensor, y_tgt: torch.Tensor, gamma: float, beta, n_iter: int, gens: list | None,
        mask: torch.Tensor | None = None, beta_out: float = 0.01) -> torch.Tensor:
    """PIE progression x_0..x_N ((N+1) x n x 64): re-noise x_(n-1), denoise under y_tgt, blend with x_0.

    beta: a float or one value per row (n x 1). gens: one generator per equal block of rows (several sampling
    seeds and betas run as one batch); gens=None uses deterministic DDIM inversion instead (the C6b variant)."""
    traj, x = [x0], x0
    for _ in range(n_iter):
        noise = None if gens is None else fresh_noise(len(x), gens)
        x_hat = sdedit(x, y_tgt, gamma, noise, keep=x0, mask=mask)   # steps 1-2
        inside = x0 + beta * (x_hat - x0)                            # step 3: blend with the ORIGINAL in the ROI
        x = inside if mask is None else mask * inside + (1 - mask) * (x0 + beta_out * (x_hat - x0))
        traj.append(x)
    return torch.stack(traj)


def sd_walk(x0: torch.Tensor, y_src: torch.Tensor, y_tgt: torch.Tensor, n_iter: int) -> torch.Tensor:
    """SD-Walk: DDIM-invert x0 under the source label, decode it with label embeddings walked source -> target."""
    x_T = td.ddim_invert(model, x0, y_src, t_end=td.T - 1, n_steps=cfg.walk_steps)
    E = model.label.weight
    lam = (torch.arange(1, n_iter + 1, dtype=torch.float32) / n_iter).repeat_interleave(len(x0))[:, None]
    emb = (1 - lam) * E[y_src].repeat(n_iter, 1) + lam * E[y_tgt].repeat(n_iter, 1)  # all stages as one batch
    stages = td.ddim_sample(model, emb, cfg.walk_steps, x_T=x_T.repeat(n_iter, 1), guidance=cfg.guidance)
    return torch.cat([x0[None], stages.reshape(n_iter, len(x0), -1)])


def oneshot_sdedit(x0: torch.Tensor, y_tgt: torch.Tensor, n_iter: int, gens: list) -> torch.Tensor:
    """One-shot SDEdit progression: stage k edits the original at strength sdedit_max * k / N."""
    traj = [x0]
    for k in range(1, n_iter + 1):
        traj.append(sdedit(x0, y_tgt, cfg.sdedit_max * k / n_iter, fresh_noise(len(x0), gens)))
    return torch.stack(traj)


# %% [markdown]
# ## Experiment
#
# The patients (12 source-class digits per pair, drawn by `SEED`) are the same for every method. The stochastic
# methods run once per sampling seed on the whole batch; SD-Walk and the deterministic PIE variant have no
# sampling noise and run once. Per stage we record the judge's softmax confidence in the target class and the step
# size $\|x_n-x_{n-1}\|_2$ (pixels in $[-1,1]$, 64 dimensions); at the end the RMSE to the input and the FDD of the
# final images against all real digits of the target classes (one copy of each class's real digits per pair, so
# the class mix matches).

# %%
x0, y_src, y_tgt, pair_id = choose_patients(cfg.n_per_pair, SEED)
mask = roi_masks(y_src, y_tgt, cfg.roi)
reference = torch.cat([X_all[Y_all == t] for _, t in PAIRS])


@torch.no_grad()
def target_conf(traj: torch.Tensor) -> torch.Tensor:
    """Judge softmax probability of the target class, stages x images."""
    p = torch.softmax(judge(traj.clamp(-1, 1).reshape(-1, 64)), 1).reshape(traj.shape[0], traj.shape[1], 10)
    return p.gather(2, y_tgt[None, :, None].expand(traj.shape[0], -1, 1)).squeeze(2)


def summarise(traj: torch.Tensor) -> dict:
    """Per-run metrics of one progression batch."""
    c = target_conf(traj)
    steps = (traj[1:] - traj[:-1]).norm(dim=2).mean(1).numpy()
    return dict(conf=float(c[-1].mean()), mono=float(((c[1:] - c[:-1]).min(0).values > -DROP_TOL).float().mean()),
                rmse=float(((traj[-1] - x0) ** 2).mean(1).sqrt().mean()), fdd=judge.fdd(traj[-1], reference),
                conf_curve=c.mean(1).numpy(), steps=steps)


def geometric_ratio(steps: np.ndarray) -> float:
    """exp(slope) of log step size vs iteration, fitted over iterations 2..N."""
    n = np.arange(2, len(steps) + 1)
    return float(np.exp(np.polyfit(n, np.log(steps[1:]), 1)[0]))


def stacked(k: int):
    """x0, y_tgt and the ROI mask repeated for k blocks of rows (one block per sampling seed / beta)."""
    return x0.repeat(k, 1), y_tgt.repeat(k), None if mask is None else mask.repeat(k, 1)


runs, trajs, n = [], {}, len(x0)
# all PIE runs (betas x sampling seeds) as one batch; the same seed gives every beta the same noise draws
groups = [(name, b, s) for name, b in [("PIE", cfg.beta)] + [(f"PIE beta={b:g}", b) for b in cfg.beta_sweep]
          for s in sampling_seeds]
X0, YT, MK = stacked(len(groups))
betas = torch.tensor([b for _, b, _ in groups]).repeat_interleave(n)[:, None]
tr_all = pie(X0, YT, cfg.gamma, betas, cfg.n_iter, [torch.Generator().manual_seed(s) for *_, s in groups], MK)
for k, (name, _, s) in enumerate(groups):
    tr = tr_all[:, k * n:(k + 1) * n]
    runs.append(dict(method=name, seed=s, **summarise(tr)))
    trajs.setdefault(name, tr)
X0, YT, _ = stacked(len(sampling_seeds))
tr_all = oneshot_sdedit(X0, YT, cfg.n_iter, [torch.Generator().manual_seed(s + 1) for s in sampling_seeds])
for k, s in enumerate(sampling_seeds):
    tr = tr_all[:, k * n:(k + 1) * n]
    runs.append(dict(method="one-shot SDEdit", seed=s, **summarise(tr)))
    trajs.setdefault("one-shot SDEdit", tr)
for name, tr in [("SD-Walk", sd_walk(x0, y_src, y_tgt, cfg.n_iter)),
                 ("PIE (DDIM-inversion encoding)", pie(x0, y_tgt, cfg.gamma, cfg.beta, cfg.n_iter, None, mask))]:
    runs.append(dict(method=name, seed=-1, **summarise(tr)))
    trajs[name] = tr
df = pd.DataFrame(runs)
table = df.groupby("method", sort=False)[["conf", "mono", "rmse", "fdd"]].mean()
table.round(3)

# %%
show = ["PIE", "SD-Walk", "one-shot SDEdit"]
patients = [int(torch.nonzero(pair_id == k)[0]) for k in (0, 1, 2, 3)]  # first patient of four pairs
fig, axes = plt.subplots(len(show), 1, figsize=(plot.WIDTH, 2.3 * len(show)))
for ax, name in zip(axes, show):
    tr = trajs[name][:, patients].clamp(-1, 1).reshape(-1, len(patients), 8, 8)
    tr = torch.nn.functional.pad(tr, (0, 1, 0, 1), value=-1.0)  # a one-pixel blank gap between digits
    mosaic = tr.permute(1, 2, 0, 3).reshape(len(patients) * 9, -1)
    ax.imshow(-mosaic.numpy(), cmap="gray", vmin=-1, vmax=1, interpolation="nearest")
    ax.set(xticks=9 * np.arange(tr.shape[0]) + 3.5, xticklabels=[str(k) for k in range(tr.shape[0])],
           yticks=9 * np.arange(len(patients)) + 3.5,
           yticklabels=[f"{PAIRS[k][0]}->{PAIRS[k][1]}" for k in (0, 1, 2, 3)])
    ax.grid(False)
    ax.set_title(name, fontsize=10)
axes[-1].set_xlabel("stage n (0 = input)")
fig.suptitle("Fig. A (mirrors the paper's progression figures): four patients, stages 0..N")
plot.show(fig)

# %% [markdown]
# PIE changes the class almost entirely at its first iteration and then only re-draws the same target digit;
# every PIE stage carries a faint copy of the input (the $(1-\beta)\,x_0$ of the blend, most visible as the
# ghost "0" inside the 8s). The walk keeps the input's stroke style and changes class late (between stages 3
# and 6); one-shot SDEdit changes class early and its high-strength stages drift furthest from the input.

# %%
order = ["PIE", *[f"PIE beta={b:g}" for b in cfg.beta_sweep], "PIE (DDIM-inversion encoding)", "SD-Walk",
         "one-shot SDEdit"]
colors = {"PIE": plot.COLORS["method"], "SD-Walk": plot.COLORS["baseline"], "one-shot SDEdit": plot.PALETTE[4],
          "PIE (DDIM-inversion encoding)": plot.COLORS["variant"]}
fig, axes = plt.subplots(1, 3, figsize=(plot.WIDTH, 3.0), sharey=True)
for ax, col, title in zip(axes, ["conf", "fdd", "rmse"],
                          ["alignment:\ntarget confidence", "realism:\nFDD (lower is better)",
                           "identity:\nRMSE to input (lower is better)"]):
    for i, name in enumerate(order):
        v = df[df.method == name][col].to_numpy()
        err = 0 if len(v) < 2 else mean_ci(v).hi - v.mean()
        ax.errorbar(v.mean(), i, xerr=err, fmt="o", color=colors.get(name, plot.PALETTE[7]), capsize=3)
    ax.set_title(title, fontsize=9)
axes[0].set(yticks=range(len(order)), yticklabels=order)
axes[0].invert_yaxis()
fig.suptitle("Fig. B (mirrors the paper's main comparison table): mean over sampling seeds, 95 % CI")
plot.show(fig)

# %% [markdown]
# Fig. B is the chapter's main result. PIE at the official $\beta=0.75$ keeps the most of the patient (RMSE
# {glue:text}`pie_rmse_pie:.3f` against the walk's {glue:text}`pie_rmse_walk:.3f`), but it is *less* aligned
# (confidence {glue:text}`pie_conf_pie:.3f` vs {glue:text}`pie_conf_walk:.3f`) and far less realistic (FDD
# {glue:text}`pie_fdd_pie:.1f` vs {glue:text}`pie_fdd_walk:.1f`; the input digits themselves score
# {glue:text}`pie_fdd_input:.0f`). Raising $\beta$ towards 1 (no blend, the official code path without a mask)
# buys realism and alignment back by giving up exactly the identity advantage: at $\beta=1$ PIE is iterated SDEdit,
# with RMSE {glue:text}`pie_rmse_b1:.3f` and FDD {glue:text}`pie_fdd_b1:.1f`. Along the sweep every gain in
# realism is paid for in identity: the blend that keeps the patient is the same operation that makes the image
# a double exposure.

# %%
fig, axes = plt.subplots(1, 2, figsize=plot.figsize(2, aspect=0.75))
n_ax = np.arange(1, cfg.n_iter + 1)
for name, col in [("PIE", colors["PIE"]), ("PIE (DDIM-inversion encoding)", colors["PIE (DDIM-inversion encoding)"])]:
    S = np.stack(df[df.method == name]["steps"].to_numpy())
    plot.mean_band(axes[0], n_ax, S, color=col, marker="o", label=name)
    r = geometric_ratio(S.mean(0))
    fit = S.mean(0)[1] * r ** (n_ax[1:] - 2)
    axes[0].plot(n_ax[1:], fit, ls="--", color=col, label=f"geometric fit, ratio {r:.2f}")
axes[0].set(yscale="log", xlabel="iteration n", ylabel=r"step size $\|x_n - x_{n-1}\|_2$",
            title="Fig. C: PIE step sizes")
axes[0].legend(fontsize=7, loc="upper right")
stages = np.arange(cfg.n_iter + 1)
for name in ["PIE", "PIE (DDIM-inversion encoding)", "SD-Walk", "one-shot SDEdit"]:
    plot.mean_band(axes[1], stages, np.stack(df[df.method == name]["conf_curve"].to_numpy()),
                   color=colors[name], marker=".", label=name)
axes[1].set(xlabel="stage n", ylabel="mean target confidence", title="Alignment along the progression")
axes[1].legend(fontsize=8)
plot.show(fig)

# %% [markdown]
# With fresh noise at every iteration (the paper's procedure) the first step is large and the later ones settle
# at a floor of about {glue:text}`pie_step_floor:.2f` (ratio of the largest later step to the first:
# {glue:text}`pie_shrink:.2f`), so the iterates keep wandering around a stationary cloud instead of converging
# (fitted ratio {glue:text}`pie_ratio_stoch:.2f` per iteration). Replacing the fresh noise by DDIM inversion makes
# each PIE step a fixed map and the steps then do shrink geometrically (ratio {glue:text}`pie_ratio_det:.2f`),
# the picture of the paper's convergence analysis. The per-image confidence curves are where C1 fails: the mean
# rises quickly, but under fresh noise an individual image's confidence often dips by more than 0.05 on the way
# (only {glue:text}`pie_mono:.2f` of the trajectories are free of such dips).

# %%
pie_df = df[df.method == "PIE"]
walk, det = df[df.method == "SD-Walk"].iloc[0], df[df.method == "PIE (DDIM-inversion encoding)"].iloc[0]
b1 = df[df.method == "PIE beta=1"] if "PIE beta=1" in set(df.method) else pie_df
steps_pie = np.stack(pie_df["steps"].to_numpy()).mean(0)
shrink = float(steps_pie[1:].max() / steps_pie[0])
ratio_stoch, ratio_det = geometric_ratio(steps_pie), geometric_ratio(det["steps"])
for key, val in dict(rmse_pie=pie_df.rmse.mean(), rmse_walk=walk.rmse, conf_pie=pie_df.conf.mean(),
                     conf_walk=walk.conf, fdd_pie=pie_df.fdd.mean(), fdd_walk=walk.fdd,
                     fdd_input=judge.fdd(x0, reference), rmse_b1=b1.rmse.mean(), fdd_b1=b1.fdd.mean(),
                     step_floor=float(steps_pie[1:].mean()), shrink=shrink, ratio_stoch=ratio_stoch,
                     ratio_det=ratio_det, mono=pie_df.mono.mean()).items():
    glue(f"pie_{key}", float(val), display=False)

# %% [markdown]
# ## Verdict

# %%
ledger.check("C1", measured=f"conf {pie_df.conf.mean():.3f}, monotone fraction {pie_df.mono.mean():.3f}",
             test=f"mean over sampling seeds: final target confidence >= {CONF_MIN} and fraction of images whose "
                  f"confidence never drops by > {DROP_TOL} >= {MONO_MIN}",
             holds=bool(pie_df.conf.mean() >= CONF_MIN and pie_df.mono.mean() >= MONO_MIN),
             note=f"confidence part alone holds: {bool(pie_df.conf.mean() >= CONF_MIN)}")
ledger.check("C2", measured=mean_ci(walk.rmse - pie_df.rmse.to_numpy()),
             test=f"RMSE(SD-Walk) - RMSE(PIE) >= {RMSE_GAP} for every sampling seed",
             holds=bool((walk.rmse - pie_df.rmse >= RMSE_GAP).all()))
ledger.check("C3", measured=mean_ci(pie_df.conf.to_numpy() - walk.conf),
             test=f"conf(PIE) - conf(SD-Walk) >= -{CONF_TOL} (mean over sampling seeds)",
             holds=bool(pie_df.conf.mean() - walk.conf >= -CONF_TOL))
ledger.check("C4", measured=f"FDD PIE {pie_df.fdd.mean():.1f} vs SD-Walk {walk.fdd:.1f}",
             test="FDD(PIE) < FDD(SD-Walk) (mean over sampling seeds)",
             holds=bool(pie_df.fdd.mean() < walk.fdd))
ledger.check("C5", measured=shrink, test=f"max_(n>=2) step_n / step_1 < {SHRINK} (steps averaged over images "
             "and sampling seeds)", holds=bool(shrink < SHRINK))
ledger.check("C6a", measured=ratio_stoch, test=f"fitted geometric ratio over n = 2..N < {GEO_MAX}",
             holds=bool(ratio_stoch < GEO_MAX))
ledger.check("C6b", measured=ratio_det, test=f"fitted geometric ratio over n = 2..N < {GEO_MAX}",
             holds=bool(ratio_det < GEO_MAX))
ledger.finish()

# %% [markdown]
# ## Deviations and limits
#
# - **What we could read.** Not the paper's full text: its Algorithm 1, propositions and hyper-parameter tables
#   are cited by name only. The update rule and the defaults ($\gamma=0.5$, $\beta=0.75$ inside the ROI, 0.01
#   outside, fresh noise each iteration, the blend with the *original* image) come from the authors' official
#   code. The issue asked us to check exactly this point: the official rule re-noises the *previous* iterate
#   with fresh noise, denoises it under the target prompt and blends the result with the *original* image,
#   weight $\beta$ on the new edit. That is the rule the prototype used, so its realism result was not an
#   implementation slip. Only the defaults differ: the spec proposed $\gamma=0.4$, $\beta=0.8$; we use the
#   official $\gamma=0.5$, $\beta=0.75$, fixed before our first run (Fig. B's $\beta$ sweep shows the rest).
#   $N=8$ (the code's default is 10) and CFG weight $w=2$ in our convention
#   $(1+w)\epsilon_c-w\epsilon_\varnothing$ (the code's 7.5 in the diffusers convention would be $w=6.5$; we did not
#   try it) follow the spec.
# - **Why realism fails here, and may not in the paper.** PIE's blend is a convex combination with the original.
#   Stable Diffusion blends 64x64x4 VAE latents and decodes them, and the decoder may map a blended latent back
#   to a plausible image; our model lives in pixel space, so a blend is literally a double exposure of two digits, which
#   the FDD judge (and a reader) sees as unrealistic. The ROI mask confines the blend to the lesion in the paper;
#   on an 8x8 digit the "lesion" is the whole digit. Our realism and alignment verdicts therefore say that the
#   blend rule does not buy realism *by itself*; they cannot rule out that it does in a latent model.
# - **Our SD-Walk is strong.** Interpolating two rows of a learned class-embedding table from a DDIM-inverted
#   latent is a smooth, well-trained path in a small class-conditional model; the paper's walk
#   interpolates CLIP text embeddings of free-text reports, which may leave the data manifold more easily.
# - **Stand-ins.** Digits for medical images, a class change for a disease, `DigitJudge` confidence for the
#   disease classifier and FDD for CLIP-I. No StyleGAN baseline (no GAN in the book's lab) and no user study.
# - **Check revisions.** The spec's C2 ("lower RMSE at equal alignment") is split into C2 (identity) and C3
#   (alignment, made one-sided because the paper claims PIE is *better* aligned), and its C3 into C5, C6a (the
#   paper's stochastic PIE) and C6b (the deterministic variant), so that each verdict is about one quantity.
#   The spec's "every seed" is kept for C2; C1, C3 and C4 use the mean over sampling seeds.
# - **Monotonicity (C1).** The per-image monotonicity bar is the spec's operationalisation of "progressive";
#   the paper shows mean confidence curves, which do rise here. Under fresh noise each image's confidence
#   fluctuates once it is near the target, which is what fails the per-image bar; the final-confidence half of
#   C1 holds (recorded in the ledger's note).
# - **`paper` scale.** Only the sizes change (480 patients, $N=20$, 50 DDIM steps, 5 sampling seeds, a wider
#   $\beta$ sweep) plus the ROI: the union of the source and target classes' mean-image supports, with the
#   official code's background handling ($\beta_1=0.01$ outside, background re-imposed from the noised original
#   during denoising). It was started once to check that it runs; its numbers are not part of the verdicts.
