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
# # PFGM++: Unlocking the Potential of Physics-Inspired Generative Models
#
# **Yilun Xu, Ziming Liu, Yonglong Tian, Shangyuan Tong, Max Tegmark, Tommi Jaakkola** · *ICML 2023* ·
# [arXiv:2302.04265](https://arxiv.org/abs/2302.04265) · {cite}`xu2023pfgmpp`
#
# Poisson flow generative models (PFGM) treat data points as electric charges and generate by following the field
# they create. PFGM++ places the $N$-dimensional data in $N+D$ dimensions and shows that only the norm $r$ of the
# $D$ extra coordinates matters. Training then becomes a denoising problem with a new, heavy-tailed perturbation
# kernel
# $p_r(x\mid y)\propto(\|x-y\|^2+r^2)^{-(N+D)/2}$: a noisy sample is a clean one plus a displacement whose norm is
# drawn from a Beta-based distribution, in a uniformly random direction. $D=1$ is PFGM. As $D\to\infty$ with
# $r=\sigma\sqrt D$ the kernel becomes the Gaussian $\mathcal N(y,\sigma^2 I)$ and the model becomes a diffusion
# model (EDM, {cite}`karras2022edm`). The same alignment lets PFGM++ reuse EDM's tuned noise distribution,
# preconditioning and sampler unchanged. The paper argues that $D$ trades *robustness* against *rigidity*. A small
# $D$ spreads the norms of the noisy training inputs widely, so the network has also seen inputs that are off the
# typical shell, and sampling errors hurt less. A large $D$ concentrates the norms, which makes learning easier. With
# $D=2048$ (CIFAR-10) and $D=128$ (FFHQ $64\times64$) the paper reports FID 1.91 and 2.43, better than its diffusion
# baselines, and 1.74 class-conditional on CIFAR-10. Its robustness study shows that smaller $D$ loses less FID when
# noise is injected into sampling, when fewer sampling steps are used, and when the weights are quantised.
#
# ```{admonition} Claims tested in this chapter
# :class: tip
# **C1.** Drawing $R=r\sqrt{B/(1-B)}$, $B\sim\mathrm{Beta}(N/2,D/2)$, in a uniform direction samples the PFGM++
# kernel. It has $\mathbb E\|x-y\|^2=\sigma^2ND/(D-2)$, which tends to the Gaussian value $\sigma^2N$ as
# $D\to\infty$. Its spread and its tail shrink as $D$ grows, and each coordinate approaches $\mathcal N(0,\sigma^2)$.
# *Paper:* the $D\to\infty$ equivalence (Sec. 4) and the discussion of the noisy-sample norms (Sec. 5).
#
# **C2.** Robustness: when noise of relative size $\alpha$ is injected at every sampling step, quality degrades
# less for small $D$ than for $D\to\infty$ (EDM). At $\alpha=0.2$, FDD rises less for $D=4$ than for $D=\infty$, and
# the slope of FDD against $\alpha$ is smaller. *Paper:* the robustness figure of Sec. 6 (FID against $\alpha$, with
# flatter curves for smaller $D$).
#
# **C3.** Without injected errors ($\alpha=0$), a finite $D$ gives better samples than $D\to\infty$. We ask whether
# the gain is resolved beyond our sampling noise. *Paper:* main results (FID 1.91 at $D=2048$ on CIFAR-10 and 2.43
# at $D=128$ on FFHQ, below the diffusion baselines).
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
from scipy import stats as st

from lib import plot
from lib import tinydiff as td
from lib.claims import Ledger, NOT_REPRODUCED, REPRODUCED
from lib.config import scale_config
from lib.seeding import seed_everything, seed_list
from lib.stats import fit_line, mean_ci

plot.use_style()
INF = math.inf
cfg = scale_config(
    SCALE,
    ci=dict(kernel_D=(4, 16, 128, INF), kernel_reps=2, kernel_n=20_000, norm_n=1_000_000,
            train_D=(4, INF), n_train_seeds=1, steps=900, batch=128, lr=2e-3, widths=(128, 64, 32),
            n_samples=1000, heun_steps=18, alphas=(0.0, 0.1, 0.2, 0.3), n_boot=200),
    paper=dict(kernel_D=(4, 16, 128, INF), kernel_reps=3, kernel_n=100_000, norm_n=4_000_000,
               train_D=(1, 4, 16, 128, INF), n_train_seeds=3, steps=6000, batch=128, lr=2e-3,
               widths=(192, 96, 48), n_samples=2000, heun_steps=18, alphas=(0.0, 0.05, 0.1, 0.15, 0.2, 0.3),
               n_boot=500))
