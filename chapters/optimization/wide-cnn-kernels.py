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
# # What Can Be Learnt With Wide Convolutional Neural Networks?
#
# **Francesco Cagnetta, Alessandro Favero, Matthieu Wyart** · *ICML 2023* ·
# [arXiv:2208.01003](https://arxiv.org/abs/2208.01003) · {cite}`cagnetta2023wide`
#
# A generic function of $d$ variables needs a number of samples exponential in $d$ to be learnt: the test error
# of a kernel method typically falls as $P^{-\beta}$ with $\beta\propto 1/d$. Convolutional networks seem to escape
# this. The paper asks why, in the simplest setting where the question can be answered exactly: infinitely wide
# deep CNNs whose filters do not overlap, so that the network is a tree (filter size $s$, depth $L$, input
# dimension $d=s^L$), trained in the kernel regime, where they are equivalent to kernel regression with their
# neural tangent kernel (NTK). It shows that the eigenfunctions of this kernel are products of functions of the
# input patches and that the eigenvalues decay at a rate set by the *spatial extent* of an eigenfunction, the size
# of the smallest "meta-patch" (the variables below one node of the tree) that contains it, not by $d$.
# Generalisation bounds then say that deep CNNs adapt to the spatial scale of the target: if the target depends
# only on small groups of adjacent variables, the error exponent is controlled by the dimension of those groups; if
# it depends on all variables, the exponent falls as $1/d$, as for a fully connected network. A last result is that
# functions drawn from a random infinitely wide deep CNN are of the second kind, too rich to be learnt efficiently
# in high dimension. We re-run the comparison at the heart of the paper, with exact NTKs in float64: a hierarchical
# CNN kernel and a fully connected one, learning local and global Gaussian-random-field targets in $d=8$ and
# $d=16$.
#
# ```{admonition} Claims tested in this chapter
# :class: tip
# **C1.** (adaptivity to the spatial scale) On a target made of functions of adjacent patch pairs, the hierarchical
# CNN kernel learns faster than a fully connected kernel, $\beta_{\rm CNN}-\beta_{\rm FC}>0.05$ at $d=16$, and the
# gap is larger at $d=16$ than at $d=8$. *Paper:* learning curves of local teachers, and the theorem that the
# exponent is set by the effective dimension of the target's support.
#
# **C2.** (curse for global targets) On a target that depends on all variables the FC exponent falls with $d$,
# $\beta_{\rm FC}(16)\le0.8\,\beta_{\rm FC}(8)$, while the CNN's relative advantage on the local target grows:
# $\beta_{\rm CNN}/\beta_{\rm FC}$ is larger at $d=16$ than at $d=8$. **C2s**, the strong form: $\beta_{\rm CNN}$ on
# the local target does not depend on $d$ ($\beta(16)\ge0.7\,\beta(8)$). *Paper:* the local exponent depends on the
# support of the target; the global one on the input dimension.
#
# **C3.** On a global target the CNN kernel has no advantage: $|\beta_{\rm CNN}-\beta_{\rm FC}|\le0.1$ at each $d$.
# *Paper:* "if the target function depends on the full set of input variables, then the error decay is controlled
# by the input dimension" (abstract).
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
from lib.kernels import (fc_ntk, gaussian_field_risk, gaussian_field_sample, hierarchical_cnn_ntk, laplace_kernel,
                         ridge_smoother)
from lib.seeding import seed_everything, seed_list
from lib.stats import power_law_fit

plot.use_style()
seed_everything(SEED)
torch.set_default_dtype(torch.float64)
cfg = scale_config(SCALE,
                   ci=dict(n_seeds=3, dims=(8, 16), sizes=(64, 128, 256, 512, 1024, 2048), n_test=400,
                           fit_from=128, fc_depth=2, ridge=1e-8, jitter=1e-8, n_draws=8, n_boot=1000, grid=32),
                   paper=dict(n_seeds=5, dims=(8, 16, 32), sizes=(64, 128, 256, 512, 1024, 2048, 4096, 8192),
                              n_test=2000, fit_from=128, fc_depth=2, ridge=1e-8, jitter=1e-8, n_draws=8,
                              n_boot=1000, grid=48))
seeds = seed_list(SEED, cfg.n_seeds)

GAP_MIN, GLOBAL_DROP, STRONG_KEEP, SAME_TOL = 0.05, 0.8, 0.7, 0.1  # thresholds of C1, C2, C2s, C3 (the spec's)

