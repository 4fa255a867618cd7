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
# # Towards Open-Set Test-Time Adaptation Utilizing the Wisdom of Crowds in Entropy Minimization
#
# **Jungsoo Lee, Debasmit Das, Jaegul Choo, Sungha Choi** · *ICCV 2023* ·
# [arXiv:2308.06879](https://arxiv.org/abs/2308.06879) · {cite}`lee2023opensettta`
#
# Test-time adaptation by entropy minimisation (TENT, {cite}`wang2021tent`) updates a deployed model on its own
# unlabelled test batches, pushing every prediction to be more confident. Its targets are its own predictions, so
# wrong predictions and inputs from classes the model never saw (*open-set* samples) feed it noisy gradients, and
# over a long stream the errors pile up. The paper's observation (Fig. 1) is that the update is dominated by the
# *crowd* of correctly predicted samples: after a step, their confidence in the originally predicted class goes
# up, while for wrong and open-set samples it often goes *down*, even though the loss tried to raise it. The method
# turns this into a free filter: keep a test sample in the entropy loss only if the adapted model's probability of
# the class the original (frozen source) model predicts is at least the original model's (Fig. 6). Plugged into
# TENT this cuts long-term error on CIFAR-10-C/100-C and TinyImageNet-C with open-set SVHN/LSUN inputs (49.4%
# relative error reduction for TENT in the abstract) and raises segmentation mIoU by 11.7.
#
# ```{admonition} Claims tested in this chapter
# :class: tip
# **C1.** (mechanism) During TENT adaptation the fraction of samples whose confidence on the source model's
# predicted class rises above the source model's is higher for correctly predicted samples than for wrong ones
# (by > 0.08) and than for open-set ones (by > 0.15). *Paper:* Fig. 1, correct samples mostly gain confidence,
# wrong and open-set samples mostly lose it, so the confidence difference separates them.
#
# **C2.** In open-set TTA, TENT accumulates error: its closed-set error in the last 3 of 30 rounds exceeds its
# round-1 error by more than 0.04. *Paper:* long-term adaptation curves, TENT's error grows round after round.
#
# **C3.** The confidence-difference filter reduces TENT's long-term error: the mean over replicates of
# err(TENT) - err(TENT + filter) in the last 3 rounds is > 0 with a paired-bootstrap 95% CI excluding 0.
# *Paper:* Tables 1-2, TENT + ours below TENT (49.4% relative error reduction).
# ```

# %% tags=["parameters"]
SCALE = "ci"  # "ci": <= 45 s on one core; "paper": the paper-like configuration, same code path
SEED = 0  # every source of randomness derives from SEED

# %%
import copy
import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from IPython.display import display
from myst_nb import glue
from scipy.ndimage import gaussian_filter

from lib import plot
from lib.claims import Ledger, NOT_REPRODUCED, REPRODUCED
from lib.config import scale_config
from lib.continual import MLP
from lib.data import load_digits_split
from lib.seeding import seed_everything, seed_list
from lib.stats import mean_ci, paired_bootstrap_ci
from lib.tta import bn_affine_params, configure_bn_for_tta, corrupt, entropy

plot.use_style()
cfg = scale_config(SCALE,
                   ci=dict(n_seeds=5, rounds=30, hidden=(128, 128), src_steps=600),
                   paper=dict(n_seeds=10, rounds=50, hidden=(256, 256), src_steps=1500))
KNOWN = 8  # source classes 0-7; digits 8 and 9 are open-set
CORRUPTION, SEVERITY = "impulse_noise", 5
NOISE_FRAC, NOISE_SIGMA = 0.5, 0.7  # extra open-set noise images per round (fraction of the test split), smoothing
BATCH, LR, SRC_LR = 64, 0.02, 1e-3
E0 = 0.4 * math.log(KNOWN)  # entropy threshold H < 0.4 ln K (EATA's margin; our addition, see Method)
LAMBDA_MAX = 0.5  # weight of the mean-prediction entropy term in the min-max loss
seed_everything(SEED)
seeds = seed_list(SEED, cfg.n_seeds)

ledger = Ledger("open-set-tta-wisdom-of-crowds", scale=SCALE, seed=SEED)
ledger.claim("C1", "During TENT, frac. of samples whose confidence on the source prediction rises: correct minus "
             "wrong > 0.08 and correct minus open-set > 0.15, in every replicate.",
             paper="Fig. 1: correct samples gain, wrong/open-set lose confidence", expected=REPRODUCED)