seed_everything(SEED)  # the draws below use explicit generators seeded from these lists
kernel_seeds = seed_list(SEED, cfg.kernel_reps)
train_seeds = seed_list(SEED, cfg.n_train_seeds)
N = 64  # data dimension (8x8 digits)
SIGMA_MIN, SIGMA_MAX = 0.002, 40.0  # sampler range in EDM units (the prior sits at r_max = SIGMA_MAX sqrt(D))
ALPHA_C2 = 0.2  # the alpha of C2 (the largest value of the paper's noise-injection script)
MEAN_TOL = 0.03  # C1: relative error of E||x-y||^2 (spec)
QUANT_Z = 4.0  # C1: |z| of the training sampler's norm quantiles against the closed form F(N, D)
assert ALPHA_C2 in cfg.alphas and 0.0 in cfg.alphas

ledger = Ledger("pfgmpp", scale=SCALE, seed=SEED)
ledger.claim("C1", "The Beta-sampled PFGM++ kernel has E||x-y||^2 = sigma^2 N D/(D-2) (within 3% for D = 4, 16, "
             "128); the training sampler's norm quantiles match the closed form F(N, D) (|z| < 4); CV(||x-y||) "
             "and q99/median decrease strictly along D = 4, 16, 128, inf; the KS distance of a coordinate to "
             "N(0, sigma^2) decreases along D = 4, 16, 128 and the Gaussian (D = inf) lies below D = 16 "
             "(every replicate).",
             paper="Sec. 4 (D -> inf limit, r = sigma sqrt(D)); Sec. 5 (norm concentration)", expected=REPRODUCED)
ledger.claim("C2", "With noise alpha * sigma_i * eps injected before every Heun step, FDD(0.2) - FDD(0) and the "
             "slope of FDD vs alpha are smaller for D = 4 than for D = inf (every training seed).",
             paper="Sec. 6 robustness figure: FID vs alpha flatter for small D", expected=REPRODUCED)
ledger.claim("C3", "At alpha = 0 the best finite D improves on D = inf (EDM) by more than 3 s.d. of the sampling "
             "noise of the FDD difference (a resolved gain; every training seed).",
             paper="FID 1.91 (D=2048, CIFAR-10), 2.43 (D=128, FFHQ) vs diffusion baselines", expected=NOT_REPRODUCED)

# %% [markdown]
# ## Scale
#
# | | paper | `ci` | `paper` |
# |---|---|---|---|
# | data | CIFAR-10 ($N=3072$), FFHQ $64\times64$, LSUN Church | sklearn digits, 1797 images, $N=64$, $[-1,1]$ | same |
# | $D$ (kernel statistics) | — | 4, 16, 128, $\infty$; 20k vectors and $10^6$ norms per $D$, 2 replicates | same $D$; 100k vectors, $4\cdot10^6$ norms, 3 replicates |
# | $D$ (trained) | 64, 128, 2048, $3\cdot10^6$, $\infty$ (CIFAR-10) | 4 ($D/N=1/16$), $\infty$ | 1, 4, 16, 128, $\infty$ |
# | network | DDPM++ / NCSN++ U-Nets, EDM preconditioning | MLP U-Net 128/64/32, EDM preconditioning | MLP U-Net 192/96/48 |
# | training | EDM recipe (200M images for CIFAR-10) | Adam $2\cdot10^{-3}$, cosine, batch 128, EMA 0.999, 900 steps, 1 training seed | 6000 steps, 3 training seeds |
# | sampler | EDM Heun, 18 steps (35 NFE), $\sigma_{\max}=80$ | Heun, 18 steps, $\sigma\in[0.002,40]$ | same |
# | metric | FID, 50k samples | FDD (digit-judge features), 1000 samples | FDD, 2000 samples |
# | robustness | $\alpha$ noise injection, NFE, quantisation | $\alpha\in\{0,0.1,0.2,0.3\}$ | $\alpha\in\{0,\dots,0.3\}$, 6 values |

