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
# # What Regularized Auto-Encoders Learn from the Data Generating Distribution
#
# **Guillaume Alain, Yoshua Bengio** · *ICLR 2013; JMLR 15, 2014* ·
# [arXiv:1211.4246](https://arxiv.org/abs/1211.4246) · {cite}`alain2014dae`
#
# An auto-encoder maps an input $x$ to a reconstruction $r(x)$. Trained without a regulariser it would learn the
# identity; denoising and contractive auto-encoders are kept from doing so, and were known to capture the local
# shape of the data. This paper says exactly *what* they capture. For the contractive criterion
# $\mathbb E\big[\|r(x)-x\|^2+\sigma^2\|\partial r/\partial x\|_F^2\big]$ the best reconstruction function, whatever
# the network that represents it, satisfies $r^*(x)=x+\sigma^2\,\partial\log p(x)/\partial x+o(\sigma^2)$ as
# $\sigma\to0$; the denoising criterion with Gaussian corruption of variance $\sigma^2$ has the same small-noise
# limit. So the displacement $r(x)-x$, divided by $\sigma^2$, estimates the *score* of the data density. A
# consequence the paper stresses is that the reconstruction error $\|r(x)-x\|^2\approx\sigma^4\|\nabla\log p\|^2$
# vanishes wherever the score does, at the bottom of a density valley as much as at a peak, so it cannot serve as
# an energy (an unnormalised $-\log p$). The paper illustrates this on one- and two-dimensional toy densities and
# builds an approximate Metropolis-Hastings sampler from the estimated score.
#
# ```{admonition} Claims tested in this chapter
# :class: tip
# **C1.** A denoising auto-encoder trained with corruption noise $\sigma=0.3$ on a 1-D two-component Gaussian
# mixture learns $(r(x)-x)/\sigma^2$ with Pearson correlation at least 0.9 to the true score on the data-supported
# region. *Paper:* Theorem 1 and the denoising corollary ($r(x)-x\approx\sigma^2\,\partial\log p/\partial x$);
# the 1-D experiment plotting $r(x)-x$ against $x$.
#
# **C2.** The same holds for the contractive criterion (RCAE) with penalty $\sigma^2 (dr/dx)^2$ at $\sigma=0.3$.
# *Paper:* Theorem 1, which is stated for exactly this criterion.
#
# **C3.** At the smaller noise $\sigma=0.1$, where the theorem's $o(\sigma^2)$ bias is smaller, both criteria
# still reach correlation 0.9. *Paper:* the expansion is exact as $\sigma\to0$ "given enough capacity and
# examples".
#
# **C4.** The reconstruction error is not an energy: at the density minimum between the modes ($x=0$) and at the
# modes ($x=\pm1.5$) it is at least 100 times smaller than at the point of largest $|$score$|$. *Paper:* §3
# discussion ("contradicts previous interpretations of reconstruction error as an energy function").
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
from lib.claims import Ledger, REPRODUCED
from lib.config import scale_config
from lib.schedules import cosine
from lib.seeding import seed_everything, seed_list
from lib.stats import mean_ci

plot.use_style()
cfg = scale_config(SCALE,
                   ci=dict(n_seeds=3, n=10_000, sigmas=(0.1, 0.3), hidden=64, steps=3000, batch=256, lr=3e-3),
                   paper=dict(n_seeds=5, n=100_000, sigmas=(0.05, 0.1, 0.2, 0.3, 0.5, 1.0), hidden=128,
                              steps=20_000, batch=512, lr=3e-3))
seeds = seed_list(SEED, cfg.n_seeds)
seed_everything(SEED)  # the draws below use explicit generators seeded from `seeds`

# Thresholds, fixed from the paper's statement before any seed sweep (see "Deviations and limits"):
CORR_MIN = 0.9  # C1-C3: "(r-x)/sigma^2 matches the score" read as Pearson r >= 0.9 (>= 81% of variance)
ENERGY_RATIO = 0.01  # C4: rec error at antimode / modes <= 1/100 of its value at argmax |score| (spec)
SUPPORT = 0.02  # evaluation region: grid points with p(x) > 0.02

