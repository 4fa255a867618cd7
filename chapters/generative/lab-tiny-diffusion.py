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
# # The lab: a tiny diffusion model of handwritten digits
#
# **Lab chapter** · the model behind this part's diffusion chapters · methods from DDPM (Ho, Jain & Abbeel, NeurIPS
# 2020, [arXiv:2006.11239](https://arxiv.org/abs/2006.11239)), improved DDPM (Nichol & Dhariwal, ICML 2021,
# [arXiv:2102.09672](https://arxiv.org/abs/2102.09672)), DDIM (Song, Meng & Ermon, ICLR 2021,
# [arXiv:2010.02502](https://arxiv.org/abs/2010.02502)), classifier-free guidance (Ho & Salimans, 2022,
# [arXiv:2207.12598](https://arxiv.org/abs/2207.12598)) and EDM (Karras, Aittala, Aila & Laine, NeurIPS 2022,
# [arXiv:2206.00364](https://arxiv.org/abs/2206.00364)) · {cite}`ho2020ddpm` {cite}`nichol2021improved` {cite}`song2021ddim` {cite}`ho2022cfg` {cite}`karras2022edm`
#
# The diffusion papers in this part study Stable Diffusion, DeepFloyd-IF or EDM networks trained on ImageNet, LAION
# or CIFAR-10 and judge them by FID. None of that fits in a 45-second CPU budget, so the chapters share one
# miniature stand-in, trained once and stored as an artifact (`data/tinydiff_digits.pt`, built by
# `python -m lib build tinydiff_digits`). This chapter introduces it, shows what it generates, and checks with code
# that the stored checkpoint is as good as its build record says.
#
# | in the papers | in this book (`lib/tinydiff.py`) |
# |---|---|
# | Stable Diffusion's UNet (conv encoder, mid block, decoder with skips) | `MLPUNet`: input projection + 3 down blocks + mid block (`encode`), 3 up blocks with skip concatenation + head (`decode`); widths 192/96/48 |
# | text prompt | class label 0-9 (label 10 = "no prompt", for classifier-free guidance) |
# | ImageNet / COCO / CIFAR-10 images | the 1797 sklearn 8x8 digits, pixels scaled to [-1, 1] (64 dims) |
# | DDPM, T = 1000, cosine schedule; DDIM sampler | the same, eps-prediction, DDIM with predicted-x0 clipping |
# | FID (Inception-v3 features) | FDD: Frechet distance in the 64 penultimate features of `DigitJudge`, a 64-256-64-10 MLP classifier |
# | CLIP score / classifier accuracy | `DigitJudge` accuracy on the intended class |
# | EDM denoiser + Heun sampler (PFGM++) | `EDMPrecond`, `edm_loss`, `train_edm`, `heun_sample` on the same MLP U-Net |
#
# ```{admonition} Claims tested in this chapter
# :class: tip
# **L1.** The checkpoint meets the book's quality bar (issue 8): re-measured on 1000 fresh samples (100 per class,
# DDIM 50 steps), FDD unguided <= 1.1x and guided (CFG) <= 0.5x the FDD between two halves of the real digits
# (mean over 20 random splits), and judge accuracy on the intended class >= 0.95. *Source:* the prototype's numbers
# (FDD 8.4 unguided, 3.6 guided vs 7.6 between real halves in its judge's units), rescaled to our judge by the
# real-halves FDD. The guidance weight is the builder's: the lowest-FDD weight of its sweep $w\in\{0.25, 0.5, 1,
# 2\}$ on its own sampling seed (never this chapter's).
#
# **L2.** Repeating the builder's measurement (its sampling seed, 1000 samples) on the stored checkpoint gives the
# numbers recorded in `data/MANIFEST`: both FDDs within 1 % relative, both accuracies within 0.003.
# *Source:* the artifact's MANIFEST block.
#
# **L3.** Classifier-free guidance at the recorded weight improves both FDD and class accuracy over the unguided
# conditional sampler. *Source:* Ho & Salimans 2022, Sec. 4.1 and their FID-vs-guidance figures (small guidance
# weights improve FID, larger ones trade diversity for fidelity).
#
# **L4.** Deterministic DDIM inversion (eta = 0, 50 steps) of real digits to t = 600 followed by DDIM sampling
# from there reconstructs them: RMSE < 0.1 on the [-1, 1] pixel scale. *Source:* DDIM (Song et al. 2021), Sec. 5.4
# (reconstruction from the latent, their Table 2).
# ```