# %% [markdown]
# ## Method
#
# **The perturbation kernel.** For a clean $y\in\mathbb R^N$ and augmentation norm $r$, PFGM++ perturbs $y$ with
# density $p_r(x\mid y)\propto(\|x-y\|^2+r^2)^{-(N+D)/2}$. It is isotropic, so it factors into a uniform direction
# and a norm $R=\|x-y\|$. The paper samples the norm by a change of variables, $R=r\sqrt{B/(1-B)}$ with
# $B\sim\mathrm{Beta}(N/2,D/2)$ (the authors' training code does exactly this), and aligns $r=\sigma\sqrt D$ with
# the diffusion noise level $\sigma$. An equivalent construction makes the $N+D$ dimensions visible. Draw
# $g=(g_N,g_D)\sim\mathcal N(0,I_{N+D})$, that is, a uniform direction in $N+D$ dimensions up to its length, and set
#
# $$x-y \;=\; r\,\frac{g_N}{\|g_D\|}.$$
#
# Its norm is $r\|g_N\|/\|g_D\|=r\sqrt{B/(1-B)}$ with $B=\|g_N\|^2/(\|g_N\|^2+\|g_D\|^2)\sim\mathrm{Beta}(N/2,D/2)$,
# and its direction $g_N/\|g_N\|$ is uniform and independent of $B$. This is the paper's sampler, written so that
# a seeded torch generator drives it. With $r=\sigma\sqrt D$ it reads $\sigma\,g_N/\sqrt{\chi^2_D/D}$, a
# multivariate Student-$t$ with $D$ degrees of freedom. This gives the closed forms that C1 checks:
#
# - $\|x-y\|^2/(\sigma^2N)\sim F(N,D)$;
# - $\mathbb E\|x-y\|^2=\sigma^2ND/(D-2)$ for $D>2$, which tends to $\sigma^2N$ as $D\to\infty$;
# - each coordinate is $\sigma\,t_D$, which tends to $\mathcal N(0,\sigma^2)$.
#
# For $D\le4$ the variance of $\|x-y\|^2$ is infinite, which is the heavy tail the paper describes.
#
# **Training (the paper's objective with EDM's hyper-parameters).** Exactly EDM {cite}`karras2022edm`, except for
# how the noise is drawn. We draw $\ln\sigma\sim\mathcal N(-1.2,1.2^2)$, perturb with the kernel above at
# $r=\sigma\sqrt D$, and minimise $\lambda(\sigma)\|D_\theta(y+n,\sigma)-y\|^2$ with EDM's weight and
# preconditioning. The lab's `td.train_edm(..., noise_fn=)` runs this; $D=\infty$ is the lab's unchanged EDM.
#
# **Sampling.** The PFGM++ ODE $\mathrm dx/\mathrm dr=(x-\mathbb E[y\mid x])/r$ becomes EDM's
# $\mathrm dx/\mathrm d\sigma=(x-D_\theta(x,\sigma))/\sigma$ under $r=\sigma\sqrt D$, so the same Heun sampler
# (`td.heun_sample`) runs for every $D$. Only the prior changes. It is the kernel around 0 at
# $r_{\max}=\sigma_{\max}\sqrt D$, a wide heavy-tailed cloud for small $D$ and $\mathcal N(0,\sigma_{\max}^2I)$ for
# $D=\infty$.
#
# **Injected modelling errors (the $\alpha$ experiment).** We could not read the text of Sec. 6, so we took the
# definition from the authors' script for this experiment (`generate_alpha.py`). At the start of every sampler step
# $i$, before the denoiser is evaluated, the state is perturbed as
#
# $$x \leftarrow x+\alpha\,\sigma_i\,\epsilon_i,\qquad \epsilon_i\sim\mathcal N(0,I),$$
#
# for every $D$, with $\sigma_i$ the step's noise level. The authors' script uses $\alpha\in\{0,0.1,0.2\}$. We use the
# same $\epsilon_i$ for every $\alpha$, so the curves are paired comparisons.

# %%
def kernel_noise(sigma, shape, generator, D):
    """PFGM++ perturbation x - y at r = sigma sqrt(D): r g_N / ||g_D||, g ~ N(0, I_{N+D}); Gaussian for D = inf."""
    n, dim = shape
    if math.isinf(D):
        return sigma * torch.randn(shape, generator=generator)  # EDM: N(0, sigma^2 I)
    g = torch.randn(n, dim + D, generator=generator)
    r = sigma * math.sqrt(D)  # alignment r = sigma sqrt(D) (Sec. 4)
    return r * g[:, :dim] / g[:, dim:].norm(dim=1, keepdim=True)  # norm r sqrt(B/(1-B)), B ~ Beta(N/2, D/2)


def beta_radius(n, sigma, D, rng):
    """The paper's norm sampler R = r sqrt(B/(1-B)), B ~ Beta(N/2, D/2), r = sigma sqrt(D); sigma chi_N at D = inf."""
    if math.isinf(D):
        return sigma * np.sqrt(rng.chisquare(N, n))
    b = rng.beta(N / 2, D / 2, n)
    return sigma * math.sqrt(D) * np.sqrt(b / (1 - b))