ledger = Ledger("dae-learns-score", scale=SCALE, seed=SEED)
ledger.claim("C1", "A DAE with corruption sigma=0.3 learns (r(x)-x)/sigma^2 with Pearson r >= 0.9 to the true "
             "score of a 1-D Gaussian mixture (mean over replicates, on p(x) > 0.02).",
             paper="Thm 1 + DAE corollary: r(x)-x = sigma^2 dlog p/dx + o(sigma^2); 1-D figure", expected=REPRODUCED)
ledger.claim("C2", "The contractive criterion (RCAE, penalty sigma^2 (dr/dx)^2) at sigma=0.3 does the same (r >= 0.9).",
             paper="Thm 1 (stated for RCAE)", expected=REPRODUCED)
ledger.claim("C3", "At the smaller noise sigma=0.1 both criteria still reach Pearson r >= 0.9.",
             paper="Thm 1: exact as sigma -> 0 given enough capacity and data", expected=REPRODUCED)
ledger.claim("C4", "Reconstruction error at the antimode x=0 and at the modes x=+-1.5 is <= 1/100 of its value "
             "at the point of largest |score| (both criteria at sigma 0.1 and 0.3; mean over replicates).",
             paper="Sec. 3: reconstruction error is not an energy", expected=REPRODUCED)

# %% [markdown]
# ## Scale
#
# | | paper | `ci` | `paper` |
# |---|---|---|---|
# | data | 1-D and 2-D toy densities (mixture, spiral/circle); sizes not recorded here | $\tfrac12\mathcal N(-1.5,0.5^2)+\tfrac12\mathcal N(1.5,0.5^2)$, $n=10{,}000$ samples per replicate | same mixture, $n=100{,}000$ |
# | model | MLP auto-encoders (the result does not depend on the parametrisation) | MLP 1-64-64-1, tanh | MLP 1-128-128-1, tanh |
# | criteria | RCAE (Thm 1), DAE | DAE and RCAE at $\sigma\in\{0.1,0.3\}$ | DAE and RCAE at $\sigma\in\{0.05,\dots,1\}$ |
# | training | not recorded here | Adam, lr $3\cdot10^{-3}$, cosine decay, 3,000 steps, batch 256 | 20,000 steps, batch 512 |
# | replicates | one run per figure | 3 replicates (data, init, noise) | 5 replicates |

# %% [markdown]
# ## Method
#
# **Data.** $p(x)=\tfrac12\mathcal N(x;-1.5,s^2)+\tfrac12\mathcal N(x;1.5,s^2)$ with $s=0.5$. Its score is
# $\partial_x\log p(x)=\sum_k w_k(x)\,(\mu_k-x)/s^2$ with the posterior weights $w_k(x)\propto\mathcal N(x;\mu_k,s^2)$,
# which vanishes at both modes and at the antimode $x=0$.
#
# **Criteria.** With $r$ a network from $\mathbb R$ to $\mathbb R$:
# - contractive (RCAE, the object of Theorem 1):
#   $\mathcal L_{\rm RCAE}=\mathbb E_x\big[(r(x)-x)^2+\sigma^2\,r'(x)^2\big]$,
# - denoising (DAE): $\mathcal L_{\rm DAE}=\mathbb E_{x,\epsilon}\big[(r(x+\epsilon)-x)^2\big]$,
#   $\epsilon\sim\mathcal N(0,\sigma^2)$; a Taylor expansion in $\epsilon$ shows it equals $\mathcal L_{\rm RCAE}$
#   up to $o(\sigma^2)$ terms, which is how the paper transfers Theorem 1 to the DAE.
#
# Theorem 1: the minimiser over all functions satisfies $r^*_\sigma(x)=x+\sigma^2\,\partial_x\log p(x)+o(\sigma^2)$.
# We therefore read the *estimated score* off a trained network as $(r(x)-x)/\sigma^2$.
#
# **An exact reference for the DAE.** For the denoising criterion the minimiser at finite $\sigma$ is known in
# closed form: $r^*(\tilde x)=\mathbb E[x\mid\tilde x]=\tilde x+\sigma^2\,\partial\log p_\sigma(\tilde x)$, where
# $p_\sigma=p*\mathcal N(0,\sigma^2)$ is the data density blurred by the noise (for a Gaussian mixture, the same
# mixture with variance $s^2+\sigma^2$). This is not a result of the paper; we use it to split the gap between our
# estimate and the true score into the criterion's own bias (which Theorem 1 says vanishes as $\sigma\to0$) and the
# error of fitting a network to finite data.
#
# **Training.** All networks of one run (criteria x noise levels x replicates) are trained as one batch of
# independent MLPs with Adam and a cosine learning-rate decay; each replicate has its own data sample, initial
# weights and noise draws. The derivative $r'(x)$ needed by the RCAE penalty is propagated exactly through the
# network alongside its value (forward-mode differentiation; checked against autograd below).