# %% tags=["parameters"]
SCALE = "ci"  # "ci": <= 45 s on one core; "paper": the paper-like configuration, same code path
SEED = 0  # every source of randomness derives from SEED

# %%
import re

import matplotlib.pyplot as plt
import numpy as np
import torch
from myst_nb import glue

from lib import plot
from lib.artifacts import manifest_entry
from lib.claims import Ledger, REPRODUCED
from lib.config import scale_config
from lib.seeding import seed_everything, seed_list
from lib import tinydiff as td

plot.use_style()
cfg = scale_config(SCALE,
                   ci=dict(n_per_class=100, ddim_steps=50, n_invert=100, t_invert=600, grid_cols=8),
                   paper=dict(n_per_class=500, ddim_steps=100, n_invert=500, t_invert=600, grid_cols=8))
seed_everything(SEED)
sample_seed = seed_list(SEED, 1)[0] + 17  # never the builder's sampling seed (1234)

# Thresholds fixed before the seed sweep (from the bar and a sampling-noise allowance):
FDD_RATIO_UNGUIDED, FDD_RATIO_GUIDED, ACC_MIN = 1.1, 0.5, 0.95
FDD_REL_TOL, ACC_TOL = 0.01, 0.003
RMSE_MAX = 0.1

ledger = Ledger("lab-tiny-diffusion", scale=SCALE, seed=SEED)
ledger.claim("L1", "The checkpoint meets the quality bar: FDD <= 1.1x (unguided) and <= 0.5x (guided) the "
             "real-halves FDD, class accuracy >= 0.95.", paper="issue 8 (prototype bar)", expected=REPRODUCED)
ledger.claim("L2", "The builder's measurement, repeated on the stored file, matches the MANIFEST (FDD 1 %, acc 0.003).",
             paper="data/MANIFEST", expected=REPRODUCED)
ledger.claim("L3", "CFG at the recorded weight lowers FDD and raises class accuracy vs unguided sampling.",
             paper="CFG Sec. 4.1", expected=REPRODUCED)
ledger.claim("L4", "DDIM inversion to t=600 and back reconstructs real digits with RMSE < 0.1.",
             paper="DDIM Sec. 5.4", expected=REPRODUCED)

# %% [markdown]
# ## Scale
#
# | | papers | `ci` | `paper` |
# |---|---|---|---|
# | data | ImageNet / COCO, 256-512 px | 1797 digits, 8x8 | same |
# | network | UNet, ~10^8-10^9 parameters | MLP U-Net, ~0.5 M parameters (trained once, 30,000 Adam steps) | same checkpoint |
# | samples for FID/FDD | 10k-50k | 1000 (100 per class) | 5000 |
# | sampler | DDIM 50 steps | DDIM 50 steps, eta = 0 | DDIM 100 steps |
# | inversion round trip | - | 100 digits | 500 digits |