def mean_sq_closed_form(sigma, D):
    """E||x - y||^2 = sigma^2 N D / (D - 2) (-> sigma^2 N as D -> inf)."""
    return sigma ** 2 * N * (1.0 if math.isinf(D) else D / (D - 2))


def norm_ratio_dist(D):
    """Distribution of ||x - y||^2 / (sigma^2 N): F(N, D), or chi^2_N / N at D = inf."""
    return st.chi2(N, scale=1 / N) if math.isinf(D) else st.f(N, D)


def quantile_z(u2, q, D):
    """z-score of the sample q-quantile of u2 = ||x-y||^2/(sigma^2 N) against F(N, D) (asymptotic s.e.)."""
    dist = norm_ratio_dist(D)
    x_q = dist.ppf(q)
    se = math.sqrt(q * (1 - q) / len(u2)) / dist.pdf(x_q)
    return (np.quantile(u2, q) - x_q) / se


def make_prior(D):
    """Prior of the sampler: the kernel around 0 at r_max = sigma_max sqrt(D)."""
    return lambda n, sigma_max, g: kernel_noise(sigma_max, (n, N), g, D)


@torch.no_grad()
def sample_with_errors(model, x_T, sigmas, alpha, eps):
    """EDM Heun sampling from x_T with x <- x + alpha sigma_i eps_i before each step i (the alpha experiment)."""
    x = x_T.clone()
    for i in range(len(sigmas) - 1):
        x = x + alpha * float(sigmas[i]) * eps[i]  # injected modelling error (authors' generate_alpha.py)
        x = td.heun_sample(model, x.shape[0], sigmas[i:i + 2], x_T=x)  # one Heun step of the lab's sampler
    return x


def D_label(D):
    return r"$D=\infty$ (EDM)" if math.isinf(D) else f"$D={D}$"

# %% [markdown]
# ## Experiment 1: the kernel for each $D$ (C1, no training)
#
# For each replicate and each $D$ we draw 20k displacement vectors with the training sampler `kernel_noise` at
# $\sigma=1$, and $10^6$ norms with the paper's Beta formula `beta_radius`. We use so many norms because
# $\|x-y\|^2$ has infinite variance at $D=4$, so its sample mean converges slowly.

# %%
kernel_rows = []
norms_for_plot = {}
for rep, ks in enumerate(kernel_seeds):
    gen, rng = torch.Generator().manual_seed(ks), np.random.default_rng(ks)
    for D in cfg.kernel_D:
        v = kernel_noise(torch.ones(cfg.kernel_n, 1), (cfg.kernel_n, N), gen, D).double()
        R = v.norm(dim=1).numpy()
        coords = np.sort(v.reshape(-1).numpy())  # all coordinates, pooled
        ks_stat = float(np.abs(np.arange(1, coords.size + 1) / coords.size - st.norm.cdf(coords)).max())
        u2 = R ** 2 / N  # ||x - y||^2 / (sigma^2 N)
        q_z = max(abs(quantile_z(u2, q, D)) for q in (0.5, 0.9))
        Rb = beta_radius(cfg.norm_n, 1.0, D, rng)
        mean_b = float((Rb ** 2).mean())
        kernel_rows.append(dict(rep=rep, D=D, mean_sq=mean_b, pred=mean_sq_closed_form(1.0, D),
                                rel_err=mean_b / mean_sq_closed_form(1.0, D) - 1, quant_z=q_z,
                                cv=float(R.std() / R.mean()), tail=float(np.quantile(R, 0.99) / np.median(R)),
                                ks=ks_stat,
                                ks_closed=0.0 if math.isinf(D) else float(
                                    np.abs(st.t.cdf(np.linspace(-6, 6, 20001), D)
                                           - st.norm.cdf(np.linspace(-6, 6, 20001))).max())))
        if rep == 0:
            norms_for_plot[D] = R / math.sqrt(N)
kern = pd.DataFrame(kernel_rows)
kern.groupby("D")[["mean_sq", "pred", "rel_err", "quant_z", "cv", "tail", "ks", "ks_closed"]].mean().round(4)

# %% [markdown]
# The table averages over replicates. `mean_sq` is the Beta sampler's $\mathbb E\|x-y\|^2$ at $\sigma=1$ and `pred`
# the closed form. `quant_z` is the largest $|z|$-score of the training sampler's median and 90% quantile of
# $\|x-y\|^2/N$ against $F(N,D)$ (standard error from the asymptotic variance of a sample quantile). `cv` and
# `tail` are $\mathrm{CV}(\|x-y\|)$ and $q_{99}/\mathrm{median}$. `ks` is the empirical KS distance of the pooled
# coordinates to $\mathcal N(0,1)$, and `ks_closed` is $\sup|F_{t_D}-\Phi|$.