# %%
MU, S = torch.tensor([-1.5, 1.5], dtype=torch.float64), 0.5


def mixture(x, var=S**2):
    """Density p(x) and score d log p / dx of the two-component mixture with component variance `var`."""
    comp = torch.exp(-(x[..., None] - MU) ** 2 / (2 * var)) / math.sqrt(2 * math.pi * var)  # N(x; mu_k, var)
    p = 0.5 * comp.sum(-1)
    w = comp / comp.sum(-1, keepdim=True)  # posterior weights w_k(x)
    return p, (w * (MU - x[..., None]) / var).sum(-1)  # score = sum_k w_k (mu_k - x) / var


def sample_mixture(n, gen):
    """n draws from the mixture."""
    k = torch.randint(0, 2, (n,), generator=gen)
    return (MU[k] + S * torch.randn(n, generator=gen, dtype=torch.float64)).float()


def init_mlps(n_nets, hidden, gens):
    """PyTorch-default uniform init for a batch of 1-h-h-1 MLPs; net j draws from generator gens[j]."""
    def u(shape, fan_in, g):
        return (torch.rand(*shape, generator=g) * 2 - 1) / math.sqrt(fan_in)
    shapes = [((1, hidden), 1), ((1, hidden), 1), ((hidden, hidden), hidden), ((1, hidden), hidden),
              ((hidden, 1), hidden), ((1, 1), hidden)]
    return [torch.stack([u(sh, fan, g) for g in gens]).requires_grad_() for sh, fan in shapes]


def reconstruct(params, x):
    """r(x) and dr/dx for a batch of MLPs; x (nets, m, 1). The derivative is carried forward exactly."""
    W1, b1, W2, b2, W3, b3 = params
    h1 = torch.tanh(x @ W1 + b1)
    d1 = (1 - h1**2) * W1  # dh1/dx
    h2 = torch.tanh(h1 @ W2 + b2)
    d2 = (1 - h2**2) * (d1 @ W2)  # dh2/dx
    return h2 @ W3 + b3, d2 @ W3


def train(params, X, sigma, is_dae, gens, cfg):
    """Minimise L_DAE (is_dae) or L_RCAE for every net of the batch; X (nets, n) is each net's training set."""
    opt = torch.optim.Adam(params, lr=cfg.lr)
    lr_mult = cosine(cfg.steps)
    n_nets, n = X.shape
    sig, dae = sigma.view(-1, 1, 1), is_dae.view(-1, 1, 1)
    for step in range(cfg.steps):
        for grp in opt.param_groups:
            grp["lr"] = cfg.lr * lr_mult[step]
        idx = torch.stack([torch.randint(0, n, (cfg.batch,), generator=g) for g in gens])
        eps = torch.stack([torch.randn(cfg.batch, generator=g) for g in gens]).unsqueeze(-1)
        x = torch.gather(X, 1, idx).unsqueeze(-1)
        r, dr = reconstruct(params, x + dae * sig * eps)  # DAE sees x + eps; RCAE sees the clean x
        loss = torch.where(dae, (r - x) ** 2,  # L_DAE = E (r(x + eps) - x)^2
                           (r - x) ** 2 + sig**2 * dr**2)  # L_RCAE = E (r(x) - x)^2 + sigma^2 (dr/dx)^2 (Thm 1)
        opt.zero_grad()
        loss.mean((1, 2)).sum().backward()  # independent nets: the sum separates
        opt.step()
    return params


# the forward-mode derivative equals autograd's
_p = init_mlps(2, 8, [torch.Generator().manual_seed(1)] * 2)
_x = torch.linspace(-2, 2, 5).view(1, 5, 1).repeat(2, 1, 1).requires_grad_()
_r, _dr = reconstruct(_p, _x)
assert torch.allclose(torch.autograd.grad(_r.sum(), _x)[0], _dr, atol=1e-6)