ledger.claim("C2", "TENT's closed-set error in the last 3 rounds exceeds its round-1 error by > 0.04, "
             "in every replicate.", paper="long-term adaptation: TENT error grows over rounds",
             expected=NOT_REPRODUCED)  # TENT drifts up on average, but not by > 0.04 in every replicate; see text
ledger.claim("C3", "Mean over replicates of err(TENT) - err(TENT + confidence-difference filter), last 3 rounds, "
             "> 0 with paired-bootstrap 95% CI excluding 0.",
             paper="Tables 1-2: 49.4% relative error reduction for TENT", expected=REPRODUCED)

# %% [markdown]
# ## Scale
#
# | | paper | `ci` | `paper` |
# |---|---|---|---|
# | closed-set data | CIFAR-10/100-C, TinyImageNet-C (15 corruptions) | sklearn digits 0-7, impulse noise severity 5 | same |
# | open-set data | SVHN-C, LSUN-C | digits 8-9 + 50% extra smoothed-noise images | same |
# | source model | WideResNet / ResNeXt (RobustBench) | MLP 64-128-128-8 with BatchNorm, 600 Adam steps | MLP 64-256-256-8, 1,500 steps |
# | stream | long-term, 50 rounds | 30 rounds of the 540-image test split + 270 noise images, batch 64 | 50 rounds |
# | replicates | 1 | 5 seeds (split, source, stream) | 10 seeds |

# %% [markdown]
# ## Method
#
# **Source model and stream.** An MLP with BatchNorm is trained on the clean training digits of classes 0-7. At
# test time it meets, every round, the whole test split (all ten digit classes) with a fresh impulse-noise
# corruption plus half as many again open-set *noise* images (uniform pixels smoothed by a Gaussian filter and
# rescaled to [0, 1]), shuffled into batches of 64. The same stream is fed to every method. Predictions are made
# *before* each update (online, predict-then-adapt) and the closed-set error is measured on digits 0-7 only.
#
# **Source** (no update): BatchNorm normalises with the test batch's statistics, the TENT convention
# (`configure_bn_for_tta`). Its prediction $y_o=\arg\max_c p_o(c\mid x)$ and confidence $p_o(y_o\mid x)$ come from
# this frozen *original* model $\theta_o$.
#
# **TENT** {cite}`wang2021tent` minimises the mean prediction entropy $H(p_a(\cdot\mid x))$ over the batch,
# updating only the BatchNorm scale and shift of the *adapted* model $\theta_a$ (Adam, lr 0.02).
#
# **TENT + ours** (paper Sec. 3, Fig. 6). Keep sample $i$ iff $p_a(y_o\mid x_i)\ge p_o(y_o\mid x_i)$ and minimise
# the entropy of the kept samples only. Following the reference implementation of the method that we could read
# (the open-source re-implementation in the UniEnt repository, {cite}`gao2024unient`; we could not read the paper's method section), the
# loss also *maximises* the entropy of the batch-mean prediction $\bar p_a$, the "max" half of a min-max entropy
# objective that keeps the model from collapsing onto one class:
#
# $$\mathcal L=\frac{\sum_i \mathbb 1[p_a(y_o\mid x_i)\ge p_o(y_o\mid x_i)]\,H(p_a(\cdot\mid x_i))}
#   {\sum_i \mathbb 1[p_a(y_o\mid x_i)\ge p_o(y_o\mid x_i)]}-\lambda_{\max}\,H(\bar p_a),\qquad\lambda_{\max}=0.5.$$
#
# The selection compares the two models *at the current step*: early on $\theta_a=\theta_o$ and every sample
# passes; a sample is dropped once the accumulated updates have lowered its confidence.
#
# **Entropy threshold** (our addition, not verified against the paper): also drop samples with
# $H(p_a)\ge 0.4\ln K$, the margin EATA uses ({cite}`niu2022eata`). We run it alone on TENT and together with the filter, and report
# both variants of the filter.
#
# **Mechanism statistic (C1).** For every sample seen by TENT we record, before the update on its batch,
# $\Delta=p_a(y_o\mid x)-p_o(y_o\mid x)$ and whether it is *correct* (closed-set digit, $y_o$ right), *wrong*
# (closed-set digit, $y_o$ wrong) or *open-set* (digit 8/9 or a noise image). C1 compares the fraction with
# $\Delta\ge 0$ across the three groups: exactly the samples the filter would keep.
#
# **Ablations** (ours): the filter without the mean-entropy term, and the mean-entropy term without the filter,
# to separate what the selection itself does from what the "max" term does.