# %%
fig, ax = plt.subplots(figsize=plot.figsize(aspect=0.5))
grid = np.linspace(0.01, 4, 400)
for k, D in enumerate(cfg.kernel_D):
    c = plot.PALETTE[k]
    ax.hist(norms_for_plot[D], bins=np.linspace(0, 4, 161), density=True, histtype="step", color=c,
            label=D_label(D))
    ax.plot(grid, norm_ratio_dist(D).pdf(grid ** 2) * 2 * grid, color=c, ls=":", lw=1)  # density of sqrt(F)
ax.set(xlabel=r"$\|x-y\|\,/\,(\sigma\sqrt{N})$", ylabel="density", yscale="log", ylim=(1e-3, 12),
       title="Norms of the perturbation for each $D$ (mirrors the paper's Sec. 5 norm figure)")
ax.legend(title="histogram; dotted: closed form")
plot.show(fig)

by_D = kern.groupby("D").mean(numeric_only=True)
glue("pf_mean4", float(by_D.loc[4, "mean_sq"]), display=False)
glue("pf_pred4", float(by_D.loc[4, "pred"]), display=False)
glue("pf_cv4", float(by_D.loc[4, "cv"]), display=False)
glue("pf_cvinf", float(by_D.loc[INF, "cv"]), display=False)
glue("pf_tail4", float(by_D.loc[4, "tail"]), display=False)
glue("pf_tailinf", float(by_D.loc[INF, "tail"]), display=False)
glue("pf_ks128", float(by_D.loc[128, "ks"]), display=False)
glue("pf_ksinf", float(by_D.loc[INF, "ks"]), display=False)
glue("pf_ksc128", float(by_D.loc[128, "ks_closed"]), display=False)

# %% [markdown]
# The histograms follow the closed-form densities. At $D=4$ the norms are very spread
# ($\mathrm{CV}=$ {glue:text}`pf_cv4:.3f`, against {glue:text}`pf_cvinf:.3f` for the Gaussian), with a long right
# tail ($q_{99}/\mathrm{median}=$ {glue:text}`pf_tail4:.2f` against {glue:text}`pf_tailinf:.2f`). Its mean squared
# norm, {glue:text}`pf_mean4:.1f`, matches $\sigma^2ND/(D-2)=$ {glue:text}`pf_pred4:.0f`, twice the Gaussian value
# 64. As $D$ grows the kernel concentrates onto EDM's thin shell at $\sigma\sqrt N$, which is the "rigid" end of
# the paper's trade-off. The per-coordinate KS distance shrinks with $D$ as well. At $D=128$ it is
# {glue:text}`pf_ks128:.4f` (closed form {glue:text}`pf_ksc128:.4f`), already close to the sampling floor that the
# exactly Gaussian $D=\infty$ shows ({glue:text}`pf_ksinf:.4f`).

# %% [markdown]
# ## Experiment 2: training PFGM++ and EDM, and injecting errors (C2, C3)
#
# For each training seed we train one denoiser per trained $D$ with the same recipe, code and seed. Only
# `noise_fn`, the perturbation kernel, differs. Each model then draws `n_samples` digits from its own prior with
# the 18-step Heun sampler, at every $\alpha$, and the digit judge scores them with FDD. Within a model, every
# $\alpha$ uses the same prior draw and the same injected $\epsilon_i$.

# %%
x_data, _ = td.digits_pm1()
judge = td.digit_judge()
ref_stats = td.gaussian_stats(judge.features(x_data))
sigmas = td.edm_sigmas(cfg.heun_steps, SIGMA_MIN, SIGMA_MAX)
models, fdd, boot_sd, grids = {}, {}, {}, {}
for s in train_seeds:
    for D in cfg.train_D:
        m = td.train_edm(x_data, steps=cfg.steps, batch=cfg.batch, lr=cfg.lr, ema=0.999, seed=s,
                         widths=cfg.widths, noise_fn=lambda sig, shape, g, D=D: kernel_noise(sig, shape, g, D))
        models[s, D] = m
        g = torch.Generator().manual_seed(s + 7919)  # sampling stream of this training seed (same for every D)
        x_T = make_prior(D)(cfg.n_samples, SIGMA_MAX, g)
        eps = torch.randn(len(sigmas) - 1, cfg.n_samples, N, generator=g)
        for alpha in cfg.alphas:
            xs = sample_with_errors(m, x_T, sigmas, alpha, eps)
            fdd[s, D, alpha] = judge.fdd(xs)
            grids[s, D, alpha] = xs[:32]
            if alpha == 0.0:  # bootstrap s.d. of FDD(0) over the sample set (the sampling spread of C3)
                f = judge.features(xs).numpy()
                brng = np.random.default_rng(s)
                boots = [td.frechet(*td.gaussian_stats(f[brng.integers(0, len(f), len(f))]), *ref_stats)
                         for _ in range(cfg.n_boot)]
                boot_sd[s, D] = float(np.std(boots, ddof=1))