# %% [markdown]
# ## Experiment
#
# One run trains, for every replicate seed, a DAE and an RCAE at every noise level, all on that replicate's
# sample of $n$ points. We then evaluate $(r(x)-x)/\sigma^2$ on 301 grid points in $[-3,3]$ and compare it with the
# true score where $p(x)>0.02$.

# %%
CRITERIA = ("DAE", "RCAE")
configs = [(seed, crit, sigma) for seed in seeds for crit in CRITERIA for sigma in cfg.sigmas]
gens = {seed: torch.Generator().manual_seed(seed) for seed in seeds}
data = {seed: sample_mixture(cfg.n, gens[seed]) for seed in seeds}
net_gens = [gens[s] for s, _, _ in configs]  # each net draws batches, noise and init from its replicate's stream
X = torch.stack([data[s] for s, _, _ in configs])
sigma = torch.tensor([sg for _, _, sg in configs])
is_dae = torch.tensor([c == "DAE" for _, c, _ in configs])
params = train(init_mlps(len(configs), cfg.hidden, net_gens), X, sigma, is_dae, net_gens, cfg)

grid = torch.linspace(-3, 3, 301, dtype=torch.float64)
p_true, score_true = mixture(grid)
with torch.no_grad():
    r_grid = reconstruct(params, grid.float().view(1, -1, 1).repeat(len(configs), 1, 1))[0][..., 0].double()
disp = r_grid - grid  # r(x) - x, (nets, grid)
est = disp / sigma.double()[:, None] ** 2  # estimated score (r(x) - x) / sigma^2 (Thm 1)
support = p_true > SUPPORT


def corr(a, b):
    """Pearson correlation of two 1-D arrays."""
    return float(np.corrcoef(np.asarray(a), np.asarray(b))[0, 1])


def rel_err(a, b):
    """Relative L2 error ||a - b|| / ||b||."""
    return float(np.linalg.norm(np.asarray(a) - np.asarray(b)) / np.linalg.norm(np.asarray(b)))


res = pd.DataFrame({"seed": [s for s, _, _ in configs], "criterion": [c for _, c, _ in configs],
                    "sigma": [sg for _, _, sg in configs],
                    "corr": [corr(e[support], score_true[support]) for e in est],
                    "rel. L2 error": [rel_err(e[support], score_true[support]) for e in est]})
res.pivot_table(index="seed", columns=["criterion", "sigma"], values=["corr", "rel. L2 error"]).round(3)

# %% [markdown]
# The exact DAE minimiser at the same noise level, $(r^*(x)-x)/\sigma^2=\partial\log p_\sigma(x)$, shows how much
# of the gap is the criterion's own bias at finite $\sigma$:

# %%
oracle = {sg: mixture(grid, S**2 + sg**2)[1] for sg in cfg.sigmas}  # score of the blurred density p_sigma
oracle_tab = pd.DataFrame({"sigma": cfg.sigmas,
                           "corr (exact DAE minimiser)": [corr(oracle[sg][support], score_true[support])
                                                          for sg in cfg.sigmas],
                           "rel. L2 error (exact DAE minimiser)": [rel_err(oracle[sg][support], score_true[support])
                                                                  for sg in cfg.sigmas]})
oracle_tab.round(4)

# %%
def curves(values, crit, sg):
    """Rows (one per replicate) of a per-net array for one criterion and noise level."""
    return np.stack([values[j].numpy() for j, (_, c, s) in enumerate(configs) if c == crit and s == sg])


shown = [sg for sg in (0.1, 0.3) if sg in cfg.sigmas]
xg, pg = grid.numpy(), p_true.numpy()
fig, axes = plt.subplots(1, len(shown), figsize=plot.figsize(len(shown), aspect=1.25), sharey=True)
for ax, sg in zip(np.atleast_1d(axes), shown):
    ax.fill_between(xg, 0, pg / pg.max() * 6, color=plot.COLORS["reference"], alpha=0.15, lw=0,
                    label="density $p(x)$ (rescaled)")
    ax.plot(xg, score_true.numpy(), color="k", lw=2, label=r"true score $\partial_x \log p$")
    ax.plot(xg, oracle[sg].numpy(), color=plot.COLORS["reference"], ls=":", label="exact DAE minimiser")
    for crit, key in zip(CRITERIA, ("method", "baseline")):
        plot.mean_band(ax, xg, curves(est, crit, sg), label=f"{crit}: $(r(x)-x)/\\sigma^2$", color=plot.COLORS[key])
    ax.set(title=rf"$\sigma={sg}$", xlabel="$x$", ylim=(-9, 9))