# %% [markdown]
# ## Method
#
# **Training** (done once by the builder). The forward process noises a digit $x_0$ to
# $x_t=\sqrt{\bar\alpha_t}\,x_0+\sqrt{1-\bar\alpha_t}\,\epsilon$ (DDPM's closed-form forward process) with the cosine schedule
# $\bar\alpha_t=f(t)/f(0)$, $f(t)=\cos^2\!\big(\tfrac{t/T+s}{1+s}\tfrac{\pi}{2}\big)$, $s=0.008$ and $\beta_t$ clipped
# at 0.999 (improved DDPM), $T=1000$. The network $\epsilon_\theta(x_t,t,y)$ is trained on the simple loss
# $\|\epsilon-\epsilon_\theta(x_t,t,y)\|^2$ (DDPM's "simple" loss), with the label replaced by the null label 10 in 15 % of
# the examples so that one network is both conditional and unconditional. An exponential moving average (decay
# 0.9995) of the weights is stored in fp16. The builder also samples with guidance weights 0.25, 0.5, 1 and 2 and
# records the one with the lowest FDD, as FID-versus-guidance sweeps do.
#
# **Sampling.** DDIM with $\eta=0$ (Song et al.'s deterministic update) predicts
# $\hat x_0=(x_t-\sqrt{1-\bar\alpha_t}\,\epsilon_\theta)/\sqrt{\bar\alpha_t}$, clips it to $[-1,1]$, and moves to the
# previous grid step along the same $\epsilon$. The clipping matters here: the cosine schedule ends at
# $\bar\alpha_{T-1}\approx 2\times10^{-9}$, where an unclipped $\hat x_0$ is a noise amplifier. Classifier-free
# guidance (Ho & Salimans) replaces $\epsilon_\theta$ by
#
# $$\tilde\epsilon=(1+w)\,\epsilon_\theta(x_t,t,y)-w\,\epsilon_\theta(x_t,t,\varnothing).$$
#
# **Inversion.** Running the $\eta=0$ update backwards, with $\epsilon$ evaluated at the less noisy point, maps a
# real digit to a latent $x_t$ from which DDIM sampling returns (approximately) the same digit; SDEdit-, PIE- and
# NoiseDiffusion-style edits start from such intermediate latents (`ddim_invert`, `ddim_sample(t_start=...)`).

# %%
model, judge = td.pretrained_digits(0), td.digit_judge()
rec = manifest_entry("tinydiff_digits")
rec_q, judge_q = rec["quality"], manifest_entry("digit_judge")["quality"]
w = rec_q["guidance"]

y = td.balanced_labels(cfg.n_per_class)
gen = torch.Generator().manual_seed(sample_seed)
x_T = torch.randn(len(y), 64, generator=gen)
x_ung = td.ddim_sample(model, y, cfg.ddim_steps, x_T=x_T)
x_gui = td.ddim_sample(model, y, cfg.ddim_steps, x_T=x_T, guidance=w)
fdd_ung, fdd_gui = judge.fdd(x_ung), judge.fdd(x_gui)
acc_ung, acc_gui = judge.class_accuracy(x_ung, y), judge.class_accuracy(x_gui, y)
# reference: FDD between two random halves of the real digits, averaged over 20 fixed splits (one split varies 1-4)
fdd_halves = np.array([td.real_halves_fdd(judge, seed=s) for s in range(20)])
fdd_half = float(fdd_halves.mean())
# L2: the builder's own measurement, repeated with its sampling seed (deterministic up to float round-off)
again = td.sample_quality(model, judge, n_per_class=rec_q["n_samples"] // 10, seed=rec_q["sampling_seed"],
                          guidance=w, n_steps=rec_q["ddim_steps"])

# %% [markdown]
# ## Experiment
#
# ### Samples
#
# The same starting noise, decoded with and without guidance (mirrors the sample grids of the DDIM and CFG papers).

# %%
def grid(ax, x, title):
    """Draw rows = classes, columns = samples (x: classes*cols x 64 in [-1, 1])."""
    n_cls, cols = 10, cfg.grid_cols
    img = x.reshape(n_cls, cols, 8, 8).permute(0, 2, 1, 3).reshape(n_cls * 8, cols * 8)
    ax.imshow(img.numpy(), cmap="gray_r", vmin=-1, vmax=1)
    ax.set(title=title, xticks=[], yticks=[])


pick = torch.cat([torch.arange(c * cfg.n_per_class, c * cfg.n_per_class + cfg.grid_cols) for c in range(10)])
fig, axes = plt.subplots(1, 2, figsize=plot.figsize(2, aspect=1.0))
grid(axes[0], x_ung[pick], "DDIM-50, conditional (w = 0)")
grid(axes[1], x_gui[pick], f"DDIM-50, classifier-free guidance w = {w:g}")
fig.suptitle("Class-conditional samples, one row per digit (cf. DDIM Fig. 3, CFG Fig. 1)")
plot.show(fig)