ledger = Ledger("wide-cnn-kernels", scale=SCALE, seed=SEED)
ledger.claim("C1", "On a target made of functions of adjacent patch pairs the hierarchical CNN kernel learns faster "
             "than the FC kernel: beta_CNN - beta_FC > 0.05 at d=16, and the gap is larger at d=16 than at d=8.",
             paper="local teachers: exponent set by the effective dimension of the target's support",
             expected=REPRODUCED)
ledger.claim("C2", "Global target: beta_FC(d=16) <= 0.8 beta_FC(d=8); local target: the ratio beta_CNN/beta_FC is "
             "larger at d=16 than at d=8.",
             paper="global: decay controlled by the input dimension; local: by the target's support",
             expected=REPRODUCED)
ledger.claim("C2s", "Strong form: beta_CNN on the local target does not depend on d (beta(16) >= 0.7 beta(8)).",
             paper="local exponent independent of d (asymptotic statement)", expected=REPRODUCED)
ledger.claim("C3", "On a global target the CNN kernel has no advantage: |beta_CNN - beta_FC| <= 0.1 at each d.",
             paper="abstract: full-input targets are controlled by the input dimension", expected=REPRODUCED)

# %% [markdown]
# ## Scale
#
# | | paper | `ci` | `paper` |
# |---|---|---|---|
# | inputs | $d$ variables in patches on spheres (the authors' script: patches of size $s$ on $S^{s-1}$) | $d\in\{8,16\}$: $d/2$ patches of size 2, each uniform on the unit circle | $d\in\{8,16,32\}$, same |
# | students | NTKs of deep tree CNNs (several $s$, $L$) | tree CNN NTK, $s=2$, $L=\log_2 d$; FC NTK with 2 hidden layers | same |
# | targets | Gaussian random fields; the authors' script draws them from CNN NTKs of smaller depth | Laplace fields on sibling patch pairs (local) or on the whole input (global), error averaged over teacher draws in closed form | same |
# | training set $P$ | 128 to 8192, 8192 test points (authors' script) | 64 to 2048, 400 test points, 3 draws of the inputs | 64 to 8192, 2000 test points, 5 draws |
# | regression | kernel regression, ridgeless by default (authors' script) | ridge $10^{-8}\,{\rm tr}K/P$ | same |

# %% [markdown]
# ## Method
#
# **Students.** We could read the paper's abstract and the caption of its Fig. 1, not its body, so equation numbers
# are not cited here; the recursion below follows the paper's definitions as implemented in the authors' public
# code (`kernel_functions.dcntk`), which we re-derived and checked against the empirical NTK of wide networks in
# `tests/test_kernels.py`. With the arc-cosine functions
# $\kappa_0(u)=\frac{\pi-\arccos u}{\pi}$ and $\kappa_1(u)=\frac{\sqrt{1-u^2}+(\pi-\arccos u)\,u}{\pi}$, a ReLU layer
# maps a covariance $\Sigma$ and a tangent kernel $\Theta$ to
#
# $$\Sigma'=\kappa_1(\Sigma),\qquad \Theta'=\kappa_1(\Sigma)+\kappa_0(\Sigma)\,\Theta .$$
#
# *Hierarchical CNN.* Layer 1 looks at each input patch $x_i$ (a unit vector), so
# $\Sigma_1^{(i)}=\Theta_1^{(i)}=x_i\cdot y_i$. A node $v$ of layer $l+1$ has $s$ children $u$ in layer $l$ and
# averages them after their ReLU: $\Sigma_{l+1}^{(v)}=\frac1s\sum_u\kappa_1(\Sigma_l^{(u)})$ and
# $\Theta_{l+1}^{(v)}=\frac1s\sum_u[\kappa_1(\Sigma_l^{(u)})+\kappa_0(\Sigma_l^{(u)})\Theta_l^{(u)}]$. Layer $L$ has
# a single node and a linear readout on top of its ReLU gives the NTK. With $s=2$ and $d=2^L$ the network has
# $L=\log_2 d$ hidden layers ($L=3$ at $d=8$; the paper's Fig. 1 draws a tree of this depth).
# *Fully connected baseline.* The same layer map applied $2$ times to $\Sigma_1=x\cdot y/(|x||y|)=x\cdot y/(d/2)$.
# Both kernels are the NTKs of bias-free ReLU networks with He scaling, so their diagonal is $L+1$.
#
# **Targets (teachers).** Local: $f(x)=\sum_j g_j(x_{2j},x_{2j+1})$, a sum over the *sibling* patch pairs of the
# tree (the meta-patches of layer 2) of independent Gaussian fields, with covariance
# $C(x,y)=\frac{2}{d}\sum_j e^{-|\hat x_{(j)}-\hat y_{(j)}|}$, where $\hat x_{(j)}$ is the pair projected to the unit
# sphere. Global: one Gaussian field with covariance $e^{-|\hat x-\hat y|}$ on the whole input projected to the
# sphere. Both have unit variance, so the test error is already normalised by the target variance.
#
# **Regression and error.** Kernel ridge regression with a near-zero ridge is the linear map
# $\hat y_{\rm test}=A\,y_{\rm train}$, $A=K_{\rm test,train}(K_{\rm train}+\lambda I)^{-1}$,
# $\lambda=10^{-8}\,{\rm tr}K_{\rm train}/P$. Because the target is Gaussian, the test error averaged over teacher
# draws has a closed form, per test point $a$:
# $\mathbb E\,(\hat y_a-y_a)^2=(A C_{\rm train} A^\top)_{aa}-2(A C_{\rm train,test})_{aa}+C_{aa}$. We use this
# average (the paper's curves average over sampled teachers) and, for the first input draw, also sample 8 teachers
# to show the spread of single draws. The exponent $\beta$ is minus the slope of $\log\epsilon$ against $\log P$ for
# $P\ge128$.