# with alpha = 0 the step-by-step sampler is the lab's heun_sample with the PFGM++ prior
_D0, _s0 = cfg.train_D[0], train_seeds[0]
_a = td.heun_sample(models[_s0, _D0], 64, sigmas, prior_fn=make_prior(_D0), generator=torch.Generator().manual_seed(1))
_b = sample_with_errors(models[_s0, _D0], make_prior(_D0)(64, SIGMA_MAX, torch.Generator().manual_seed(1)), sigmas,
                        0.0, torch.zeros(len(sigmas) - 1, 64, N))
assert torch.allclose(_a, _b, atol=1e-5)

res = pd.DataFrame([dict(seed=s, D=D, alpha=a, fdd=v) for (s, D, a), v in fdd.items()])
res.pivot_table(index=["seed", "D"], columns="alpha", values="fdd").round(2)

# %%
fig, axes = plt.subplots(1, 2, figsize=plot.figsize(2, aspect=0.8))
alphas = np.array(cfg.alphas)
for k, D in enumerate(cfg.train_D):
    Y = np.array([[fdd[s, D, a] for a in cfg.alphas] for s in train_seeds])
    c = plot.COLORS["baseline"] if math.isinf(D) else plot.PALETTE[(0, 2, 3, 4, 5, 6)[k]]
    plot.mean_band(axes[0], alphas, Y, label=D_label(D), color=c, marker="o")
    plot.mean_band(axes[1], alphas, Y - Y[:, :1], label=D_label(D), color=c, marker="o")
axes[0].set(xlabel=r"injected noise $\alpha$", ylabel="FDD (lower is better)",
            title="FDD vs $\\alpha$ (mirrors the paper's robustness figure)")
axes[1].set(xlabel=r"injected noise $\alpha$", ylabel=r"FDD($\alpha$) $-$ FDD(0)", title="Degradation")
axes[0].legend()
plot.show(fig)

# %%
def mosaic(x, rows=3, cols=6):
    """rows x cols digits (first rows*cols rows of x) as one image."""
    return x[:rows * cols].clamp(-1, 1).reshape(rows, cols, 8, 8).permute(0, 2, 1, 3).reshape(rows * 8, cols * 8)


show_D = (cfg.train_D[cfg.train_D.index(4)] if 4 in cfg.train_D else cfg.train_D[0], INF)
fig, axes = plt.subplots(2, 2, figsize=plot.figsize(2, 2, aspect=0.6))
for i, D in enumerate(show_D):
    for j, a in enumerate((0.0, ALPHA_C2)):
        axes[i, j].imshow(mosaic(grids[train_seeds[0], D, a]).numpy(), cmap="gray_r", vmin=-1, vmax=1)
        axes[i, j].set_title(f"{D_label(D)}, $\\alpha={a}$, FDD {fdd[train_seeds[0], D, a]:.1f}")
        axes[i, j].axis("off")
fig.suptitle("Samples with and without injected errors (same prior draw and noise per row)")
plot.show(fig)

# %%
def delta(s, D, a=ALPHA_C2):
    return fdd[s, D, a] - fdd[s, D, 0.0]


def slope(s, D):
    return fit_line(alphas, [fdd[s, D, a] for a in cfg.alphas])[0]