glue("lab_fdd_ung", fdd_ung, display=False)
glue("lab_fdd_gui", fdd_gui, display=False)
glue("lab_acc_ung", acc_ung, display=False)
glue("lab_acc_gui", acc_gui, display=False)
glue("lab_fdd_half", fdd_half, display=False)
glue("lab_w", w, display=False)
glue("lab_half_min", float(fdd_halves.min()), display=False)
glue("lab_half_max", float(fdd_halves.max()), display=False)

# %% [markdown]
# Without guidance the judge recognises the intended class in {glue:text}`lab_acc_ung:.3f` of the 1000 samples;
# with guidance $w=$ {glue:text}`lab_w:.1f` in {glue:text}`lab_acc_gui:.3f`. Guided samples are cleaner and more
# uniform in style, the usual fidelity-for-diversity trade of classifier-free guidance.

# %% [markdown]
# ### Quality against the real data
#
# FDD of the samples against all 1797 real digits, next to the FDD between two random halves of the real digits
# (about 900 each: roughly what a perfect sampler would score at this sample size, since FDD is biased upwards at
# finite size; averaged over 20 splits, because one split's value ranges from
# {glue:text}`lab_half_min:.1f` to {glue:text}`lab_half_max:.1f`), and next to the values the builder recorded
# (its own sampling seed; its real-halves value is that of split 0).

# %%
fig, ax = plt.subplots(figsize=plot.figsize(aspect=0.5))
names = ["real halves", "unguided", f"guided w={w:g}"]
ax.bar(np.arange(3) - 0.2, [fdd_half, fdd_ung, fdd_gui], width=0.4, color=plot.COLORS["method"],
       label=f"this run (sampling seed {sample_seed})")
ax.bar(np.arange(3) + 0.2, [rec_q["fdd_real_halves"], rec_q["fdd"], rec_q["fdd_guided"]], width=0.4,
       color=plot.COLORS["reference"], label="recorded in data/MANIFEST")
ax.axhline(FDD_RATIO_UNGUIDED * fdd_half, color="k", ls="--", lw=1, label="bar: unguided")
ax.axhline(FDD_RATIO_GUIDED * fdd_half, color="k", ls=":", lw=1, label="bar: guided")
ax.set(xticks=range(3), xticklabels=names, ylabel="FDD (lower is better)",
       title="FDD of 1000 samples vs real digits (our FID stand-in)")
ax.legend(fontsize=7)
plot.show(fig)
glue("lab_ratio_ung", fdd_ung / fdd_half, display=False)
glue("lab_ratio_gui", fdd_gui / fdd_half, display=False)

# %% [markdown]
# With this run's sampling seed the unguided FDD is {glue:text}`lab_fdd_ung:.2f`, {glue:text}`lab_ratio_ung:.2f`
# times the real-halves FDD of {glue:text}`lab_fdd_half:.2f`; guidance ($w=$ {glue:text}`lab_w:.1f`) brings it to
# {glue:text}`lab_fdd_gui:.2f` ({glue:text}`lab_ratio_gui:.2f` times). Between sampling seeds the FDD of 1000
# samples moves by about 20 %, which is why L2 repeats the builder's measurement with the builder's seed instead of
# comparing fresh samples to the record.

# %% [markdown]
# Two cautions about these numbers. FDD against all 1797 digits has a smaller finite-sample bias than FDD between
# two halves, so the fair version of the comparison puts 898 of the samples against one real half, next to the
# other real half against the same half. And the model was trained on these very digits, so a low FDD could mean
# copying; the distance from each sample to its nearest real digit, next to the distance from each real digit to
# its nearest *other* real digit, tells the two apart.

# %%
x_all = td.digits_pm1()[0]
g2 = torch.Generator().manual_seed(sample_seed + 1)
perm = torch.randperm(len(x_all), generator=g2)
half_a, half_b = x_all[perm[:898]], x_all[perm[898:1796]]
sub = torch.randperm(len(x_ung), generator=g2)[:898]
fair_samples, fair_real = judge.fdd(x_ung[sub], half_b), judge.fdd(half_a, half_b)
d_real = torch.cdist(x_all, x_all).fill_diagonal_(float("inf")).min(1).values
d_samp = torch.cdist(x_ung.clamp(-1, 1), x_all).min(1).values
print(f"FDD, 898 samples vs real half B: {fair_samples:.2f};  real half A vs real half B: {fair_real:.2f}")
print(f"median distance to the nearest real digit: samples {d_samp.median():.2f}, "
      f"real digits (nearest other real digit) {d_real.median():.2f}; samples closer than 0.5: {(d_samp < 0.5).sum()}")