np.atleast_1d(axes)[0].set_ylabel(r"score (1/unit of $x$)")
fig.legend(*np.atleast_1d(axes)[0].get_legend_handles_labels(), loc="outside lower center", ncols=3,
           fontsize="small")
fig.suptitle("Learned $(r(x)-x)/\\sigma^2$ vs the true score, mean and 95% band over replicates\n"
             "(mirrors the paper's 1-D experiment)")
plot.show(fig)

# %% [markdown]
# Both criteria trace the true score: zero at the modes $\pm1.5$ and at the antimode $0$, pointing towards the
# nearest mode everywhere else. At $\sigma=0.3$ the mean correlation over replicates is
# {glue:text}`dae_c_dae3:.3f` (DAE) and {glue:text}`dae_c_rcae3:.3f` (RCAE), with relative $L_2$ errors of
# {glue:text}`dae_e_dae3:.2f` and {glue:text}`dae_e_rcae3:.2f`. The exact DAE minimiser at this noise level already
# has correlation {glue:text}`dae_o3:.3f` and relative error {glue:text}`dae_oe3:.2f`: a finite $\sigma$ blurs the
# density and flattens the score, most visibly at the antimode, where the learned curves follow the blurred score
# rather than the true one. At $\sigma=0.1$ that bias nearly vanishes (exact minimiser: correlation
# {glue:text}`dae_o1:.4f`, relative error {glue:text}`dae_oe1:.3f`), but dividing the small displacement $r(x)-x$
# by $\sigma^2=0.01$ magnifies any fitting error a hundredfold, so the learned curves carry more noise. They reach
# mean correlations of {glue:text}`dae_c_dae1:.3f` (DAE) and {glue:text}`dae_c_rcae1:.3f` (RCAE), the worst
# replicate {glue:text}`dae_c_min1:.3f`, with relative errors of {glue:text}`dae_e_dae1:.2f` and
# {glue:text}`dae_e_rcae1:.2f`: what the smaller noise gains in bias, the finite fit partly gives back in variance.

# %%
mean_corr = res.groupby(["criterion", "sigma"])["corr"].mean()
mean_err = res.groupby(["criterion", "sigma"])["rel. L2 error"].mean()
for crit in CRITERIA:
    for sg, tag in ((0.1, "1"), (0.3, "3")):
        glue(f"dae_c_{crit.lower()}{tag}", float(mean_corr[crit, sg]), display=False)
        glue(f"dae_e_{crit.lower()}{tag}", float(mean_err[crit, sg]), display=False)
glue("dae_o3", corr(oracle[0.3][support], score_true[support]), display=False)
glue("dae_oe3", rel_err(oracle[0.3][support], score_true[support]), display=False)
glue("dae_o1", corr(oracle[0.1][support], score_true[support]), display=False)
glue("dae_oe1", rel_err(oracle[0.1][support], score_true[support]), display=False)
glue("dae_c_min1", float(res[res.sigma == 0.1]["corr"].min()), display=False)

# %% [markdown]
# Theorem 1 describes the limit $\sigma\to0$. The next figure separates its two sides: the exact DAE minimiser's
# error against the true score (the criterion's bias, which the theorem says vanishes faster than $\sigma^2$ after
# division by $\sigma^2$, i.e. the curve falls to zero) and the error of our trained networks, which adds the cost of
# fitting $r$ from finite data and a finite number of steps.

# %%
sig_fine = np.geomspace(0.02, 1.0, 60)
bias = [rel_err(mixture(grid, S**2 + sg**2)[1][support], score_true[support]) for sg in sig_fine]
fig, ax = plt.subplots(figsize=plot.figsize(aspect=0.5))
ax.plot(sig_fine, bias, color=plot.COLORS["reference"], ls=":", label="exact DAE minimiser (bias only)")
for k, (crit, key) in enumerate(zip(CRITERIA, ("method", "baseline"))):
    for sg in cfg.sigmas:
        e = mean_ci(res[(res.criterion == crit) & (res.sigma == sg)]["rel. L2 error"])
        ax.errorbar(sg * (1.04 if k else 0.96), e.mean, yerr=[[e.mean - e.lo], [e.hi - e.mean]], fmt="o",
                    color=plot.COLORS[key], label=f"{crit} (trained)" if sg == cfg.sigmas[0] else None)