# %%
def circle_inputs(n, n_patches, gen):
    """n points of R^(2 n_patches): each 2-d patch is uniform on the unit circle."""
    angles = 2 * math.pi * torch.rand(n, n_patches, generator=gen)
    return torch.stack([angles.cos(), angles.sin()], -1).reshape(n, 2 * n_patches)


def local_covariance(x):
    """Mean over sibling patch pairs (2j, 2j+1) of a Laplace kernel on the pair projected to the unit sphere."""
    pairs = x.reshape(x.shape[0], -1, 4) / math.sqrt(2)  # a pair of unit patches has norm sqrt(2)
    cov = laplace_kernel(pairs[:, 0], pairs[:, 0])
    for j in range(1, pairs.shape[1]):
        cov += laplace_kernel(pairs[:, j], pairs[:, j])
    return cov.div_(pairs.shape[1])


def global_covariance(x):
    """Laplace kernel on the whole input projected to the unit sphere."""
    unit = x / x.norm(dim=1, keepdim=True)
    return laplace_kernel(unit, unit)


def student_kernels(x, n_train, d):
    """Kernels (N, n_train) between all points and the first n_train: hierarchical CNN NTK and FC NTK."""
    filters = (2,) * int(round(math.log2(d)))  # binary tree down to one node: d = 2^L
    return {"CNN": hierarchical_cnn_ntk(x, x[:n_train], filters=filters),
            "FC": fc_ntk(x, x[:n_train], depth=cfg.fc_depth)}


# %% [markdown]
# **Why the two kernels should differ: their spectra.** On our inputs both kernels depend only on the angle
# differences $\varphi_i$ between corresponding patches, so their eigenfunctions are the Fourier modes
# $e^{i k\cdot\varphi}$ on the torus of $D=d/2$ circles and the eigenvalues are the Fourier coefficients of
# $\Theta(\varphi)$. The next cell computes them on a grid for $d=8$ and follows three families of modes: those on a
# sibling pair, $k=(n,n,0,0)$; on a pair of cousins (same pair of circles, different subtrees), $k=(n,0,n,0)$; and
# on all four circles, $k=(n,n,n,n)$. This is the paper's first result in miniature.

# %%
n_grid, D4 = cfg.grid, 4
phi = torch.arange(n_grid) * 2 * math.pi / n_grid
grid = torch.stack(torch.meshgrid(*[phi] * D4, indexing="ij"), -1).reshape(-1, D4)  # all angle differences
grid_x = torch.stack([grid.cos(), grid.sin()], -1).reshape(-1, 2 * D4)
origin = grid_x[:1]  # Theta(phi) = Theta(x(phi), x(0))
spectra = {name: np.fft.fftn(k(grid_x, origin).reshape((n_grid,) * D4).numpy()).real / n_grid**D4
           for name, k in (("CNN", lambda a, b: hierarchical_cnn_ntk(a, b, filters=(2, 2, 2))),
                           ("FC", lambda a, b: fc_ntk(a, b, depth=cfg.fc_depth)))}