small_D = min(d for d in cfg.train_D if not math.isinf(d) and d >= 4)  # D = 4: the claim's small D
d_small = np.array([delta(s, small_D) for s in train_seeds])
d_inf = np.array([delta(s, INF) for s in train_seeds])
sl_small = np.array([slope(s, small_D) for s in train_seeds])
sl_inf = np.array([slope(s, INF) for s in train_seeds])
finite = [d for d in cfg.train_D if not math.isinf(d)]
best_D = [min(finite, key=lambda d: fdd[s, d, 0.0]) for s in train_seeds]
best_finite = np.array([fdd[s, d, 0.0] for s, d in zip(train_seeds, best_D)])
fdd_inf0 = np.array([fdd[s, INF, 0.0] for s in train_seeds])
gain = fdd_inf0 - best_finite  # > 0: the finite D is better
sd_gain = np.array([math.hypot(boot_sd[s, d], boot_sd[s, INF]) for s, d in zip(train_seeds, best_D)])
spread = 2 * np.array([boot_sd[s, INF] for s in train_seeds])
glue("pf_dsmall", float(d_small.mean()), display=False)
glue("pf_dinf", float(d_inf.mean()), display=False)
glue("pf_slsmall", float(sl_small.mean()), display=False)
glue("pf_slinf", float(sl_inf.mean()), display=False)
glue("pf_f0small", float(np.mean([fdd[s, small_D, 0.0] for s in train_seeds])), display=False)
glue("pf_f0inf", float(fdd_inf0.mean()), display=False)
glue("pf_spread", float(spread.mean()), display=False)
glue("pf_gain", float(gain.mean()), display=False)
glue("pf_sdgain", float(sd_gain.mean()), display=False)

# %% [markdown]
# Injected noise hurts every model, but much less the $D=4$ model. At $\alpha=0.2$ its FDD rises by
# {glue:text}`pf_dsmall:.2f`, against {glue:text}`pf_dinf:.2f` for EDM ($D=\infty$), and the fitted slope is
# {glue:text}`pf_slsmall:.1f` against {glue:text}`pf_slinf:.1f` FDD per unit $\alpha$. This is the paper's mechanism.
# At a given $\sigma$ the $D=4$ network was trained on inputs whose norms vary widely (Experiment 1). A state pushed
# off the typical shell by $\alpha\sigma_i\epsilon_i$ is therefore still in its training distribution, whereas the
# EDM network has only seen the thin shell at $\sigma\sqrt N$. Without injected errors, $D=4$ scores
# {glue:text}`pf_f0small:.2f` against {glue:text}`pf_f0inf:.2f` for EDM, a difference of {glue:text}`pf_gain:.2f`
# in favour of $D=4$ (negative: EDM is better). The sampling noise of that difference has a bootstrap s.d. of
# {glue:text}`pf_sdgain:.2f`. Between training seeds, however, the difference changes sign (see "Deviations and
# limits"). At this scale the robustness gain of small $D$ is large and systematic, while a quality gain at
# $\alpha=0$ is not resolved.

# %% [markdown]
# ## Verdict

# %%
c1 = kern.pivot_table(index="rep", columns="D", values=["rel_err", "quant_z", "cv", "tail", "ks"])
Ds = list(cfg.kernel_D)
fin_D = [d for d in Ds if not math.isinf(d)]
mean_ok = bool((c1["rel_err"][fin_D].abs() < MEAN_TOL).all().all())
quant_ok = bool((c1["quant_z"] < QUANT_Z).all().all())
cv_ok = bool((np.diff(c1["cv"][Ds].to_numpy(), axis=1) < 0).all())
tail_ok = bool((np.diff(c1["tail"][Ds].to_numpy(), axis=1) < 0).all())
ks_ok = bool((np.diff(c1["ks"][fin_D].to_numpy(), axis=1) < 0).all() and (c1["ks"][INF] < c1["ks"][16]).all())
ledger.check("C1", measured=(f"max |rel. err| of E||x-y||^2 {c1['rel_err'][fin_D].abs().max().max():.4f}; "
                             f"max |z| of quantiles {c1['quant_z'].max().max():.2f}; CV " +
                             "/".join(f"{v:.3f}" for v in by_D.loc[Ds, 'cv']) + "; KS " +
                             "/".join(f"{v:.4f}" for v in by_D.loc[Ds, 'ks'])),
             test="every replicate: |rel. err| < 3% (D = 4, 16, 128), quantile |z| < 4, CV and q99/median strictly "
                  "decreasing in D incl. inf, KS strictly decreasing over 4, 16, 128 and KS(inf) < KS(16)",
             holds=mean_ok and quant_ok and cv_ok and tail_ok and ks_ok)
ledger.check("C2", measured=mean_ci(d_inf - d_small),
             test=f"every training seed: Delta(0.2) D={small_D} < D=inf and slope D={small_D} < D=inf "
                  "(measured: Delta_inf - Delta_4)",
             holds=bool((d_small < d_inf).all() and (sl_small < sl_inf).all()))
ledger.check("C3", measured=mean_ci(gain),
             test="every training seed: FDD_inf(0) - min over finite D of FDD(0) > 3 x bootstrap s.d. of that "
                  "difference (measured: the difference; spec's weaker check 'finite <= inf + 2 s.d.' in the text)",
             holds=bool((gain > 3 * sd_gain).all()))
ledger.finish()