# %%
def open_set_noise(n, rng):
    """n open-set 8x8 images: uniform pixels, Gaussian-smoothed (sigma 0.7), rescaled to [0, 1] per image."""
    img = gaussian_filter(rng.random((n, 8, 8)), sigma=(0, NOISE_SIGMA, NOISE_SIGMA))
    lo, hi = img.min((1, 2), keepdims=True), img.max((1, 2), keepdims=True)
    return torch.tensor(((img - lo) / (hi - lo)).reshape(n, 64), dtype=torch.float32)


def train_source(data, seed):
    """MLP with BatchNorm trained on clean digits 0-7 (Adam 1e-3, batch 64)."""
    keep = data.y_train < KNOWN
    x, y = data.x_train[keep], data.y_train[keep]
    net = MLP((64, *cfg.hidden, KNOWN), bn=True, seed=seed)
    opt = torch.optim.Adam(net.parameters(), lr=SRC_LR)
    g = torch.Generator().manual_seed(seed)
    for _ in range(cfg.src_steps):
        idx = torch.randint(0, len(y), (BATCH,), generator=g)
        loss = F.cross_entropy(net(x[idx]), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    return net


def make_stream(data, seed):
    """Batches (x, label; -1 marks a noise image) for every round: corrupted test split + noise, shuffled."""
    g, rng = torch.Generator().manual_seed(seed + 1), np.random.default_rng(seed + 1)
    n_noise = int(NOISE_FRAC * len(data.y_test))
    rounds = []
    for _ in range(cfg.rounds):
        x = torch.cat([corrupt(data.x_test, CORRUPTION, SEVERITY, g), open_set_noise(n_noise, rng)])
        y = torch.cat([data.y_test, torch.full((n_noise,), -1)])
        perm = torch.randperm(len(y), generator=g)
        rounds.append(list(zip(x[perm].split(BATCH), y[perm].split(BATCH))))
    return rounds


# The methods differ only in which samples enter the entropy term and whether the mean-entropy term is added.
METHODS = {  # name: (confidence-difference filter, entropy threshold, min-max term)
    "TENT": (False, False, False),
    "TENT + entropy threshold": (False, True, False),
    "TENT + ours": (True, False, True),
    "TENT + ours + entropy threshold": (True, True, True),
    "TENT + filter only (no min-max)": (True, False, False),  # ablation: the selection alone
    "TENT + min-max only (no filter)": (False, False, True),  # ablation: the mean-entropy term alone
}


def tta_loss(logits, p_o, y_o, conf_filter, ent_threshold, minmax):
    """Entropy of the selected samples (Fig. 6 selection) minus lambda_max * entropy of the mean prediction."""
    p_a = logits.softmax(-1)
    h = entropy(logits)  # H(p_a(.|x_i))
    keep = torch.ones_like(h, dtype=torch.bool)
    if conf_filter:
        keep &= p_a.gather(1, y_o[:, None])[:, 0].detach() >= p_o.gather(1, y_o[:, None])[:, 0]  # p_a(y_o) >= p_o(y_o)
    if ent_threshold:
        keep &= h.detach() < E0  # H < 0.4 ln K (our addition)
    loss = (h * keep).sum() / keep.sum().clamp(min=1)  # entropy minimisation on the kept samples
    if minmax:
        p_bar = p_a.mean(0)
        loss = loss + LAMBDA_MAX * (p_bar * p_bar.clamp_min(1e-12).log()).sum()  # - lambda_max * H(p_bar)
    return loss


def run_stream(source, rounds):
    """Feed the stream to Source and every method; per-round closed-set errors and TENT's confidence differences."""
    original = configure_bn_for_tta(copy.deepcopy(source))  # theta_o: frozen, batch-statistics BN
    for p in original.parameters():
        p.requires_grad_(False)
    models = {m: configure_bn_for_tta(copy.deepcopy(source)) for m in METHODS}
    opts = {m: torch.optim.Adam(bn_affine_params(net), lr=LR) for m, net in models.items()}
    wrong = {m: np.zeros(len(rounds)) for m in ["Source", *METHODS]}
    n_closed = np.zeros(len(rounds))
    delta, group = [], []  # C1: p_a(y_o) - p_o(y_o) under TENT, and 0 correct / 1 wrong / 2 open-set
    for r, batches in enumerate(rounds):
        for x, y in batches:
            closed = (y >= 0) & (y < KNOWN)
            with torch.no_grad():
                p_o = original(x).softmax(-1)
            y_o = p_o.argmax(-1)
            n_closed[r] += closed.sum().item()
            wrong["Source"][r] += (closed & (y_o != y)).sum().item()
            for m, (conf_filter, ent_threshold, minmax) in METHODS.items():
                logits = models[m](x)
                wrong[m][r] += (closed & (logits.argmax(-1) != y)).sum().item()  # predict, then adapt
                if m == "TENT":
                    with torch.no_grad():
                        delta.append((logits.softmax(-1) - p_o).gather(1, y_o[:, None])[:, 0])
                        group.append(torch.where(closed, (y_o != y).long(), 2))
                loss = tta_loss(logits, p_o, y_o, conf_filter, ent_threshold, minmax)
                opts[m].zero_grad()
                loss.backward()
                opts[m].step()
    err = {m: w / n_closed for m, w in wrong.items()}
    return err, torch.cat(delta).numpy(), torch.cat(group).numpy()


# %% [markdown]
# ## Experiment
#
# Each replicate seed draws its own train/test split, source model and stream; all methods see the same stream.

# %%
results = []
for s in seeds:
    seed_everything(s)
    data = load_digits_split(seed=s)
    source = train_source(data, s)
    results.append(run_stream(source, make_stream(data, s)))

names = ["Source", *METHODS]
err = {m: np.stack([res[0][m] for res in results]) for m in names}  # (seed, round)
last3 = {m: err[m][:, -3:].mean(1) for m in names}
GROUPS = ("correct", "wrong", "open-set")
frac_up = np.array([[np.mean(d[g == k] >= 0) for k in range(3)] for _, d, g in results])  # (seed, group)

OURS = "TENT + ours"
rows = []
for m in names[:1] + names[2:]:  # every method against TENT, paired by replicate
    d = paired_bootstrap_ci(last3["TENT"], last3[m], seed=SEED)
    rows.append({"comparison": f"TENT - {m}", "mean": d.mean, "CI lo": d.lo, "CI hi": d.hi,
                 "replicates improved": f"{int((last3['TENT'] > last3[m]).sum())}/{len(seeds)}"})
comparisons = pd.DataFrame(rows)
table = pd.DataFrame({"method": names,
                      "round-1 error": [str(mean_ci(err[m][:, 0])) for m in names],
                      "last-3 error": [str(mean_ci(last3[m])) for m in names]})
display(table)
display(comparisons.round(3))

# %% [markdown]
# The first table gives each method's closed-set error in round 1 and in the last 3 rounds (mean and 95% CI over
# replicates); the second gives every method's paired difference to TENT in the last 3 rounds (positive: lower
# error than TENT) with a paired-bootstrap 95% CI.

# %%
fig, ax = plt.subplots(figsize=plot.figsize(aspect=0.55))
all_d = np.concatenate([d for _, d, _ in results])
all_g = np.concatenate([g for _, _, g in results])
bins = np.linspace(-1, 1, 41)
for k, (gname, color) in enumerate(zip(GROUPS, (plot.COLORS["method"], plot.COLORS["baseline"], plot.COLORS["highlight"]))):
    ax.hist(all_d[all_g == k], bins=bins, density=True, histtype="step", lw=2, color=color,
            label=f"{gname} (conf. up: {frac_up[:, k].mean():.2f})")
ax.axvline(0, color=plot.COLORS["reference"], ls="--", lw=1)
ax.set(xlabel=r"confidence difference $p_a(y_o\mid x)-p_o(y_o\mid x)$ during TENT", ylabel="density",
       yscale="log", title="Correct samples gain confidence, noisy ones lose it (mirrors paper Fig. 1)")
ax.legend(title="samples, pooled over replicates")
plot.show(fig)

# %% [markdown]
# Under TENT, a fraction {glue:text}`osw_up_correct:.2f` of correctly predicted samples end up with more confidence
# in the source model's class than the source model gives them, against {glue:text}`osw_up_wrong:.2f` of wrong
# and {glue:text}`osw_up_open:.2f` of open-set samples (means over replicates). The gaps, correct minus wrong and
# correct minus open-set, are {glue:text}`osw_gap_wrong` and {glue:text}`osw_gap_open` (mean and 95% CI).

# %%
glue("osw_up_correct", float(frac_up[:, 0].mean()), display=False)
glue("osw_up_wrong", float(frac_up[:, 1].mean()), display=False)
glue("osw_up_open", float(frac_up[:, 2].mean()), display=False)
gap_wrong, gap_open = frac_up[:, 0] - frac_up[:, 1], frac_up[:, 0] - frac_up[:, 2]
glue("osw_gap_wrong", str(mean_ci(gap_wrong)), display=False)
glue("osw_gap_open", str(mean_ci(gap_open)), display=False)

styles = {"Source": dict(color=plot.COLORS["reference"], ls="--"), "TENT": dict(color=plot.COLORS["baseline"]),
          "TENT + entropy threshold": dict(color=plot.PALETTE[4], ls=":"),
          "TENT + ours": dict(color=plot.COLORS["method"], lw=3),
          "TENT + ours + entropy threshold": dict(color=plot.COLORS["variant"], ls="-."),
          "TENT + filter only (no min-max)": dict(color=plot.PALETTE[8], ls="-."),
          "TENT + min-max only (no filter)": dict(color=plot.PALETTE[5], ls=":")}
panels = {"methods": ["Source", "TENT", "TENT + entropy threshold", "TENT + ours"],
          "ablations of ours": ["TENT", "TENT + ours", "TENT + ours + entropy threshold",
                                "TENT + filter only (no min-max)", "TENT + min-max only (no filter)"]}
fig, axes = plt.subplots(1, 2, figsize=plot.figsize(2, aspect=0.9), sharey=True)
rounds_x = np.arange(1, cfg.rounds + 1)
for ax, (title, ms) in zip(axes, panels.items()):
    for m in ms:
        plot.mean_band(ax, rounds_x, err[m], label=m, **styles[m])
    ax.set(xlabel="round (test split + noise)", title=title)
    ax.legend(fontsize="x-small")
axes[0].set_ylabel("closed-set error (digits 0-7)")
fig.suptitle("Closed-set error per round, mean and 95% band (mirrors the paper's long-term plots)")
plot.show(fig)

# %% [markdown]
# TENT starts at the source model's error ({glue:text}`osw_tent_r1:.3f` in round 1) and drifts up to
# {glue:text}`osw_tent_last:.3f` in the last 3 rounds, an increase of {glue:text}`osw_tent_rise` (mean and 95% CI
# over replicates). The drift is uneven across replicates, from {glue:text}`osw_tent_rise_min:.3f` to
# {glue:text}`osw_tent_rise_max:.3f`: some streams barely hurt TENT within 30 rounds, which is why C2, stated per
# replicate, is not reproduced even though TENT ends above the Source baseline on average.
#
# With the confidence-difference filter and the min-max loss, the last-3-round error is
# {glue:text}`osw_ours_last:.3f`, {glue:text}`osw_c3` below TENT's (paired-bootstrap 95% CI), better in
# {glue:text}`osw_c3_n` replicates, and about level with Source ({glue:text}`osw_src_last:.3f`): on these digits
# the method *prevents* TENT's degradation rather than improving on the source model. The two ablations show where
# the gain comes from. The filter alone gains {glue:text}`osw_filter_only` and the mean-entropy term alone
# {glue:text}`osw_minmax_only`; each is smaller and less certain than the two together. Adding the entropy
# threshold to the filter changes little ({glue:text}`osw_ours_thr`), and the threshold alone on TENT gains
# {glue:text}`osw_thr_only`.

# %%
tent_rise = last3["TENT"] - err["TENT"][:, 0]
c3 = paired_bootstrap_ci(last3["TENT"], last3[OURS], seed=SEED)
glue("osw_tent_r1", float(err["TENT"][:, 0].mean()), display=False)
glue("osw_tent_last", float(last3["TENT"].mean()), display=False)
glue("osw_tent_rise", str(mean_ci(tent_rise)), display=False)
glue("osw_tent_rise_min", float(tent_rise.min()), display=False)
glue("osw_tent_rise_max", float(tent_rise.max()), display=False)
glue("osw_ours_last", float(last3[OURS].mean()), display=False)
glue("osw_src_last", float(last3["Source"].mean()), display=False)
glue("osw_c3", str(c3), display=False)
glue("osw_c3_n", f"{int((last3['TENT'] > last3[OURS]).sum())}/{len(seeds)}", display=False)
glue("osw_filter_only", str(paired_bootstrap_ci(last3["TENT"], last3["TENT + filter only (no min-max)"], seed=SEED)),
     display=False)
glue("osw_minmax_only", str(paired_bootstrap_ci(last3["TENT"], last3["TENT + min-max only (no filter)"], seed=SEED)),
     display=False)
glue("osw_thr_only", str(paired_bootstrap_ci(last3["TENT"], last3["TENT + entropy threshold"], seed=SEED)),
     display=False)
glue("osw_ours_thr", str(paired_bootstrap_ci(last3["TENT"], last3["TENT + ours + entropy threshold"], seed=SEED)),
     display=False)

# %% [markdown]
# ## Verdict

# %%
fmt = lambda a: ", ".join(f"{v:.3f}" for v in a)  # noqa: E731
ledger.check("C1", measured=f"correct-wrong {mean_ci(gap_wrong)}, correct-open {mean_ci(gap_open)}",
             test="every replicate: frac_up(correct) - frac_up(wrong) > 0.08 and frac_up(correct) - frac_up(open) > 0.15",
             holds=bool(np.all(gap_wrong > 0.08) and np.all(gap_open > 0.15)),
             note=f"per replicate correct-wrong: {fmt(gap_wrong)}; correct-open: {fmt(gap_open)}")
ledger.check("C2", measured=mean_ci(tent_rise), test="every replicate: err_TENT(last 3 rounds) - err_TENT(round 1) > 0.04",
             holds=bool(np.all(tent_rise > 0.04)), note=f"per replicate: {fmt(tent_rise)}")
ledger.check("C3", measured=c3, test="paired-bootstrap 95% CI of mean err_TENT(last3) - err_ours(last3) has lo > 0",
             holds=bool(c3.lo > 0),
             note=f"per replicate: {fmt(last3['TENT'] - last3[OURS])}; improved in "
                  f"{int((last3['TENT'] > last3[OURS]).sum())}/{len(seeds)}")
ledger.finish()

# %% [markdown]
# ## Deviations and limits
#
# - **World.** 8x8 digits with one synthetic corruption stand in for CIFAR-C/TinyImageNet-C, and smoothed-noise
#   images plus two held-out digit classes stand in for SVHN/LSUN. The noise images are not corrupted (the paper's
#   open-set sets carry the same corruption). The source model is a small MLP with BatchNorm, far weaker than a
#   WideResNet, and none of the adaptive methods clearly beats the BatchNorm-statistics Source baseline here: the
#   chapter tests the paper's mechanism (C1) and the relative effect of the filter (C2, C3), not absolute gains.
# - **Regime.** TENT is run with Adam at lr 0.02, more aggressive than the paper's setting, and with half again as
#   many noise images as test digits; the spec's prototype found TENT does not drift away from Source otherwise.
# - **Loss details we could not read.** We could not read the paper's method section. The selection rule follows
#   its Fig. 6; the mean-entropy ("max") term and $\lambda_{\max}=0.5$ follow an open-source re-implementation
#   (the UniEnt repository, which adds the same term to its TENT as well). The paper's TENT baseline is plain
#   entropy minimisation, and so is ours; C3 therefore credits the filter *and* the min-max term together, and the
#   two ablations split the gain. At our scale neither part alone has a CI clear of zero in every run. The entropy
#   threshold $H<0.4\ln K$ is our addition and is reported separately.
# - **C2.** The spec asks for a rise > 0.04 in every replicate; we keep that test. TENT's error rises on average but
#   a few of our streams leave it nearly flat for 30 rounds, so the per-replicate claim fails in every run we made
#   (SEED 0-4), and we declare it not reproduced rather than loosen it.
# - **Statistics.** Five replicates per run; C1 and C2 must hold in every replicate, C3 is a paired-bootstrap CI
#   over the replicates. The baselines SWR, EATA and CoTTA of the paper's tables and the segmentation experiments
#   are not run.