freqs = np.arange(1, n_grid // 4 + 1)
FAMILIES = {"sibling pair (n,n,0,0)": lambda lam, n: lam[n, n, 0, 0],
            "cousin pair (n,0,n,0)": lambda lam, n: lam[n, 0, n, 0],
            "all four (n,n,n,n)": lambda lam, n: lam[n, n, n, n]}
eig = {(st, fam): np.array([f(spectra[st], n) for n in freqs]) for st in spectra for fam, f in FAMILIES.items()}
tail = freqs >= 3  # the asymptotic slope, past the first few modes
eig_slope = {key: power_law_fit(freqs[tail], v[tail]).exponent for key, v in eig.items()}

fig, axes = plt.subplots(1, 2, figsize=plot.figsize(2, aspect=1.0), sharey=True)
for ax, st in zip(axes, spectra):
    for j, fam in enumerate(FAMILIES):
        ax.loglog(freqs, eig[st, fam], "o-", color=plot.PALETTE[j], ms=4,
                  label=f"{fam}: slope {eig_slope[st, fam]:.1f}")
    for expo, ls, anchor in ((-3, "--", "sibling pair (n,n,0,0)"), (-5, ":", "cousin pair (n,0,n,0)")):
        ax.loglog(freqs, 0.5 * eig["CNN", anchor][0] * freqs.astype(float) ** expo, color=plot.COLORS["reference"],
                  ls=ls, lw=1, label=rf"$\propto n^{{{expo}}}$")
    ax.set(title=f"{st} NTK, d = 8", xlabel="frequency $n$ of each involved circle")
    ticks = freqs[(freqs & (freqs - 1)) == 0]  # powers of two
    ax.set_xticks(ticks, [str(n) for n in ticks])
    ax.xaxis.set_minor_formatter(plt.NullFormatter())
    ax.legend(fontsize="x-small", loc="lower left")
axes[0].set_ylabel(r"eigenvalue $\lambda_k$")
fig.suptitle("NTK eigenvalues by spatial extent of the mode (the paper's spectral result)")
plot.show(fig)

# %% [markdown]
# In the CNN kernel, modes on a sibling pair decay like $n^{-3}$, the rate of a Laplace kernel on the
# 2-dimensional torus of that pair (fitted slope {glue:text}`wck_slope_sib:.2f`), whereas modes that span the two
# subtrees decay like $n^{-5}$, the rate of a Laplace kernel on all 4 circles (cousins:
# {glue:text}`wck_slope_cous:.2f`; all four: {glue:text}`wck_slope_all:.2f`, still pre-asymptotic on this grid).
# The FC kernel treats every family alike ($\approx n^{-5}$). The decay is set by the lowest common ancestor of the
# circles a mode involves, which is the hierarchy the paper describes.
#
# **Reference exponents.** We could not read the paper's formula for the exponents, so we derive our reference
# lines from the standard teacher-student argument for ridgeless regression {cite}`spigler2020asymptotic`: with $P$
# samples the student learns the modes whose eigenvalue exceeds that of rank $P$, and the error is the teacher's
# power in the rest. A Laplace teacher on an $m$-dimensional torus puts power $|k|^{-(m+1)}$ on mode $k$. The
# modes on all $D=d/2$ circles are the most numerous, so the eigenvalue of rank $P$ is
# $\lambda_P\sim P^{-(D+1)/D}$ for both kernels. For the FC kernel every mode decays like $|k|^{-(D+1)}$, so it
# learns frequencies $|k|\lesssim P^{1/D}$ and $\beta=1/D=2/d$ on both targets, the curse of dimensionality. The
# CNN kernel's sibling-pair modes decay like $|k|^{-3}$, so on the local target it learns $|k|\lesssim
# P^{(D+1)/(3D)}$, and the power $\sum_{|k|>K}|k|^{-3}\sim K^{-1}$ that remains gives
# $\beta_{\rm CNN}({\rm local})=(1+1/D)/3$: $5/12$ at $d=8$, $3/8$ at $d=16$, tending to $1/3$ as $d\to\infty$. On
# the global target the CNN kernel has the FC rate, $1/D$.

# %%
glue("wck_slope_sib", float(eig_slope["CNN", "sibling pair (n,n,0,0)"]), display=False)
glue("wck_slope_cous", float(eig_slope["CNN", "cousin pair (n,0,n,0)"]), display=False)
glue("wck_slope_all", float(eig_slope["CNN", "all four (n,n,n,n)"]), display=False)


def reference_beta(student, target, d):
    """Asymptotic exponent from the teacher-student argument above (Laplace teachers, ReLU NTK students)."""
    D = d // 2
    return (1 + 1 / D) / 3 if (student, target) == ("CNN", "local") else 1 / D


# %% [markdown]
# ## Experiment
#
# For every replicate seed and every $d$ we draw $P_{\max}+400$ inputs, build both teachers' covariances and both
# students' kernels once, and run kernel ridge regression on the nested training sets made of the first $P$ points.

# %%
STUDENTS, TARGETS = ("CNN", "FC"), ("local", "global")
P_max, sizes = max(cfg.sizes), np.array(cfg.sizes)
risk = np.zeros((len(seeds), len(cfg.dims), len(STUDENTS), len(TARGETS), len(sizes), cfg.n_test))
draw_err = np.zeros((len(cfg.dims), len(STUDENTS), len(TARGETS), cfg.n_draws, len(sizes)))  # first seed only
for r, seed in enumerate(seeds):
    for i, d in enumerate(cfg.dims):
        gen = torch.Generator().manual_seed(int(np.random.SeedSequence([seed, d]).generate_state(1)[0]))
        x = circle_inputs(P_max + cfg.n_test, d // 2, gen)  # the first P_max points train, the rest test
        covs = [local_covariance(x), global_covariance(x)]  # the teachers' (N, N) covariances
        if r == 0:  # sampled teachers: single draws scatter around the closed-form average
            draws = [gaussian_field_sample(c, gen, n_samples=cfg.n_draws, jitter=cfg.jitter) for c in covs]
        for s, k in enumerate(student_kernels(x, P_max, d).values()):
            for p, P in enumerate(sizes):
                k_train = k[:P, :P]
                a = ridge_smoother(k_train, k[P_max:, :P], ridge=cfg.ridge * k_train.trace() / P)
                for t, c in enumerate(covs):
                    risk[r, i, s, t, p] = gaussian_field_risk(a, c[:P, :P], c[P_max:, :P],
                                                              c.diagonal()[P_max:]).numpy()
                    if r == 0:
                        y = draws[t]
                        draw_err[i, s, t, :, p] = ((a @ y[:P] - y[P_max:]) ** 2).mean(0).numpy()

# %%
fit = sizes >= cfg.fit_from
lx = np.log(sizes[fit]) - np.log(sizes[fit]).mean()


def exponents(err):
    """beta = minus the least-squares slope of log error on log P over the fitted sizes (last axis of err)."""
    ly = np.log(err[..., fit])
    return -((ly - ly.mean(-1, keepdims=True)) * lx).sum(-1) / (lx**2).sum()


err = risk.mean(-1)  # (seed, d, student, target, P): test error / target variance, averaged over teachers
beta = exponents(err)  # (seed, d, student, target)
assert np.isclose(beta[0, 0, 0, 0], -power_law_fit(sizes[fit], err[0, 0, 0, 0, fit]).exponent)  # same fit
weights = np.random.default_rng(SEED).multinomial(cfg.n_test, np.full(cfg.n_test, 1 / cfg.n_test),
                                                  size=cfg.n_boot) / cfg.n_test  # bootstrap over test points
beta_boot = exponents(np.moveaxis(risk @ weights.T, -1, 0)).mean(1)  # (boot, d, student, target), seed mean
beta_draws = exponents(draw_err)  # (d, student, target, draw): exponents of single sampled teachers
b = beta.mean(0)  # (d, student, target): mean over replicate seeds


def ci(values):
    """Bootstrap 95% interval over test points of a statistic of the (boot, ...) exponents."""
    return np.percentile(values, [2.5, 97.5], axis=0)


rows = []
for i, d in enumerate(cfg.dims):
    for s, st in enumerate(STUDENTS):
        for t, tg in enumerate(TARGETS):
            lo, hi = ci(beta_boot[:, i, s, t])
            rows.append({"d": d, "student": st, "target": tg, "beta (seed mean)": b[i, s, t],
                         "bootstrap 95% CI": f"[{lo:.3f}, {hi:.3f}]",
                         "beta per seed": ", ".join(f"{v:.3f}" for v in beta[:, i, s, t]),
                         "single teachers (1st input draw)": f"{beta_draws[i, s, t].mean():.3f} ± "
                                                     f"{beta_draws[i, s, t].std(ddof=1):.3f}",
                         "reference": reference_beta(st, tg, d), "error at P_max": err[:, i, s, t, -1].mean()})
table = pd.DataFrame(rows)
table.round(3)

# %%
STYLE = {("CNN", "local"): dict(color=plot.COLORS["method"], marker="o"),
         ("FC", "local"): dict(color=plot.COLORS["baseline"], marker="o"),
         ("CNN", "global"): dict(color=plot.COLORS["method"], marker="s", ls="--"),
         ("FC", "global"): dict(color=plot.COLORS["baseline"], marker="s", ls="--")}
fig, axes = plt.subplots(1, len(cfg.dims), figsize=plot.figsize(len(cfg.dims), aspect=1.0), sharey=True)
for i, (ax, d) in enumerate(zip(axes, cfg.dims)):
    for s, st in enumerate(STUDENTS):
        for t, tg in enumerate(TARGETS):
            style = STYLE[st, tg]
            for y in draw_err[i, s, t]:  # single sampled teachers, first replicate seed
                ax.plot(sizes, y, color=style["color"], ls=style.get("ls", "-"), lw=0.6, alpha=0.25)
            plot.mean_band(ax, sizes, err[:, i, s, t], label=rf"{st}, {tg}: $\beta$={b[i, s, t]:.2f}", ms=4,
                           **style)
    ax.set(xscale="log", yscale="log", title=f"d = {d} ({d // 2} circles)", xlabel="training set size $P$")
    ax.set_yticks([0.1, 0.2, 0.3, 0.5, 0.7], ["0.1", "0.2", "0.3", "0.5", "0.7"])
    ax.yaxis.set_minor_formatter(plt.NullFormatter())
    ax.legend(fontsize="small")
axes[0].set_ylabel(r"test error $\epsilon$ / target variance")
fig.suptitle("Learning curves of CNN and FC kernels (mirrors the paper's learning curves)")
plot.show(fig)

# %% [markdown]
# The thick lines are the error averaged over teachers (mean and 95% band over the {glue:text}`wck_nseeds` input
# draws, a band thinner than the line), the thin lines are single sampled teachers. On the local target the CNN
# curve is the steepest at both $d$; the three other curves are flatter, and flatten further at $d=16$. At
# $P=$ {glue:text}`wck_pmax` and $d=16$ the CNN's error on the local target is {glue:text}`wck_ratio16:.2f` times the
# FC kernel's ({glue:text}`wck_ratio8:.2f` at $d=8$). Single teacher draws give exponents scattered by about
# {glue:text}`wck_draw_sd:.2f` (standard deviation, averaged over the eight curves), enough to blur comparisons of
# a few hundredths: this is why our tests use the teacher average.

# %%
i16, i8 = cfg.dims.index(16), cfg.dims.index(8)
S, T = {st: s for s, st in enumerate(STUDENTS)}, {tg: t for t, tg in enumerate(TARGETS)}
err_ratio = err[:, :, S["CNN"], T["local"], -1] / err[:, :, S["FC"], T["local"], -1]  # (seed, d) at P_max
glue("wck_nseeds", len(seeds), display=False)
glue("wck_pmax", int(P_max), display=False)
glue("wck_ratio16", float(err_ratio[:, i16].mean()), display=False)
glue("wck_ratio8", float(err_ratio[:, i8].mean()), display=False)
glue("wck_draw_sd", float(beta_draws.std(-1, ddof=1).mean()), display=False)

fig, ax = plt.subplots(figsize=plot.figsize(aspect=0.55))
groups = [(st, tg) for tg in TARGETS for st in STUDENTS]
width = 0.8 / len(cfg.dims)
for i, d in enumerate(cfg.dims):
    pos = np.arange(len(groups)) + (i - (len(cfg.dims) - 1) / 2) * width
    vals = np.array([b[i, S[st], T[tg]] for st, tg in groups])
    lo, hi = ci(np.stack([beta_boot[:, i, S[st], T[tg]] for st, tg in groups], -1))
    ax.bar(pos, vals, width * 0.9, color=plot.PALETTE[i + 2], label=f"d = {d}",
           yerr=[vals - lo, hi - vals], capsize=3)
    refs = [reference_beta(st, tg, d) for st, tg in groups]
    ax.hlines(refs, pos - width * 0.45, pos + width * 0.45, color="k", lw=2,
              label="reference (asymptotic)" if i == 0 else None)
ax.set_xticks(np.arange(len(groups)), [f"{st} student\n{tg} target" for st, tg in groups])
ax.set(ylabel=r"exponent $\beta$ ($\epsilon\sim P^{-\beta}$)",
       title="Exponents vs references $2/d$ and $(1+2/d)/3$ (mirrors the paper's predictions)")
ax.legend(fontsize="small")
plot.show(fig)

# %% [markdown]
# Three of the four exponents sit near the curse-of-dimensionality reference $2/d$ and drop sharply from $d=8$ to
# $d=16$.
# The CNN on the local target is the exception: {glue:text}`wck_b_cl8:.3f` at $d=8$ and {glue:text}`wck_b_cl16:.3f`
# at $d=16$, below its asymptotic references ($5/12$ and $3/8$) but far above the FC kernel on the same target
# ({glue:text}`wck_b_fl8:.3f` and {glue:text}`wck_b_fl16:.3f`). The gap $\beta_{\rm CNN}-\beta_{\rm FC}$ on the local
# target is {glue:text}`wck_gap8:.3f` at $d=8$ and {glue:text}`wck_gap16:.3f` at $d=16$; the reference values predict
# a clear growth ($1/6\to1/4$), and at our sizes the growth is only {glue:text}`wck_dgap:.3f` (bootstrap 95% interval
# {glue:text}`wck_dgap_lo:.3f` to {glue:text}`wck_dgap_hi:.3f`), so this half of C1 holds by a thin margin.

# %%
def claim_stats(bb):
    """The quantities the claims test, from exponents bb (..., d, student, target)."""
    cl, fl = bb[..., S["CNN"], T["local"]], bb[..., S["FC"], T["local"]]
    cg, fg = bb[..., S["CNN"], T["global"]], bb[..., S["FC"], T["global"]]
    gap = cl - fl
    return {"gap16": gap[..., i16], "gap8": gap[..., i8], "dgap": gap[..., i16] - gap[..., i8],
            "fc_global_ratio": fg[..., i16] / fg[..., i8],
            "adv16": cl[..., i16] / fl[..., i16], "adv8": cl[..., i8] / fl[..., i8],
            "cnn_local_ratio": cl[..., i16] / cl[..., i8],
            "same16": np.abs(cg - fg)[..., i16], "same8": np.abs(cg - fg)[..., i8]}


stat, stat_boot, stat_seed = claim_stats(b), claim_stats(beta_boot), claim_stats(beta)
for key, (st, tg, d) in {"cl8": ("CNN", "local", 8), "cl16": ("CNN", "local", 16), "fl8": ("FC", "local", 8),
                         "fl16": ("FC", "local", 16)}.items():
    glue(f"wck_b_{key}", float(b[cfg.dims.index(d), S[st], T[tg]]), display=False)
for key in ("gap8", "gap16", "dgap"):
    glue(f"wck_{key}", float(stat[key]), display=False)
glue("wck_dgap_lo", float(ci(stat_boot["dgap"])[0]), display=False)
glue("wck_dgap_hi", float(ci(stat_boot["dgap"])[1]), display=False)


def show(key, digits=3):
    """Seed mean with its bootstrap interval over test points, and the per-seed values."""
    lo, hi = ci(stat_boot[key])
    per_seed = ", ".join(f"{v:.{digits}f}" for v in stat_seed[key])
    return f"{stat[key]:.{digits}f} [{lo:.{digits}f}, {hi:.{digits}f}] (per seed: {per_seed})"


# %% [markdown]
# ## Verdict
#
# Each test is applied to the exponents averaged over the replicate seeds (teacher-averaged errors); brackets are
# bootstrap 95% intervals over the test points.

# %%
ledger.check("C1", measured=f"gap d=16: {show('gap16')}; gap d=8: {show('gap8')}",
             test=f"beta_CNN - beta_FC (local) > {GAP_MIN} at d=16, and gap(d=16) > gap(d=8)",
             holds=bool(stat["gap16"] > GAP_MIN and stat["dgap"] > 0),
             note=f"gap(16) - gap(8) = {show('dgap')}; robust companion: error ratio CNN/FC on the local target at "
                  f"P={P_max}: {err_ratio[:, i16].mean():.2f} (d=16), {err_ratio[:, i8].mean():.2f} (d=8)")
ledger.check("C2", measured=f"beta_FC(global) d16/d8: {show('fc_global_ratio')}; beta_CNN/beta_FC (local): "
                            f"{stat['adv8']:.2f} (d=8) -> {stat['adv16']:.2f} (d=16)",
             test=f"beta_FC(global, 16) <= {GLOBAL_DROP} beta_FC(global, 8) and ratio(16) > ratio(8)",
             holds=bool(stat["fc_global_ratio"] <= GLOBAL_DROP and stat["adv16"] > stat["adv8"]),
             note=f"ratio per seed, d=8: {', '.join(f'{v:.2f}' for v in stat_seed['adv8'])}; "
                  f"d=16: {', '.join(f'{v:.2f}' for v in stat_seed['adv16'])}")
ledger.check("C2s", measured=f"beta_CNN(local) d16/d8: {show('cnn_local_ratio')}",
             test=f"beta_CNN(local, 16) >= {STRONG_KEEP} beta_CNN(local, 8)",
             holds=bool(stat["cnn_local_ratio"] >= STRONG_KEEP),
             note="reference (asymptotic) ratio (3/8)/(5/12) = 0.9")
ledger.check("C3", measured=f"|beta_CNN - beta_FC| (global): d=8 {show('same8')}; d=16 {show('same16')}",
             test=f"|beta_CNN - beta_FC| <= {SAME_TOL} on the global target at d=8 and at d=16",
             holds=bool(max(stat["same8"], stat["same16"]) <= SAME_TOL))
ledger.finish()

# %% [markdown]
# ## Deviations and limits
#
# - **What we could read.** The paper's abstract and Fig. 1 caption, and the authors' public code (kernels, networks,
#   teacher-student script). We did not see the body of the paper, so equation numbers are not cited and the
#   reference exponents are our own derivation from the standard teacher-student argument, using eigenvalue decays
#   we measured above; they are asymptotic and only meant as guides.
# - **Teachers.** The authors' script draws targets from CNN NTKs of smaller depth; we use Laplace fields on sibling
#   patch pairs (local) and on the whole input (global), as the chapter's specification asks, with two choices of
#   ours, both made before any result. (i) "Adjacent pairs" are the sibling pairs of the tree, the paper's
#   meta-patches; a pair straddling two subtrees would be learnt at the CNN's slow, global rate (see the cousin
#   modes above). (ii) Each Laplace kernel acts on its support projected to the unit sphere. With the unit length
#   scale of the specification, inputs at $d=16$ lie about 4 apart, so the global field is nearly white noise
#   ($e^{-4}\approx0.02$ correlation between typical inputs): the prototype behind the specification barely learnt
#   it at $P\le2048$, which makes C2's global half and C3 hold trivially, and it found the strong form C2s failing.
# - **Teacher average.** The specification fits one sampled teacher per seed; we average the error over teachers in
#   closed form, which removes the draw-to-draw scatter shown above and leaves only the small variation over input
#   draws. The thresholds are the specification's. C2s, which the specification expected to fail before the
#   asymptotic regime, holds in our runs (see the verdict table), with the normalised teachers of (ii).
# - **Scale.** $d\le16$ and $P\le2048$ at `ci` ($d\le32$, $P\le8192$ at `paper`). The specification allowed either
#   $P_{\max}=1024$ or a single draw at $P_{\max}=2048$; building the kernels block by block made three input draws
#   at $P_{\max}=2048$ affordable (about 15 s of CPU). The measured exponents are pre-asymptotic, below the
#   references for the CNN on the local target. The growth of the CNN-FC gap from $d=8$ to $d=16$ (second half of
#   C1) is small next to its predicted growth; the error ratio at $P_{\max}$ is the more robust sign of the CNN's
#   advantage.
# - **Not covered.** Trained finite networks (we use the exact NTKs, the paper's kernel regime), filter sizes other
#   than 2, inputs on higher-dimensional spheres, smoothness-controlled teachers, and the random-deep-CNN teacher of
#   the paper's last result.