glue("lab_fair_samples", fair_samples, display=False)
glue("lab_fair_real", fair_real, display=False)
glue("lab_nn_samp", float(d_samp.median()), display=False)
glue("lab_nn_real", float(d_real.median()), display=False)

# %% [markdown]
# Measured the fair way, 898 unguided samples score FDD {glue:text}`lab_fair_samples:.2f` against a real half
# where the other real half scores {glue:text}`lab_fair_real:.2f`: the sampler's distance to the data is of the same
# order as the data's distance to themselves (one split of the real digits alone varies by a factor of about 3). The
# samples are not copies: their median distance to the nearest training digit ({glue:text}`lab_nn_samp:.2f`) is
# close to the distance between a real digit and its nearest neighbour ({glue:text}`lab_nn_real:.2f`).

# %% [markdown]
# ### DDIM inversion round trip

# %%
x_real, y_real = td.digits_pm1()
idx = torch.randperm(len(y_real), generator=gen)[:cfg.n_invert]
x0, y0 = x_real[idx], y_real[idx]
x_t = td.ddim_invert(model, x0, y0, t_end=cfg.t_invert, n_steps=cfg.ddim_steps)
x_back = td.ddim_sample(model, y0, cfg.ddim_steps, x_T=x_t, t_start=cfg.t_invert)
rmse = float(((x_back - x0) ** 2).mean(1).sqrt().mean())
x_T_full = td.ddim_invert(model, x0, y0, t_end=td.T - 1, n_steps=cfg.ddim_steps)
x_back_full = td.ddim_sample(model, y0, cfg.ddim_steps, x_T=x_T_full)
rmse_full = float(((x_back_full - x0) ** 2).mean(1).sqrt().mean())

fig, axes = plt.subplots(5, 8, figsize=plot.figsize(aspect=0.7))
rows = [(x0, "real $x_0$"), (x_t, f"$x_{{{cfg.t_invert}}}$"), (x_back, "reconstruction"),
        (x_T_full, "$x_{999}$"), (x_back_full, "reconstruction")]
for r, (xs, label) in enumerate(rows):
    for c in range(8):
        axes[r, c].imshow(xs[c].reshape(8, 8).numpy(), cmap="gray_r", vmin=-1, vmax=1)
        axes[r, c].set(xticks=[], yticks=[])
    axes[r, 0].set_ylabel(label, fontsize=7)
fig.suptitle(f"DDIM inversion and reconstruction (50 steps, eta = 0): to t = {cfg.t_invert} and to t = 999")
plot.show(fig)
glue("lab_rmse", rmse, display=False)
glue("lab_rmse_full", rmse_full, display=False)

# %% [markdown]
# Inverting to $t=600$ and sampling back reconstructs the digits with mean RMSE {glue:text}`lab_rmse:.3f`
# (pixels in $[-1,1]$). Inverting all the way to $t=999$ is much less faithful (RMSE {glue:text}`lab_rmse_full:.2f`):
# at $\bar\alpha\approx10^{-9}$ the last inversion step is ill-conditioned and the clipped sampler lands on a
# nearby but different digit. Chapters that edit real digits should start from intermediate steps.

# %% [markdown]
# ### Build cost
#
# The builder's record (`data/MANIFEST`) for the two checkpoints and the judge:

# %%
for name in ("tinydiff_digits", "tinydiff_digits_s1", "digit_judge"):
    e = manifest_entry(name)
    print(f"{name:<20} built: {e['built']}\n{'':<20} quality: "
          + ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in e["quality"].items()))
cpu_s = float(re.search(r"(\d+) s CPU", rec["built"]).group(1))
glue("lab_build_cpu", cpu_s, display=False)
glue("lab_judge_acc", judge_q["test_acc"], display=False)

# %% [markdown]
# Training one checkpoint took {glue:text}`lab_build_cpu:.0f` CPU-seconds on one thread; the judge reaches
# {glue:text}`lab_judge_acc:.3f` accuracy on the 540 held-out real digits.
#
# ## Verdict