ax.set(xscale="log", yscale="log", xlabel=r"noise level $\sigma$",
       ylabel=r"relative $L_2$ error of $(r(x)-x)/\sigma^2$",
       title=r"Bias vanishes as $\sigma\to0$; fitting error does not (mean and 95% CI over replicates)")
ax.legend(fontsize="small")
plot.show(fig)

# %% [markdown]
# ### Reconstruction error is not an energy
#
# If $\|r(x)-x\|^2$ were an energy it would be small where data are dense and large in the valley between the
# modes. Theorem 1 predicts instead $\|r(x)-x\|^2\approx\sigma^4(\partial_x\log p)^2$: small wherever the score
# vanishes, including the antimode.

# %%
rec = disp**2  # reconstruction error ||r(x) - x||^2 on the grid
i_max = int(torch.where(support, score_true.abs(), torch.zeros_like(grid)).argmax())  # argmax |score| on support
x_star = float(grid[i_max])
at = {name: int((grid - v).abs().argmin()) for name, v in (("antimode", 0.0), ("mode -1.5", -1.5),
                                                            ("mode +1.5", 1.5))}
rows = []
for crit in CRITERIA:
    for sg in cfg.sigmas:
        R = curves(rec, crit, sg).mean(0)  # mean over replicates
        rows.append({"criterion": crit, "sigma": sg, "rec at argmax|score|": R[i_max],
                     **{f"rec at {k}": R[i] for k, i in at.items()},
                     "worst ratio": max(R[i] for i in at.values()) / R[i_max]})
energy = pd.DataFrame(rows)
energy

# %%
fig, ax = plt.subplots(figsize=plot.figsize(aspect=0.6))
for crit, key in zip(CRITERIA, ("method", "baseline")):
    for sg, ls in zip(shown, ("--", "-")):
        plot.mean_band(ax, xg, np.log10(curves(rec, crit, sg) + 1e-12), color=plot.COLORS[key], ls=ls,
                       label=rf"{crit}, $\sigma={sg}$")
ax2 = ax.twinx()
ax2.fill_between(xg, 0, pg, color=plot.COLORS["reference"], alpha=0.15, lw=0)
ax2.set(ylabel="density $p(x)$", ylim=(0, pg.max() * 1.1))
ax2.grid(False)
for v, name in ((-1.5, "mode"), (0.0, "antimode"), (1.5, "mode")):
    ax.axvline(v, color=plot.COLORS["highlight"], ls=":", lw=1)
    ax.text(v, 0.02, name, transform=ax.get_xaxis_transform(), ha="center", fontsize="small")
ax.axvline(x_star, color="k", ls="-.", lw=1)
ax.text(x_star + 0.05, 0.93, r"max $|$score$|$", transform=ax.get_xaxis_transform(), ha="left", fontsize="small")
ax.set(xlabel="$x$", ylabel=r"$\log_{10}\,(r(x)-x)^2$", ylim=(-9, 1),
       title="Reconstruction error: as small in the valley as at the peaks (paper §3)")
fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=4, fontsize="small")
plot.show(fig)

# %% [markdown]
# The reconstruction error has deep dips at both modes *and* at the antimode, and peaks in between, where the
# density is steepest. Averaged over replicates, the largest ratio of the error at the antimode or a mode to the
# error at the steepest point ($x=$ {glue:text}`dae_xstar:.2f`) is {glue:text}`dae_worst_ratio:.1e` over both
# criteria at $\sigma\in\{0.1, 0.3\}$. Ranking points by reconstruction error would put the density valley among the most
# likely points.

# %%
glue("dae_xstar", x_star, display=False)
glue("dae_worst_ratio", float(energy[energy.sigma.isin(shown)]["worst ratio"].max()), display=False)

# %% [markdown]
# ## Verdict