# %% [markdown]
# ## Deviations and limits
#
# - **What we could read.** We read the paper's abstract and the opening of the introduction. We read the method's
#   details from the authors' public code: the Beta norm sampler with $r=\sigma\sqrt D$ and EDM's weights in the
#   training loss, the PFGM++ prior at $r_{\max}=\sigma_{\max}\sqrt D$, and the $\alpha$ injection
#   ($x\leftarrow x+\alpha\sigma_i\epsilon$ before each step, with $\alpha\in\{0,0.1,0.2\}$ in their script). We
#   therefore cite sections, not equation numbers. The authors' loss also clips $B$ to $[10^{-3},1-10^{-3}]$, a
#   numerical safeguard we leave out: the exact kernel is the object of C1.
# - **The $\alpha$ form.** The spec placed the injection *after* each step with $\sigma_{i+1}$. We follow the
#   authors' script instead: before each step with $\sigma_i$, which also perturbs the prior draw and leaves the
#   final step clean. We add $\alpha=0.3$ to their three values to see the trend further out.
# - **Scale.** $N=64$ instead of 3072, so the paper's $D$ values are mapped by $D/N$: $D=4$ is $D/N=1/16$, like
#   $D=192$ on CIFAR-10. The network is an MLP U-Net trained for 900 steps, far from converged. FDD uses a digit
#   classifier's features, not Inception, and 1000 samples. At `ci` only $D=4$ and $D=\infty$ are trained, with one
#   training seed per run. "Every training seed" is then established by running SEED 0–4 (five independent training
#   seeds), and the `paper` scale trains three seeds of $D\in\{1,4,16,128,\infty\}$ per run. The paper's other two
#   robustness experiments (fewer sampling steps, weight quantisation) are not run.
# - **Training recipe.** We use the lab's `td.train_edm` (Adam, cosine decay, EMA 0.999). The spec suggested AdamW
#   with a one-cycle schedule. Using the lab's loop keeps $D=\infty$ identical to the book's EDM.
# - **C1 check, revised once (before the seed sweep).** (i) $\|x-y\|^2$ has infinite variance at $D=4$. A simulation
#   showed that the spec's 3% test on 20k draws would fail on about 7% of seeds, so the mean is estimated from
#   $10^6$ Beta norms. (ii) The KS distance of $t_{128}$ to the Gaussian (0.0012 in closed form) is below the
#   sampling noise of a KS statistic on $1.28\cdot10^6$ pooled coordinates (about 0.0007). Strict KS order is
#   therefore checked over $D=4,16,128$, and the exactly Gaussian $D=\infty$ is only required to lie below $D=16$.
#   CV and tail ratio are checked strictly over all four $D$. (iii) We also check the training sampler's 20k
#   vectors directly, through statistics with finite variance: the median and the 90% quantile of
#   $\|x-y\|^2/(\sigma^2N)$ against $F(N,D)$. Our first tolerance for them, 3% relative, was not calibrated: the
#   standard error of the 90% quantile at $D=4$ is 1.3%. During the first sweep we replaced it by $|z|<4$, with the
#   standard error computed from the closed form. The first sweep passed under both rules.
# - **C3 is not resolved at this scale; its check was revised once, after the first sweep.** In the paper the gain
#   of a finite $D$ over EDM is a few percent of FID (about 1 FDD here, if it carried over). At `ci` the comparison
#   is $D=4$ against EDM with one training seed per run. Over SEED 0–4, $\mathrm{FDD}_\infty(0)-\mathrm{FDD}_4(0)$
#   was $+2.5$, $-1.7$, $-0.5$, $+2.0$ and $-2.4$: its sign changes between training seeds, and the spread between
#   seeds (about 2 FDD) is larger than the sampling noise of one run. The spec's check ("best finite $D$ $\le$ EDM
#   + twice EDM's bootstrap s.d.") held for four of the five seeds and failed for SEED 4, so neither verdict was
#   stable under it. We replaced it by the paper's own claim, a finite $D$ that is *better*. The gain must exceed
#   three bootstrap s.d. of the difference before we call it resolved, which no seed reaches. We declare C3 not
#   reproduced: our miniature neither confirms nor refutes a few-percent gain. The paper's actual finding, an
#   *intermediate* optimal $D$, is probed only at the `paper` scale ($D=16,128$, three training seeds). In an
#   exploratory run with shorter training (600 steps), $D=4$ was clearly *worse* than EDM at $\alpha=0$ (FDD about
#   39 against 31). That is the paper's "small $D$ is harder to learn" side of the trade-off, and the robustness
#   advantage (C2) held there as well.