# %%
bar_ok = (fdd_ung <= FDD_RATIO_UNGUIDED * fdd_half and fdd_gui <= FDD_RATIO_GUIDED * fdd_half
          and acc_ung >= ACC_MIN)
ledger.check("L1", measured=f"FDD {fdd_ung:.2f} / {fdd_gui:.2f} (w={w:g}) vs halves {fdd_half:.2f}; "
             f"acc {acc_ung:.3f}", test="FDD_ung <= 1.1 halves, FDD_gui <= 0.5 halves, acc >= 0.95", holds=bar_ok)
rel = [abs(again[k] - rec_q[k]) / rec_q[k] for k in ("fdd", "fdd_guided")]
dacc = max(abs(again[k] - rec_q[k]) for k in ("acc", "acc_guided"))
ledger.check("L2", measured=f"FDD rel. diff {rel[0]:.2%} / {rel[1]:.2%}, max acc diff {dacc:.3f}",
             test="both FDD within 1 % of recorded, both |acc diff| <= 0.003",
             holds=max(rel) <= FDD_REL_TOL and dacc <= ACC_TOL)
ledger.check("L3", measured=f"FDD {fdd_ung:.2f} -> {fdd_gui:.2f}, acc {acc_ung:.3f} -> {acc_gui:.3f}",
             test="FDD_gui < FDD_ung and acc_gui > acc_ung", holds=fdd_gui < fdd_ung and acc_gui > acc_ung)
ledger.check("L4", measured=rmse, test="mean RMSE of inversion to t=600 and back < 0.1", holds=rmse < RMSE_MAX)
ledger.finish()

# %% [markdown]
# ## Deviations and limits
#
# - **How the bar was met.** The first checkpoint (10,000 Adam steps, EMA 0.999) missed it: unguided DDIM-50 FDD
#   1.6-2.1x the real-halves FDD, guided (w = 1) 0.6-0.8x. Its stochastic sampler (`eta=1`) did far better (FDD 1.3
#   against 3.8 deterministic on the builder's seed), so the gap was the deterministic sampler's sensitivity to the
#   network's eps errors. Three times longer training with a slower EMA (0.9995), same network, closed it:
#   deterministic FDD went from 3.8 to 1.2 at the builder's seed. A twice-wider network also helped but would have
#   made every diffusion chapter about three times slower. The guidance weight is now picked by the builder's sweep
#   (w = 1, the old fixed value, costs diversity on the better model: FDD 1.17 at w = 1 vs 0.68 at w = 0.25 on the
#   builder's seed). Rebuilding changed verdicts elsewhere (Faster Diffusion C2 and C4, NoiseDiffusion C2); those
#   chapters say how.
# - **L2 was revised once.** The first version compared fresh samples (this chapter's seed) to the recorded FDD
#   within 15 %; the FDD of 1000 samples varies by about 20 % between sampling seeds, so that check tested sampling
#   noise, not the artifact. It now repeats the builder's measurement with the builder's seed.
# - The real-halves reference is the mean over 20 random splits: a single split's FDD ranges over a factor of 3.
# - This is a lab, not a paper: the "claims" are quality checks of a shared artifact. The bar comes from the
#   book's prototype (issue 8) and was rescaled to our judge by the FDD between two real halves, because FDD values
#   depend on the feature extractor (the prototype's judge had different feature scales).
# - FDD is measured on 1000 samples against 1797 real digits; at this size Frechet distances are biased upwards,
#   which is why the real-halves FDD (not 0) is the reference point.
# - The model is trained on all 1797 digits, and FDD is computed against the same digits: FDD here measures
#   fidelity to the training set, not generalisation (the nearest-neighbour check above shows that the samples are
#   not copies).
# - Equation numbers are not cited in this chapter: we checked the formulas (cosine schedule, guidance rule)
#   against secondary sources but could not read the papers' numbered equations here; `lib/tinydiff.py`'s
#   docstrings give equation numbers from the papers as we remember them.
# - The judge is trained on a train split of the same digits; it is a stand-in for Inception features and
#   cannot see what an Inception network would.