# %%
def corr_check(cid, crits, sg):
    """Replicate-mean correlation >= CORR_MIN for each listed criterion at noise sg."""
    means = {c: float(mean_corr[c, sg]) for c in crits}
    vals = np.concatenate([res[(res.criterion == c) & (res.sigma == sg)]["corr"].to_numpy() for c in crits])
    ledger.check(cid, measured=mean_ci(vals),
                 test=f"sigma={sg}: mean over {len(seeds)} replicates of Pearson r >= {CORR_MIN} for "
                      + " and ".join(crits),
                 holds=all(m >= CORR_MIN for m in means.values()),
                 note="; ".join(f"{c} mean {m:.3f}, per replicate "
                                + ", ".join(f"{v:.3f}" for v in res[(res.criterion == c) & (res.sigma == sg)]["corr"])
                                for c, m in means.items()))


corr_check("C1", ["DAE"], 0.3)
corr_check("C2", ["RCAE"], 0.3)
corr_check("C3", list(CRITERIA), 0.1)
ledger.check("C4", measured=float(energy[energy.sigma.isin(shown)]["worst ratio"].max()),
             test=f"for every criterion and sigma in {shown}: replicate-mean rec error at x=0 and x=+-1.5 <= {ENERGY_RATIO} x "
                  f"rec error at argmax |score| (x={x_star:.2f})",
             holds=bool((energy[energy.sigma.isin(shown)]["worst ratio"] <= ENERGY_RATIO).all()),
             note="worst ratio per (criterion, sigma): " + ", ".join(
                 f"{r.criterion} {r.sigma}: {r['worst ratio']:.1e}" for _, r in energy.iterrows()))
ledger.finish()

# %% [markdown]
# ## Deviations and limits
#
# - **What we could read.** We worked from the paper's abstract and our knowledge of its main result
#   (Theorem 1, the DAE corollary, the "not an energy" discussion). We could not consult the full text while
#   writing, so we cite results by name rather than by equation number, and the paper's own 1-D experimental
#   settings (data size, network, training) are not reproduced: ours follow the spec, except for the training
#   length (below). Section numbers ("§3") are the spec's.
# - **Thresholds.** The spec asked for correlation $\ge0.9$ at $\sigma=0.3$ but only $\ge0.65$ at $\sigma=0.1$, a
#   bar lowered after one prototype run. Theorem 1 says the estimate gets *better* as $\sigma\to0$ (given enough
#   capacity and data), so nothing in the paper supports a lower bar at the smaller noise. We use one bar, 0.9, at
#   both noise levels, fixed before the seed sweep, and test the two levels as separate claims (C1-C2 at
#   $\sigma=0.3$, C3 at $\sigma=0.1$). Each test uses the mean over the run's replicates rather than every single
#   replicate, to be robust to one unlucky fit.
# - **Training length.** The spec asked for 1,200 Adam steps. Theorem 1 is a statement about the *minimiser* of
#   the criterion, so the networks must be trained close to convergence. A pilot run (SEED=0 only, before the
#   seed sweep) showed that 1,500 steps leave the $\sigma=0.1$ fits under-trained: their mean correlation was 0.91
#   (replicates 0.83-0.96), against 0.97-0.98 after 3,000 steps, while 10x more data at 1,500 steps did not help
#   (0.88-0.96), so the gap was optimisation, not data. We therefore train 3,000 steps, which fits the CPU
#   budget; the thresholds were not changed.
# - **C4's margin.** The 100x ratio is the spec's. It is checked on the replicate-mean reconstruction error at
#   the antimode and at both modes, for every criterion and noise level. The tightest case is the DAE at
#   $\sigma=0.1$: the antimode sits where the true score is steepest (slope $\mu^2/s^4-1/s^2=32$ per unit of $x$),
#   so a learned zero crossing shifted by about 0.015 already uses up the factor 100. It held for SEEDs 0-4, with
#   less room than the other cases.
# - **Not covered.** The 2-D spiral experiment, the $\sigma$ sweep showing bias against variance in the learned
#   estimates (only the exact DAE minimiser's bias is shown) and the approximate Metropolis-Hastings sampler are
#   not run at `ci` scale; the `paper` scale adds noise levels $0.05$ to $1$ but keeps the 1-D mixture.
# - **Derivative.** The RCAE penalty uses $dr/dx$ carried forward through the network, checked against autograd;
#   it is the exact Jacobian of a 1-D map, as in the paper.
